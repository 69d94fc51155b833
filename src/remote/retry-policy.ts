/**
 * The retry policy of each remote, held as data (STYLE §5; ky keeps its retry options the same
 * way): which answers say "later", how many attempts one request gets where the caller can wait
 * (the CLI, the import walk), the backoff between them, whether `Retry-After` replaces it, and how
 * many attempts the app's request templates make. Every retry of the app and the CLI reads it:
 * classify.ts (the delivery runs' and the key checks' failures), key-check.ts, the import walk
 * (src/import/walk.ts) and the CLI's injixo poster (src/cli/injixo-poster.ts).
 * Pure, with no imports: the browser bundle (install page) uses it too.
 *
 * In the app there are no timers: a failed post is retried by the next delivery run (the
 * backlog), a failed walk call pauses the walk until the next slice; only the templates'
 * `maxAttempts` retry within one call (config/requests.json, checked against
 * `templateMaxAttempts` by test/remote/retry-policy.test.ts).
 */
export type Remote = 'injixo' | 'freshdesk';

export interface RetryPolicy {
  /**
   * Answers after which the same request can succeed without anyone changing anything: 0 (no
   * answer at all: a network error, a timeout), 408, 429 — and every status from `transientFrom`
   * up (5xx). 401/403 (the key), 404 (the address) and the other 4xx (the request) cannot change.
   */
  transientStatuses: readonly number[];
  transientFrom: number;
  /** Attempts of one request where the caller can wait, the first included; 429s count here unless `rateLimitedAttempts` says otherwise. */
  attempts: number;
  /** 429 answers in a row one request may meet before the caller gives up (each waits its Retry-After). */
  rateLimitedAttempts: number;
  /** Wait after the n-th failed attempt: min(maxMs, firstMs × 2^(n−1)). */
  backoff: { firstMs: number; maxMs: number };
  /** A `Retry-After` in the answer replaces the backoff (and, in the app, holds the next runs' posts). */
  honourRetryAfter: boolean;
  /**
   * Most attempts a request template of this remote may make (`maxAttempts`). injixo: 1, since
   * injixo has no contact id and a POST that timed out may be stored: a platform retry would
   * store it again (SPEC §3).
   */
  templateMaxAttempts: number;
}

export const RETRY_POLICIES: Readonly<Record<Remote, RetryPolicy>> = {
  injixo: {
    transientStatuses: [0, 408, 429],
    transientFrom: 500,
    attempts: 8,
    rateLimitedAttempts: 8,
    backoff: { firstMs: 1_000, maxMs: 60_000 },
    honourRetryAfter: true,
    templateMaxAttempts: 1,
  },
  freshdesk: {
    transientStatuses: [0, 408, 429],
    transientFrom: 500,
    attempts: 6,
    // The account's limit is shared with every other app: a busy minute can refuse many calls in a row.
    rateLimitedAttempts: 30,
    backoff: { firstMs: 2_000, maxMs: 60_000 },
    honourRetryAfter: true,
    templateMaxAttempts: 2,
  },
};

/** Whether `status` (0: no answer) says "later" for this remote. */
export function isTransient(remote: Remote, status: number): boolean {
  const policy = RETRY_POLICIES[remote];
  return policy.transientStatuses.includes(status) || status >= policy.transientFrom;
}

/** The wait after the `failedAttempts`-th failed attempt (1-based), from the backoff alone. */
export function backoffMs(remote: Remote, failedAttempts: number): number {
  const { firstMs, maxMs } = RETRY_POLICIES[remote].backoff;
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, failedAttempts - 1));
}

/** The wait before the next attempt: the answer's Retry-After when the policy honours it, else the backoff. */
export function retryDelayMs(remote: Remote, failedAttempts: number, retryAfterSeconds: number | undefined): number {
  const policy = RETRY_POLICIES[remote];
  return policy.honourRetryAfter && retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : backoffMs(remote, failedAttempts);
}

/** Whether a request that failed `failedAttempts` times, the last with `status`, may be sent again. */
export function mayRetry(remote: Remote, status: number, failedAttempts: number): boolean {
  const policy = RETRY_POLICIES[remote];
  if (!isTransient(remote, status)) return false;
  return failedAttempts < (status === 429 ? policy.rateLimitedAttempts : policy.attempts);
}
