/**
 * Issue 19 item 3: every part of the state record at its worst at the largest profile the app
 * promises — 500 queues active in 24 hours, 11-digit group ids, 100-character names, 20,000
 * tickets a day — all at once, written through the local platform's KV store, which refuses a key
 * + value over 40 KB exactly as the platform does. Also a ledger bucket with every one of those
 * queues in every quarter of its six hours.
 */
import type { OfferedContact } from '../../src/core/types';
import { addGap, MAX_STATE_GAPS } from '../../src/delivery/accounting/gaps';
import { addPending, emptyLedgerState, FROZEN_INLINE_BYTES, frozenBytes, ledgerCountsOf, PENDING_BYTES, pendingBytes, planFlushes, readLedger, shardsFor, spillFrozen, writeFlushes } from '../../src/delivery/accounting/ledger';
import { MAX_MISSING_RANGES } from '../../src/delivery/accounting/missing-tickets';
import { addContacts } from '../../src/delivery/accounting/recent-volume';
import { MAX_BACKLOG_CHUNKS, MAX_SET_ASIDE_CHUNKS } from '../../src/delivery/commit/backlog';
import { CHART_QUEUES, MAX_RENAMED } from '../../src/delivery/commit/budgets';
import { RING_SIZE, withCommits } from '../../src/delivery/commit/commit-ring';
import { adoptPinShards, SPILL_SHARD_BYTES, STATE_BUDGET_BYTES, stateBytes } from '../../src/delivery/commit/spill';
import { newState, readState, writeState } from '../../src/delivery/commit/state';
import { MAX_WAITING } from '../../src/delivery/opt-in/handled-contacts';
import { CHECK_DAYS_BYTES, showWalk, VIEW_ITEMS, VIEW_TEXT } from '../../src/delivery/status/walk-views';
import { CHECK_DAYS_VIEW } from '../../src/import/check-days';
import type { AppState, LedgerFlush, MissingRange } from '../../src/delivery/stored/stored-data';
import { handlers } from '../../src/entry/handlers';
import type { KeyValueStore, Scheduler } from '../../src/platform/types';
import { changeMarks, withActive } from '../../src/import/walk-marks';
import { ManualClock } from '../../tools/clock';
import { LocalPlatform } from '../../tools/local-platform';

const NOW = Date.parse('2026-11-21T11:59:00Z');
const QUEUES = 500;
const GROUP = (i: number): number => 48_000_000_100 + i;
const NAME = (i: number): string => `Technical Support L2 Americas ${String(i).padStart(3, '0')} ${'x'.repeat(60)}`.slice(0, 100);
const identifier = (i: number): string => `freshdesk/${GROUP(i)}/${1 + (i % 14)}/${i % 2 === 0 ? 'tickets' : 'replies'}`;

let platform: LocalPlatform;
let db: KeyValueStore;

beforeEach(async () => {
  platform = await LocalPlatform.load({ iparams: {}, clock: new ManualClock(NOW), inProcessHandlers: handlers, limits: { kvOpsPerMinute: 1_000_000 } });
  db = platform.globals().db as unknown as KeyValueStore;
});

afterEach(async () => {
  await platform.close();
});

/** One contact in every queue in every quarter of the six hours 06:00–12:00. */
function everyQueueEveryQuarter(): OfferedContact[] {
  const contacts: OfferedContact[] = [];
  for (let q = 0; q < QUEUES; q += 1) {
    for (let quarter = 0; quarter < 24; quarter += 1) {
      const ts = new Date(Date.parse('2026-11-21T06:00:00Z') + quarter * 900_000 + 1000).toISOString().replace('.000Z', 'Z');
      contacts.push({ contactId: `t:${q}-${quarter}`, queueName: NAME(q), queueIdentifier: identifier(q), timestamp: ts, channel: 'cases' });
    }
  }
  return contacts;
}

/** Frozen ledger entries of 500 queues, as many as fit in `bytes`. */
function frozenUpTo(bytes: number): LedgerFlush[] {
  const frozen = emptyLedgerState(NOW);
  frozen.shards = shardsFor(QUEUES);
  addPending(frozen, ledgerCountsOf(everyQueueEveryQuarter()));
  const entries = planFlushes(frozen, NOW, NOW - 1);
  const kept: LedgerFlush[] = [];
  for (const [id, hour, shard, counts] of entries) {
    const entry: LedgerFlush = [id, hour, shard, {}];
    kept.push(entry);
    for (const [attribute, count] of Object.entries(counts)) {
      entry[3][attribute] = count;
      if (frozenBytes(kept) > bytes) {
        delete entry[3][attribute];
        return kept;
      }
    }
  }
  return kept;
}

/** Every part of the record at the worst its own rule allows. */
function worstState(): AppState {
  const state = newState(NOW - 86_400_000);
  state.cursor = 2_900_000;
  state.backlog = { chunks: Array.from({ length: MAX_BACKLOG_CHUNKS }, (_, i) => ({ id: 1_000_000 + i, n: 150 })), next: 1_000_000 + MAX_BACKLOG_CHUNKS };
  state.setAside = { chunks: Array.from({ length: MAX_SET_ASIDE_CHUNKS }, (_, i) => ({ id: 900_000 + i, n: 150 })), next: 900_000 + MAX_SET_ASIDE_CHUNKS };
  state.directory = { groups: Object.fromEntries(Array.from({ length: QUEUES }, (_, i) => [String(GROUP(i)), NAME(i)])), sourceChoices: { Email: 1, Portal: 2, Phone: 3, 'WhatsApp Business': 101, 'Walk-in / Kiosk': 102 }, groupsAt: NOW, sourcesAt: NOW };
  state.pins = Object.fromEntries(Array.from({ length: QUEUES }, (_, i) => [identifier(i), `${NAME(i)} email Tickets`]));
  state.renamed = Object.fromEntries(Array.from({ length: QUEUES }, (_, i) => [identifier(i), `${NAME(i)} (renamed) email Tickets`]));
  state.warnedGroups = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [String(GROUP(1000 + i)), i < 20 ? '2026-11-21' : '2026-11-20']));
  state.health.recent = addContacts({ hour: Math.floor(NOW / 3_600_000), queues: {} }, everyQueueEveryQuarter(), NOW);
  state.health.lastFailure = { code: 'INJIXO_UNAVAILABLE', message: `injixo did not answer (HTTP 503): ${'x'.repeat(200)}`, status: 503, at: new Date(NOW).toISOString() };
  for (let g = 0; g < MAX_STATE_GAPS + 5; g += 1) addGap(state, { from: new Date(NOW - (g + 1) * 7_200_000).toISOString(), to: new Date(NOW - g * 7_200_000 - 3_600_000).toISOString(), reason: 'ticket_events_missing', contactsKnownLost: 1_999 });
  const ranges: MissingRange[] = Array.from({ length: MAX_MISSING_RANGES }, (_, i) => [99_000_000_000 + i * 3, 99_000_000_001 + i * 3, 1_796_000_000 + i, 1_796_000_100 + i, 1_796_000_200 + i]);
  state.missing = { high: 99_000_100_000, highS: 1_796_000_000, ranges, repaired: 123_456, outlier: [1e15, 1_796_000_000] };
  state.handled = { waiting: Array.from({ length: MAX_WAITING }, (_, i) => [99_000_000_000 + i, 1_796_000_000 + i, 3]).flat(), late: { changes: 99_999, seconds: 9_999_999 }, early: 99_999, skipped: 99_999, sent: 9_999_999 };
  state.commits = withCommits(undefined, Array.from({ length: RING_SIZE + 10 }, (_, i) => NOW - (RING_SIZE + 10 - i) * 360_000));
  state.commitId = NOW;
  state.lastRunAt = NOW;
  return state;
}

describe('the state record at the largest profile', () => {
  it(`stays within ${STATE_BUDGET_BYTES} bytes with every part at its worst, pins and group names spilled`, async () => {
    const state = worstState();
    const ledger = emptyLedgerState(NOW);
    ledger.shards = shardsFor(QUEUES);
    // Pending at its budget, plus one run's frozen counts: everything a drain run can leave.
    addPending(ledger, ledgerCountsOf(everyQueueEveryQuarter()));
    planFlushes(ledger, NOW, NOW);
    await spillFrozen(db, ledger, NOW);
    const later = everyQueueEveryQuarter().map((c) => ({ ...c, timestamp: c.timestamp.replace('T06:', 'T12:').replace('T07:', 'T13:').replace('T08:', 'T14:').replace('T09:', 'T15:').replace('T10:', 'T16:').replace('T11:', 'T17:') }));
    for (const contact of later) {
      if (pendingBytes(ledger) > PENDING_BYTES - 40) break;
      addPending(ledger, ledgerCountsOf([contact]));
    }
    // Frozen counts kept inline up to their budget (a commit's own beyond it go to ledger-out keys).
    ledger.flushing = frozenUpTo(FROZEN_INLINE_BYTES);
    // Each walk's view at its longest: every list full, every text at its cut.
    const long = 'x'.repeat(VIEW_TEXT + 50);
    // The daily check's 16 days at their own budget (issue 20).
    showWalk(state, CHECK_DAYS_VIEW, { days: Array.from({ length: 16 }, (_, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, freshdesk: 99_999, delivered: 99_999, sent: 99_999, surplus: 99_999, moved: 99_999, heldBack: 99_999, notChecked: long })) }, 16, CHECK_DAYS_BYTES);
    for (const kind of ['import', 'replay', 'check']) {
      showWalk(state, kind, { state: 'running', from: long, to: long, failure: long, problems: Array.from({ length: VIEW_ITEMS + 5 }, () => long), queues: Array.from({ length: VIEW_ITEMS + 5 }, () => ({ name: long, found: 99_999, delivered: 99_999, sent: 99_999 })) });
    }
    state.ledger = ledger;
    await writeState(db, state, NOW);
    const stored = (platform.kvSnapshot() as Record<string, Record<string, unknown>>).state as Record<string, unknown>;
    const bytes = 'state'.length + JSON.stringify(stored).length;
    process.stdout.write(`state record at the largest profile: ${bytes} bytes (budget ${STATE_BUDGET_BYTES})\n`);
    expect(bytes).toBeLessThanOrEqual(STATE_BUDGET_BYTES);
    expect(stored.spilled).toEqual({ pins: { n: expect.any(Number), h: expect.any(String) }, groups: { n: expect.any(Number), h: expect.any(String) } });
    expect(pendingBytes(ledger)).toBeLessThanOrEqual(PENDING_BYTES + 200);
    expect(frozenBytes(ledger.flushing ?? [])).toBeLessThanOrEqual(FROZEN_INLINE_BYTES);
    expect(frozenBytes(ledger.flushing ?? [])).toBeGreaterThan(FROZEN_INLINE_BYTES - 200);
    expect(Object.keys(state.renamed ?? {})).toHaveLength(MAX_RENAMED);
    expect(Object.keys(state.health.recent?.queues ?? {})).toHaveLength(CHART_QUEUES);
    expect(Object.keys(state.warnedGroups)).toHaveLength(20);
    // Every other key the write made (spilled maps, frozen ledger counts) is within its own budget.
    for (const [key, value] of Object.entries(platform.kvSnapshot()).filter(([k]) => k !== 'state')) expect({ key, bytes: key.length + JSON.stringify(value).length <= SPILL_SHARD_BYTES + 1024 }).toEqual({ key, bytes: true });
  });

  it('reads back what it wrote, spilled maps included for a writer, without them for the status page', async () => {
    const state = worstState();
    await writeState(db, state, NOW);
    const writer = await readState(db, NOW, { withSpilled: true });
    expect(writer.pins).toEqual(state.pins);
    expect(writer.directory?.groups).toEqual(state.directory?.groups);
    expect(writer.backlog).toEqual(state.backlog);
    const page = await readState(db, NOW);
    expect(page.pins).toBeUndefined();
    expect(stateBytes(page)).toBeLessThanOrEqual(STATE_BUDGET_BYTES);
  });

  it('writes a spilled map again only when it changed', async () => {
    const state = worstState();
    await writeState(db, state, NOW);
    const before = platform.counts().kvOps;
    await writeState(db, state, NOW);
    expect(platform.counts().kvOps - before).toBe(1);
    state.pins = { ...state.pins, 'freshdesk/1/1/tickets': 'New email Tickets' };
    await writeState(db, state, NOW);
    expect(platform.counts().kvOps - before).toBeGreaterThan(2);
  });

  it('at 3,500 queues, a writer reads each pin shard once and rewrites only the shard a new pin falls into', async () => {
    const state = worstState();
    // 500 groups × 7 sources: the pins of the largest profile, 100-character names.
    state.pins = Object.fromEntries(Array.from({ length: QUEUES * 7 }, (_, i) => [`freshdesk/${GROUP(i % QUEUES)}/${1 + Math.floor(i / QUEUES)}/tickets`, `${NAME(i % QUEUES)} source ${1 + Math.floor(i / QUEUES)} Tickets`]));
    await writeState(db, state, NOW);
    const shards = ((await db.get('state')).spilled as { pins: { n: number } }).pins.n;
    expect(shards).toBeGreaterThanOrEqual(8);
    const opsOn = (from: number, prefix: string, op: string): number => platform.ledger.slice(from).filter((e) => e.kind === 'kv' && e.op === op && (e.key ?? '').startsWith(prefix)).length;

    const opened = platform.ledger.length;
    const writer = await readState(db, NOW, { withSpilled: true });
    expect(opsOn(opened, 'state-pins.', 'get')).toBe(shards);
    // A void run's pins are adopted, then a new queue is pinned and the state written.
    const adopting = platform.ledger.length;
    await adoptPinShards(db, writer);
    expect(opsOn(adopting, 'state-pins.', 'get')).toBe(1);
    const queue = 'freshdesk/48000009999/3/replies';
    writer.pins = { ...writer.pins, [queue]: 'A new group email Replies' };
    const writing = platform.ledger.length;
    await writeState(db, writer, NOW);
    expect(opsOn(writing, 'state-pins.', 'get')).toBe(0);
    expect(opsOn(writing, 'state-pins.', 'set')).toBe(1);

    // What the next writer reads back is the whole map, the new pin included.
    const next = await readState(db, NOW, { withSpilled: true });
    expect(next.pins).toEqual(writer.pins);
    expect(Object.keys(next.pins ?? {})).toHaveLength(QUEUES * 7 + 1);
  });

  it('a writer of walk marks reads no shard, and the maps it did not read come back whole', async () => {
    const state = worstState();
    await writeState(db, state, NOW);
    const from = platform.ledger.length;
    expect(await changeMarks({ db, schedule: platform.globals().schedule as unknown as Scheduler }, NOW, (marks) => withActive(marks, 'check', true))).toBe(true);
    expect(platform.ledger.slice(from).filter((e) => e.kind === 'kv' && (e.key ?? '').startsWith('state-'))).toEqual([]);
    const writer = await readState(db, NOW, { withSpilled: true });
    expect(writer.walk?.a).toEqual(['check']);
    expect(writer.pins).toEqual(state.pins);
    expect(writer.directory?.groups).toEqual(state.directory?.groups);
  });

  it('a writer that read neither map but was given entries of both reads them before it writes, so none is lost', async () => {
    const state = worstState();
    await writeState(db, state, NOW);
    const partial = await readState(db, NOW, { withSpilled: [] });
    expect(partial.pins).toBeUndefined();
    expect(partial.directory?.groups).toEqual({});
    // A hand-off's pins; a group name fresher than the shards'.
    partial.pins = { 'freshdesk/48000009999/1/tickets': 'Handed over email Tickets' };
    if (partial.directory) partial.directory.groups = { [String(GROUP(7))]: 'Renamed group' };
    await writeState(db, partial, NOW);
    const writer = await readState(db, NOW, { withSpilled: true });
    expect(writer.directory?.groups).toEqual({ ...state.directory?.groups, [String(GROUP(7))]: 'Renamed group' });
    expect(writer.pins).toEqual({ ...state.pins, 'freshdesk/48000009999/1/tickets': 'Handed over email Tickets' });
  });
});

describe('a ledger bucket at the largest profile', () => {
  it('splits 500 queues × 24 quarters over shards that each stay under the KV limit, and reads every count back', async () => {
    const ledger = emptyLedgerState(NOW);
    ledger.shards = shardsFor(QUEUES);
    addPending(ledger, ledgerCountsOf(everyQueueEveryQuarter()));
    const frozen = planFlushes(ledger, Date.parse('2026-11-21T12:00:00Z'), NOW);
    const written = await writeFlushes(db, frozen, false, { left: 1000 });
    expect(written).toHaveLength(frozen.length);
    const sizes = Object.entries(platform.kvSnapshot()).filter(([key]) => key.startsWith('ledger:')).map(([key, value]) => key.length + JSON.stringify(value).length);
    process.stdout.write(`largest ledger shard at the largest profile: ${Math.max(...sizes)} bytes in ${sizes.length} shards\n`);
    expect(Math.max(...sizes)).toBeLessThan(32 * 1024);
    const state: AppState = { ...newState(NOW), ledger: { ...ledger, flushing: [] } };
    const counts = await readLedger(db, state, Date.parse('2026-11-21T06:00:00Z'), Date.parse('2026-11-21T12:00:00Z'));
    expect([...counts.values()].reduce((sum, m) => sum + [...m.values()].reduce((a, b) => a + b, 0), 0)).toBe(QUEUES * 24);
  });
});
