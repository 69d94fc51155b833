/** The time book (issue 14): each ticket's logged time until its handled contact is sent. */
import { TIME_SHARD_BYTES_BUDGET, TimeBook, timeBookKey } from '../../src/delivery/memory/time-book';
import { handlers } from '../../src/entry/handlers';
import type { KeyValueStore } from '../../src/platform/types';
import { ManualClock } from '../../tools/clock';
import { LocalPlatform } from '../../tools/local-platform';

let platform: LocalPlatform;
let db: KeyValueStore;

beforeEach(async () => {
  platform = await LocalPlatform.load({ iparams: {}, clock: new ManualClock('2026-11-21T10:00:00Z'), inProcessHandlers: handlers, limits: { kvOpsPerMinute: 100_000 } });
  db = platform.globals().db as unknown as KeyValueStore;
});

afterEach(async () => {
  jest.restoreAllMocks();
  await platform.close();
});

describe('the time book', () => {
  it('sums each entry once as it stands: an update replaces its seconds, a delete removes them, across runs', async () => {
    const first = new TimeBook(db);
    await first.apply({ id: 1, ticketId: 171, seconds: 600 });
    await first.apply({ id: 2, ticketId: 171, seconds: 300 });
    await first.apply({ id: 1, ticketId: 171, seconds: 660 });
    await first.save();
    const second = new TimeBook(db);
    await second.apply({ id: 2, ticketId: 171 });
    await second.apply({ id: 2, ticketId: 171 });
    expect(await second.claim(171)).toEqual({ kind: 'new', duration: 660 });
    expect(await second.claim(171)).toEqual({ kind: 'sent' });
    await second.save();
    expect(await db.get(timeBookKey(171))).toEqual({ t: { '171': [1] } });
  });

  it('has no duration for a ticket without time entries, and reports time logged after the claim without changing anything', async () => {
    const book = new TimeBook(db);
    expect(await book.claim(5)).toEqual({ kind: 'new', duration: undefined });
    expect(await book.apply({ id: 9, ticketId: 5, seconds: 120 })).toEqual({ kind: 'after_sent', seconds: 120 });
    expect(await book.apply({ id: 9, ticketId: 5 })).toEqual({ kind: 'after_sent', seconds: 0 });
    await book.save();
    expect(await db.get(timeBookKey(5))).toEqual({ t: { '5': [1] } });
  });

  it('reads an unreadable stored entry as "no time logged"', async () => {
    await db.set(timeBookKey(7), { t: { '7': ['x'], '8': [0, 1, 30] } });
    const book = new TimeBook(db);
    expect(await book.claim(7)).toEqual({ kind: 'new', duration: undefined });
    expect(await book.claim(8)).toEqual({ kind: 'new', duration: 30 });
  });

  it('stays within one KV record: sent marks of the oldest tickets go first, and it says so', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const book = new TimeBook(db);
    // 500 tickets of one shard, each with 6 entries of 12-digit ids: more than 40 KB.
    for (let ticket = 0; ticket < 500; ticket += 1) {
      for (let e = 0; e < 6; e += 1) await book.apply({ id: 100_000_000_000 + ticket * 10 + e, ticketId: ticket, seconds: 3600 });
    }
    for (let ticket = 0; ticket < 50; ticket += 1) await book.claim(ticket);
    await book.save();
    const stored = (await db.get(timeBookKey(0))) as { t: Record<string, number[]> };
    expect(JSON.stringify(stored).length).toBeLessThanOrEqual(TIME_SHARD_BYTES_BUDGET);
    expect(stored.t['0']).toBeUndefined();
    expect(stored.t['499']).toHaveLength(13);
    expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).toContain('TIME_BOOK_FULL');
  });
});
