/**
 * What injixo must hold after a replay or a daily check by difference (SPEC §9, §10; issue 20):
 * per 15-minute interval, what was delivered plus the lost contacts the walk finds there — at
 * least what Freshdesk shows beyond the ledger in that interval's queues together (the most the
 * app sends of contacts whose claims it cannot vouch for), at most every lost contact the walk
 * finds (a contact created after the install whose claim the ticket book does not know was never
 * counted: it is not held to the interval's totals, only to its own queue's difference); per
 * (queue, interval), never more than what was delivered plus the lost contacts the walk puts in
 * that queue (nothing twice).
 */
import { intervalStartOf } from '../../tools/local-injixo/contact-store';
import type { ExpectedContact } from '../../tools/local-freshdesk/oracle';
import { perQueueInterval, type Counts } from './oracle-compare';

export interface DifferenceExpectation {
  /** Per interval: the least and the most injixo must hold in all queues together. */
  perIntervalAtLeast: Record<string, number>;
  perIntervalAtMost: Record<string, number>;
  /** Per (queue, interval): the most injixo may hold. */
  atMost: Counts;
  /** How many the app sends in all: at least (the intervals' totals alone), at most (every lost contact the walk finds). */
  sentAtLeast: number;
  sentAtMost: number;
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
  const perIntervalAtLeast: Record<string, number> = { ...deliveredTotals };
  const perIntervalAtMost: Record<string, number> = { ...deliveredTotals };
  let sentAtLeast = 0;
  let sentAtMost = 0;
  for (const [interval, n] of Object.entries(lostTotals)) {
    const sends = Math.min(n, Math.max(0, (walkedTotals[interval] ?? 0) - (deliveredTotals[interval] ?? 0)));
    perIntervalAtLeast[interval] = (deliveredTotals[interval] ?? 0) + sends;
    perIntervalAtMost[interval] = (deliveredTotals[interval] ?? 0) + n;
    sentAtLeast += sends;
    sentAtMost += n;
  }
  const atMost: Counts = JSON.parse(JSON.stringify(delivered)) as Counts;
  for (const [queue, intervals] of Object.entries(lostInWalk)) for (const [interval, n] of Object.entries(intervals)) (atMost[queue] ??= {})[interval] = (delivered[queue]?.[interval] ?? 0) + n;
  return { perIntervalAtLeast, perIntervalAtMost, atMost, sentAtLeast, sentAtMost };
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

/** Intervals whose total lies outside the expectation's bounds. */
export function outsideBounds(held: Counts, expected: DifferenceExpectation): string[] {
  const totals = totalsPerInterval(held);
  const intervals = new Set([...Object.keys(totals), ...Object.keys(expected.perIntervalAtMost)]);
  return [...intervals].sort().flatMap((interval) => {
    const n = totals[interval] ?? 0;
    const low = expected.perIntervalAtLeast[interval] ?? 0;
    const high = expected.perIntervalAtMost[interval] ?? 0;
    return n < low || n > high ? [`${interval}: ${n} not in [${low}, ${high}]`] : [];
  });
}

export { intervalStartOf };
