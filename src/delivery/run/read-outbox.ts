import type { KeyValueStore } from '../../platform/types';
import { isLateFact, latenessOf } from './attribution-hold';
import { bookTicketOf, lastSettledSlot, type OutboxRecord, readOutboxSlot, recordTime } from '../intake/outbox';
import { bookRangeOf, MAX_BOOK_READS_PER_RUN } from '../memory/ticket-book';

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

/**
 * Reads the settled slots after `cursor`, at most MAX_SLOTS_PER_RUN of them, and no more than the
 * ticket book can serve: a slot whose updates and replies would bring the window's book ranges
 * past MAX_BOOK_READS_PER_RUN ends the window before it (the first slot is always taken; what
 * its records need beyond the budget is put off, build-contacts.ts). Without this, a run catching
 * up read twelve slots whose replies named more ranges than the budget, served 8 and put off
 * the rest, more than the outbox carries: the excess became gaps (the during-check probe at 60
 * events a minute dropped 475 so, 2026-12-07). The decision for a slot depends only on
 * the slots before it, which are settled: a run after a void run reads at least its window.
 */
export async function readSettledOutbox(db: KeyValueStore, cursor: number, nowMs: number): Promise<OutboxWindow> {
  const lastSlot = Math.min(lastSettledSlot(nowMs), cursor + MAX_SLOTS_PER_RUN);
  const window: OutboxWindow = { slots: [], filledSlots: [], records: [], lateFacts: 0, maxLatenessMs: 0 };
  const ranges = new BookRanges();
  for (let slot = cursor + 1; slot <= lastSlot; slot += 1) {
    const found = await readOutboxSlot(db, slot);
    const fits = ranges.add(found);
    if (!fits && window.slots.length > 0) break;
    window.slots.push(slot);
    if (found.length > 0) window.filledSlots.push(slot);
    // A record a run carried back came late by the app's choice, not the KV limit's.
    const late = found.filter((r) => !(r.k === 'u' && r.carried === true) && isLateFact(recordTime(r), r.k, slot));
    window.lateFacts += late.length;
    for (const r of late) window.maxLatenessMs = Math.max(window.maxLatenessMs, latenessOf(recordTime(r), slot));
    window.records.push(...found);
    // The first slot alone needs more: the window is that slot.
    if (!fits) break;
  }
  // Stable sort: facts in the order they became true (see recordTime).
  window.records.sort((a, b) => recordTime(a) - recordTime(b));
  return window;
}

/** The ticket book's range of a record's ticket, and whether a creation (always read) or a need of the budget; undefined for other kinds. */
function rangeOf(record: OutboxRecord): { range: number; created: boolean } | undefined {
  const ticketId = bookTicketOf(record);
  return ticketId === undefined ? undefined : { range: bookRangeOf(ticketId), created: record.k === 't' };
}

/** The ticket book's ranges a window's updates and replies need, beyond those of its creations (always read). */
class BookRanges {
  private readonly needed = new Set<number>();
  private readonly created = new Set<number>();

  /** Adds a slot's records; false when the window would then need more ranges than a run may read (nothing is added). */
  add(records: readonly OutboxRecord[]): boolean {
    const created = new Set(this.created);
    const needed = new Set(this.needed);
    for (const found of records.map(rangeOf)) if (found) (found.created ? created : needed).add(found.range);
    if ([...needed].filter((range) => !created.has(range)).length > MAX_BOOK_READS_PER_RUN) return false;
    for (const range of created) this.created.add(range);
    for (const range of needed) this.needed.add(range);
    return true;
  }
}
