/**
 * The walks' watchdog and the daily check's clock (issue 20 items A, 1, 2). Every delivery run
 * already reads the state record; wantsTending looks at its walk marks (WalkMarks) at no cost and
 * says whether anything needs a look: an active walk (its lanes may have lost their schedules), a
 * daily check due, or a gap recorded since the last look. Only then does the entry point ask for
 * the one fixed-name `walk-tend` schedule, whose invocation (runTend) reads the records, re-arms
 * lanes that stalled (WALK_RESUMED), ends marks of walks that ended, and starts the next check
 * when nothing else walks and delivery is quiet. A quiet account pays nothing.
 */
import { isoOf } from '../core/time';
import { lastSettledSlot, slotOf } from '../delivery/intake/outbox';
import { readState } from '../delivery/commit/state';
import { SCHEDULE_LEAD_MS } from '../platform/schedule-lead';
import type { AppState, WalkKind, WalkMarks } from '../delivery/stored/stored-data';
import { log } from '../platform/log';
import type { KeyValueStore, Platform } from '../platform/types';
import type { Settings } from '../schemas/iparams';
import { CHECK_KEY, FRESHDESK_HOST_KEY, IMPORT_KEY, REPLAY_KEY, SCHEDULE_KINDS, walkTendScheduleName } from '../storage/keys';
import { CHECK_JOB, firstCheckable, knownGaps, nextCheck, nextDayDue, pendingDays, startCheck, type CheckWindow } from './check';
import { readCheckDays, setDay, writeCheckDays, type CheckDays } from './check-days';
import type { ImportRecord } from './import-record';
import { IMPORT_JOB, isShown, publishWalk, readWalkRecord, saveWalkRecord, type WalkJob } from './in-app';
import { REPLAY_JOB } from './replay';
import { armLanes, planRearm, stalledLanes, takeWalkLease } from './walk-chain';
import { changeMarks, withActive } from './walk-marks';

/** Active walks are watched every this many delivery periods (30 minutes). */
export const WATCH_PERIODS = 3;
/** Late records arriving through one-time schedules this recently mean the platform is still overloaded: no check starts. */
const LOAD_FALLEN_AFTER_MS = 30 * 60_000;

const JOBS: Record<WalkKind, { job: WalkJob; key: string }> = {
  import: { job: IMPORT_JOB, key: IMPORT_KEY },
  replay: { job: REPLAY_JOB, key: REPLAY_KEY },
  check: { job: CHECK_JOB, key: CHECK_KEY },
};

/** Delivery has caught up and nothing signals load: the time to walk Freshdesk for a check. */
export function deliveryIsQuiet(state: AppState, nowMs: number): boolean {
  const lateFacts = state.lateFactsSeenAt !== undefined && nowMs - state.lateFactsSeenAt < LOAD_FALLEN_AFTER_MS;
  return state.backlog.chunks.length === 0 && state.cursor >= lastSettledSlot(nowMs) - 1 && state.health.consecutiveFailures === 0 && !lateFacts;
}

/** When the first check is due for a state that never had one planned: the install day's end plus the settle time. */
function checkDueAt(state: AppState): number {
  return state.walk?.c ?? nextDayDue(firstCheckable(Date.parse(state.installedAt)));
}

function newestGapEnd(state: AppState): number {
  return Math.max(0, ...(state.gaps ?? []).map((g) => Date.parse(g.to)));
}

/**
 * Whether the walks need a look after this delivery run; pure, no KV call. While a walk is active,
 * only its watchdog looks (one walk at a time: the check waits). Otherwise the check's clock runs
 * when delivery is quiet (or the check is off, which still notes the day).
 */
export function wantsTending(state: AppState, settings: Pick<Settings, 'dailyCheck'>, nowMs: number): boolean {
  // The watchdog of active walks every WATCH_PERIODS delivery periods: a lane lost for
  // STALLED_AFTER_MS is re-armed within about an hour, at a few KV operations a look.
  if (hasActiveWalk(state)) return slotOf(nowMs) % WATCH_PERIODS === 0;
  const due = checkDueAt(state) <= nowMs;
  if (!settings.dailyCheck) return due;
  return deliveryIsQuiet(state, nowMs) && (due || newestGapEnd(state) > gapsSeenUntil(state));
}

function hasActiveWalk(state: AppState): boolean {
  return (state.walk?.a ?? []).length > 0;
}

function gapsSeenUntil(state: AppState): number {
  return state.walk?.g ?? 0;
}

/** Asks for the tend invocation, named after the delivery period (the recurring run asks at most once a period). */
export async function askForTending(platform: Pick<Platform, 'schedule'>, nowMs: number): Promise<void> {
  await platform.schedule.create({ name: walkTendScheduleName(slotOf(nowMs)), data: { kind: SCHEDULE_KINDS.tend }, schedule_at: new Date(nowMs + SCHEDULE_LEAD_MS).toISOString() }).catch((error: unknown) => {
    log('warn', 'WALK_TEND_LATER', `the walks' watchdog could not be scheduled now (${(error as { message?: string }).message ?? String(error)}); the next delivery run asks again`);
  });
}

/** The tend invocation: watchdog, marks, and the next daily check. Never throws. */
export async function runTend(platform: Platform, settings: Settings, host: string | undefined): Promise<void> {
  try {
    const state = await readState(platform.db, platform.now());
    const listed = state.walk?.a ?? [];
    const active = await watchActive(platform, listed);
    const next = active.length === 0 ? await planCheck(platform, settings, state, host) : undefined;
    await noteMarks(platform, state, listed.filter((kind) => !active.includes(kind)), next);
  } catch (error) {
    log('warn', 'WALK_TEND_LATER', `the walks' watchdog could not look now (${(error as { message?: string }).message ?? String(error)}); the next delivery run asks again`);
  }
}

/** The marks after a look: walks that ended go, a check started comes, the next due time and the gaps seen move on (written only when changed). */
async function noteMarks(platform: Platform, state: AppState, ended: readonly WalkKind[], next: number | 'started' | undefined): Promise<void> {
  const gapsSeen = Math.max(gapsSeenUntil(state), newestGapEnd(state));
  if (ended.length === 0 && next === undefined && gapsSeen === gapsSeenUntil(state)) return;
  await changeMarks(platform, platform.now(), (old) => markedAfter(old, ended, next, gapsSeen));
}

function markedAfter(old: WalkMarks, ended: readonly WalkKind[], next: number | 'started' | undefined, gapsSeen: number): WalkMarks {
  let marks: WalkMarks = { ...old, g: Math.max(old.g ?? 0, gapsSeen) };
  for (const kind of ended) marks = withActive(marks, kind, false);
  if (next === 'started') marks = withActive(marks, 'check', true);
  if (typeof next === 'number') marks.c = next;
  return marks;
}

/** The kinds still walking; lanes that lost their schedule are re-armed. */
async function watchActive(platform: Platform, kinds: readonly WalkKind[]): Promise<WalkKind[]> {
  const still: WalkKind[] = [];
  for (const kind of kinds) if (await watchOne(platform, kind)) still.push(kind);
  return still;
}

/**
 * One active walk: whether it is still to be watched — running or paused (its lost lanes
 * re-armed), or ended while the state record does not show its end yet (shown now, when the
 * store lets it; otherwise the next look tries again). The record is not written for an ended
 * walk: a new walk of the same kind may have replaced it since it was read.
 */
async function watchOne(platform: Platform, kind: WalkKind): Promise<boolean> {
  const record = await readWalkRecord(platform.db, JOBS[kind].key);
  if (!record) return false;
  if (record.state === 'failed' && kind === 'check') await noteFailedCheck(platform, record.scope?.day);
  if (record.state !== 'running' && record.state !== 'paused') return !(await endShown(platform, kind, record));
  await rearmStalled(platform, kind, record);
  return true;
}

/** An ended walk's last view is in the state, or is put there now. */
async function endShown(platform: Platform, kind: WalkKind, record: ImportRecord): Promise<boolean> {
  return isShown(record) || (await publishWalk(platform, JOBS[kind].job, record, true));
}

/** Lanes that lost their schedule get new ones, under the walk lease (WALK_RESUMED). */
async function rearmStalled(platform: Platform, kind: WalkKind, record: ImportRecord): Promise<void> {
  const stalled = stalledLanes(record, platform.now());
  if (stalled.length === 0 || (await takeWalkLease(platform.db, platform.now())) !== 'taken') return;
  const { job } = JOBS[kind];
  const planned = planRearm(record, platform.now(), stalled);
  record.resumed = (record.resumed ?? 0) + planned.length;
  await saveWalkRecord(platform.db, job, record);
  await armLanes(platform, job, record.token, planned);
  log('warn', 'WALK_RESUMED', `the ${kind} had lost the schedule of ${planned.length} of its lanes (a refused or dead slice); they continue from ${isoOf(planned[0]?.at ?? platform.now())}`, { lanes: planned.length });
}

async function noteFailedCheck(platform: Platform, day: string | undefined): Promise<void> {
  if (day === undefined) return;
  const days = await readCheckDays(platform.db);
  if (days.days.some((d) => d.d === day)) return;
  setDay(days, { d: day, s: 'not_checked', why: 'failed', at: platform.now() });
  await writeCheckDays(platform, days);
}

/**
 * Starts the next check when one is due ('started'), or returns when to look again (ms); with
 * the check switched off, the due days are noted as not checked. Undefined: look again next run.
 */
async function planCheck(platform: Platform, settings: Settings, state: AppState, host: string | undefined): Promise<number | 'started' | undefined> {
  const nowMs = platform.now();
  const installedAtMs = Date.parse(state.installedAt);
  const days = await readCheckDays(platform.db);
  if (!settings.dailyCheck) return await noteSwitchedOff(platform, days, installedAtMs);
  if (!deliveryIsQuiet(state, nowMs) || (await otherWalkRunning(platform))) return undefined;
  const window = nextCheck({ nowMs, installedAtMs, days, gaps: await knownGaps(platform.db, state.gaps ?? []) });
  return window ? await startIfHostKnown(platform, window, host) : nextDayDue(nowMs);
}

async function startIfHostKnown(platform: Platform, window: CheckWindow, host: string | undefined): Promise<'started' | undefined> {
  const at = host ?? (await storedHost(platform.db));
  if (at === undefined) {
    log('warn', 'CHECK_NOT_STARTED', 'the Freshdesk address is not known yet; the daily check waits for the next settings update or install');
    return undefined;
  }
  await startCheck(platform, at, window);
  return 'started';
}

/** The check is off: the days it would have checked say so on the page. */
async function noteSwitchedOff(platform: Platform, days: CheckDays, installedAtMs: number): Promise<number> {
  const due = pendingDays({ nowMs: platform.now(), installedAtMs, days });
  for (const day of due) setDay(days, { d: day, s: 'not_checked', why: 'switched_off' });
  if (due.length > 0) await writeCheckDays(platform, days);
  return nextDayDue(platform.now());
}

async function storedHost(db: KeyValueStore): Promise<string | undefined> {
  try {
    const stored = await db.get(FRESHDESK_HOST_KEY);
    return typeof stored.host === 'string' ? stored.host : undefined;
  } catch {
    return undefined;
  }
}

/** The import (running or paused), a replay or a check keep the next check waiting: one walk at a time. */
async function otherWalkRunning(platform: Platform): Promise<boolean> {
  for (const key of [IMPORT_KEY, CHECK_KEY, REPLAY_KEY]) {
    const state = (await readWalkRecord(platform.db, key))?.state;
    if (state === 'running' || (state === 'paused' && key === IMPORT_KEY)) return true;
  }
  return false;
}
