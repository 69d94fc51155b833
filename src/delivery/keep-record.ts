import { log } from '../platform/log';
import type { KeyValueStore, Platform } from '../platform/types';
import type { SchemaViolation } from '../schemas/create-validator';
import { COUNTERS_KEY } from '../storage/keys';
import { lostBucketOf } from './gaps';
import { type OutboxRecord, recordId, recordInOutbox, recordTime } from './outbox';

/**
 * Writes one event's record to the outbox (or, when the KV limit refuses, to a one-time
 * schedule); if even that is impossible, says so loudly with the ids and counts it.
 */
export async function keepRecord(platform: Pick<Platform, 'db' | 'schedule' | 'now'>, event: unknown, record: OutboxRecord): Promise<void> {
  try {
    // The slot is chosen by when the handler runs, not when the event happened: an event the
    // platform delivers late must still land in a slot no delivery run has read yet.
    const where = await recordInOutbox(platform.db, platform.schedule, record, platform.now());
    if (where === 'overflow') log('warn', 'PLATFORM_LIMIT', `KV limit reached; ${recordId(record)} is kept in a one-time schedule and retried shortly`);
  } catch (error) {
    log('error', 'EVENT_LOST', `${String(event)} ${recordId(record)} could not be stored (${(error as Error).message}); replay the import for this period to recover it`);
    // The same single increment also marks the record's 15-minute interval as a gap (gaps.ts).
    // In a minute when both stores refused, this call is likely refused too: then only the
    // log line above knows (README "What the app can and cannot detect").
    await platform.db.update(COUNTERS_KEY, 'increment', { lost_events: 1, [lostBucketOf(record.k, recordTime(record))]: 1 }).catch(() => undefined);
  }
}

/**
 * A payload we cannot read is logged once with its event and ids (never its content) and
 * counted for the status page; the handler then returns normally, since the platform
 * re-sending the same bad payload would not help.
 */
export async function reportInvalidPayload(db: KeyValueStore, event: unknown, data: unknown, error: SchemaViolation): Promise<void> {
  const payload = (typeof data === 'object' && data !== null ? data : {}) as {
    ticket?: { id?: unknown };
    conversation?: { id?: unknown; ticket_id?: unknown };
  };
  const ids = {
    ticket: idOf(payload.ticket?.id ?? payload.conversation?.ticket_id),
    conversation: idOf(payload.conversation?.id),
  };
  log('error', 'INVALID_PAYLOAD', `${String(event)} payload rejected: ${error.message}`, { field: error.field, ...ids });
  await db.update(COUNTERS_KEY, 'increment', { invalid_payloads: 1 }).catch(() => undefined);
}

function idOf(value: unknown): string | undefined {
  return typeof value === 'number' || typeof value === 'string' ? String(value) : undefined;
}
