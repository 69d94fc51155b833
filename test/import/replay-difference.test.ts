/**
 * The replay's difference (SPEC §9) on hand-made inputs: per queue and interval, Freshdesk's
 * count minus the ledger's, never negative, choosing only contacts the claims do not know.
 */
import type { OfferedContact } from '../../src/core/types';
import { differenceOf, intervalOf, MAX_RESULT_QUEUES, type FoundContact } from '../../src/import/replay-difference';

function found(contactId: string, queueIdentifier: string, timestamp: string): FoundContact {
  const contact: OfferedContact = { contactId, queueIdentifier, queueName: `${queueIdentifier} name`, timestamp, channel: 'cases' };
  const ticket = { id: Number(contactId.slice(2)), group_id: 4, source: 1, spam: false, deleted: false, created_at: timestamp };
  return contactId.startsWith('c:') ? { contact, ticket, conversationId: Number(contactId.slice(2)) } : { contact, ticket };
}

const Q = 'freshdesk/4/1/tickets';
const R = 'freshdesk/4/1/replies';

function ledger(entries: [string, string, number][]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const [queue, interval, n] of entries) out.set(queue, new Map([...(out.get(queue) ?? new Map<string, number>()), [interval, n]]));
  return out;
}

describe('the difference a replay sends', () => {
  it('puts a contact in the interval its timestamp falls in, spelled as the ledger spells it', () => {
    expect(intervalOf('2026-11-21T10:44:59Z')).toBe('2026-11-21T10:30:00Z');
    expect(intervalOf('2026-11-21T10:45:00Z')).toBe('2026-11-21T10:45:00Z');
  });

  it('sends per interval what Freshdesk shows beyond the ledger, the unclaimed contacts in id order', () => {
    const contacts = [found('t:3', Q, '2026-11-21T10:01:00Z'), found('t:1', Q, '2026-11-21T10:02:00Z'), found('t:2', Q, '2026-11-21T10:03:00Z'), found('t:9', Q, '2026-11-21T10:20:00Z')];
    const claimed = new Set(['t:1']);
    const result = differenceOf(contacts, ledger([[Q, '2026-11-21T10:00:00Z', 1]]), (f) => claimed.has(f.contact.contactId));
    // 10:00 holds 3, the ledger 1: two are sent, t:1 (claimed: the events counted it) is not among them.
    expect(result.send.map((f) => f.contact.contactId)).toEqual(['t:2', 't:3', 't:9']);
    expect(result.result).toMatchObject({ found: 4, alreadyDelivered: 1, sent: 3, surplus: 0, claimedElsewhere: 0 });
  });

  it('sends the same contacts whatever order the walk found them in', () => {
    const contacts = [found('c:5', R, '2026-11-21T10:01:00Z'), found('c:7', R, '2026-11-21T10:02:00Z'), found('c:6', R, '2026-11-21T10:03:00Z')];
    const a = differenceOf(contacts, ledger([[R, '2026-11-21T10:00:00Z', 1]]), () => false);
    const b = differenceOf([...contacts].reverse(), ledger([[R, '2026-11-21T10:00:00Z', 1]]), () => false);
    expect(a.send.map((f) => f.contact.contactId)).toEqual(['c:5', 'c:6']);
    expect(b.send.map((f) => f.contact.contactId)).toEqual(['c:5', 'c:6']);
  });

  it('never sends a contact the claims know, even when the ledger lacks it in this queue (delivered under a former group)', () => {
    const contacts = [found('t:1', Q, '2026-11-21T10:01:00Z'), found('t:2', Q, '2026-11-21T10:02:00Z')];
    const result = differenceOf(contacts, ledger([]), (f) => f.contact.contactId === 't:1');
    expect(result.send.map((f) => f.contact.contactId)).toEqual(['t:2']);
    expect(result.result).toMatchObject({ sent: 1, claimedElsewhere: 1 });
  });

  it('reports a surplus where the ledger holds more, including intervals Freshdesk shows nothing in, and never goes negative', () => {
    const contacts = [found('t:1', Q, '2026-11-21T10:01:00Z')];
    const result = differenceOf(contacts, ledger([[Q, '2026-11-21T10:00:00Z', 3], [R, '2026-11-21T11:00:00Z', 2]]), () => false);
    expect(result.send).toEqual([]);
    expect(result.result).toMatchObject({ found: 1, alreadyDelivered: 5, sent: 0, surplus: 4 });
    // Biggest first; equal ones by identifier.
    expect(result.result.queues).toEqual([
      expect.objectContaining({ queueIdentifier: R, surplus: 2, found: 0 }),
      expect.objectContaining({ queueIdentifier: Q, surplus: 2, sent: 0 }),
    ]);
  });

  it('frees the ledger slot a moved contact holds in another queue of the same interval: a reply lost there is sent (issue 20)', () => {
    const X = 'freshdesk/4/1/replies';
    const Y = 'freshdesk/5/1/replies';
    // c:1 was delivered in X (its ticket's group then) and is found in Y now; c:2 was lost in X.
    const contacts = [found('c:1', Y, '2026-11-21T10:01:00Z'), found('c:2', X, '2026-11-21T10:02:00Z')];
    const result = differenceOf(contacts, ledger([[X, '2026-11-21T10:00:00Z', 1]]), (f) => f.contact.contactId === 'c:1');
    expect(result.send.map((f) => f.contact.contactId)).toEqual(['c:2']);
    expect(result.result).toMatchObject({ sent: 1, claimedElsewhere: 1, surplus: 0 });
  });

  it('takes a moved contact to sit where the ledger holds more than the walk finds before it frees a slot: an unclaimed contact there is not sent', () => {
    const X = 'freshdesk/4/1/replies';
    const Y = 'freshdesk/5/1/replies';
    const Z = 'freshdesk/6/1/replies';
    // c:1 moved from Z (nothing found there now) to Y; c:2 in X is unclaimed but X's ledger already counts one: no send.
    const contacts = [found('c:1', Y, '2026-11-21T10:01:00Z'), found('c:2', X, '2026-11-21T10:02:00Z')];
    const result = differenceOf(contacts, ledger([[X, '2026-11-21T10:00:00Z', 1], [Z, '2026-11-21T10:00:00Z', 1]]), (f) => f.contact.contactId === 'c:1');
    expect(result.send).toEqual([]);
    expect(result.result).toMatchObject({ sent: 0, claimedElsewhere: 1, surplus: 1 });
  });

  it('in a six-hour bucket the ledger may under-count, sends only what the contacts possibly lost there cannot explain', () => {
    const contacts = [found('t:1', Q, '2026-11-21T10:01:00Z'), found('t:2', Q, '2026-11-21T10:02:00Z'), found('t:3', Q, '2026-11-21T10:03:00Z')];
    const result = differenceOf(contacts, ledger([]), () => false, (_q, _i, missing) => Math.max(0, missing - 2));
    expect(result.send.map((f) => f.contact.contactId)).toEqual(['t:1']);
  });

  it('never sends more in an interval than Freshdesk shows beyond the ledger in all its queues: a contact the claims forgot is held back, not sent twice', () => {
    const X = 'freshdesk/4/1/replies';
    const Y = 'freshdesk/5/1/replies';
    // c:1 moved from X to Y and its claim was forgotten (a full ticket-book key): Y's own difference
    // would send it again, though the interval's totals (2 found, 2 delivered) show it delivered.
    const contacts = [found('c:1', Y, '2026-11-21T10:01:00Z'), found('c:2', X, '2026-11-21T10:02:00Z')];
    const result = differenceOf(contacts, ledger([[X, '2026-11-21T10:00:00Z', 1], [Y, '2026-11-21T10:00:00Z', 0], ['freshdesk/6/1/replies', '2026-11-21T10:00:00Z', 1]]), () => false);
    expect(result.send.map((f) => f.contact.contactId)).toEqual([]);
    expect(result.result.heldBack).toBe(1);
  });

  it('sends a ticket whose claim is certain even where a ticket deleted for good holds the interval’s slot; a reply there is still held back (large seeds 568, 720)', () => {
    const Z = 'freshdesk/6/1/tickets';
    // t:7 was delivered in Z and deleted for good since: Freshdesk lists it nowhere, so the
    // interval's totals (2 found, 1 delivered in Z, 0 in Q and R) leave room for one contact only.
    const contacts = [found('t:5', Q, '2026-11-21T10:01:00Z'), found('c:9', R, '2026-11-21T10:02:00Z')];
    const delivered = ledger([[Z, '2026-11-21T10:00:00Z', 1], [Q, '2026-11-21T10:00:00Z', 0], [R, '2026-11-21T10:00:00Z', 0]]);
    const creations = (f: FoundContact): boolean => f.conversationId === undefined;
    const sure = differenceOf(contacts, delivered, () => false, undefined, creations);
    expect(sure.send.map((f) => f.contact.contactId)).toEqual(['t:5']);
    expect(sure.result.heldBack).toBe(1);
    // Without that certainty (a window the initial import delivered, whose contacts have no
    // claims) the cap decides alone, and the reply sorts first.
    const doubtful = differenceOf(contacts, delivered, () => false);
    expect(doubtful.send.map((f) => f.contact.contactId)).toEqual(['c:9']);
    expect(doubtful.result.heldBack).toBe(1);
  });

  it('sends a contact whose claims are certain even where its own queue’s ledger count leaves no room (large seed 684)', () => {
    // Q's ledger counts 2: t:3, and t:4 whose ticket was deleted for good since (listed nowhere).
    // t:5's creation never came: Freshdesk shows 2 (t:3, t:5), the ledger 2, yet t:5 was never sent.
    const contacts = [found('t:3', Q, '2026-11-21T10:01:00Z'), found('t:5', Q, '2026-11-21T10:05:00Z')];
    const delivered = ledger([[Q, '2026-11-21T10:00:00Z', 2]]);
    const claimed = (f: FoundContact): boolean => f.contact.contactId === 't:3';
    expect(differenceOf(contacts, delivered, claimed, undefined, () => true).send.map((f) => f.contact.contactId)).toEqual(['t:5']);
    // Without that certainty the cell's difference (0) decides.
    expect(differenceOf(contacts, delivered, claimed).send).toEqual([]);
  });

  it('never sends more than the interval’s room in doubtful contacts beside certain ones', () => {
    // Room 1 (3 found, 2 delivered elsewhere): the certain t:5 takes it; the unclaimed replies wait.
    const contacts = [found('t:5', Q, '2026-11-21T10:01:00Z'), found('c:8', R, '2026-11-21T10:02:00Z'), found('c:9', R, '2026-11-21T10:03:00Z')];
    const delivered = ledger([['freshdesk/6/1/tickets', '2026-11-21T10:00:00Z', 2]]);
    const result = differenceOf(contacts, delivered, () => false, undefined, (f) => f.conversationId === undefined);
    expect(result.send.map((f) => f.contact.contactId)).toEqual(['t:5']);
    expect(result.result.heldBack).toBe(2);
  });

  it('counts a contact found twice (a repeated slice) once', () => {
    const contacts = [found('t:1', Q, '2026-11-21T10:01:00Z'), found('t:1', Q, '2026-11-21T10:01:00Z')];
    expect(differenceOf(contacts, ledger([]), () => false).send).toHaveLength(1);
  });

  it('counts once a ticket listed again after it moved group (forgotten by the walk’s taken record at its size limit)', () => {
    // TakenTickets.trim forgets the oldest ids past MAX_TAKEN_RANGES (the largest profile's check
    // reached it): such a ticket, updated again during the walk, is listed twice, once per group.
    const moved = 'freshdesk/5/1/tickets';
    const contacts = [found('t:1', Q, '2026-11-21T10:01:00Z'), found('t:2', Q, '2026-11-21T10:02:00Z'), found('t:1', moved, '2026-11-21T10:01:00Z')];
    const result = differenceOf(contacts, ledger([]), () => false);
    expect(result.send.map((f) => [f.contact.contactId, f.contact.queueIdentifier])).toEqual([
      ['t:1', Q],
      ['t:2', Q],
    ]);
    expect(result.result).toMatchObject({ found: 2, sent: 2 });
  });

  it('lists at most MAX_RESULT_QUEUES queues and counts the rest', () => {
    const contacts = Array.from({ length: MAX_RESULT_QUEUES + 3 }, (_, i) => found(`t:${i + 1}`, `freshdesk/${i + 1}/1/tickets`, '2026-11-21T10:01:00Z'));
    const result = differenceOf(contacts, ledger([]), () => false).result;
    expect(result.queues).toHaveLength(MAX_RESULT_QUEUES);
    expect(result.moreQueues).toBe(3);
    expect(result.sent).toBe(MAX_RESULT_QUEUES + 3);
  });
});
