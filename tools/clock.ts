/**
 * Time for the dev tooling. The local platform, local Freshdesk and local injixo all read
 * "now" from one Clock, so a test can replay a whole day in seconds and every per-minute
 * limit, TTL, schedule and fault window follows the same simulated time.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: number | string | Date = Date.UTC(2026, 10, 2, 0, 0, 0)) {
    this.current = new Date(start).getTime();
    if (Number.isNaN(this.current)) throw new Error(`ManualClock: invalid start time ${String(start)}`);
  }

  now(): number {
    return this.current;
  }

  /** Moves forward by `ms` (never backwards). */
  advance(ms: number): void {
    if (ms < 0) throw new Error('ManualClock: time does not go backwards');
    this.current += ms;
  }

  /** Jumps to `time` if it is later than now. */
  advanceTo(time: number | string | Date): void {
    const target = new Date(time).getTime();
    if (target > this.current) this.current = target;
  }
}
