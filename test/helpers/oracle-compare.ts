import { countPerQueueInterval, expectedOfferedContacts } from '../../tools/local-freshdesk/oracle';
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

export function total(counts: Counts): number {
  return Object.values(counts).reduce((sum, intervals) => sum + Object.values(intervals).reduce((a, b) => a + b, 0), 0);
}
