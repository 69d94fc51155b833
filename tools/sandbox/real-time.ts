/**
 * The local platform's clock while `npm start` serves the pages (issue 22). The replay drives
 * a ManualClock through a generated day in seconds; once it is done and the pages are served,
 * that clock must keep moving with real time, or the per-minute limits never free a slot (the
 * status page went dark after ~10 loads) and no delivery schedule ever fires again. So every
 * tick moves the platform forward by the real time that passed, firing whatever fell due, one
 * advance at a time (a slow schedule delays the next tick; it is never run twice at once).
 */

/** What the driver moves: LocalPlatform.advance. */
export interface Advanceable {
  advance(ms: number): Promise<unknown>;
}

export interface RealTimeOptions {
  /** How often the clock is moved; default one second. */
  tickMs?: number;
  /** Real time source; default Date.now. */
  now?: () => number;
  /** Told about a failed advance (a handler that threw is already in the platform's ledger). */
  onError?: (error: unknown) => void;
}

export interface RealTimeClock {
  /** Stops moving the clock; resolves once a running advance has finished. */
  stop(): Promise<void>;
}

export function runClockInRealTime(platform: Advanceable, options: RealTimeOptions = {}): RealTimeClock {
  const now = options.now ?? Date.now;
  let last = now();
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const tick = (): void => {
    if (busy) return;
    const at = now();
    const elapsed = at - last;
    if (elapsed <= 0) return;
    last = at;
    busy = true;
    running = platform.advance(elapsed).then(
      () => undefined,
      (error: unknown) => options.onError?.(error),
    ).finally(() => {
      busy = false;
    });
  };
  const timer = setInterval(tick, options.tickMs ?? 1000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
