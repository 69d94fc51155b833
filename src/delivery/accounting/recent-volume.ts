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
  const queues: RecentVolume['queues'] = {};
  for (const [id, q] of Object.entries(volume.queues)) {
    const counts = q.counts.slice(Math.min(shift, BUCKETS));
    if (counts.some((n) => n > 0)) queues[id] = { name: q.name, counts: [...counts, ...new Array<number>(BUCKETS - counts.length).fill(0)] };
  }
  return { hour, queues };
}

/**
 * Adds delivered contacts at their own timestamps. Older than the window: not drawn (they count
 * in injixo all the same). Ahead of `nowMs` (a clock ahead of ours): drawn in the newest bucket.
 */
export function addContacts(volume: RecentVolume, contacts: readonly OfferedContact[], nowMs: number): RecentVolume {
  const pruned = pruneVolume(volume, nowMs);
  // A copy, so the caller's record is never changed behind its back.
  const next: RecentVolume = { hour: pruned.hour, queues: {} };
  for (const [id, q] of Object.entries(pruned.queues)) next.queues[id] = { name: q.name, counts: [...q.counts] };
  const oldest = next.hour - BUCKETS + 1;
  for (const c of contacts) {
    const at = Date.parse(c.timestamp);
    if (Number.isNaN(at)) continue;
    const bucket = Math.min(Math.floor(at / BUCKET_MS), next.hour);
    if (bucket < oldest) continue;
    const queue = next.queues[c.queueIdentifier] ?? { name: c.queueName, counts: new Array<number>(BUCKETS).fill(0) };
    queue.name = c.queueName;
    queue.counts[bucket - oldest] = (queue.counts[bucket - oldest] ?? 0) + 1;
    next.queues[c.queueIdentifier] = queue;
  }
  return next;
}

/** What the status page draws: the window as of `nowMs`, queues by name. */
export function volumeView(volume: RecentVolume | undefined, nowMs: number): RecentVolumeView {
  const current = pruneVolume(volume ?? emptyVolume(nowMs), nowMs);
  const oldest = current.hour - BUCKETS + 1;
  const starts = Array.from({ length: BUCKETS }, (_, i) => new Date((oldest + i) * BUCKET_MS).toISOString());
  const queues = Object.entries(current.queues)
    .map(([queueIdentifier, q]) => ({ queueIdentifier, queueName: q.name, counts: [...q.counts], total: q.counts.reduce((a, b) => a + b, 0) }))
    .sort((a, b) => a.queueName.localeCompare(b.queueName));
  const totals = starts.map((_, i) => queues.reduce((sum, q) => sum + (q.counts[i] ?? 0), 0));
  return { bucketMinutes: BUCKET_MS / 60_000, starts, totals, queues };
}
