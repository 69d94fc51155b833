import type { KeyValueStore } from '../../platform/types';
import { log } from '../../platform/log';
import { type ChunkPrefix, chunkKey } from '../../storage/keys';
import { type ChunkList, type StoredContact, validateStoredContacts } from '../stored/stored-data';

/** A stored chunk that no schema of this version reads; `n` is how many items it held. */
export class UnreadableChunk extends Error {
  override readonly name = 'UnreadableChunk';
  constructor(
    readonly key: string,
    readonly n: number,
  ) {
    super(`${key} is unreadable`);
  }
}

/**
 * Contacts waiting for injixo (the backlog) or set aside after injixo refused them (setAside)
 * are stored in chunks of at most CHUNK_CONTACTS contacts: ~200 bytes each, so a chunk stays
 * near 30 KB, under the 40 KB key+value limit with room for long queue names.
 */
export const CHUNK_CONTACTS = 150;

/** Appends contacts as new chunks at the end of the list; one KV set per chunk. */
export async function writeChunks(db: KeyValueStore, prefix: ChunkPrefix, list: ChunkList, contacts: readonly StoredContact[]): Promise<void> {
  for (let start = 0; start < contacts.length; start += CHUNK_CONTACTS) {
    const part = contacts.slice(start, start + CHUNK_CONTACTS);
    const id = list.next;
    await db.set(chunkKey(prefix, id), { items: part });
    list.next += 1;
    list.chunks.push({ id, n: part.length });
  }
}

export async function readChunk(db: KeyValueStore, prefix: ChunkPrefix, id: number): Promise<StoredContact[]> {
  const value = await db.get(chunkKey(prefix, id));
  const items = validateStoredContacts(value.items ?? []);
  if (items.ok) return items.value;
  // Unreadable contacts cannot be sent (a wrong queue name is forever at injixo): say so, count them as dropped.
  log('error', 'STORED_RECORD_UNREADABLE', `${chunkKey(prefix, id)} holds contacts this version cannot read (${items.error.message}); they are dropped`, { key: chunkKey(prefix, id) });
  throw new UnreadableChunk(chunkKey(prefix, id), Array.isArray(value.items) ? value.items.length : 0);
}

/**
 * Overflow policy: when a list holds more than `maxChunks`, its OLDEST chunks leave it and
 * their contacts count as dropped (newest data matters most to intraday planning, and the
 * limit is far above any realistic outage — see docs/delivery.md "Storage and its limits"). Returns what left the list;
 * the caller deletes those keys once the shortened list is committed.
 */
export function trimOldest(prefix: ChunkPrefix, list: ChunkList, maxChunks: number): { key: string; n: number }[] {
  const removed = list.chunks.splice(0, Math.max(0, list.chunks.length - maxChunks));
  return removed.map((c) => ({ key: chunkKey(prefix, c.id), n: c.n }));
}
