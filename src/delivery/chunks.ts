import type { OfferedContact } from '../core/types';
import type { KeyValueStore } from '../platform/types';
import type { ChunkList } from './state';

/**
 * Contacts waiting for injixo (the backlog) or set aside after injixo refused them (parked)
 * are stored in chunks of at most CHUNK_CONTACTS contacts: ~200 bytes each, so a chunk stays
 * near 30 KB, under the 40 KB key+value limit with room for long queue names.
 */
export const CHUNK_CONTACTS = 150;

export interface StoredContact extends OfferedContact {
  /** Why injixo refused it (parked chunks only). */
  reason?: string;
}

export function chunkKey(prefix: string, id: number): string {
  return `${prefix}${id}`;
}

/** Appends contacts as new chunks at the end of the list; one KV set per chunk. */
export async function writeChunks(db: KeyValueStore, prefix: string, list: ChunkList, contacts: readonly StoredContact[]): Promise<void> {
  for (let start = 0; start < contacts.length; start += CHUNK_CONTACTS) {
    const part = contacts.slice(start, start + CHUNK_CONTACTS);
    const id = list.next;
    await db.set(chunkKey(prefix, id), { items: part });
    list.next += 1;
    list.chunks.push({ id, n: part.length });
  }
}

export async function readChunk(db: KeyValueStore, prefix: string, id: number): Promise<StoredContact[]> {
  const value = await db.get(chunkKey(prefix, id));
  return Array.isArray(value.items) ? (value.items as StoredContact[]) : [];
}

/**
 * Overflow policy: when a list holds more than `maxChunks`, its OLDEST chunks leave it and
 * their contacts count as dropped (newest data matters most to intraday planning, and the
 * limit is far above any realistic outage — see README "Storage"). Returns what left the list;
 * the caller deletes those keys once the shortened list is committed.
 */
export function trimOldest(prefix: string, list: ChunkList, maxChunks: number): { key: string; n: number }[] {
  const removed = list.chunks.splice(0, Math.max(0, list.chunks.length - maxChunks));
  return removed.map((c) => ({ key: chunkKey(prefix, c.id), n: c.n }));
}
