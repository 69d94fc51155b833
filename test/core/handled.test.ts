import { handledContactId, isResolution, mapTicketResolved, RESOLVED_STATUSES, ticketDuration, timeSpentSeconds } from '../../src/core/handled';
import type { Directory, TicketFacts } from '../../src/core/types';

const directory: Directory = { groups: { '42': 'Billing' }, sourceChoices: { Email: 1, Phone: 3 } };
const ticket: TicketFacts = { id: 171, group_id: 42, source: 1, spam: false, deleted: false, created_at: '2026-11-21T08:00:00Z' };
const clean = { spam: false, deleted: false };

describe('which ticket update is the resolution that makes a handled contact', () => {
  it.each([
    [{ status: [2, 4] }, true, 'Open → Resolved'],
    [{ status: [3, 5] }, true, 'Pending → Closed'],
    [{ status: [4, 5] }, false, 'Resolved → Closed is the same resolution'],
    [{ status: [4, 2] }, false, 'a reopen'],
    [{ status: [2, 3] }, false, 'Open → Pending'],
    [{ group_id: [1, 2] }, false, 'no status change'],
    [undefined, false, 'no changes sent'],
    [{ status: ['2', '4'] }, false, 'statuses that are not numbers'],
  ] as [Record<string, [unknown, unknown]> | undefined, boolean, string][])('%j → %s (%s)', (changes, expected) => {
    expect(isResolution(changes)).toBe(expected);
  });

  it('knows Resolved (4) and Closed (5) as the statuses that end the work', () => {
    expect(RESOLVED_STATUSES).toEqual([4, 5]);
  });
});

describe('the handled contact of a resolved ticket', () => {
  it('goes to the queue of the ticket’s offered contact, at the resolution time, with its own id and the logged seconds', () => {
    expect(mapTicketResolved(ticket, clean, '2026-11-21T10:34:22Z', directory, 1800)).toEqual({
      kind: 'handled',
      contact: { contactId: 'h:171', queueName: 'Billing email Tickets', queueIdentifier: 'freshdesk/42/1/tickets', timestamp: '2026-11-21T10:34:22Z', channel: 'cases', handled: true, duration: 1800 },
    });
  });

  it('carries no duration (not 0) for a ticket without time entries, and normalises the time to UTC', () => {
    const decision = mapTicketResolved(ticket, clean, '2026-11-21T11:34:22+01:00', directory, undefined);
    expect(decision).toEqual({ kind: 'handled', contact: expect.objectContaining({ timestamp: '2026-11-21T10:34:22Z' }) });
    expect(decision.kind === 'handled' && 'duration' in decision.contact).toBe(false);
  });

  it.each([
    [{ ...ticket, spam: true }, clean, 'spam when created'],
    [ticket, { spam: true, deleted: false }, 'spam when resolved'],
    [ticket, { spam: false, deleted: true }, 'deleted when resolved'],
  ])('is not made for a ticket that is %#: %s', (asCreated, now) => {
    expect(mapTicketResolved(asCreated, now, '2026-11-21T10:34:22Z', directory, 60)).toEqual({ kind: 'skip', reason: 'spam_or_deleted' });
  });

  it('has an id of its own beside the offered contact’s t:<id>', () => {
    expect(handledContactId(171)).toBe('h:171');
  });
});

describe('logged time', () => {
  it.each([
    [43920, 43920],
    ['01:30', 5400],
    ['0:05', 300],
    ['12:75', undefined],
    ['soon', undefined],
    [-5, undefined],
    [1.5, undefined],
  ])('time_spent %j is %j seconds', (value, seconds) => {
    expect(timeSpentSeconds(value)).toBe(seconds);
  });

  it('sums a ticket’s entries after edits and deletes; no entry left means no duration', () => {
    const entry = (id: number, time_spent: number | string) => ({ kind: 'upsert' as const, entry: { id, ticket_id: 171, time_spent } });
    expect(ticketDuration([entry(1, 600), entry(2, '00:30'), entry(1, 900)])).toBe(2700);
    expect(ticketDuration([entry(1, 600), entry(2, 300), { kind: 'delete', id: 2 }])).toBe(600);
    expect(ticketDuration([entry(1, 600), { kind: 'delete', id: 1 }])).toBeUndefined();
    expect(ticketDuration([])).toBeUndefined();
    expect(ticketDuration([entry(1, 'garbled')])).toBe(0);
  });
});
