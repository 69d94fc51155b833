import { log } from '../../platform/log';
import { isTooManyRequests } from '../../platform/refusals';
import type { KeyValueStore, RequestClient, Scheduler } from '../../platform/types';
import type { AppError } from '../../remote/errors';
import type { Settings } from '../../schemas/iparams';
import { BACKLOG_PREFIX, chunkKey, DELIVERY_PERIOD_MINUTES, outboxKey, SET_ASIDE_PREFIX } from '../../storage/keys';
import { noteDroppedChunks, noteRun, noteUnconfirmed } from '../accounting/gaps';
import { planFlushes, pruneLedger, settleFrozen, sizeShards, spillFrozen, writeFlushes } from '../accounting/ledger';
import { applyPinnedNames } from '../accounting/queue-names';
import { type BacklogHead, loadBacklogHead, MAX_BACKLOG_CHUNKS, MAX_SET_ASIDE_CHUNKS, withdrawChunks } from '../commit/backlog';
import { markInFlight, voidInFlight } from '../commit/in-flight';
import type { CommitView } from '../memory/commit-view';
import { trimOldest } from '../commit/chunks';
import { OpenState } from '../commit/commit';
import { SPILLABLE } from '../commit/spill';
import { HandOffUnknown } from '../commit/hand-off';
import { keepUnsent } from '../commit/keep-unsent';
import { takeLease } from '../commit/lease';
import { chunkListSize } from '../commit/state';
import { lastSettledSlot, slotOf } from '../intake/outbox';
import { type AgentsOutcome, deliverAgentStatuses } from '../opt-in/agent-statuses';
import type { AppState, LedgerFlush } from '../stored/stored-data';
import { holdRepliesAfter } from './attribution-hold';
import { type Built, buildContacts } from './build-contacts';
import { type OutboxWindow, readSettledOutbox } from './read-outbox';
import { recordRun, recordWaitingFailure } from './record-health';
import { scheduleDeliverySoon } from './schedule-runs';
import { foldCounters, forgetFolded } from '../status/snapshot';
import { MAX_REQUESTS_PER_RUN, type SendResult, sendAll } from './send';

/**
 * The delivery run: outbox → contacts (counting rules) → injixo, with the backlog for what
 * could not be sent. It runs from the recurring schedule, after settings change, and on demand
 * from the status page. Every bound of its steps keeps one run inside the platform's limits
 * (20 s, 50 requests/min, 50 KV operations/min — SPEC §5) with room left for event handlers.
 * Its bookkeeping follows the one commit protocol (commit/commit.ts, docs/delivery-lifecycle.md).
 */
export interface DeliveryDeps {
  db: KeyValueStore;
  request: RequestClient;
  schedule: Scheduler;
  nowMs: number;
  settings: Settings;
  /** The recurring delivery schedule's data when it started this run: spares the fetch of a handed-off commit. */
  recurringScheduleData?: Record<string, unknown>;
  /** Told the state this run committed (stored or handed off): the walks' watchdog reads its marks without a KV call (src/import/tend.ts). */
  onCommitted?: (state: AppState) => void;
  /** The account's bare Freshdesk host, as the platform gave the invocation (kept for the status page). */
  host?: string;
  /** The KV limit refused an earlier run's lease then (ms; a follow-up's data, schedule-runs.ts): records are being held. */
  kvLimitAt?: number;
}

export interface DeliveryReport {
  outcome: 'delivered' | 'busy' | 'waiting_for_directory';
  records: number;
  newContacts: number;
  sent: number;
  backlog: number;
  setAside: number;
  dropped: number;
  failure?: { code: string; message: string };
  moreToDo: boolean;
}

/** Never throws: a run the platform cut short is said in the log and tried again shortly. */
export async function runDelivery(deps: DeliveryDeps): Promise<DeliveryReport> {
  const refusal = await leaseRefusal(deps);
  if (refusal) return refusal;
  const progress: RunProgress = { claimsWritten: false, posted: false };
  let opened: OpenState | undefined;
  try {
    opened = await OpenState.open(deps.db, deps.schedule, deps.nowMs, deps.recurringScheduleData, SPILLABLE);
    return await deliver(deps, opened, progress);
  } catch (error) {
    // Claims saved, nothing posted: the next run may count those contacts again (commit/hand-off.ts noteVoidCommit).
    if (opened && progress.claimsWritten && !progress.posted) await opened.notePostedNothing(deps.schedule);
    return await deferred(deps, error);
  }
}

/** How far a run got: whether it wrote claims, and whether anything under its claims reached injixo (or may have). */
interface RunProgress {
  claimsWritten: boolean;
  posted: boolean;
}

async function deliver(deps: DeliveryDeps, opened: OpenState, progress: RunProgress): Promise<DeliveryReport> {
  const { db, nowMs } = deps;
  const state = opened.state;
  // Ledger counts earlier commits froze: written (or found written) before this commit drops them.
  if (state.ledger) opened.discard(await settleFrozen(db, state.ledger));
  const window = await readSettledOutbox(db, state.cursor, nowMs);
  const factsUntilMs = slotEndMs(state.cursor, window);
  const folded = await foldCounters(db, state, nowMs, window.lateFacts > 0);
  if (deps.host !== undefined) state.host = deps.host;
  const heldByLimit = deps.kvLimitAt !== undefined || runsWereMissed(state, nowMs);
  const built = await buildContacts({ ...deps, commits: opened.commitView() }, state, window.records, holdRepliesAfter(state, { ...window, heldByLimit }, nowMs), factsUntilMs);
  if (built.directoryMissing) return waitForDirectory(deps, opened, window, built);
  // A void run may have posted under pins it kept only in the shards: they name these contacts too.
  await opened.adoptVoidRunPins(db, built.unconfirmed.length);
  // Their queues are pinned too: the void run may have posted them under these names, and new
  // pins small enough for a hand-off were in no store when it died (docs/delivery-lifecycle.md).
  built.unconfirmed = applyPinnedNames(state, opened.namedAsStored(built.unconfirmed));
  built.contacts = applyPinnedNames(state, built.contacts);
  // New pins are kept before the post: a few in the schedule's data, more in their shards (commit.ts keepNewPins).
  await opened.keepNewPins(db, deps.schedule);
  const { backlog, result, waiting } = await sendDue(deps, state, built, opened.commitView(), progress);
  const agentsPosted = await agentStatuses(deps, opened, { window, built, factsUntilMs, mayPost: !waiting && result.failure?.code !== 'INJIXO_KEY_REJECTED' });
  if (agentsPosted) progress.posted = true;
  const dropped = await commit(deps, opened, { window, built, backlog, result, agentsPosted, folded });
  tellCommitted(deps, opened);
  const moreToDo = await askForMore(deps, opened, result, waiting);
  return reportOf(opened, { window, built, result, dropped, moreToDo });
}

/** The opt-in agent statuses (issue 14): returns whether intervals reached injixo, or may have. */
async function agentStatuses(deps: DeliveryDeps, opened: OpenState, run: { window: OutboxWindow; built: Built; factsUntilMs: number; mayPost: boolean }): Promise<boolean> {
  const state = opened.state;
  const last: { lastOutcome?: AgentsOutcome } = state.agentsPosted ? { lastOutcome: state.agentsPosted } : {};
  const agents = await deliverAgentStatuses({ ...deps, factsUntilMs: run.factsUntilMs, commits: opened.commitView(), ...last, mayPost: run.mayPost }, run.window.records);
  run.built.carry.push(...agents.carry);
  if (agents.summary) state.agentsView = agents.summary;
  if (!agents.outcome) return false;
  state.agentsPosted = agents.outcome;
  return agents.outcome[1] + agents.outcome[2] > 0;
}

/**
 * A run that could not go on (a refused KV read, a scheduler that could not say whether a
 * hand-off is pending): nothing was committed, so the next run redoes it; said once here.
 */
async function deferred(deps: DeliveryDeps, error: unknown): Promise<DeliveryReport> {
  const reason = error instanceof HandOffUnknown ? error.message : describe(error);
  log('warn', 'DELIVERY_DEFERRED', `the delivery run stopped before committing (${reason}); the next run, in a few minutes, does its work`);
  // A KV refusal says the intake's records are being held too: the follow-up is told, as after a
  // refused lease (small seed 375: a time entry held for 36 minutes, read after its handled contact went out).
  await scheduleDeliverySoon(deps.schedule, deps.nowMs, isTooManyRequests(error) ? deps.nowMs : undefined);
  return { ...emptyReport('busy'), moreToDo: true };
}

/** Runs missed since the last committed one, beyond a follow-up's delay. */
const MISSED_RUNS_AFTER_MS = 1.5 * DELIVERY_PERIOD_MINUTES * 60_000;

/**
 * Whether the runs before this one were refused or died: the KV limit may then be holding the
 * intake's records too, though no follow-up could say so — two refused runs ask for one follow-up
 * (its name is unique), and the recurring run may take the lease before it (small seed 463: a
 * 30-minute write outage; the recurring run after it sent a handled contact without the two
 * time-entry changes still held in schedules).
 */
function runsWereMissed(state: AppState, nowMs: number): boolean {
  return state.lastRunAt !== undefined && nowMs - state.lastRunAt > MISSED_RUNS_AFTER_MS;
}

/** The end of the last outbox slot read (this run's, or the cursor's when it read none). */
function slotEndMs(cursor: number, window: OutboxWindow): number {
  return ((window.slots[window.slots.length - 1] ?? cursor) + 1) * DELIVERY_PERIOD_MINUTES * 60_000;
}

/** Whether settled outbox slots or sendable backlog remain; if so a follow-up run is scheduled. */
async function askForMore(deps: DeliveryDeps, opened: OpenState, result: SendResult, waiting: boolean): Promise<boolean> {
  const state = opened.state;
  const moreToDo = lastSettledSlot(deps.nowMs) > state.cursor || (state.backlog.chunks.length > 0 && result.failure === undefined && !waiting);
  if (moreToDo) await scheduleDeliverySoon(deps.schedule, deps.nowMs);
  return moreToDo;
}

/** A report when this run may not work: another run holds the lease, or the KV limit refused it. */
async function leaseRefusal(deps: DeliveryDeps): Promise<DeliveryReport | undefined> {
  const lease = await takeLease(deps.db, deps.nowMs);
  if (lease === 'taken') return undefined;
  if (lease === 'busy') return emptyReport('busy');
  // Refused: no run may be under way at all, so ask for one rather than wait a whole period.
  log('info', 'DELIVERY_DEFERRED', 'the KV limit refused the delivery lease; a run follows in a few minutes');
  await scheduleDeliverySoon(deps.schedule, deps.nowMs, deps.nowMs);
  return { ...emptyReport('busy'), moreToDo: true };
}

/** Keeps the outbox as it is (cursor unchanged) until group names can be read. */
async function waitForDirectory(deps: DeliveryDeps, opened: OpenState, window: OutboxWindow, built: Built): Promise<DeliveryReport> {
  recordWaitingFailure(opened.state, built.failure, deps.nowMs);
  if ((await opened.commit(deps.db, deps.schedule, false)) === 'stored') await opened.finish(deps.db, deps.schedule);
  return { ...emptyReport('waiting_for_directory'), records: window.records.length, backlog: chunkListSize(opened.state.backlog), moreToDo: true, ...failureOf(built.failure) };
}

/** Sends the oldest waiting contacts, then this run's; nothing while injixo asked us to wait. */
async function sendDue(deps: DeliveryDeps, state: OpenState['state'], built: Built, commits: CommitView, progress: RunProgress): Promise<{ backlog: BacklogHead; result: SendResult; waiting: boolean }> {
  // Claims of a void run, taken over under this run's tag: that run may have posted them. If this
  // one stops uncommitted, it must not say it posted nothing — that would void them for good and
  // the next run would post them again (large seed 39).
  progress.posted = built.unconfirmed.length > 0;
  // After a 429 with Retry-After, injixo is not called at all until that time has passed.
  const retryAfter = state.health.retryAfterUntil;
  if (retryAfter !== undefined && Date.parse(retryAfter) > deps.nowMs) {
    // The new contacts go to the backlog: claimed like any, so a redelivered event is not counted again.
    progress.claimsWritten = true;
    await built.saveFacts();
    return { backlog: { contacts: [], chunkIds: [], unreadable: 0 }, result: { sent: [], unsent: built.contacts, setAside: [], unconfirmed: [] }, waiting: true };
  }
  const backlog = await loadBacklogHead(deps.db, state);
  await guardBacklog(deps, commits, backlog, built);
  // Step 2 of the commit protocol, its last write right before the post: the claims, tagged with
  // this run's id. Nothing that can be refused comes between them and the post, so claims a
  // later run finds void mean "may have been posted" only when the run died at the post itself.
  progress.claimsWritten = true;
  await built.saveFacts();
  const budget = Math.max(0, MAX_REQUESTS_PER_RUN - built.lookups);
  const result = await sendAll(deps.request, [...backlog.contacts, ...built.contacts], deps.settings.integrationId, budget);
  progress.posted = progress.posted || result.sent.length > 0 || result.unconfirmed.length > 0;
  return { backlog, result, waiting: false };
}

/**
 * Backlog chunks a run that never committed was posting are withdrawn as unconfirmed; the ones
 * this run posts are marked in flight first (commit/in-flight.ts). Costs nothing while the
 * backlog is empty.
 */
async function guardBacklog(deps: DeliveryDeps, commits: CommitView, backlog: BacklogHead, built: Built): Promise<void> {
  if (backlog.chunkIds.length === 0) return;
  const voided = new Set(await voidInFlight(deps.db, commits));
  if (voided.size > 0) built.unconfirmed.push(...withdrawChunks(backlog, voided));
  if (backlog.contacts.length > 0) await markInFlight(deps.db, commits, backlog.chunkIds);
}

interface RunOutcome {
  window: OutboxWindow;
  built: Built;
  backlog: BacklogHead;
  result: SendResult;
  /** Agent status intervals reached injixo (or may have): the commit must stick like a contact post. */
  agentsPosted: boolean;
  /** Lost-events buckets of the counters this run turned into gaps (status/snapshot.ts). */
  folded: string[];
}

/**
 * Steps 3 and 4 of the commit protocol for a delivery run: keep what is unsent (chunks the new
 * state will list), then the one state write that holds the cursor, the chunk lists and the
 * ledger counts of what was posted; once stored, delete what it no longer refers to and write
 * the ledger counts it froze. Returns how many contacts were dropped.
 */
async function commit(deps: DeliveryDeps, opened: OpenState, run: RunOutcome): Promise<number> {
  const { db, nowMs } = deps;
  const state = opened.state;
  const { window, built, backlog, result } = run;
  // An unconfirmed batch may be at injixo: the commit must stick as much as a confirmed one.
  const posted = result.sent.length > 0 || result.unconfirmed.length > 0 || run.agentsPosted;
  state.backlog.chunks = state.backlog.chunks.filter((c) => !backlog.chunkIds.includes(c.id));
  const putOff = { records: built.putOff, slot: (window.slots.at(-1) ?? state.cursor) + 1 };
  const unkept = await keepUnsent(db, state, { contacts: result.unsent, setAside: result.setAside, carry: built.carry, slot: slotOf(nowMs), putOff }, posted);
  const trimmed = [...trimOldest(BACKLOG_PREFIX, state.backlog, MAX_BACKLOG_CHUNKS), ...trimOldest(SET_ASIDE_PREFIX, state.setAside, MAX_SET_ASIDE_CHUNKS)];
  const overflow = trimmed.reduce((sum, c) => sum + c.n, 0);
  state.cursor = window.slots[window.slots.length - 1] ?? state.cursor;
  recordRun(state, result, { overflow, unreadable: backlog.unreadable }, built.failure, nowMs);
  opened.countDelivered(result.sent);
  noteUnconfirmed(state, [...result.unconfirmed, ...built.unconfirmed]);
  const flushes = await freezeLedger(db, opened, nowMs);
  await pruneLedger(db, state, nowMs);
  await noteDroppedChunks(db, state, trimmed, nowMs);
  noteRun(state, nowMs);
  opened.discard([...backlog.chunkIds.map((id) => chunkKey(BACKLOG_PREFIX, id)), ...trimmed.map((c) => c.key), ...window.filledSlots.map(outboxKey)]);
  if ((await opened.commit(db, deps.schedule, posted)) === 'stored') {
    await opened.finish(db, deps.schedule);
    await writeFlushes(db, flushes, false);
    await forgetFolded(db, run.folded);
  }
  return overflow + backlog.unreadable + unkept;
}

/** The ledger counts this commit will write once stored (accounting/ledger.ts), the shard count sized to the queues. */
async function freezeLedger(db: KeyValueStore, opened: OpenState, nowMs: number): Promise<LedgerFlush[]> {
  const ledger = opened.state.ledger;
  if (!ledger) return [];
  sizeShards(ledger, Object.keys(opened.state.pins ?? {}).length);
  const frozen = planFlushes(ledger, nowMs, opened.id);
  await spillFrozen(db, ledger, opened.id);
  return frozen;
}

function reportOf(opened: OpenState, run: { window: OutboxWindow; built: Built; result: SendResult; dropped: number; moreToDo: boolean }): DeliveryReport {
  const report: DeliveryReport = {
    outcome: 'delivered',
    records: run.window.records.length,
    newContacts: run.built.contacts.length,
    sent: run.result.sent.length,
    backlog: chunkListSize(opened.state.backlog),
    setAside: run.result.setAside.length,
    dropped: run.dropped,
    moreToDo: run.moreToDo,
    ...failureOf(run.result.failure ?? run.built.failure),
  };
  if (report.sent > 0 || report.records > 0) {
    log('info', 'DELIVERY', `sent ${report.sent} contacts to injixo`, { new: report.newContacts, backlog: report.backlog, setAside: report.setAside });
  }
  return report;
}

function emptyReport(outcome: DeliveryReport['outcome']): DeliveryReport {
  return { outcome, records: 0, newContacts: 0, sent: 0, backlog: 0, setAside: 0, dropped: 0, moreToDo: false };
}

function failureOf(error: AppError | undefined): { failure?: { code: string; message: string } } {
  return error ? { failure: { code: error.code, message: error.message } } : {};
}

function describe(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { status?: unknown; message?: unknown };
  return [e.status, e.message].filter((x) => x !== undefined).map(String).join(' ') || String(error);
}

/** The walks' watchdog reads the committed state's marks without a KV call (src/import/tend.ts). */
function tellCommitted(deps: DeliveryDeps, opened: OpenState): void {
  deps.onCommitted?.(opened.state);
}
