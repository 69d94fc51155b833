import { isOffered, type OfferedContact } from '../../core/types';
import type { KeyValueStore } from '../../platform/types';
import { log } from '../../platform/log';
import { isNotFound } from '../../platform/refusals';
import { DELIVERY_PERIOD_MINUTES, STATE_KEY } from '../../storage/keys';
import { slotOf } from '../intake/outbox';
import { addContacts, emptyVolume } from '../accounting/recent-volume';
import { type AppState, type ChunkList, type Health, validateState } from '../stored/stored-data';
import { trimToBudgets } from './budgets';
import { withCommits } from './commit-ring';
import { expandLedger, expandList, storedForm } from './stored-form';
import { loadSpilled, SPILLABLE, type SpillableSection, spillToFit, STATE_BUDGET_BYTES, stateBytes } from './spill';

/**
 * Everything the delivery run needs between runs, in ONE KV record (STATE_KEY): reading and
 * writing it costs two operations a run, whatever happens, and it is the one commit point of the
 * commit protocol (commit.ts). It stays within its byte budget at any account size: every part
 * has a rule (budgets.ts), and the maps that grow with the account spill to keys of their own
 * (spill.ts). Chunk lists are stored as the first id and the sizes (ids are consecutive: chunks
 * leave from the head and join at the tail), a fifth of the bytes of one object per chunk.
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
    setAside: { chunks: [], next: 1 },
    health: { consecutiveFailures: 0, sentTotal: 0, dropped: 0, setAsideTotal: 0 },
    warnedGroups: {},
    // The install is the first commit: claims of any later run that never committed are void (commit-ring.ts).
    commitId: nowMs,
    commits: withCommits(undefined, [nowMs]),
  };
}

/**
 * The state, or a fresh one when the app has none yet (e.g. installed before this version).
 * `withSpilled`: also load the maps kept beside the record (all, or those named): writers that
 * use them need them; the status page reads the record alone.
 */
export async function readState(db: KeyValueStore, nowMs: number, options: { withSpilled?: boolean | readonly SpillableSection[] } = {}): Promise<AppState> {
  try {
    const value = await db.get(STATE_KEY);
    const state = validateState(expandChunkLists(value));
    if (state.ok) {
      if (options.withSpilled) await loadSpilled(db, state.value, options.withSpilled === true ? SPILLABLE : options.withSpilled);
      return state.value;
    }
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

/**
 * Writes the record within its budget: every part's rule, then spilled maps. Never attempts a
 * value over the KV limit (it would be refused, and refused again on every later write): a record
 * still over budget after every rule is a defect, said as STATE_OVER_BUDGET and refused here.
 */
export async function writeState(db: KeyValueStore, state: AppState, nowMs = state.commitId ?? Date.parse(state.installedAt)): Promise<void> {
  trimToBudgets(state, nowMs);
  const stored = await spillToFit(db, state);
  const bytes = stateBytes(stored);
  if (bytes > STATE_BUDGET_BYTES) {
    log('error', 'STATE_OVER_BUDGET', `the delivery state would take ${bytes} bytes, over its budget of ${STATE_BUDGET_BYTES}; it is not written (report this)`, { bytes });
    throw new Error(`the delivery state would take ${bytes} bytes, over its budget of ${STATE_BUDGET_BYTES}`);
  }
  await db.set(STATE_KEY, storedForm(stored));
  if (stored.spilled) state.spilled = stored.spilled;
}

/**
 * Reads both forms: compact lists back to one entry per chunk, anything else left to the schema;
 * and a record written before "set aside" had one word (`parked`, `parkedTotal`).
 */
function expandChunkLists(value: Record<string, unknown>): Record<string, unknown> {
  const { parked, ...rest } = value;
  const health = rest.health as Record<string, unknown> | undefined;
  const legacyHealth = health && health.setAsideTotal === undefined && health.parkedTotal !== undefined ? { health: { ...health, setAsideTotal: health.parkedTotal } } : {};
  const ledger = rest.ledger === undefined ? {} : { ledger: expandLedger(rest.ledger) };
  return { ...rest, ...legacyHealth, ...ledger, backlog: expandList(rest.backlog), setAside: expandList(rest.setAside ?? parked) };
}

/** Counts the offered contacts sent into the rolling 24-hour record (recent-volume.ts); handled ones are counted by handled-contacts.ts. */
export function countSent(health: Health, contacts: readonly OfferedContact[], nowMs: number): void {
  const offered = contacts.filter(isOffered);
  health.recent = addContacts(health.recent ?? emptyVolume(nowMs), offered, nowMs);
  // Records written before the rolling record kept a per-UTC-day tally; it is dropped, not migrated.
  delete (health as Health & { today?: unknown }).today;
  health.sentTotal += offered.length;
}
