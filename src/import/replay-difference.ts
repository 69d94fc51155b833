/**
 * A replay by difference (SPEC §8, §9), the pure part: per (queue identifier, 15-minute
 * interval), what Freshdesk says the window holds minus what the ledger says was delivered is
 * what is sent — never negative; a surplus is reported, not taken back (injixo cannot delete).
 *
 * Which contacts of an interval are sent when k of its n are missing: the ledger counts, it
 * does not name. The ticket book's claims (rule 12) name the contacts the event path counted,
 * so only contacts the claims do not know are sent, in contact id order (the same inputs always
 * send the same contacts). A claimed contact the ledger lacks in this queue was delivered in
 * another one — the walk sees its ticket's group as it is now, the events saw it as it was
 * (SPEC §8) — so sending it would double it in injixo's totals; it is counted as
 * `claimedElsewhere` and not sent.
 */
import { INTERVAL_MS, isoOf } from '../core/time';
import type { OfferedContact, TicketFacts } from '../core/types';
import type { ReplayQueueResult, ReplayResult } from './import-record';

/** A contact the replay's walk found, with what the ticket book needs to claim it. */
export interface FoundContact {
  contact: OfferedContact;
  ticket: TicketFacts;
  /** Set for a reply's contact (its conversation id). */
  conversationId?: number;
}

/** Delivered counts per queue identifier and interval start (ISO, `…:15:00Z`), as readLedger returns them. */
export type DeliveredCounts = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** Queues listed in a result at most: the record holding it must stay small. */
export const MAX_RESULT_QUEUES = 40;


/** The interval a contact belongs to, spelled as the ledger spells it. */
export function intervalOf(timestamp: string): string {
  const start = Math.floor(Date.parse(timestamp) / INTERVAL_MS) * INTERVAL_MS;
  return isoOf(start);
}

export interface Difference {
  send: FoundContact[];
  result: ReplayResult;
}

/**
 * `counted` says whether the ticket book's claims know a contact as counted. A contact found
 * twice (a slice repeated after a crash) counts once.
 */
export function differenceOf(found: readonly FoundContact[], delivered: DeliveredCounts, counted: (f: FoundContact) => boolean): Difference {
  const groups = groupByInterval(found);
  const queues = new Map<string, ReplayQueueResult>();
  const send: FoundContact[] = [];
  for (const [queue, intervals] of groups) {
    for (const [interval, contacts] of intervals) {
      const already = delivered.get(queue)?.get(interval) ?? 0;
      const missing = Math.max(0, contacts.length - already);
      const chosen = unclaimedInOrder(contacts, counted).slice(0, missing);
      send.push(...chosen);
      const row = { found: contacts.length, delivered: already, sent: chosen.length, surplus: Math.max(0, already - contacts.length), claimedElsewhere: missing - chosen.length };
      addTo(queues, queue, contacts[0]?.contact.queueName ?? queue, row);
    }
  }
  addDeliveredOnly(queues, groups, delivered);
  return { send, result: resultOf([...queues.values()]) };
}

function groupByInterval(found: readonly FoundContact[]): Map<string, Map<string, FoundContact[]>> {
  const seen = new Set<string>();
  const groups = new Map<string, Map<string, FoundContact[]>>();
  for (const f of found) {
    if (seen.has(f.contact.contactId)) continue;
    seen.add(f.contact.contactId);
    const intervals = groups.get(f.contact.queueIdentifier) ?? new Map<string, FoundContact[]>();
    groups.set(f.contact.queueIdentifier, intervals);
    const interval = intervalOf(f.contact.timestamp);
    intervals.set(interval, [...(intervals.get(interval) ?? []), f]);
  }
  return groups;
}

/** The contacts the claims do not know, by contact id. */
function unclaimedInOrder(contacts: readonly FoundContact[], counted: (f: FoundContact) => boolean): FoundContact[] {
  const byId = (a: FoundContact, b: FoundContact): number => (a.contact.contactId < b.contact.contactId ? -1 : a.contact.contactId > b.contact.contactId ? 1 : 0);
  return contacts.filter((c) => !counted(c)).sort(byId);
}

/** Intervals the ledger has and Freshdesk does not: all of it is surplus. */
function addDeliveredOnly(queues: Map<string, ReplayQueueResult>, groups: ReadonlyMap<string, ReadonlyMap<string, unknown>>, delivered: DeliveredCounts): void {
  for (const [queue, intervals] of delivered) {
    const walked = groups.get(queue);
    for (const [interval, count] of intervals) if (walked?.has(interval) !== true && count > 0) addSurplus(queues, queue, count);
  }
}

function addSurplus(queues: Map<string, ReplayQueueResult>, queue: string, count: number): void {
  addTo(queues, queue, queues.get(queue)?.queueName ?? queue, { found: 0, delivered: count, sent: 0, surplus: count, claimedElsewhere: 0 });
}

function addTo(queues: Map<string, ReplayQueueResult>, queue: string, name: string, add: Omit<ReplayQueueResult, 'queueIdentifier' | 'queueName'>): void {
  const into = queues.get(queue) ?? { queueIdentifier: queue, queueName: name, found: 0, delivered: 0, sent: 0, surplus: 0, claimedElsewhere: 0 };
  into.found += add.found;
  into.delivered += add.delivered;
  into.sent += add.sent;
  into.surplus += add.surplus;
  into.claimedElsewhere += add.claimedElsewhere;
  queues.set(queue, into);
}

/** Totals over every queue; the per-queue list keeps those that sent or had a surplus, biggest first. */
function resultOf(queues: readonly ReplayQueueResult[]): ReplayResult {
  const sum = (pick: (q: ReplayQueueResult) => number): number => queues.reduce((total, q) => total + pick(q), 0);
  const notable = queues.filter((q) => q.sent > 0 || q.surplus > 0).sort((a, b) => b.sent + b.surplus - (a.sent + a.surplus) || (a.queueIdentifier < b.queueIdentifier ? -1 : 1));
  return {
    found: sum((q) => q.found),
    alreadyDelivered: sum((q) => q.delivered),
    sent: sum((q) => q.sent),
    surplus: sum((q) => q.surplus),
    claimedElsewhere: sum((q) => q.claimedElsewhere),
    queues: notable.slice(0, MAX_RESULT_QUEUES),
    moreQueues: Math.max(0, notable.length - MAX_RESULT_QUEUES),
  };
}
