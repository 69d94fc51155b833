/**
 * The status page reads ONE record (issue 22 item 1): the state record, which every delivery run
 * writes anyway, doubles as the status snapshot. What lives elsewhere is folded into it by the
 * writers that read it anyway, or rarely:
 *   - the event handlers' counters (lost events, unreadable payloads): a delivery run reads
 *     COUNTERS_KEY when records came late through one-time schedules (the sign that handlers
 *     met the KV limit, the only time events are lost) and otherwise every FOLD_EVERY_MS;
 *   - the agents record's summary: each run that reads the record (agent statuses on);
 *   - each walk's view (import, replay, check): the walk itself, through the commit protocol.
 * A lost-events bucket of the counters becomes a gap in the state once; the bucket attributes
 * folded are then removed from the counters key, so they are never counted twice.
 */
import { log } from '../../platform/log';
import { isNotFound } from '../../platform/refusals';
import type { KeyValueStore } from '../../platform/types';
import { COUNTERS_KEY, LOST_EVENTS_BUCKET_PREFIX, LOST_UPDATES_BUCKET_PREFIX } from '../../storage/keys';
import { addGap, gapsFromCounters } from '../accounting/gaps';
import type { AppState } from '../stored/stored-data';

/**
 * The counters are folded in at least this often, and at once when records came late through
 * one-time schedules (the KV limit was hit, which is when events get lost): otherwise lost events
 * and unreadable payloads show at most three hours late. Hourly folds cost 24 KV reads a day,
 * these 8 (issue 19 item 6: calls per contact).
 */
export const FOLD_EVERY_MS = 3 * 60 * 60_000;
/** A lost-events bucket younger than this may still be counted into by a handler: left for the next fold. */
const BUCKET_SETTLE_MS = 30 * 60_000;
/**
 * Reads the counters into the state when due. Returns the bucket attributes folded (remove them
 * from the counters key once the state is stored: `forgetFolded`). A refused read folds nothing.
 */
export async function foldCounters(db: KeyValueStore, state: AppState, nowMs: number, lateRecords: boolean): Promise<string[]> {
  const last = state.counters?.foldedAt ?? Date.parse(state.installedAt);
  if (!lateRecords && nowMs - last < FOLD_EVERY_MS) return [];
  const counters = await readCounters(db);
  if (counters === undefined) return [];
  const settled = Object.fromEntries(Object.entries(counters).filter(([name]) => isSettledBucket(name, nowMs)));
  for (const gap of gapsFromCounters(settled)) addGap(state, gap);
  state.counters = { lostEvents: numberOr0(counters.lost_events), invalidPayloads: numberOr0(counters.invalid_payloads), foldedAt: nowMs };
  return Object.keys(settled);
}

/** The counters; empty when none were ever counted; undefined when the read was refused (nothing is folded then). */
async function readCounters(db: KeyValueStore): Promise<Record<string, unknown> | undefined> {
  try {
    return await db.get(COUNTERS_KEY);
  } catch (error) {
    return isNotFound(error) ? {} : undefined;
  }
}

function isSettledBucket(name: string, nowMs: number): boolean {
  const prefix = [LOST_EVENTS_BUCKET_PREFIX, LOST_UPDATES_BUCKET_PREFIX].find((p) => name.startsWith(p));
  if (prefix === undefined) return false;
  const interval = Number(name.slice(prefix.length));
  return Number.isInteger(interval) && (interval + 1) * 15 * 60_000 + BUCKET_SETTLE_MS <= nowMs;
}

/** After the state holding the folded gaps is stored: those buckets leave the counters key. */
export async function forgetFolded(db: KeyValueStore, buckets: readonly string[]): Promise<void> {
  if (buckets.length === 0) return;
  await db.update(COUNTERS_KEY, 'remove', [...buckets]).catch((error: unknown) => {
    log('warn', 'PLATFORM_LIMIT', `lost-event counts already shown as gaps could not be cleared now (${(error as { message?: string }).message ?? String(error)}); they are cleared at the next fold`);
  });
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
