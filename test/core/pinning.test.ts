import { needsPin, pinQueueNames, type PinnedQueueNames } from '../../src/core/pinning';
import type { OfferedContact } from '../../src/core/types';

function contact(contactId: string, queueIdentifier: string, queueName: string): OfferedContact {
  return { contactId, queueIdentifier, queueName, timestamp: '2026-11-21T10:34:22Z', channel: 'cases' };
}

const TICKETS = 'freshdesk/42/1/tickets';
const REPLIES = 'freshdesk/42/1/replies';
const UNKNOWN = 'freshdesk/unknown/unknown/tickets';

describe('pinQueueNames (rule 4: a queue keeps the name it was first delivered with)', () => {
  it('pins every identifier on its first delivery and leaves the names alone', () => {
    const contacts = [contact('t:1', TICKETS, 'Technical Support email Tickets'), contact('c:2', REPLIES, 'Technical Support email Replies')];
    expect(pinQueueNames(contacts, {})).toEqual({
      contacts,
      newPins: { [TICKETS]: 'Technical Support email Tickets', [REPLIES]: 'Technical Support email Replies' },
      renamed: [],
    });
  });

  it('sends a renamed group under the pinned name and reports the rename once per identifier and name', () => {
    const pinned: PinnedQueueNames = { [REPLIES]: 'Technical Support email Replies' };
    const result = pinQueueNames(
      [contact('c:1', REPLIES, 'Product Support email Replies'), contact('c:2', REPLIES, 'Product Support email Replies')],
      pinned,
    );
    expect(result.contacts.map((c) => [c.contactId, c.queueName])).toEqual([
      ['c:1', 'Technical Support email Replies'],
      ['c:2', 'Technical Support email Replies'],
    ]);
    expect(result.newPins).toEqual({});
    expect(result.renamed).toEqual([{ queueIdentifier: REPLIES, keptName: 'Technical Support email Replies', currentName: 'Product Support email Replies' }]);
  });

  it('keeps the pin of a deleted group ("Group <id>") and of a relabelled source', () => {
    const pinned: PinnedQueueNames = { [TICKETS]: 'Billing email Tickets', 'freshdesk/42/3/tickets': 'Billing phone Tickets' };
    const result = pinQueueNames([contact('t:1', TICKETS, 'Group 42 email Tickets'), contact('t:2', 'freshdesk/42/3/tickets', 'Group 42 hotline Tickets')], pinned);
    expect(result.contacts.map((c) => c.queueName)).toEqual(['Billing email Tickets', 'Billing phone Tickets']);
    expect(result.renamed).toEqual([
      { queueIdentifier: TICKETS, keptName: 'Billing email Tickets', currentName: 'Group 42 email Tickets' },
      { queueIdentifier: 'freshdesk/42/3/tickets', keptName: 'Billing phone Tickets', currentName: 'Group 42 hotline Tickets' },
    ]);
  });

  it('lets the first contact of a batch pin a new identifier, so a rename inside one batch cannot split it', () => {
    const result = pinQueueNames([contact('t:1', TICKETS, 'Billing email Tickets'), contact('t:2', TICKETS, 'Finance email Tickets')], {});
    expect(result.contacts.map((c) => c.queueName)).toEqual(['Billing email Tickets', 'Billing email Tickets']);
    expect(result.newPins).toEqual({ [TICKETS]: 'Billing email Tickets' });
    expect(result.renamed).toEqual([{ queueIdentifier: TICKETS, keptName: 'Billing email Tickets', currentName: 'Finance email Tickets' }]);
  });

  it('reports each different current name of one identifier, in the order first seen', () => {
    const result = pinQueueNames(
      [contact('t:1', TICKETS, 'B email Tickets'), contact('t:2', TICKETS, 'C email Tickets'), contact('t:3', TICKETS, 'B email Tickets')],
      { [TICKETS]: 'A email Tickets' },
    );
    expect(result.renamed.map((r) => r.currentName)).toEqual(['B email Tickets', 'C email Tickets']);
  });

  it('never pins the Unknown group/source queues, whose name cannot change, and applies a pin held for one anyway', () => {
    expect(pinQueueNames([contact('t:1', UNKNOWN, 'Unknown group/source Tickets')], {})).toEqual({
      contacts: [contact('t:1', UNKNOWN, 'Unknown group/source Tickets')],
      newPins: {},
      renamed: [],
    });
    const held = pinQueueNames([contact('t:1', UNKNOWN, 'Unknown group/source Tickets')], { [UNKNOWN]: 'Unknown group/source Tickets' });
    expect(held).toEqual({ contacts: [contact('t:1', UNKNOWN, 'Unknown group/source Tickets')], newPins: {}, renamed: [] });
  });

  it('does not modify the pins or the contacts it is given', () => {
    const pinned = { [TICKETS]: 'Billing email Tickets' };
    const input = [contact('t:1', TICKETS, 'Finance email Tickets'), contact('c:2', REPLIES, 'Finance email Replies')];
    const copy = structuredClone(input);
    pinQueueNames(input, pinned);
    expect(pinned).toEqual({ [TICKETS]: 'Billing email Tickets' });
    expect(input).toEqual(copy);
  });

  it('returns nothing to do for no contacts', () => {
    expect(pinQueueNames([], { [TICKETS]: 'Billing email Tickets' })).toEqual({ contacts: [], newPins: {}, renamed: [] });
  });
});

describe('needsPin', () => {
  it.each([
    [TICKETS, true],
    ['freshdesk/none/3/replies', true],
    ['freshdesk/7/1001/tickets', true],
    [UNKNOWN, false],
    ['freshdesk/unknown/unknown/replies', false],
  ])('says whether %j needs a pin: %s', (identifier, expected) => {
    expect(needsPin(identifier)).toBe(expected);
  });
});
