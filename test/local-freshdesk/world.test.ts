import { CONVERSATION_ID_BASE, DEFAULT_SOURCE_CHOICES, generateWorld, type World, type WorldEvent } from '../../tools/local-freshdesk/world';
import { allEvents, findEvent, smallWorld, START } from './world-helpers';

describe('generateWorld', () => {
  let world: World;
  let events: WorldEvent[];

  beforeAll(() => {
    world = smallWorld();
    events = allEvents(world);
  });

  it('creates days × ticketsPerDay tickets inside [start, end)', () => {
    expect(world.ticketCount).toBe(2100);
    expect(world.start).toBe(Date.parse(START));
    expect(world.end).toBe(Date.parse(START) + 7 * 86_400_000);
    const created = events.filter((event) => event.kind === 'ticketCreated');
    expect(created).toHaveLength(2100);
    expect(created.map((event) => event.ticketId)).toEqual(Array.from({ length: 2100 }, (_, index) => index + 1));
    expect(events.filter((event) => event.at < world.start || event.at >= world.end)).toEqual([]);
  });

  it('is the same world for the same seed and a different one for another seed', () => {
    const again = allEvents(smallWorld(7));
    expect(again).toEqual(events);
    expect(smallWorld(7).ticketAsOf(42, world.end)).toEqual(world.ticketAsOf(42, world.end));
    const other = allEvents(smallWorld(8));
    expect(other.slice(0, 200)).not.toEqual(events.slice(0, 200));
  });

  it('gives every ticket and conversation its own second, in strictly increasing time order', () => {
    const seconds = new Set(events.map((event) => event.at));
    expect(seconds.size).toBe(events.length);
    expect(events.filter((event) => event.at % 1000 !== 0)).toEqual([]);
    expect(events.filter((event, index) => index > 0 && event.at <= (events[index - 1]?.at ?? 0))).toEqual([]);
  });

  it('numbers tickets and conversations in creation order', () => {
    const conversationIds = events.flatMap((event) => (event.conversationId === undefined ? [] : [event.conversationId]));
    expect(conversationIds.length).toBeGreaterThan(world.ticketCount);
    expect(conversationIds.filter((id, index) => id <= (index === 0 ? CONVERSATION_ID_BASE : (conversationIds[index - 1] ?? 0)))).toEqual([]);
    const outOfOrder: number[] = [];
    for (let id = 2; id <= world.ticketCount; id += 1) {
      if ((world.ticketCreatedAt(id) ?? 0) <= (world.ticketCreatedAt(id - 1) ?? Infinity)) outOfOrder.push(id);
    }
    expect(outOfOrder).toEqual([]);
  });

  it('is busier on weekday business hours than at night and at the weekend', () => {
    const perHour = new Map<number, number>();
    for (const event of events) {
      if (event.kind !== 'ticketCreated') continue;
      const date = new Date(event.at);
      const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
      const key = (weekend ? 100 : 0) + date.getUTCHours();
      perHour.set(key, (perHour.get(key) ?? 0) + 1);
    }
    // 5 weekdays vs 2 weekend days: compare per-day rates.
    const weekdayMorning = (perHour.get(10) ?? 0) / 5;
    const weekdayNight = (perHour.get(3) ?? 0) / 5;
    const weekendMorning = (perHour.get(110) ?? 0) / 2;
    expect(weekdayMorning).toBeGreaterThan(4 * weekdayNight);
    expect(weekdayMorning).toBeGreaterThan(1.8 * weekendMorning);
  });

  it('returns only the events with from ≤ at < to from timeline(from, to)', () => {
    const from = events[500]?.at ?? 0;
    const to = events[900]?.at ?? 0;
    expect([...world.timeline(from, to)]).toEqual(events.slice(500, 900));
    expect([...world.timeline(from + 1, to + 1)]).toEqual(events.slice(501, 901));
    expect([...world.timeline(world.end, world.end + 1000)]).toEqual([]);
  });

  it('produces every conversation kind the counting rules distinguish', () => {
    const shapes = new Set<string>();
    const kinds = new Set<string>();
    for (const event of events) {
      if (event.kind !== 'conversationCreated') continue;
      const found = world.conversation(event.ticketId, event.conversationId ?? 0);
      if (!found) throw new Error(`conversation ${String(event.conversationId)} not found`);
      kinds.add(found.kind);
      shapes.add(`${found.json.source}/${String(found.json.incoming)}/${String(found.json.private)}`);
    }
    expect([...kinds].sort()).toEqual(['agent_reply', 'channel_reply', 'customer_reply', 'forward', 'private_note', 'public_note', 'survey_feedback']);
    for (const shape of ['0/true/false', '0/false/false', '2/false/true', '2/false/false', '6/true/false', '8/false/false']) {
      expect(shapes).toContain(shape);
    }
    for (const channel of [5, 7, 9, 10, 11]) {
      expect([...shapes].some((shape) => shape.startsWith(`${channel}/`))).toBe(true);
    }
  });

  it('has unassigned tickets, group changes, spam, deletions and reopened tickets', () => {
    const created = events.filter((event) => event.kind === 'ticketCreated');
    expect(created.some((event) => world.ticketAsOf(event.ticketId, event.at)?.group_id === null)).toBe(true);
    expect(created.some((event) => world.ticketAsOf(event.ticketId, event.at)?.spam === true)).toBe(true);
    const changes = events.flatMap((event) => (event.changes ? [event.changes] : []));
    expect(changes.some((change) => change.group_id !== undefined && change.group_id[0] === null)).toBe(true);
    expect(changes.some((change) => change.group_id !== undefined && change.group_id[0] !== null && change.group_id[1] !== null)).toBe(true);
    expect(changes.some((change) => change.spam !== undefined)).toBe(true);
    expect(changes.some((change) => change.deleted !== undefined)).toBe(true);
    expect(changes.some((change) => change.status?.[1] === 2)).toBe(true);
    for (const change of changes) expect(Object.keys(change).length).toBeGreaterThan(0);
  });

  it('answers a ticket as of a time: flags after updates, nothing before creation or after a hard delete', () => {
    const update = findEvent(events, (event) => event.changes?.deleted !== undefined, 'soft delete');
    expect(world.ticketAsOf(update.ticketId, update.at - 1000)?.deleted).toBe(false);
    const after = world.ticketAsOf(update.ticketId, update.at);
    expect(after?.deleted).toBe(true);
    expect(after?.updated_at).toBe(new Date(update.at).toISOString().replace('.000Z', 'Z'));
    const created = world.ticketCreatedAt(update.ticketId) ?? 0;
    expect(world.ticketAsOf(update.ticketId, created - 1)).toBeUndefined();
    expect(world.ticketAsOf(update.ticketId, created)?.created_at).toBe(new Date(created).toISOString().replace('.000Z', 'Z'));

    let hardDeleted = 0;
    for (let id = 1; id <= world.ticketCount && hardDeleted === 0; id += 1) {
      const at = world.hardDeletedAt(id);
      if (at === undefined) continue;
      hardDeleted = id;
      expect(world.ticketAsOf(id, at - 1000)?.deleted).toBe(true);
      expect(world.ticketAsOf(id, at)).toBeUndefined();
      expect(world.conversationsAsOf(id, at)).toBeUndefined();
      expect(events.some((event) => event.ticketId === id && event.at >= at)).toBe(false);
    }
    expect(hardDeleted).toBeGreaterThan(0);
  });

  it('answers undefined for ids that never exist', () => {
    for (const id of [0, -1, 1.5, world.ticketCount + 1]) {
      expect(world.ticketAsOf(id, world.end)).toBeUndefined();
      expect(world.ticketCreatedAt(id)).toBeUndefined();
      expect(world.hardDeletedAt(id)).toBeUndefined();
      expect(world.conversation(id, CONVERSATION_ID_BASE)).toBeUndefined();
    }
    expect(world.conversation(1, 12)).toBeUndefined();
  });

  it('lists a ticket conversations up to a time, oldest first, matching the timeline', () => {
    const reply = findEvent(events, (event) => event.kind === 'conversationCreated', 'conversation');
    const conversations = world.conversationsAsOf(reply.ticketId, world.end) ?? [];
    const fromTimeline = events.filter((event) => event.kind === 'conversationCreated' && event.ticketId === reply.ticketId);
    expect(conversations.map((conversation) => conversation.id)).toEqual(fromTimeline.map((event) => event.conversationId));
    expect(world.conversationsAsOf(reply.ticketId, reply.at - 1000)?.some((conversation) => conversation.id === reply.conversationId)).toBe(false);
    const one = world.conversationsAsOf(reply.ticketId, reply.at)?.find((conversation) => conversation.id === reply.conversationId);
    expect(one).toMatchObject({ ticket_id: reply.ticketId, created_at: new Date(reply.at).toISOString().replace('.000Z', 'Z') });
  });

  it('renames one group and deletes another in the middle of the world', () => {
    const before = world.groupsAsOf(world.start);
    const after = world.groupsAsOf(world.end - 1);
    expect(before).toHaveLength(6);
    expect(after).toHaveLength(5);
    const deleted = before.find((group) => !after.some((other) => other.id === group.id));
    expect(deleted?.name).toBe('Partner Desk');
    const renamed = after.filter((group) => before.find((other) => other.id === group.id)?.name !== group.name);
    expect(renamed.map((group) => group.name)).toEqual(['Product Support']);
    expect(world.groupsAsOf(world.start - 200 * 86_400_000)).toEqual([]);
    // Nobody is assigned to a deleted group any more.
    const deletedAt = (world.start + world.end) / 2;
    const assignedLater = events.filter((event) => event.at > deletedAt + 0.2 * (world.end - world.start) && event.changes?.group_id?.[1] === deleted?.id);
    expect(assignedLater).toEqual([]);
  });

  it('offers the default sources and custom ones as label → id, overridable per account', () => {
    expect(world.sourceChoices()).toEqual(DEFAULT_SOURCE_CHOICES);
    expect(world.sourceChoices()['WhatsApp Business']).toBe(101);
    const custom = generateWorld({ seed: 1, start: START, days: 1, ticketsPerDay: 50, account: { sourceChoices: { Mail: 1, Kiosk: 205 }, domain: 'x.freshdesk.com' } });
    expect(custom.sourceChoices()).toEqual({ Mail: 1, Kiosk: 205 });
    expect(custom.account.domain).toBe('x.freshdesk.com');
    for (let id = 1; id <= custom.ticketCount; id += 1) expect([1, 205]).toContain(custom.ticketAsOf(id, custom.ticketCreatedAt(id) ?? 0)?.source);
  });

  it('finds ticket ids by time for the listing', () => {
    const tenth = world.ticketCreatedAt(10) ?? 0;
    expect(world.latestTicketIdAt(tenth)).toBe(10);
    expect(world.latestTicketIdAt(tenth - 1)).toBe(9);
    expect(world.latestTicketIdAt(world.start - 1)).toBe(0);
    expect(world.earliestTicketActiveAt(world.start)).toBe(1);
    // Tickets below earliestTicketActiveAt(t) have no event at or after t.
    const middle = events[Math.floor(events.length / 2)]?.at ?? 0;
    const earliest = world.earliestTicketActiveAt(middle);
    expect(earliest).toBeGreaterThan(1);
    expect(events.filter((event) => event.at >= middle && event.ticketId < earliest)).toEqual([]);
  });

  it.each([
    [{ seed: 1.5 }, 'generateWorld: seed must be an integer, got 1.5'],
    [{ start: 'soon' }, 'generateWorld: start is not an ISO date: soon'],
    [{ days: 0 }, 'generateWorld: days must be a whole number ≥ 1, got 0'],
    [{ ticketsPerDay: 0 }, 'generateWorld: ticketsPerDay must be > 0, got 0'],
    [{ ticketsPerDay: 40_000 }, 'tickets in one hour is more than the 1200 that fit with distinct seconds; lower ticketsPerDay'],
  ])('refuses bad options %p', (override, message) => {
    expect(() => generateWorld({ seed: 1, start: START, days: 1, ticketsPerDay: 10, ...override })).toThrow(message);
  });
});
