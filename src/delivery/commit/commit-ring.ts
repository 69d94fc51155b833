/**
 * Which commits took effect. Every run that commits (the state record written, or its
 * bookkeeping handed off to the scheduler and later applied) has an id: the run's time in ms,
 * unique and increasing. Writes a run makes BEFORE its commit (claims in the ticket book, the
 * time book's "sent" marks) carry that id, and count only if the commit took effect — a run that
 * died or was refused before committing leaves claims behind that must not make the next run
 * skip contacts it never delivered (docs/delivery-lifecycle.md, "the commit protocol").
 *
 * The state record keeps the ids of the last RING_SIZE commits, as the first id and then the
 * differences (a run every few minutes: six or seven digits each, ~1 KB in all); install starts
 * it. An id older than the ring is taken as committed: void claims are erased whenever a later
 * run loads them, and a run loads every ticket it counts, so a void claim would have to sit
 * untouched through RING_SIZE commits (a day of delivery periods) to be mistaken.
 */
import type { CommitView } from '../memory/commit-view';

/** A day of delivery runs at one every ten minutes. */
export const RING_SIZE = 144;

/** The ring as stored: `[first id, difference, difference, …]`, oldest first. */
export type StoredRing = number[];

export function decodeRing(stored: StoredRing | undefined): number[] {
  const ids: number[] = [];
  let at = 0;
  for (const [index, value] of (stored ?? []).entries()) {
    at = index === 0 ? value : at + value;
    ids.push(at);
  }
  return ids;
}

export function encodeRing(ids: readonly number[]): StoredRing {
  const kept = [...new Set(ids)].sort((a, b) => a - b).slice(-RING_SIZE);
  return kept.map((id, index) => (index === 0 ? id : id - (kept[index - 1] as number)));
}

/** The ring with these commit ids added (a commit stored, or a handed-off one applied). */
export function withCommits(stored: StoredRing | undefined, ids: readonly number[]): StoredRing {
  return encodeRing([...decodeRing(stored), ...ids]);
}

/** The view a run hands to the books: its own id, and which earlier ids took effect. */
export function commitViewOf(stored: StoredRing | undefined, current: number): CommitView {
  const ids = decodeRing(stored);
  const committed = new Set(ids);
  const oldest = ids[0];
  return {
    current,
    // Older than the ring: committed (see above); no ring at all: a state from before rings, whose claims all took effect.
    isCommitted: (id) => id !== current && (committed.has(id) || oldest === undefined || id < oldest),
  };
}
