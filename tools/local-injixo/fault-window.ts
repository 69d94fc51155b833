/**
 * A misbehaviour of injixo scripted in (clock) time: active for requests arriving at
 * `from <= now < to`.
 *
 * - `outage`: answers `status` (default 503) before looking at the request; nothing is stored.
 * - `slow`: handles the request normally — contacts ARE stored — then holds the answer back for
 *   `delayMs` real milliseconds. A client that gives up first (the platform's 15 s template
 *   timeout) will retry contacts injixo already has: that is how duplicates happen for real.
 *   With `declared`, the answer is not held in real time: it leaves at once and carries the
 *   delay in ANSWER_DELAY_HEADER, and the local platform's request client takes a declared delay
 *   at or past its timeout as that timeout. The race is then decided by the numbers, not by how
 *   busy the machine is (the simulator's seeds must give the same result on any machine).
 * - `rateLimited`: 429 with `Retry-After: retryAfterSeconds`; nothing is stored.
 * - `reset`: reads the request, then destroys the socket without answering; nothing is stored.
 * - `contentType`: handles the request normally — contacts ARE stored — but answers with this
 *   Content-Type; the platform refuses such an answer with 415 (SPEC §5) after injixo stored it.
 * - `refuse`: answers `status` (401 `Invalid token`, 413, …) before storing anything, as a gateway
 *   or a key check in front of injixo would; nothing is stored.
 */
export type FaultWindow = { from: number; to: number } & (
  | { kind: 'outage'; status?: OutageStatus }
  | { kind: 'slow'; delayMs: number; declared?: boolean }
  | { kind: 'rateLimited'; retryAfterSeconds: number }
  | { kind: 'reset' }
  | { kind: 'contentType'; contentType: string }
  | { kind: 'refuse'; status: RefusalStatus }
);

/**
 * Local tooling only, never sent by a real server: how long (ms) the answer "took". Read by
 * tools/local-platform/request-client.ts, which strips it before the app sees the answer.
 */
export const ANSWER_DELAY_HEADER = 'x-local-answer-delay-ms';

export type RefusalStatus = 400 | 401 | 403 | 413 | 422;

export type OutageStatus = 500 | 502 | 503 | 504;

export const DEFAULT_OUTAGE_STATUS: OutageStatus = 503;

/** Throws on a window that could never be active or that would answer nonsense. */
export function assertFaultWindow(fault: FaultWindow): void {
  if (!Number.isFinite(fault.from) || !Number.isFinite(fault.to) || fault.from >= fault.to) {
    throw new Error(`FaultWindow ${fault.kind}: 'from' (${fault.from}) must be a time before 'to' (${fault.to})`);
  }
  switch (fault.kind) {
    case 'outage':
      if (fault.status !== undefined && ![500, 502, 503, 504].includes(fault.status)) {
        throw new Error(`FaultWindow outage: status must be 500, 502, 503 or 504, got ${String(fault.status)}`);
      }
      return;
    case 'slow':
      if (!(fault.delayMs >= 0)) throw new Error(`FaultWindow slow: delayMs must be >= 0, got ${fault.delayMs}`);
      return;
    case 'rateLimited':
      if (!Number.isInteger(fault.retryAfterSeconds) || fault.retryAfterSeconds < 0) {
        throw new Error(`FaultWindow rateLimited: retryAfterSeconds must be a whole number >= 0, got ${fault.retryAfterSeconds}`);
      }
      return;
    case 'reset':
      return;
    case 'contentType':
      if (fault.contentType.trim() === '') throw new Error('FaultWindow contentType: contentType must not be empty');
      return;
    case 'refuse':
      if (![400, 401, 403, 413, 422].includes(fault.status)) throw new Error(`FaultWindow refuse: status must be 400, 401, 403, 413 or 422, got ${String(fault.status)}`);
      return;
  }
}

/** The first window (in the order added) active at `now`, if any. */
export function findActiveFault(faults: readonly FaultWindow[], now: number): FaultWindow | undefined {
  return faults.find((fault) => fault.from <= now && now < fault.to);
}
