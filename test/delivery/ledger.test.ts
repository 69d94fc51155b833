import type { OfferedContact } from '../../src/core/types';
import {
  addPending,
  compactCounts,
  expandCounts,
  dropFlushes,
  emptyLedgerState,
  hourOf,
  LEDGER_RETENTION_DAYS,
  ledgerAttribute,
  ledgerCountsOf,
  markUncertain,
  MAX_SHARD_WRITES_PER_RUN,
  parseLedgerAttribute,
  PENDING_BYTES,
  pendingBytes,
  planFlushes,
  pruneLedger,
  readLedger,
  settleFrozen,
  shardKey,
  shardOf,
  shardsFor,
  uncertainHours,
  writeFlushes,
} from '../../src/delivery/accounting/ledger';
import { newState } from '../../src/delivery/commit/state';
import { ledgerOutKey } from '../../src/storage/keys';
import { handlers } from '../../src/entry/handlers';
import type { AppState, LedgerState } from '../../src/delivery/stored/stored-data';
import type { KeyValueStore } from '../../src/platform/types';
import { ManualClock } from '../../tools/clock';
import { LocalPlatform } from '../../tools/local-platform';

const T0 = Date.parse('2026-11-21T10:00:00Z');

function contact(queueIdentifier: string, timestamp: string, id = 1): OfferedContact {
  return { contactId: `t:${id}`, queueName: 'Billing email Tickets', queueIdentifier, timestamp, channel: 'cases' };
}

let platform: LocalPlatform;
let db: KeyValueStore;
let state: AppState;

beforeEach(async () => {
  platform = await LocalPlatform.load({ iparams: {}, clock: new ManualClock(T0), inProcessHandlers: handlers, limits: { kvOpsPerMinute: 100_000 } });
  db = platform.globals().db as unknown as KeyValueStore;
  state = newState(T0);
});

afterEach(async () => {
  jest.restoreAllMocks();
  await platform.close();
});

describe('ledger keys and attributes', () => {
  it.each([
    ['2026-11-21T10:34:22Z', 'freshdesk/42/1/tickets', '2026-11-21T06', '42/1/t|18'],
    ['2026-11-21T06:00:00Z', 'freshdesk/none/3/replies', '2026-11-21T06', 'none/3/r|0'],
    ['2026-11-21T05:59:59Z', 'freshdesk/unknown/unknown/tickets', '2026-11-21T00', 'unknown/unknown/t|23'],
  ])('puts a contact at %s in queue %s into bucket %s as %s', (timestamp, queue, bucket, attribute) => {
    expect(hourOf(timestamp)).toBe(bucket);
    expect(ledgerAttribute(queue, timestamp)).toBe(attribute);
    expect(parseLedgerAttribute(attribute)).toEqual({ queueIdentifier: queue, quarter: Number(attribute.split('|')[1]) });
  });

  it('reads no attribute it did not write', () => {
    for (const bad of ['42/1/x|1', '42/1/t|24', '42/1/t', 'freshdesk/42/1/t|1']) expect(parseLedgerAttribute(bad)).toBeUndefined();
  });
});

describe('shards', () => {
  it('keeps shard 0 under the bucket’s plain key and numbers the others after a dot', () => {
    expect(shardKey('2026-11-21T06', 0)).toBe('ledger:2026-11-21T06');
    expect(shardKey('2026-11-21T06', 5)).toBe('ledger:2026-11-21T06.5');
  });

  it.each([
    [1, 1],
    [32, 1],
    [33, 2],
    [120, 4],
    [500, 16],
  ])('uses %i queue(s) → %i shard(s), a power of two', (queues, shards) => {
    expect(shardsFor(queues)).toBe(shards);
  });

  it('puts every quarter of a queue in the same shard, and a doubled count only splits shards (n or n + half)', () => {
    const attributes = Array.from({ length: 200 }, (_, i) => `${48_000_000_100 + i}/1/t|${i % 24}`);
    for (const attribute of attributes) {
      const queue = attribute.split('|')[0] as string;
      expect(shardOf(`${queue}|0`, 16)).toBe(shardOf(attribute, 16));
      expect([shardOf(attribute, 8), shardOf(attribute, 8) + 8]).toContain(shardOf(attribute, 16));
    }
  });
});

describe('recording what was delivered', () => {
  const bucketEnd = Date.parse('2026-11-21T12:00:00Z');
  const ledger = (): LedgerState => state.ledger as LedgerState;

  beforeEach(() => {
    state.ledger = emptyLedgerState(T0);
  });

  it('keeps a running bucket in the state (no KV call) and reads it back from there', async () => {
    addPending(ledger(), ledgerCountsOf([contact('freshdesk/42/1/tickets', '2026-11-21T10:01:00Z')]));
    const before = platform.counts().kvOps;
    expect(planFlushes(ledger(), T0, 1)).toEqual([]);
    expect(platform.counts().kvOps).toBe(before);
    expect(ledger().pending).toEqual({ '2026-11-21T06': { '42/1/t|16': 1 } });
    const counts = await readLedger(db, state, Date.parse('2026-11-21T10:00:00Z'), Date.parse('2026-11-21T11:00:00Z'));
    expect(counts.get('freshdesk/42/1/tickets')?.get('2026-11-21T10:00:00Z')).toBe(1);
  });

  it('counts offered contacts only: a handled contact (issue 14) in the same queue and interval is not in the ledger a replay compares with', () => {
    const offered = contact('freshdesk/42/1/tickets', '2026-11-21T10:01:00Z');
    expect(ledgerCountsOf([offered, { ...offered, contactId: 'h:1', handled: true, duration: 300 }])).toEqual({ '2026-11-21T06': { '42/1/t|16': 1 } });
    expect(ledgerCountsOf([{ ...offered, handled: true }])).toEqual({});
  });

  it('freezes an ended bucket under the commit id and writes it once stored: one increment with its marker, read back exactly', async () => {
    addPending(
      ledger(),
      ledgerCountsOf([
        contact('freshdesk/42/1/tickets', '2026-11-21T10:01:00Z', 1),
        contact('freshdesk/42/1/tickets', '2026-11-21T10:14:59Z', 2),
        contact('freshdesk/42/1/tickets', '2026-11-21T10:15:00Z', 3),
        contact('freshdesk/7/3/replies', '2026-11-21T11:59:00Z', 4),
      ]),
    );
    const planned = planFlushes(ledger(), bucketEnd, 777);
    expect(planned).toEqual([[777, '2026-11-21T06', 0, { '42/1/t|16': 2, '42/1/t|17': 1, '7/3/r|23': 1 }]]);
    expect(ledger().pending).toEqual({});
    const window = [Date.parse('2026-11-21T10:00:00Z'), Date.parse('2026-11-21T12:00:00Z')] as const;
    const expected = { 'freshdesk/42/1/tickets': { '2026-11-21T10:00:00Z': 2, '2026-11-21T10:15:00Z': 1 }, 'freshdesk/7/3/replies': { '2026-11-21T11:45:00Z': 1 } };
    // Frozen, not written yet: read from the state.
    expect(plain(await readLedger(db, state, ...window))).toEqual(expected);
    const before = platform.counts().kvOps;
    expect(await writeFlushes(db, planned, false)).toEqual(planned);
    expect(platform.counts().kvOps - before).toBe(1);
    expect(await db.get('ledger:2026-11-21T06')).toEqual({ '42/1/t|16': 2, '42/1/t|17': 1, '7/3/r|23': 1, '~777': 1 });
    // Written AND still in the state (the next commit drops it): its marker says so, counted once.
    expect(plain(await readLedger(db, state, ...window))).toEqual(expected);
    dropFlushes(ledger(), planned);
    expect(ledger().flushing).toBeUndefined();
    expect(plain(await readLedger(db, state, ...window))).toEqual(expected);
  });

  it('never counts a frozen entry twice when a run writes it and its commit is then lost (issue 19, item 5)', async () => {
    addPending(ledger(), ledgerCountsOf([contact('freshdesk/42/1/tickets', '2026-11-21T10:01:00Z')]));
    const planned = planFlushes(ledger(), bucketEnd, 900);
    await writeFlushes(db, planned, false);
    // The next runs still find the entry (their state was not stored): they check the marker first.
    for (let run = 0; run < 3; run += 1) expect(await writeFlushes(db, planned, true)).toEqual(planned);
    expect(await db.get('ledger:2026-11-21T06')).toEqual({ '42/1/t|16': 1, '~900': 1 });
  });

  it('checks a commit written in full with one read: its last shard carries the marker; one cut short is found by halving and finished', async () => {
    ledger().shards = 4;
    const queues = Array.from({ length: 40 }, (_, i) => contact(`freshdesk/${48_000_000_100 + i}/1/tickets`, '2026-11-21T10:01:00Z', i));
    addPending(ledger(), ledgerCountsOf(queues));
    const planned = planFlushes(ledger(), bucketEnd, 903);
    expect(planned).toHaveLength(4);
    await writeFlushes(db, planned, false);
    const gets: string[] = [];
    const counting: KeyValueStore = { ...db, get: (key: string) => (gets.push(key), db.get(key)), set: db.set.bind(db), update: db.update.bind(db), delete: db.delete.bind(db) };
    expect(await writeFlushes(counting, planned, true)).toEqual(planned);
    expect(gets).toEqual([shardKey('2026-11-21T06', planned[3]?.[2] ?? -1)]);
    // Cut short after two shards (writing stops at the first failure): the rest is found missing and written once.
    const again = planFlushes(Object.assign(ledger(), { pending: ledgerCountsOf(queues) }), bucketEnd, 904);
    await writeFlushes(db, again.slice(0, 2), false);
    gets.length = 0;
    expect(await writeFlushes(counting, again, true)).toEqual(again);
    // The last entry, then halving the three before it: two reads.
    expect(gets.length).toBe(1 + 2);
    // Every queue counted once per commit (two commits: 2, never 3), each marker once.
    for (let shard = 0; shard < 4; shard += 1) {
      const stored = await db.get(shardKey('2026-11-21T06', shard));
      for (const [attribute, count] of Object.entries(stored)) expect([attribute, count]).toEqual([attribute, attribute.startsWith('~') ? 1 : 2]);
    }
  });

  it('writes an entry a run froze but could not write: the marker is missing, so the next run increments', async () => {
    addPending(ledger(), ledgerCountsOf([contact('freshdesk/42/1/tickets', '2026-11-21T10:01:00Z')]));
    const planned = planFlushes(ledger(), bucketEnd, 901);
    expect(await writeFlushes(db, planned, true)).toEqual(planned);
    expect(await db.get('ledger:2026-11-21T06')).toEqual({ '42/1/t|16': 1, '~901': 1 });
  });

  it('keeps an entry the store refuses in the state, said once, and counts it when read', async () => {
    addPending(ledger(), ledgerCountsOf([contact('freshdesk/42/1/tickets', '2026-11-21T10:01:00Z')]));
    const planned = planFlushes(ledger(), bucketEnd, 902);
    const refusing: KeyValueStore = { ...db, update: () => Promise.reject(Object.assign(new Error('limit'), { status: 429 })) };
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await writeFlushes(refusing, planned, false)).toEqual([]);
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringContaining('LEDGER_WRITE_LATER: the delivered ledger ledger:2026-11-21T06 could not be written now (429 limit)')]);
    expect(ledger().flushing).toEqual(planned);
    expect((await readLedger(db, state, Date.parse('2026-11-21T10:00:00Z'), Date.parse('2026-11-21T11:00:00Z'))).get('freshdesk/42/1/tickets')?.get('2026-11-21T10:00:00Z')).toBe(1);
  });

  it(`freezes the fullest running hours early when the counts would crowd the state record past ${PENDING_BYTES} bytes`, () => {
    const many = Array.from({ length: 400 }, (_, i) => contact(`freshdesk/${48_000_000_100 + i}/1/tickets`, '2026-11-21T10:01:00Z', i));
    addPending(ledger(), ledgerCountsOf(many));
    addPending(ledger(), ledgerCountsOf([contact('freshdesk/42/1/tickets', '2026-11-21T12:01:00Z')]));
    expect(pendingBytes(ledger())).toBeGreaterThan(PENDING_BYTES);
    const planned = planFlushes(ledger(), T0, 5);
    expect(planned.map(([, hour]) => hour)).toEqual(['2026-11-21T06']);
    expect(Object.keys(ledger().pending)).toEqual(['2026-11-21T12']);
  });

  it(`writes at most ${MAX_SHARD_WRITES_PER_RUN} shards a run when draining days of backlog, the rest in later runs`, async () => {
    const days = Array.from({ length: 12 }, (_, i) => contact('freshdesk/42/1/tickets', new Date(T0 - (i + 1) * 6 * 3600_000).toISOString().replace('.000Z', 'Z'), i));
    addPending(ledger(), ledgerCountsOf(days));
    const frozen = planFlushes(ledger(), T0, 1);
    expect(frozen).toHaveLength(12);
    const first = await writeFlushes(db, frozen, false);
    expect(first).toHaveLength(MAX_SHARD_WRITES_PER_RUN);
    dropFlushes(ledger(), first);
    expect(await writeFlushes(db, ledger().flushing ?? [], true)).toHaveLength(12 - MAX_SHARD_WRITES_PER_RUN);
  });

  it(`settles a spilled commit of more than ${MAX_SHARD_WRITES_PER_RUN} entries over runs, each run going on where the last stopped`, async () => {
    // 12 ended buckets of one commit, spilled to its ledger-out key and never written after the commit.
    const days = Array.from({ length: 12 }, (_, i) => contact('freshdesk/42/1/tickets', new Date(T0 - (i + 1) * 6 * 3600_000).toISOString().replace('.000Z', 'Z'), i));
    addPending(ledger(), ledgerCountsOf(days));
    const frozen = planFlushes(ledger(), T0, 7);
    delete ledger().flushing;
    await db.set(ledgerOutKey(7, 0), { e: frozen });
    ledger().frozenOut = [[7, 1]];
    const ops: string[] = [];
    const counting: KeyValueStore = { get: (key) => (ops.push(`get ${key}`), db.get(key)), set: db.set.bind(db), update: (key, action, attributes) => (ops.push(`update ${key}`), db.update(key, action, attributes)), delete: db.delete.bind(db) };
    // First run: the ledger-out key, the halving finds nothing written, the budget's writes.
    expect(await settleFrozen(counting, ledger())).toEqual([]);
    expect(ops.filter((op) => op.startsWith('update'))).toHaveLength(MAX_SHARD_WRITES_PER_RUN);
    // Second run: it finds where the first stopped and writes the rest (it used to re-read the
    // first eight on every run and never get past them).
    ops.length = 0;
    expect(await settleFrozen(counting, ledger())).toEqual([ledgerOutKey(7, 0)]);
    expect(ops.filter((op) => op.startsWith('update'))).toHaveLength(12 - MAX_SHARD_WRITES_PER_RUN);
    expect(ops.filter((op) => op.startsWith('get ledger:')).length).toBeLessThanOrEqual(1 + Math.ceil(Math.log2(12)));
    expect(ledger().frozenOut).toBeUndefined();
    // Every bucket counted once, with the commit's marker.
    for (const [, hour, shard, counts] of frozen) expect(await db.get(shardKey(hour, shard))).toEqual({ ...counts, '~7': 1 });
  });

  it('writes nothing of a commit when the read that finds its written part is refused, and says so', async () => {
    addPending(ledger(), ledgerCountsOf([contact('freshdesk/42/1/tickets', '2026-11-21T10:01:00Z')]));
    const planned = planFlushes(ledger(), bucketEnd, 905);
    const refusing: KeyValueStore = { ...db, get: () => Promise.reject(Object.assign(new Error('limit'), { status: 429 })), update: db.update.bind(db) };
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await writeFlushes(refusing, planned, true)).toEqual([]);
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringContaining('LEDGER_WRITE_LATER: the delivered ledger ledger:2026-11-21T06 could not be written now (429 limit)')]);
    await expect(db.get('ledger:2026-11-21T06')).rejects.toMatchObject({ status: 404 });
  });

  it('splits a bucket by queue over the shards the queue count asks for, and reads every shard back', async () => {
    ledger().shards = 4;
    const queues = Array.from({ length: 40 }, (_, i) => contact(`freshdesk/${48_000_000_100 + i}/1/tickets`, '2026-11-21T10:01:00Z', i));
    addPending(ledger(), ledgerCountsOf(queues));
    const planned = planFlushes(ledger(), bucketEnd, 42);
    expect(new Set(planned.map(([, , shard]) => shard))).toEqual(new Set([0, 1, 2, 3]));
    await writeFlushes(db, planned, false);
    dropFlushes(ledger(), planned);
    const counts = await readLedger(db, state, Date.parse('2026-11-21T10:00:00Z'), Date.parse('2026-11-21T11:00:00Z'));
    expect(counts.size).toBe(40);
  });
});

describe('retention', () => {
  it('deletes nothing from before the first bucket ever written (a new install pays no deletes for its first 35 days), and deletes what an import wrote', async () => {
    state.ledger = { ...emptyLedgerState(T0 - 5 * 86_400_000), shards: 2 };
    let pruned = 0;
    for (let run = 0; run < 40; run += 1) pruned += await pruneLedger(db, state, T0);
    expect(pruned).toBe(0);
    // An import's counts for an old bucket: that bucket is deleted when it expires.
    const imported = { ...emptyLedgerState(T0 - 5 * 86_400_000), shards: 1 };
    addPending(imported, ledgerCountsOf([contact('freshdesk/42/1/tickets', '2026-10-13T07:00:00Z', 1)]));
    state.ledger = imported;
    const deleted: string[] = [];
    const watching: KeyValueStore = { ...db, get: db.get.bind(db), set: db.set.bind(db), update: db.update.bind(db), delete: (key: string) => (deleted.push(key), db.delete(key)) };
    for (let run = 0; run < 40; run += 1) await pruneLedger(watching, state, T0);
    expect(deleted[0]).toBe('ledger:2026-10-13T06');
  });

  it(`drops buckets older than ${LEDGER_RETENTION_DAYS} days with every shard, one a run, says so once a day, and ignores late counts for them`, async () => {
    // A record from before writtenFrom was kept: every expired bucket may exist.
    const { writtenFrom: _unknown, ...legacy } = emptyLedgerState(T0 - 5 * 86_400_000);
    state.ledger = { ...legacy, shards: 2 };
    await db.set('ledger:2026-10-12T06', { '42/1/t|0': 4 });
    await db.set('ledger:2026-10-12T06.1', { '43/1/t|0': 4 });
    const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    let pruned = 0;
    for (let run = 0; run < 40; run += 1) pruned += await pruneLedger(db, state, T0);
    expect(pruned).toBe(5 * 4);
    await expect(db.get('ledger:2026-10-12T06')).rejects.toMatchObject({ status: 404 });
    await expect(db.get('ledger:2026-10-12T06.1')).rejects.toMatchObject({ status: 404 });
    expect(info.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('LEDGER_PRUNED'))).toHaveLength(5);
    addPending(state.ledger, ledgerCountsOf([contact('freshdesk/42/1/tickets', '2026-10-12T07:00:00Z')]));
    expect(state.ledger.pending).toEqual({});
  });
});

describe('ledger counts carried by a handed-off commit', () => {
  it('travel grouped by queue and come back the same', () => {
    const counts = ledgerCountsOf([contact('freshdesk/42/1/tickets', '2026-11-21T10:05:00Z'), contact('freshdesk/42/1/tickets', '2026-11-21T10:20:00Z', 2), contact('freshdesk/42/1/tickets', '2026-11-21T04:05:00Z', 3)]);
    expect(compactCounts(counts)).toEqual({ '2026-11-21T06': { '42/1/t': [16, 1, 17, 1] }, '2026-11-21T00': { '42/1/t': [16, 1] } });
    expect(expandCounts(compactCounts(counts))).toEqual(counts);
  });

  it('marks the hours it could not carry as uncertain, once each, and a replay window finds them until they expire', async () => {
    const ledger = emptyLedgerState(T0);
    markUncertain(ledger, ['2026-11-21T06']);
    markUncertain(ledger, ['2026-11-21T06', '2026-11-20T18']);
    expect(ledger.uncertain).toEqual(['2026-11-20T18', '2026-11-21T06']);
    state.ledger = ledger;
    expect(uncertainHours(state, Date.parse('2026-11-21T11:00:00Z'), Date.parse('2026-11-21T13:00:00Z'))).toEqual(['2026-11-21T06']);
    expect(uncertainHours(state, Date.parse('2026-11-21T12:00:00Z'), Date.parse('2026-11-21T13:00:00Z'))).toEqual([]);
    // Pruning goes one bucket a run: 35 days later the older hour has left, then the other.
    const later = T0 + LEDGER_RETENTION_DAYS * 86_400_000;
    while (ledger.keptFrom * 6 * 3_600_000 <= Date.parse('2026-11-20T18:00:00Z')) await pruneLedger(db, state, later);
    expect(ledger.uncertain).toEqual(['2026-11-21T06']);
    while (ledger.keptFrom * 6 * 3_600_000 <= Date.parse('2026-11-21T06:00:00Z')) await pruneLedger(db, state, later + 86_400_000);
    expect(ledger.uncertain).toBeUndefined();
  });
});

function plain(counts: Map<string, Map<string, number>>): Record<string, Record<string, number>> {
  return Object.fromEntries([...counts].map(([q, m]) => [q, Object.fromEntries(m)]));
}
