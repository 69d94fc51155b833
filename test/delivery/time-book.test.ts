/** The time book (issue 14): each ticket's logged time until its handled contact is sent. */
import { allCommitted, type CommitView } from '../../src/delivery/memory/commit-view';
import { TIME_SHARD_BYTES_BUDGET, TIME_SHARD_SIZE, TimeBook, timeBookKey } from '../../src/delivery/memory/time-book';
import { handlers } from '../../src/entry/handlers';
import type { KeyValueStore } from '../../src/platform/types';
import { ManualClock } from '../../tools/clock';
import { LocalPlatform } from '../../tools/local-platform';

const T0 = Date.parse('2026-11-21T10:00:00Z');
const RUN_A = T0 + 600_000;
const RUN_B = T0 + 1_200_000;
const at = (s: number): number => T0 + s * 1000;

let platform: LocalPlatform;
let db: KeyValueStore;

beforeEach(async () => {
  platform = await LocalPlatform.load({ iparams: {}, clock: new ManualClock(T0), inProcessHandlers: handlers, limits: { kvOpsPerMinute: 100_000 } });
  db = platform.globals().db as unknown as KeyValueStore;
});

afterEach(async () => {
  jest.restoreAllMocks();
  await platform.close();
});

function book(nowMs = RUN_A): TimeBook {
  return new TimeBook(db, allCommitted(nowMs));
}

/** A run's view of commits: `committed` are the earlier runs whose commits took effect. */
function view(current: number, committed: number[], postedNothing: number[] = []): CommitView {
  return { current, isCommitted: (id) => committed.includes(id), postedNothing: (id) => postedNothing.includes(id) };
}

/** Every key of the time book with its bytes as the KV store counts them (key + JSON value). */
function timeKeys(): Array<[string, number]> {
  return Object.entries(platform.kvSnapshot())
    .filter(([key]) => key.startsWith('time:'))
    .map(([key, value]) => [key, Buffer.byteLength(key) + Buffer.byteLength(JSON.stringify(value))]);
}

describe('the time book', () => {
  it('sums each entry once as it stands: an update replaces its seconds, a delete removes them, across runs', async () => {
    const first = book();
    await first.apply({ id: 1, ticketId: 171, seconds: 600 }, at(1));
    await first.apply({ id: 2, ticketId: 171, seconds: 300 }, at(2));
    await first.apply({ id: 1, ticketId: 171, seconds: 660 }, at(3));
    await first.save();
    const second = book(RUN_B);
    await second.apply({ id: 2, ticketId: 171 }, at(4));
    await second.apply({ id: 2, ticketId: 171 }, at(4));
    expect(await second.claim(171)).toEqual({ kind: 'new', duration: 660 });
    expect(await second.claim(171)).toEqual({ kind: 'sent' });
    await second.save();
    expect(await book(RUN_B + 600_000).claim(171)).toEqual({ kind: 'sent' });
  });

  it('has no duration for a ticket without time entries, and reports time logged after the claim without changing anything', async () => {
    const b = book();
    expect(await b.claim(5)).toEqual({ kind: 'new', duration: undefined });
    expect(await b.apply({ id: 9, ticketId: 5, seconds: 120 }, at(1))).toEqual({ kind: 'after_sent', seconds: 120 });
    expect(await b.apply({ id: 9, ticketId: 5 }, at(2))).toEqual({ kind: 'after_sent', seconds: 0 });
    await b.save();
    expect(await book(RUN_B).apply({ id: 9, ticketId: 5, seconds: 60 }, at(3))).toEqual({ kind: 'after_sent', seconds: 60 });
  });

  it('keeps only the sent mark once a later run finds the commit that sent it took effect', async () => {
    const first = book();
    await first.apply({ id: 1, ticketId: 7, seconds: 600 }, at(1));
    await first.claim(7);
    await first.save();
    const second = book(RUN_B);
    await second.apply({ id: 2, ticketId: 8, seconds: 60 }, at(2));
    await second.save();
    const stored = (await db.get(timeBookKey(7))) as { t: Record<string, number[]> };
    expect(stored.t['7']).toEqual([1]);
  });

  it('reads an entry of the format before pieces, and an unreadable one as "no time logged"', async () => {
    await db.set(timeBookKey(7), { t: { '7': ['x'], '8': [0, 1, 30], '9': [1] } });
    const b = book();
    expect(await b.claim(7)).toEqual({ kind: 'new', duration: undefined });
    expect(await b.claim(8)).toEqual({ kind: 'new', duration: 30 });
    expect(await b.claim(9)).toEqual({ kind: 'sent' });
  });
});

/** [entry id, seconds (undefined: deleted), updated_at in seconds after T0], in the order the records are processed. */
type Event = [number, number | undefined, number];

describe('a time entry event delivered late or twice', () => {
  it.each<[string, Event[], number | undefined]>([
    ['a creation delivered again after its edit does not put back the old seconds', [[1, 600, 100], [1, 900, 400], [1, 600, 100]], 900],
    ['an edit delivered again after a newer edit does not put back its seconds', [[1, 600, 100], [1, 900, 400], [1, 1200, 500], [1, 900, 400]], 1200],
    ['an edit processed before the creation it follows is kept', [[1, 900, 400], [1, 600, 100]], 900],
    ['a delete is final: a creation delivered again after it does not bring the entry back', [[1, 600, 100], [1, undefined, 300], [1, 600, 100]], undefined],
    ['a delete processed before its creation leaves nothing either', [[2, undefined, 300], [2, 600, 100], [1, 60, 50]], 60],
    ['at the same second, the record processed later wins', [[1, 600, 100], [1, 900, 100]], 900],
    ['events in order sum as they stand', [[1, 600, 100], [1, 660, 200], [2, 300, 150], [2, undefined, 250], [3, 45, 260]], 705],
  ])('%s', async (_name, events, duration) => {
    // Within one run…
    const one = new TimeBook(db, allCommitted(RUN_A));
    for (const [id, seconds, s] of events) await one.apply(seconds === undefined ? { id, ticketId: 11 } : { id, ticketId: 11, seconds }, at(s));
    expect(await one.claim(11)).toEqual({ kind: 'new', duration });
    // …and with every event in a run of its own.
    for (const [i, [id, seconds, s]] of events.entries()) {
      const run = new TimeBook(db, allCommitted(RUN_B + i * 600_000));
      await run.apply(seconds === undefined ? { id, ticketId: 12 } : { id, ticketId: 12, seconds }, at(s));
      await run.save();
    }
    expect(await new TimeBook(db, allCommitted(RUN_B + 100 * 600_000)).claim(12)).toEqual({ kind: 'new', duration });
  });
});

describe('a sent mark tagged with the commit that made it', () => {
  it.each<[string, 'committed' | 'void' | 'posted nothing', unknown]>([
    ['counts when that commit took effect', 'committed', { kind: 'sent' }],
    ['is void when it did not and its run said it posted nothing: the ticket keeps its time for the run that sends it after all', 'posted nothing', { kind: 'new', duration: 600 }],
    // Small seed 56: a run posted the handled contacts, then died before its commit; the next run
    // found its marks void, erased them and posted the same contacts again.
    ['is void when it did not, but its run may have posted: claimed again as voided (unconfirmed), never sent twice', 'void', { kind: 'voided', duration: 600 }],
  ])('%s', async (_name, fate, outcome) => {
    const first = new TimeBook(db, view(RUN_A, []));
    await first.apply({ id: 1, ticketId: 7, seconds: 600 }, at(1));
    expect(await first.claim(7)).toEqual({ kind: 'new', duration: 600 });
    await first.save();
    const second = new TimeBook(db, view(RUN_B, fate === 'committed' ? [RUN_A] : [], fate === 'posted nothing' ? [RUN_A] : []));
    expect(await second.claim(7)).toEqual(outcome);
    // Claimed now under the second run's tag: a second claim in the same run sends nothing.
    expect(await second.claim(7)).toEqual({ kind: 'sent' });
  });

  it('a void mark whose run may have posted stays until a run claims it, however many runs read its key', async () => {
    const first = new TimeBook(db, view(RUN_A, []));
    await first.claim(7);
    await first.save();
    for (let i = 1; i <= 3; i += 1) {
      const run = new TimeBook(db, view(RUN_A + i, []));
      await run.apply({ id: 2, ticketId: TIME_SHARD_SIZE - 1, seconds: 60 * i }, at(2 + i));
      await run.save();
    }
    expect(await new TimeBook(db, view(RUN_B, [])).claim(7)).toEqual({ kind: 'voided', duration: undefined });
  });

  it('is erased when its key is read by a run that finds it void and said to have posted nothing', async () => {
    const first = new TimeBook(db, view(RUN_A, []));
    await first.claim(7);
    await first.save();
    const second = new TimeBook(db, view(RUN_B, [], [RUN_A]));
    // Another ticket of the same key: the run reads it, finds the void mark and writes the key clean.
    await second.apply({ id: 2, ticketId: TIME_SHARD_SIZE - 1, seconds: 60 }, at(2));
    await second.save();
    const stored = (await db.get(timeBookKey(7))) as { t: Record<string, number[]> };
    expect(stored.t['7']).toEqual([0]);
    // Even a view that would call that run committed now finds nothing to honour.
    expect(await new TimeBook(db, view(RUN_B + 1, [RUN_A])).claim(7)).toEqual({ kind: 'new', duration: undefined });
  });
});

describe('the time book at the largest account', () => {
  it('splits a range by bytes: 500 tickets with 6 entries of 12-digit ids each stay under budget, nothing forgotten', async () => {
    const b = book();
    for (let ticket = 0; ticket < TIME_SHARD_SIZE; ticket += 1) {
      for (let e = 0; e < 6; e += 1) await b.apply({ id: 100_000_000_000 + ticket * 10 + e, ticketId: ticket, seconds: 3600 }, at(ticket * 10 + e));
    }
    for (let ticket = 0; ticket < 50; ticket += 1) await b.claim(ticket);
    await b.save();
    const keys = timeKeys();
    expect(keys.length).toBeGreaterThan(1);
    for (const [, bytes] of keys) expect(bytes).toBeLessThanOrEqual(TIME_SHARD_BYTES_BUDGET);
    expect(b.forgotten).toBeUndefined();
    const reread = book(RUN_B);
    expect(await reread.claim(0)).toEqual({ kind: 'sent' });
    expect(await reread.claim(499)).toEqual({ kind: 'new', duration: 6 * 3600 });
  });

  it('holds every ticket of a day at 20,000 tickets with time tracking in keys under budget, the largest printed', async () => {
    // 11-digit ticket and entry ids; each ticket 3 entries, one edited, one deleted; half are sent.
    const first = 98_765_400_000;
    const perRun = 1000;
    for (let run = 0; run < 20; run += 1) {
      const b = book(RUN_A + run * 600_000);
      for (let i = run * perRun; i < (run + 1) * perRun; i += 1) {
        const ticketId = first + i;
        for (let e = 0; e < 3; e += 1) await b.apply({ id: 70_000_000_000 + i * 3 + e, ticketId, seconds: 600 + e }, at(i * 4 + e));
        await b.apply({ id: 70_000_000_000 + i * 3, ticketId, seconds: 1200 }, at(i * 4 + 3));
        await b.apply({ id: 70_000_000_000 + i * 3 + 1, ticketId }, at(i * 4 + 3));
        if (i % 2 === 0 && i < (run + 1) * perRun - 100) await b.claim(ticketId);
      }
      await b.save();
    }
    const keys = timeKeys();
    const [largestKey, largest] = keys.reduce((a, b) => (b[1] > a[1] ? b : a));
    console.info(`time book at 20,000 tickets: ${keys.length} keys, largest ${largestKey} ${largest} bytes (budget ${TIME_SHARD_BYTES_BUDGET})`);
    expect(largest).toBeLessThanOrEqual(TIME_SHARD_BYTES_BUDGET);
    const reread = book(RUN_B + 100 * 600_000);
    expect(await reread.claim(first)).toEqual({ kind: 'sent' });
    expect(await reread.claim(first + 1)).toEqual({ kind: 'new', duration: 1200 + 602 });
  });

  it('forgets the oldest entries of a ticket with more than one key holds, says so and tells the span', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const b = book();
    for (let e = 0; e < 2000; e += 1) await b.apply({ id: 70_000_000_000 + e, ticketId: 3, seconds: 60 }, at(e));
    await b.save();
    for (const [, bytes] of timeKeys()) expect(bytes).toBeLessThanOrEqual(TIME_SHARD_BYTES_BUDGET);
    expect(b.forgotten).toEqual({ fromMs: at(0), toMs: expect.any(Number) as number, tickets: 1, entries: expect.any(Number) as number });
    const forgotten = b.forgotten as { toMs: number; entries: number };
    expect(forgotten.toMs).toBeLessThan(at(2000));
    expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).toContain('TIME_BOOK_FULL');
    expect(await book(RUN_B).claim(3)).toEqual({ kind: 'new', duration: (2000 - forgotten.entries) * 60 });
  });
});
