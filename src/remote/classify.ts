import type { TemplateError } from '../platform/types';
import { isPlatformRequestLimit, isUnacceptedAnswer } from '../platform/refusals';
import { isTransient, type Remote } from './retry-policy';

/**
 * What a template failure is (STYLE §5, SPEC §3); which statuses are transient is the remote's
 * retry policy (retry-policy.ts), as for every other caller.
 *
 * - 408, 429, 5xx, network errors and timeouts are transient: the remote or the path to it is
 *   busy or down; the same request can succeed later.
 * - 401/403 are about the key: retrying cannot help until an admin changes the settings.
 * - 400/413/422 say the request itself is wrong: sending it again gives the same answer.
 * - 404 means the host or path is wrong (a configuration problem), not a passing fault.
 * - 415 comes from the platform refusing the remote's answer for its content type (SPEC §5): the
 *   request reached the remote, so it is not a bad contact (never bisected or set aside); it is
 *   its own kind, `unaccepted_answer`, which callers keep and retry.
 * The platform's own per-installation limit also answers 429; refusals.ts tells it from a remote
 * 429 by its message, since both carry errorSource "APP".
 */
export type FailureKind = 'transient' | 'auth' | 'forbidden' | 'bad_request' | 'not_found' | 'unaccepted_answer';

export interface ClassifiedFailure {
  kind: FailureKind;
  /** HTTP status, or 0 when no answer came (network error, timeout). */
  status: number;
  retryAfterSeconds: number | undefined;
  /** True when the platform itself refused the call (its per-minute limit), not the remote. */
  byPlatform: boolean;
  /** True when no answer came: a network error, or the platform's own timeout/connection error. */
  noAnswer: boolean;
  /** The remote's own words, cut short: never a body we did not expect to read. */
  detail: string;
}

function asTemplateError(error: unknown): TemplateError {
  if (typeof error === 'object' && error !== null) return error as TemplateError;
  return { status: 0, message: String(error) };
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

export function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : undefined;
}

function shortDetail(error: TemplateError): string {
  const raw = typeof error.response === 'string' && error.response !== '' ? error.response : (error.message ?? '');
  return raw.replace(/\s+/g, ' ').slice(0, 200);
}

export function classifyTemplateFailure(error: unknown, remote: Remote): ClassifiedFailure {
  const e = asTemplateError(error);
  const status = typeof e.status === 'number' ? e.status : 0;
  const fromPlatform = e.errorSource !== undefined && e.errorSource !== 'APP';
  const byPlatform = isPlatformRequestLimit(e);
  // The platform reports its own timeout (15 s) and connection failures as 5xx of its own.
  const noAnswer = status === 0 || (fromPlatform && status >= 500);
  return { kind: kindOf(status, e, remote), status, byPlatform, noAnswer, detail: shortDetail(e), retryAfterSeconds: parseRetryAfter(headerValue(e.headers, 'retry-after')) };
}

const KIND_BY_STATUS: Readonly<Record<number, FailureKind>> = { 401: 'auth', 403: 'forbidden', 404: 'not_found' };

function kindOf(status: number, e: TemplateError, remote: Remote): FailureKind {
  const byStatus = KIND_BY_STATUS[status];
  if (byStatus !== undefined) return byStatus;
  if (isUnacceptedAnswer(e)) return 'unaccepted_answer';
  // 400/413/422 and any other 4xx: the same request would get the same answer.
  return isTransient(remote, status) ? 'transient' : 'bad_request';
}
