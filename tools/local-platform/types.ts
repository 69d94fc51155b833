/** Shapes shared by the local platform's modules and its users (tests, benchmarks). */

export type LedgerKind = 'request' | 'kv' | 'schedule' | 'invocation';

/**
 * One platform call. `outcome`: `ok`; `rejected` when the platform refused the call before it
 * had any effect (rate limit, validation, crash); `error` when the call ran but failed
 * (non-2xx answer, network failure, timeout, missing record).
 */
export interface LedgerEntry {
  invocationId: number;
  handler: string;
  kind: LedgerKind;
  /** Template name (request), event name (invocation). */
  name?: string;
  /** Operation (kv: set/get/update/delete, schedule: create/fetch/update/delete). */
  op?: string;
  /** KV key or schedule name. */
  key?: string;
  outcome: 'ok' | 'rejected' | 'error';
  status?: number;
  attempts?: number;
  /** Clock time (ms) when the call finished. */
  at: number;
  /** Invocations only: real elapsed milliseconds and process CPU microseconds. */
  wallMs?: number;
  cpuMicros?: number;
}

export interface LogLine {
  level: 'log' | 'info' | 'warn' | 'error' | 'debug';
  message: string;
  at: number;
  handler: string;
  invocationId: number;
}

export interface PlatformLimits {
  requestsPerMinute: number;
  kvOpsPerMinute: number;
  /** Real milliseconds an invocation may take (platform: 20 s). */
  invocationMs: number;
  /** Real milliseconds an app set-up event may take (app_setup_events_doc.md: 10 s). */
  setupEventMs: number;
  /** Largest product-event payload (platform: 256 KB). */
  payloadBytes: number;
  /** Real milliseconds per request attempt (platform: 15 s). */
  requestTimeoutMs: number;
  /** Multiplies a template's retryDelay to get the real wait; tests use 0. */
  retryDelayScale: number;
}

export const DEFAULT_LIMITS: PlatformLimits = {
  requestsPerMinute: 50,
  kvOpsPerMinute: 50,
  invocationMs: 20_000,
  setupEventMs: 10_000,
  payloadBytes: 256 * 1024,
  requestTimeoutMs: 15_000,
  retryDelayScale: 1,
};

/**
 * Every behaviour of the local platform that no Freshworks source settles, or that we chose the
 * strict reading of, in one place (docs/platform-assumptions.md). Defaults are the
 * strict choice; a test that needs otherwise says so through `LocalPlatform.load({fidelity})`.
 */
export interface PlatformFidelity {
  /**
   * A one-time `schedule_at` must be at least this far after the call (ms). Default 5 minutes:
   * Freshworks' scheduled-events docs of the other products; the v3.0 page does not contradict
   * it (SPEC §5). 0 accepts any future time.
   */
  minScheduleLeadMs: number;
  /**
   * true (default): `current_host.endpoint_urls.freshdesk` renders as the documented
   * `https://<account>` URL and a rendered `host` that is not a bare FQDN is refused with 400
   * "runtime validation failed." (api/request-method-docs.md; architecture/current_host.md).
   * false: the scheme and a trailing slash are dropped, as if the platform stripped them — nothing
   * documents that it does. [assumption either way]
   */
  strictHost: boolean;
  /**
   * true (default): a response whose Content-Type is not one the platform accepts rejects with
   * 415, although the remote answered (SPEC §5). A response without Content-Type passes. [assumption: which types]
   */
  checkResponseContentType: boolean;
  /**
   * true (default): `update(key, 'set')` on a missing key creates it and `update(key, 'remove')`
   * on a missing key answers 400, as the FDK's local store does (SPEC §5, issue 10).
   * false: both reject with 404 like `get`.
   */
  fdkUpdateSemantics: boolean;
}

export const DEFAULT_FIDELITY: PlatformFidelity = {
  minScheduleLeadMs: 5 * 60_000,
  strictHost: true,
  checkResponseContentType: true,
  fdkUpdateSemantics: true,
};

/** What `renderData(error, data)` was called with. */
export interface RenderedData {
  error: unknown;
  data: unknown;
}

export interface InvocationResult {
  invocationId: number;
  event: string;
  handler: string;
  ok: boolean;
  /** What the handler's promise resolved to. */
  value?: unknown;
  /** Set when the handler called renderData. */
  rendered?: RenderedData;
  error?: { message: string; cause?: unknown };
  wallMs: number;
  cpuMicros: number;
}

/** A rejection the platform produces itself (KV, schedule, request validation/limits). */
export interface PlatformRejection {
  status: number;
  message: string;
  [extra: string]: unknown;
}

/** Thrown inside the emulator to turn into a platform rejection with a ledger outcome. */
export class PlatformCallError extends Error {
  constructor(
    readonly payload: PlatformRejection | Record<string, unknown>,
    readonly outcome: 'rejected' | 'error',
  ) {
    super(typeof payload.message === 'string' ? payload.message : `platform call failed (${String(payload.status)})`);
    this.name = 'PlatformCallError';
  }
}

export function rejectWith(status: number, message: string, outcome: 'rejected' | 'error' = 'rejected'): never {
  throw new PlatformCallError({ status, message }, outcome);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/** A platform call about to run, as the fault hooks see it (LocalPlatformOptions.faults). */
export interface PlatformCallInfo {
  kind: 'kv' | 'request' | 'schedule';
  /** kv: set/get/update/delete; schedule: create/fetch/update/delete; request: the template name. */
  op: string;
  /** KV key or schedule name. */
  key?: string;
  invocationId: number;
  handler: string;
}

/** A KV value or schedule data the app tried to store, with its size, whether or not it was stored. */
export interface WriteAttempt {
  kind: 'kv' | 'schedule';
  /** `set`, `update:<action>` (`update:append`, …); schedule `create` / `update`. */
  op: string;
  key: string;
  /** KV: key + value bytes of what would be stored; schedule: bytes of `data`. */
  bytes: number;
  /** The platform's limit for it (40 KB, 4 KB). */
  limit: number;
  invocationId: number;
  handler: string;
  /** Clock ms. */
  at: number;
}

/**
 * Opt-in fault injection for the deterministic fault simulator (tools/simulator). Every hook is
 * called synchronously in call order, so a hook drawing from a seeded stream stays deterministic.
 */
export interface PlatformFaultHooks {
  /** Before the call has any effect: a payload returned refuses it with that rejection (outcome `rejected`). */
  refuse?(call: PlatformCallInfo): PlatformRejection | undefined;
  /** After the `callNumber`-th platform call of an invocation completed: true = the invocation dies there. */
  crashAfter?(entry: LedgerEntry, callNumber: number): boolean;
  /** Every KV set/update and schedule create/update with data, before any limit decides on it. */
  onWriteAttempt?(attempt: WriteAttempt): void;
}
