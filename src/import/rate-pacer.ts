/**
 * Keeps the import within a share of the account's Freshdesk limit (SPEC §4, §8). The limit
 * is per account and minute and shared with every other app, so the import spreads its calls
 * evenly: one call every 60 s / (share × X-RateLimit-Total), read from each answer. The ticket
 * list has a lower sub-limit of its own that no header reports, so list calls are also spaced
 * by the same share of that sub-limit. Pure: the caller passes "now" and does the waiting
 * (a sleep in the CLI; "stop this slice, continue later" in the app, which has no timers).
 */
import { headerOf, type FreshdeskAnswer } from './transport';

export type CallKind = 'list' | 'other';

/** Default share of the account's limit the import may use (issue 12: half of X-RateLimit-Total). */
export const DEFAULT_RATE_SHARE = 0.5;

/**
 * The ticket list sub-limit per plan, keyed by the plan's total (Freshdesk API v2 reference,
 * Rate Limit: Growth 200/20, Pro 400/100, Enterprise 700/200). [assumption] A total between the
 * documented ones takes the next lower plan's sub-limit; below Growth, a tenth of the total.
 */
export function ticketListLimitFor(total: number): number {
  // Above Enterprise (custom plans), the sub-limit is taken in Enterprise's proportion.
  if (total > 700) return Math.floor((total * 200) / 700);
  if (total === 700) return 200;
  if (total >= 400) return 100;
  if (total >= 200) return 20;
  return Math.max(1, Math.floor(total / 10));
}

/** [assumption] Before the first answer tells the account's limit, pace as the smallest plan. */
const ASSUMED_TOTAL = 200;
/** When Freshdesk omits Retry-After on a 429, wait for the next minute window. */
const DEFAULT_RETRY_AFTER_MS = 60_000;
/** Below this share of the limit left, other callers are busy: slow down before a 429. */
const LOW_REMAINING_SHARE = 0.05;
const LOW_REMAINING_PAUSE_MS = 5_000;

export interface PacerState {
  total: number;
  /** Clock ms before which no call may start, and no list call. */
  nextAt: number;
  nextListAt: number;
  /** When the last call (and the last list call) started: re-spaced once the real limit is known. */
  lastSentAt: number;
  lastListSentAt: number;
}

export interface PacerCounters {
  calls: number;
  rateLimited: number;
  waitedMs: number;
}

export class RatePacer {
  readonly counters: PacerCounters = { calls: 0, rateLimited: 0, waitedMs: 0 };
  private state: PacerState;

  constructor(
    readonly share: number = DEFAULT_RATE_SHARE,
    initial?: PacerState,
  ) {
    if (!(share > 0 && share <= 1)) throw new RangeError(`rate share must be in (0, 1], got ${share}`);
    this.state = initial ? { ...initial } : { total: ASSUMED_TOTAL, nextAt: 0, nextListAt: 0, lastSentAt: 0, lastListSentAt: 0 };
  }

  snapshot(): PacerState {
    return { ...this.state };
  }

  /** Calls per minute the import allows itself (of every kind). */
  callsPerMinute(): number {
    return this.share * this.state.total;
  }

  /** Milliseconds to wait before a call of `kind` may start at `now` (0: go). */
  delayBefore(kind: CallKind, now: number): number {
    const at = kind === 'list' ? Math.max(this.state.nextAt, this.state.nextListAt) : this.state.nextAt;
    return Math.max(0, at - now);
  }

  /** Books a call starting at `now`: the next call of each kind is spaced from here. */
  onSend(kind: CallKind, now: number): void {
    this.counters.calls += 1;
    this.state.lastSentAt = Math.max(now, this.state.nextAt);
    this.state.nextAt = this.state.lastSentAt + this.spacing();
    if (kind === 'list') {
      this.state.lastListSentAt = Math.max(now, this.state.nextListAt);
      this.state.nextListAt = this.state.lastListSentAt + this.listSpacing();
    }
  }

  private spacing(): number {
    return 60_000 / this.callsPerMinute();
  }

  private listSpacing(): number {
    return 60_000 / (this.share * ticketListLimitFor(this.state.total));
  }

  /** Reads the limit headers of an answer that arrived at `now`; a 429 defers every call. */
  onAnswer(answer: FreshdeskAnswer, now: number): void {
    this.learnTotal(answer);
    if (answer.status === 429) {
      this.deferAfterRefusal(answer, now);
      return;
    }
    const remaining = Number(headerOf(answer.headers, 'x-ratelimit-remaining'));
    if (Number.isFinite(remaining) && remaining <= Math.max(1, this.state.total * LOW_REMAINING_SHARE)) {
      this.state.nextAt = Math.max(this.state.nextAt, now + LOW_REMAINING_PAUSE_MS);
    }
  }

  /** The first answer tells the real limit: space from the last call by it, not the guess. */
  private learnTotal(answer: FreshdeskAnswer): void {
    const total = Number(headerOf(answer.headers, 'x-ratelimit-total'));
    if (!(Number.isFinite(total) && total > 0) || total === this.state.total) return;
    this.state.total = total;
    this.state.nextAt = this.state.lastSentAt + this.spacing();
    this.state.nextListAt = this.state.lastListSentAt + this.listSpacing();
  }

  /** A 429 holds every call (list calls too) until Retry-After, or the next minute without it. */
  private deferAfterRefusal(answer: FreshdeskAnswer, now: number): void {
    this.counters.rateLimited += 1;
    const seconds = Number(headerOf(answer.headers, 'retry-after'));
    const waitMs = Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) * 1000 : DEFAULT_RETRY_AFTER_MS;
    this.state.nextAt = Math.max(this.state.nextAt, now + waitMs);
    this.state.nextListAt = Math.max(this.state.nextListAt, this.state.nextAt);
  }
}
