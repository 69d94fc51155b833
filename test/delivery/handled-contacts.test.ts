/**
 * Handled contacts in the delivery run (issue 14; docs/design/handled-and-agent-statuses.md §1),
 * with the local platform's KV store and a scripted Freshdesk/injixo (as in deliver.test.ts).
 * The world-level check against the local Freshdesk's oracle is in test/e2e.
 */
import { readLedger } from '../../src/delivery/accounting/ledger';
import { type OutboxRecord, packRecord, slotOf } from '../../src/delivery/intake/outbox';
import { runDelivery } from '../../src/delivery/run/run';
import { applyHandledChange, emptyHandledState, HandledStep, MAX_LATE_WAIT_MS, MAX_WAITING, SETTLE_MS } from '../../src/delivery/opt-in/handled-contacts';
import type { TicketBook } from '../../src/delivery/memory/ticket-book';
import type { TimeBook } from '../../src/delivery/memory/time-book';
import { newState, readState, writeState } from '../../src/delivery/commit/state';
import { scheduleRecurringDelivery } from '../../src/delivery/run/schedule-runs';
import { handlers } from '../../src/entry/handlers';
import type { InvokeOptions, KeyValueStore, RequestClient, Scheduler, TemplateResponse } from '../../src/platform/types';
import { readSettings } from '../../src/schemas/iparams';
import { DELIVERY_PERIOD_MINUTES, FOLLOW_UP_SCHEDULE, LEASE_KEY, outboxKey } from '../../src/storage/keys';
import { ManualClock } from '../../tools/clock';
import { LocalPlatform } from '../../tools/local-platform';

const T0 = Date.parse('2026-11-02T09:00:00Z');
const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

interface Event {
  properties: { offered: boolean; handled?: boolean; duration?: number };
  queueName: string;
  queueIdentifier: string;
  timestamp: string;
}

/** Freshdesk's groups and sources, injixo accepting everything; keeps what injixo received. */
class Remote implements RequestClient {
  readonly received: Event[] = [];
  lookups = 0;
  invokeTemplate(name: string, options?: InvokeOptions): Promise<TemplateResponse> {
    if (name === 'freshdeskListGroups') return ok(JSON.stringify([{ id: 1, name: 'Billing' }, { id: 2, name: 'Sales' }]));
    if (name === 'freshdeskSourceField') return ok(JSON.stringify([{ id: 9, name: 'source', label: 'Source', type: 'default_source', choices: { Email: 1, Phone: 3 } }]));
    if (name === 'freshdeskGetTicket') {
      this.lookups += 1;
      return ok(JSON.stringify({ id: 77, group_id: 2, source: 3, spam: false, deleted: false, created_at: iso(T0 - 86_400_000) }));
    }
    this.received.push(...(JSON.parse(options?.body ?? '{}') as { data: Event[] }).data);
    return Promise.resolve({ status: 202, headers: {}, response: '{}' });
  }
  handled(): Event[] {
    return this.received.filter((e) => e.properties.handled === true);
  }
}

function ok(response: string): Promise<TemplateResponse> {
  return Promise.resolve({ status: 200, headers: {}, response });
}

let platform: LocalPlatform;
let db: KeyValueStore;
let schedule: Scheduler;
let remote: Remote;

beforeEach(async () => {
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  platform = await LocalPlatform.load({ iparams: {}, clock: new ManualClock(T0), inProcessHandlers: handlers, limits: { kvOpsPerMinute: 100_000, requestsPerMinute: 100_000 } });
  db = platform.globals().db as unknown as KeyValueStore;
  schedule = platform.globals().schedule as unknown as Scheduler;
  remote = new Remote();
  await writeState(db, newState(T0));
});

afterEach(async () => {
  jest.restoreAllMocks();
  await platform.close();
});

const facts = (id: number, group: number, createdMs: number, extra: { spam?: boolean } = {}) => ({ id, group_id: group, source: 1, spam: extra.spam ?? false, deleted: false, created_at: iso(createdMs) });
const created = (id: number, group: number, atMs: number): OutboxRecord => ({ k: 't', ticket: facts(id, group, atMs) });
const moved = (id: number, group: number, createdMs: number, atMs: number): OutboxRecord => ({ k: 'u', ticket: facts(id, group, createdMs), at: atMs });
const resolved = (id: number, group: number, createdMs: number, atMs: number, extra: { spam?: boolean } = {}): OutboxRecord => ({ k: 'u', ticket: facts(id, group, createdMs, extra), at: atMs, resolved: true });
const entry = (id: number, ticketId: number, seconds: number | undefined, atMs: number): OutboxRecord => ({ k: 'e', entry: seconds === undefined ? { id, ticketId } : { id, ticketId, seconds }, at: atMs });

async function put(records: OutboxRecord[], atMs: number): Promise<void> {
  await db.update(outboxKey(slotOf(atMs)), 'append', { items: records.map(packRecord) });
}

async function deliverAt(nowMs: number, on = true, extra: { kvLimitAt?: number } = {}): Promise<void> {
  await db.delete(LEASE_KEY).catch(() => undefined);
  await runDelivery({ db, request: remote, schedule, nowMs, settings: { ...readSettings(undefined), handledContacts: on }, ...extra });
}

/** Runs every delivery period from T0 to `untilMs`, as the recurring schedule does. */
async function deliverUntil(untilMs: number, on = true): Promise<void> {
  for (let t = T0 + DELIVERY_PERIOD_MINUTES * MIN; t <= untilMs; t += DELIVERY_PERIOD_MINUTES * MIN) await deliverAt(t, on);
}

/** The KV store refusing every write once injixo received a post, as under sustained overload. */
function refusingAfterPost(): KeyValueStore {
  return {
    get: (key) => db.get(key),
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the platform rejects with plain objects
    set: (key, value, options) => (remote.received.length > 0 ? Promise.reject({ status: 429, message: 'limit' }) : db.set(key, value, options)),
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the platform rejects with plain objects
    update: (key, action, attributes, options) => (remote.received.length > 0 ? Promise.reject({ status: 429, message: 'limit' }) : db.update(key, action, attributes, options)),
    delete: (key) => db.delete(key),
  };
}

describe('a resolved ticket', () => {
  it('waits its settle time, then goes once to the queue of its offered contact, at the resolution, with the time logged by then', async () => {
    const resolvedAt = T0 + 20 * MIN;
    await put([created(101, 1, T0 + MIN), entry(9001, 101, 600, T0 + 5 * MIN)], T0 + 5 * MIN);
    // It moved to Sales before it was resolved: offered and handled still share the Billing queue.
    await put([moved(101, 2, T0 + MIN, T0 + 15 * MIN), entry(9002, 101, 300, T0 + 16 * MIN), entry(9001, 101, 900, T0 + 18 * MIN), resolved(101, 2, T0 + MIN, resolvedAt)], resolvedAt);
    await deliverUntil(resolvedAt + SETTLE_MS - MIN);
    expect(remote.handled()).toEqual([]);
    // Logged within the settle time (their events reach the outbox just before it ends): part of
    // the duration. Deleted: not.
    await put([entry(9003, 101, 120, resolvedAt + 25 * MIN), entry(9002, 101, undefined, resolvedAt + 29 * MIN)], resolvedAt + SETTLE_MS - 30_000);
    await deliverUntil(resolvedAt + SETTLE_MS + 2 * DELIVERY_PERIOD_MINUTES * MIN);
    expect(remote.handled()).toEqual([
      { properties: { offered: false, handled: true, duration: 900 + 120 }, queueName: 'Billing email Tickets', queueIdentifier: 'freshdesk/1/1/tickets', timestamp: iso(resolvedAt), channel: 'cases' },
    ]);
    expect(remote.received.filter((e) => e.properties.offered)).toHaveLength(1);
    // The ledger a replay compares with counts the offered contact only.
    const ledger = await readLedger(db, await readState(db, T0), T0, T0 + 3_600_000);
    expect([...(ledger.get('freshdesk/1/1/tickets')?.values() ?? [])]).toEqual([1]);
  });

  it('leaves out time logged after the settle time even when a run reads it before the handled contact is due', async () => {
    // Both entries reach the same run: one a minute before the settle time ends, one a minute after.
    await put([created(106, 1, T0 + MIN), resolved(106, 1, T0 + MIN, T0 + 2 * MIN)], T0 + 2 * MIN);
    await deliverAt(T0 + 11 * MIN);
    await put([entry(9201, 106, 300, T0 + 31 * MIN), entry(9202, 106, 600, T0 + 33 * MIN)], T0 + 33 * MIN);
    await deliverUntil(T0 + 2 * MIN + SETTLE_MS + 2 * DELIVERY_PERIOD_MINUTES * MIN);
    expect(remote.handled().map((e) => e.properties)).toEqual([{ offered: false, handled: true, duration: 300 }]);
    expect((await readState(db, T0)).handled?.late).toEqual({ changes: 1, seconds: 600 });
  });

  it('waits past its settle time while records reach the outbox late, so time held by the KV limit is in its duration', async () => {
    // Simulator seeds 3 small, 6, 10, 24, 40 large: a time entry logged with the resolution was held
    // in a one-time schedule (the KV limit refused its append, then its retries) and reached the
    // outbox after the settle time had ended; the handled contact had gone out without it.
    const resolvedAt = T0 + 2 * MIN;
    const settledAt = resolvedAt + SETTLE_MS;
    await put([created(110, 1, T0 + MIN), resolved(110, 1, T0 + MIN, resolvedAt)], resolvedAt);
    // The slot in which the settle time ends holds records that came through one-time schedules
    // (an update from minutes before the slot began): records are arriving late. The held entry
    // comes in the next slot, with nothing else late.
    await put([moved(111, 2, T0, settledAt - 5 * MIN)], settledAt + MIN);
    await put([entry(9301, 110, 420, resolvedAt + MIN)], settledAt + DELIVERY_PERIOD_MINUTES * MIN + MIN);
    // The run at 09:50 reads the slot of the settle time's end, with its late update.
    await deliverUntil(T0 + 50 * MIN);
    expect(remote.handled()).toEqual([]);
    await deliverUntil(T0 + 70 * MIN);
    expect(remote.handled().map((e) => [e.timestamp, e.properties.duration])).toEqual([[iso(resolvedAt), 420]]);
    expect((await readState(db, T0)).handled?.late).toEqual({ changes: 0, seconds: 0 });
  });

  it('waits past its settle time when the KV limit refused a run: the intake\'s records are being held then, though none has come late yet', async () => {
    // Simulator seeds 80, 96, 48 small: a time entry logged within the settle time was held in a
    // one-time schedule, and every retry was refused until after the slot of the settle time's end
    // had been read — no record had come late yet, but the KV limit had refused the delivery
    // lease. The run after it sent the handled contact without that time.
    const resolvedAt = T0 + 2 * MIN;
    await put([created(114, 1, T0 + MIN), resolved(114, 1, T0 + MIN, resolvedAt)], resolvedAt);
    await deliverUntil(T0 + 30 * MIN);
    // 09:40: the KV limit refuses the lease; the run asks for a follow-up and tells it so.
    platform.refuseKvWhile((op, key) => op === 'set' && key === LEASE_KEY);
    await deliverAt(T0 + 40 * MIN);
    platform.refuseKvWhile(undefined);
    const followUp = platform.schedulesSnapshot().find((s) => s.name === FOLLOW_UP_SCHEDULE);
    expect(followUp?.data).toEqual({ kind: 'deliver', followUp: true, kvLimitAt: T0 + 40 * MIN });
    // 09:46: the follow-up reads the slot of the settle time's end (09:32), with nothing late in it.
    await deliverAt(T0 + 46 * MIN, true, { kvLimitAt: followUp?.data['kvLimitAt'] as number });
    expect(remote.handled()).toEqual([]);
    // The held entry (logged at 09:03) reaches the outbox at 09:47; the run at 10:01 reads its slot.
    await put([entry(9401, 114, 420, resolvedAt + MIN)], T0 + 47 * MIN);
    await deliverAt(T0 + 61 * MIN);
    expect(remote.handled().map((e) => [e.timestamp, e.properties.duration])).toEqual([[iso(resolvedAt), 420]]);
    expect((await readState(db, T0)).handled?.late).toEqual({ changes: 0, seconds: 0 });
  });

  it('is never posted twice when the run that posted it died before its commit: the next run counts it unconfirmed', async () => {
    // Small seed 56: a run posted handled contacts, then died before committing. The next run found
    // the time book's marks void, erased them and posted the same handled contacts a second time.
    const resolvedAt = T0 + 2 * MIN;
    await put([created(115, 1, T0 + MIN), resolved(115, 1, T0 + MIN, resolvedAt), entry(9501, 115, 300, resolvedAt)], resolvedAt);
    await deliverUntil(resolvedAt + SETTLE_MS - MIN);
    expect(remote.handled()).toEqual([]);
    // The run after the settle time posts it, then dies before its state write (no recurring
    // schedule to hand its commit off to).
    const dying = new Proxy(db, {
      get: (target, name: keyof KeyValueStore) => (name === 'set' ? (key: string, ...rest: unknown[]) => (key === 'state' ? Promise.reject(new Error('process died')) : (target.set as (...a: unknown[]) => Promise<unknown>)(key, ...rest)) : target[name].bind(target)),
    });
    // The next run in the period (a run further off would find runs missed and wait for held records).
    const settledRun = T0 + 41 * MIN;
    await db.delete(LEASE_KEY);
    await runDelivery({ db: dying, request: remote, schedule, nowMs: settledRun, settings: { ...readSettings(undefined), handledContacts: true } });
    expect(remote.handled().map((e) => e.properties.duration)).toEqual([300]);
    // The next runs redo its work: the handled contact may be in injixo already — never again.
    for (const later of [settledRun + 6 * MIN, T0 + 51 * MIN, T0 + 61 * MIN, T0 + 71 * MIN]) await deliverAt(later);
    expect(remote.handled().map((e) => e.properties.duration)).toEqual([300]);
    expect((await readState(db, T0)).handled?.waiting).toEqual([]);
    expect((await readState(db, T0)).gaps).toEqual([expect.objectContaining({ reason: 'delivery_unconfirmed', from: iso(resolvedAt) })]);
  });

  it(`waits for late records at most ${MAX_LATE_WAIT_MS / MIN} minutes past its settle time`, async () => {
    const resolvedAt = T0 + 2 * MIN;
    await put([created(112, 1, T0 + MIN), resolved(112, 1, T0 + MIN, resolvedAt)], resolvedAt);
    // Every slot from the settle time on holds a record from before it began.
    for (let t = resolvedAt + SETTLE_MS; t < resolvedAt + SETTLE_MS + MAX_LATE_WAIT_MS + 3 * DELIVERY_PERIOD_MINUTES * MIN; t += DELIVERY_PERIOD_MINUTES * MIN) {
      await put([moved(113, t % (2 * DELIVERY_PERIOD_MINUTES * MIN) === 0 ? 1 : 2, T0, t - 5 * MIN)], t);
    }
    await deliverUntil(resolvedAt + SETTLE_MS + MAX_LATE_WAIT_MS);
    expect(remote.handled()).toEqual([]);
    await deliverUntil(resolvedAt + SETTLE_MS + MAX_LATE_WAIT_MS + 2 * DELIVERY_PERIOD_MINUTES * MIN);
    expect(remote.handled().map((e) => e.timestamp)).toEqual([iso(resolvedAt)]);
  });

  it('without any time entry still counts as handled, with no duration (0 would pull the average down)', async () => {
    await put([created(102, 1, T0 + MIN), resolved(102, 1, T0 + MIN, T0 + 3 * MIN)], T0 + 3 * MIN);
    await deliverUntil(T0 + 3 * MIN + SETTLE_MS + 2 * DELIVERY_PERIOD_MINUTES * MIN);
    expect(remote.handled().map((e) => e.properties)).toEqual([{ offered: false, handled: true }]);
  });

  it('counts once when its resolution is delivered twice, or it is reopened and resolved again; later time is counted, not sent', async () => {
    await put([created(103, 1, T0 + MIN), entry(9101, 103, 60, T0 + 2 * MIN), resolved(103, 1, T0 + MIN, T0 + 4 * MIN), resolved(103, 1, T0 + MIN, T0 + 4 * MIN)], T0 + 4 * MIN);
    await deliverUntil(T0 + 4 * MIN + SETTLE_MS + 2 * DELIVERY_PERIOD_MINUTES * MIN);
    const later = T0 + 90 * MIN;
    await put([entry(9102, 103, 1800, later), resolved(103, 1, T0 + MIN, later + MIN)], later + MIN);
    await deliverUntil(later + MIN + SETTLE_MS + 2 * DELIVERY_PERIOD_MINUTES * MIN);
    expect(remote.handled().map((e) => e.properties)).toEqual([{ offered: false, handled: true, duration: 60 }]);
    const state = await readState(db, later);
    expect(state.handled).toMatchObject({ late: { changes: 1, seconds: 1800 }, waiting: [] });
  });

  it('counts at its first resolution when that record reaches the outbox after a later resolution was read', async () => {
    // Simulator seed 2 large: the first resolution's record was held in a one-time schedule by the
    // KV limit; the ticket was reopened and resolved again, and that record was read first.
    const first = T0 + 2 * MIN;
    const again = T0 + 6 * MIN;
    await put([created(108, 1, T0 + MIN), resolved(108, 1, T0 + MIN, again)], again);
    await deliverAt(T0 + 11 * MIN);
    expect((await readState(db, T0)).handled?.waiting).toEqual([108, again / 1000, 0]);
    await put([resolved(108, 1, T0 + MIN, first)], T0 + 12 * MIN);
    await deliverUntil(again + SETTLE_MS + 2 * DELIVERY_PERIOD_MINUTES * MIN);
    expect(remote.handled().map((e) => e.timestamp)).toEqual([iso(first)]);
  });

  it('is not handled when it was spam at its resolution', async () => {
    await put([created(104, 1, T0 + MIN), resolved(104, 1, T0 + MIN, T0 + 3 * MIN, { spam: true })], T0 + 3 * MIN);
    await deliverUntil(T0 + 3 * MIN + SETTLE_MS + 2 * DELIVERY_PERIOD_MINUTES * MIN);
    expect(remote.handled()).toEqual([]);
    expect((await readState(db, T0)).handled?.skipped).toBe(1);
  });

  it('created before the app knew it takes the queue its resolving update shows, without a look-up', async () => {
    await put([resolved(77, 2, T0 - 86_400_000, T0 + 3 * MIN)], T0 + 3 * MIN);
    await deliverUntil(T0 + 3 * MIN + SETTLE_MS + 2 * DELIVERY_PERIOD_MINUTES * MIN);
    expect(remote.handled().map((e) => e.queueIdentifier)).toEqual(['freshdesk/2/1/tickets']);
    expect(remote.lookups).toBe(0);
  });
});

describe('many resolutions at once', () => {
  it(`keeps at most ${MAX_WAITING} waiting; the oldest beyond go out early with the time logged so far, none lost or doubled`, async () => {
    const n = MAX_WAITING + 25;
    const records: OutboxRecord[] = [];
    for (let i = 0; i < n; i += 1) records.push(created(1000 + i, 1, T0 + MIN), resolved(1000 + i, 1, T0 + MIN, T0 + 2 * MIN + i * 100));
    await put(records, T0 + 5 * MIN);
    await deliverAt(T0 + 11 * MIN);
    expect(remote.handled()).toHaveLength(25);
    expect((await readState(db, T0)).handled).toMatchObject({ early: 25 });
    await deliverUntil(T0 + 5 * MIN + SETTLE_MS + 2 * DELIVERY_PERIOD_MINUTES * MIN);
    const ids = remote.handled().map((e) => e.timestamp);
    expect(ids).toHaveLength(n);
  });
});

describe('a run whose bookkeeping the KV store refuses after its post', () => {
  it('hands this run’s change of the waiting resolutions to the schedule when the whole list is too big: none is lost, none sent twice', async () => {
    await scheduleRecurringDelivery(schedule, T0);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    // 200 resolutions already waiting (more than the schedule's 4 KB takes), not due yet.
    const state = await readState(db, T0);
    state.handled = { waiting: Array.from({ length: 200 }, (_, i) => [900_000 + i, Math.floor((T0 + 60 * MIN) / 1000), 0]).flat(), late: { changes: 0, seconds: 0 }, early: 0, skipped: 0, sent: 0 };
    await writeState(db, state);
    await put([created(107, 1, T0 + MIN), resolved(107, 1, T0 + MIN, T0 + 2 * MIN)], T0 + 2 * MIN);
    const refusing = refusingAfterPost();
    await runDelivery({ db: refusing, request: remote, schedule, nowMs: T0 + 11 * MIN, settings: { ...readSettings(undefined), handledContacts: true } });
    const handedOff = (await schedule.fetch({ name: 'deliver' })).data as { commit: { handled?: unknown; handledChange?: { added: number[]; removed: number[] } } };
    expect(handedOff.commit.handled).toBeUndefined();
    expect(handedOff.commit.handledChange).toEqual({ added: [107, Math.floor((T0 + 2 * MIN) / 1000), 0], removed: [] });
    await deliverUntil(T0 + 2 * MIN + SETTLE_MS + 3 * DELIVERY_PERIOD_MINUTES * MIN);
    expect(remote.handled().map((e) => e.timestamp)).toEqual([iso(T0 + 2 * MIN)]);
    expect((await readState(db, T0)).handled?.waiting.length).toBe(200 * 3);
  });
});

describe('a run whose many new resolutions do not fit the hand-off (large seed 902)', () => {
  it('hands them over in pages of their own: every handled contact is sent once, none said lost', async () => {
    await scheduleRecurringDelivery(schedule, T0);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    // 200 tickets with 11-digit ids resolved in one slot: their change alone passes the schedule's 4 KB.
    const ids = Array.from({ length: 200 }, (_, i) => 30_000_000_000 + i * 7);
    await put(ids.flatMap((id, i) => [created(id, 1, T0 + MIN), resolved(id, 1, T0 + MIN, T0 + 2 * MIN + i * 1000)]), T0 + 6 * MIN);
    const refusing = refusingAfterPost();
    await runDelivery({ db: refusing, request: remote, schedule, nowMs: T0 + 11 * MIN, settings: { ...readSettings(undefined), handledContacts: true } });
    const handedOff = (await schedule.fetch({ name: 'deliver' })).data as { commit: { handledChange?: unknown; pages?: [string, string[], number][] } };
    expect(handedOff.commit.handledChange).toBeUndefined();
    expect((handedOff.commit.pages ?? []).reduce((sum, [, , resolutions]) => sum + resolutions, 0)).toBe(200);
    await deliverUntil(T0 + 2 * MIN + SETTLE_MS + 6 * DELIVERY_PERIOD_MINUTES * MIN);
    expect(remote.handled()).toHaveLength(200);
    expect(new Set(remote.handled().map((e) => e.timestamp)).size).toBe(200);
    expect(error.mock.calls.map((c) => String(c[0])).filter((line) => line.includes('HANDLED_LOST'))).toEqual([]);
  });
});

describe('a handed-off change of the waiting resolutions', () => {
  const S = T0 / 1000;
  const withWaiting = (waiting: number[]) => ({ ...emptyHandledState(), waiting });

  it('carries a resolution the run moved earlier, and applies it over the later one', async () => {
    const state = newState(T0);
    state.handled = withWaiting([108, S + 360, 0]);
    const step = new HandledStep({ state, book: {} as TicketBook, times: {} as TimeBook, directory: { groups: {} }, factsUntilMs: T0 });
    await step.take(resolved(108, 1, T0, T0 + 120_000));
    await step.take(resolved(109, 1, T0, T0 + 180_000));
    expect(await step.due()).toEqual([]);
    const change = step.change();
    expect(change).toEqual({ added: [108, S + 120, 0, 109, S + 180, 0], removed: [] });
    expect(applyHandledChange(withWaiting([108, S + 360, 0]), change).waiting).toEqual([108, S + 120, 0, 109, S + 180, 0]);
  });

  it('keeps a stored earlier resolution over a later one the change adds', () => {
    expect(applyHandledChange(withWaiting([108, S + 120, 0]), { added: [108, S + 360, 0], removed: [] }).waiting).toEqual([108, S + 120, 0]);
  });
});

describe('switched off', () => {
  it('sends no handled contact and forgets the resolutions that were waiting', async () => {
    await put([created(105, 1, T0 + MIN), resolved(105, 1, T0 + MIN, T0 + 3 * MIN)], T0 + 3 * MIN);
    await deliverAt(T0 + 11 * MIN, true);
    expect((await readState(db, T0)).handled?.waiting).toHaveLength(3);
    await deliverAt(T0 + 60 * MIN, false);
    expect(remote.handled()).toEqual([]);
    expect((await readState(db, T0)).handled?.waiting).toEqual([]);
    expect(remote.received.filter((e) => e.properties.offered)).toHaveLength(1);
  });
});
