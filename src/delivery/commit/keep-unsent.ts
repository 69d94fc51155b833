import type { OfferedContact } from '../../core/types';
import { log } from '../../platform/log';
import type { KeyValueStore } from '../../platform/types';
import { BACKLOG_PREFIX, outboxKey, SET_ASIDE_PREFIX } from '../../storage/keys';
import { addGap, gapOfContacts } from '../accounting/gaps';
import { LOSS_CLASS } from '../stored/record-kinds';
import { type OutboxRecord, packRecord, recordId, recordTime } from '../intake/outbox';
import type { AppState, StoredContact } from '../stored/stored-data';
import { writeChunks } from './chunks';

/**
 * Stores what a run did not send (backlog, set aside, records to retry later). Before any post
 * a refusal is thrown: the next run redoes the whole run, which costs nothing twice. After a
 * post, a refusal stops the writing (the store is saturated; more calls would only be refused
 * too), and what could not be stored is recorded as a gap with its count: a gap can be
 * replayed, a duplicate can never be taken back. Returns how many contacts were let go.
 */
export async function keepUnsent(
  db: KeyValueStore,
  state: AppState,
  unsent: { contacts: readonly OfferedContact[]; setAside: readonly StoredContact[]; carry: readonly OutboxRecord[]; slot: number; putOff?: PutOff },
  posted: boolean,
): Promise<number> {
  // writeChunks lists a chunk only once it is stored: ids from these on are what this run wrote.
  const firstNew = { backlog: state.backlog.next, setAside: state.setAside.next };
  const putOff = unsent.putOff?.records ?? [];
  let unwritten = [...unsent.carry, ...putOff];
  try {
    await writeChunks(db, BACKLOG_PREFIX, state.backlog, unsent.contacts);
    await writeChunks(db, SET_ASIDE_PREFIX, state.setAside, unsent.setAside);
    // Put off first: bounded by the run's window (read-outbox.ts), they are never given up.
    await appendInPieces(db, putOff, unsent.putOff?.slot ?? unsent.slot);
    unwritten = [...unsent.carry];
    const { kept, givenUp } = boundCarry(unsent.carry);
    await appendInPieces(db, kept, unsent.slot);
    unwritten = [];
    return giveUp(state, givenUp);
  } catch (error) {
    if (!posted) throw error;
    const lostContacts = [...unsent.contacts.slice(storedSince(state.backlog, firstNew.backlog)), ...unsent.setAside.slice(storedSince(state.setAside, firstNew.setAside))];
    sayFactsLost(unwritten, error);
    return recordUnkept(state, lostContacts, unwritten);
  }
}

/**
 * Records a run put off because the ticket book's read budget was spent, and the slot they go
 * to: the first one after the run's window, so they are read before anything later of their
 * tickets (an update put off must come before the replies after it, also when catching up).
 */
export interface PutOff {
  records: readonly OutboxRecord[];
  slot: number;
}

/**
 * Records carried back to the outbox per key written. A slot's key also takes that period's
 * events, and a key holds 40 KB: some 1,000 packed records. One append of everything carried
 * was refused for its size once the replies waiting for Freshdesk look-ups passed that — a day
 * of a large account's replies to tickets from before the install (2,222 at the largest
 * profile, 10 look-ups a run) — and a refusal before the post is thrown, so every run after
 * was refused the same way.
 */
export const CARRY_PIECE_RECORDS = 250;
/**
 * At most this many records are carried (four pieces: the current slot and the next three). The
 * oldest contact records beyond it are given up as a gap (CARRY_GIVEN_UP), which the daily check
 * repairs from Freshdesk's lists, 100 tickets a request, where look-ups cost one each.
 */
export const MAX_CARRIED_RECORDS = 4 * CARRY_PIECE_RECORDS;

/** The newest MAX_CARRIED_RECORDS records are kept (the records come oldest first); only contact records are given up, others are always kept. */
function boundCarry(carry: readonly OutboxRecord[]): { kept: OutboxRecord[]; givenUp: OutboxRecord[] } {
  const contacts = carry.filter((r) => LOSS_CLASS[r.k] === 'contact');
  const excess = Math.max(0, carry.length - MAX_CARRIED_RECORDS);
  if (excess === 0) return { kept: [...carry], givenUp: [] };
  const byAge = [...contacts].sort((a, b) => recordTime(a) - recordTime(b));
  const givenUp = new Set(byAge.slice(0, excess));
  return { kept: carry.filter((r) => !givenUp.has(r)), givenUp: [...givenUp] };
}

/** Piece i goes to slot `slot + i`: each is read once its slot has settled, in time order with the rest. */
async function appendInPieces(db: KeyValueStore, records: readonly OutboxRecord[], slot: number): Promise<void> {
  for (let i = 0; i * CARRY_PIECE_RECORDS < records.length; i += 1) {
    const piece = records.slice(i * CARRY_PIECE_RECORDS, (i + 1) * CARRY_PIECE_RECORDS);
    await db.update(outboxKey(slot + i), 'append', { items: piece.map(packRecord) });
  }
}

/** Contact records the run could not carry: a gap with their count and span, said once. */
function giveUp(state: AppState, records: readonly OutboxRecord[]): number {
  if (records.length === 0) return 0;
  const gap = gapOfContacts(records.map((r) => ({ timestamp: new Date(recordTime(r)).toISOString() })), 'event_lost');
  if (gap) addGap(state, gap);
  state.health.dropped += records.length;
  log('warn', 'CARRY_GIVEN_UP', `${records.length} replies or tickets waited longer than the outbox can carry them (Freshdesk look-ups of their tickets could not keep up); they are a gap that the daily check repairs`, { lost: records.length, from: gap?.from, to: gap?.to });
  return records.length;
}

/**
 * Carried records that are not contacts (an agent's status change whose agents record could not
 * be read) have no gap to count them: each is said lost like a record the intake could not store
 * (keep-record.ts), so support knows which agent's intervals are off — silently dropped, agent 9
 * of simulator seed 61 (large) stayed without a status in injixo for the rest of the day.
 */
function sayFactsLost(records: readonly OutboxRecord[], error: unknown): void {
  const why = (error as { message?: string }).message ?? String(error);
  for (const record of records) {
    if (LOSS_CLASS[record.k] === 'contact') continue;
    log('error', 'EVENT_LOST', `onScheduledEvent ${recordId(record)} could not be stored (${why}); replay the import for this period to recover it`);
  }
}

/** What a run could not keep after its post: counted as dropped, a gap, and a log line. */
function recordUnkept(state: AppState, contacts: readonly OfferedContact[], records: readonly OutboxRecord[]): number {
  // Only records whose loss is a contact (creations, replies) count; a lost agent change or time entry is not one.
  const contactRecords = records.filter((r) => LOSS_CLASS[r.k] === 'contact');
  const lost = contacts.length + contactRecords.length;
  if (lost === 0) return 0;
  const gap = gapOfContacts([...contacts, ...contactRecords.map((r) => ({ timestamp: new Date(recordTime(r)).toISOString() }))], 'commit_refused');
  if (gap) addGap(state, gap);
  state.health.dropped += lost;
  log('error', 'COMMIT_REFUSED', `the KV store refused to keep ${lost} unsent contacts after a successful post; they are recorded as a gap to replay rather than risk sending the posted ones twice`, {
    lost,
    from: gap?.from,
    to: gap?.to,
  });
  return lost;
}

/** Contacts held by the chunks with ids from `firstId` on (the ones this run stored). */
function storedSince(list: AppState['backlog'], firstId: number): number {
  return list.chunks.filter((c) => c.id >= firstId).reduce((sum, c) => sum + c.n, 0);
}
