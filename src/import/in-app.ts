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
import { updateState } from '../delivery/commit/commit';
import { showWalk } from '../delivery/status/walk-views';
import { applyPinnedNames } from '../delivery/accounting/queue-names';
import { scheduleDeliverySoon } from '../delivery/run/schedule-runs';
import { readState } from '../delivery/commit/state';
import { log } from '../platform/log';
import { isNotFound } from '../platform/refusals';
import { SCHEDULE_LEAD_MS } from '../platform/schedule-lead';
import type { KeyValueStore, Platform } from '../platform/types';
import { isAppError } from '../remote/errors';
import type { Settings } from '../schemas/iparams';
import { BACKLOG_PREFIX, IMPORT_KEY, IMPORT_TAKEN_KEY, importScheduleName, REPLAY_KEY, SCHEDULE_KINDS } from '../storage/keys';
import { startCursor, walkProgress, type ImportCursor } from './cursor';
import { validateImportRecord, validateTakenRanges, type ImportRecord, type ImportRunState } from './import-record';
import { TakenTickets } from './taken-tickets';
import { TicketWitness } from './ticket-witness';
import { DEFAULT_RATE_SHARE, RatePacer, ticketListLimitFor } from './rate-pacer';
import { createTemplateTransport } from './template-transport';
import { headerOf, type FreshdeskAnswer, type FreshdeskTransport } from './transport';
import { readDirectory, walkStep, type StepResult, type WalkDeps } from './walk';

/** Freshdesk calls per slice: with one slice per ≥ 6 minutes, delivery keeps ≥ 30 of the platform's 50 a minute. */
export const SLICE_REQUESTS = 20;
/** A slice stops starting calls after this long, leaving room for its KV writes within 20 s. */
export const SLICE_WORK_MS = 12_000;
/** Sub-steps per slice: the walk is asked for a few calls at a time so the time limit is checked between them. */
const SUB_STEP_REQUESTS = 5;
/**
 * The import waits while the backlog holds more than this many chunks (of MAX_BACKLOG_CHUNKS):
 * the rest is left for what events bring during an injixo outage, so the import never makes the
 * backlog overflow and drop contacts.
 */
export const IMPORT_BACKLOG_LIMIT = MAX_BACKLOG_CHUNKS - 100;
/** Problems kept for the status page; the count of the rest is kept too. */
const MAX_KEPT_PROBLEMS = 10;
const DAY_MS = 86_400_000;
/** No schedule carries this token, so a slice pending at the pause finds nothing to do. */
const PAUSED_TOKEN = 'paused';
/** A running import whose slice is this late has lost its schedule. */
const STALLED_AFTER_MS = 30 * 60_000;
/**
 * The first slice starts this long after the first delivery run: with slices 6 minutes apart
 * and delivery every 10, the two then never fire at the same minute (the lease would turn the
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
 * One mechanism walks Freshdesk in scheduled slices for every walk job: the initial import and
 * a replay of a period (replay.ts). A job says where its record and taken tickets live, what
 * its schedules are called, what it does with a slice's contacts and what happens once the
 * walk has ended. At most one job walks at a time (startReplay and resumeImport check).
 */
export interface WalkJob {
  kind: typeof SCHEDULE_KINDS.import | typeof SCHEDULE_KINDS.replay;
  recordKey: string;
  takenKey: string;
  scheduleName: (nowMs: number) => string;
  /** The replay needs each contact's ticket (claims); the import does not watch. */
  watchesTickets: boolean;
  /** Keeps what a slice found; false when it must be repeated later (the delivery lease was busy). */
  keep: (platform: Platform, record: ImportRecord, walked: SliceWalk) => Promise<boolean>;
  /** The walk has read everything. */
  walkDone: (platform: Platform, record: ImportRecord) => Promise<void>;
  /** Work a slice does instead of walking (the replay's comparison); true when it did. */
  instead?: (platform: Platform, record: ImportRecord) => Promise<boolean>;
  /** What the status page shows of this walk (kept in the state record: publishWalk). */
  view: (record: ImportRecord, nowMs: number) => Record<string, unknown>;
}

/** A walk's view in the state record is refreshed at least this often while it walks (and at every change of phase). */
export const SHOW_EVERY_MS = 30 * 60_000;

/**
 * Keeps the walk's view in the state record, so the status page reads one key (issue 22): at
 * every change of phase (`force`), and otherwise at most every SHOW_EVERY_MS. Through the commit
 * protocol; when a delivery run holds the lease or the store refuses, the page keeps showing the
 * previous view and a later slice tries again.
 */
export async function publishWalk(platform: Platform, job: WalkJob, record: ImportRecord, force: boolean): Promise<void> {
  const nowMs = platform.now();
  if (!force && record.shownAtMs !== undefined && nowMs - record.shownAtMs < SHOW_EVERY_MS) return;
  try {
    const outcome = await updateState(platform, nowMs, (opened) => {
      showWalk(opened.state, job.kind, job.view(record, nowMs));
      return Promise.resolve();
    });
    if (outcome === 'done') record.shownAtMs = nowMs;
  } catch (error) {
    log('warn', 'PLATFORM_LIMIT', `the status page's view of the ${job.kind} could not be updated now (${(error as { message?: string }).message ?? String(error)}); a later slice updates it`);
  }
}

/** A walk job's record, or undefined when there is none. */
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

export async function saveWalkRecord(db: KeyValueStore, job: WalkJob, record: ImportRecord): Promise<void> {
  await db.set(job.recordKey, record as unknown as Record<string, unknown>);
}

/** Schedules the record's next slice at `atMs` (never sooner than the platform allows) under a new token. */
async function scheduleSlice(platform: Platform, job: WalkJob, record: ImportRecord, atMs: number): Promise<void> {
  const nowMs = platform.now();
  const at = Math.max(atMs, nowMs + SCHEDULE_LEAD_MS);
  const token = job.scheduleName(nowMs);
  await platform.schedule.create({ name: token, data: { kind: job.kind, token }, schedule_at: new Date(at).toISOString() });
  record.token = token;
  record.nextAt = at;
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
 * On install: prepares the walk of [install − days, install) and schedules its first slice.
 * Rule 13: events count from the install on, so the window ends exactly there.
 */
export async function startInitialImport(platform: Platform, host: string, days: number, installedAtMs: number): Promise<void> {
  if (days <= 0) return;
  const from = new Date(installedAtMs - days * DAY_MS).toISOString();
  const to = new Date(installedAtMs).toISOString();
  const record = newWalkRecord(host, from, to, installedAtMs);
  await scheduleSlice(platform, IMPORT_JOB, record, installedAtMs + SCHEDULE_LEAD_MS + FIRST_SLICE_OFFSET_MS);
  await publishWalk(platform, IMPORT_JOB, record, true);
  await saveWalkRecord(platform.db, IMPORT_JOB, record);
  log('info', 'IMPORT_STARTED', `importing tickets and replies created from ${from} to ${to} in the background`, { days });
}

/**
 * The app has no timers, so the walk's waits are accounted, not slept: a slice makes at most
 * SLICE_REQUESTS calls and the next one starts ≥ 6 minutes later, so spacing the calls on a
 * virtual clock over at most one minute keeps every real minute within the configured share.
 * A wait after a 429, a server error, no answer or a nearly spent limit is real: the slice ends
 * and the next one is scheduled after it.
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
    const spacing = 60_000 / (pacer.share * ticketListLimitFor(pacer.callsPerMinute() / pacer.share));
    if (!lastCleanAnswer || ms > spacing || virtualMs + ms > 60_000) return Promise.resolve(false);
    virtualMs += ms;
    return Promise.resolve(true);
  };
  return { transport: watched, pacer, now: () => now() + virtualMs, wait };
}

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
function sliceDeps(platform: Platform, settings: Settings, record: ImportRecord, directory: WalkDeps['directory'], taken: TakenTickets, witness: TicketWitness | undefined): WalkDeps {
  const transport = createTemplateTransport(platform.request, record.host);
  const base = appPacing(witness ? witness.watch(transport) : transport, new RatePacer(DEFAULT_RATE_SHARE), () => platform.now());
  // Handled contacts come with the initial import only: a replay refills offered contacts by
  // difference with the ledger, which counts offered contacts only.
  const handled = settings.handledContacts && record.kind !== 'replay';
  return { ...base, directory, replyScope: settings.replyScope, takeOnce: (id) => taken.take(id), restartEveryPage: true, handled };
}

/** Walks sub-steps until the request budget, the time budget, a pause or the end. */
async function walkSlice(job: WalkJob, record: ImportRecord, platform: Platform, settings: Settings, directory: WalkDeps['directory']): Promise<SliceWalk> {
  const startedMs = Date.now();
  const taken = await readTaken(platform.db, job.takenKey);
  const witness = job.watchesTickets ? new TicketWitness() : undefined;
  const deps = sliceDeps(platform, settings, record, directory, taken, witness);
  let cursor = cursorCopy(record);
  const contacts: OfferedContact[] = [];
  let requests = 0;
  for (;;) {
    witness?.noteCursor(cursor);
    const step = await walkStep(cursor, deps, Math.min(SUB_STEP_REQUESTS, SLICE_REQUESTS - requests));
    requests += step.requests;
    contacts.push(...step.contacts);
    cursor = step.cursor;
    for (const problem of step.problems) noteProblem(record, platform.now(), problem.message);
    if (sliceIsOver(step, requests, startedMs)) return witness ? { taken, step, contacts, requests, witness } : { taken, step, contacts, requests };
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

function noteProblem(record: ImportRecord, nowMs: number, message: string): void {
  log('warn', 'IMPORT_PROBLEM', message);
  if (record.problems.length >= MAX_KEPT_PROBLEMS) record.moreProblems += 1;
  else record.problems.push({ at: new Date(nowMs).toISOString(), message });
}

/** Group names from the delivery state's cache when it has them (no calls), else from Freshdesk. */
function directoryFor(platform: Platform, record: ImportRecord, cached: WalkDeps['directory'] | undefined): Promise<WalkDeps['directory']> {
  if (cached) return Promise.resolve(cached);
  const base = appPacing(createTemplateTransport(platform.request, record.host), new RatePacer(DEFAULT_RATE_SHARE), () => platform.now());
  return readDirectory(base);
}

/** One slice of `job`, fired by its schedule carrying `token`. */
export async function runWalkSlice(platform: Platform, settings: Settings, job: WalkJob, token: string): Promise<void> {
  const record = await readWalkRecord(platform.db, job.recordKey);
  // A slice of an older chain (pause, then resume) or of a finished walk does nothing.
  if (!isExpected(record, token) || (await job.instead?.(platform, record)) === true) return;
  const nowMs = platform.now();
  const before = await readState(platform.db, nowMs, { withSpilled: true });
  if (before.backlog.chunks.length > IMPORT_BACKLOG_LIMIT) return await waitForBacklog(platform, job, record, before.backlog.chunks.length);
  let walked: SliceWalk;
  try {
    const directory = await directoryFor(platform, record, before.directory);
    walked = await walkSlice(job, record, platform, settings, directory);
  } catch (error) {
    return await sliceFailed(platform, job, record, error);
  }
  await keepSlice(platform, job, record, walked);
}

function isExpected(record: ImportRecord | undefined, token: string): record is ImportRecord {
  return record?.state === 'running' && record.token === token;
}

async function waitForBacklog(platform: Platform, job: WalkJob, record: ImportRecord, chunks: number): Promise<void> {
  record.waitedForBacklog += 1;
  log('info', 'IMPORT_WAITING', `the delivery backlog holds ${chunks * CHUNK_CONTACTS} contacts or so; the ${job.kind} waits for it to drain`);
  await continueLater(platform, job, record, platform.now());
}

/** Hands the slice's contacts to the job, then schedules the next slice or ends the walk. */
async function keepSlice(platform: Platform, job: WalkJob, record: ImportRecord, walked: SliceWalk): Promise<void> {
  record.slices += 1;
  record.requests += walked.requests;
  let kept: boolean;
  try {
    kept = await job.keep(platform, record, walked);
  } catch (error) {
    // The KV limit refused a write: keep the chain alive; the slice is repeated (its taken
    // tickets may not be saved, so what it handed over can be sent again — a duplicate, not a loss).
    return await sliceFailed(platform, job, record, error);
  }
  if (!kept) {
    log('info', 'IMPORT_BUSY', `a delivery run was under way; this ${job.kind} slice is repeated later`);
    return await continueLater(platform, job, record, platform.now());
  }
  if (walked.step.status === 'done') return await job.walkDone(platform, record);
  await continueLater(platform, job, record, walked.step.resumeAt ?? platform.now());
}

/** One slice of the initial import, fired by an `import` schedule carrying `token`. */
export function runImportSlice(platform: Platform, settings: Settings, token: string): Promise<void> {
  return runWalkSlice(platform, settings, IMPORT_JOB, token);
}

/**
 * Through the commit protocol (delivery/commit/commit.ts: under the delivery lease, after any
 * pending hand-off): names the contacts (rule 4 pins), appends them to the backlog and commits
 * the state, then saves the cursor. Returns false when a delivery run holds the lease. A failure
 * between the state write and the cursor write repeats the slice, whose taken tickets then skip
 * what it handed over: nothing is sent twice.
 */
async function handOver(platform: Platform, record: ImportRecord, walked: SliceWalk): Promise<boolean> {
  const { db } = platform;
  const nowMs = platform.now();
  if (walked.contacts.length > 0) {
    const outcome = await updateState(platform, nowMs, async (opened) => {
      const named = applyPinnedNames(opened.state, walked.contacts);
      await writeChunks(db, BACKLOG_PREFIX, opened.state.backlog, named);
    });
    if (outcome === 'busy') return false;
  }
  // After the state: a slice repeated from here skips what it had taken, so nothing is sent twice.
  await saveTaken(platform, IMPORT_TAKEN_KEY, walked.taken, record);
  record.cursor = walked.step.cursor;
  record.contacts += walked.contacts.length;
  await saveWalkRecord(db, IMPORT_JOB, record);
  return true;
}

/** Saves a job's taken tickets, trimmed to what one KV value holds (see TakenTickets.trim). */
export async function saveTaken(platform: Platform, key: string, taken: TakenTickets, record: ImportRecord): Promise<void> {
  const forgotten = taken.trim();
  if (forgotten > 0) noteProblem(record, platform.now(), `the record of tickets already taken reached its size limit; ${forgotten} of the oldest were forgotten, so any of them updated again before the walk ends may count twice`);
  await platform.db.set(key, { r: taken.pairs() });
}

export async function continueLater(platform: Platform, job: WalkJob, record: ImportRecord, atMs: number, phaseChanged = false): Promise<void> {
  await scheduleSlice(platform, job, record, atMs);
  await publishWalk(platform, job, record, phaseChanged);
  await saveWalkRecord(platform.db, job, record);
}

async function finishImport(platform: Platform, record: ImportRecord): Promise<void> {
  record.state = 'done';
  record.finishedAtMs = platform.now();
  record.ticketsRead = record.cursor?.counters.ticketsRead ?? 0;
  delete record.cursor;
  await publishWalk(platform, IMPORT_JOB, record, true);
  await saveWalkRecord(platform.db, IMPORT_JOB, record);
  // The last contacts go out with the next run rather than up to a delivery period later.
  await scheduleDeliverySoon(platform.schedule, platform.now());
  log('info', 'IMPORT_DONE', `the import of ${record.from} to ${record.to} is complete: ${record.contacts} contacts`, { requests: record.requests, slices: record.slices });
}

export const IMPORT_JOB: WalkJob = {
  kind: SCHEDULE_KINDS.import,
  recordKey: IMPORT_KEY,
  takenKey: IMPORT_TAKEN_KEY,
  scheduleName: importScheduleName,
  watchesTickets: false,
  keep: (platform, record, walked) => handOver(platform, record, walked),
  walkDone: finishImport,
  view: (record, nowMs) => ({ ...importView(record, nowMs) }),
};

/** Key or admin refusals stop the walk (no retry can fix them); anything else is retried later. */
async function sliceFailed(platform: Platform, job: WalkJob, record: ImportRecord, error: unknown): Promise<void> {
  const message = (error as { message?: string } | undefined)?.message ?? String(error);
  if (isAppError(error) && (error.code === 'FRESHDESK_KEY_REJECTED' || error.code === 'FRESHDESK_NOT_ADMIN')) {
    record.state = 'failed';
    record.failure = message;
    await publishWalk(platform, job, record, true);
    await saveWalkRecord(platform.db, job, record);
    log('error', 'IMPORT_FAILED', `the ${job.kind} stopped: ${message}`);
    return;
  }
  noteProblem(record, platform.now(), `a slice could not read Freshdesk and is repeated later: ${message}`);
  await continueLater(platform, job, record, platform.now());
}

/** The status page's pause button: the pending slice finds the record paused and does nothing. */
export async function pauseImport(platform: Platform): Promise<ImportView | undefined> {
  const record = await readImportRecord(platform.db);
  if (!record) return undefined;
  if (record.state === 'running') {
    record.state = 'paused';
    record.token = PAUSED_TOKEN;
    await publishWalk(platform, IMPORT_JOB, record, true);
    await saveWalkRecord(platform.db, IMPORT_JOB, record);
    log('info', 'IMPORT_PAUSED', 'the import was paused from the status page');
  }
  return importView(record, platform.now());
}

/** Whether a walk job's record is walking now (a running record whose slices have not stalled). */
export function isWalking(record: ImportRecord | undefined, nowMs: number): boolean {
  return record?.state === 'running' && nowMs <= record.nextAt + STALLED_AFTER_MS;
}

/**
 * The resume button: a new chain of slices under a new token, the first ≥ SCHEDULE_LEAD_MS
 * ahead. Not while a replay walks: one walk job at a time shares the platform's requests.
 */
export async function resumeImport(platform: Platform): Promise<ImportView | undefined> {
  const record = await readImportRecord(platform.db);
  if (!record) return undefined;
  if (isWalking(await readWalkRecord(platform.db, REPLAY_KEY), platform.now())) {
    log('info', 'IMPORT_NOT_RESUMED', 'the import was not resumed: a replay is running; resume it once the replay is done');
    return importView(record, platform.now());
  }
  // A running import whose next slice is long overdue lost its schedule (a refused write): resumable too.
  const stalled = record.state === 'running' && !isWalking(record, platform.now());
  if (record.state === 'paused' || record.state === 'failed' || stalled) {
    record.state = 'running';
    delete record.failure;
    await continueLater(platform, IMPORT_JOB, record, platform.now(), true);
    log('info', 'IMPORT_RESUMED', 'the import was resumed from the status page');
  }
  return importView(record, platform.now());
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
  return view;
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

/** The status page's import section, or undefined when no import was chosen. */
export async function readImportView(db: KeyValueStore, nowMs: number): Promise<ImportView | undefined> {
  const record = await readImportRecord(db);
  return record ? importView(record, nowMs) : undefined;
}
