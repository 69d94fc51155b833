/**
 * How far ahead the app asks for every one-time schedule and the recurring schedule's first run.
 *
 * The platform refuses a `schedule_at` less than 5 minutes after the call (SPEC §5: Freshworks'
 * scheduled-events docs). "After the call" is measured on the platform's clock when the request
 * reaches it, while we compute schedule_at from our clock before sending: the two differ by the
 * call's latency and any clock skew. One extra minute of margin keeps us clear of that edge.
 */
export const SCHEDULE_LEAD_MS = 6 * 60_000;
