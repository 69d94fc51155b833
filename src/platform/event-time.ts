/**
 * When an event happened, from the handler args' `timestamp`: seconds in product events,
 * milliseconds in app events (see server/test_data). Falls back to the sandbox's clock when an
 * event has none. Not "now": the platform may deliver an event late (Platform.now is when the
 * handler runs).
 */
export function eventTime(timestamp: unknown): number {
  if (typeof timestamp === 'number' && Number.isFinite(timestamp) && timestamp > 0) {
    return timestamp < 1e12 ? Math.round(timestamp * 1000) : Math.round(timestamp);
  }
  return Date.now();
}
