/**
 * "Replay a period" (issue 12 items 2 and 4, SPEC §8 and §9): the status page asks for
 * [from, to); the app walks Freshdesk over it with the import's walk and slice machinery (a
 * walk job of kind `replay`, in-app.ts), keeps what it finds in REPLAY_FOUND chunks, and once
 * the walk has ended and delivery has caught up, compares per (queue, interval) with the
 * delivered ledger and hands ONLY the difference to the delivery backlog — so what it sends
 * goes through the ledger like everything else, and a second replay of the same window sends 0.
 *
 * Why the comparison waits: the ledger counts what injixo accepted. Contacts still in the
 * backlog or the outbox (an injixo outage, events of the last minutes) are delivered but not yet
 * counted; comparing then would send them twice. So the comparison runs once the backlog is
 * empty and the delivery cursor has passed the end of the walk.
 *
 * Limits: the window must end in the past, lie within the ledger's retention (older windows are
 * the CLI's, where nothing was delivered), and span at most MAX_REPLAY_HOURS so that the
 * comparison — one ledger read per six hours plus the found chunks — fits one invocation and
 * the KV budget shared with event intake.
 */
import { INTERVAL_MS, isoOf } from '../core/time';
import { LEDGER_RETENTION_DAYS } from '../delivery/accounting/ledger';
import { log } from '../platform/log';
import type { KeyValueStore, Platform } from '../platform/types';
import type { Settings } from '../schemas/iparams';
import { CHECK_KEY, REPLAY_KEY, REPLAY_TAKEN_KEY, replayFoundKey, replayScheduleName, SCHEDULE_KINDS } from '../storage/keys';
import { differenceJob } from './difference-job';
import type { ImportRecord, ReplayResult } from './import-record';
import { gapCommand, IMPORT_JOB, isWalking, newWalkRecord, readWalkRecord, runWalkSlice, startWalk, walkView, type SliceData, type WalkJob, type WalkView } from './in-app';
import { changeMarks, withActive } from './walk-marks';

/** The longest window one replay takes; longer periods are replayed in parts. */
export const MAX_REPLAY_HOURS = 24;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export type ReplayPhase = 'walking' | 'waiting_for_delivery' | 'comparing' | 'done' | 'failed';

export interface ReplayView extends WalkView {
  phase: ReplayPhase;
  result?: ReplayResult;
}

/** Why a replay was not started; `code` picks the status page's sentence, `message` is the log's. */
export interface ReplayRefusal {
  code: 'no_host' | 'invalid_time' | 'not_before' | 'in_future' | 'beyond_ledger' | 'too_long' | 'import_running' | 'replay_running' | 'check_running' | 'busy_platform';
  message: string;
  /** For a window older than the ledger: the CLI command that can fetch it. */
  cliCommand?: string;
  /** For too_long: the longest window in hours. */
  maxHours?: number;
  /** For check_running: when the check is expected to end (ISO). */
  until?: string;
  /** For busy_platform: when to ask again (ISO). */
  retryAt?: string;
}

export type ReplayAnswer = { replay: ReplayView } | { refused: ReplayRefusal };

/** ISO instants with a zone, as the status page sends them (the admin's zone converted to UTC). */
function parseInstant(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The oldest instant whose ledger counts are still kept. */
export function ledgerStart(nowMs: number): number {
  return nowMs - LEDGER_RETENTION_DAYS * DAY_MS;
}

/**
 * Checks a requested window and widens it to whole 15-minute intervals: injixo and the ledger
 * count per interval, so a window starting mid-interval would compare a part of Freshdesk's
 * interval with the whole of the ledger's. An end that would reach past now is rounded down
 * instead: the interval still under way is the events' to deliver.
 */
export function checkReplayWindow(fromText: unknown, toText: unknown, nowMs: number, host: string): { from: number; to: number } | ReplayRefusal {
  const asked = { from: parseInstant(fromText), to: parseInstant(toText) };
  if (asked.from === undefined || asked.to === undefined) return { code: 'invalid_time', message: 'from and to must be ISO-8601 times with a zone' };
  if (asked.from >= asked.to) return { code: 'not_before', message: 'from must be before to' };
  if (asked.to > nowMs) return { code: 'in_future', message: 'a replay cannot reach past now: to must not be in the future' };
  const from = Math.floor(asked.from / INTERVAL_MS) * INTERVAL_MS;
  const up = Math.ceil(asked.to / INTERVAL_MS) * INTERVAL_MS;
  const to = up <= nowMs ? up : Math.floor(asked.to / INTERVAL_MS) * INTERVAL_MS;
  return windowLimits(from, to, nowMs, host) ?? { from, to };
}

function windowLimits(from: number, to: number, nowMs: number, host: string): ReplayRefusal | undefined {
  if (from >= to) return { code: 'in_future', message: 'the window lies within the interval still under way; the events deliver it' };
  if (from < ledgerStart(nowMs)) {
    const message = `the ledger keeps ${LEDGER_RETENTION_DAYS} days, so a replay cannot tell what was delivered before ${isoOf(ledgerStart(nowMs))}; use the CLI for a window the app did not deliver`;
    return { code: 'beyond_ledger', message, cliCommand: gapCommand(host, isoOf(from), isoOf(to)) };
  }
  if (to - from > MAX_REPLAY_HOURS * HOUR_MS) return { code: 'too_long', message: `one replay covers at most ${MAX_REPLAY_HOURS} hours; replay longer periods in parts`, maxHours: MAX_REPLAY_HOURS };
  return undefined;
}

/**
 * The status page's "Replay a period". Refused, not queued, while the initial import, another
 * replay or the daily check walks: a queued request would wait for an import that can take days,
 * by when its window may have left the ledger's retention; the admin sees why and asks again.
 */
export async function startReplay(platform: Platform, host: string, fromText: unknown, toText: unknown): Promise<ReplayAnswer> {
  const nowMs = platform.now();
  const window = checkReplayWindow(fromText, toText, nowMs, host);
  if ('code' in window) return { refused: window };
  const busy = await busyRefusal(platform.db);
  if (busy) return { refused: busy };
  const record: ImportRecord = { ...newWalkRecord(host, isoOf(window.from), isoOf(window.to), nowMs), kind: 'replay', found: { chunks: [], next: 1 } };
  await platform.db.delete(REPLAY_TAKEN_KEY).catch(() => undefined);
  await startWalk(platform, REPLAY_JOB, record, nowMs);
  await changeMarks(platform, nowMs, (marks) => withActive(marks, 'replay', true));
  log('info', 'REPLAY_STARTED', `replaying ${record.from} to ${record.to}: Freshdesk is read, then only what the ledger lacks is sent`);
  return { replay: replayView(record, nowMs) };
}

async function busyRefusal(db: KeyValueStore): Promise<ReplayRefusal | undefined> {
  const importRecord = await readWalkRecord(db, IMPORT_JOB.recordKey);
  if (importRecord?.state === 'running' || importRecord?.state === 'paused') {
    return { code: 'import_running', message: 'the initial import has not finished; replay once it is done (one walk of Freshdesk at a time)' };
  }
  if (isWalking(await readWalkRecord(db, REPLAY_KEY))) return { code: 'replay_running', message: 'a replay is running; wait for its result before asking for another' };
  return checkRefusal(await readWalkRecord(db, CHECK_KEY));
}

function checkRefusal(check: ImportRecord | undefined): ReplayRefusal | undefined {
  if (!check || !isWalking(check)) return undefined;
  return { code: 'check_running', message: 'the daily check is running; ask again once it is done', until: isoOf(expectedEnd(check)) };
}

/** When a running walk is expected to end: its ETA, or an hour from its next slice when it has none yet. */
function expectedEnd(record: ImportRecord): number {
  const eta = walkView(record, record.nextAt).etaMinutes;
  return (record.nextAt || record.startedAtMs) + (eta ?? 60) * 60_000;
}

function finishReplay(_platform: Platform, record: ImportRecord, result: ReplayResult): Promise<void> {
  logResult(record, result);
  return Promise.resolve();
}

function logResult(record: ImportRecord, result: ReplayResult): void {
  log('info', 'REPLAY_DONE', `the replay of ${record.from} to ${record.to} found ${result.found} contacts, ${result.alreadyDelivered} already delivered: ${result.sent} handed to delivery`, { sent: result.sent });
  logOutcome(`this replay of ${record.from} to ${record.to}`, result);
}

/** The warnings of a comparison's outcome (replay and check). */
export function logOutcome(what: string, result: ReplayResult): void {
  if (result.uncertainHours) {
    log('warn', 'LEDGER_UNCERTAIN', `the delivered ledger of ${result.uncertainHours.join(', ')} (UTC, six hours each) may be off: ${what} sent there only what the contacts possibly lost cannot explain`);
  }
  if (result.surplus > 0) {
    const queues = result.queues.filter((q) => q.surplus > 0).map((q) => `${q.queueIdentifier} +${q.surplus}`);
    log('warn', 'REPLAY_SURPLUS', `injixo holds ${result.surplus} contacts more than Freshdesk shows (${what}; not taken back: injixo cannot delete): ${queues.join(', ')}`);
  }
}

export const REPLAY_JOB: WalkJob = differenceJob({
  kind: SCHEDULE_KINDS.replay,
  recordKey: REPLAY_KEY,
  takenKey: REPLAY_TAKEN_KEY,
  scheduleName: replayScheduleName,
  chunkKey: replayFoundKey,
  finish: finishReplay,
  view: (record, nowMs) => ({ ...replayView(record, nowMs) }),
});

/** One slice of the replay, fired by a `replay` schedule carrying its lane token. */
export function runReplaySlice(platform: Platform, settings: Settings, data: SliceData): Promise<void> {
  return runWalkSlice(platform, settings, REPLAY_JOB, data);
}

function phaseOf(record: ImportRecord): ReplayPhase {
  if (record.state === 'done' || record.state === 'failed') return record.state;
  if (record.walkedAtMs === undefined) return 'walking';
  return record.compare ? 'comparing' : 'waiting_for_delivery';
}

export function replayView(record: ImportRecord, nowMs: number): ReplayView {
  const view: ReplayView = { ...walkView(record, nowMs), phase: phaseOf(record) };
  if (record.result) view.result = record.result;
  return view;
}

