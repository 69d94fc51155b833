import {
  FALLBACK_TICKET_SOURCE_NAMES,
  groupNameFor,
  NO_GROUP_NAME,
  queueIdentifier,
  queueName,
  REPLY_CHANNEL_NAMES,
  replyChannelName,
  slugify,
  sourceSegment,
  ticketSourceName,
  UNKNOWN_QUEUE_LABEL,
  unknownQueueName,
} from '../../src/core/queues';
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
  it.each<[number | 'none' | 'unknown', string, QueueKind, string]>([
    [42, 'email', 'tickets', 'freshdesk/42/email/tickets'],
    [42, 'feedback-widget', 'replies', 'freshdesk/42/feedback-widget/replies'],
    ['none', 'phone', 'tickets', 'freshdesk/none/phone/tickets'],
    ['unknown', 'unknown', 'replies', 'freshdesk/unknown/unknown/replies'],
  ])('derives the identifier of group %j, source %j, kind %s as %j', (group, slug, kind, expected) => {
    expect(queueIdentifier(group, slug, kind)).toBe(expected);
  });
});

describe('slugify', () => {
  it.each([
    ['Email', 'email'],
    ['Feedback Widget', 'feedback-widget'],
    ['e-commerce', 'e-commerce'],
    ['WhatsApp', 'whatsapp'],
    ['  --Voice / SMS!! ', 'voice-sms'],
    ['source 42', 'source-42'],
    ['Téléphone', 't-l-phone'],
    ['電話', ''],
  ])('turns %j into %j', (name, expected) => {
    expect(slugify(name)).toBe(expected);
  });
});

describe('sourceSegment', () => {
  it('uses the slug of the source name', () => {
    expect(sourceSegment('Feedback Widget', 9)).toBe('feedback-widget');
  });

  it('falls back to the source id when the name has no letter or digit in [a-z0-9]', () => {
    expect(sourceSegment('電話', 1002)).toBe('source-1002');
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

describe('replyChannelName (rule 8)', () => {
  it.each([
    [0, 'email'],
    [5, 'twitter'],
    [7, 'facebook'],
    [8, 'email'],
    [9, 'phone'],
    [10, 'mobihelp'],
    [11, 'e-commerce'],
  ])('names conversation source %i %j whatever the ticket source', (source, expected) => {
    expect(replyChannelName(source, 'chat')).toBe(expected);
  });

  it('holds exactly the seven channels of rule 8', () => {
    expect(Object.keys(REPLY_CHANNEL_NAMES).map(Number)).toEqual([0, 5, 7, 8, 9, 10, 11]);
  });

  it.each([1, 3, 4, 12, 99])('uses the ticket source name for conversation source %i', (source) => {
    expect(replyChannelName(source, 'whatsapp')).toBe('whatsapp');
  });
});
