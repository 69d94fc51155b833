/**
 * The initial import inside the app (issue 12 item 2, SPEC §8): after install, the chosen days
 * before the install are walked through the request templates, one slice per one-time schedule,
 * and the contacts join the delivery backlog so the ordinary delivery run sends them (one sending
 * path, one ledger, one set of pinned names).
 *
 * Platform limits (SPEC §5): a slice makes at most SLICE_REQUESTS Freshdesk calls and stops after
 * SLICE_WORK_MS, so it ends well inside the 20 s an invocation may last and leaves most of the
 * 50 requests a minute to delivery; the next slice is at least SCHEDULE_LEAD_MS away.
 *
 * Races with a delivery run: the walk itself only reads Freshdesk; the slice then takes the
 * delivery lease for its read-modify-write of the state record (chunk list and pins) and releases
 * it. A separate import chunk list would avoid the lease but need the run to drain a second list
 * (changes to run.ts, which another change is rewriting), and pins must be shared anyway. When
 * the lease is busy the slice keeps its old cursor and tries again later: the Freshdesk calls are
 * repeated, nothing is sent twice.
 */
import type { OfferedContact } from '../core/types';
import { isTransient } from '../remote/retry-policy';
import { MAX_BACKLOG_CHUNKS } from '../delivery/commit/backlog';
import { CHUNK_CONTACTS, writeChunks } from '../delivery/commit/chunks';
import { NO_MAPS, updateState } from '../delivery/commit/commit';
import { showWalk } from '../delivery/status/walk-views';
import { applyPinnedNames } from '../delivery/accounting/queue-names';
import { scheduleDeliverySoon } from '../delivery/run/schedule-runs';
import { readState } from '../delivery/commit/state';
import type { AppState } from '../delivery/stored/stored-data';
import { log } from '../platform/log';
import { isNotFound, isTooManyRequests } from '../platform/refusals';
import { SCHEDULE_LEAD_MS } from '../platform/schedule-lead';
import type { KeyValueStore, Platform } from '../platform/types';
import { isAppError } from '../remote/errors';
import type { Settings } from '../schemas/iparams';
import { lastSettledSlot } from '../delivery/intake/outbox';
import { BACKLOG_PREFIX, CHECK_KEY, DELIVERY_PERIOD_MINUTES, IMPORT_KEY, IMPORT_STEP_KEY, IMPORT_TAKEN_KEY, importScheduleName, REPLAY_KEY, SCHEDULE_KINDS } from '../storage/keys';
import { startCursor, walkProgress, type ImportCursor } from './cursor';
import { validateImportRecord, validateTakenRanges, type ImportRecord, type ImportRunState, type WalkRefusal } from './import-record';
import { TakenTickets } from './taken-tickets';
import { TicketWitness } from './ticket-witness';
import { DEFAULT_RATE_SHARE, RatePacer } from './rate-pacer';
import { createTemplateTransport } from './template-transport';
import { headerOf, type FreshdeskAnswer, type FreshdeskTransport } from './transport';
import { readDirectory, walkStep, type StepResult, type WalkDeps } from './walk';
import {
  armLanes,
  backoffMs,
  describe,
  isExpectedLane,
  LANE_PERIOD_MS,
  LANE_STAGGER_MS,
  lanesOf,
  logRefusal,
  noteRefusal,
  parseLaneToken,
  planLanes,
  planNewLanes,
  planRearm,
  stalledLanes,
  takeWalkLease,
  WALK_LANES,
  type LaneSchedule,
  type LaneToken,
  type PlannedLane,
} from './walk-chain';
import { applyMarks, changeMarks, tidyMarks, withActive } from './walk-marks';

/**
 * Freshdesk calls per slice. With one slice per LANE_STAGGER_MS (walk-chain.ts) the walk spends
 * at most WALK_REQUESTS_PER_MINUTE of the platform's 50 requests a minute; a delivery run spends at
 * most 25 (15 posts, 10 look-ups), so both fit one sliding minute.
 */
export const SLICE_REQUESTS = 24;
/** The walk's share of the platform's requests a minute: SLICE_REQUESTS per stagger (~23.6). */
export const WALK_REQUESTS_PER_MINUTE = (SLICE_REQUESTS * 60_000) / LANE_STAGGER_MS;
/** A slice stops starting calls after this long, leaving room for its KV writes within 20 s. */
export const SLICE_WORK_MS = 12_000;
/** Sub-steps per slice: the walk is asked for a few calls at a time so the time limit is checked between them. */
const SUB_STEP_REQUESTS = 6;
/**
 * The import waits while the backlog holds more than this many chunks (of MAX_BACKLOG_CHUNKS):
 * the rest is left for what events bring during an injixo outage, so the import never makes the
 * backlog overflow and drop contacts.
 */
export const IMPORT_BACKLOG_LIMIT = MAX_BACKLOG_CHUNKS - 100;
/** Problems kept for the status page; the count of the rest is kept too. */
const MAX_KEPT_PROBLEMS = 10;
const DAY_MS = 86_400_000;
/** No lane carries this epoch, so slices pending at the pause find nothing to do. */
const PAUSED_TOKEN = 'paused';
/**
 * The first slice starts this long after the first delivery run: delivery fires on whole
 * periods, lanes a minute and a second apart, so they rarely meet (the lease would turn the
 * slice away and its Freshdesk calls would be repeated).
 */
const FIRST_SLICE_OFFSET_MS = 3 * 60_000;

export interface ImportView {
  state: ImportRunState;
  window: { from: string; to: string };
  /** Tickets updated up to this time have been listed (the main listing's progress). */
  coveredUntil?: string;
  progress: number;
  tickets: number;
  contacts: number;
  requests: number;
  etaMinutes?: number;
  /** When the walk ended (ISO); set once done. */
  finishedAt?: string;
  problems: string[];
  failure?: string;
  /** The platform's last refusal: what refused, when, and when the walk tries (or tried) again (ISO); `past` once it got through. */
  refusal?: RefusalView;
  /** Lanes the watchdog re-armed after they lost their schedule. */
  resumed?: number;
  /** When the next slice is due (ISO). */
  nextAt?: string;
  /** The CLI command for the history before this window (SPEC §8, docs/import-and-replay.md). */
  cliCommand: string;
}

/**
 * The import CLI's command for the year before `beforeMs`, keys left to the environment. `--to`
 * is rounded UP to the whole second: Freshdesk times are whole seconds, so an object at the
 * window's own second belongs to the CLI exactly when the app's window (starting a few ms into
 * that second) excludes it — no overlap, no gap.
 */
export function historyCommand(host: string, beforeMs: number): string {
  const to = Math.ceil(beforeMs / 1000) * 1000;
  const from = new Date(to - 365 * DAY_MS).toISOString().slice(0, 10);
  return `npm run import -- --domain ${host} --from ${from} --to ${new Date(to).toISOString().slice(0, 19)}Z`;
}

/** The CLI command that refills a gap the app recorded, `[from, to)` as the gap says. */
export function gapCommand(host: string, fromIso: string, toIso: string): string {
  return `npm run import -- --domain ${host} --from ${fromIso} --to ${toIso}`;
}

/**
 * One mechanism walks Freshdesk in scheduled slices for every walk job: the initial import, a
 * replay of a period (replay.ts) and the daily check (check.ts). A job says where its record and
 * taken tickets live, what its schedules are called, what it does with a slice's contacts, what
 * happens once the walk has ended, and what its later steps are (the comparison). Slices run on
 * lanes (walk-chain.ts); at most one walk job runs at a time (startReplay, resumeImport and the
 * daily check's start all check).
 */
export interface WalkJob extends LaneSchedule {
  recordKey: string;
  takenKey: string;
  /** The replay and the check need each contact's ticket (claims); the import does not watch. */
  watchesTickets: boolean;
  /** The record's taken tickets are saved after the record (replay, check: a repeated slice then finds its tickets again) rather than before it (import: a repeated slice must skip them). */
  takenAfterRecord: boolean;
  /** Keeps what a slice found; false when it must be repeated later (the delivery lease was busy). */
  keep: (platform: Platform, record: ImportRecord, walked: SliceWalk) => Promise<boolean>;
  /** The walk has read everything: the record says what comes next (done, or a comparison). */
  walkDone: (platform: Platform, record: ImportRecord) => Promise<void>;
  /**
   * Before walking, with the state read: a step the state shows committed whose record save was
   * refused is taken over from where it ended (the import); undefined when there is none.
   */
  resume?: (platform: Platform, record: ImportRecord, state: AppState) => Promise<StepEnd | undefined>;
  /** Work a slice does instead of walking (the replay's and check's comparison); undefined while there is walking to do. */
  instead?: (platform: Platform, record: ImportRecord) => Promise<StepEnd | undefined>;
  /** Lanes this stage of the record wants (default WALK_LANES). */
  lanesFor?: (record: ImportRecord) => number;
  /** The walk is over (done or failed): its mark in the state goes. */
  ended?: (platform: Platform, record: ImportRecord) => Promise<void>;
  /** What the status page shows of this walk (kept in the state record: publishWalk). */
  view: (record: ImportRecord, nowMs: number) => Record<string, unknown>;
}

/** A walk's view in the state record is refreshed at least this often while it walks (and at every change of phase). */
export const SHOW_EVERY_MS = 30 * 60_000;

/**
 * What the page must see at once when it changes: the walk's state, its stage (walking, waiting
 * for delivery, comparing, cleaning), a refusal, lanes re-armed, a new problem.
 */
function phaseOf(record: ImportRecord): string {
  return [record.state, stageOf(record), refusalOf(record), record.resumed ?? 0, record.problems.length + record.moreProblems].join('|');
}

function stageOf(record: ImportRecord): string {
  if (record.compare) return record.compare.stage;
  return record.walkedAtMs === undefined ? 'walk' : 'wait';
}

function refusalOf(record: ImportRecord): string {
  return record.refusal ? `${record.refusal.at}-${record.refusal.retryAt}` : '';
}

/** Whether the page already shows this phase, recently enough. */
function shownLately(record: ImportRecord, phase: string, nowMs: number): boolean {
  return phase === record.shownPhase && record.shownAtMs !== undefined && nowMs - record.shownAtMs < SHOW_EVERY_MS;
}

/**
 * Keeps the walk's view in the state record, so the status page reads one key (issue 22): at
 * every change of phase (`force`, or phaseOf differs from the phase last shown), and otherwise at
 * most every SHOW_EVERY_MS. Through the commit protocol; when a delivery run holds the lease or
 * the store refuses, the page keeps showing the previous view and a later slice tries again.
 * Call it before the record is saved: the record keeps when and what it last showed.
 */
export async function publishWalk(platform: Pick<Platform, 'db' | 'schedule' | 'now'>, job: Pick<WalkJob, 'kind' | 'view'>, record: ImportRecord, force = false, alsoChange?: (state: AppState) => void): Promise<boolean> {
  const nowMs = platform.now();
  const phase = phaseOf(record);
  if (!force && shownLately(record, phase, nowMs)) return true;
  try {
    const outcome = await updateState(
      platform,
      nowMs,
      (opened) => {
        showWalk(opened.state, job.kind, job.view(record, nowMs));
        alsoChange?.(opened.state);
        return Promise.resolve();
      },
      NO_MAPS,
    );
    if (outcome !== 'done') return false;
    record.shownAtMs = nowMs;
    record.shownPhase = phase;
    return true;
  } catch (error) {
    log('warn', 'PLATFORM_LIMIT', `the status page's view of the ${job.kind} could not be updated now (${describe(error)}); a later slice or the walks' watchdog updates it`);
    return false;
  }
}

/** Whether the state record shows the walk as it is now (its last phase was published). */
export function isShown(record: ImportRecord): boolean {
  return record.shownPhase === phaseOf(record);
}

/** What a step asks for next: this lane again at `at` (at the earliest one lane period later). */
export interface StepEnd {
  at: number;
}

/** A walk job's record, or undefined when there is none. Throws on a refusal (the caller backs off). */
export async function readWalkRecord(db: KeyValueStore, key: string): Promise<ImportRecord | undefined> {
  let value: Record<string, unknown>;
  try {
    value = await db.get(key);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const record = validateImportRecord(value);
  if (record.ok) return record.value;
  log('error', 'STORED_RECORD_UNREADABLE', `the ${key} record cannot be read (${record.error.message}); that walk stops`, { field: record.error.field });
  return undefined;
}

/** The import record, or undefined when this installation has none (no import chosen). */
export function readImportRecord(db: KeyValueStore): Promise<ImportRecord | undefined> {
  return readWalkRecord(db, IMPORT_KEY);
}

export async function saveWalkRecord(db: KeyValueStore, job: Pick<WalkJob, 'recordKey'>, record: ImportRecord): Promise<void> {
  await db.set(job.recordKey, record as unknown as Record<string, unknown>);
}

/** A fresh record for walking [from, to). */
export function newWalkRecord(host: string, from: string, to: string, startedAtMs: number): ImportRecord {
  return {
    v: 1,
    state: 'running',
    host,
    from,
    to,
    cursor: startCursor({ from, to }, to),
    token: '',
    nextAt: 0,
    startedAtMs,
    slices: 0,
    requests: 0,
    contacts: 0,
    waitedForBacklog: 0,
    problems: [],
    moreProblems: 0,
  };
}

/**
 * Starts a walk: its lanes planned in the record, the record stored, then the lanes' schedules
 * (walk-chain.ts planLanes says why in this order). Throws when the record cannot be stored:
 * nothing was started then.
 */
export async function startWalk(platform: Platform, job: WalkJob, record: ImportRecord, firstAtMs: number): Promise<void> {
  const planned = planNewLanes(record, platform.now(), firstAtMs, job.lanesFor?.(record) ?? WALK_LANES);
  await publishWalk(platform, job, record, true);
  await saveWalkRecord(platform.db, job, record);
  await armLanes(platform, job, record.token, planned);
}

/**
 * On install: prepares the walk of [install − days, install) and schedules its lanes.
 * Rule 13: events count from the install on, so the window ends exactly there.
 */
export async function startInitialImport(platform: Platform, host: string, days: number, installedAtMs: number): Promise<void> {
  if (days <= 0) return;
  const from = new Date(installedAtMs - days * DAY_MS).toISOString();
  const to = new Date(installedAtMs).toISOString();
  const record = newWalkRecord(host, from, to, installedAtMs);
  await startWalk(platform, IMPORT_JOB, record, installedAtMs + SCHEDULE_LEAD_MS + FIRST_SLICE_OFFSET_MS);
  await changeMarks(platform, installedAtMs, (marks) => withActive(marks, 'import', true));
  log('info', 'IMPORT_STARTED', `importing tickets and replies created from ${from} to ${to} in the background`, { days });
}

/**
 * The app has no timers, so the walk's waits are accounted, not slept. The pacer's state is
 * carried from slice to slice in the record; within a slice the calls run on a virtual clock
 * that may run at most one minute ahead of the real one, so over any stretch of time the walk
 * stays within its share of the account's limit (SPEC §4) plus one minute's worth. A wait after a
 * 429, a server error, no answer or a nearly spent limit is real: the slice ends and the walk
 * continues after it (record.notBefore).
 */
function appPacing(transport: FreshdeskTransport, pacer: RatePacer, now: () => number): Pick<WalkDeps, 'transport' | 'pacer' | 'now' | 'wait'> {
  let virtualMs = 0;
  let lastCleanAnswer = true;
  const watched: FreshdeskTransport = {
    async get(path, query) {
      let answer: FreshdeskAnswer;
      try {
        answer = await transport.get(path, query);
      } catch (error) {
        lastCleanAnswer = false;
        throw error;
      }
      lastCleanAnswer = !isTransient('freshdesk', answer.status) && !nearlySpent(answer);
      return answer;
    },
  };
  const wait = (ms: number): Promise<boolean> => {
    if (!lastCleanAnswer || virtualMs + ms > VIRTUAL_LEAD_MS) return Promise.resolve(false);
    virtualMs += ms;
    return Promise.resolve(true);
  };
  return { transport: watched, pacer, now: () => now() + virtualMs, wait };
}

/** How far a slice's virtual clock may run ahead of the real one. */
const VIRTUAL_LEAD_MS = 60_000;

function nearlySpent(answer: FreshdeskAnswer): boolean {
  const remaining = Number(headerOf(answer.headers, 'x-ratelimit-remaining'));
  const total = Number(headerOf(answer.headers, 'x-ratelimit-total'));
  return Number.isFinite(remaining) && Number.isFinite(total) && total > 0 && remaining <= Math.max(1, total * 0.05);
}

/** The tickets a job took so far; unreadable or absent means none (a fresh walk). */
async function readTaken(db: KeyValueStore, key: string): Promise<TakenTickets> {
  try {
    const stored = validateTakenRanges(await db.get(key));
    if (stored.ok) return new TakenTickets(stored.value.r);
    log('error', 'STORED_RECORD_UNREADABLE', `the walk's taken tickets cannot be read (${stored.error.message}); tickets updated during the walk may count twice`);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return new TakenTickets();
}

export interface SliceWalk {
  taken: TakenTickets;
  step: StepResult;
  contacts: OfferedContact[];
  requests: number;
  /** The tickets behind the contacts, when the job watches them. */
  witness?: TicketWitness;
}

/** The walk's dependencies for one slice: the app's pacing, the job's taken tickets, and the witness when the job watches. */
function sliceDeps(platform: Platform, settings: Settings, record: ImportRecord, directory: WalkDeps['directory'], taken: TakenTickets, witness: TicketWitness | undefined): WalkDeps & { pacer: RatePacer } {
  const transport = createTemplateTransport(platform.request, record.host);
  const pacer = new RatePacer(DEFAULT_RATE_SHARE, record.pacer);
  const base = appPacing(witness ? witness.watch(transport) : transport, pacer, () => platform.now());
  // Handled contacts come with the initial import only: a replay or check refills offered
  // contacts by difference with the ledger, which counts offered contacts only.
  const handled = settings.handledContacts && record.kind === undefined;
  return { ...base, pacer, directory, replyScope: settings.replyScope, takeOnce: (id) => taken.take(id), restartEveryPage: true, handled };
}

/** What a sub-step met that a person should see: its problems on the record, a platform refusal in the log. */
function noteStep(job: WalkJob, record: ImportRecord, platform: Platform, step: StepResult): void {
  for (const problem of step.problems) noteProblem(record, platform.now(), problem.message);
  // The walk pauses for the platform's minute; support must still see that a call was refused (small seed 811).
  if (step.refusedByPlatform > 0) log('warn', 'PLATFORM_LIMIT', `the platform request limit (50/min) refused a Freshdesk call of the ${job.kind}; it continues after a minute`);
}

/** Walks sub-steps until the request budget, the time budget, a pause or the end. */
async function walkSlice(job: WalkJob, record: ImportRecord, platform: Platform, settings: Settings, directory: { directory: WalkDeps['directory']; requests: number }): Promise<SliceWalk> {
  const startedMs = Date.now();
  const taken = await readTaken(platform.db, job.takenKey);
  const witness = job.watchesTickets ? new TicketWitness() : undefined;
  const deps = sliceDeps(platform, settings, record, directory.directory, taken, witness);
  let cursor = cursorCopy(record);
  const contacts: OfferedContact[] = [];
  // Reading the group names counts against the slice's share too.
  let requests = directory.requests;
  for (;;) {
    witness?.noteCursor(cursor);
    const step = await walkStep(cursor, deps, Math.min(SUB_STEP_REQUESTS, SLICE_REQUESTS - requests));
    requests += step.requests;
    contacts.push(...step.contacts);
    cursor = step.cursor;
    noteStep(job, record, platform, step);
    if (sliceIsOver(step, requests, startedMs)) {
      record.pacer = deps.pacer.snapshot();
      return witness ? { taken, step, contacts, requests, witness } : { taken, step, contacts, requests };
    }
  }
}

/**
 * A deep copy: walkStep copies the cursor shallowly and appends to its arrays, and a slice that
 * cannot hand over (lease busy) must leave the record's cursor exactly as it was.
 */
function cursorCopy(record: ImportRecord): ImportCursor {
  return record.cursor ? (JSON.parse(JSON.stringify(record.cursor)) as ImportCursor) : startCursor({ from: record.from, to: record.to }, record.to);
}

function sliceIsOver(step: StepResult, requests: number, startedMs: number): boolean {
  return step.status !== 'more' || requests >= SLICE_REQUESTS || Date.now() - startedMs > SLICE_WORK_MS;
}

export function noteProblem(record: ImportRecord, nowMs: number, message: string): void {
  log('warn', 'IMPORT_PROBLEM', message);
  if (record.problems.length >= MAX_KEPT_PROBLEMS) record.moreProblems += 1;
  else record.problems.push({ at: new Date(nowMs).toISOString(), message });
}

/** Group names the record keeps at most (JSON bytes); bigger directories are read again each slice. */
const RECORD_DIRECTORY_BYTES = 6 * 1024;
/** How long the record's copy of the group names serves (the delivery run re-reads groups hourly too). */
const RECORD_DIRECTORY_MS = 60 * 60_000;

/**
 * Group names: the delivery state's cache when it has them, else the record's own copy when it is
 * fresh, else read from Freshdesk (and how many calls that took) and kept in the record when small.
 */
async function directoryFor(platform: Platform, record: ImportRecord, cached: WalkDeps['directory'] | undefined): Promise<{ directory: WalkDeps['directory']; requests: number }> {
  if (cached) return { directory: cached, requests: 0 };
  const kept = record.directory;
  if (kept && platform.now() - kept.at < RECORD_DIRECTORY_MS) return { directory: kept.d, requests: 0 };
  const pacer = new RatePacer(DEFAULT_RATE_SHARE, record.pacer);
  const directory = await readDirectory(appPacing(createTemplateTransport(platform.request, record.host), pacer, () => platform.now()));
  if (JSON.stringify(directory).length <= RECORD_DIRECTORY_BYTES) record.directory = { d: directory, at: platform.now() };
  else delete record.directory;
  return { directory, requests: pacer.counters.calls };
}

/** What fired a slice: its lane's token and, after refusals, how many in a row. */
export interface SliceData {
  token: string;
  retry?: number;
  /** When the refusal that this retry follows happened (ms). */
  at?: number;
}

/**
 * One slice of `job` on the lane its schedule names. Never throws and never ends the walk
 * silently: a refusal anywhere reschedules the lane with a back-off (walk-chain.ts) and is logged;
 * anything else is noted as a problem and the lane continues.
 */
export async function runWalkSlice(platform: Platform, settings: Settings, job: WalkJob, data: SliceData): Promise<void> {
  const token = parseLaneToken(data.token);
  const retry = data.retry ?? 0;
  let stored: ImportRecord | undefined;
  try {
    const lease = await takeWalkLease(platform.db, platform.now());
    if (lease === 'refused') return await laneRefused(platform, job, token, retry, undefined, 'the walk lease');
    if (lease === 'busy') return await laneAgain(platform, job, token, platform.now() + LANE_STAGGER_MS, retry);
    const record = await readWalkRecord(platform.db, job.recordKey);
    // A lane of an older walk, a paused one, or a lane the watchdog replaced: nothing to do.
    if (!isExpectedLane(record, token)) return;
    stored = clone(record);
    if (retry > 0) recovered(platform, record, data);
    await workOnLane(platform, settings, job, record, token);
  } catch (error) {
    // The record as it was read, not as the step left it half-changed: only the refusal is added.
    await sliceRefused(platform, job, token, retry, stored, error);
  }
}

/**
 * A slice that retries after a refusal got through: the refusal stays on the page for an hour as
 * "refused at …, continued at …" (its record may not have been able to take it when it happened).
 */
function recovered(platform: Platform, record: ImportRecord, data: SliceData): void {
  const nowMs = platform.now();
  if (!record.refusal || record.refusal.at < (data.at ?? nowMs)) record.refusal = { what: 'kv', at: data.at ?? nowMs, retryAt: nowMs, n: data.retry ?? 1 };
  else record.refusal.retryAt = Math.min(record.refusal.retryAt, nowMs);
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The slice's work once it holds the lease and its lane is expected, then the lane's next slice. */
async function workOnLane(platform: Platform, settings: Settings, job: WalkJob, record: ImportRecord, token: LaneToken): Promise<void> {
  const nowMs = platform.now();
  const holdUntil = record.notBefore ?? 0;
  if (holdUntil > nowMs) return await laneAt(platform, job, record, token, holdUntil + token.lane * LANE_STAGGER_MS);
  const end = await stepOf(platform, settings, job, record);
  if (record.state !== 'running') return await endWalk(platform, job, record);
  forgetOldRefusal(record, nowMs);
  await laneAt(platform, job, record, token, Math.max(end.at, nowMs + LANE_PERIOD_MS, holdUntil));
}

/** The job's own step after the walk (the comparison), else a slice of walking. */
async function stepOf(platform: Platform, settings: Settings, job: WalkJob, record: ImportRecord): Promise<StepEnd> {
  const instead = job.instead ? await job.instead(platform, record) : undefined;
  return instead ?? (await walkAndKeep(platform, settings, job, record));
}

/** A refusal stays on the page for an hour after the walk got past it. */
function forgetOldRefusal(record: ImportRecord, nowMs: number): void {
  if (record.refusal && record.refusal.retryAt < nowMs - REFUSAL_SHOWN_MS) delete record.refusal;
}

/** A slice of walking: the walk, then the job keeps what it found (or waits for the backlog). */
async function walkAndKeep(platform: Platform, settings: Settings, job: WalkJob, record: ImportRecord): Promise<StepEnd> {
  const nowMs = platform.now();
  // The group names for the walk's directory; the pins name contacts only when they are handed over.
  const before = await readState(platform.db, nowMs, { withSpilled: ['groups'] });
  const resumed = await job.resume?.(platform, record, before);
  if (resumed) return resumed;
  if (before.backlog.chunks.length > IMPORT_BACKLOG_LIMIT) return waitForBacklog(job, record, before.backlog.chunks.length, nowMs);
  const wait = deliveryNeedsTheStore(before, nowMs);
  if (wait) return waitForDelivery(job, record, wait, nowMs);
  let walked: SliceWalk;
  try {
    const directory = await directoryFor(platform, record, before.directory);
    walked = await walkSlice(job, record, platform, settings, directory);
  } catch (error) {
    return sliceFailed(job, record, error, nowMs);
  }
  return await keepSlice(platform, job, record, walked);
}

/**
 * Delivery runs this many periods behind the last settled slot mean event intake is waiting for
 * the minute's KV operations (runs refused, or each run too big for the minute). One period
 * behind is a run that is simply due.
 */
export const DELIVERY_BEHIND_PERIODS = 2;
/**
 * After a delivery run saw event records the KV limit had held (attribution-hold.ts notes when),
 * walks read nothing for this long: the store is saturated by the events themselves, and a
 * slice's KV operations are the ones delivery lacks. Two delivery periods: while the limit is
 * still reached, every run (one a period) sees held records again before the pause ends.
 */
export const WALK_PAUSE_AFTER_LIMIT_MS = 2 * DELIVERY_PERIOD_MINUTES * 60_000;

/**
 * Why a walk must leave the minute's KV operations to delivery now, and until when; undefined
 * when it may read. Issue 20 item 1: a walking check took a 12,000-ticket account's delivery down
 * at 60 events a minute, which delivery alone carried — its slices (nine KV operations a minute)
 * took the headroom, delivery runs were refused, and once behind they never caught up.
 */
export function deliveryNeedsTheStore(state: AppState, nowMs: number): { why: string; until: number } | undefined {
  const behind = lastSettledSlot(nowMs) - state.cursor;
  // As long as the pause: a lane that looked every lane period cost its three reads a minute across the lanes
  // (the largest profile, 2026-12-07), where the events left delivery some 14 operations a minute.
  if (behind > DELIVERY_BEHIND_PERIODS) return { why: `delivery runs are ${behind * DELIVERY_PERIOD_MINUTES} minutes behind the events`, until: nowMs + WALK_PAUSE_AFTER_LIMIT_MS };
  const heldAt = state.lateFactsSeenAt;
  if (heldAt === undefined || nowMs - heldAt >= WALK_PAUSE_AFTER_LIMIT_MS) return undefined;
  return { why: `the KV limit held event records ${Math.round((nowMs - heldAt) / 60_000)} minutes ago`, until: heldAt + WALK_PAUSE_AFTER_LIMIT_MS };
}

/** The lane comes back when the reason has passed (at least a lane period later); the slice spent only its lease, record and state reads. */
function waitForDelivery(job: WalkJob, record: ImportRecord, wait: { why: string; until: number }, nowMs: number): StepEnd {
  record.waitedForBacklog += 1;
  const at = Math.max(wait.until, nowMs + LANE_PERIOD_MS);
  log('info', 'IMPORT_WAITING', `${wait.why}; the ${job.kind} reads nothing until ${new Date(at).toISOString()} so that delivery has the KV operations`);
  return { at };
}

function waitForBacklog(job: WalkJob, record: ImportRecord, chunks: number, nowMs: number): StepEnd {
  record.waitedForBacklog += 1;
  log('info', 'IMPORT_WAITING', `the delivery backlog holds ${chunks * CHUNK_CONTACTS} contacts or so; the ${job.kind} waits for it to drain`);
  return { at: nowMs + LANE_PERIOD_MS };
}

/** Hands the slice's contacts to the job; the cursor moves only when they were kept. */
async function keepSlice(platform: Platform, job: WalkJob, record: ImportRecord, walked: SliceWalk): Promise<StepEnd> {
  const nowMs = platform.now();
  if (!(await job.keep(platform, record, walked))) {
    log('info', 'IMPORT_BUSY', `a delivery run was under way; this ${job.kind} slice is repeated later`);
    return { at: nowMs };
  }
  record.slices += 1;
  record.requests += walked.requests;
  record.cursor = walked.step.cursor;
  record.contacts += walked.contacts.length;
  if (job.takenAfterRecord) takenToSave.set(record, walked.taken);
  else await saveTaken(platform, job.takenKey, walked.taken, record);
  const resumeAt = walked.step.resumeAt;
  // A Retry-After (or the platform's own minute) holds every lane, not only this one.
  if (resumeAt !== undefined && resumeAt > nowMs + LANE_STAGGER_MS) record.notBefore = resumeAt;
  if (walked.step.status === 'done') await job.walkDone(platform, record);
  return { at: resumeAt ?? nowMs };
}

/** Taken tickets that jobs with takenAfterRecord save once the record is stored. */
const takenToSave = new WeakMap<ImportRecord, TakenTickets>();

/**
 * The lane's next slice at `atMs` (this lane gone idle when the stage wants fewer lanes, idle
 * lanes it wants woken): planned, the record stored, the schedules created.
 */
async function laneAt(platform: Platform, job: WalkJob, record: ImportRecord, token: LaneToken, atMs: number): Promise<void> {
  const wanted = job.lanesFor?.(record) ?? WALK_LANES;
  const planned: PlannedLane[] = token.lane < wanted ? [{ lane: token.lane, gen: token.gen, at: Math.max(atMs, platform.now() + SCHEDULE_LEAD_MS) }] : [];
  if (token.lane >= wanted) planLanes(record, [{ lane: token.lane, gen: token.gen, at: 0 }]);
  planLanes(record, planned);
  const idle = lanesOf(record).flatMap(([, at], lane) => (at === 0 && lane < wanted ? [lane] : []));
  for (let lane = lanesOf(record).length; lane < wanted; lane += 1) idle.push(lane);
  const woken = planRearm(record, platform.now(), idle);
  await publishWalk(platform, job, record);
  await saveWalkRecord(platform.db, job, record);
  const taken = takenToSave.get(record);
  if (taken) await saveTaken(platform, job.takenKey, taken, record);
  await armLanes(platform, job, record.token, [...planned, ...woken]);
}

/**
 * The walk is over (done or failed): stored with no lane due. Its last view and the end of its
 * mark go into the state in one commit; when that is refused (a delivery run holds the lease, the
 * KV limit) the mark stays, and the walks' watchdog publishes the view and clears the mark later.
 */
async function endWalk(platform: Platform, job: WalkJob, record: ImportRecord): Promise<void> {
  planLanes(record, lanesOf(record).map(([gen], lane) => ({ lane, gen, at: 0 })));
  delete record.refusal;
  delete record.notBefore;
  await publishWalk(platform, job, record, true, (state) => applyMarks(state, (marks) => withActive(marks, job.kind, false)));
  await saveWalkRecord(platform.db, job, record);
  await job.ended?.(platform, record);
}

/** The same lane again later, with the same retry count (the walk lease was busy). */
async function laneAgain(platform: Platform, job: WalkJob, token: LaneToken, atMs: number, retry: number): Promise<void> {
  await armLanes(platform, job, token.epoch, [{ lane: token.lane, gen: token.gen, at: atMs }], retry);
}

/**
 * A refusal: the lane tries again after a back-off that doubles with this lane's refusals in a
 * row (the count rides in its schedule's data), the refusal is logged and, when the store lets
 * it, recorded for the status page together with a hold on every lane until then: the walk steps
 * back and leaves the minute's KV operations to event intake. The count is the lane's own, not
 * the record's: a refusal an hour after the last one starts again at one lane period (sharing the
 * count made unrelated refusals hold the whole walk 12, 24, 48 minutes: the 30-day import met the
 * KV limit 190 times and took 2.50 days, bench/run-in-app-import.ts "what binds").
 */
async function laneRefused(platform: Platform, job: WalkJob, token: LaneToken, retry: number, record: ImportRecord | undefined, detail: string): Promise<void> {
  const nowMs = platform.now();
  const n = retry + 1;
  const retryAt = nowMs + backoffMs(n);
  const planned = [{ lane: token.lane, gen: token.gen, at: retryAt }];
  if (record) {
    noteRefusal(record, job.kind, 'kv', nowMs, retryAt, detail);
    (record.refusal as WalkRefusal).n = n;
    record.notBefore = Math.max(record.notBefore ?? 0, retryAt);
    planLanes(record, planned);
    // The page's sentence goes into the state record (best effort: the store may refuse that
    // too); when the record's own write is refused, the schedule's data still carries the count.
    await publishWalk(platform, job, record, true);
    await saveWalkRecord(platform.db, job, record).catch(() => undefined);
  } else {
    logRefusal(job.kind, 'kv', retryAt, detail);
  }
  await armLanes(platform, job, token.epoch, planned, n);
}

/** How long a refusal the walk got past stays on the status page. */
export const REFUSAL_SHOWN_MS = 60 * 60_000;

/** A failed slice: a refusal backs off; anything else (a defect) is noted as a problem and backs off the same way. */
async function sliceRefused(platform: Platform, job: WalkJob, token: LaneToken, retry: number, record: ImportRecord | undefined, error: unknown): Promise<void> {
  if (record && !isTooManyRequests(error)) noteProblem(record, platform.now(), `a ${job.kind} slice stopped (${describe(error)}); it continues in a later slice`);
  await laneRefused(platform, job, token, retry, record, describe(error));
}

/** One slice of the initial import, fired by an `import` schedule carrying its lane token. */
export function runImportSlice(platform: Platform, settings: Settings, data: SliceData): Promise<void> {
  return runWalkSlice(platform, settings, IMPORT_JOB, data);
}

/**
 * Through the commit protocol (delivery/commit/commit.ts: under the delivery lease, after any
 * pending hand-off): names the contacts (rule 4 pins), appends them to the backlog, and marks the
 * state with this step's id in the same commit. The cursor after the step is written first, under
 * IMPORT_STEP_KEY: a slice whose record save was then refused finds its id in the state and
 * continues from exactly that cursor (resumeImportStep) — it neither hands the contacts over twice
 * nor walks past contacts it never handed over. Returns false when a delivery run holds the lease.
 */
async function handOver(platform: Platform, record: ImportRecord, walked: SliceWalk): Promise<boolean> {
  const { db } = platform;
  const nowMs = platform.now();
  const stepId = importStepId(record);
  if (walked.contacts.length === 0) return true;
  await db.set(IMPORT_STEP_KEY, { id: stepId, cursor: walked.step.cursor, n: walked.contacts.length, r: walked.requests });
  const outcome = await updateState(platform, nowMs, async (opened) => {
    const marks = withActive(opened.state.walk ?? {}, 'import', true);
    if (marks.s !== stepId) await writeChunks(db, BACKLOG_PREFIX, opened.state.backlog, applyPinnedNames(opened.state, walked.contacts));
    opened.state.walk = tidyMarks({ ...marks, s: stepId }) ?? {};
  });
  return outcome !== 'busy';
}

function importStepId(record: ImportRecord): string {
  return `import:${record.token}:${record.slices}`;
}

/** A slice the state shows handed over, whose record save was refused: taken over from the cursor it ended at. */
async function resumeImportStep(platform: Platform, record: ImportRecord, state: AppState): Promise<StepEnd | undefined> {
  const stepId = importStepId(record);
  if (state.walk?.s !== stepId) return undefined;
  const step = await readImportStep(platform.db);
  const cursor = committedCursor(record, step, stepId);
  if (!cursor) return undefined;
  adoptStep(record, cursor, step ?? {});
  if (cursor.phase === 'done' && cursor.pending.length === 0) await finishImport(platform, record);
  return { at: platform.now() };
}

function adoptStep(record: ImportRecord, cursor: ImportCursor, step: Record<string, unknown>): void {
  record.cursor = cursor;
  record.slices += 1;
  record.contacts += numberOr0(step.n);
  record.requests += numberOr0(step.r);
}

async function readImportStep(db: KeyValueStore): Promise<Record<string, unknown> | undefined> {
  try {
    return await db.get(IMPORT_STEP_KEY);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return undefined;
  }
}

/** The cursor a stored step ended at, when it is this step's and readable. */
function committedCursor(record: ImportRecord, step: Record<string, unknown> | undefined, stepId: string): ImportCursor | undefined {
  if (step?.id !== stepId) return undefined;
  const checked = validateImportRecord({ ...record, cursor: step.cursor });
  return checked.ok ? checked.value.cursor : undefined;
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/** Saves a job's taken tickets, trimmed to what one KV value holds (see TakenTickets.trim). */
export async function saveTaken(platform: Platform, key: string, taken: TakenTickets, record: ImportRecord): Promise<void> {
  const forgotten = taken.trim();
  if (forgotten > 0) noteProblem(record, platform.now(), `the record of tickets already taken reached its size limit; ${forgotten} of the oldest were forgotten, so any of them updated again before the walk ends may count twice`);
  await platform.db.set(key, { r: taken.pairs() });
}

function finishImport(platform: Platform, record: ImportRecord): Promise<void> {
  record.state = 'done';
  record.finishedAtMs = platform.now();
  record.ticketsRead = record.cursor?.counters.ticketsRead ?? 0;
  delete record.cursor;
  log('info', 'IMPORT_DONE', `the import of ${record.from} to ${record.to} is complete: ${record.contacts} contacts`, { requests: record.requests, slices: record.slices });
  return Promise.resolve();
}

/** After the walk (its mark went with its last view, endWalk): the last contacts go out with the next run rather than up to a delivery period later. */
async function importEnded(platform: Platform, record: ImportRecord): Promise<void> {
  if (record.state === 'done') await scheduleDeliverySoon(platform.schedule, platform.now());
}

export const IMPORT_JOB: WalkJob = {
  kind: SCHEDULE_KINDS.import,
  recordKey: IMPORT_KEY,
  takenKey: IMPORT_TAKEN_KEY,
  scheduleName: importScheduleName,
  watchesTickets: false,
  takenAfterRecord: false,
  keep: (platform, record, walked) => handOver(platform, record, walked),
  resume: resumeImportStep,
  walkDone: finishImport,
  ended: importEnded,
  view: (record, nowMs) => ({ ...importView(record, nowMs) }),
};

/** Key or admin refusals stop the walk (no retry can fix them); anything else is retried later. */
function sliceFailed(job: WalkJob, record: ImportRecord, error: unknown, nowMs: number): StepEnd {
  const message = (error as { message?: string } | undefined)?.message ?? String(error);
  if (isAppError(error) && (error.code === 'FRESHDESK_KEY_REJECTED' || error.code === 'FRESHDESK_NOT_ADMIN')) {
    record.state = 'failed';
    record.failure = message;
    log('error', 'IMPORT_FAILED', `the ${job.kind} stopped: ${message}`);
    return { at: nowMs };
  }
  if (isTooManyRequests(error)) throw error;
  noteProblem(record, nowMs, `a slice could not read Freshdesk and is repeated later: ${message}`);
  return { at: nowMs };
}

/** The status page's pause button: the pending slices find the record paused and do nothing. */
export async function pauseImport(platform: Platform): Promise<ImportView | undefined> {
  const record = await readImportRecord(platform.db);
  if (!record) return undefined;
  if (record.state === 'running') {
    record.state = 'paused';
    record.token = PAUSED_TOKEN;
    planLanes(record, lanesOf(record).map(([gen], lane) => ({ lane, gen, at: 0 })));
    await publishWalk(platform, IMPORT_JOB, record, true);
    await saveWalkRecord(platform.db, IMPORT_JOB, record);
    log('info', 'IMPORT_PAUSED', 'the import was paused from the status page');
  }
  return importView(record, platform.now());
}

async function anotherWalkRuns(db: KeyValueStore): Promise<boolean> {
  return isWalking(await readWalkRecord(db, REPLAY_KEY)) || isWalking(await readWalkRecord(db, CHECK_KEY));
}

/** Paused, stopped, or running with every lane lost (the watchdog would re-arm it soon anyway). */
function isResumable(record: ImportRecord, nowMs: number): boolean {
  if (record.state === 'paused' || record.state === 'failed') return true;
  return record.state === 'running' && stalledLanes(record, nowMs).length > 0;
}

/** Whether a walk job's record is walking now. A running walk always is: the watchdog re-arms lanes it lost. */
export function isWalking(record: ImportRecord | undefined): boolean {
  return record?.state === 'running';
}

/**
 * The resume button: new lanes under a new epoch, the first ≥ SCHEDULE_LEAD_MS ahead. Not while
 * a replay or the daily check walks: one walk job at a time shares the platform's requests.
 */
export async function resumeImport(platform: Platform): Promise<ImportView | undefined> {
  const record = await readImportRecord(platform.db);
  if (!record) return undefined;
  if (await anotherWalkRuns(platform.db)) {
    log('info', 'IMPORT_NOT_RESUMED', 'the import was not resumed: a replay or the daily check is running; resume it once that is done');
    return importView(record, platform.now());
  }
  if (isResumable(record, platform.now())) {
    record.state = 'running';
    delete record.failure;
    delete record.notBefore;
    delete record.refusal;
    await startWalk(platform, IMPORT_JOB, record, platform.now());
    await changeMarks(platform, platform.now(), (marks) => withActive(marks, 'import', true));
    log('info', 'IMPORT_RESUMED', 'the import was resumed from the status page');
  }
  return importView(record, platform.now());
}

export interface RefusalView {
  what: WalkRefusal['what'];
  at: string;
  retryAt: string;
  past: boolean;
}

export function refusalView(refusal: Pick<WalkRefusal, 'what' | 'at' | 'retryAt'>, nowMs: number): RefusalView {
  return { what: refusal.what, at: new Date(refusal.at).toISOString(), retryAt: new Date(refusal.retryAt).toISOString(), past: refusal.retryAt <= nowMs };
}

/** What the status page shows of any walk job: window, progress, counts, ETA, problems. */
export type WalkView = Omit<ImportView, 'cliCommand'>;

export function walkView(record: ImportRecord, nowMs: number): WalkView {
  const progress = record.state === 'done' ? 1 : record.cursor ? walkProgress(record.cursor) : 0;
  const view: WalkView = {
    state: record.state,
    window: { from: record.from, to: record.to },
    progress,
    tickets: ticketsRead(record),
    contacts: record.contacts,
    requests: record.requests,
    problems: problemLines(record),
  };
  const optional: Record<string, string | number | undefined> = {
    failure: record.failure,
    finishedAt: record.finishedAtMs === undefined ? undefined : new Date(record.finishedAtMs).toISOString(),
    coveredUntil: coveredUntil(record),
    etaMinutes: etaMinutes(record, progress, nowMs),
  };
  // Only the fields that have a value: the page tells "absent" from "zero".
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(view, { [key]: value });
  return Object.assign(view, runningParts(record, nowMs));
}

/** What only a running walk shows: its last refusal (up to an hour after), lanes it got back, its next slice. */
function runningParts(record: ImportRecord, nowMs: number): Pick<WalkView, 'refusal' | 'resumed' | 'nextAt'> {
  const parts: Pick<WalkView, 'refusal' | 'resumed' | 'nextAt'> = {};
  if (record.state !== 'running') return parts;
  if (record.refusal && record.refusal.retryAt > nowMs - REFUSAL_SHOWN_MS) parts.refusal = refusalView(record.refusal, nowMs);
  if ((record.resumed ?? 0) > 0) parts.resumed = record.resumed as number;
  if (record.nextAt > 0) parts.nextAt = new Date(record.nextAt).toISOString();
  return parts;
}

function ticketsRead(record: ImportRecord): number {
  return record.cursor?.counters.ticketsRead ?? record.ticketsRead ?? 0;
}

function problemLines(record: ImportRecord): string[] {
  const more = record.moreProblems > 0 ? [`… and ${record.moreProblems} more (see the app log)`] : [];
  return record.problems.map((p) => p.message).concat(more);
}

/** Tickets updated up to this time have been listed: the main listing's position, capped at the window end. */
function coveredUntil(record: ImportRecord): string | undefined {
  const cursor = record.cursor;
  if (record.state === 'done' || (cursor && cursor.phase !== 'tickets')) return record.to;
  if (!cursor?.lastUpdatedAt) return undefined;
  return Date.parse(cursor.lastUpdatedAt) < Date.parse(record.to) ? cursor.lastUpdatedAt : record.to;
}

/** The pace so far (slices are what bounds it in the app), extrapolated to what remains. */
function etaMinutes(record: ImportRecord, progress: number, nowMs: number): number | undefined {
  if (record.state !== 'running' || progress <= 0) return undefined;
  const elapsed = Math.max(0, nowMs - record.startedAtMs);
  return Math.ceil((elapsed * (1 - progress)) / progress / 60_000);
}

export function importView(record: ImportRecord, nowMs: number): ImportView {
  return { ...walkView(record, nowMs), cliCommand: historyCommand(record.host, Date.parse(record.from)) };
}

