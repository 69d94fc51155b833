import { RETRY_POLICIES } from '../../remote/retry-policy';
import { log } from '../../platform/log';
import type { AppError } from '../../remote/errors';
import { MAX_BACKLOG_CHUNKS } from '../commit/backlog';
import { CHUNK_CONTACTS } from '../commit/chunks';
import { GUIDANCE } from '../status/messages';
import type { SendResult } from './send';
import { chunkListSize, countSent } from '../commit/state';
import type { AppState, Health } from '../stored/stored-data';

/** "Key rejected" is logged at most this often, not once per event. */
export const KEY_ALERT_EVERY_MS = 60 * 60_000;
/** Other failures: the first, then every this many consecutive runs (about twice an hour). */
const REPEAT_WARNING_EVERY_RUNS = 6;

/** Contacts a run let go: the oldest when a list overflowed, and those in unreadable chunks. */
export interface Dropped {
  overflow: number;
  unreadable: number;
}

/** Notes a failure on the status page's record, without logging it. */
function recordFailure(state: AppState, failure: AppError | undefined, nowMs: number): void {
  if (!failure) return;
  const at = new Date(nowMs).toISOString();
  state.health.lastFailure = { code: failure.code, message: failure.message, at, ...(failure.status !== undefined ? { status: failure.status } : {}) };
  state.health.consecutiveFailures += 1;
}

/** What a run did, on the health record the status page shows, with the log lines support reads. */
export function recordRun(state: AppState, result: SendResult, dropped: Dropped, otherFailure: AppError | undefined, nowMs: number): void {
  const health = state.health;
  if (result.sent.length > 0) recordSuccess(health, result, nowMs);
  health.setAsideTotal += result.setAside.length;
  // Unreadable chunks were logged where they were read (STORED_RECORD_UNREADABLE).
  health.dropped += dropped.unreadable;
  if (dropped.overflow > 0) recordOverflow(health, dropped.overflow);
  const failure = result.failure ?? otherFailure;
  if (failure) recordRunFailure(state, failure, nowMs);
}

function recordRunFailure(state: AppState, failure: AppError, nowMs: number): void {
  const health = state.health;
  recordFailure(state, failure, nowMs);
  // injixo's retry policy: the next runs post nothing until its Retry-After has passed.
  if (failure.retryAfterSeconds !== undefined && RETRY_POLICIES.injixo.honourRetryAfter) health.retryAfterUntil = new Date(nowMs + failure.retryAfterSeconds * 1000).toISOString();
  if (failure.code === 'INJIXO_KEY_REJECTED') alertKeyRejected(state, failure, nowMs);
  else sayFailure(failure, health.consecutiveFailures);
}

/**
 * A run that could not count at all (no group names yet): its failure is recorded and said like
 * any run's — a support person reading that run's log must find why it did nothing (large seed
 * 66: the group list refused by the platform's per-minute limit, nothing logged).
 */
export function recordWaitingFailure(state: AppState, failure: AppError | undefined, nowMs: number): void {
  if (!failure) return;
  recordFailure(state, failure, nowMs);
  sayFailure(failure, state.health.consecutiveFailures);
}

function sayFailure(failure: AppError, consecutiveFailures: number): void {
  if (worthSaying(failure, consecutiveFailures)) log('warn', failure.code, `${failure.message}. ${GUIDANCE[failure.code]}`, { failures: consecutiveFailures });
}

/**
 * A remote failing is said at its first run and then every few runs. The platform refusing a call
 * of this run (its per-minute limit) is said by every run it happens in: it is this invocation's
 * refusal, not a remote's state, and a support person reading that run's log must find why it
 * sent nothing (issue 19 invariant (f); large seed 28: a run's post refused, nothing logged).
 */
function worthSaying(failure: AppError, consecutiveFailures: number): boolean {
  return failure.code === 'PLATFORM_LIMIT' || consecutiveFailures === 1 || consecutiveFailures % REPEAT_WARNING_EVERY_RUNS === 0;
}

function recordSuccess(health: Health, result: SendResult, nowMs: number): void {
  countSent(health, result.sent, nowMs);
  health.lastSuccessAt = new Date(nowMs).toISOString();
  health.consecutiveFailures = 0;
  delete health.keyRejectedSince;
  delete health.retryAfterUntil;
}

function recordOverflow(health: Health, dropped: number): void {
  health.dropped += dropped;
  log('error', 'BACKLOG_FULL', `the backlog exceeded ${MAX_BACKLOG_CHUNKS * CHUNK_CONTACTS} contacts; the oldest ${dropped} were dropped`, {
    dropped,
    droppedTotal: health.dropped,
  });
}

/** SPEC §7's message, once an hour while the key stays rejected. */
function alertKeyRejected(state: AppState, failure: AppError, nowMs: number): void {
  const health = state.health;
  const at = new Date(nowMs).toISOString();
  health.keyRejectedSince ??= at;
  const lastAlert = health.keyAlertLoggedAt ? Date.parse(health.keyAlertLoggedAt) : 0;
  if (nowMs - lastAlert < KEY_ALERT_EVERY_MS) return;
  health.keyAlertLoggedAt = at;
  log('error', failure.code, `injixo rejected the API key (HTTP ${failure.status ?? 401}). ${GUIDANCE.INJIXO_KEY_REJECTED}`, {
    since: health.keyRejectedSince,
    waiting: chunkListSize(state.backlog),
  });
}
