/**
 * The backlog's and the set-aside list's stored form: the first id, the sizes, and the steps
 * between ids only where they are not consecutive (after chunks were taken out of the middle).
 * 420 chunks take ~2 KB this way instead of ~9 KB, whatever their ids (commit/budgets.ts); the
 * state's byte budget is measured on this form, the one written.
 */
import type { AppState, ChunkList } from '../stored/stored-data';

interface CompactChunkList {
  f: number;
  s: number[];
  /** Per chunk after the first: its id minus the previous id minus 1 (absent: all 0). */
  g?: number[];
  next: number;
}

export function compactChunkLists(state: AppState): Record<string, unknown> {
  return { ...state, backlog: compactList(state.backlog), setAside: compactList(state.setAside) };
}

function compactList(list: ChunkList): CompactChunkList {
  const first = list.chunks[0]?.id ?? list.next;
  const steps = list.chunks.map((c, i) => (i === 0 ? 0 : c.id - (list.chunks[i - 1] as { id: number }).id - 1));
  const compact: CompactChunkList = { f: first, s: list.chunks.map((c) => c.n), next: list.next };
  if (steps.some((step) => step !== 0)) compact.g = steps.slice(1);
  return compact;
}

/** A stored list back to one entry per chunk; anything not in the compact form is left to the schema. */
export function expandList(list: unknown): unknown {
  const l = list as Partial<CompactChunkList> | undefined;
  if (!l || typeof l.f !== 'number' || !Array.isArray(l.s)) return list;
  const steps = Array.isArray(l.g) ? l.g : [];
  let id = l.f;
  const chunks = l.s.map((n, i) => {
    if (i > 0) id += 1 + (steps[i - 1] ?? 0);
    return { id, n };
  });
  return { chunks, next: l.next };
}
