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
 *
 * Where the claims' silence is proof (`certain`: a contact created after the install, which every
 * path that delivers one claims), an unclaimed contact is sent whatever the counts say: the
 * counts only decide for contacts the claims cannot vouch for (the initial import's window).
 *
 * Moved contacts keep their timestamp: a contact delivered under its ticket's former group sits
 * in the ledger of another queue of the SAME interval. So the difference is taken per interval
 * (issue 20): the ledger slots such contacts occupy in other queues are freed for the unclaimed
 * contacts of those queues — a reply lost in queue X is sent even when X's ledger count is held
 * by a contact whose ticket has since moved to queue Y. Without it that reply would stay missing.
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
export function differenceOf(found: readonly FoundContact[], delivered: DeliveredCounts, counted: (f: FoundContact) => boolean, sendable: Sendable = everything, certain: Certain = never): Difference {
  const byInterval = groupByInterval(found);
  const queues = new Map<string, ReplayQueueResult>();
  const send: FoundContact[] = [];
  let heldBack = 0;
  for (const [interval, cells] of byInterval) {
    const outcome = intervalDifference(interval, cells, delivered, { counted, sendable, certain });
    heldBack += outcome.heldBack;
    for (const cell of outcome.cells) {
      send.push(...cell.chosen);
      addTo(queues, cell.queue, cell.name, cell.row);
    }
  }
  addDeliveredOnly(queues, byInterval, delivered);
  const result = resultOf([...queues.values()]);
  if (heldBack > 0) result.heldBack = heldBack;
  return { send, result };
}

/** How many of a cell's missing contacts may be sent (all, outside uncertain hours). */
export type Sendable = (queue: string, interval: string, missing: number) => number;

const everything: Sendable = (_queue, _interval, missing) => missing;

/**
 * Whether the claims' silence on a contact proves it was never counted: true for a contact
 * created after the install (every path that delivers one claims it, and the book counts as
 * claimed whatever it cannot vouch for: ticket-book.ts peekClaim 'maybe'); false before the
 * install, where the initial import delivered without claims.
 */
export type Certain = (f: FoundContact) => boolean;

const never: Certain = () => false;

interface Judges {
  counted: (f: FoundContact) => boolean;
  sendable: Sendable;
  certain: Certain;
}

function countIn(delivered: DeliveredCounts, queue: string, interval: string): number {
  return delivered.get(queue)?.get(interval) ?? 0;
}

interface CellFacts {
  queue: string;
  contacts: FoundContact[];
  ledger: number;
  claimed: number;
  unclaimed: FoundContact[];
}

interface CellOutcome {
  queue: string;
  name: string;
  chosen: FoundContact[];
  /** How many of `chosen` the cell's own difference allows (the rest go through freed slots). */
  own: number;
  row: Omit<ReplayQueueResult, 'queueIdentifier' | 'queueName'>;
}

/**
 * One interval, every queue the walk found contacts in. Per queue: `found`, the ledger's count,
 * the contacts the claims know and those they do not, in contact id order. A queue whose counted
 * contacts outnumber its ledger count holds contacts delivered elsewhere (moved): their number is
 * the count of ledger slots held in the other queues by contacts that are not there any more.
 * Those slots are freed, queue by queue (identifier order), for queues whose unclaimed contacts
 * the ledger alone would not let through — never more than a queue's ledger slots beyond its own
 * counted contacts. Then, in a six-hour bucket the ledger may under-count, only what exceeds what
 * it may have missed is sent (compare.ts uncertainAllowance).
 */
function intervalDifference(interval: string, cells: ReadonlyMap<string, FoundContact[]>, delivered: DeliveredCounts, judges: Judges): { cells: CellOutcome[]; heldBack: number } {
  const { certain } = judges;
  const rows = [...cells.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([queue, contacts]) => cellFacts(queue, contacts, countIn(delivered, queue, interval), judges));
  const moved = rows.reduce((sum, r) => sum + Math.max(0, r.claimed - r.ledger), 0);
  // Moved contacts are first taken to sit where the ledger holds more than the walk finds (their
  // former queue, usually); only the rest can be holding slots of queues with contacts to send.
  const left = { left: Math.max(0, moved - surplusSlots(interval, cells, delivered)) };
  const outcomes = rows.map((r) => cellOutcome(r, interval, left, judges));
  const heldBack = capInterval(outcomes, Math.max(0, rows.reduce((sum, r) => sum + r.contacts.length, 0) - ledgerTotal(interval, delivered)), certain);
  return { cells: outcomes, heldBack };
}

/** Ledger counts of the interval beyond what the walk finds in their queue (queues it finds nothing in, whole). */
function surplusSlots(interval: string, cells: ReadonlyMap<string, FoundContact[]>, delivered: DeliveredCounts): number {
  let slots = 0;
  for (const [queue, intervals] of delivered) slots += Math.max(0, (intervals.get(interval) ?? 0) - (cells.get(queue)?.length ?? 0));
  return slots;
}

function ledgerTotal(interval: string, delivered: DeliveredCounts): number {
  let sum = 0;
  for (const intervals of delivered.values()) sum += intervals.get(interval) ?? 0;
  return sum;
}

/**
 * Cuts the interval's replies to `cap`, what Freshdesk shows beyond the ledger in all its queues
 * together: a cell's own difference first, freed slots last. A reply the claims forgot (a full
 * ticket-book key sheds its oldest reply claims) is then never sent twice — at the price of
 * holding back a lost reply in an interval that also holds a contact of a ticket deleted for good
 * since (listed nowhere, so its ledger slot looks like a copy): counted as `heldBack`.
 *
 * A contact whose claims are `certain` is not cut (large seeds 568 and 720: the last ticket of
 * the day, whose creation event never came, stayed missing because a ticket deleted for good in
 * its quarter hour held the slot; large seed 902: replies likewise). It still takes its room first.
 */
function capInterval(outcomes: CellOutcome[], cap: number, certain: Certain): number {
  const wanted = outcomes.reduce((sum, o) => sum + o.chosen.length, 0);
  const sure = outcomes.map((o) => o.chosen.filter(certain).length);
  let room = cap - sure.reduce((a, b) => a + b, 0);
  const own = outcomes.map((o, i) => {
    const n = Math.max(0, Math.min(o.own - (sure[i] ?? 0), room));
    room -= n;
    return n;
  });
  outcomes.forEach((o, i) => {
    const doubtful = o.chosen.filter((f) => !certain(f));
    const extra = Math.max(0, Math.min(doubtful.length - (own[i] ?? 0), room));
    room -= extra;
    const kept = new Set(doubtful.slice(0, (own[i] ?? 0) + extra));
    o.chosen = o.chosen.filter((f) => certain(f) || kept.has(f));
    o.row.sent = o.chosen.length;
  });
  return wanted - outcomes.reduce((sum, o) => sum + o.chosen.length, 0);
}

function cellFacts(queue: string, contacts: FoundContact[], ledger: number, judges: Judges): CellFacts {
  const unclaimed = unclaimedInOrder(contacts, judges);
  return { queue, contacts, ledger, claimed: contacts.length - unclaimed.length, unclaimed };
}

/**
 * A cell's sends: its own difference plus the slots freed for it, of the unclaimed contacts in
 * order — and every contact whose claims are `certain` whatever the counts say: never counted,
 * it cannot be a copy, while the ledger's count of the cell may hold a contact Freshdesk lists
 * nowhere now (a ticket deleted for good) or elsewhere (large seed 684: the day's last ticket,
 * its creation never delivered, in the queue and quarter hour of a ticket that changed group).
 */
function cellOutcome(r: CellFacts, interval: string, moved: { left: number }, judges: Judges): CellOutcome {
  const base = Math.max(0, r.contacts.length - r.ledger);
  const freed = Math.min(moved.left, Math.max(0, r.ledger - r.claimed), Math.max(0, r.unclaimed.length - base));
  moved.left -= freed;
  const sure = r.unclaimed.filter(judges.certain).length;
  // Certain ones come first in `unclaimed`.
  const chosen = r.unclaimed.slice(0, Math.max(sure, judges.sendable(r.queue, interval, base + freed)));
  const row = { found: r.contacts.length, delivered: r.ledger, sent: chosen.length, surplus: Math.max(0, r.ledger - r.contacts.length - freed), claimedElsewhere: Math.max(0, r.claimed - r.ledger) };
  return { queue: r.queue, name: r.contacts[0]?.contact.queueName ?? r.queue, chosen, own: Math.min(chosen.length, base), row };
}

/** Interval → queue → its contacts (each contact once). */
function groupByInterval(found: readonly FoundContact[]): Map<string, Map<string, FoundContact[]>> {
  const seen = new Set<string>();
  const groups = new Map<string, Map<string, FoundContact[]>>();
  for (const f of found) {
    if (seen.has(f.contact.contactId)) continue;
    seen.add(f.contact.contactId);
    const interval = intervalOf(f.contact.timestamp);
    const queues = groups.get(interval) ?? new Map<string, FoundContact[]>();
    groups.set(interval, queues);
    queues.set(f.contact.queueIdentifier, [...(queues.get(f.contact.queueIdentifier) ?? []), f]);
  }
  return groups;
}

/** The contacts the claims do not know: those whose claims are certain first (see capInterval), each part by contact id. */
function unclaimedInOrder(contacts: readonly FoundContact[], { counted, certain }: Judges): FoundContact[] {
  const rank = (f: FoundContact): number => (certain(f) ? 0 : 1);
  const byId = (a: FoundContact, b: FoundContact): number => rank(a) - rank(b) || (a.contact.contactId < b.contact.contactId ? -1 : a.contact.contactId > b.contact.contactId ? 1 : 0);
  return contacts.filter((c) => !counted(c)).sort(byId);
}

/** Cells the ledger has and the walk does not: all of it is surplus. */
function addDeliveredOnly(queues: Map<string, ReplayQueueResult>, byInterval: ReadonlyMap<string, ReadonlyMap<string, unknown>>, delivered: DeliveredCounts): void {
  for (const [queue, intervals] of delivered) {
    for (const [interval, count] of intervals) if (byInterval.get(interval)?.has(queue) !== true && count > 0) addSurplus(queues, queue, count);
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
