/** Issue 19's world options: drawn groups, a cap on replies, a flat profile that fits 20,000 tickets a day. */
import { expectedOfferedContacts } from '../../tools/local-freshdesk/oracle';
import { toProductEvent } from '../../tools/local-freshdesk/product-events';
import { generateWorld, MAX_GROUP_NAME_LENGTH, type WorldOptions } from '../../tools/local-freshdesk/world';
import { drawAccount } from '../../tools/simulator/profile';

const BASE: WorldOptions = { seed: 19, start: '2026-11-02T00:00:00Z', days: 1, ticketsPerDay: 2000 };

describe('drawn groups', () => {
  const world = generateWorld({ ...BASE, groups: { count: 500, renames: 40, deletions: 20, changeHours: 2 } });
  const before = world.groupsAsOf(world.start);
  const after = world.groupsAsOf(world.start + 2 * 3_600_000);

  it('has the asked number of groups with distinct ids of up to 11 digits and names of up to 100 characters', () => {
    expect(before).toHaveLength(500);
    expect(new Set(before.map((g) => g.id)).size).toBe(500);
    expect(before.every((g) => Number.isInteger(g.id) && g.id >= 1 && g.id < 1e11)).toBe(true);
    expect(before.filter((g) => g.id >= 1e10).length).toBeGreaterThan(300);
    expect(Math.max(...before.map((g) => g.name.length))).toBe(MAX_GROUP_NAME_LENGTH);
  });

  it('renames and deletes groups inside the change window', () => {
    expect(after).toHaveLength(480);
    const renamed = after.filter((g) => g.name !== before.find((b) => b.id === g.id)?.name);
    expect(renamed.length).toBeGreaterThan(30);
    expect(renamed.every((g) => g.name.length <= MAX_GROUP_NAME_LENGTH)).toBe(true);
  });

  it('puts tickets in many groups, and the oracle and payloads name the drawn ids', () => {
    const contacts = expectedOfferedContacts(world, { replyScope: 'customer', from: world.start, to: world.start + 6 * 3_600_000 });
    const groups = new Set(contacts.map((c) => c.queueIdentifier.split('/')[1]));
    expect(groups.size).toBeGreaterThan(50);
    const first = [...world.timeline(world.start, world.start + 3_600_000)].find((e) => e.kind === 'ticketCreated');
    if (!first) throw new Error('no ticket in the first hour');
    const ticket = toProductEvent(world, first).data['ticket'] as { group_id: number | null };
    expect(ticket.group_id === null || before.some((g) => g.id === ticket.group_id)).toBe(true);
  });
});

describe('replies per ticket', () => {
  it('caps each ticket\'s replies at 0 to the maximum', () => {
    const world = generateWorld({ ...BASE, maxRepliesPerTicket: 4 });
    const plain = generateWorld(BASE);
    const count = (w: typeof world): Map<number, number> => {
      const perTicket = new Map<number, number>();
      for (const e of w.timeline()) {
        if (e.kind !== 'conversationCreated') continue;
        const kind = w.conversation(e.ticketId, e.conversationId ?? -1)?.kind ?? '';
        if (['customer_reply', 'agent_reply', 'channel_reply', 'forward'].includes(kind)) perTicket.set(e.ticketId, (perTicket.get(e.ticketId) ?? 0) + 1);
      }
      return perTicket;
    };
    expect(Math.max(...count(world).values())).toBeLessThanOrEqual(4);
    expect(Math.max(...count(plain).values())).toBeGreaterThan(4);
  });
});

describe('hourly profile', () => {
  it('refuses 20,000 tickets a day on the business profile and fits them on the flat one', () => {
    expect(() => generateWorld({ ...BASE, ticketsPerDay: 20_000 })).toThrow(/more than the 1200/);
    const flat = generateWorld({ ...BASE, ticketsPerDay: 20_000, hourlyProfile: 'flat' });
    expect(flat.ticketCount).toBe(20_000);
    expect(flat.latestTicketIdAt(flat.start + 3_600_000)).toBeGreaterThan(700);
  });

  it('rejects impossible group options', () => {
    expect(() => generateWorld({ ...BASE, groups: { count: 501 } })).toThrow(/1 to 500/);
    expect(() => generateWorld({ ...BASE, groups: { count: 3, deletions: 3 } })).toThrow(/at least one group/);
    expect(() => generateWorld({ ...BASE, maxRepliesPerTicket: -1 })).toThrow(/maxRepliesPerTicket/);
  });
});

describe('drawn accounts', () => {
  it('draws the same account for the same seed, within the profile\'s ranges', () => {
    expect(drawAccount(7, 'large')).toEqual(drawAccount(7, 'large'));
    for (let seed = 1; seed <= 20; seed += 1) {
      const small = drawAccount(seed, 'small');
      expect(small.ticketsPerDay).toBeGreaterThanOrEqual(500);
      expect(small.ticketsPerDay).toBeLessThanOrEqual(3000);
      const huge = drawAccount(seed, 'huge');
      expect(huge.groups.count).toBeGreaterThanOrEqual(100);
      expect(huge.hourlyProfile).toBe('flat');
    }
  });
});
