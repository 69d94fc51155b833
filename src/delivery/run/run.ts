import { log } from '../../platform/log';
import type { KeyValueStore, RequestClient, Scheduler } from '../../platform/types';
import type { AppError } from '../../remote/errors';
import type { Settings } from '../../schemas/iparams';
import { BACKLOG_PREFIX, chunkKey, DELIVERY_PERIOD_MINUTES, outboxKey, PARKED_PREFIX } from '../../storage/keys';
import { holdRepliesAfter } from './attribution-hold';
import { type BacklogHead, loadBacklogHead, MAX_BACKLOG_CHUNKS, MAX_PARKED_CHUNKS } from '../commit/backlog';
import { deliverAgentStatuses } from '../opt-in/agent-statuses';
import { type Built, buildContacts } from './build-contacts';
import type { HandledChange } from '../opt-in/handled-contacts';
import { trimOldest } from '../commit/chunks';
import { noteDroppedChunks, noteRun } from '../accounting/gaps';
import { takeLease } from './lease';
import { ledgerCountsOf, pruneLedger, recordDelivered } from '../accounting/ledger';
import { lastSettledSlot, slotOf } from '../intake/outbox';
import { type AppliedCommit, applyHandedOffCommit, finishHandedOffCommit, keepUnsent, saveState } from '../commit/hand-off';
import { applyPinnedNames } from '../accounting/queue-names';
import { type OutboxWindow, readSettledOutbox } from './read-outbox';
import { recordFailure, recordRun } from './record-health';
import { scheduleDeliverySoon } from './schedule-runs';
import { MAX_REQUESTS_PER_RUN, type SendResult, sendAll } from './send';
import { chunkListSize, readState, writeState } from '../commit/state';
import type { AppState } from '../stored/stored-data';

/**
 * The delivery run: outbox → contacts (counting rules) → injixo, with the backlog for what
 * could not be sent. It runs from the recurring schedule, after settings change, and on demand
 * from the status page. Every bound of its steps keeps one run inside the platform's limits
 * (20 s, 50 requests/min, 50 KV operations/min — SPEC §5) with room left for event handlers.
 */
export interface DeliveryDeps {
  db: KeyValueStore;
  request: RequestClient;
  schedule: Scheduler;
  nowMs: number;
  settings: Settings;
  /** The recurring delivery schedule's data when it started this run: spares the fetch of a handed-off commit. */
  recurringScheduleData?: Record<string, unknown>;
}

export interface DeliveryReport {
  outcome: 'delivered' | 'busy' | 'waiting_for_directory';
  records: number;
  newContacts: number;
  sent: number;
  backlog: number;
  parked: number;
  dropped: number;
  failure?: { code: string; message: string };
  moreToDo: boolean;
}

export async function runDelivery(deps: DeliveryDeps): Promise<DeliveryReport> {
  const { db, nowMs } = deps;
  const refusal = await leaseRefusal(deps);
  if (refusal) return refusal;
  const state = await readState(db, nowMs);
  const handedOff = await applyHandedOffCommit(deps.schedule, state, deps.recurringScheduleData);
  const pinnedBefore = { ...(state.pins ?? {}) };
  const window = await readSettledOutbox(db, state.cursor, nowMs);
  const factsUntilMs = slotEndMs(state.cursor, window);
  const built = await buildContacts(deps, state, window.records, holdRepliesAfter(state, window, nowMs), factsUntilMs);
  if (built.directoryMissing) return waitForDirectory(deps, state, window, built);
  built.contacts = applyPinnedNames(state, built.contacts);
  const { backlog, result, waiting } = await sendDue(deps, state, built);
  const agents = await deliverAgentStatuses({ ...deps, factsUntilMs, mayPost: !waiting && result.failure?.code !== 'INJIXO_KEY_REJECTED' }, window.records);
  built.carry.push(...agents.carry);
  const dropped = await commit(deps, state, { window, built, backlog, result, handedOff, pinnedBefore });
  const moreToDo = await askForMore(deps, state, result, waiting);
  return reportOf(state, { window, built, result, dropped, moreToDo });
}

/** The end of the last outbox slot read (this run's, or the cursor's when it read none). */
function slotEndMs(cursor: number, window: OutboxWindow): number {
  return ((window.slots[window.slots.length - 1] ?? cursor) + 1) * DELIVERY_PERIOD_MINUTES * 60_000;
}

/** Whether settled outbox slots or sendable backlog remain; if so a follow-up run is scheduled. */
async function askForMore(deps: DeliveryDeps, state: AppState, result: SendResult, waiting: boolean): Promise<boolean> {
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
  await scheduleDeliverySoon(deps.schedule, deps.nowMs);
  return { ...emptyReport('busy'), moreToDo: true };
}

/** Keeps the outbox as it is (cursor unchanged) until group names can be read. */
async function waitForDirectory(deps: DeliveryDeps, state: AppState, window: OutboxWindow, built: Built): Promise<DeliveryReport> {
  recordFailure(state, built.failure, deps.nowMs);
  await writeState(deps.db, state);
  return { ...emptyReport('waiting_for_directory'), records: window.records.length, backlog: chunkListSize(state.backlog), moreToDo: true, ...failureOf(built.failure) };
}

/** Sends the oldest waiting contacts, then this run's; nothing while injixo asked us to wait. */
async function sendDue(deps: DeliveryDeps, state: AppState, built: Built): Promise<{ backlog: BacklogHead; result: SendResult; waiting: boolean }> {
  // After a 429 with Retry-After, injixo is not called at all until that time has passed.
  const retryAfter = state.health.retryAfterUntil;
  if (retryAfter !== undefined && Date.parse(retryAfter) > deps.nowMs) {
    return { backlog: { contacts: [], chunkIds: [], unreadable: 0 }, result: { sent: [], unsent: built.contacts, parked: [] }, waiting: true };
  }
  const backlog = await loadBacklogHead(deps.db, state);
  const budget = Math.max(0, MAX_REQUESTS_PER_RUN - built.lookups);
  const result = await sendAll(deps.request, [...backlog.contacts, ...built.contacts], deps.settings.integrationId, budget);
  return { backlog, result, waiting: false };
}

interface RunOutcome {
  window: OutboxWindow;
  built: Built;
  backlog: BacklogHead;
  result: SendResult;
  handedOff: AppliedCommit | undefined;
  /** The pins the run started with: the ones it added travel with a handed-off commit. */
  pinnedBefore: Record<string, string>;
}

/**
 * Bookkeeping, in an order that never loses a contact when a KV call is refused or the run
 * dies: first store what is still unsent, then commit the state (cursor and chunk lists) in
 * one write, and only then delete what the committed state no longer refers to. Before a post,
 * a failure leaves the previous state intact and the next run redoes this one. After a post,
 * refusals are handed to the scheduler (pending-commit.ts) so nothing posted is posted again;
 * only a run that dies outright between its post and its state write still repeats its batch
 * (measured in the crash test). Returns how many contacts were dropped.
 */
async function commit(deps: DeliveryDeps, state: AppState, run: RunOutcome): Promise<number> {
  const { db, nowMs } = deps;
  const { window, built, backlog, result } = run;
  const posted = result.sent.length > 0;
  state.backlog.chunks = state.backlog.chunks.filter((c) => !backlog.chunkIds.includes(c.id));
  const unkept = await keepUnsent(db, state, { contacts: result.unsent, parked: result.parked, carry: built.carry, slot: slotOf(nowMs) }, posted);
  const trimmed = [...trimOldest(BACKLOG_PREFIX, state.backlog, MAX_BACKLOG_CHUNKS), ...trimOldest(PARKED_PREFIX, state.parked, MAX_PARKED_CHUNKS)];
  const overflow = trimmed.reduce((sum, c) => sum + c.n, 0);
  state.cursor = window.slots[window.slots.length - 1] ?? state.cursor;
  recordRun(state, result, { overflow, unreadable: backlog.unreadable }, built.failure, nowMs);
  const written = await recordDelivered(db, state, result.sent, nowMs);
  await pruneLedger(db, state, nowMs);
  await noteDroppedChunks(db, state, trimmed, nowMs);
  noteRun(state, nowMs);
  const garbage = [...backlog.chunkIds.map((id) => chunkKey(BACKLOG_PREFIX, id)), ...trimmed.map((c) => c.key), ...window.filledSlots.map(outboxKey), ...(run.handedOff?.deletes ?? [])];
  const changes = { ledger: { added: ledgerCountsOf(result.sent), written }, pins: newPins(state, run.pinnedBefore), ...handledChangeOf(built) };
  if ((await saveState(db, deps.schedule, state, { posted, deletes: garbage, nowMs, changes })) === 'stored') {
    for (const key of garbage) await db.delete(key).catch(() => undefined);
    await finishHandedOffCommit(deps.schedule, run.handedOff, nowMs);
    // Claims only once the state is stored: a handed-off commit could still be lost, and then
    // the re-run must not skip what it never delivered.
    await saveFacts(built);
  }
  return overflow + backlog.unreadable + unkept;
}

function handledChangeOf(built: Built): { handled?: HandledChange } {
  return built.handledChange ? { handled: built.handledChange() } : {};
}

function newPins(state: AppState, before: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(state.pins ?? {}).filter(([queue]) => before[queue] === undefined));
}

/**
 * After the commit: a refused write here loses only what the run learned about tickets (later
 * replies then ask Freshdesk) and the memory of what it counted (a redelivered event could then
 * count twice), never a contact.
 */
async function saveFacts(built: Built): Promise<void> {
  try {
    await built.saveFacts();
  } catch (error) {
    log('warn', 'PLATFORM_LIMIT', `ticket facts of this run could not be saved (${(error as { message?: string }).message ?? String(error)}); replies to these tickets will be looked up in Freshdesk`);
  }
}

function reportOf(state: AppState, run: { window: OutboxWindow; built: Built; result: SendResult; dropped: number; moreToDo: boolean }): DeliveryReport {
  const report: DeliveryReport = {
    outcome: 'delivered',
    records: run.window.records.length,
    newContacts: run.built.contacts.length,
    sent: run.result.sent.length,
    backlog: chunkListSize(state.backlog),
    parked: run.result.parked.length,
    dropped: run.dropped,
    moreToDo: run.moreToDo,
    ...failureOf(run.result.failure ?? run.built.failure),
  };
  if (report.sent > 0 || report.records > 0) {
    log('info', 'DELIVERY', `sent ${report.sent} contacts to injixo`, { new: report.newContacts, backlog: report.backlog, parked: report.parked });
  }
  return report;
}

function emptyReport(outcome: DeliveryReport['outcome']): DeliveryReport {
  return { outcome, records: 0, newContacts: 0, sent: 0, backlog: 0, parked: 0, dropped: 0, moreToDo: false };
}

function failureOf(error: AppError | undefined): { failure?: { code: string; message: string } } {
  return error ? { failure: { code: error.code, message: error.message } } : {};
}
