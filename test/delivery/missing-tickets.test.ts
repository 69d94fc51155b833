import { dueIds, giveUp, MAX_MISSING_IDS, MAX_MISSING_RANGES, MISSING_GIVE_UP_MS, noteCreations, settle, waitingIds } from '../../src/delivery/accounting/missing-tickets';
import type { MissingTickets } from '../../src/delivery/stored/stored-data';

const NOW = Date.parse('2026-11-21T10:00:00Z');
const S = NOW / 1000;
const HOUR = 3_600_000;

function seen(...ids: number[]): { id: number; createdS: number }[] {
  return ids.map((id) => ({ id, createdS: S - 1000 + id }));
}

describe('finding tickets whose creation record never came, by their consecutive ids', () => {
  it('starts counting at the first creation seen: tickets before it are from before the install', () => {
    expect(noteCreations(undefined, seen(500, 502, 501), NOW)).toEqual({ high: 502, highS: S - 1000 + 502, ranges: [], repaired: 0, low: [500, S - 1000 + 500] });
    expect(noteCreations(undefined, [], NOW)).toBeUndefined();
  });

  it('starts below a ticket created after the install whose creation never came but whose update did (large seed 76)', () => {
    // Ticket 1's creation event was never delivered; its update was, in the run that first saw creations 2 and 3.
    const book = noteCreations(undefined, seen(2, 3), NOW, seen(1)) as MissingTickets;
    expect(book.high).toBe(3);
    expect(book.ranges.map(([first, last]) => [first, last])).toEqual([[1, 1]]);
    // Tickets known from before the first creation's id but above it change nothing.
    expect(noteCreations(undefined, seen(2, 3), NOW, seen(3))).toEqual(noteCreations(undefined, seen(2, 3), NOW));
  });

  it('extends below the lowest id counted for a ticket created after the install learned of in a later run (large seed 198)', () => {
    const started = noteCreations(undefined, seen(5, 6), NOW) as MissingTickets;
    // A later run: no creation at all, but a reply to ticket 2 (created after the install).
    const book = noteCreations(started, [], NOW + 60_000, seen(2)) as MissingTickets;
    expect(book.ranges).toEqual([[2, 4, S - 998, S - 995, S + 60]]);
    expect(book.low).toEqual([2, S - 998]);
    // A count kept before `low` existed cannot tell where it started: it does not extend.
    const { low: _low, ...old } = started;
    expect(noteCreations({ ...old, ranges: [] }, [], NOW, seen(2))?.ranges).toEqual([]);
  });

  it('notes a hole above the highest id seen, bounded by the creation times of its neighbours', () => {
    const book = noteCreations(undefined, seen(100, 104), NOW) as MissingTickets;
    expect(book.ranges).toEqual([[101, 103, S - 900, S - 896, S]]);
    expect(waitingIds(book)).toBe(3);
  });

  it('settles an id whose record arrives late, splitting its range', () => {
    const book = noteCreations(noteCreations(undefined, seen(100, 106), NOW), seen(103), NOW + 60_000) as MissingTickets;
    expect(book.ranges.map(([first, last]) => [first, last])).toEqual([
      [101, 102],
      [104, 105],
    ]);
    settle(book, 101);
    settle(book, 105);
    settle(book, 999);
    expect(book.ranges.map(([first, last]) => [first, last])).toEqual([
      [102, 102],
      [104, 104],
    ]);
  });

  it('offers ids for repair only after they waited for a late record, oldest first and within the limit', () => {
    const book = noteCreations(noteCreations(undefined, seen(100, 105), NOW), seen(110), NOW + HOUR) as MissingTickets;
    expect(dueIds(book, NOW + HOUR - 1, HOUR, 10)).toEqual([]);
    expect(dueIds(book, NOW + HOUR, HOUR, 10)).toEqual([101, 102, 103, 104]);
    expect(dueIds(book, NOW + 2 * HOUR, HOUR, 6)).toEqual([101, 102, 103, 104, 106, 107]);
    expect(dueIds(undefined, NOW, HOUR, 6)).toEqual([]);
  });

  it('turns ranges it can no longer wait for into gaps to replay: too many ids, or a day without an answer', () => {
    const book = noteCreations(undefined, seen(1, 2 + MAX_MISSING_IDS + 5), NOW) as MissingTickets;
    const tooMany = giveUp(book, NOW);
    expect(tooMany).toEqual([{ from: new Date((S - 999) * 1000).toISOString().replace('.000Z', 'Z'), to: expect.any(String), reason: 'ticket_events_missing', contactsKnownLost: MAX_MISSING_IDS + 5 }]);
    expect(book.ranges).toEqual([]);

    const old = noteCreations(undefined, seen(1, 5), NOW) as MissingTickets;
    expect(giveUp(old, NOW + MISSING_GIVE_UP_MS)).toEqual([]);
    expect(giveUp(old, NOW + MISSING_GIVE_UP_MS + 1000)).toEqual([expect.objectContaining({ reason: 'ticket_events_missing', contactsKnownLost: 3 })]);
    expect(giveUp(undefined, NOW)).toEqual([]);
  });
});

describe('more holes than the record has room for (a KV outage holds many creation records at once)', () => {
  it('joins the two closest holes instead of giving any up: every missing id is still awaited, the ids between them included', () => {
    // Every other id missing: MAX_MISSING_RANGES + 3 holes of one id each.
    const ids = [1];
    for (let i = 0; i < MAX_MISSING_RANGES + 3; i += 1) ids.push(ids[ids.length - 1] as number + 2);
    const book = noteCreations(undefined, seen(...ids), NOW) as MissingTickets;
    expect(book.ranges).toHaveLength(MAX_MISSING_RANGES + 3);
    expect(giveUp(book, NOW)).toEqual([]);
    expect(book.ranges).toHaveLength(MAX_MISSING_RANGES);
    const awaited = new Set(dueIds(book, NOW + HOUR, HOUR, 10_000));
    for (let id = 2; id < (ids[ids.length - 1] as number); id += 2) expect(awaited.has(id)).toBe(true);
    // Joined ranges keep the earliest notice, so nothing waits longer than it did.
    for (const range of book.ranges) expect(range[4]).toBe(S);
  });
});

describe('an id that does not belong to the account’s sequence (issue 19, item 9)', () => {
  it('takes no tickets as missing below a poison id of 1e15, and still notices the next real hole', () => {
    let book = noteCreations(undefined, seen(100, 101), NOW) as MissingTickets;
    book = noteCreations(book, [{ id: 1e15, createdS: S }], NOW) as MissingTickets;
    expect(book.ranges).toEqual([]);
    expect(book.high).toBe(101);
    expect(giveUp(book, NOW)).toEqual([]);
    book = noteCreations(book, [{ id: 102, createdS: S + 10 }, { id: 105, createdS: S + 20 }], NOW + 60_000) as MissingTickets;
    expect(book.ranges.map(([first, last]) => [first, last])).toEqual([[103, 104]]);
    expect(book.outlier).toBeUndefined();
  });

  it('follows a sequence that really moved: the ids after the jump continue from it, with no hole', () => {
    let book = noteCreations(undefined, seen(100), NOW) as MissingTickets;
    book = noteCreations(book, [{ id: 5_000_000, createdS: S }], NOW) as MissingTickets;
    book = noteCreations(book, [{ id: 5_000_002, createdS: S + 30 }], NOW) as MissingTickets;
    expect(book.high).toBe(5_000_002);
    expect(book.ranges).toEqual([]);
  });

  it('still records a real outage: thousands of tickets missing over a day are plausible', () => {
    const book = noteCreations(noteCreations(undefined, seen(100), NOW), [{ id: 20_100, createdS: S - 1000 + 100 + 86_400 }], NOW) as MissingTickets;
    expect(waitingIds(book)).toBe(19_999);
  });
});
