/**
 * The byte budget of every part of the state record (issue 19 item 3; SPEC §9 "bounded by bytes
 * at the largest account"). Each part has its own rule for staying small, applied before every
 * write; the maps that grow with the account spill to keys of their own (spill.ts), and
 * test/delivery/budgets.test.ts fills every part at once at the largest profile (500 queues,
 * 11-digit ids, 100-character names, 20,000 tickets a day) and proves the record still fits.
 *
 *   part                       rule                                          worst, bytes
 *   chunk lists                400 + 20 chunks, sizes and id steps            ~1,800
 *                              (stored-form.ts)
 *   health + 24-hour chart     the CHART_QUEUES busiest queues, the rest       ~2,900
 *                              summed in one "other queues" row
 *   renamed queues             the newest MAX_RENAMED                          ~1,900
 *   warned groups              today's only                                    ~550
 *   gaps                       MAX_STATE_GAPS (accounting/gaps.ts)             ~1,500
 *   awaited tickets            MAX_MISSING_RANGES ranges, the closest joined   ~2,900
 *   waiting resolutions        MAX_WAITING (opt-in/handled-contacts.ts)        ~6,100
 *   ledger pending / frozen    PENDING_BYTES / FROZEN_INLINE_BYTES, grouped   ~12,300
 *                              by queue as stored (ledger.ts, stored-form.ts)
 *   commit ring                RING_SIZE ids as differences (commit-ring.ts)   ~1,000
 *   walk views (3)             VIEW_BYTES each (status/walk-views.ts)          ~4,000
 *   pins, group names          inline up to INLINE_MAP_BYTES, else spilled     ≤ 8,192 each
 *                              (spilled whenever the record would not fit)
 *   walk marks                 3 kinds, 2 times, one step id ≤ 80 (issue 20)   ~160
 *   the check's days           CHECK_DAYS_BYTES (status/walk-views.ts)         ~2,200
 *   total, measured by test/delivery/budgets.test.ts (every part at its worst): 37,541 of 38,912
 */
import { boundVolume } from '../accounting/recent-volume';
import type { AppState } from '../stored/stored-data';

/** Queues drawn one by one in the 24-hour chart; the rest are one "other queues" row. */
export const CHART_QUEUES = 12;
/** Renamed queues listed for the status page (the pins keep every kept name regardless). */
export const MAX_RENAMED = 12;

/** Applies every part's rule; pure apart from the state it is given. */
export function trimToBudgets(state: AppState, nowMs: number): void {
  const today = new Date(nowMs).toISOString().slice(0, 10);
  state.warnedGroups = Object.fromEntries(Object.entries(state.warnedGroups).filter(([, day]) => day === today));
  if (state.renamed) {
    const entries = Object.entries(state.renamed);
    state.renamed = Object.fromEntries(entries.slice(Math.max(0, entries.length - MAX_RENAMED)));
  }
  if (state.health.recent) state.health.recent = boundVolume(state.health.recent, CHART_QUEUES);
}
