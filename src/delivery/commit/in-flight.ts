/**
 * Backlog chunks in flight (the commit protocol's step 2 for contacts that wait in the backlog).
 * New contacts are protected by their claims, saved right before the post under the run's commit
 * id; contacts read back from backlog chunks were claimed long ago. So before a run posts backlog
 * chunks it stores their ids under its commit id in IN_FLIGHT_KEY (one write, only while a
 * backlog drains). A later run that finds the key with a commit that never took effect knows
 * that run may have posted those chunks and died before committing: their contacts are
 * unconfirmed (at injixo or missing, never posted again), instead of posted a second time.
 */
import { isNotFound } from '../../platform/refusals';
import type { KeyValueStore } from '../../platform/types';
import { IN_FLIGHT_KEY } from '../../storage/keys';
import type { CommitView } from '../memory/commit-view';

/** The chunk ids of the stored in-flight marker whose run never committed (empty when none). */
export async function voidInFlight(db: KeyValueStore, commits: CommitView): Promise<number[]> {
  let stored: Record<string, unknown>;
  try {
    stored = await db.get(IN_FLIGHT_KEY);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  const id = stored.c;
  if (typeof id !== 'number' || !mayHavePosted(commits, id)) return [];
  return Array.isArray(stored.chunks) ? stored.chunks.filter((n): n is number => Number.isInteger(n)) : [];
}

/** A run that never committed and did not say it posted nothing (another run's mark, not this one's). */
function mayHavePosted(commits: CommitView, id: number): boolean {
  return id !== commits.current && !commits.isCommitted(id) && commits.postedNothing?.(id) !== true;
}

/** Before posting backlog chunks: their ids under this run's commit id. Refused, the run does not post them. */
export async function markInFlight(db: KeyValueStore, commits: CommitView, chunkIds: readonly number[]): Promise<void> {
  await db.set(IN_FLIGHT_KEY, { c: commits.current, chunks: [...chunkIds] });
}
