import { HOLD_AFTER_LATE_MS, holdRepliesAfter, LATE_MARGIN_MS, MAX_HOLD_LATENESS_MS } from '../../src/delivery/run/attribution-hold';
import { newState } from '../../src/delivery/commit/state';
import { HOLD_DELAY_MS, HOLD_SPREAD_MS, holdSpreadMs } from '../../src/delivery/intake/outbox';

const T0 = Date.parse('2026-11-02T09:00:00Z');
const SLOT = 10 * 60_000;
const slot = (ms: number): number => Math.floor(ms / SLOT);

describe('replies held while ticket records arrive late', () => {
  it('holds nothing on a normal day', () => {
    expect(holdRepliesAfter(newState(T0), { slots: [slot(T0)], lateFacts: 0 }, T0 + SLOT)).toBeUndefined();
  });

  it('holds the last retry delay of the window once late records are seen', () => {
    const state = newState(T0);
    const end = (slot(T0) + 1) * SLOT;
    expect(holdRepliesAfter(state, { slots: [slot(T0)], lateFacts: 1, maxLatenessMs: 2 * 60_000 }, T0 + SLOT)).toBe(end - HOLD_DELAY_MS - LATE_MARGIN_MS);
  });

  it('stretches the hold to the lateness seen in the last hour (a record refused again at its retry), at most an hour', () => {
    const state = newState(T0);
    holdRepliesAfter(state, { slots: [slot(T0)], lateFacts: 3, maxLatenessMs: 31 * 60_000 }, T0 + SLOT);
    const later = T0 + 3 * SLOT;
    const end = (slot(later) + 1) * SLOT;
    expect(holdRepliesAfter(state, { slots: [slot(later)], lateFacts: 0 }, later)).toBe(end - 31 * 60_000 - LATE_MARGIN_MS);
    holdRepliesAfter(state, { slots: [slot(later)], lateFacts: 1, maxLatenessMs: 5 * 60 * 60_000 }, later);
    expect(holdRepliesAfter(state, { slots: [slot(later)], lateFacts: 0 }, later)).toBe(end - MAX_HOLD_LATENESS_MS);
    // An hour without late records: nothing is held any more, and a new stretch starts afresh.
    const quiet = later + HOLD_AFTER_LATE_MS + 1;
    expect(holdRepliesAfter(state, { slots: [slot(quiet)], lateFacts: 0 }, quiet)).toBeUndefined();
    expect(holdRepliesAfter(state, { slots: [slot(quiet)], lateFacts: 1, maxLatenessMs: 2 * 60_000 }, quiet)).toBe((slot(quiet) + 1) * SLOT - HOLD_DELAY_MS - LATE_MARGIN_MS);
  });
});

describe('held records', () => {
  it('are retried spread over four minutes after the retry delay, the same for the same record and time', () => {
    const spreads = Array.from({ length: 400 }, (_, i) => holdSpreadMs(`c${40_000_000_000 + i}`, T0));
    expect(Math.min(...spreads)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...spreads)).toBeLessThan(HOLD_SPREAD_MS);
    // A burst of 400 held at once lands in at least 4 different minutes, none with more than half of them.
    const perMinute = new Map<number, number>();
    for (const s of spreads) perMinute.set(Math.floor(s / 60_000), (perMinute.get(Math.floor(s / 60_000)) ?? 0) + 1);
    expect(perMinute.size).toBe(4);
    expect(Math.max(...perMinute.values())).toBeLessThan(200);
    expect(holdSpreadMs('u725', T0)).toBe(holdSpreadMs('u725', T0));
  });
});
