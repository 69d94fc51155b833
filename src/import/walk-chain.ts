/**
 * How a walk (the initial import, a replay, the daily check) keeps going across invocations
 * (issue 20 items A and 5; drawn in docs/walk-lifecycle.md).
 *
 * Lanes. The platform runs nothing sooner than 5 minutes after it is asked (SPEC §5), so one
 * chain of slices can do one slice per ≥ 6 minutes. A walk keeps up to WALK_LANES chains
 * ("lanes") in flight instead, staggered LANE_STAGGER_MS apart: lane i's next slice is due one
 * lane period after its last one, so slices come one a minute and never overlap. Each slice
 * carries its lane's token `<epoch>:<lane>:<generation>`: a pause or a new walk changes the epoch,
 * the watchdog re-arming a lane raises its generation, so a late or doubled schedule finds a token
 * the record does not expect and does nothing.
 *
 * One at a time. A slice takes the walk lease (a conditional set with a 25 s TTL, never deleted:
 * lanes are a minute apart); a second invocation finding it held tries again one stagger later.
 *
 * Refusals. A KV or schedule refusal never ends a walk: the slice logs WALK_REFUSED with when it
 * tries again, records it for the status page when the store lets it, and reschedules its own
 * lane later — LANE_PERIOD_MS, then twice that for each refusal in a row, up to MAX_BACKOFF_MS —
 * carrying the count in the schedule's data, so the back-off grows even while the KV store refuses
 * to record it. A lane whose schedule could not be created is found by the watchdog (tend.ts),
 * which the delivery runs start while the state marks a walk as active.
 */
import { log } from '../platform/log';
import { isTooManyRequests } from '../platform/refusals';
import { SCHEDULE_LEAD_MS } from '../platform/schedule-lead';
import type { KeyValueStore, Platform } from '../platform/types';
import { SCHEDULE_KINDS, WALK_LEASE_KEY } from '../storage/keys';
import type { ImportRecord, WalkRefusal } from './import-record';

/** Lanes while walking Freshdesk: one slice a minute at most. */
export const WALK_LANES = 6;
/**
 * Between two lanes' slices. A minute and a second: the platform counts its 50 requests a minute
 * over a sliding minute, so two slices of SLICE_REQUESTS never fall into one.
 */
export const LANE_STAGGER_MS = 61_000;
/** A lane's own period: every lane once, never sooner than a one-time schedule may be. */
export const LANE_PERIOD_MS = Math.max(WALK_LANES * LANE_STAGGER_MS, SCHEDULE_LEAD_MS);
/** A lane due longer ago than this lost its schedule: the watchdog re-arms it. */
export const STALLED_AFTER_MS = 20 * 60_000;
/** The longest back-off after refusals in a row. */
export const MAX_BACKOFF_MS = 60 * 60_000;
/** The walk lease outlives an invocation (20 s) and ends before the next lane's slice. */
export const WALK_LEASE_TTL_SECONDS = 25;

export type WalkScheduleKind = typeof SCHEDULE_KINDS.import | typeof SCHEDULE_KINDS.replay | typeof SCHEDULE_KINDS.check;

export interface LaneToken {
  epoch: string;
  lane: number;
  gen: number;
}

/** `<epoch>:<lane>:<gen>`; a token of the single-chain version (no colons) is lane 0, generation 0. */
export function parseLaneToken(token: string): LaneToken {
  const match = /^(.*):(\d+):(\d+)$/.exec(token);
  if (!match) return { epoch: token, lane: 0, gen: 0 };
  return { epoch: match[1] ?? '', lane: Number(match[2]), gen: Number(match[3]) };
}

export function laneToken(epoch: string, lane: number, gen: number): string {
  return `${epoch}:${lane}:${gen}`;
}

/** The lanes of a record; a record of the single-chain version has one, due at its nextAt. */
export function lanesOf(record: ImportRecord): [number, number][] {
  return record.lanes ?? [[0, record.nextAt]];
}

/** Whether this lane's schedule is the one the record expects now. */
export function isExpectedLane(record: ImportRecord | undefined, token: LaneToken): record is ImportRecord {
  if (record?.state !== 'running' || record.token !== token.epoch) return false;
  const lane = lanesOf(record)[token.lane];
  return lane !== undefined && lane[0] === token.gen;
}

/** The wait after `n` refusals in a row: one lane period, doubled each time, at most an hour. */
export function backoffMs(n: number): number {
  return Math.min(MAX_BACKOFF_MS, LANE_PERIOD_MS * 2 ** Math.max(0, n - 1));
}

export interface LaneSchedule {
  kind: WalkScheduleKind;
  scheduleName: (nowMs: number) => string;
}

/**
 * Creates the one-time schedule of a lane's next slice at `atMs` (never sooner than the platform
 * allows). Names are unique per lane and time.
 */
export async function scheduleLane(platform: Pick<Platform, 'schedule' | 'now'>, job: LaneSchedule, token: LaneToken, atMs: number, retry = 0): Promise<number> {
  const nowMs = platform.now();
  const at = Math.max(atMs, nowMs + SCHEDULE_LEAD_MS);
  const data: Record<string, unknown> = { kind: job.kind, token: laneToken(token.epoch, token.lane, token.gen) };
  // After a refusal: how many in a row, and when it happened (the slice that succeeds then says so on the page).
  if (retry > 0) Object.assign(data, { retry, at: nowMs });
  await platform.schedule.create({ name: `${job.scheduleName(nowMs)}-${token.lane}`, data, schedule_at: new Date(at).toISOString() });
  return at;
}

/** A lane's next slice, planned in the record before its schedule is created. */
export interface PlannedLane {
  lane: number;
  gen: number;
  at: number;
}

/**
 * Plans lanes in the record: each its generation and due time. The caller stores the record,
 * then arms the plan (armLanes). Record first: a lane whose schedule then cannot be created is
 * due in the record and found by the watchdog; a schedule whose record was not stored finds a
 * generation or epoch it does not expect and does nothing — never two chains on one lane.
 */
export function planLanes(record: ImportRecord, planned: readonly PlannedLane[]): void {
  const lanes = lanesOf(record).map((lane) => [...lane] as [number, number]);
  for (const { lane, gen, at } of planned) {
    while (lanes.length <= lane) lanes.push([0, 0]);
    lanes[lane] = [gen, at];
  }
  record.lanes = lanes;
  record.nextAt = nextDue(record);
}

/** Creates the planned schedules; a refused one is logged (the watchdog re-arms it). Returns how many were created. */
export async function armLanes(platform: Pick<Platform, 'schedule' | 'now'>, job: LaneSchedule, epoch: string, planned: readonly PlannedLane[], retry = 0): Promise<number> {
  let armed = 0;
  for (const { lane, gen, at } of planned) {
    try {
      await scheduleLane(platform, job, { epoch, lane, gen }, at, retry);
      armed += 1;
    } catch (error) {
      logRefusal(job.kind, 'schedule', platform.now() + STALLED_AFTER_MS, `the next slice of lane ${lane}: ${describe(error)}; the watchdog re-arms it`);
    }
  }
  return armed;
}

/** A fresh epoch and `count` lanes staggered from `firstAtMs`, planned (not yet armed). */
export function planNewLanes(record: ImportRecord, nowMs: number, firstAtMs: number, count: number): PlannedLane[] {
  record.token = `e${nowMs}`;
  record.lanes = [];
  const at = Math.max(firstAtMs, nowMs + SCHEDULE_LEAD_MS);
  const planned = Array.from({ length: count }, (_, lane) => ({ lane, gen: 0, at: at + lane * LANE_STAGGER_MS }));
  planLanes(record, planned);
  return planned;
}

/** The earliest lane due (the status page's next slice; 0 when none is). */
export function nextDue(record: ImportRecord): number {
  const due = lanesOf(record).map(([, at]) => at).filter((at) => at > 0);
  return due.length > 0 ? Math.min(...due) : 0;
}

/**
 * Lanes that lost their schedule (due long ago) while the walk runs and is not deliberately
 * waiting: the watchdog re-arms them. A running walk with no lane due at all lost lane 0.
 */
export function stalledLanes(record: ImportRecord, nowMs: number): number[] {
  if (record.state !== 'running' || waitsUntil(record) + STALLED_AFTER_MS >= nowMs) return [];
  const lanes = lanesOf(record);
  const lost = lanes.flatMap(([, at], lane) => (at > 0 && at + STALLED_AFTER_MS < nowMs ? [lane] : []));
  const live = lanes.filter(([, at]) => at > 0).length - lost.length;
  return live === 0 && lost.length === 0 ? [0] : lost;
}

/** Until when the walk deliberately waits (a Retry-After, a back-off). */
function waitsUntil(record: ImportRecord): number {
  return Math.max(record.notBefore ?? 0, record.refusal?.retryAt ?? 0);
}

/** Plans `lanes` again under a new generation each, staggered from one lead from now. */
export function planRearm(record: ImportRecord, nowMs: number, lanes: readonly number[]): PlannedLane[] {
  const all = lanesOf(record);
  const planned = lanes.map((lane, index) => ({ lane, gen: (all[lane]?.[0] ?? 0) + 1, at: nowMs + SCHEDULE_LEAD_MS + index * LANE_STAGGER_MS }));
  planLanes(record, planned);
  return planned;
}

/** 'taken', 'busy' (another invocation works on a walk) or 'refused' (the KV limit). */
export async function takeWalkLease(db: KeyValueStore, nowMs: number): Promise<'taken' | 'busy' | 'refused'> {
  try {
    await db.set(WALK_LEASE_KEY, { at: nowMs }, { setIf: 'not_exist', ttl: WALK_LEASE_TTL_SECONDS });
    return 'taken';
  } catch (error) {
    return isTooManyRequests(error) ? 'refused' : 'busy';
  }
}

const STORE_NAMES: Record<WalkRefusal['what'], string> = { kv: 'the KV store (50 operations a minute)', schedule: 'the scheduler', request: 'the platform (50 requests a minute)' };

/** Records a refusal in the record (for the page) and logs it once, with the time the walk tries again. */
export function noteRefusal(record: ImportRecord, kind: string, what: WalkRefusal['what'], nowMs: number, retryAt: number, detail: string): WalkRefusal {
  const refusal: WalkRefusal = { what, at: nowMs, retryAt, n: (record.refusal?.n ?? 0) + 1 };
  record.refusal = refusal;
  logRefusal(kind, what, retryAt, detail);
  return refusal;
}

export function logRefusal(kind: string, what: WalkRefusal['what'], retryAt: number, detail: string): void {
  log('warn', 'WALK_REFUSED', `${STORE_NAMES[what]} refused a call of the ${kind} (${detail}); it tries again at ${new Date(retryAt).toISOString()}`, { what });
}

export function describe(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { status?: unknown; message?: unknown };
  return [e.status, e.message].filter((x) => x !== undefined).map(String).join(' ') || String(error);
}
