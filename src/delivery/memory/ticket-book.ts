import { log } from '../../platform/log';
import type { TicketFacts } from '../../core/types';
import type { KeyValueStore, RequestClient } from '../../platform/types';
import { getTicket } from '../../remote/freshdesk-client';
import { ticketShardKey } from '../../storage/keys';
import type { CommitView } from './commit-view';
import { RangeShards } from './range-shards';
import { TICKET_CODEC, type TicketContext } from './ticket-codec';
import { addClaim, factsOf, type History, insertVersion, isClaimed, settleClaims, type Version, versionAt, versionOf, wasVoided } from './ticket-history';

/**
 * What the app knows of each ticket (group, source, spam, deleted) and since when, so a reply —
 * whose event carries only `ticket_id` — is attributed as the ticket was when the reply came in
 * (SPEC §2 rule 3) without calling Freshdesk, even when the reply's record reaches a delivery
 * run after a later change of its ticket (a record the KV limit refused is re-appended minutes
 * later, into a later outbox slot). Beside the facts, rule 12's claims: whether the ticket's
 * own contact and which of its replies were counted, so an event delivered again — minutes or
 * days later — counts nothing.
 *
 * Stored by ranges of SHARD_SIZE consecutive ticket ids, each range one key until its bytes
 * call for more (range-shards.ts: a range splits by bytes into pieces, so no key ever exceeds
 * SHARD_BYTES_BUDGET and nothing is shed to make room); entries are encoded compactly
 * (ticket-codec.ts). Ids grow with time, so one delivery run touches one or two ranges for new
 * tickets, and a reply to a recent ticket is answered by a key the run already read.
 *
 * Claims are tagged with the commit id of the run that made them (commit-view.ts) and count
 * only once that commit took effect; a void run's claims are erased when their key is read.
 * The one bound left: a single ticket whose entry alone would exceed a key (thousands of
 * counted replies) loses its oldest reply claims — logged TICKET_BOOK_FULL and kept in
 * `forgotten` for the caller to record as a gap.
 */
export const SHARD_SIZE = 1000;
/**
 * The KV store caps key + value at 40 KB (runtime/keyvalue-store-docs.md, limits). A key is
 * split before it holds more than this; the margin covers the platform counting bytes a
 * little differently from JSON length.
 */
export const SHARD_BYTES_BUDGET = 38 * 1024;
/**
 * Freshdesk look-ups per delivery run. Each is a request against our 50 a minute and the
 * account's own Freshdesk limit; replies beyond this wait in the outbox for the next run.
 */
export const MAX_LOOKUPS_PER_RUN = 10;
/**
 * KV reads of the book's keys per delivery run, beyond the ranges of the run's own ticket
 * creations. The book is the one part of a run whose reads grow with how far back its replies
 * reach: at the largest profile (20,000 tickets a day, replies up to a day after their ticket)
 * ten minutes of replies name some 16 ranges, and a day that was never delivered (every reply's
 * ticket unknown) 22. Read and rewritten in one run, with the run's own ~20 operations, that
 * was more than the 50 a minute, so every run was refused before its commit and delivery
 * stopped for good (`npx tsx bench/run.ts --check-only --only huge`, 2026-12-07). Records whose
 * range does not fit wait in the outbox for the next run (build-contacts.ts); records are read
 * oldest first, so the ones that waited are served first then.
 */
export const MAX_BOOK_READS_PER_RUN = 8;

/** Thrown by a book asked for a ticket whose key its read budget does not cover: a caller that forgot to ask mayRead. */
export class BookBudgetSpent extends Error {
  override readonly name = 'BookBudgetSpent';
}

/**
 * How long after a ticket's creation a reply may wait for the ticket's own creation record.
 * At the KV limit a refused record is retried every HOLD_DELAY_MS and may be refused
 * again; the benchmark saw creation records arrive over 20 minutes late.
 */
export const LATE_RECORD_WAIT_MS = 60 * 60_000;

/** The base key of a ticket's range (its older pieces, if any, are `<base key>.<offset>`). */
export function shardKey(ticketId: number): string {
  return ticketShardKey(bookRangeOf(ticketId));
}

/** The book's range a ticket falls in: tickets of one range share their keys. */
export function bookRangeOf(ticketId: number): number {
  return Math.floor(ticketId / SHARD_SIZE);
}

/** Claims the book had to drop to stay within a key: rule 12 may count these tickets' contacts again. */
export interface Forgotten {
  /** Creation times (ms) of the oldest and newest ticket that lost claims. */
  fromMs: number;
  toMs: number;
  tickets: number;
  claims: number;
}

/**
 * A ticket whose reply claims were shed (ticket-history.ts shedReplyClaims: the lower half of its
 * conversation ids, when its entry outgrew a key: some 3,000 claims at SHARD_BYTES_BUDGET) keeps
 * more than this many, all above the ids it dropped. Below it, no claim of the ticket ever went.
 */
export const SHED_FLOOR = 500;

function mayHaveShed(history: History, conversationId: number | undefined): boolean {
  if (conversationId === undefined || history.replies.length < SHED_FLOOR) return false;
  return conversationId < Math.min(...history.replies);
}

function toSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

function widen(known: Forgotten | undefined, createdMs: number, tickets: number, claims: number): Forgotten {
  if (!known) return { fromMs: createdMs, toMs: createdMs, tickets, claims };
  return { fromMs: Math.min(known.fromMs, createdMs), toMs: Math.max(known.toMs, createdMs), tickets: known.tickets + tickets, claims: known.claims + claims };
}

function claimCount(h: History): number {
  return (h.counted ? 1 : 0) + h.replies.length + (h.pending ? (h.pending.counted ? 1 : 0) + h.pending.replies.length : 0);
}

export class TicketBook {
  private readonly shards: RangeShards<History, TicketContext>;
  /** Tickets looked up in Freshdesk during this run (each costs one request). */
  lookups = 0;
  /** Claims dropped by this book's saves (see Forgotten); undefined while nothing was. */
  forgotten: Forgotten | undefined;
  /** Set after a failed look-up: more calls would only meet the same limit or outage. */
  private remoteFailed = false;
  /** Tickets and claims shed during the current save, logged once at its end. */
  private shedNow = { tickets: new Set<number>(), claims: 0 };
  /** Ranges readable whatever the budget (the run's own creations: the newest one or two). */
  private readonly alwaysReadable = new Set<number>();
  /** KV reads spent so far on ranges that are not always readable. */
  private budgetReads = 0;

  /**
   * `nowMs` dates what Freshdesk answers: a look-up returns the ticket as it is now. `commits`
   * tags this run's claims and says which stored claims took effect (commit-view.ts).
   * `maxReads`: KV reads allowed beyond the always-readable ranges (unbounded unless given).
   */
  constructor(
    db: KeyValueStore,
    private readonly request: RequestClient,
    private readonly nowMs: number,
    private readonly commits: CommitView,
    private readonly maxReads = Number.POSITIVE_INFINITY,
  ) {
    this.shards = new RangeShards(db, {
      keyOf: ticketShardKey,
      size: SHARD_SIZE,
      budget: SHARD_BYTES_BUDGET,
      codec: TICKET_CODEC,
      settle: (h) => settleClaims(h, commits),
      onShed: (id, h, dropped) => this.noteShed(id, h, dropped),
    });
  }

  /** Makes the ranges of these tickets readable whatever the read budget (a run's ticket creations). */
  alwaysRead(ticketIds: Iterable<number>): void {
    for (const id of ticketIds) this.alwaysReadable.add(this.shards.rangeOf(id));
  }

  /**
   * Whether the book may answer for this ticket in this run: its key was read already, its range
   * is always readable, or the read budget has room. Once the budget is spent it stays spent, so
   * no key is read after a record of it was put off: reading a key erases a void run's claims on
   * it (ticket-history.ts settleClaims), and the records put off need them when they come back.
   */
  mayRead(ticketId: number): boolean {
    return this.shards.isLoaded(ticketId) || this.alwaysReadable.has(this.shards.rangeOf(ticketId)) || this.budgetReads < this.maxReads;
  }

  /** The ticket's entry, reading its key the first time; only where mayRead allows. */
  private async entry(ticketId: number): Promise<History | undefined> {
    if (this.shards.isLoaded(ticketId)) return this.shards.loaded(ticketId);
    if (!this.mayRead(ticketId)) throw new BookBudgetSpent(`the ticket book's read budget of this run (${this.maxReads}) is spent; ticket ${ticketId} waits for the next run`);
    const before = this.shards.stats.reads;
    const found = await this.shards.get(ticketId);
    if (!this.alwaysReadable.has(this.shards.rangeOf(ticketId))) this.budgetReads += this.shards.stats.reads - before;
    return found;
  }

  /** Records the ticket's facts as true from `atMs` (creation for a new ticket, `updated_at` for an update). */
  async remember(ticket: TicketFacts, atMs: number): Promise<void> {
    const version = versionOf(ticket, toSeconds(atMs));
    const history = await this.entry(ticket.id);
    if (!history) {
      await this.shards.put(ticket.id, { createdS: toSeconds(Date.parse(ticket.created_at)), versions: [version], counted: false, replies: [] });
    } else if (insertVersion(history, version, toSeconds(this.nowMs))) {
      this.shards.touch(ticket.id);
    }
  }

  /**
   * Rule 12 for redelivered events: 'new' the first time a contact (a ticket's own, or one of
   * its replies) is claimed, 'counted' every time after; 'unknown' when the book holds no entry
   * for the ticket (Freshdesk answered 404), so it cannot remember. Call after remember/lookup,
   * which load the ticket's shard.
   */
  claim(contact: { ticketId: number; conversationId?: number }): 'new' | 'counted' | 'unknown' | 'voided' {
    const history = this.shards.loaded(contact.ticketId);
    if (!history) return 'unknown';
    if (isClaimed(history, contact.conversationId)) return 'counted';
    addClaim(history, contact.conversationId, this.commits);
    this.shards.touch(contact.ticketId);
    // Claimed now either way; 'voided': a run that died around its post claimed it before (commit/commit.ts).
    return wasVoided(history, contact.conversationId, this.commits) ? 'voided' : 'new';
  }

  /**
   * What the book knows of a ticket's creation: whether its contact was counted, and its facts
   * as created (the oldest version known) when it holds an entry at all.
   */
  async creation(ticketId: number): Promise<{ counted: boolean; facts?: TicketFacts }> {
    const history = await this.entry(ticketId);
    if (!history) return { counted: false };
    return { counted: isClaimed(history, undefined), facts: factsOf(ticketId, history, history.versions[0] as Version) };
  }

  /** The ticket as Freshdesk tells it now ('gone' on 404, 'deferred' over this run's look-up or read budget), remembered. */
  async fetchNow(ticketId: number): Promise<TicketFacts | 'gone' | 'deferred'> {
    if (this.remoteFailed || this.lookups >= MAX_LOOKUPS_PER_RUN || !this.mayRead(ticketId)) return 'deferred';
    this.lookups += 1;
    let facts: TicketFacts | 'gone';
    try {
      facts = await getTicket(this.request, ticketId);
    } catch (error) {
      this.remoteFailed = true;
      throw error;
    }
    if (facts !== 'gone') await this.remember(facts, this.nowMs);
    return facts;
  }

  /**
   * Rule 12 without claiming, for a replay choosing which contacts of an interval to send:
   * 'counted' when the book has counted the contact, 'new' when it knows the ticket but not
   * that contact, 'unknown' when it holds no entry for the ticket, 'maybe' when it cannot say —
   * a void run claimed it (it may have posted it), or the ticket shed reply claims and this reply
   * is older than every claim kept (see SHED_FLOOR). 'new' and 'unknown' are certain: the book
   * never sheds a creation claim and is never pruned.
   */
  async peekClaim(contact: { ticketId: number; conversationId?: number }): Promise<'new' | 'counted' | 'unknown' | 'maybe'> {
    const history = await this.entry(contact.ticketId);
    if (!history) return 'unknown';
    if (isClaimed(history, contact.conversationId)) return 'counted';
    return wasVoided(history, contact.conversationId, this.commits) || mayHaveShed(history, contact.conversationId) ? 'maybe' : 'new';
  }

  /**
   * The ticket's facts as of `asOfMs` (a reply's created_at), asking Freshdesk when the book
   * does not know the ticket ('gone' on 404); 'deferred' when the answer should wait for a later
   * run: this run may not ask Freshdesk any more (budget spent or Freshdesk failing), or the
   * facts as of the reply may still arrive (see mayStillLearnEarlierFacts).
   */
  async lookup(ticketId: number, asOfMs: number): Promise<TicketFacts | 'gone' | 'deferred'> {
    if (!(await this.entry(ticketId))) {
      const fetched = await this.fetchNow(ticketId);
      if (fetched === 'gone' || fetched === 'deferred') return fetched;
    }
    const history = this.shards.loaded(ticketId) as History;
    const asOfS = toSeconds(asOfMs);
    if (this.mayStillLearnEarlierFacts(history, asOfS)) return 'deferred';
    return factsOf(ticketId, history, versionAt(history, asOfS));
  }

  /**
   * Whether the facts in force at the reply are unknown but may still arrive: what is known
   * starts after the reply and not at the ticket's creation (only an update or a Freshdesk
   * look-up was seen), while the ticket is young enough for its creation record to be held
   * in a one-time schedule. Waiting a run beats guessing with facts from after the reply.
   */
  private mayStillLearnEarlierFacts(history: History, asOfS: number): boolean {
    const oldest = history.versions[0] as Version;
    return asOfS < oldest.since && oldest.since > history.createdS && this.nowMs - history.createdS * 1000 < LATE_RECORD_WAIT_MS;
  }

  /**
   * Writes what this run learned, one call per touched key in the common case: an update of
   * the changed entries, or the whole key when it is new, was in the older format, or splits.
   */
  async save(): Promise<void> {
    this.shedNow = { tickets: new Set(), claims: 0 };
    await this.shards.save();
    const { tickets, claims } = this.shedNow;
    if (tickets.size === 0) return;
    const span = this.forgotten ? `${new Date(this.forgotten.fromMs).toISOString()} to ${new Date(this.forgotten.toMs).toISOString()}` : '';
    log('warn', 'TICKET_BOOK_FULL', `${tickets.size} tickets had more counted replies than one KV key holds; ${claims} of their oldest claims were dropped, so a redelivered event of those replies could count again (tickets created ${span})`, { tickets: tickets.size, claims });
  }

  private noteShed(id: number, history: History, dropped: number | 'all'): void {
    const claims = dropped === 'all' ? claimCount(history) : dropped;
    const isNew = !this.shedNow.tickets.has(id);
    this.shedNow.tickets.add(id);
    this.shedNow.claims += claims;
    this.forgotten = widen(this.forgotten, history.createdS * 1000, isNew ? 1 : 0, claims);
  }
}
