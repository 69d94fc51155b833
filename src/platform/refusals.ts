/**
 * How the platform's stores say "no". One place, so every caller reads a refusal the same way.
 */

function statusOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
}

/** `$db.get` of a missing key rejects with status 404 (SPEC §5). */
export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/** A per-minute limit refused the call (status 429): the same call may succeed a minute later. */
export function isTooManyRequests(error: unknown): boolean {
  return statusOf(error) === 429;
}
