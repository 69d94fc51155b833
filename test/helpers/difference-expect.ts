/**
 * What injixo must hold after a replay or a daily check by difference (SPEC §9, §10; issue 20):
 * per 15-minute interval, what was delivered plus the lost contacts the walk finds there — at most
 * what Freshdesk shows beyond the ledger in that interval's queues together (the app holds back
 * the rest: it cannot tell them from copies); per (queue, interval), never more than what was
 * delivered plus the lost contacts the walk puts in that queue (nothing twice).
 */
import { intervalStartOf } from '../../tools/local-injixo/contact-store';
import type { ExpectedContact } from '../../tools/local-freshdesk/oracle';
import { perQueueInterval, type Counts } from './oracle-compare';

export interface DifferenceExpectation {
  /** Per interval: the total injixo must hold. */
  perInterval: Record<string, number>;
  /** Per (queue, interval): the most injixo may hold. */
  atMost: Counts;
  /** How many the app sends in all, and how many lost contacts it holds back. */
  sent: number;
  heldBack: number;
}

function totalsPerInterval(counts: Counts): Record<string, number> {
  const out: Record<string, number> = {};
  for (const intervals of Object.values(counts)) for (const [interval, n] of Object.entries(intervals)) out[interval] = (out[interval] ?? 0) + n;
  return out;
}

export function expectAfterDifference(delivered: Counts, walked: readonly ExpectedContact[], lost: (c: ExpectedContact) => boolean): DifferenceExpectation {
  const walkedTotals = totalsPerInterval(perQueueInterval(walked));
  const deliveredTotals = totalsPerInterval(delivered);
  const lostInWalk = perQueueInterval(walked.filter(lost));
  const lostTotals = totalsPerInterval(lostInWalk);
  const perInterval: Record<string, number> = { ...deliveredTotals };
  let sent = 0;
  let heldBack = 0;
  for (const [interval, n] of Object.entries(lostTotals)) {
    const sends = Math.min(n, Math.max(0, (walkedTotals[interval] ?? 0) - (deliveredTotals[interval] ?? 0)));
    perInterval[interval] = (deliveredTotals[interval] ?? 0) + sends;
    sent += sends;
    heldBack += n - sends;
  }
  const atMost: Counts = JSON.parse(JSON.stringify(delivered)) as Counts;
  for (const [queue, intervals] of Object.entries(lostInWalk)) for (const [interval, n] of Object.entries(intervals)) (atMost[queue] ??= {})[interval] = (delivered[queue]?.[interval] ?? 0) + n;
  return { perInterval, atMost, sent, heldBack };
}

/** Cells where injixo holds more than `atMost` allows: copies. */
export function beyond(held: Counts, atMost: Counts): string[] {
  const out: string[] = [];
  for (const [queue, intervals] of Object.entries(held)) for (const [interval, n] of Object.entries(intervals)) if (n > (atMost[queue]?.[interval] ?? 0)) out.push(`${queue} ${interval}: ${n} > ${atMost[queue]?.[interval] ?? 0}`);
  return out;
}

export function injixoPerInterval(counts: Counts): Record<string, number> {
  return totalsPerInterval(counts);
}

export { intervalStartOf };
