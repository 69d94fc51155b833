import type { KeyValueStore } from '../../platform/types';
import { isLateFact, latenessOf } from './attribution-hold';
import { lastSettledSlot, type OutboxRecord, readOutboxSlot, recordTime } from '../intake/outbox';

/** Outbox slots read per run: two hours of backlog when catching up. */
export const MAX_SLOTS_PER_RUN = 12;

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

/** Reads the settled slots after `cursor`, at most MAX_SLOTS_PER_RUN of them. */
export async function readSettledOutbox(db: KeyValueStore, cursor: number, nowMs: number): Promise<OutboxWindow> {
  const lastSlot = Math.min(lastSettledSlot(nowMs), cursor + MAX_SLOTS_PER_RUN);
  const window: OutboxWindow = { slots: [], filledSlots: [], records: [], lateFacts: 0, maxLatenessMs: 0 };
  for (let slot = cursor + 1; slot <= lastSlot; slot += 1) {
    window.slots.push(slot);
    const found = await readOutboxSlot(db, slot);
    if (found.length > 0) window.filledSlots.push(slot);
    // A record a run carried back came late by the app's choice, not the KV limit's.
    const late = found.filter((r) => !(r.k === 'u' && r.carried === true) && isLateFact(recordTime(r), r.k, slot));
    window.lateFacts += late.length;
    for (const r of late) window.maxLatenessMs = Math.max(window.maxLatenessMs, latenessOf(recordTime(r), slot));
    window.records.push(...found);
  }
  // Stable sort: facts in the order they became true (see recordTime).
  window.records.sort((a, b) => recordTime(a) - recordTime(b));
  return window;
}
