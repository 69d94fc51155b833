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

function messageOf(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : '';
}

/**
 * The platform's own per-installation request limit refused `$request.invokeTemplate`: status
 * 429 with "You have exceeded the limit of 50 requests per minute" and `errorSource: "APP"`
 * (SPEC §5, reworded platform docs, request-method errors). `errorSource` cannot tell it from a
 * 429 of injixo or Freshdesk — both say APP — so the status and the message decide. The limit
 * may be raised per app (request-method-docs.md), so the number is not part of the match.
 */
export function isPlatformRequestLimit(error: unknown): boolean {
  return statusOf(error) === 429 && /^You have exceeded the limit of \d+ requests per minute/.test(messageOf(error));
}

/**
 * The platform refused the remote's *answer* because of its content type (SPEC §5: 415). The
 * remote did receive and process the request.
 */
export function isUnacceptedAnswer(error: unknown): boolean {
  return statusOf(error) === 415;
}
