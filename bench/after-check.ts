/**
 * What injixo must hold once the daily check has run (issue 20 item 6), shared by the overload
 * probes (run-at-rate.ts) and the check's own bench (run-check.ts): the events' oracle, except that
 * a contact whose event never reached the app counts in the queue the check's walk gives it — its
 * ticket's group as Freshdesk shows it when walked (SPEC §8); `lostMoved` counts those whose queue
 * differs.
 */
import { expectedOfferedContacts, type ExpectedContact } from '../tools/local-freshdesk/oracle';
import type { Sandbox } from '../tools/sandbox';
import { perQueueInterval, type Counts } from '../test/helpers/oracle-compare';

/** `t:<ticket>` / `c:<conversation>`, as the app's contact ids. */
export function identity(c: ExpectedContact): string {
  return c.conversationId === undefined ? `t:${c.ticketId}` : `c:${c.conversationId}`;
}

export function expectedAfterCheck(sandbox: Sandbox, at: { from: number; to: number }, lostIds: ReadonlySet<string>): { expected: Counts; lostMoved: number } {
  const events = expectedOfferedContacts(sandbox.world, { replyScope: 'customer', from: at.from, to: at.to });
  const walked = new Map(expectedOfferedContacts(sandbox.world, { replyScope: 'customer', from: at.from, to: at.to, importAt: at.to }).map((c) => [identity(c), c]));
  let lostMoved = 0;
  const list = events.flatMap((c) => {
    if (!lostIds.has(identity(c))) return [c];
    const w = walked.get(identity(c));
    if (w && w.queueIdentifier !== c.queueIdentifier) lostMoved += 1;
    return w ? [w] : [];
  });
  return { expected: perQueueInterval(list), lostMoved };
}

/** Contacts missing from and beyond what was expected, per queue and interval. */
export function compareCounts(expected: Counts, held: Counts): { missing: number; extra: number } {
  let missing = 0;
  let extra = 0;
  for (const queue of new Set([...Object.keys(expected), ...Object.keys(held)])) {
    for (const interval of new Set([...Object.keys(expected[queue] ?? {}), ...Object.keys(held[queue] ?? {})])) {
      const d = (held[queue]?.[interval] ?? 0) - (expected[queue]?.[interval] ?? 0);
      if (d > 0) extra += d;
      else missing -= d;
    }
  }
  return { missing, extra };
}
