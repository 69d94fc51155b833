import type { OfferedContact } from '../../src/core/types';
import {
  applyLedgerChanges,
  emptyLedgerState,
  hourOf,
  LEDGER_RETENTION_DAYS,
  ledgerAttribute,
  ledgerCountsOf,
  MAX_PENDING_ATTRIBUTES,
  MAX_WRITES_PER_RUN,
  parseLedgerAttribute,
  pruneLedger,
  readLedger,
  recordDelivered,
  uncertainHours,
} from '../../src/delivery/accounting/ledger';
import { newState } from '../../src/delivery/commit/state';
import { handlers } from '../../src/entry/handlers';
import type { AppState } from '../../src/delivery/stored/stored-data';
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

describe('recording what was delivered', () => {
  const bucketEnd = Date.parse('2026-11-21T12:00:00Z');

  it('keeps a running bucket in the state (no KV call) and reads it back from there', async () => {
    const before = platform.counts().kvOps;
    await recordDelivered(db, state, [contact('freshdesk/42/1/tickets', '2026-11-21T10:01:00Z')], T0);
    expect(platform.counts().kvOps).toBe(before);
    expect(state.ledger?.pending).toEqual({ '2026-11-21T06': { '42/1/t|16': 1 } });
    const counts = await readLedger(db, state, Date.parse('2026-11-21T10:00:00Z'), Date.parse('2026-11-21T11:00:00Z'));
    expect(counts.get('freshdesk/42/1/tickets')?.get('2026-11-21T10:00:00Z')).toBe(1);
  });

  it('counts offered contacts only: a handled contact (issue 14) in the same queue and interval is not in the ledger a replay compares with', async () => {
    const offered = contact('freshdesk/42/1/tickets', '2026-11-21T10:01:00Z');
    await recordDelivered(db, state, [offered, { ...offered, contactId: 'h:1', handled: true, duration: 300 }], T0);
    expect(state.ledger?.pending).toEqual({ '2026-11-21T06': { '42/1/t|16': 1 } });
    expect(ledgerCountsOf([{ ...offered, handled: true }])).toEqual({});
  });

  it('writes a bucket early when its counts would crowd the state record', async () => {
    const many = Array.from({ length: MAX_PENDING_ATTRIBUTES }, (_, i) => contact(`freshdesk/${i}/1/tickets`, '2026-11-21T10:01:00Z', i));
    await recordDelivered(db, state, many, T0);
    expect(state.ledger?.pending).toEqual({});
    expect(Object.keys(await db.get('ledger:2026-11-21T06'))).toHaveLength(MAX_PENDING_ATTRIBUTES);
  });

  it('counts per queue and 15-minute interval, with one KV increment per six-hour bucket once it ended, and reads it back', async () => {
    const delivered = [
      contact('freshdesk/42/1/tickets', '2026-11-21T10:01:00Z', 1),
      contact('freshdesk/42/1/tickets', '2026-11-21T10:14:59Z', 2),
      contact('freshdesk/42/1/tickets', '2026-11-21T10:15:00Z', 3),
      contact('freshdesk/7/3/replies', '2026-11-21T11:59:00Z', 4),
    ];
    const before = platform.counts().kvOps;
    await recordDelivered(db, state, delivered, bucketEnd);
    expect(platform.counts().kvOps - before).toBe(1);
    await recordDelivered(db, state, [contact('freshdesk/42/1/tickets', '2026-11-21T10:05:00Z', 5)], bucketEnd);
    const counts = await readLedger(db, state, Date.parse('2026-11-21T10:00:00Z'), Date.parse('2026-11-21T12:00:00Z'));
    expect(Object.fromEntries([...counts].map(([q, m]) => [q, Object.fromEntries(m)]))).toEqual({
      'freshdesk/42/1/tickets': { '2026-11-21T10:00:00Z': 3, '2026-11-21T10:15:00Z': 1 },
      'freshdesk/7/3/replies': { '2026-11-21T11:45:00Z': 1 },
    });
    expect(state.ledger?.pending).toEqual({});
  });

  it('keeps counts the store refuses in the state, counts them when read, and writes them next run', async () => {
    const refusing: KeyValueStore = { ...db, update: () => Promise.reject(Object.assign(new Error('limit'), { status: 429 })) };
    await recordDelivered(refusing, state, [contact('freshdesk/42/1/tickets', '2026-11-21T10:01:00Z')], bucketEnd);
    expect(state.ledger?.pending).toEqual({ '2026-11-21T06': { '42/1/t|16': 1 } });
    const window = [Date.parse('2026-11-21T10:00:00Z'), Date.parse('2026-11-21T11:00:00Z')] as const;
    expect((await readLedger(db, state, ...window)).get('freshdesk/42/1/tickets')?.get('2026-11-21T10:00:00Z')).toBe(1);
    await recordDelivered(db, state, [], bucketEnd);
    expect(state.ledger?.pending).toEqual({});
    expect(await db.get('ledger:2026-11-21T06')).toEqual({ '42/1/t|16': 1 });
  });

  it(`writes at most ${MAX_WRITES_PER_RUN} buckets a run when draining days of backlog, the rest in later runs`, async () => {
    const days = Array.from({ length: 12 }, (_, i) => contact('freshdesk/42/1/tickets', new Date(T0 - i * 6 * 3600_000).toISOString().replace('.000Z', 'Z'), i));
    await recordDelivered(db, state, days, T0);
    expect(Object.keys(state.ledger?.pending ?? {})).toHaveLength(12 - MAX_WRITES_PER_RUN);
    for (let run = 0; run < 6; run += 1) await recordDelivered(db, state, [], T0);
    // Only the bucket still running (06:00–12:00 on the day of T0) waits.
    expect(Object.keys(state.ledger?.pending ?? {})).toEqual(['2026-11-21T06']);
  });
});

describe('retention', () => {
  it(`drops buckets older than ${LEDGER_RETENTION_DAYS} days, one a run, says so once a day, and ignores late counts for them`, async () => {
    state.ledger = emptyLedgerState(T0 - 5 * 86_400_000);
    await db.set('ledger:2026-10-12T06', { '42/1/t|0': 4 });
    const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    let pruned = 0;
    for (let run = 0; run < 40; run += 1) pruned += await pruneLedger(db, state, T0);
    expect(pruned).toBe(5 * 4);
    await expect(db.get('ledger:2026-10-12T06')).rejects.toMatchObject({ status: 404 });
    expect(info.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('LEDGER_PRUNED'))).toHaveLength(5);
    await recordDelivered(db, state, [contact('freshdesk/42/1/tickets', '2026-10-12T07:00:00Z')], T0);
    expect(state.ledger?.pending).toEqual({});
    await expect(db.get('ledger:2026-10-12T06')).rejects.toMatchObject({ status: 404 });
  });
});

describe('a run’s ledger changes carried by a handed-off commit', () => {
  const added = ledgerCountsOf([contact('freshdesk/42/1/tickets', '2026-11-21T10:05:00Z'), contact('freshdesk/42/1/tickets', '2026-11-21T04:05:00Z', 2)]);

  it('joins the counts the run added to what is pending, except in hours the run wrote (their stored counts went with them)', () => {
    const ledger = { pending: { '2026-11-21T00': { '42/1/t|16': 3 }, '2026-11-21T06': { '42/1/t|16': 1 } }, keptFrom: 0 };
    expect(applyLedgerChanges(ledger, { added, written: ['2026-11-21T00'] })).toEqual({ pending: { '2026-11-21T06': { '42/1/t|16': 2 } }, keptFrom: 0 });
    expect(ledger.pending['2026-11-21T06']).toEqual({ '42/1/t|16': 1 });
  });

  it('marks the hours it could not carry as uncertain, once each, and a replay window finds them until they expire', async () => {
    const ledger = applyLedgerChanges(applyLedgerChanges(emptyLedgerState(T0), { uncertain: ['2026-11-21T06'] }), { uncertain: ['2026-11-21T06', '2026-11-20T18'] });
    expect(ledger.uncertain).toEqual(['2026-11-20T18', '2026-11-21T06']);
    state.ledger = ledger;
    expect(uncertainHours(state, Date.parse('2026-11-21T11:00:00Z'), Date.parse('2026-11-21T13:00:00Z'))).toEqual(['2026-11-21T06']);
    expect(uncertainHours(state, Date.parse('2026-11-21T12:00:00Z'), Date.parse('2026-11-21T13:00:00Z'))).toEqual([]);
    // Pruning goes one bucket a run: 35 days later the older hour has left, then the other.
    const later = T0 + LEDGER_RETENTION_DAYS * 86_400_000;
    while (state.ledger.keptFrom * 6 * 3_600_000 <= Date.parse('2026-11-20T18:00:00Z')) await pruneLedger(db, state, later);
    expect(state.ledger.uncertain).toEqual(['2026-11-21T06']);
    while (state.ledger.keptFrom * 6 * 3_600_000 <= Date.parse('2026-11-21T06:00:00Z')) await pruneLedger(db, state, later + 86_400_000);
    expect(state.ledger.uncertain).toBeUndefined();
  });
});
