/**
 * The ticket book's versions: a reply is attributed with its ticket's facts as of the reply,
 * whatever order the records reach the delivery runs in. Stored in the local platform's KV
 * store, so the 40 KB limit and the update/set semantics are the platform's.
 */
import type { TicketFacts } from '../../src/core/types';
import {
  LATE_RECORD_WAIT_MS,
  MAX_LOOKUPS_PER_RUN,
  MAX_VERSIONS,
  SHARD_BYTES_BUDGET,
  SHARD_SIZE,
  shardKey,
  TicketBook,
} from '../../src/delivery/memory/ticket-book';
import { handlers } from '../../src/entry/handlers';
import type { InvokeOptions, KeyValueStore, RequestClient, TemplateResponse } from '../../src/platform/types';
import { ManualClock } from '../../tools/clock';
import { LocalPlatform } from '../../tools/local-platform';
import { KV_MAX_ENTRY_BYTES } from '../../tools/local-platform/kv-store';

const T0 = Date.parse('2026-11-02T09:00:00Z');
const NOW = T0 + 3600_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const sec = (s: number): number => T0 + s * 1000;

let platform: LocalPlatform;
let db: KeyValueStore;
/** KV calls made through `db`, as "op key". */
let kvCalls: string[];

beforeEach(async () => {
  platform = await LocalPlatform.load({ iparams: {}, clock: new ManualClock(T0), inProcessHandlers: handlers, limits: { kvOpsPerMinute: 100_000, requestsPerMinute: 100_000 } });
  const real = platform.globals().db as unknown as KeyValueStore;
  kvCalls = [];
  db = {
    set: (key, value, options) => (kvCalls.push(`set ${key}`), real.set(key, value, options)),
    get: (key) => (kvCalls.push(`get ${key}`), real.get(key)),
    delete: (key) => (kvCalls.push(`delete ${key}`), real.delete(key)),
    update: (key, action, attributes, options) => (kvCalls.push(`update ${key}`), real.update(key, action, attributes, options)),
  };
});

afterEach(async () => {
  await platform.close();
});

/** Freshdesk's GET /tickets/{id}: `tickets` answers, anything else is 404. */
class FakeFreshdesk implements RequestClient {
  asked: number[] = [];
  failWith: { status: number } | undefined;
  constructor(private readonly tickets: Record<number, TicketFacts> = {}) {}

  invokeTemplate(name: string, options?: InvokeOptions): Promise<TemplateResponse> {
    const id = Number(options?.context?.ticket_id);
    if (name !== 'freshdeskGetTicket') throw new Error(`unexpected template ${name}`);
    this.asked.push(id);
    const ticket = this.tickets[id];
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the platform rejects with plain objects
    if (this.failWith) return Promise.reject({ headers: {}, response: '', errorSource: 'APP', ...this.failWith });
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the platform rejects with plain objects
    if (!ticket) return Promise.reject({ status: 404, headers: {}, response: '', errorSource: 'APP' });
    return Promise.resolve({ status: 200, headers: {}, response: JSON.stringify({ ...ticket, updated_at: iso(NOW) }) });
  }
}

function facts(id: number, group: number | null, flags: { spam?: boolean; deleted?: boolean; source?: number } = {}): TicketFacts {
  return { id, group_id: group, source: flags.source ?? 1, spam: flags.spam ?? false, deleted: flags.deleted ?? false, created_at: iso(T0) };
}

function book(remote: RequestClient = new FakeFreshdesk()): TicketBook {
  return new TicketBook(db, remote, NOW);
}

async function groupAt(b: TicketBook, id: number, atMs: number): Promise<number | null | string> {
  const found = await b.lookup(id, atMs);
  return typeof found === 'string' ? found : found.group_id;
}

/** [group, time in seconds after T0] in the order the records are processed. */
type Step = [number | null, number];

describe('a ticket book attributes a reply as of the reply', () => {
  it.each<[string, Step[], [number, number | null][]]>([
    ['a reply between two versions gets the earlier one', [[1, 0], [2, 100]], [[50, 1], [99, 1], [100, 2], [500, 2]]],
    ['a late older update does not overwrite newer facts', [[1, 0], [2, 200], [3, 100]], [[50, 1], [150, 3], [250, 2]]],
    ['an update older than every version goes first', [[2, 200], [3, 100]], [[50, 3], [150, 3], [250, 2]]],
    ['a reply before every known version gets the oldest', [[2, 100]], [[10, 2]]],
    ['at the same second, the record processed later wins', [[1, 0], [2, 100], [3, 100]], [[50, 1], [100, 3]]],
    ['an update repeating the facts in force adds no version', [[1, 0], [2, 100], [2, 150], [3, 200]], [[50, 1], [120, 2], [160, 2], [210, 3]]],
    ['an update that brings facts forward moves their start', [[1, 0], [2, 200], [2, 100]], [[50, 1], [150, 2]]],
    [`only the newest ${MAX_VERSIONS} versions are kept`, [[1, 0], [2, 100], [3, 200], [4, 300]], [[50, 2], [150, 2], [250, 3], [350, 4]]],
    ['no group is a fact like any other', [[null, 0], [5, 100]], [[50, null], [150, 5]]],
  ])('%s', async (_name, steps, expectations) => {
    const b = book();
    for (const [group, s] of steps) await b.remember(facts(7, group), sec(s));
    for (const [s, group] of expectations) expect(await groupAt(b, 7, sec(s))).toBe(group);
    // The same answers after a round trip through the store.
    await b.save();
    const reread = book();
    for (const [s, group] of expectations) expect(await groupAt(reread, 7, sec(s))).toBe(group);
  });

  it('sees spam and deleted as they were at the reply', async () => {
    const b = book();
    await b.remember(facts(8, 1), sec(0));
    await b.remember(facts(8, 1, { spam: true }), sec(100));
    await b.remember(facts(8, 1, { spam: true, deleted: true, source: 3 }), sec(200));
    expect(await b.lookup(8, sec(50))).toEqual(facts(8, 1));
    expect(await b.lookup(8, sec(150))).toEqual(facts(8, 1, { spam: true }));
    expect(await b.lookup(8, sec(250))).toEqual(facts(8, 1, { spam: true, deleted: true, source: 3 }));
  });

  it('stores an entry newest first with times relative to the creation', async () => {
    const b = book();
    await b.remember(facts(9, null), sec(0));
    await b.remember(facts(9, 4, { spam: true }), sec(90));
    await b.save();
    const stored = await db.get(shardKey(9));
    expect(stored).toEqual({ t: { '9': [4, 1, 1, T0 / 1000, 90, -1, 1, 0, 0] } });
  });
});

describe('entries written before versions existed', () => {
  it('are one version in force since the ticket was created', async () => {
    await db.set(shardKey(7), { t: { '7': [3, 1, 0, T0 / 1000] } });
    const b = book();
    expect(await groupAt(b, 7, sec(-100))).toBe(3);
    expect(await groupAt(b, 7, sec(100))).toBe(3);
    await b.remember(facts(7, 4), sec(200));
    expect(await groupAt(b, 7, sec(100))).toBe(3);
    expect(await groupAt(b, 7, sec(300))).toBe(4);
  });

  it('are still written that way for a ticket that never changed', async () => {
    const b = book();
    await b.remember(facts(7, 3), sec(0));
    await b.save();
    expect(await db.get(shardKey(7))).toEqual({ t: { '7': [3, 1, 0, T0 / 1000] } });
  });

  it('are ignored when unreadable, and the ticket is asked of Freshdesk', async () => {
    await db.set(shardKey(1), { t: { '1': [1, 2], '2': 'x', '3': [1, 1, 0, 0, 0, 1] } });
    const remote = new FakeFreshdesk({ 1: facts(1, 9), 3: facts(3, 8) });
    const b = new TicketBook(db, remote, T0 + 2 * LATE_RECORD_WAIT_MS);
    expect(await groupAt(b, 1, sec(0))).toBe(9);
    expect(await groupAt(b, 2, sec(0))).toBe('gone');
    expect(await groupAt(b, 3, sec(0))).toBe(8);
    expect(remote.asked).toEqual([1, 2, 3]);
  });

  it('are read from a shard without a ticket list as from an empty one', async () => {
    await db.set(shardKey(1), { other: 1 });
    expect(await groupAt(book(), 1, sec(0))).toBe('gone');
  });
});

describe('tickets the book does not know', () => {
  it('are asked of Freshdesk once, and the answer is the newest version, dated now', async () => {
    const remote = new FakeFreshdesk({ 7: facts(7, 5) });
    const b = book(remote);
    expect(await groupAt(b, 7, sec(100))).toBe(5);
    expect(await groupAt(b, 7, NOW)).toBe(5);
    // The ticket's creation record arrives late: before now, the creation facts apply.
    await b.remember(facts(7, 1), sec(0));
    expect(await groupAt(b, 7, sec(100))).toBe(1);
    expect(await groupAt(b, 7, NOW)).toBe(5);
    expect(remote.asked).toEqual([7]);
    expect(b.lookups).toBe(1);
  });

  it('make a reply to a young ticket wait for the ticket\'s creation record rather than guess with later facts', async () => {
    const remote = new FakeFreshdesk({ 7: facts(7, 5) });
    const young = T0 + 20 * 60_000;
    const first = new TicketBook(db, remote, young);
    expect(await first.lookup(7, sec(100))).toBe('deferred');
    await first.save();
    // The next run still waits while only Freshdesk's answer is known…
    expect(await new TicketBook(db, remote, young + 10 * 60_000).lookup(7, sec(100))).toBe('deferred');
    // …and answers once the creation record came in (a group change after the reply, here).
    const later = new TicketBook(db, remote, young + 20 * 60_000);
    await later.remember(facts(7, 1), sec(0));
    expect(await groupAt(later, 7, sec(100))).toBe(1);
    expect(remote.asked).toEqual([7]);
  });

  it('make a reply wait for a creation record only while the ticket is young', async () => {
    const remote = new FakeFreshdesk({ 7: facts(7, 5) });
    const b = new TicketBook(db, remote, T0 + LATE_RECORD_WAIT_MS);
    expect(await groupAt(b, 7, sec(100))).toBe(5);
  });

  it('make a reply before the first known update wait too, when the creation record is missing', async () => {
    const b = new TicketBook(db, new FakeFreshdesk(), T0 + 10 * 60_000);
    await b.remember(facts(7, 2), sec(60));
    expect(await b.lookup(7, sec(30))).toBe('deferred');
    expect(await groupAt(b, 7, sec(90))).toBe(2);
  });

  it('are not remembered when Freshdesk no longer has them', async () => {
    const remote = new FakeFreshdesk();
    const b = book(remote);
    expect(await b.lookup(7, sec(0))).toBe('gone');
    await b.save();
    expect(await b.lookup(7, sec(0))).toBe('gone');
    expect(remote.asked).toEqual([7, 7]);
    expect(kvCalls.filter((c) => c.startsWith('set') || c.startsWith('update'))).toEqual([]);
  });

  it(`are deferred after ${MAX_LOOKUPS_PER_RUN} look-ups in a run`, async () => {
    const b = book();
    for (let id = 1; id <= MAX_LOOKUPS_PER_RUN; id += 1) expect(await b.lookup(id, sec(0))).toBe('gone');
    expect(await b.lookup(MAX_LOOKUPS_PER_RUN + 1, sec(0))).toBe('deferred');
  });

  it('are deferred for the rest of the run once Freshdesk failed', async () => {
    const remote = new FakeFreshdesk();
    remote.failWith = { status: 500 };
    const b = book(remote);
    await expect(b.lookup(1, sec(0))).rejects.toThrow('ticket 1');
    expect(await b.lookup(2, sec(0))).toBe('deferred');
    expect(remote.asked).toEqual([1]);
  });
});

describe('saving the book', () => {
  it('updates only the tickets that changed, keeping the others in the shard', async () => {
    const first = book();
    await first.remember(facts(1, 1), sec(0));
    await first.remember(facts(2, 2), sec(0));
    await first.save();
    kvCalls.length = 0;
    const second = book();
    await second.remember(facts(2, 2), sec(50));
    await second.remember(facts(1, 3), sec(100));
    await second.save();
    expect(kvCalls).toEqual([`get ${shardKey(1)}`, `update ${shardKey(1)}`]);
    expect(await db.get(shardKey(1))).toEqual({ t: { '1': [3, 1, 0, T0 / 1000, 100, 1, 1, 0, 0], '2': [2, 1, 0, T0 / 1000] } });
  });

  it('writes nothing when the run learned nothing new', async () => {
    const first = book();
    await first.remember(facts(1, 1), sec(0));
    await first.save();
    kvCalls.length = 0;
    const second = book();
    await second.remember(facts(1, 1), sec(0));
    await second.remember(facts(1, 1), sec(60));
    await second.save();
    expect(kvCalls).toEqual([`get ${shardKey(1)}`]);
  });

  it(`keeps a full shard of ${SHARD_SIZE} tickets with wide numbers under the KV limit, dropping the oldest history first`, async () => {
    // Wide on purpose: 8-digit ticket ids, 12-digit group ids, 3-digit sources, times in 2286.
    const firstId = 99_999_000;
    const created = Date.parse('2286-01-01T00:00:00Z');
    const b = new TicketBook(db, new FakeFreshdesk(), created);
    for (let id = firstId; id < firstId + SHARD_SIZE; id += 1) {
      const ticket = { id, group_id: 999_999_999_000, source: 999, spam: true, deleted: true, created_at: iso(created) };
      for (let v = 0; v < MAX_VERSIONS; v += 1) await b.remember({ ...ticket, group_id: ticket.group_id + v }, created + (id - firstId + v * 1_000_000) * 1000);
    }
    await b.save();
    const key = shardKey(firstId);
    const stored = await db.get(key);
    const bytes = Buffer.byteLength(key) + Buffer.byteLength(JSON.stringify(stored));
    expect(bytes).toBeLessThanOrEqual(SHARD_BYTES_BUDGET);
    expect(SHARD_BYTES_BUDGET).toBeLessThan(KV_MAX_ENTRY_BYTES);
    // Not even one version each fits: the tickets changed longest ago are the ones dropped.
    const kept = Object.keys(stored.t as object).map(Number);
    expect(kept.length).toBeLessThan(SHARD_SIZE);
    expect(Math.max(...kept)).toBe(firstId + SHARD_SIZE - 1);
    expect(Math.min(...kept)).toBe(firstId + SHARD_SIZE - kept.length);
    // What is left answers as before; a dropped ticket is asked of Freshdesk again (404 here).
    const reread = new TicketBook(db, new FakeFreshdesk(), created);
    expect(await groupAt(reread, firstId + SHARD_SIZE - 1, created + 3_000_000_000)).toBe(999_999_999_002);
    expect(await groupAt(reread, firstId, created)).toBe('gone');
  });

  it('drops the history changed longest ago when a shard of ordinary tickets fills up', async () => {
    const b = book();
    // 1000 tickets with 7-digit ids and 11-digit group ids: ~39 KB at one version each.
    const firstId = 1_234_000;
    const group = 48_000_000_101;
    for (let i = 0; i < SHARD_SIZE; i += 1) await b.remember(facts(firstId + i, group), T0);
    for (let i = 0; i < SHARD_SIZE; i += 1) await b.remember(facts(firstId + i, group + 1), sec(100 + i));
    await b.save();
    const stored = (await db.get(shardKey(firstId))).t as Record<string, number[]>;
    expect(Object.keys(stored)).toHaveLength(SHARD_SIZE);
    const lengths = (i: number): number => stored[String(firstId + i)]?.length ?? 0;
    // Oldest changes first: no history and no start time; the newest change keeps its history.
    expect(lengths(0)).toBe(4);
    expect(lengths(SHARD_SIZE - 1)).toBe(9);
    const reread = book();
    expect(await groupAt(reread, firstId + SHARD_SIZE - 1, sec(50))).toBe(group);
    expect(await groupAt(reread, firstId, sec(50))).toBe(group + 1);
  });
});
