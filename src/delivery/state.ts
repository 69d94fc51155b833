import type { OfferedContact } from '../core/types';
import type { FailureCode } from '../remote/errors';
import type { KeyValueStore } from '../platform/types';
import { isNotFound } from '../platform/refusals';
import { slotOf } from './outbox';
import { addContacts, emptyVolume, type RecentVolume } from './recent-volume';

/**
 * Everything the delivery run needs between runs, in ONE KV record: reading and writing it
 * costs two operations a run, whatever happens. Its size stays far below the 40 KB limit:
 * group names (a few KB), the last 24 hours' per-queue counts (recent-volume.ts), and chunk ids — never contacts.
 */
export const STATE_KEY = 'state';

export interface CachedDirectory {
  groups: Record<string, string>;
  sourceChoices?: Record<string, number>;
  /** ms when groups / sources were last read from Freshdesk. */
  groupsAt: number;
  sourcesAt: number;
}

export interface FailureRecord {
  code: FailureCode;
  message: string;
  status?: number;
  at: string;
}

export interface Health {
  lastSuccessAt?: string;
  lastFailure?: FailureRecord;
  consecutiveFailures: number;
  /** Set while injixo refuses the key; cleared by the first success. */
  keyRejectedSince?: string;
  /** Last time the "key rejected" line was logged: once an hour, not once an event. */
  keyAlertLoggedAt?: string;
  /** Do not call injixo before this time (it answered 429 with Retry-After). */
  retryAfterUntil?: string;
  /** Contacts sent per queue and hour over the last 24 hours, by their own timestamps. */
  recent?: RecentVolume;
  sentTotal: number;
  dropped: number;
  parkedTotal: number;
}

/** Ids and sizes of stored chunks, oldest first; `next` is the id the next chunk gets. */
export interface ChunkList {
  chunks: { id: number; n: number }[];
  next: number;
}

export function chunkListSize(list: ChunkList): number {
  return list.chunks.reduce((sum, c) => sum + c.n, 0);
}

export interface AppState {
  v: 1;
  installedAt: string;
  /** Last outbox slot fully processed (see outbox.ts). */
  cursor: number;
  directory?: CachedDirectory;
  backlog: ChunkList;
  parked: ChunkList;
  health: Health;
  /** groupId → UTC day it was last warned about as unknown (one warning per id per day). */
  warnedGroups: Record<string, string>;
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
    parked: { chunks: [], next: 1 },
    health: { consecutiveFailures: 0, sentTotal: 0, dropped: 0, parkedTotal: 0 },
    warnedGroups: {},
  };
}

/** The state, or a fresh one when the app has none yet (e.g. installed before this version). */
export async function readState(db: KeyValueStore, nowMs: number): Promise<AppState> {
  try {
    const value = await db.get(STATE_KEY);
    return value as unknown as AppState;
  } catch (error) {
    if (isNotFound(error)) return newState(nowMs);
    throw error;
  }
}

export async function writeState(db: KeyValueStore, state: AppState): Promise<void> {
  await db.set(STATE_KEY, state as unknown as Record<string, unknown>);
}

/** Counts contacts sent into the rolling 24-hour record (recent-volume.ts). */
export function countSent(health: Health, contacts: readonly OfferedContact[], nowMs: number): void {
  health.recent = addContacts(health.recent ?? emptyVolume(nowMs), contacts, nowMs);
  // Records written before the rolling record kept a per-UTC-day tally; it is dropped, not migrated.
  delete (health as Health & { today?: unknown }).today;
  health.sentTotal += contacts.length;
}
