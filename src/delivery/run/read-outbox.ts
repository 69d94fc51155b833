import type { KeyValueStore } from '../../platform/types';
import { isLateFact, latenessOf } from './attribution-hold';
import { lastSettledSlot, type OutboxRecord, readOutboxSlot, recordTime } from '../intake/outbox';

/** Outbox slots read per run: two hours of backlog when catching up. */
export const MAX_SLOTS_PER_RUN = 12;
/**
 * Outbox slots read by a run that follows a run the KV limit refused. A catching-up run of
 * MAX_SLOTS_PER_RUN slots at 60 events a minute, with a 12,000-ticket day in the ticket book,
 * makes ~42 KV operations (12 slots, 14 ticket-book keys, 9 ledger reads): with a walk's slice in
 * the same minute it is refused before its commit, every time, and delivery stalls for good. A
 * smaller window commits, and the cursor moves.
 */
export const SLOTS_AFTER_KV_REFUSAL = 2;

export interface OutboxWindow {
  /** The slots this run covers, in order; the cursor moves to the last one once committed. */
  slots: number[];
  /** Slots that held records: their keys are deleted after the commit. */
  filledSlots: number[];
  /** Every record of those slots, in the order the facts became true. */
  records: OutboxRecord[];
  /** Ticket records that came through a one-time schedule (see attribution-hold.ts). */
  lateFacts: number;
  /** How late the latest of them was (ms; 0 when none). */
  maxLatenessMs: number;
}

/** Reads the settled slots after `cursor`, at most `maxSlots` of them. */
export async function readSettledOutbox(db: KeyValueStore, cursor: number, nowMs: number, maxSlots = MAX_SLOTS_PER_RUN): Promise<OutboxWindow> {
  const lastSlot = Math.min(lastSettledSlot(nowMs), cursor + maxSlots);
  const window: OutboxWindow = { slots: [], filledSlots: [], records: [], lateFacts: 0, maxLatenessMs: 0 };
  for (let slot = cursor + 1; slot <= lastSlot; slot += 1) {
    window.slots.push(slot);
    const found = await readOutboxSlot(db, slot);
    if (found.length > 0) window.filledSlots.push(slot);
    const late = found.filter((r) => isLateFact(recordTime(r), r.k, slot));
    window.lateFacts += late.length;
    for (const r of late) window.maxLatenessMs = Math.max(window.maxLatenessMs, latenessOf(recordTime(r), slot));
    window.records.push(...found);
  }
  // Stable sort: facts in the order they became true (see recordTime).
  window.records.sort((a, b) => recordTime(a) - recordTime(b));
  return window;
}
