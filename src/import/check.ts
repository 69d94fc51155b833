/**
 * The daily check (SPEC §10, issue 20 items 1 and 2): once a UTC day has settled (CHECK_SETTLE_MS
 * after it ends) the app walks Freshdesk for that day and repairs by difference exactly as a
 * replay does (difference-job.ts, compare.ts), with no click. Every recorded gap within the
 * ledger's retention is repaired the same way, once delivery has caught up and the load has
 * fallen (tend.ts decides when). One check walk at a time, never beside the initial import or a
 * replay; it shares their lanes, pacing and rate share (in-app.ts, walk-chain.ts).
 *
 * What it cannot repair: a contact delivered to a wrong queue (injixo cannot delete; counted as a
 * surplus there and as "delivered under a former group" here), and hours whose delivered counts
 * are uncertain (nothing is guessed there; see compare.ts uncertainAllowance).
 */
import { INTERVAL_MS, isoOf } from '../core/time';
import { LEDGER_RETENTION_DAYS } from '../delivery/accounting/ledger';
import { gapsFromCounters } from '../delivery/accounting/gaps';
import { readState } from '../delivery/commit/state';
import type { Gap } from '../delivery/stored/stored-data';
import { log } from '../platform/log';
import { isNotFound } from '../platform/refusals';
import type { KeyValueStore, Platform } from '../platform/types';
import type { Settings } from '../schemas/iparams';
import { CHECK_KEY, CHECK_TAKEN_KEY, checkFoundKey, checkScheduleName, COUNTERS_KEY, SCHEDULE_KINDS } from '../storage/keys';
import { dayEntryOf, gapKey, readCheckDays, setDay, writeCheckDays, type CheckDays } from './check-days';
import { differenceJob } from './difference-job';
import type { CheckScope, ImportRecord, ReplayResult } from './import-record';
import { newWalkRecord, runWalkSlice, startWalk, walkView, type SliceData, type WalkJob, type WalkView } from './in-app';
import { logOutcome } from './replay';
import { changeMarks, withActive } from './walk-marks';

/** A UTC day is checked this long after it ends: late events and the delivery backlog have settled. */
export const CHECK_SETTLE_MS = 2 * 3_600_000;
/** Days back the check looks at (the status page's 14). */
export const CHECK_DAYS = 14;
/** One walk covers at most this much (a gap longer than that is repaired in parts). */
export const MAX_CHECK_WINDOW_MS = 24 * 3_600_000;
const DAY_MS = 24 * 3_600_000;

export function dayOf(ms: number): string {
  return isoOf(ms).slice(0, 10);
}

function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** A window the check walks next, and what it covers. */
export interface CheckWindow {
  from: number;
  to: number;
  scope: CheckScope;
}

export interface PlanInput {
  nowMs: number;
  installedAtMs: number;
  days: CheckDays;
  gaps: readonly Gap[];
}

/** The first whole interval after the install: events count from the install on (rule 13), the check from there. */
export function firstCheckable(installedAtMs: number): number {
  return Math.ceil(installedAtMs / INTERVAL_MS) * INTERVAL_MS;
}

/** When the next day becomes due, seen at `nowMs`. */
export function nextDayDue(nowMs: number): number {
  return dayStart(dayOf(nowMs)) + DAY_MS + CHECK_SETTLE_MS;
}

/**
 * What to check next: the oldest recorded gap not yet repaired (outside days still to be checked,
 * which cover it), else the oldest settled day of the last CHECK_DAYS not yet checked. Pure.
 */
export function nextCheck(input: PlanInput): CheckWindow | undefined {
  const pending = pendingDays(input);
  return gapWindow(input, pending) ?? dayWindow(input, pending);
}

/** Settled days of the last CHECK_DAYS, from the install's day on, with no entry yet, oldest first. */
export function pendingDays(input: Pick<PlanInput, 'nowMs' | 'installedAtMs' | 'days'>): string[] {
  const out: string[] = [];
  const first = Math.max(dayStart(dayOf(input.installedAtMs)), dayStart(dayOf(input.nowMs)) - CHECK_DAYS * DAY_MS);
  for (let start = first; start + DAY_MS + CHECK_SETTLE_MS <= input.nowMs; start += DAY_MS) {
    const day = dayOf(start);
    if (start + DAY_MS <= firstCheckable(input.installedAtMs)) continue;
    if (!input.days.days.some((d) => d.d === day)) out.push(day);
  }
  return out;
}

function dayWindow(input: PlanInput, pending: readonly string[]): CheckWindow | undefined {
  const day = pending[0];
  if (day === undefined) return undefined;
  return { from: Math.max(dayStart(day), firstCheckable(input.installedAtMs)), to: dayStart(day) + DAY_MS, scope: { day } };
}

/** The part of a gap still to repair: from its last repaired end (`key>iso` in healed) to its end, whole intervals. */
function gapWindow(input: PlanInput, pending: readonly string[]): CheckWindow | undefined {
  const retained = input.nowMs - LEDGER_RETENTION_DAYS * DAY_MS;
  const settledEnd = Math.floor((input.nowMs - INTERVAL_MS) / INTERVAL_MS) * INTERVAL_MS;
  const sorted = [...input.gaps].sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
  for (const gap of sorted) {
    const key = gapKey(gap);
    if (input.days.healed.includes(key)) continue;
    const resumed = input.days.healed.find((h) => h.startsWith(`${key}>`));
    const from = Math.max(Math.floor(Date.parse(resumed ? resumed.slice(key.length + 1) : gap.from) / INTERVAL_MS) * INTERVAL_MS, firstCheckable(input.installedAtMs), Math.ceil(retained / INTERVAL_MS) * INTERVAL_MS);
    const to = Math.min(Math.ceil(Date.parse(gap.to) / INTERVAL_MS) * INTERVAL_MS, settledEnd);
    if (from >= to) continue;
    // Inside days still to be checked: their check repairs it.
    if (pending.includes(dayOf(from)) && pending.includes(dayOf(to - 1))) continue;
    return { from, to: Math.min(to, from + MAX_CHECK_WINDOW_MS), scope: { gaps: [key] } };
  }
  return undefined;
}

/** Every gap the app knows of (state and counters): what the check may repair. */
export async function knownGaps(db: KeyValueStore, stateGaps: readonly Gap[]): Promise<Gap[]> {
  let counters: Record<string, unknown> = {};
  try {
    counters = await db.get(COUNTERS_KEY);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return [...stateGaps, ...gapsFromCounters(counters)];
}

/** Starts a check walk of `window` (the caller made sure no walk runs). */
export async function startCheck(platform: Platform, host: string, window: CheckWindow): Promise<void> {
  const nowMs = platform.now();
  const record: ImportRecord = { ...newWalkRecord(host, isoOf(window.from), isoOf(window.to), nowMs), kind: 'check', scope: window.scope, found: { chunks: [], next: 1 } };
  await platform.db.delete(CHECK_TAKEN_KEY).catch(() => undefined);
  await startWalk(platform, CHECK_JOB, record, nowMs);
  await changeMarks(platform, nowMs, (marks) => withActive(marks, 'check', true));
  log('info', 'CHECK_STARTED', `checking ${record.from} to ${record.to} against Freshdesk (${window.scope.day ? `the day ${window.scope.day}` : 'a recorded gap'}); only what the ledger lacks is sent`);
}

/** The check's result into the days record: the day's figures, or the gap repaired; then DAY_CHECKED or GAP_REPAIRED. */
async function finishCheck(platform: Platform, record: ImportRecord, result: ReplayResult): Promise<void> {
  const days = await readCheckDays(platform.db);
  const scope = record.scope ?? {};
  if (scope.day) {
    setDay(days, dayEntryOf(scope.day, result, platform.now(), record.requests));
    await healCoveredGaps(platform.db, days, record);
    log('info', 'DAY_CHECKED', `${scope.day} checked against Freshdesk: Freshdesk shows ${result.found} contacts, ${result.alreadyDelivered} were delivered, ${result.sent} sent now, surplus ${result.surplus}`, dayFields(record, result));
  } else {
    healGaps(days, scope.gaps ?? [], record);
    const day = days.days.find((d) => d.d === dayOf(Date.parse(record.from)));
    if (day) day.gx = (day.gx ?? 0) + result.sent;
    log('info', 'GAP_REPAIRED', `the recorded gap ${record.from} to ${record.to} was repaired by difference: ${result.sent} contacts sent, ${result.alreadyDelivered} already delivered`, dayFields(record, result));
  }
  logOutcome(`the check of ${record.from} to ${record.to}`, result);
  if (result.found > 0) days.cost = { requests: record.requests, contacts: result.found };
  await writeCheckDays(platform, days);
}

function dayFields(record: ImportRecord, result: ReplayResult): Record<string, number> {
  return { found: result.found, delivered: result.alreadyDelivered, sent: result.sent, surplus: result.surplus, formerGroup: result.claimedElsewhere, heldBack: result.heldBack ?? 0, requests: record.requests };
}

/** A gap walk covered `[from, to)`: each of its gaps repaired (fully, or up to `to`). */
function healGaps(days: CheckDays, keys: readonly string[], record: ImportRecord): void {
  for (const key of keys) {
    const gapTo = Date.parse(key.split('|')[2] ?? '');
    const done = Date.parse(record.to) >= Math.floor((gapTo - 1) / INTERVAL_MS) * INTERVAL_MS + INTERVAL_MS || !(gapTo > 0);
    days.healed = [...days.healed.filter((h) => h !== key && !h.startsWith(`${key}>`)), done ? key : `${key}>${record.to}`];
  }
}

/** A day check repairs every gap wholly inside its day. */
async function healCoveredGaps(db: KeyValueStore, days: CheckDays, record: ImportRecord): Promise<void> {
  const from = Date.parse(record.from);
  const to = Date.parse(record.to);
  const state = await readState(db, Date.parse(record.to));
  for (const gap of await knownGaps(db, state.gaps ?? [])) {
    if (Date.parse(gap.from) >= Math.floor(from / INTERVAL_MS) * INTERVAL_MS && Date.parse(gap.to) <= to && !days.healed.includes(gapKey(gap))) days.healed.push(gapKey(gap));
  }
}

export const CHECK_JOB: WalkJob = differenceJob({
  kind: SCHEDULE_KINDS.check,
  recordKey: CHECK_KEY,
  takenKey: CHECK_TAKEN_KEY,
  scheduleName: checkScheduleName,
  chunkKey: checkFoundKey,
  finish: finishCheck,
  view: (record, nowMs) => ({ ...checkRunView(record, nowMs) }),
});

/** One slice of the daily check, fired by a `check` schedule carrying its lane token. */
export function runCheckSlice(platform: Platform, settings: Settings, data: SliceData): Promise<void> {
  return runWalkSlice(platform, settings, CHECK_JOB, data);
}

/** The status page's view of the running check, if any. */
export interface CheckRunView extends WalkView {
  phase: 'walking' | 'waiting_for_delivery' | 'comparing' | 'done' | 'failed';
  scope: CheckScope;
}

/** The check walk's view, kept in the state record by the walk (in-app.ts publishWalk). */
export function checkRunView(record: ImportRecord, nowMs: number): CheckRunView {
  return { ...walkView(record, nowMs), phase: checkPhase(record), scope: record.scope ?? {} };
}

function checkPhase(record: ImportRecord): CheckRunView['phase'] {
  if (record.state === 'done' || record.state === 'failed') return record.state;
  if (record.walkedAtMs === undefined) return 'walking';
  return record.compare ? 'comparing' : 'waiting_for_delivery';
}
