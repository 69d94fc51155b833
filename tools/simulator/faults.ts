/**
 * The faults a seed draws (issue 19): KV refusal bursts and write outages, request 429s,
 * schedule refusals, injixo's 5xx / slow / 401 / 413, crash points, event delivery faults
 * (twice, out of order, never) and poison payloads. All inside the feed window: the drain runs
 * with every fault lifted. `platformHooks` turns them into the local platform's fault hooks.
 */
import type { LedgerEntry, PlatformCallInfo, PlatformFaultHooks, PlatformRejection, WriteAttempt } from '../local-platform';
import { createRandom, type Random } from '../local-freshdesk/random';
import type { FaultWindow } from '../local-injixo/server';
import { between, SIM_TAG, type Account } from './profile';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface TimeWindow {
  from: number;
  to: number;
}

export type PoisonKind = 'year10000' | 'hugeTicketId' | 'malformed';

export interface PoisonDelivery {
  at: number;
  kind: PoisonKind;
  /** Which malformed shape (malformed only). */
  variant: number;
}

export interface Faults {
  /** A share of all KV calls refused (429) inside each window. */
  kvBursts: (TimeWindow & { share: number })[];
  /** Every KV write refused (429), reads still answered. */
  kvWriteOutages: TimeWindow[];
  /** A share of `$request` calls refused with the platform's own 429 (errorSource APP). */
  requestBursts: (TimeWindow & { share: number })[];
  /** A share of `$schedule` create/update calls refused with `status`. */
  scheduleBursts: (TimeWindow & { share: number; status: number })[];
  /** Local injixo windows: 5xx outages, answers slower than the platform's timeout, 413. */
  injixo: FaultWindow[];
  /** injixo's key regenerated at `at` (401 from then), the new key pasted in the settings at `pastedAt`. */
  keyRegenerated?: { at: number; pastedAt: number };
  /** Chance that an invocation dies right after any one platform call (a crash point at every await). */
  crashHazard: number;
  /** Share of invocations that start cold (a fresh context); the rest reuse the warm one. */
  coldStartShare: number;
  delivery: {
    neverShare: number;
    twiceShare: number;
    /** A second delivery comes 1 minute to this many ms later (log-uniform). */
    maxRedeliveryMs: number;
    /** Events inside a window are delivered together at its end, in a shuffled order. */
    outOfOrder: TimeWindow[];
    poison: PoisonDelivery[];
  };
}

/** The platform's own words for its per-minute limit (SPEC §5); the KV store's are worded alike. [assumption] */
export const LIMIT_MESSAGE = 'You have exceeded the limit of 50 requests per minute';

/**
 * The platform's request timeout in the simulator: the platform's own 15 s (SPEC §5). A slow
 * injixo does not hold its answer in real time: it declares SLOW_ANSWER_MS, twice the timeout,
 * and the local platform takes that as the timeout (tools/local-injixo/fault-window.ts). So no
 * seed's result depends on how busy the machine is: a healthy local answer takes milliseconds,
 * three orders of magnitude inside the timeout, and a slow one times out by its numbers.
 */
export const SIM_REQUEST_TIMEOUT_MS = 15_000;
export const SLOW_ANSWER_MS = 30_000;

function windowIn(random: Random, start: number, end: number, minutes: readonly [number, number]): TimeWindow {
  const length = between(random, minutes) * MINUTE;
  const from = start + Math.floor(random() * Math.max(1, end - start - MINUTE));
  return { from, to: Math.min(end, from + length) };
}

function times(random: Random, max: number, chance: number): number {
  return random() < chance ? 1 + Math.floor(random() * max) : 0;
}

export function drawFaults(account: Account): Faults {
  const random = createRandom(account.seed, SIM_TAG.faults);
  const start = Date.parse(account.start);
  const end = start + account.feedHours * HOUR;
  const windows = (count: number, minutes: readonly [number, number]): TimeWindow[] => Array.from({ length: count }, () => windowIn(random, start, end, minutes));

  const kvBursts = windows(times(random, 3, 0.6), [1, 10]).map((w) => ({ ...w, share: 0.2 + 0.7 * random() }));
  const kvWriteOutages = windows(times(random, 1, 0.3), [5, 60]);
  const requestBursts = windows(times(random, 2, 0.4), [1, 5]).map((w) => ({ ...w, share: 0.3 + 0.7 * random() }));
  const scheduleBursts = windows(times(random, 2, 0.3), [1, 10]).map((w) => ({ ...w, share: 0.3 + 0.7 * random(), status: random() < 0.5 ? 429 : 500 }));
  const injixo: FaultWindow[] = [];
  for (const w of windows(times(random, 2, 0.5), [2, 40])) injixo.push({ ...w, kind: 'outage', status: ([500, 502, 503, 504] as const)[Math.floor(random() * 4)] ?? 503 });
  for (const w of windows(times(random, 1, 0.3), [1, 10])) injixo.push({ ...w, kind: 'slow', delayMs: SLOW_ANSWER_MS, declared: true });
  for (const w of windows(times(random, 1, 0.1), [1, 5])) injixo.push({ ...w, kind: 'refuse', status: 413 });
  const keyAt = random() < 0.25 ? start + Math.floor(random() * (end - start)) : undefined;
  const keyRegenerated = keyAt === undefined ? undefined : { at: keyAt, pastedAt: keyAt + between(random, [5, 120]) * MINUTE };
  const crashHazard = random() < 0.5 ? 0 : 0.001 + 0.009 * random();
  const coldStartShare = 0.05 * random();
  const neverShare = random() < 0.6 ? 0.02 * random() : 0;
  const twiceShare = random() < 0.6 ? 0.05 * random() : 0;
  // Up to three days in one seed of ten: each simulated day of drain costs ~150 delivery runs
  // (many more while delivery is stuck), and npm test's 40 seeds must stay under three minutes.
  const horizon = random();
  const maxRedeliveryMs = horizon < 0.45 ? HOUR : horizon < 0.9 ? 24 * HOUR : 3 * 24 * HOUR;
  const outOfOrder = windows(times(random, 3, 0.5), [2, 8]);
  const poison: PoisonDelivery[] = [];
  if (random() < 0.3) poison.push({ at: start + Math.floor(random() * (end - start)), kind: 'year10000', variant: 0 });
  if (random() < 0.3) poison.push({ at: start + Math.floor(random() * (end - start)), kind: 'hugeTicketId', variant: 0 });
  for (let i = times(random, 3, 0.4); i > 0; i -= 1) poison.push({ at: start + Math.floor(random() * (end - start)), kind: 'malformed', variant: Math.floor(random() * MALFORMED_VARIANTS) });
  return {
    kvBursts, kvWriteOutages, requestBursts, scheduleBursts, injixo,
    ...(keyRegenerated ? { keyRegenerated } : {}),
    crashHazard, coldStartShare,
    delivery: { neverShare, twiceShare, maxRedeliveryMs, outOfOrder, poison },
  };
}

/** A seed's account with nothing going wrong: the baseline every invariant must hold on. */
export function noFaults(): Faults {
  return {
    kvBursts: [], kvWriteOutages: [], requestBursts: [], scheduleBursts: [], injixo: [],
    crashHazard: 0, coldStartShare: 0,
    delivery: { neverShare: 0, twiceShare: 0, maxRedeliveryMs: HOUR, outOfOrder: [], poison: [] },
  };
}

/** How many malformed payload shapes poison.ts knows. */
export const MALFORMED_VARIANTS = 4;

function inside(windows: readonly TimeWindow[], now: number): TimeWindow | undefined {
  return windows.find((w) => w.from <= now && now < w.to);
}

/** What the hooks saw, for invariant (e) and the report. */
export interface HookRecord {
  /** Writes over their limit (40 KB key + value, 4 KB schedule data), refused or not. */
  oversize: WriteAttempt[];
  /** The largest attempt per kind and key family (`state`, `ledger:`, `tickets:`, …). */
  largest: Record<string, number>;
  refusals: { kv: number; requests: number; schedules: number };
  crashes: number;
}

export interface SimulatorHooks {
  hooks: PlatformFaultHooks;
  warmStart: () => boolean;
  record: HookRecord;
  /** Ends every platform fault (the drain and the inspection run without them). */
  lift(): void;
}

/**
 * The local platform's fault hooks for these faults, each drawing from its own seeded stream in
 * call order, so the same seed refuses the same calls. Writes over a limit are always recorded.
 */
export function platformHooks(account: Account, faults: Faults, now: () => number): SimulatorHooks {
  const kvRandom = createRandom(account.seed, SIM_TAG.kv);
  const requestRandom = createRandom(account.seed, SIM_TAG.requests);
  const scheduleRandom = createRandom(account.seed, SIM_TAG.schedules);
  const crashRandom = createRandom(account.seed, SIM_TAG.crashes);
  const warmRandom = createRandom(account.seed, SIM_TAG.warm);
  const record: HookRecord = { oversize: [], largest: {}, refusals: { kv: 0, requests: 0, schedules: 0 }, crashes: 0 };
  let lifted = false;

  const refuse = (call: PlatformCallInfo): PlatformRejection | undefined => {
    if (lifted || call.invocationId === 0) return undefined;
    const at = now();
    if (call.kind === 'kv') {
      const burst = faults.kvBursts.find((w) => w.from <= at && at < w.to);
      const outage = call.op !== 'get' && inside(faults.kvWriteOutages, at) !== undefined;
      if (outage || (burst !== undefined && kvRandom() < burst.share)) {
        record.refusals.kv += 1;
        return { status: 429, message: LIMIT_MESSAGE };
      }
      return undefined;
    }
    if (call.kind === 'request') {
      const burst = faults.requestBursts.find((w) => w.from <= at && at < w.to);
      if (burst !== undefined && requestRandom() < burst.share) {
        record.refusals.requests += 1;
        return { status: 429, headers: {}, message: LIMIT_MESSAGE, errorSource: 'APP', attempts: 0 };
      }
      return undefined;
    }
    if (call.op !== 'create' && call.op !== 'update') return undefined;
    const burst = faults.scheduleBursts.find((w) => w.from <= at && at < w.to);
    if (burst !== undefined && scheduleRandom() < burst.share) {
      record.refusals.schedules += 1;
      // The platform documents no refusal of a valid schedule call; its shape is ours. [assumption]
      return { status: burst.status, message: burst.status === 429 ? LIMIT_MESSAGE : 'Internal server error' };
    }
    return undefined;
  };

  const crashAfter = (entry: LedgerEntry): boolean => {
    if (lifted || faults.crashHazard === 0 || entry.handler === 'onAppInstallHandler') return false;
    if (crashRandom() >= faults.crashHazard) return false;
    record.crashes += 1;
    return true;
  };

  return {
    hooks: {
      refuse,
      crashAfter,
      onWriteAttempt: (attempt) => {
        const family = `${attempt.kind} ${attempt.kind === 'kv' ? keyFamily(attempt.key) : (attempt.key.split('-')[0] ?? '')}`;
        record.largest[family] = Math.max(record.largest[family] ?? 0, attempt.bytes);
        if (attempt.bytes > attempt.limit) record.oversize.push(attempt);
      },
    },
    warmStart: () => lifted || warmRandom() >= faults.coldStartShare,
    record,
    lift: () => {
      lifted = true;
    },
  };
}

/** `ledger:2026-11-02T06` → `ledger:`, `state` → `state`: keys of one kind together. */
export function keyFamily(key: string): string {
  const colon = key.indexOf(':');
  return colon === -1 ? key : key.slice(0, colon + 1);
}
