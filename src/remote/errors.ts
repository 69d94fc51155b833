import type { LogCodeOf } from '../platform/log-codes';

/**
 * The few failures the app distinguishes. Each has a narrow `name`, a stable `code` that logs
 * and the status page use, `retryable` (may the same request succeed later without anyone
 * changing anything?) and the platform's original error in `cause`.
 * Failures are logged under their code, so `LogCodeOf` makes FailureCode a subset of LogCode:
 * a code without a row in src/platform/log-codes.ts does not compile.
 */
export type FailureCode = LogCodeOf<
  | 'INJIXO_KEY_REJECTED'
  | 'INJIXO_BAD_REQUEST'
  | 'INJIXO_NOT_FOUND'
  | 'INJIXO_UNAVAILABLE'
  | 'FRESHDESK_KEY_REJECTED'
  | 'FRESHDESK_NOT_ADMIN'
  | 'FRESHDESK_RATE_LIMITED'
  | 'FRESHDESK_UNAVAILABLE'
  | 'PLATFORM_LIMIT'
  | 'UNACCEPTED_ANSWER'
  | 'INVALID_PAYLOAD'
>;

export interface AppErrorOptions {
  status?: number | undefined;
  retryAfterSeconds?: number | undefined;
  cause?: unknown;
  /** The request may have taken effect: no answer came, or the platform refused the answer. */
  unconfirmed?: boolean;
}

export class AppError extends Error {
  override readonly name: string;
  readonly code: FailureCode;
  readonly retryable: boolean;
  readonly status: number | undefined;
  /** Seconds the remote asked us to wait (Retry-After), when it said so. */
  readonly retryAfterSeconds: number | undefined;
  /**
   * The remote may have done what was asked: it never answered (a timeout, a lost connection), or
   * the platform refused its answer (415). A POST to injixo in that state must not be sent again —
   * injixo has no contact id, so a second copy could never be taken back.
   */
  readonly unconfirmed: boolean;

  constructor(code: FailureCode, message: string, options: AppErrorOptions = {}) {
    super(message);
    this.name = errorNames[code];
    this.code = code;
    this.retryable = RETRYABLE.has(code);
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.unconfirmed = options.unconfirmed === true;
    if (options.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

const errorNames: Record<FailureCode, string> = {
  INJIXO_KEY_REJECTED: 'InjixoRejectedKey',
  INJIXO_BAD_REQUEST: 'InjixoRejectedRequest',
  INJIXO_NOT_FOUND: 'InjixoNotFound',
  INJIXO_UNAVAILABLE: 'InjixoUnavailable',
  FRESHDESK_KEY_REJECTED: 'FreshdeskRejectedKey',
  FRESHDESK_NOT_ADMIN: 'FreshdeskNotAdmin',
  FRESHDESK_RATE_LIMITED: 'FreshdeskRateLimited',
  FRESHDESK_UNAVAILABLE: 'FreshdeskUnavailable',
  PLATFORM_LIMIT: 'PlatformLimitReached',
  UNACCEPTED_ANSWER: 'PlatformRefusedAnswer',
  INVALID_PAYLOAD: 'InvalidPayload',
};

/** Transient by nature: the same request can succeed later with nobody changing anything. */
const RETRYABLE = new Set<FailureCode>(['INJIXO_UNAVAILABLE', 'FRESHDESK_RATE_LIMITED', 'FRESHDESK_UNAVAILABLE', 'PLATFORM_LIMIT', 'UNACCEPTED_ANSWER']);

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
