import {
  FALLBACK_TICKET_SOURCE_NAMES,
  groupNameFor,
  NO_GROUP_NAME,
  queueIdentifier,
  QUEUE_KIND_SUFFIX,
  queueNamePattern,
  queueName,
  queueNameIn,
  REPLY_TICKET_SOURCES,
  replyTicketSource,
  ticketSourceName,
  UNKNOWN_QUEUE_LABEL,
  unknownQueueName,
} from '../../src/core/queues';
import { mapTicketCreated } from '../../src/core/counting';
import { validateInjixoBody } from '../../src/schemas/injixo-body';
import type { Directory, QueueKind } from '../../src/core/types';

const directory: Directory = {
  groups: { '42': 'CustomerService', '7': 'Billing' },
  // The account renamed "Phone" to "Hotline" and added a custom "WhatsApp" source.
  sourceChoices: { Email: 1, Portal: 2, Hotline: 3, Chat: 7, 'Feedback Widget': 9, 'Outbound Email': 10, WhatsApp: 1001 },
};
const withoutAccountLabels: Directory = { groups: {} };

describe('queueName (rule 4)', () => {
  it.each<[string, string, QueueKind, string]>([
    ['CustomerService', 'email', 'tickets', 'CustomerService email Tickets'],
    ['CustomerService', 'chat', 'replies', 'CustomerService chat Replies'],
    ['No group', 'feedback widget', 'tickets', 'No group feedback widget Tickets'],
    [' Billing  Team ', 'outbound\temail', 'replies', 'Billing Team outbound email Replies'],
  ])('names group %j with source %j and kind %s as %j', (group, source, kind, expected) => {
    expect(queueName(group, source, kind)).toBe(expected);
  });

  it.each<[QueueKind, string]>([
    ['tickets', 'Unknown group/source Tickets'],
    ['replies', 'Unknown group/source Replies'],
  ])('names the unattributable %s queue %j as injixo documents it (rule 5)', (kind, expected) => {
    expect(unknownQueueName(kind)).toBe(expected);
    expect(expected.startsWith(UNKNOWN_QUEUE_LABEL)).toBe(true);
  });
});

describe('queueIdentifier (rule 10)', () => {
  it.each<[number | 'none' | 'unknown', number | 'unknown', QueueKind, string]>([
    [42, 1, 'tickets', 'freshdesk/42/1/tickets'],
    [42, 9, 'replies', 'freshdesk/42/9/replies'],
    ['none', 3, 'tickets', 'freshdesk/none/3/tickets'],
    [7, 1001, 'tickets', 'freshdesk/7/1001/tickets'],
    ['unknown', 'unknown', 'replies', 'freshdesk/unknown/unknown/replies'],
  ])('derives the identifier of group %j, source %j, kind %s as %j', (group, source, kind, expected) => {
    expect(queueIdentifier(group, source, kind)).toBe(expected);
  });
});

describe('groupNameFor (rule 6)', () => {
  it('names a ticket without group "No group", with no notice', () => {
    expect(groupNameFor(null, directory)).toEqual({ name: NO_GROUP_NAME });
    expect(NO_GROUP_NAME).toBe('No group');
  });

  it('uses the name the Groups API gave', () => {
    expect(groupNameFor(42, directory)).toEqual({ name: 'CustomerService' });
  });

  it('names a group the API does not know "Group <id>" and raises an unknown_group notice', () => {
    expect(groupNameFor(99, directory)).toEqual({ name: 'Group 99', notice: { kind: 'unknown_group', groupId: 99 } });
  });
});

describe('ticketSourceName (rule 7)', () => {
  it.each([
    [1, 'email'],
    [3, 'hotline'],
    [9, 'feedback widget'],
    [10, 'outbound email'],
    [1001, 'whatsapp'],
  ])('uses the account label for source %i, lower-cased: %j', (id, expected) => {
    expect(ticketSourceName(id, directory)).toBe(expected);
  });

  it('uses the fallback table for an id the account list lacks', () => {
    expect(ticketSourceName(12, directory)).toBe('bot');
  });

  it.each(Object.entries(FALLBACK_TICKET_SOURCE_NAMES).map(([id, name]) => [Number(id), name] as const))(
    'uses the fallback table when the account labels are unavailable: %i → %j',
    (id, expected) => {
      expect(ticketSourceName(id, withoutAccountLabels)).toBe(expected);
    },
  );

  it('holds exactly the twelve sources of rule 7 in the fallback table', () => {
    expect(FALLBACK_TICKET_SOURCE_NAMES).toEqual({
      1: 'email', 2: 'portal', 3: 'phone', 4: 'forum', 5: 'twitter', 6: 'facebook',
      7: 'chat', 8: 'mobihelp', 9: 'feedback widget', 10: 'outbound email', 11: 'e-commerce', 12: 'bot',
    });
  });

  it.each([
    [0, withoutAccountLabels],
    [13, withoutAccountLabels],
    [999, directory],
  ])('names source %i that nobody knows "source <id>"', (id, dir) => {
    expect(ticketSourceName(id, dir)).toBe(`source ${id}`);
  });
});

describe('replyTicketSource (rule 8)', () => {
  it.each([
    [0, 1],
    [5, 5],
    [7, 6],
    [8, 1],
    [9, 3],
    [10, 8],
    [11, 11],
  ])('maps conversation source %i onto ticket source %i whatever the ticket source', (conversationSource, expected) => {
    expect(replyTicketSource(conversationSource, 7)).toBe(expected);
  });

  it('holds exactly the seven channels of rule 8', () => {
    expect(REPLY_TICKET_SOURCES).toEqual({ 0: 1, 5: 5, 7: 6, 8: 1, 9: 3, 10: 8, 11: 11 });
  });

  it.each([1, 3, 4, 12, 99])("uses the ticket's own source for conversation source %i", (conversationSource) => {
    expect(replyTicketSource(conversationSource, 1001)).toBe(1001);
  });

  it.each([
    [11, 'ecommerce'],
    [9, 'hotline'],
    [0, 'email'],
  ])('names the channel of conversation source %i with the account label of its ticket source: %j', (conversationSource, expected) => {
    const account: Directory = { groups: {}, sourceChoices: { Email: 1, Hotline: 3, Ecommerce: 11 } };
    expect(ticketSourceName(replyTicketSource(conversationSource, 1), account)).toBe(expected);
  });
});

describe('the queue-name format and its pattern (one home: src/core/queues.ts)', () => {
  it.each(['tickets', 'replies'] as const)('every %s name the core makes passes the pattern the injixo body schema enforces', (kind) => {
    const pattern = new RegExp(queueNamePattern());
    for (const name of [queueName('Customer  Service', ' whatsapp business ', kind), unknownQueueName(kind), queueName(NO_GROUP_NAME, 'email', kind)]) {
      expect(name).toMatch(pattern);
      expect(name.replace(QUEUE_KIND_SUFFIX, '')).not.toMatch(pattern);
    }
  });

  it('is what the injixo body schema accepts and refuses names by', () => {
    const body = (queueName: string) => ({ data: [{ queueIdentifier: 'freshdesk/1/1/replies', queueName, channel: 'cases', timestamp: '2026-11-21T10:00:00Z', properties: { offered: true } }] });
    expect(validateInjixoBody(body(queueName('Billing', 'email', 'replies'))).ok).toBe(true);
    expect(validateInjixoBody(body('Billing email')).ok).toBe(false);
  });
});

describe('queueNameIn: a queue identifier named by a directory (a void run\'s queues, commit.ts namedAsStored)', () => {
  it.each([
    ['a known group and an account label', { group_id: 42, source: 3 }],
    ['no group', { group_id: null, source: 1001 }],
    ['a source outside the account labels', { group_id: 7, source: 99 }],
    ['a spam ticket (Unknown group/source)', { group_id: 42, source: 1, spam: true }],
  ])('names %s as the counting core does', (_name, facts) => {
    const decision = mapTicketCreated({ id: 1, spam: false, deleted: false, created_at: '2026-11-02T09:00:00Z', ...facts }, directory);
    expect(decision.kind).toBe('contact');
    if (decision.kind !== 'contact') return;
    expect(queueNameIn(decision.contact.queueIdentifier, directory)).toBe(decision.contact.queueName);
  });

  it('cannot tell a group the directory does not know, nor an identifier not of ours', () => {
    expect(queueNameIn('freshdesk/12345/1/tickets', directory)).toBeUndefined();
    expect(queueNameIn('elsewhere/42/1/tickets', directory)).toBeUndefined();
  });
});
