import { isoOf } from '../../core/time';
import { log } from '../../platform/log';
import type { Gap, MissingRange, MissingTickets } from '../stored/stored-data';

/**
 * Tickets whose creation event never reached a delivery run, found by their ids.
 *
 * Freshdesk numbers an account's tickets one after another (the `id` of API v2 is the
 * account's ticket number). So when the creation record of ticket 1005 arrives and the newest
 * one before was 1001, tickets 1002–1004 were created in between, and their events are late or
 * lost. The app waits for them as long as a record may be late (LATE_RECORD_WAIT_MS: records
 * the KV limit refused come back through one-time schedules) and then asks the ticket book or
 * Freshdesk for each one still uncounted, and counts it (build-contacts.ts). A loss the event
 * path cannot even see (an event the platform never delivered, an app disabled for an hour) is
 * thus repaired for the tickets' own contacts; replies have no such numbering, so the window
 * stays a gap to replay. [assumption] Ticket ids have no holes other than hard-deleted tickets
 * (Freshdesk answers 404 for those, and they count nothing here): a hole would only cost a
 * look-up. The ranges live in the state record (no extra KV call; see MissingTickets).
 */

/**
 * Missing ids and ranges the state record holds at most: a range takes ~46 bytes with 11-digit
 * ids, so 80 of them stay within ~3.7 KB (commit/budgets.ts); a long outage of a busy account is
 * one range per surviving ticket at worst. Beyond either bound the oldest ranges become gaps.
 */
export const MAX_MISSING_IDS = 2000;
export const MAX_MISSING_RANGES = 48;
/** After this long without an answer (Freshdesk down, look-ups always over budget), a range becomes a gap. */
export const MISSING_GIVE_UP_MS = 24 * 60 * 60_000;

interface CreationSeen {
  id: number;
  createdS: number;
}

/**
 * Notes the ticket creation records a run read; holes above the previous high become ranges.
 * `createdSinceInstall`: tickets the run learned of otherwise (an update, a reply's look-up) that
 * were created after the install; those below the lowest id counted are holes too (extendDown).
 */
export function noteCreations(missing: MissingTickets | undefined, seen: readonly CreationSeen[], nowMs: number, createdSinceInstall: readonly CreationSeen[] = []): MissingTickets | undefined {
  const nowS = Math.floor(nowMs / 1000);
  if (missing) extendDown(missing, createdSinceInstall, nowS);
  if (seen.length === 0) return missing;
  const sorted = [...seen].sort((a, b) => a.id - b.id);
  const book: MissingTickets = missing ?? startCount(sorted[0] as CreationSeen, createdSinceInstall);
  for (const ticket of sorted) noteOne(book, ticket, nowS);
  return book;
}

/**
 * The first creation ever seen starts the count: older ids belong to tickets from before the
 * install — except tickets known to be created after it (their update or reply came, their
 * creation event did not): the count starts just below the lowest of those, so they are holes
 * the repair counts (large seed 76: ticket 1's creation never delivered, its update was).
 */
function startCount(first: CreationSeen, createdSinceInstall: readonly CreationSeen[]): MissingTickets {
  const lowest = createdSinceInstall.reduce((low, t) => (t.id < low.id ? t : low), first);
  const high = lowest === first ? first.id : lowest.id - 1;
  return { high, highS: lowest.createdS, ranges: [], repaired: 0, low: [lowest.id, lowest.createdS] };
}

/**
 * A ticket created after the install below the lowest id counted, learned of after the count
 * started (its creation never came; its update or a reply's look-up reached a later run than the
 * first creation): the ids from it up to the lowest become a hole. A count from before `low` was
 * kept does not extend (it cannot tell where it started).
 */
function extendDown(book: MissingTickets, createdSinceInstall: readonly CreationSeen[], nowS: number): void {
  for (const ticket of [...createdSinceInstall].sort((a, b) => a.id - b.id)) {
    const low = book.low;
    if (!low || ticket.id >= low[0]) return;
    book.ranges.push([ticket.id, low[0] - 1, ticket.createdS, low[1], nowS]);
    book.low = [ticket.id, ticket.createdS];
  }
}

function noteOne(book: MissingTickets, ticket: CreationSeen, nowS: number): void {
  if (ticket.id <= book.high) {
    settle(book, ticket.id);
    return;
  }
  if (!isPlausibleNext(book, ticket) && !continuesOutlier(book, ticket)) {
    noteOutlier(book, ticket);
    return;
  }
  delete book.outlier;
  if (ticket.id > book.high + 1 && isPlausibleNext(book, ticket)) book.ranges.push([book.high + 1, ticket.id - 1, book.highS, ticket.createdS, nowS]);
  book.high = ticket.id;
  book.highS = ticket.createdS;
}

/**
 * The most tickets an account creates per second, with room to spare (the largest Freshdesk
 * accounts create a few hundred thousand a day, a few a second). A creation record whose id lies
 * further above the highest id than this rate allows since that ticket was created is not the
 * sign of missing tickets but an id that does not belong to the sequence (a poison payload such
 * as 1e15, or a sandbox ticket): recording a hole for it would declare a quadrillion tickets lost
 * and move the highest id out of reach, so no later hole would ever be noticed (issue 19, item 9).
 */
export const MAX_TICKETS_PER_SECOND = 10;
/** …plus this many ids whatever the time: clocks of two records may disagree by a little. */
export const ID_JUMP_SLACK = 1000;

function plausibleJump(fromS: number, toS: number): number {
  return ID_JUMP_SLACK + Math.max(0, toS - fromS) * MAX_TICKETS_PER_SECOND;
}

function isPlausibleNext(book: MissingTickets, ticket: CreationSeen): boolean {
  return ticket.id - book.high <= plausibleJump(book.highS, ticket.createdS);
}

/**
 * The sequence itself moved (an account migrated to a new id range): the next creation after an
 * outlier lies just above it, so the outlier becomes the highest id, with no hole recorded.
 */
function continuesOutlier(book: MissingTickets, ticket: CreationSeen): boolean {
  const outlier = book.outlier;
  return outlier !== undefined && ticket.id > outlier[0] && ticket.id - outlier[0] <= plausibleJump(outlier[1], ticket.createdS);
}

/** Remembers the implausible id (said once) without moving the highest id. */
function noteOutlier(book: MissingTickets, ticket: CreationSeen): void {
  if (book.outlier?.[0] !== ticket.id) {
    log('warn', 'TICKET_ID_OUT_OF_SEQUENCE', `ticket ${ticket.id} lies far above the account's ticket numbers (highest ${book.high}); it is counted, but no tickets are taken as missing below it`, { ticket: ticket.id, high: book.high });
  }
  book.outlier = [ticket.id, ticket.createdS];
}

/** Removes an id from the ranges (its record came late, or it has been dealt with). */
export function settle(book: MissingTickets, id: number): void {
  const at = book.ranges.findIndex(([first, last]) => id >= first && id <= last);
  if (at === -1) return;
  const [first, last, fromS, toS, noticedS] = book.ranges[at] as MissingRange;
  const parts: MissingRange[] = [];
  if (first < id) parts.push([first, id - 1, fromS, toS, noticedS]);
  if (id < last) parts.push([id + 1, last, fromS, toS, noticedS]);
  book.ranges.splice(at, 1, ...parts);
}

/** Ids that have waited long enough for a late record, oldest first, at most `limit`. */
export function dueIds(book: MissingTickets | undefined, nowMs: number, waitMs: number, limit: number): number[] {
  const ids: number[] = [];
  const waited = (book?.ranges ?? []).filter(([, , , , noticedS]) => noticedS * 1000 <= nowMs - waitMs);
  for (const [first, last] of waited) {
    for (let id = first; id <= last && ids.length < limit; id += 1) ids.push(id);
  }
  return ids;
}

/**
 * Ranges the app stops waiting for — beyond the size bounds, or unanswered for a day — leave
 * the record as gaps (the window in which those tickets were created), for a replay to repair.
 */
export function giveUp(book: MissingTickets | undefined, nowMs: number): Gap[] {
  if (book === undefined) return [];
  const gaps: Gap[] = [];
  const abandon = (range: MissingRange): void => {
    gaps.push(rangeAsGap(range));
  };
  mergeClosest(book);
  while (waitingIds(book) > MAX_MISSING_IDS) abandon(book.ranges.shift() as MissingRange);
  while (book.ranges.length > 0 && (book.ranges[0] as MissingRange)[4] * 1000 < nowMs - MISSING_GIVE_UP_MS) abandon(book.ranges.shift() as MissingRange);
  return gaps;
}

/**
 * Beyond MAX_MISSING_RANGES the two ranges closest together become one, the ids between them
 * included (they are counted already: the repair settles them from the ticket book without a
 * request). Dropping ranges instead gave up on missing tickets whenever a KV outage held many
 * creation records at once and left a hole per record for a few minutes (the simulator's large
 * accounts). Merging keeps the bytes bounded and every missing id awaited.
 */
function mergeClosest(book: MissingTickets): void {
  while (book.ranges.length > MAX_MISSING_RANGES) {
    let at = 0;
    for (let i = 1; i + 1 < book.ranges.length; i += 1) {
      if (distance(book.ranges, i) < distance(book.ranges, at)) at = i;
    }
    const [a, b] = [book.ranges[at] as MissingRange, book.ranges[at + 1] as MissingRange];
    book.ranges.splice(at, 2, [a[0], b[1], Math.min(a[2], b[2]), Math.max(a[3], b[3]), Math.min(a[4], b[4])]);
  }
}

/** Ids between range i and range i + 1 (ranges are kept in id order). */
function distance(ranges: readonly MissingRange[], i: number): number {
  return (ranges[i + 1] as MissingRange)[0] - (ranges[i] as MissingRange)[1];
}

/** The window in which a range's tickets were created, as a gap for a replay. */
export function rangeAsGap([first, last, fromS, toS]: MissingRange): Gap {
  return { from: isoOf(fromS * 1000), to: isoOf(toS * 1000), reason: 'ticket_events_missing', contactsKnownLost: last - first + 1 };
}

/** Ranges (oldest first) as one gap spanning them all: none when there are none. */
export function rangesAsGap(ranges: readonly MissingRange[]): Gap[] {
  if (ranges.length === 0) return [];
  const fromS = Math.min(...ranges.map((r) => r[2]));
  const toS = Math.max(...ranges.map((r) => r[3]));
  const count = ranges.reduce((sum, [first, last]) => sum + last - first + 1, 0);
  return [{ from: isoOf(fromS * 1000), to: isoOf(toS * 1000), reason: 'ticket_events_missing', contactsKnownLost: count }];
}

export function waitingIds(book: MissingTickets | undefined): number {
  return (book?.ranges ?? []).reduce((sum, [first, last]) => sum + last - first + 1, 0);
}
