import { log } from '../../platform/log';
import type { KeyValueStore, Platform } from '../../platform/types';
import type { SchemaViolation } from '../../schemas/create-validator';
import { COUNTERS_KEY } from '../../storage/keys';
import { lostBucketOf } from '../accounting/gaps';
import { type OutboxRecord, recordId, recordInOutbox, recordTime, rekeepHeldRecord } from './outbox';

/**
 * Writes one event's record to the outbox (or, when the KV limit refuses, to a one-time
 * schedule); if even that is impossible, says so loudly with the ids and counts it. `held`:
 * the record comes from its hold schedule, which the platform has deleted on firing — its next
 * hold is made before the append is tried (rekeepHeldRecord).
 */
export async function keepRecord(platform: Pick<Platform, 'db' | 'schedule' | 'now'>, event: unknown, record: OutboxRecord, held = false): Promise<void> {
  try {
    // The slot is chosen by when the handler runs, not when the event happened: an event the
    // platform delivers late must still land in a slot no delivery run has read yet.
    const keep = held ? rekeepHeldRecord : recordInOutbox;
    const where = await keep(platform.db, platform.schedule, record, platform.now());
    if (where === 'held') log('warn', 'PLATFORM_LIMIT', `KV limit reached; ${recordId(record)} is held in a one-time schedule and retried shortly`);
  } catch (error) {
    log('error', 'EVENT_LOST', `${String(event)} ${recordId(record)} could not be stored (${(error as Error).message}); replay the import for this period to recover it`);
    // The same single increment also marks the record's 15-minute interval as a gap (gaps.ts).
    // In a minute when both stores refused, this call is likely refused too: then only the
    // log line above knows (docs/delivery.md "What the app can and cannot detect").
    await platform.db.update(COUNTERS_KEY, 'increment', { lost_events: 1, [lostBucketOf(record.k, recordTime(record))]: 1 }).catch(() => undefined);
  }
}

/**
 * A payload we cannot read is logged once with its event and ids (never its content) and
 * counted for the status page; the handler then returns normally, since the platform
 * re-sending the same bad payload would not help.
 */
export async function reportInvalidPayload(db: KeyValueStore, event: unknown, data: unknown, error: SchemaViolation, idPaths: IdPaths = ANY_EVENT_ID_PATHS): Promise<void> {
  log('error', 'INVALID_PAYLOAD', `${String(event)} payload rejected: ${error.message}`, { field: error.field, ...idsIn(data, idPaths) });
  await db.update(COUNTERS_KEY, 'increment', { invalid_payloads: 1 }).catch(() => undefined);
}

/** The ids an invalid payload is logged with, to find it again in Freshdesk. */
export type IdName = 'ticket' | 'conversation' | 'time_entry' | 'agent';

/** Where each id may sit in an event's payload ([object, key]), first match wins. src/entry/events.ts names them per event. */
export type IdPaths = Readonly<Partial<Record<IdName, ReadonlyArray<readonly [string, string]>>>>;

/** For a payload of no known event: every place an id may sit. */
const ANY_EVENT_ID_PATHS: IdPaths = {
  ticket: [['ticket', 'id'], ['conversation', 'ticket_id'], ['time_entry', 'ticket_id']],
  conversation: [['conversation', 'id']],
  time_entry: [['time_entry', 'id']],
  agent: [['agent', 'id']],
};

function idsIn(data: unknown, idPaths: IdPaths): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(idPaths).map(([name, paths]) => [name, firstId(data, paths)]));
}

function firstId(data: unknown, paths: ReadonlyArray<readonly [string, string]>): string | undefined {
  for (const [object, key] of paths) {
    const id = idOf(fieldOf(fieldOf(data, object), key));
    if (id !== undefined) return id;
  }
  return undefined;
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function idOf(value: unknown): string | undefined {
  return typeof value === 'number' || typeof value === 'string' ? String(value) : undefined;
}
