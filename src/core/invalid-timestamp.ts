/** A Freshdesk `created_at` (or an install time) that is not an ISO-8601 instant. */
export class InvalidTimestamp extends Error {
  override readonly name = 'InvalidTimestamp';
  readonly code = 'invalid_timestamp';
  /** The same text fails the same way every time. */
  readonly retryable = false;

  constructor(
    readonly value: string,
    reason: string,
  ) {
    super(`Invalid timestamp ${JSON.stringify(shorten(value))}: ${reason}. Expected ISO-8601 with a zone, such as 2021-11-05T12:45:13Z or 2021-11-05T18:15:13+05:30.`);
  }
}

/** Keeps a garbage value from flooding a log line. */
function shorten(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
