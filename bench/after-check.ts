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

/**
 * Contacts missing from and beyond what was expected, per queue and interval. `paired`: of the
 * missing, those beside a surplus in another queue of the same quarter hour — the mark of a
 * contact injixo holds under its ticket's former group (its group change came late or never:
 * counted, never taken back). A missing contact without such a surplus is a loss.
 */
export function compareCounts(expected: Counts, held: Counts): { missing: number; extra: number; paired: number } {
  const byInterval = new Map<string, { missing: number; extra: number }>();
  for (const queue of new Set([...Object.keys(expected), ...Object.keys(held)])) {
    for (const interval of new Set([...Object.keys(expected[queue] ?? {}), ...Object.keys(held[queue] ?? {})])) {
      const d = (held[queue]?.[interval] ?? 0) - (expected[queue]?.[interval] ?? 0);
      const slot = byInterval.get(interval) ?? { missing: 0, extra: 0 };
      byInterval.set(interval, slot);
      if (d > 0) slot.extra += d;
      else slot.missing -= d;
    }
  }
  const out = { missing: 0, extra: 0, paired: 0 };
  for (const slot of byInterval.values()) {
    out.missing += slot.missing;
    out.extra += slot.extra;
    out.paired += Math.min(slot.missing, slot.extra);
  }
  return out;
}
