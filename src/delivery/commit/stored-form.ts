/**
 * The state record as written, smaller than in memory (commit/budgets.ts; the byte budget is
 * measured on this form):
 *   - the backlog's and the set-aside list's chunks: the first id, the sizes, and the steps
 *     between ids only where they are not consecutive (after chunks were taken out of the middle):
 *     420 chunks take ~2 KB instead of ~9 KB, whatever their ids;
 *   - the ledger's pending and frozen counts grouped by queue (accounting/ledger.ts
 *     CompactCounts): ~5 bytes a count instead of ~25, so a busy account's running six hours fit
 *     the record and are written once, not every hour (issue 19 item 6: calls per contact).
 * Reading takes either form, so records written before keep working.
 */
import { compactCounts, compactQueues, expandQueues } from '../accounting/ledger';
import type { AppState, ChunkList, LedgerFlush, LedgerState } from '../stored/stored-data';

interface CompactChunkList {
  f: number;
  s: number[];
  /** Per chunk after the first: its id minus the previous id minus 1 (absent: all 0). */
  g?: number[];
  next: number;
}

export function storedForm(state: AppState): Record<string, unknown> {
  const stored: Record<string, unknown> = { ...state, backlog: compactList(state.backlog), setAside: compactList(state.setAside) };
  if (state.ledger) stored.ledger = compactLedger(state.ledger);
  return stored;
}

function compactLedger(ledger: LedgerState): Record<string, unknown> {
  const stored: Record<string, unknown> = { ...ledger, pending: compactCounts(ledger.pending) };
  if (ledger.flushing) stored.flushing = ledger.flushing.map(([id, hour, shard, counts]) => [id, hour, shard, compactQueues(counts)]);
  return stored;
}

/** A stored ledger back to one count per (queue, quarter); counts already in that form stay. */
export function expandLedger(ledger: unknown): unknown {
  if (typeof ledger !== 'object' || ledger === null) return ledger;
  const l = ledger as Record<string, unknown>;
  const expanded: Record<string, unknown> = { ...l };
  if (typeof l.pending === 'object' && l.pending !== null) {
    expanded.pending = Object.fromEntries(Object.entries(l.pending as Record<string, unknown>).map(([hour, counts]) => [hour, expandCountsOf(counts)]));
  }
  if (Array.isArray(l.flushing)) expanded.flushing = (l.flushing as unknown[]).map(expandFlush);
  return expanded;
}

function expandFlush(entry: unknown): unknown {
  if (!Array.isArray(entry) || entry.length !== 4) return entry;
  return [entry[0], entry[1], entry[2], expandCountsOf(entry[3])] as LedgerFlush;
}

/** Grouped counts (values are lists) expanded; plain counts (values are numbers) as they are. */
function expandCountsOf(counts: unknown): unknown {
  if (typeof counts !== 'object' || counts === null) return counts;
  const values = Object.values(counts);
  return values.some((v) => Array.isArray(v)) ? expandQueues(counts as Record<string, unknown>) : counts;
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
