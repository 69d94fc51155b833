import type { OfferedContact } from '../../core/types';
import type { RecentVolume } from '../stored/stored-data';

export type { RecentVolume };

/**
 * A rolling record of offered contacts per queue and hour over the last 24 hours, keyed by the
 * contacts' own timestamps (SPEC §2 rule 11), for the status page's "is data flowing?" chart.
 * It replaces a per-UTC-day tally that read as empty right after a busy yesterday.
 *
 * Why hours, not 15-minute intervals: it lives in the single state record (40 KB KV limit,
 * shared with the directory cache and the chunk lists). 24 numbers per queue keep 60 queues near
 * 6 KB (test/delivery/recent-volume.test.ts measures it); 96 would take ~4 times that.
 * Pure: no clock, no storage — callers pass `nowMs`.
 */
export const BUCKET_MS = 3_600_000;
export const BUCKETS = 24;


export interface RecentVolumeView {
  /** The quieter queues beyond the chart's budget, summed per bucket (absent when every queue is drawn). */
  others?: number[];
  bucketMinutes: number;
  /** ISO start of each bucket, oldest first. */
  starts: string[];
  /** All queues together, per bucket. */
  totals: number[];
  queues: { queueIdentifier: string; queueName: string; counts: number[]; total: number }[];
}

export function emptyVolume(nowMs: number): RecentVolume {
  return { hour: Math.floor(nowMs / BUCKET_MS), queues: {} };
}

/** Moves the window so its newest bucket holds `nowMs`; drops what fell out and queues left with nothing. */
export function pruneVolume(volume: RecentVolume, nowMs: number): RecentVolume {
  const hour = Math.floor(nowMs / BUCKET_MS);
  const shift = hour - volume.hour;
  if (shift <= 0) return volume;
  const shifted = (counts: readonly number[]): number[] => {
    const kept = counts.slice(Math.min(shift, BUCKETS));
    return [...kept, ...new Array<number>(BUCKETS - kept.length).fill(0)];
  };
  const queues: RecentVolume['queues'] = {};
  for (const [id, q] of Object.entries(volume.queues)) {
    const counts = shifted(q.counts);
    if (counts.some((n) => n > 0)) queues[id] = { name: q.name, counts };
  }
  const others = volume.others ? shifted(volume.others) : undefined;
  return others?.some((n) => n > 0) ? { hour, queues, others } : { hour, queues };
}

/**
 * The chart within its budget (commit/budgets.ts): the `max` busiest queues of the last 24 hours
 * one by one, the rest summed per hour as "other queues". At 500 queues with 100-character names
 * the per-queue chart alone would outgrow the state record.
 */
export function boundVolume(volume: RecentVolume, max: number): RecentVolume {
  const ranked = Object.entries(volume.queues).sort(([, a], [, b]) => sum(b.counts) - sum(a.counts));
  if (ranked.length <= max) return volume;
  const others = [...(volume.others ?? new Array<number>(BUCKETS).fill(0))];
  for (const [, q] of ranked.slice(max)) q.counts.forEach((n, i) => (others[i] = (others[i] ?? 0) + n));
  return { hour: volume.hour, queues: Object.fromEntries(ranked.slice(0, max)), others };
}

function sum(counts: readonly number[]): number {
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * Adds delivered contacts at their own timestamps. Older than the window: not drawn (they count
 * in injixo all the same). Ahead of `nowMs` (a clock ahead of ours): drawn in the newest bucket.
 */
export function addContacts(volume: RecentVolume, contacts: readonly OfferedContact[], nowMs: number): RecentVolume {
  const pruned = pruneVolume(volume, nowMs);
  // A copy, so the caller's record is never changed behind its back.
  const next: RecentVolume = { hour: pruned.hour, queues: {}, ...(pruned.others ? { others: [...pruned.others] } : {}) };
  for (const [id, q] of Object.entries(pruned.queues)) next.queues[id] = { name: q.name, counts: [...q.counts] };
  for (const c of contacts) addOne(next, c);
  return next;
}

function addOne(volume: RecentVolume, c: OfferedContact): void {
  const oldest = volume.hour - BUCKETS + 1;
  const at = Date.parse(c.timestamp);
  const bucket = Math.min(Math.floor(at / BUCKET_MS), volume.hour);
  if (Number.isNaN(at) || bucket < oldest) return;
  const queue = volume.queues[c.queueIdentifier] ?? { name: c.queueName, counts: new Array<number>(BUCKETS).fill(0) };
  queue.name = c.queueName;
  queue.counts[bucket - oldest] = (queue.counts[bucket - oldest] ?? 0) + 1;
  volume.queues[c.queueIdentifier] = queue;
}

/** What the status page draws: the window as of `nowMs`, queues by name. */
export function volumeView(volume: RecentVolume | undefined, nowMs: number): RecentVolumeView {
  const current = pruneVolume(volume ?? emptyVolume(nowMs), nowMs);
  const oldest = current.hour - BUCKETS + 1;
  const starts = Array.from({ length: BUCKETS }, (_, i) => new Date((oldest + i) * BUCKET_MS).toISOString());
  const queues = Object.entries(current.queues)
    .map(([queueIdentifier, q]) => ({ queueIdentifier, queueName: q.name, counts: [...q.counts], total: q.counts.reduce((a, b) => a + b, 0) }))
    .sort((a, b) => a.queueName.localeCompare(b.queueName));
  const others = current.others ?? new Array<number>(BUCKETS).fill(0);
  const totals = starts.map((_, i) => queues.reduce((total, q) => total + (q.counts[i] ?? 0), others[i] ?? 0));
  return { bucketMinutes: BUCKET_MS / 60_000, starts, totals, queues, ...(current.others ? { others: [...current.others] } : {}) };
}
