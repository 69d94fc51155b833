import { countsInImport, mapConversationCreated, mapTicketCreated } from '../../src/core/counting';
import { InvalidTimestamp } from '../../src/core/invalid-timestamp';
import type { ConversationFacts, Decision, Directory, ReplyScope, SkipReason, TicketFacts } from '../../src/core/types';

const directory: Directory = {
  groups: { '42': 'CustomerService', '7': 'Billing' },
  // The account renamed "Phone" to "Hotline", spells source 11 "Ecommerce" and has custom sources.
  sourceChoices: { Email: 1, Portal: 2, Hotline: 3, Chat: 7, 'Feedback Widget': 9, Ecommerce: 11, WhatsApp: 1001, 電話: 1002 },
};
const withoutAccountLabels: Directory = { groups: { '42': 'CustomerService' } };

function ticket(overrides: Partial<TicketFacts> = {}): TicketFacts {
  return { id: 165, group_id: 42, source: 1, spam: false, deleted: false, created_at: '2026-11-21T10:34:22Z', ...overrides };
}

function conversation(overrides: Partial<ConversationFacts> = {}): ConversationFacts {
  return { id: 5, ticket_id: 165, source: 0, private: false, incoming: true, created_at: '2026-11-21T11:00:00Z', ...overrides };
}

function contactOf(decision: Decision): Extract<Decision, { kind: 'contact' }> {
  if (decision.kind !== 'contact') throw new Error(`expected a contact, got skip ${decision.reason}`);
  return decision;
}

describe('mapTicketCreated (rule 1)', () => {
  it.each<[string, Partial<TicketFacts>, Directory, string, string]>([
    ['group and account label', {}, directory, 'CustomerService email Tickets', 'freshdesk/42/1/tickets'],
    ['another group', { group_id: 7, source: 7 }, directory, 'Billing chat Tickets', 'freshdesk/7/7/tickets'],
    ['no group', { group_id: null, source: 2 }, directory, 'No group portal Tickets', 'freshdesk/none/2/tickets'],
    ['a renamed label', { source: 3 }, directory, 'CustomerService hotline Tickets', 'freshdesk/42/3/tickets'],
    ['a two-word label', { source: 9 }, directory, 'CustomerService feedback widget Tickets', 'freshdesk/42/9/tickets'],
    ['a custom source', { source: 1001 }, directory, 'CustomerService whatsapp Tickets', 'freshdesk/42/1001/tickets'],
    ['a label in another script', { source: 1002 }, directory, 'CustomerService 電話 Tickets', 'freshdesk/42/1002/tickets'],
    ['the fallback table', { source: 11 }, withoutAccountLabels, 'CustomerService e-commerce Tickets', 'freshdesk/42/11/tickets'],
    ['an unknown source', { source: 999 }, withoutAccountLabels, 'CustomerService source 999 Tickets', 'freshdesk/42/999/tickets'],
  ])('counts a ticket with %s in its group and source Tickets queue', (_case, overrides, dir, name, identifier) => {
    expect(mapTicketCreated(ticket(overrides), dir)).toEqual({
      kind: 'contact',
      contact: { contactId: 't:165', queueName: name, queueIdentifier: identifier, timestamp: '2026-11-21T10:34:22Z', channel: 'cases' },
      notices: [],
    });
  });

  it('counts a ticket of a deleted group as "Group <id>" with the numeric id and an unknown_group notice', () => {
    expect(mapTicketCreated(ticket({ group_id: 99 }), directory)).toEqual({
      kind: 'contact',
      contact: { contactId: 't:165', queueName: 'Group 99 email Tickets', queueIdentifier: 'freshdesk/99/1/tickets', timestamp: '2026-11-21T10:34:22Z', channel: 'cases' },
      notices: [{ kind: 'unknown_group', groupId: 99 }],
    });
  });

  it.each<[string, Partial<TicketFacts>]>([
    ['spam', { spam: true }],
    ['deleted', { deleted: true }],
    ['spam and deleted', { spam: true, deleted: true }],
    ['spam in an unknown group', { spam: true, group_id: 99 }],
  ])('counts a %s ticket in the Unknown group/source queue without looking up group or source', (_case, overrides) => {
    expect(mapTicketCreated(ticket({ source: 999, ...overrides }), directory)).toEqual({
      kind: 'contact',
      contact: {
        contactId: 't:165',
        queueName: 'Unknown group/source Tickets',
        queueIdentifier: 'freshdesk/unknown/unknown/tickets',
        timestamp: '2026-11-21T10:34:22Z',
        channel: 'cases',
      },
      notices: [],
    });
  });

  it.each([
    ['2021-11-05T18:15:13+05:30', '2021-11-05T12:45:13Z'],
    ['2021-11-05T12:45:13.870Z', '2021-11-05T12:45:13Z'],
    ['2021-11-05T23:45:13-02:00', '2021-11-06T01:45:13Z'],
  ])('timestamps a ticket created at %j as %j in UTC (rule 11)', (createdAt, expected) => {
    expect(contactOf(mapTicketCreated(ticket({ created_at: createdAt }), directory)).contact.timestamp).toBe(expected);
  });

  it('gives the same contact for the same ticket every time (rule 12)', () => {
    expect(mapTicketCreated(ticket({ id: 7001 }), directory)).toEqual(mapTicketCreated(ticket({ id: 7001 }), directory));
    expect(contactOf(mapTicketCreated(ticket({ id: 7001 }), directory)).contact.contactId).toBe('t:7001');
  });

  it('throws InvalidTimestamp for a created_at that is no instant', () => {
    expect(() => mapTicketCreated(ticket({ created_at: 'soon' }), directory)).toThrow(InvalidTimestamp);
    expect(() => mapTicketCreated(ticket({ created_at: 'soon' }), directory)).toThrow('Invalid timestamp "soon"');
  });
});

describe('mapConversationCreated (rule 2): which conversations count', () => {
  it.each<[string, Partial<ConversationFacts>, ReplyScope, SkipReason]>([
    ['a private note', { private: true, source: 2, incoming: false }, 'customer', 'private'],
    ['a private note under all_public', { private: true, source: 2, incoming: false }, 'all_public', 'private'],
    ['a private reply-sourced conversation', { private: true, source: 0 }, 'all_public', 'private'],
    ['private survey feedback', { private: true, source: 6 }, 'all_public', 'private'],
    ['a public note', { private: false, source: 2, incoming: false }, 'all_public', 'note'],
    ['a public note from the customer side', { private: false, source: 2, incoming: true }, 'customer', 'note'],
    ['survey feedback', { source: 6, incoming: true }, 'customer', 'survey_feedback'],
    ['survey feedback under all_public', { source: 6, incoming: true }, 'all_public', 'survey_feedback'],
    ["an agent's public reply under customer scope", { source: 0, incoming: false }, 'customer', 'agent_reply_out_of_scope'],
    ["an agent's tweet under customer scope", { source: 5, incoming: false }, 'customer', 'agent_reply_out_of_scope'],
  ])('skips %s (scope %s) with reason %j', (_case, overrides, scope, reason) => {
    expect(mapConversationCreated(conversation(overrides), ticket(), directory, scope)).toEqual({ kind: 'skip', reason });
  });

  it.each<[string, boolean, ReplyScope]>([
    ["a customer's reply", true, 'customer'],
    ["a customer's reply", true, 'all_public'],
    ["an agent's public reply", false, 'all_public'],
  ])('counts %s under scope %s', (_case, incoming, scope) => {
    expect(mapConversationCreated(conversation({ incoming }), ticket(), directory, scope)).toEqual({
      kind: 'contact',
      contact: { contactId: 'c:5', queueName: 'CustomerService email Replies', queueIdentifier: 'freshdesk/42/1/replies', timestamp: '2026-11-21T11:00:00Z', channel: 'cases' },
      notices: [],
    });
  });

  it('skips a private note even when its ticket is gone', () => {
    expect(mapConversationCreated(conversation({ private: true, source: 2 }), 'gone', directory, 'customer')).toEqual({ kind: 'skip', reason: 'private' });
  });
});

describe('mapConversationCreated (rules 2, 8): where a reply counts', () => {
  it.each<[number, string, string]>([
    [0, 'CustomerService email Replies', 'freshdesk/42/1/replies'],
    [5, 'CustomerService twitter Replies', 'freshdesk/42/5/replies'],
    [7, 'CustomerService facebook Replies', 'freshdesk/42/6/replies'],
    [8, 'CustomerService email Replies', 'freshdesk/42/1/replies'],
    [9, 'CustomerService hotline Replies', 'freshdesk/42/3/replies'],
    [10, 'CustomerService mobihelp Replies', 'freshdesk/42/8/replies'],
    [11, 'CustomerService ecommerce Replies', 'freshdesk/42/11/replies'],
    [1, 'CustomerService chat Replies', 'freshdesk/42/7/replies'],
    [3, 'CustomerService chat Replies', 'freshdesk/42/7/replies'],
    [99, 'CustomerService chat Replies', 'freshdesk/42/7/replies'],
  ])('counts a reply of conversation source %i on a chat ticket in %j, under the ticket source of its channel', (source, name, identifier) => {
    const decision = mapConversationCreated(conversation({ source }), ticket({ source: 7 }), directory, 'customer');
    expect(contactOf(decision).contact).toMatchObject({ queueName: name, queueIdentifier: identifier });
  });

  it.each<[number, string, string]>([
    [0, 'CustomerService email Replies', 'freshdesk/42/1/replies'],
    [9, 'CustomerService phone Replies', 'freshdesk/42/3/replies'],
    [11, 'CustomerService e-commerce Replies', 'freshdesk/42/11/replies'],
  ])('names the channel of conversation source %i from the fallback table when the account labels are unavailable: %j', (source, name, identifier) => {
    const decision = mapConversationCreated(conversation({ source }), ticket({ source: 7 }), withoutAccountLabels, 'customer');
    expect(contactOf(decision).contact).toMatchObject({ queueName: name, queueIdentifier: identifier });
  });

  it.each<[string, Directory, string]>([
    ['the account label', directory, 'ecommerce'],
    ['the fallback table', withoutAccountLabels, 'e-commerce'],
  ])('spells a channel the same in its Tickets and Replies queues, with %s', (_case, dir, spelling) => {
    const ecommerceTicket = ticket({ source: 11 });
    const tickets = contactOf(mapTicketCreated(ecommerceTicket, dir)).contact;
    const replies = contactOf(mapConversationCreated(conversation({ source: 11 }), ecommerceTicket, dir, 'customer')).contact;
    expect([tickets.queueName, tickets.queueIdentifier]).toEqual([`CustomerService ${spelling} Tickets`, 'freshdesk/42/11/tickets']);
    expect([replies.queueName, replies.queueIdentifier]).toEqual([`CustomerService ${spelling} Replies`, 'freshdesk/42/11/replies']);
  });

  it('keeps the identifier when the account relabels a source, so a label change never makes a new queue', () => {
    const relabelled: Directory = { groups: directory.groups, sourceChoices: { Email: 1, 'Voice Line': 3 } };
    const before = contactOf(mapConversationCreated(conversation({ source: 9 }), ticket(), directory, 'customer')).contact;
    const after = contactOf(mapConversationCreated(conversation({ source: 9 }), ticket(), relabelled, 'customer')).contact;
    expect([before.queueName, after.queueName]).toEqual(['CustomerService hotline Replies', 'CustomerService voice line Replies']);
    expect(after.queueIdentifier).toBe(before.queueIdentifier);
  });

  it("uses the ticket's group, not anything of the conversation", () => {
    const decision = mapConversationCreated(conversation(), ticket({ group_id: 7 }), directory, 'customer');
    expect(contactOf(decision).contact).toMatchObject({ queueName: 'Billing email Replies', queueIdentifier: 'freshdesk/7/1/replies' });
  });

  it('counts a reply on a ticket without group in the No group queue', () => {
    const decision = mapConversationCreated(conversation({ source: 9 }), ticket({ group_id: null }), directory, 'customer');
    expect(contactOf(decision).contact).toMatchObject({ queueName: 'No group hotline Replies', queueIdentifier: 'freshdesk/none/3/replies' });
  });

  it("falls back to the ticket's own source label, including custom ones, for channels outside the table", () => {
    const decision = mapConversationCreated(conversation({ source: 4 }), ticket({ source: 1001 }), directory, 'customer');
    expect(contactOf(decision).contact).toMatchObject({ queueName: 'CustomerService whatsapp Replies', queueIdentifier: 'freshdesk/42/1001/replies' });
  });

  it('counts a reply on a ticket of a deleted group as "Group <id>" with a notice', () => {
    expect(mapConversationCreated(conversation(), ticket({ group_id: 99 }), directory, 'customer')).toEqual({
      kind: 'contact',
      contact: { contactId: 'c:5', queueName: 'Group 99 email Replies', queueIdentifier: 'freshdesk/99/1/replies', timestamp: '2026-11-21T11:00:00Z', channel: 'cases' },
      notices: [{ kind: 'unknown_group', groupId: 99 }],
    });
  });

  it.each<[string, TicketFacts | 'gone']>([
    ['gone (404)', 'gone'],
    ['spam', ticket({ spam: true, group_id: 99 })],
    ['deleted', ticket({ deleted: true, group_id: 99 })],
  ])('counts a reply on a %s ticket in the Unknown group/source Replies queue, with no notice', (_case, t) => {
    expect(mapConversationCreated(conversation(), t, directory, 'customer')).toEqual({
      kind: 'contact',
      contact: {
        contactId: 'c:5',
        queueName: 'Unknown group/source Replies',
        queueIdentifier: 'freshdesk/unknown/unknown/replies',
        timestamp: '2026-11-21T11:00:00Z',
        channel: 'cases',
      },
      notices: [],
    });
  });

  it("timestamps a reply with the conversation's created_at in UTC, not the ticket's", () => {
    const decision = mapConversationCreated(conversation({ created_at: '2026-11-21T16:30:59+05:30' }), ticket(), directory, 'customer');
    expect(contactOf(decision).contact.timestamp).toBe('2026-11-21T11:00:59Z');
  });

  it('gives the same contact id for the same conversation every time (rule 12)', () => {
    const first = mapConversationCreated(conversation({ id: 8123 }), ticket(), directory, 'all_public');
    const again = mapConversationCreated(conversation({ id: 8123 }), ticket(), directory, 'all_public');
    expect(contactOf(first).contact.contactId).toBe('c:8123');
    expect(again).toEqual(first);
  });

  it('throws InvalidTimestamp for a created_at that is no instant', () => {
    expect(() => mapConversationCreated(conversation({ created_at: '2026-02-30T00:00:00Z' }), 'gone', directory, 'customer')).toThrow(
      'Invalid timestamp "2026-02-30T00:00:00Z": day 30 does not exist in 2026-02.',
    );
  });
});

describe('countsInImport (rule 13)', () => {
  const installedAt = '2026-11-21T10:00:00.500Z';

  it.each([
    ['2026-11-20T23:59:59Z', true],
    ['2026-11-21T10:00:00Z', true],
    ['2026-11-21T10:00:00.499Z', true],
    ['2026-11-21T10:00:00.500Z', false],
    ['2026-11-21T10:00:01Z', false],
    ['2026-11-21T15:30:00+05:30', true],
    ['2026-11-21T05:00:01-05:00', false],
  ])('counts an object created at %j in the import: %s', (createdAt, expected) => {
    expect(countsInImport(createdAt, installedAt)).toBe(expected);
  });

  it('leaves an object created exactly at install time to the events', () => {
    expect(countsInImport('2026-11-21T10:00:00Z', '2026-11-21T10:00:00Z')).toBe(false);
  });

  it.each([
    ['garbage', installedAt],
    ['2026-11-21T10:00:00Z', 'garbage'],
  ])('throws InvalidTimestamp for created %j / installed %j', (createdAt, installed) => {
    expect(() => countsInImport(createdAt, installed)).toThrow('Invalid timestamp "garbage"');
  });
});
