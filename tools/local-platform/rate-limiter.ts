import type { Clock } from '../clock';

/**
 * Per-installation "N calls per minute" limit on the shared clock.
 *
 * The platform docs (api/request-method-docs.md, runtime/keyvalue-store-docs.md) state
 * "50 requests per minute" without saying whether the minute is a fixed calendar window or a
 * sliding one. We use a sliding 60 s window: it is the stricter reading (a fixed window
 * allows up to 2N calls across a minute boundary), so an app that stays within it locally
 * also stays within either reading on the real platform. [assumption]
 */
export class SlidingWindowLimiter {
  private readonly stamps: number[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Takes one slot if one is free; a refused call takes none. */
  tryAcquire(): boolean {
    const now = this.clock.now();
    while (this.stamps.length > 0 && (this.stamps[0] as number) <= now - this.windowMs) this.stamps.shift();
    if (this.stamps.length >= this.limit) return false;
    this.stamps.push(now);
    return true;
  }
}
