import type { OfferedContact } from '../../core/types';
import { log } from '../../platform/log';
import type { KeyValueStore, Scheduler } from '../../platform/types';
import { BACKLOG_PREFIX, DELIVERY_PERIOD_MINUTES, DELIVERY_SCHEDULE, outboxKey, PARKED_PREFIX, SCHEDULE_KINDS } from '../../storage/keys';
import { writeChunks } from './chunks';
import { addGap, gapOfContacts } from '../accounting/gaps';
import { applyLedgerChanges, emptyLedgerState, type LedgerChanges } from '../accounting/ledger';
import { rangesAsGap } from '../accounting/missing-tickets';
import { type OutboxRecord, packRecord, recordTime } from '../intake/outbox';
import { applyHandledChange, emptyHandledState, type HandledChange } from '../opt-in/handled-contacts';
import { writeState } from './state';
import { type AppState, type MissingRange, type MissingTickets, type StoredContact, validateState } from '../stored/stored-data';

/**
 * No duplicate storms (issue 11 item 3). injixo cannot delete a contact, so once a delivery run
 * has posted, its bookkeeping must stick even when the KV store refuses it. Before this, a
 * refused state write left the old cursor in place and the next run posted the same batch again
 * — and under sustained load again and again (2,466 duplicates in an hour at 120 events/min).
 *
 * After a successful post, a refusal is therefore not thrown but *handed off*: the parts of the
 * state a run changes (cursor, chunk lists, health, gaps) go into `data.commit` of the recurring
 * delivery schedule with `$schedule.update`, and every run reads that schedule (`$schedule.fetch`)
 * before it reads the outbox and applies the commit first. Why the recurring schedule and not a
 * one-time one: at the rates where this happens, one-time schedules are full of records the KV
 * store refused (1000 per installation), so creating one fails exactly when it is needed; the
 * recurring schedule always exists, its update needs no free slot, and it fires within a
 * delivery period (never sooner than 5 minutes ahead, as the platform requires) to apply the
 * commit even if no other run comes.
 *
 * A handed-off commit carries its id (the run's time): a state that already includes it (the
 * next run wrote it but could not clear the schedule) ignores it, so it is applied once.
 */

/** Schedule data is capped at 4 KB; what does not fit is left out in this order (see fitCommit). */
export const COMMIT_DATA_BYTES = 3800;

/** The parts of the state a committing run changes, as handed to the scheduler. */
interface HandedOffCommit {
  id: number;
  cursor: number;
  backlog: AppState['backlog'];
  parked: AppState['parked'];
  health: Partial<AppState['health']>;
  lastRunAt?: number;
  gaps?: AppState['gaps'];
  /**
   * The ticket ids still awaited: without it the next run would take the tickets this run
   * counted for missing ones and, its claims not being stored either, count them again.
   */
  missing?: AppState['missing'];
  /**
   * The run's ledger changes (ledger.ts applyLedgerChanges): without them the ledger would miss
   * what this run posted, and a replay by difference would post it again. When they do not fit,
   * only the hours they touch travel, as `uncertain`.
   */
  ledger?: LedgerChanges;
  /** Queue names this run pinned (rule 4): a later run must not pin another name for the same queue. */
  pins?: Record<string, string>;
  /**
   * Resolutions still waiting (issue 14): without it the next run would find the ones this run
   * sent still waiting in the stored state and, the time book's claims not being stored either,
   * send them again — and the resolutions this run read would be lost with their outbox slots.
   * When the whole list does not fit, only this run's change of it travels (`handledChange`).
   */
  handled?: AppState['handled'];
  handledChange?: HandledChange;
  /** KV keys the committed state no longer refers to: deleted once the commit is stored. */
  deletes: string[];
}

/** What a committing run changed beyond the state's own parts, for a hand-off. */
export interface RunChanges {
  ledger: LedgerChanges;
  pins: Record<string, string>;
  /** How the run changed the waiting resolutions (issue 14), when handled contacts are on. */
  handled?: HandledChange;
}

/** A handed-off commit this run applied: cleared once this run's own state write succeeds. */
export interface AppliedCommit {
  id: number;
  deletes: string[];
}

/**
 * Reads a handed-off commit and applies it to `state` when it is newer than what the state
 * holds. A run the recurring schedule started was handed that schedule's data and needs no
 * call; any other run (follow-up, on demand) fetches it: one scheduler call. Never throws (no
 * commit is the normal case).
 */
export async function applyHandedOffCommit(schedule: Scheduler, state: AppState, recurringData?: Record<string, unknown>): Promise<AppliedCommit | undefined> {
  const commit = await readHandedOffCommit(schedule, recurringData);
  if (!commit) return undefined;
  const applied = { id: commit.id, deletes: Array.isArray(commit.deletes) ? commit.deletes.filter((k): k is string => typeof k === 'string') : [] };
  if (state.commitId !== undefined && commit.id <= state.commitId) return applied;
  const checked = validateState(JSON.parse(JSON.stringify(withCommit(state, commit))));
  if (!checked.ok) {
    log('error', 'STORED_RECORD_UNREADABLE', `a handed-off delivery commit cannot be read (${checked.error.message}); the next run may send its contacts again`, { field: checked.error.field });
    return undefined;
  }
  Object.assign(state, checked.value);
  log('info', 'COMMIT_APPLIED', 'applied the bookkeeping of a delivery run the KV store had refused', { commit: commit.id, cursor: state.cursor });
  return applied;
}

async function readHandedOffCommit(schedule: Scheduler, recurringData: Record<string, unknown> | undefined): Promise<Partial<HandedOffCommit> & { id: number } | undefined> {
  let data: Record<string, unknown>;
  try {
    data = recurringData ?? (await schedule.fetch({ name: DELIVERY_SCHEDULE })).data;
  } catch {
    return undefined;
  }
  const commit = data.commit as Partial<HandedOffCommit> | undefined;
  return typeof commit === 'object' && commit !== null && typeof commit.id === 'number' ? { ...commit, id: commit.id } : undefined;
}

/**
 * The stored state with the commit's parts in place. It is read back through the state's own
 * schema, so a commit that does not make a valid state is not used.
 */
function withCommit(state: AppState, commit: Partial<HandedOffCommit> & { id: number }): Record<string, unknown> {
  return {
    ...state,
    cursor: commit.cursor,
    backlog: commit.backlog,
    parked: commit.parked,
    health: { ...state.health, ...commit.health },
    ...carriedChanges(state, commit),
    lastRunAt: commit.lastRunAt ?? state.lastRunAt,
    commitId: commit.id,
  };
}

/** The parts a run changed beyond its own state parts: gaps, awaited tickets, ledger, pins. */
function carriedChanges(state: AppState, commit: Partial<HandedOffCommit> & { id: number }): Record<string, unknown> {
  return {
    gaps: commit.gaps ?? state.gaps,
    missing: commit.missing ?? state.missing,
    ledger: commit.ledger ? applyLedgerChanges(state.ledger ?? emptyLedgerState(commit.id), commit.ledger) : state.ledger,
    pins: { ...(state.pins ?? {}), ...(commit.pins ?? {}) },
    ...handledOf(state, commit),
  };
}

function handledOf(state: AppState, commit: Partial<HandedOffCommit>): { handled?: AppState['handled'] } {
  if (commit.handled) return { handled: commit.handled };
  const change = commit.handledChange;
  // Read defensively like any stored value: a malformed change is ignored (validateState then checks the result).
  if (change && Array.isArray(change.added) && Array.isArray(change.removed)) return { handled: applyHandledChange(state.handled ?? emptyHandledState(), change) };
  return state.handled === undefined ? {} : { handled: state.handled };
}

/**
 * After this run's own state write: the handed-off commit is in the store now, so the schedule
 * is cleared (its garbage keys were in this run's deletes). Should this fail, the commit's id
 * keeps it from being applied again.
 */
export async function finishHandedOffCommit(schedule: Scheduler, applied: AppliedCommit | undefined, nowMs: number): Promise<void> {
  if (!applied) return;
  await updateDeliverySchedule(schedule, { kind: SCHEDULE_KINDS.deliver }, nowMs).catch(() => undefined);
}

/**
 * Stores what a run did not send (backlog, parked, records to retry later). Before any post
 * a refusal is thrown as before: the next run redoes the whole run, which costs nothing twice.
 * After a post, a refusal stops the writing (the store is saturated; more calls would only be
 * refused too), and what could not be stored is recorded as a gap with its count: a gap can be
 * replayed, a duplicate can never be taken back. Returns how many contacts were let go.
 */
export async function keepUnsent(
  db: KeyValueStore,
  state: AppState,
  unsent: { contacts: readonly OfferedContact[]; parked: readonly StoredContact[]; carry: readonly OutboxRecord[]; slot: number },
  posted: boolean,
): Promise<number> {
  // writeChunks lists a chunk only once it is stored: ids from these on are what this run wrote.
  const firstNew = { backlog: state.backlog.next, parked: state.parked.next };
  let carried = false;
  try {
    await writeChunks(db, BACKLOG_PREFIX, state.backlog, unsent.contacts);
    await writeChunks(db, PARKED_PREFIX, state.parked, unsent.parked);
    if (unsent.carry.length > 0) await db.update(outboxKey(unsent.slot), 'append', { items: unsent.carry.map(packRecord) });
    carried = true;
    return 0;
  } catch (error) {
    if (!posted) throw error;
    const lostContacts = [...unsent.contacts.slice(storedSince(state.backlog, firstNew.backlog)), ...unsent.parked.slice(storedSince(state.parked, firstNew.parked))];
    return recordUnkept(state, lostContacts, carried ? [] : unsent.carry);
  }
}

/** What a run could not keep after its post: counted as dropped, a gap, and a log line. */
function recordUnkept(state: AppState, contacts: readonly OfferedContact[], records: readonly OutboxRecord[]): number {
  const lost = contacts.length + records.length;
  if (lost === 0) return 0;
  const gap = gapOfContacts([...contacts, ...records.map((r) => ({ timestamp: new Date(recordTime(r)).toISOString() }))], 'commit_refused');
  if (gap) addGap(state, gap);
  state.health.dropped += lost;
  log('error', 'COMMIT_REFUSED', `the KV store refused to keep ${lost} unsent contacts after a successful post; they are recorded as a gap to replay rather than risk sending the posted ones twice`, {
    lost,
    from: gap?.from,
    to: gap?.to,
  });
  return lost;
}

/** Contacts held by the chunks with ids from `firstId` on (the ones this run stored). */
function storedSince(list: AppState['backlog'], firstId: number): number {
  return list.chunks.filter((c) => c.id >= firstId).reduce((sum, c) => sum + c.n, 0);
}

/**
 * Writes the state; after a post, a refusal hands the commit to the scheduler instead of
 * throwing. 'stored': the state is in the KV store. 'handed_off': it is in the schedule and the
 * next run applies it. Throws when nothing was posted (the next run redoes this one) or when
 * even the scheduler refused (then the next run may post this batch again: logged).
 */
export async function saveState(
  db: KeyValueStore,
  schedule: Scheduler,
  state: AppState,
  commit: { posted: boolean; deletes: string[]; nowMs: number; changes: RunChanges },
): Promise<'stored' | 'handed_off'> {
  state.commitId = commit.nowMs;
  try {
    await writeState(db, state);
    return 'stored';
  } catch (kvError) {
    if (!commit.posted) throw kvError;
    try {
      await updateDeliverySchedule(schedule, { kind: SCHEDULE_KINDS.deliver, commit: fitCommit(state, commit) }, commit.nowMs);
    } catch (scheduleError) {
      log('error', 'COMMIT_LOST', 'neither the KV store nor the scheduler kept the bookkeeping of a delivery run that posted; its contacts may be sent again', { cause: describe(scheduleError) });
      throw kvError;
    }
    log('warn', 'PLATFORM_LIMIT', 'KV limit reached after a successful post; the run\'s bookkeeping waits in the delivery schedule and is applied by the next run', { cursor: state.cursor });
    return 'handed_off';
  }
}

/** The commit within COMMIT_DATA_BYTES: the last 24 hours' per-queue chart counts, then old gaps, then garbage keys are left out first. */
function fitCommit(state: AppState, commit: { deletes: string[]; nowMs: number; changes: RunChanges }): HandedOffCommit {
  const { recent, ...health } = state.health;
  const full: HandedOffCommit = {
    id: commit.nowMs,
    cursor: state.cursor,
    backlog: state.backlog,
    parked: state.parked,
    health: { ...health, ...(recent !== undefined ? { recent } : {}) },
    ...(state.lastRunAt !== undefined ? { lastRunAt: state.lastRunAt } : {}),
    gaps: state.gaps ?? [],
    ...(state.missing !== undefined ? { missing: state.missing } : {}),
    ...(state.handled !== undefined ? { handled: state.handled } : {}),
    ledger: commit.changes.ledger,
    pins: commit.changes.pins,
    deletes: commit.deletes,
  };
  return fits(full) ? full : shrunk({ ...full, health, ...handledChangeOf(commit.changes) });
}

/** This run's change of the waiting resolutions: it stands in for the whole list once that must go. */
function handledChangeOf(changes: RunChanges): Pick<HandedOffCommit, 'handledChange'> {
  return changes.handled !== undefined ? { handledChange: changes.handled } : {};
}

/** Without today's tally already; then awaited ticket ranges (as gaps), the oldest gaps, the garbage keys. */
function shrunk(commit: HandedOffCommit): HandedOffCommit {
  // In order of what matters least; the chunk lists and the cursor, which prevent a second
  // post, always stay. Garbage keys are only storage.
  // The run's change of the waiting resolutions goes last: without it, contacts are lost.
  const steps = [withoutAwaitedRanges, withoutWholeHandled, withFewerGaps, withLedgerHoursOnly, withoutNewPins, (c: HandedOffCommit): HandedOffCommit => ({ ...c, deletes: [] }), withoutHandledChange];
  return steps.reduce((current, step) => (fits(current) ? current : step(current)), commit);
}

/**
 * Hundreds of waiting resolutions may not fit the schedule's 4 KB: then only this run's change
 * of the list travels (tens of entries), applied onto the stored list.
 */
function withoutWholeHandled(commit: HandedOffCommit): HandedOffCommit {
  const rest = { ...commit };
  delete rest.handled;
  return rest;
}

/** The last resort: said as a loss, since the resolutions' outbox records are gone with the run. */
function withoutHandledChange(commit: HandedOffCommit): HandedOffCommit {
  if (commit.handledChange === undefined) return commit;
  const { handledChange, ...bare } = commit;
  const lost = handledChange.added.length / 3;
  if (lost > 0) log('error', 'HANDLED_LOST', `${lost} resolved tickets read by this run could not travel with a handed-off commit; their handled contacts are not sent`, { lost });
  if (handledChange.removed.length > 0) log('warn', 'HANDLED_UNCERTAIN', `${handledChange.removed.length} handled contacts this run sent may be sent once more`);
  return bare;
}

function withFewerGaps(commit: HandedOffCommit): HandedOffCommit {
  const gaps = [...(commit.gaps ?? [])];
  while (gaps.length > 1 && !fits({ ...commit, gaps })) gaps.shift();
  return { ...commit, gaps };
}

/**
 * Pins only matter if a queue is renamed before the next run stores its own: that run pins the
 * names Freshdesk gives then, the same ones unless a rename came within minutes.
 */
function withoutNewPins(commit: HandedOffCommit): HandedOffCommit {
  const { pins, ...rest } = commit;
  const count = Object.keys(pins ?? {}).length;
  // Said only when names were actually left out, not for a run that pinned none.
  if (count > 0) log('warn', 'PLATFORM_LIMIT', `${count} new queue names could not travel with a handed-off commit; the next run names those queues afresh`);
  return rest;
}

/** Ledger changes too big to carry: the hours they touch become uncertain (a replay there warns). */
function withLedgerHoursOnly(commit: HandedOffCommit): HandedOffCommit {
  if (commit.ledger === undefined) return commit;
  const { added = {}, written = [], uncertain = [] } = commit.ledger;
  const hours = [...new Set([...Object.keys(added), ...written, ...uncertain])].sort();
  log('warn', 'LEDGER_UNCERTAIN', `the delivered ledger of ${hours.join(', ')} (UTC, six hours each) may be off: a run's bookkeeping was too big to hand off; a replay of those hours may send contacts twice`, { hours: hours.length });
  return { ...commit, ledger: { uncertain: hours } };
}

/**
 * Awaited ticket ranges, oldest first, become gaps until the commit fits: the next run then
 * neither waits for them nor takes their tickets as missing again.
 */
function withoutAwaitedRanges(commit: HandedOffCommit): HandedOffCommit {
  if (!commit.missing) return commit;
  const ranges = [...commit.missing.ranges];
  const leftOut: MissingRange[] = [];
  const shaped = (): HandedOffCommit => ({ ...commit, gaps: [...(commit.gaps ?? []), ...rangesAsGap(leftOut)], missing: { ...(commit.missing as MissingTickets), ranges } });
  while (ranges.length > 0 && !fits(shaped())) leftOut.push(ranges.shift() as MissingRange);
  return shaped();
}

function fits(commit: HandedOffCommit): boolean {
  return JSON.stringify(commit).length <= COMMIT_DATA_BYTES;
}

function updateDeliverySchedule(schedule: Scheduler, data: Record<string, unknown>, nowMs: number): Promise<unknown> {
  return schedule.update({
    name: DELIVERY_SCHEDULE,
    data,
    schedule_at: new Date(nowMs + DELIVERY_PERIOD_MINUTES * 60_000).toISOString(),
    repeat: { time_unit: 'minutes', frequency: DELIVERY_PERIOD_MINUTES },
  });
}

function describe(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { status?: unknown; message?: unknown };
  return [e.status, e.message].filter((x) => x !== undefined).map(String).join(' ') || String(error);
}
