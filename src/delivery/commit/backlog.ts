import type { OfferedContact } from '../../core/types';
import { isNotFound } from '../../platform/refusals';
import type { KeyValueStore } from '../../platform/types';
import { BACKLOG_PREFIX } from '../../storage/keys';
import { readChunk, UnreadableChunk } from './chunks';
import type { AppState } from '../stored/stored-data';

/** Backlog chunks read per run (~900 contacts, two or three requests). */
export const MAX_BACKLOG_CHUNKS_PER_RUN = 6;
/** 400 chunks × 150 = 60,000 contacts: weeks of a busy account's traffic. */
export const MAX_BACKLOG_CHUNKS = 400;
export const MAX_SET_ASIDE_CHUNKS = 20;

export interface BacklogHead {
  contacts: OfferedContact[];
  /** How many of `contacts` each chunk read gave, in order (the contacts of chunk i follow those of chunk i − 1). */
  sizes?: { id: number; n: number }[];
  /** Chunks this run has taken out of the backlog list (read, vanished or unreadable). */
  chunkIds: number[];
  /** Contacts in chunks no schema could read: counted as dropped. */
  unreadable: number;
}

/** The oldest waiting contacts, to be sent before this run's new ones. */
/**
 * Takes the contacts of the given chunks out of the head (commit/in-flight.ts: a run that never
 * committed may have posted them) and returns them; the chunks stay in `chunkIds`, so the commit
 * removes them from the list like chunks sent.
 */
export function withdrawChunks(head: BacklogHead, ids: ReadonlySet<number>): OfferedContact[] {
  const kept: OfferedContact[] = [];
  const withdrawn: OfferedContact[] = [];
  let at = 0;
  for (const { id, n } of head.sizes ?? []) {
    (ids.has(id) ? withdrawn : kept).push(...head.contacts.slice(at, at + n));
    at += n;
  }
  head.contacts = kept;
  return withdrawn;
}

export async function loadBacklogHead(db: KeyValueStore, state: AppState): Promise<BacklogHead> {
  // While the key is rejected, one chunk is enough to find out whether it works again.
  const take = state.health.keyRejectedSince ? 1 : MAX_BACKLOG_CHUNKS_PER_RUN;
  const head: BacklogHead = { contacts: [], chunkIds: [], unreadable: 0 };
  for (const chunk of state.backlog.chunks.slice(0, take)) {
    try {
      const contacts = await readChunk(db, BACKLOG_PREFIX, chunk.id);
      head.contacts.push(...contacts);
      (head.sizes ??= []).push({ id: chunk.id, n: contacts.length });
      head.chunkIds.push(chunk.id);
    } catch (error) {
      // A chunk the state lists but the store does not have was already delivered by a run
      // that died before committing; an unreadable one is counted and let go; anything else
      // (the KV limit) means: try again next run.
      if (error instanceof UnreadableChunk) head.unreadable += chunk.n;
      else if (!isNotFound(error)) break;
      head.chunkIds.push(chunk.id);
    }
  }
  return head;
}
