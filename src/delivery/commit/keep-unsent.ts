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
  unsent: { contacts: readonly OfferedContact[]; setAside: readonly StoredContact[]; carry: readonly OutboxRecord[]; slot: number },
  posted: boolean,
): Promise<number> {
  // writeChunks lists a chunk only once it is stored: ids from these on are what this run wrote.
  const firstNew = { backlog: state.backlog.next, setAside: state.setAside.next };
  let carried = false;
  try {
    await writeChunks(db, BACKLOG_PREFIX, state.backlog, unsent.contacts);
    await writeChunks(db, SET_ASIDE_PREFIX, state.setAside, unsent.setAside);
    if (unsent.carry.length > 0) await db.update(outboxKey(unsent.slot), 'append', { items: unsent.carry.map(packRecord) });
    carried = true;
    return 0;
  } catch (error) {
    if (!posted) throw error;
    const lostContacts = [...unsent.contacts.slice(storedSince(state.backlog, firstNew.backlog)), ...unsent.setAside.slice(storedSince(state.setAside, firstNew.setAside))];
    if (!carried) sayFactsLost(unsent.carry, error);
    return recordUnkept(state, lostContacts, carried ? [] : unsent.carry);
  }
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
