/**
 * The byte budget of every part of the state record (issue 19 item 3; SPEC §9 "bounded by bytes
 * at the largest account"). Each part has its own rule for staying small, applied before every
 * write; the maps that grow with the account spill to keys of their own (spill.ts), and
 * test/delivery/budgets.test.ts fills every part at once at the largest profile (500 queues,
 * 11-digit ids, 100-character names, 20,000 tickets a day) and proves the record still fits.
 *
 *   part                       rule                                          worst, bytes
 *   chunk lists                400 + 20 chunks, stored as sizes (state.ts)    ~2,000
 *   health + 24-hour chart     the CHART_QUEUES busiest queues, the rest       ~5,500
 *                              summed in one "other queues" row
 *   renamed queues             the newest MAX_RENAMED                          ~4,800
 *   warned groups              today's only                                    ~600
 *   gaps                       MAX_STATE_GAPS (accounting/gaps.ts)             ~1,500
 *   awaited tickets            MAX_MISSING_RANGES ranges, the rest gaps        ~3,700
 *   waiting resolutions        MAX_WAITING (opt-in/handled-contacts.ts)        ~6,300
 *   ledger pending / frozen    PENDING_BYTES / FROZEN_INLINE_BYTES (ledger)    ~10,300
 *   commit ring                RING_SIZE ids as differences (commit-ring.ts)   ~1,000
 *   pins, group names          inline up to INLINE_MAP_BYTES, else spilled     ≤ 8,192 each
 *   walk marks                 3 kinds, 2 times, one step id ≤ 80 (issue 20)   ~160
 */
import { boundVolume } from '../accounting/recent-volume';
import type { AppState } from '../stored/stored-data';

/** Queues drawn one by one in the 24-hour chart; the rest are one "other queues" row. */
export const CHART_QUEUES = 15;
/** Renamed queues listed for the status page (the pins keep every kept name regardless). */
export const MAX_RENAMED = 20;

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
