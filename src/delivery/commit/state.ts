import { isOffered, type OfferedContact } from '../../core/types';
import type { KeyValueStore } from '../../platform/types';
import { log } from '../../platform/log';
import { isNotFound } from '../../platform/refusals';
import { DELIVERY_PERIOD_MINUTES, STATE_KEY } from '../../storage/keys';
import { slotOf } from '../intake/outbox';
import { addContacts, emptyVolume } from '../accounting/recent-volume';
import { type AppState, type ChunkList, type Health, validateState } from '../stored/stored-data';

/**
 * Everything the delivery run needs between runs, in ONE KV record (STATE_KEY): reading and
 * writing it costs two operations a run, whatever happens. Its size stays far below the 40 KB
 * limit: group names (a few KB), the last 24 hours' per-queue counts (recent-volume.ts), queue
 * name pins, and chunk ids — never contacts.
 */

export function chunkListSize(list: ChunkList): number {
  return list.chunks.reduce((sum, c) => sum + c.n, 0);
}

export function dayOf(timeMs: number): string {
  return new Date(timeMs).toISOString().slice(0, 10);
}

export function newState(nowMs: number): AppState {
  return {
    v: 1,
    installedAt: new Date(nowMs).toISOString(),
    cursor: slotOf(nowMs) - 1,
    backlog: { chunks: [], next: 1 },
    parked: { chunks: [], next: 1 },
    health: { consecutiveFailures: 0, sentTotal: 0, dropped: 0, parkedTotal: 0 },
    warnedGroups: {},
  };
}

/** The state, or a fresh one when the app has none yet (e.g. installed before this version). */
export async function readState(db: KeyValueStore, nowMs: number): Promise<AppState> {
  try {
    const value = await db.get(STATE_KEY);
    const state = validateState(value);
    if (state.ok) return state.value;
    log('error', 'STORED_RECORD_UNREADABLE', `the delivery state cannot be read (${state.error.message}); delivery restarts from a state that re-reads the last day of outbox keys`, {
      field: state.error.field,
    });
    return recoveredState(value, nowMs);
  } catch (error) {
    if (isNotFound(error)) return newState(nowMs);
    throw error;
  }
}

/** Outbox keys a recovered state re-reads: a day's worth, read MAX_SLOTS_PER_RUN at a time. */
export const RECOVERY_SLOTS = (24 * 60) / DELIVERY_PERIOD_MINUTES;

/**
 * A fresh state for a record that could not be read. Outbox keys are deleted once delivered,
 * so starting the cursor a day back re-reads only what was never delivered (missing keys are
 * empty). The install time is kept when it is still readable: rule 13 depends on it. Backlog
 * chunk ids are lost with the list; those contacts stay in the store unread (counted nowhere),
 * which is why this is logged as an error.
 */
function recoveredState(value: Record<string, unknown>, nowMs: number): AppState {
  const fresh = newState(nowMs);
  const installedAt = typeof value.installedAt === 'string' && !Number.isNaN(Date.parse(value.installedAt)) ? value.installedAt : fresh.installedAt;
  return { ...fresh, installedAt, cursor: fresh.cursor - RECOVERY_SLOTS };
}

export async function writeState(db: KeyValueStore, state: AppState): Promise<void> {
  await db.set(STATE_KEY, state as unknown as Record<string, unknown>);
}

/** Counts the offered contacts sent into the rolling 24-hour record (recent-volume.ts); handled ones are counted by handled-contacts.ts. */
export function countSent(health: Health, contacts: readonly OfferedContact[], nowMs: number): void {
  const offered = contacts.filter(isOffered);
  health.recent = addContacts(health.recent ?? emptyVolume(nowMs), offered, nowMs);
  // Records written before the rolling record kept a per-UTC-day tally; it is dropped, not migrated.
  delete (health as Health & { today?: unknown }).today;
  health.sentTotal += offered.length;
}
