import { countPerQueueInterval, expectedOfferedContacts } from '../../tools/local-freshdesk/oracle';
import { intervalStartOf } from '../../tools/local-injixo/contact-store';
import type { Sandbox } from '../../tools/sandbox';

export type Counts = Record<string, Record<string, number>>;

function toPlain(map: Map<string, Map<string, number>>): Counts {
  const out: Counts = {};
  for (const [queue, intervals] of [...map.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    out[queue] = Object.fromEntries([...intervals.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
  return out;
}

/** What the independent oracle expects injixo to hold after events in [from, to). */
export function oracleCounts(sandbox: Sandbox, from: number, to: number, replyScope: 'customer' | 'all_public' = 'customer'): Counts {
  return toPlain(countPerQueueInterval(expectedOfferedContacts(sandbox.world, { replyScope, from, to })));
}

/** What the local injixo holds, per queue identifier and 15-minute interval. */
export function injixoCounts(sandbox: Sandbox): Counts {
  return toPlain(sandbox.injixo.store.countsByQueueInterval());
}

/** Counts of any contact list (the oracle's or injixo's), per queue identifier and interval. */
export function perQueueInterval(contacts: readonly { queueIdentifier: string; timestamp: string }[]): Counts {
  const counts = new Map<string, Map<string, number>>();
  for (const c of contacts) {
    const queue = counts.get(c.queueIdentifier) ?? new Map<string, number>();
    const interval = intervalStartOf(c.timestamp);
    queue.set(interval, (queue.get(interval) ?? 0) + 1);
    counts.set(c.queueIdentifier, queue);
  }
  return toPlain(counts);
}

/** All queues together, per interval. */
export function perInterval(contacts: readonly { timestamp: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of contacts) counts[intervalStartOf(c.timestamp)] = (counts[intervalStartOf(c.timestamp)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

export function total(counts: Counts): number {
  return Object.values(counts).reduce((sum, intervals) => sum + Object.values(intervals).reduce((a, b) => a + b, 0), 0);
}

/** Contacts received more than once, counted as extra copies. */
export function extraCopies(sandbox: Sandbox): number {
  return sandbox.injixo.store.duplicates().reduce((sum, d) => sum + d.received - 1, 0);
}

/**
 * injixo's counts with each duplicate counted once. Every ticket and conversation in a
 * generated world has its own created_at second, so identical contacts can only be copies.
 */
export function dedupedInjixoCounts(sandbox: Sandbox): Counts {
  const seen = new Set<string>();
  const counts: Counts = {};
  for (const c of sandbox.injixo.store.list()) {
    const key = `${c.queueIdentifier}|${c.timestamp}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const interval = intervalStartOf(c.timestamp);
    const queue = (counts[c.queueIdentifier] ??= {});
    queue[interval] = (queue[interval] ?? 0) + 1;
  }
  return toPlain(new Map(Object.entries(counts).map(([q, i]) => [q, new Map(Object.entries(i))])));
}
