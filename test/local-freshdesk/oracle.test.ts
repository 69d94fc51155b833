import { countPerQueueInterval, expectedOfferedContacts, type ExpectedContact } from '../../tools/local-freshdesk/oracle';
import { generateWorld, type World, type WorldEvent } from '../../tools/local-freshdesk/world';
import { allEvents, smallWorld, START } from './world-helpers';

function iso(at: number): string {
  return new Date(at).toISOString().replace('.000Z', 'Z');
}

describe('expectedOfferedContacts', () => {
  let world: World;
  let events: WorldEvent[];
  let customer: ExpectedContact[];
  let allPublic: ExpectedContact[];

  beforeAll(() => {
    world = smallWorld();
    events = allEvents(world);
    customer = expectedOfferedContacts(world, { replyScope: 'customer' });
    allPublic = expectedOfferedContacts(world, { replyScope: 'all_public' });
  });

  const conversationOf = (contact: ExpectedContact) => world.conversation(contact.ticketId, contact.conversationId ?? 0)?.json;

  it('counts every new ticket once, at its created_at, in its group and source queue', () => {
    const tickets = customer.filter((contact) => contact.kind === 'tickets');
    expect(tickets).toHaveLength(world.ticketCount);
    const sample = tickets.find((contact) => {
      const ticket = world.ticketAsOf(contact.ticketId, Date.parse(contact.timestamp));
      return ticket?.source === 1 && ticket.group_id !== null && !ticket.spam;
    });
    const ticket = world.ticketAsOf(sample?.ticketId ?? 0, Date.parse(sample?.timestamp ?? ''));
    const groupName = world.groupsAsOf(Date.parse(sample?.timestamp ?? '')).find((group) => group.id === ticket?.group_id)?.name;
    expect(sample).toEqual({
      queueIdentifier: `freshdesk/${String(ticket?.group_id)}/1/tickets`,
      queueName: `${String(groupName)} email Tickets`,
      timestamp: ticket?.created_at,
      kind: 'tickets',
      sourceId: 1,
      ticketId: ticket?.id,
    });
  });

  it('puts tickets that are spam at creation in the Unknown group/source queue', () => {
    const spam = customer.filter((contact) => contact.kind === 'tickets' && world.ticketAsOf(contact.ticketId, Date.parse(contact.timestamp))?.spam);
    expect(spam.length).toBeGreaterThan(0);
    for (const contact of spam) {
      expect(contact).toMatchObject({ queueIdentifier: 'freshdesk/unknown/unknown/tickets', queueName: 'Unknown group/source Tickets' });
    }
  });

  it('uses "none" and "No group" for unassigned tickets', () => {
    const unassigned = customer.find((contact) => contact.queueIdentifier.startsWith('freshdesk/none/'));
    expect(unassigned?.queueName).toMatch(/^No group /);
    expect(world.ticketAsOf(unassigned?.ticketId ?? 0, Date.parse(unassigned?.timestamp ?? ''))?.group_id).toBeNull();
  });

  it('counts only public customer replies in customer scope, and agents public replies too in all_public', () => {
    const replies = customer.filter((contact) => contact.kind === 'replies');
    const publicReplies = allPublic.filter((contact) => contact.kind === 'replies');
    expect(replies.length).toBeGreaterThan(1000);
    expect(publicReplies.length).toBeGreaterThan(replies.length);
    for (const contact of publicReplies) {
      const conversation = conversationOf(contact);
      expect(conversation?.private).toBe(false);
      expect([2, 6]).not.toContain(conversation?.source);
    }
    expect(replies.every((contact) => conversationOf(contact)?.incoming === true)).toBe(true);
    expect(publicReplies.some((contact) => conversationOf(contact)?.incoming === false)).toBe(true);
    // Both scopes count the same tickets.
    expect(allPublic.filter((contact) => contact.kind === 'tickets')).toEqual(customer.filter((contact) => contact.kind === 'tickets'));
  });

  it('attributes a reply to the ticket group as of the reply, after any group change', () => {
    const change = events.find(
      (event) =>
        event.changes?.group_id?.[1] !== null &&
        event.changes?.group_id !== undefined &&
        allPublic.some((contact) => contact.ticketId === event.ticketId && contact.kind === 'replies' && Date.parse(contact.timestamp) > event.at),
    );
    const reply = allPublic.find((contact) => contact.ticketId === change?.ticketId && contact.kind === 'replies' && Date.parse(contact.timestamp) > (change?.at ?? 0));
    const ticketThen = world.ticketAsOf(reply?.ticketId ?? 0, Date.parse(reply?.timestamp ?? ''));
    if (ticketThen && !ticketThen.spam && !ticketThen.deleted) {
      expect(reply?.queueIdentifier.split('/')[1]).toBe(String(ticketThen.group_id ?? 'none'));
    } else {
      expect(reply?.queueIdentifier).toBe('freshdesk/unknown/unknown/replies');
    }
  });

  it('puts replies on spam or deleted tickets in the Unknown group/source Replies queue', () => {
    const unknown = customer.filter((contact) => contact.kind === 'replies' && contact.queueIdentifier === 'freshdesk/unknown/unknown/replies');
    expect(unknown.length).toBeGreaterThan(0);
    for (const contact of unknown) {
      const ticket = world.ticketAsOf(contact.ticketId, Date.parse(contact.timestamp));
      expect(ticket?.spam === true || ticket?.deleted === true).toBe(true);
      expect(contact.queueName).toBe('Unknown group/source Replies');
    }
  });

  it('counts each reply channel under the ticket source of the same channel, named by the account label (rule 8)', () => {
    const queueOf = (source: number): [string | undefined, string | undefined] => {
      const reply = allPublic.find((contact) => contact.kind === 'replies' && contact.sourceId === source && !contact.queueIdentifier.startsWith('freshdesk/unknown'));
      return [reply?.queueIdentifier.split('/')[2], reply?.queueName.replace(/^.* (\S+) Replies$/, '$1')];
    };
    expect(queueOf(0)).toEqual(['1', 'email']);
    expect(queueOf(5)).toEqual(['5', 'twitter']);
    expect(queueOf(7)).toEqual(['6', 'facebook']);
    expect(queueOf(8)).toEqual(['1', 'email']);
    expect(queueOf(9)).toEqual(['3', 'phone']);
    expect(queueOf(10)).toEqual(['8', 'mobihelp']);
    // The account labels source 11 "Ecommerce"; the fallback table would say "e-commerce".
    expect(queueOf(11)).toEqual(['11', 'ecommerce']);
  });

  it('spells every channel the same in its Tickets and Replies queues', () => {
    const spellings = new Map<string, Set<string>>();
    for (const contact of allPublic) {
      if (contact.queueIdentifier.startsWith('freshdesk/unknown')) continue;
      const ticket = world.ticketAsOf(contact.ticketId, Date.parse(contact.timestamp));
      const group = world.groupsAsOf(Date.parse(contact.timestamp)).find((candidate) => candidate.id === ticket?.group_id)?.name ?? (ticket?.group_id === null ? 'No group' : `Group ${String(ticket?.group_id)}`);
      const source = contact.queueIdentifier.split('/')[2] ?? '';
      const channel = contact.queueName.slice(group.length + 1).replace(/ (Tickets|Replies)$/, '');
      spellings.set(source, (spellings.get(source) ?? new Set()).add(channel));
    }
    expect(spellings.get('11')).toEqual(new Set(['ecommerce']));
    for (const [source, channels] of spellings) expect([source, [...channels]]).toEqual([source, [[...channels][0]]]);
  });

  it('names custom sources by the account label, lower-cased, under their numeric id', () => {
    const whatsapp = customer.find((contact) => contact.kind === 'tickets' && contact.sourceId === 101 && !contact.queueIdentifier.startsWith('freshdesk/unknown'));
    expect(whatsapp?.queueIdentifier).toMatch(/^freshdesk\/(\d+|none)\/101\/tickets$/);
    expect(whatsapp?.queueName).toMatch(/ whatsapp business Tickets$/);
    const kiosk = customer.find((contact) => contact.kind === 'tickets' && contact.sourceId === 102 && !contact.queueIdentifier.startsWith('freshdesk/unknown'));
    expect(kiosk?.queueIdentifier).toMatch(/\/102\/tickets$/);
    expect(kiosk?.queueName).toMatch(/ walk-in \/ kiosk Tickets$/);
  });

  it('names groups as of the contact: renamed groups by the new name, deleted groups "Group <id>"', () => {
    const renamedId = world.groupsAsOf(world.end - 1).find((group) => group.name === 'Product Support')?.id;
    const names = new Set(allPublic.filter((contact) => contact.queueIdentifier.startsWith(`freshdesk/${String(renamedId)}/`)).map((contact) => contact.queueName.split(' ').slice(0, 2).join(' ')));
    expect([...names].sort()).toEqual(['Product Support', 'Technical Support']);
    const deletedId = world.groupsAsOf(world.start).find((group) => group.name === 'Partner Desk')?.id;
    const afterDeletion = allPublic.filter((contact) => contact.queueIdentifier.startsWith(`freshdesk/${String(deletedId)}/`) && contact.queueName.startsWith('Group '));
    expect(afterDeletion.length).toBeGreaterThan(0);
    expect(afterDeletion[0]?.queueName).toMatch(new RegExp(`^Group ${String(deletedId)} \\S`));
  });

  it('stamps contacts with the event second in UTC and restricts them to [from, to)', () => {
    const from = events[100]?.at ?? 0;
    const to = events[400]?.at ?? 0;
    const window = expectedOfferedContacts(world, { replyScope: 'all_public', from, to });
    expect(window).toEqual(allPublic.filter((contact) => Date.parse(contact.timestamp) >= from && Date.parse(contact.timestamp) < to));
    expect(window[0]?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(new Set(allPublic.map((contact) => contact.timestamp)).size).toBe(allPublic.length);
  });

  it('names ticket sources by whatever labels the account has, and by the fallback table where it has none', () => {
    const bare = generateWorld({ seed: 3, start: START, days: 1, ticketsPerDay: 40, account: { sourceChoices: { Chat: 7, Other: 300 } } });
    const contacts = expectedOfferedContacts(bare, { replyScope: 'all_public' });
    const known = contacts.filter((contact) => !contact.queueIdentifier.startsWith('freshdesk/unknown'));
    const tickets = known.filter((contact) => contact.kind === 'tickets');
    expect(new Set(tickets.map((contact) => contact.queueIdentifier.split('/')[2]))).toEqual(new Set(['7', '300']));
    expect(new Set(tickets.map((contact) => contact.queueName.replace(/^.* (\S+) Tickets$/, '$1')))).toEqual(new Set(['chat', 'other']));
    // Email replies land on ticket source 1, which this account does not label: rule 7's fallback.
    const emailReplies = known.filter((contact) => contact.kind === 'replies' && contact.sourceId === 0);
    expect(emailReplies.length).toBeGreaterThan(0);
    for (const reply of emailReplies) {
      expect(reply.queueIdentifier).toMatch(/^freshdesk\/(\d+|none)\/1\/replies$/);
      expect(reply.queueName).toMatch(/ email Replies$/);
    }
  });
});

describe('expectedOfferedContacts on an inconsistent world', () => {
  it('refuses a ticket missing at its own creation and an unknown conversation', () => {
    const world = generateWorld({ seed: 4, start: START, days: 1, ticketsPerDay: 20 });
    const noTickets = Object.create(world) as World;
    noTickets.ticketAsOf = () => undefined;
    expect(() => expectedOfferedContacts(noTickets, { replyScope: 'customer' })).toThrow('oracle: ticket 1 is missing at its own creation');
    const noConversations = Object.create(world) as World;
    noConversations.conversation = () => undefined;
    const first = [...world.timeline()].find((event) => event.kind === 'conversationCreated');
    expect(() => expectedOfferedContacts(noConversations, { replyScope: 'customer' })).toThrow(
      `oracle: conversation ${String(first?.conversationId)} of ticket ${String(first?.ticketId)} is unknown`,
    );
  });
});

describe('countPerQueueInterval', () => {
  it('counts contacts per queue and 15-minute UTC interval', () => {
    const contact = (queueIdentifier: string, timestamp: string): ExpectedContact => ({ queueIdentifier, queueName: 'q', timestamp, kind: 'tickets', sourceId: 1, ticketId: 1 });
    const counts = countPerQueueInterval([
      contact('a', '2026-11-02T10:00:00Z'),
      contact('a', '2026-11-02T10:14:59Z'),
      contact('a', '2026-11-02T10:15:00Z'),
      contact('b', '2026-11-02T23:59:59Z'),
    ]);
    expect(counts).toEqual(
      new Map([
        ['a', new Map([['2026-11-02T10:00:00Z', 2], ['2026-11-02T10:15:00Z', 1]])],
        ['b', new Map([['2026-11-02T23:45:00Z', 1]])],
      ]),
    );
    expect(iso(Date.parse('2026-11-02T10:15:00Z'))).toBe('2026-11-02T10:15:00Z');
  });
});
