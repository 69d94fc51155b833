import { isoOf } from '../../core/time';
import type { AgentStatusChange } from '../../core/agent-status';
import type { ConversationFacts, TicketFacts } from '../../core/types';
import { log } from '../../platform/log';
import { isNotFound } from '../../platform/refusals';
import { type PackedRecord, validatePackedRecord } from '../stored/stored-data';
import { isRecordKind, type RecordKind } from '../stored/record-kinds';
import { DELIVERY_PERIOD_MINUTES, outboxKey, holdScheduleName, SCHEDULE_KINDS } from '../../storage/keys';
import type { KeyValueStore, Scheduler, ScheduleSpec } from '../../platform/types';
import { SCHEDULE_LEAD_MS } from '../../platform/schedule-lead';

/**
 * The outbox: what event handlers write, what the delivery run reads.
 *
 * Why not send from the handler? The platform allows 50 requests and 50 KV operations per
 * minute per installation (SPEC §5). Sending one contact per event would need the group
 * directory (a KV read) and a request per event — about 2–3 calls a contact, and a busy
 * minute would exceed the limits. Instead each handler makes exactly ONE call, an `append`
 * to the current time slot's outbox key (append creates the key when missing, per the KV docs),
 * and the delivery run turns a whole window of raw facts into contacts and sends them in
 * batches of hundreds. Keys are per time slot so a delivery run never reads a key that a
 * handler may still append to (see `lastSettledSlot`).
 */
export type OutboxRecord =
  | { k: 't'; ticket: TicketFacts }
  /**
   * A ticket's facts after an update; `at` is when the update happened (ms). `resolved`: the
   * update is the ticket's first resolution, kept only while handled contacts are on (issue 14).
   * `carried`: a delivery run put it back in the outbox (ticket-book.ts MAX_BOOK_READS_PER_RUN),
   * so its lateness says nothing of the KV limit (attribution-hold.ts isLateFact).
   */
  | { k: 'u'; ticket: TicketFacts; at: number; resolved?: true; carried?: true }
  | { k: 'c'; conversation: ConversationFacts }
  /** A time entry created or updated (its seconds now) or deleted (no seconds); `at`: the event (ms). */
  | { k: 'e'; entry: TimeEntryRecord; at: number }
  /** An agent's status change (issue 14, agent statuses on). */
  | { k: 'a'; change: AgentStatusChange };

export interface TimeEntryRecord {
  id: number;
  ticketId: number;
  /** Undefined for a deleted entry. */
  seconds?: number;
}

/** Bit of an update record's flags: the update resolves the ticket for the first time. */
const RESOLVED_BIT = 4;
/** Bit of an update record's flags: a delivery run carried it back to the outbox. */
const CARRIED_BIT = 8;

/** The record of one kind. */
export type RecordOf<K extends RecordKind> = Extract<OutboxRecord, { k: K }>;

/** A table with one entry per record kind, each typed by its own record. */
type PerKind<T> = { readonly [K in RecordKind]: (record: RecordOf<K>) => T };

/** Booleans as bit flags: the first is 1, the second 2. */
function flags(first: boolean, second: boolean): number {
  return Number(first) | (Number(second) << 1);
}

const PACK: PerKind<PackedRecord> = {
  t: (record) => packTicket(record),
  u: (record) => packTicket(record),
  c: ({ conversation: c }) => ['c', c.id, c.ticket_id, c.source, flags(c.private, c.incoming), toSeconds(c.created_at)],
  e: ({ entry, at }) => ['e', entry.id, entry.ticketId, entry.seconds ?? -1, 0, Math.floor(at / 1000)],
  a: ({ change }) => packAgentChange(change),
};

/** Calls the entry of `table` for the record's own kind. */
function byKind<T>(table: PerKind<T>, record: OutboxRecord): T {
  return (table[record.k] as (r: OutboxRecord) => T)(record);
}

export function packRecord(record: OutboxRecord): PackedRecord {
  return byKind(PACK, record);
}

function packTicket(record: RecordOf<'t' | 'u'>): PackedRecord {
  const t = record.ticket;
  const resolved = record.k === 'u' && record.resolved === true ? RESOLVED_BIT : 0;
  const carried = record.k === 'u' && record.carried === true ? CARRIED_BIT : 0;
  const packed: PackedRecord = [record.k, t.id, t.group_id ?? -1, t.source, flags(t.spam, t.deleted) | resolved | carried, toSeconds(t.created_at)];
  if (record.k === 'u') packed.push(Math.floor(record.at / 1000));
  return packed;
}

function packAgentChange(change: AgentStatusChange): PackedRecord {
  const packed: PackedRecord = ['a', change.agentId, change.statusId ?? -1, Number(change.available), 0, toSeconds(change.at)];
  // An email is kept only when agents are identified by it (the handler leaves it empty otherwise).
  if (change.email !== '') packed.push(change.email);
  return packed;
}

/**
 * When the fact a record carries became true: creation for tickets and replies, the update
 * itself for updates. Records are processed in this order, so a reply is attributed to its
 * ticket as it was when the reply came in, even when a record reached the outbox late (a
 * one-time schedule re-appends what the KV limit refused).
 */
const TIME_OF: PerKind<number> = {
  t: ({ ticket }) => Date.parse(ticket.created_at),
  u: ({ at }) => at,
  c: ({ conversation }) => Date.parse(conversation.created_at),
  e: ({ at }) => at,
  a: ({ change }) => Date.parse(change.at),
};

export function recordTime(record: OutboxRecord): number {
  return byKind(TIME_OF, record);
}

/** Unpacks a stored record of each kind; the packed tuple's first item says which. */
const UNPACK: { readonly [K in RecordKind]: (packed: PackedRecord) => RecordOf<K> } = {
  t: (packed) => ({ k: 't', ticket: unpackTicket(packed) }),
  u: (packed) => unpackUpdate(packed),
  c: ([, id, ref, source, bits, seconds]) => ({
    k: 'c',
    conversation: { id, ticket_id: ref, source, private: (bits & 1) !== 0, incoming: (bits & 2) !== 0, created_at: isoOf(seconds * 1000) },
  }),
  e: ([, id, ref, source, , seconds]) => ({ k: 'e', entry: source < 0 ? { id, ticketId: ref } : { id, ticketId: ref, seconds: source }, at: seconds * 1000 }),
  a: (packed) => ({ k: 'a', change: unpackAgentChange(packed) }),
};

/**
 * The record a packed tuple holds. Its kind comes from the tuple itself, and a kind this version
 * does not know throws (readOutboxSlot skips it with STORED_RECORD_UNREADABLE) rather than
 * being read as some other kind.
 */
export function unpackRecord(packed: PackedRecord): OutboxRecord {
  const kind: unknown = packed[0];
  if (!isRecordKind(kind)) throw new Error(`unknown record kind '${String(kind)}'`);
  return UNPACK[kind](packed);
}

function unpackTicket(packed: PackedRecord): TicketFacts {
  const [, id, ref, source, bits, seconds] = packed;
  return { id, group_id: ref === -1 ? null : ref, source, spam: (bits & 1) !== 0, deleted: (bits & 2) !== 0, created_at: isoOf(seconds * 1000) };
}

function unpackUpdate(packed: PackedRecord): RecordOf<'u'> {
  const [, , , , bits, seconds, last] = packed;
  const update: RecordOf<'u'> = { k: 'u', ticket: unpackTicket(packed), at: (typeof last === 'number' ? last : seconds) * 1000 };
  if ((bits & RESOLVED_BIT) !== 0) update.resolved = true;
  if ((bits & CARRIED_BIT) !== 0) update.carried = true;
  return update;
}

function unpackAgentChange(packed: PackedRecord): AgentStatusChange {
  const [, agentId, statusId, bits, , seconds, email] = packed;
  const change: AgentStatusChange = { agentId, email: typeof email === 'string' ? email : '', at: isoOf(seconds * 1000), available: (bits & 1) !== 0 };
  return statusId >= 0 ? { ...change, statusId } : change;
}

function toSeconds(isoTime: string): number {
  const ms = Date.parse(isoTime);
  if (Number.isNaN(ms)) throw new Error(`not a timestamp: ${isoTime}`);
  return Math.floor(ms / 1000);
}

/** Handlers run at most 20 s (SPEC §5): a slot is complete this long after it ends. */
export const SLOT_SETTLE_MS = 30_000;
/**
 * Re-try a held record after this long: the KV limit window is one minute, but the
 * platform accepts no schedule sooner than 5 minutes (see SCHEDULE_LEAD_MS).
 */
export const HOLD_DELAY_MS = SCHEDULE_LEAD_MS;

/**
 * Held records are spread over this much time after HOLD_DELAY_MS. Records refused in one burst
 * were all held at once; retried at the same second they met the same full minute again, and
 * again every HOLD_DELAY_MS (the simulator saw one update refused six times in a row). Spread
 * over four minutes, a burst of 200 fits the 50 operations a minute. The spread is a hash of the
 * record and the time, so a run is repeatable.
 */
export const HOLD_SPREAD_MS = 4 * 60_000;

export function holdSpreadMs(id: string, nowMs: number): number {
  let hash = 0x811c9dc5;
  for (const ch of `${id}@${nowMs}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return (hash % (HOLD_SPREAD_MS / 1000)) * 1000;
}

/** Slot number of a time: consecutive integers, one per delivery period. */
export function slotOf(timeMs: number): number {
  return Math.floor(timeMs / (DELIVERY_PERIOD_MINUTES * 60_000));
}

/** The last slot that no handler can still be appending to at `nowMs`. */
export function lastSettledSlot(nowMs: number): number {
  return slotOf(nowMs - SLOT_SETTLE_MS) - 1;
}

/**
 * Appends a record to the outbox slot of `nowMs`. When the KV store refuses (its limit, or
 * an outage), the record is held in a one-time schedule instead, which fires later and tries
 * again — so a burst above the KV limit is delayed, not lost. Only when both refuse does this
 * throw, and the handler logs it as lost with the ids.
 */
export async function recordInOutbox(
  db: KeyValueStore,
  schedule: Scheduler,
  record: OutboxRecord,
  nowMs: number,
): Promise<'outbox' | 'held'> {
  try {
    await db.update(outboxKey(slotOf(nowMs)), 'append', { items: [packRecord(record)] });
    return 'outbox';
  } catch (kvError) {
    try {
      await schedule.create(holdSpec(record, nowMs));
      return 'held';
    } catch (scheduleError) {
      // The same record at the same moment is already held (names are the record and the time):
      // a copy delivered twice at once, or retried at once. Nothing is lost.
      if (statusOf(scheduleError) === 409) return 'held';
      throw new OutboxUnavailable(kvError, scheduleError);
    }
  }
}

function holdSpec(record: OutboxRecord, nowMs: number): ScheduleSpec {
  return {
    name: holdScheduleName(recordId(record), nowMs),
    data: { kind: SCHEDULE_KINDS.hold, record: packRecord(record) },
    schedule_at: new Date(nowMs + HOLD_DELAY_MS + holdSpreadMs(recordId(record), nowMs)).toISOString(),
  };
}

/**
 * A held record's schedule has fired, and the platform has deleted it (one-time): until the
 * record is in the outbox, this invocation is its only holder, and an invocation may die after
 * any platform call (the simulator found a reply lost so: the append refused, then death before
 * the next hold). So the next hold is created FIRST, then the append tried; the spare hold is
 * deleted once the append took. A death at any step leaves the record held or kept, at worst
 * both: a record kept twice is one record (the delivery run drops repeats, as for an event the
 * platform delivered twice). Costs two schedule calls a held record, only while the KV store refuses.
 */
export async function rekeepHeldRecord(db: KeyValueStore, schedule: Scheduler, record: OutboxRecord, nowMs: number): Promise<'outbox' | 'held'> {
  const spare = holdSpec(record, nowMs);
  try {
    await schedule.create(spare);
  } catch (scheduleError) {
    // No spare (the scheduler refused): the plain path, append then hold.
    if (statusOf(scheduleError) !== 409) return keptWithoutSpare(db, schedule, record, nowMs, scheduleError);
  }
  try {
    await db.update(outboxKey(slotOf(nowMs)), 'append', { items: [packRecord(record)] });
  } catch {
    return 'held';
  }
  // Refused or lost, the spare fires later and keeps the record a second time: a repeat, dropped.
  await schedule.delete({ name: spare.name }).catch(() => undefined);
  return 'outbox';
}

async function keptWithoutSpare(db: KeyValueStore, schedule: Scheduler, record: OutboxRecord, nowMs: number, scheduleError: unknown): Promise<'outbox' | 'held'> {
  const where = await recordInOutbox(db, schedule, record, nowMs);
  // Every refusal is said (invariant (f)); a held or lost record says its own.
  if (where === 'outbox') log('warn', 'PLATFORM_LIMIT', `the scheduler refused the next hold of ${recordId(record)} (${describe(scheduleError)}); the record is kept in the outbox all the same`);
  return where;
}

export class OutboxUnavailable extends Error {
  override readonly name = 'OutboxUnavailable';
  constructor(
    readonly kvError: unknown,
    readonly scheduleError: unknown,
  ) {
    super(`neither the KV store (${describe(kvError)}) nor the scheduler (${describe(scheduleError)}) accepted the record`);
  }
}

function describe(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as { status?: unknown; message?: unknown };
    return [e.status, e.message].filter((x) => x !== undefined).map(String).join(' ');
  }
  return String(error);
}

const ID_OF: PerKind<string> = {
  t: ({ ticket }) => `t${ticket.id}`,
  u: ({ ticket }) => `u${ticket.id}`,
  c: ({ conversation }) => `c${conversation.id}`,
  e: ({ entry }) => `e${entry.id}`,
  a: ({ change }) => `a${change.agentId}`,
};

/**
 * The ticket whose facts the counting rules read for a record — its own for a creation or an
 * update, its ticket's for a reply — or undefined (time entries and agent changes do not read the
 * ticket book).
 */
export function bookTicketOf(record: OutboxRecord): number | undefined {
  if (record.k === 't' || record.k === 'u') return record.ticket.id;
  return record.k === 'c' ? record.conversation.ticket_id : undefined;
}

/** The record's kind and id, as logs and hold-schedule names show it. */
export function recordId(record: OutboxRecord): string {
  return byKind(ID_OF, record);
}

/** Reads one slot's records; a missing key (404) is an empty slot. */
export async function readOutboxSlot(db: KeyValueStore, slot: number): Promise<OutboxRecord[]> {
  try {
    const value = await db.get(outboxKey(slot));
    const items: unknown[] = Array.isArray(value.items) ? (value.items as unknown[]) : [];
    const records: OutboxRecord[] = [];
    for (const item of items) {
      const packed = validatePackedRecord(item);
      // One unreadable record (a corrupt write, a newer version's kind: the schema's enum is
      // RECORD_KIND_LETTERS) must not hold back the rest.
      if (packed.ok) records.push(unpackRecord(packed.value));
      else log('error', 'STORED_RECORD_UNREADABLE', `outbox slot ${slot} holds a record this version cannot read (${packed.error.message}); it is skipped`, { slot });
    }
    return records;
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

function statusOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
}
