import { mapTicketResolved } from '../../core/handled';
import type { Directory, OfferedContact, TicketFacts } from '../../core/types';
import { log } from '../../platform/log';
import { HOLD_DELAY_MS, type OutboxRecord, type TimeEntryRecord } from '../intake/outbox';
import type { AppState, HandledState } from '../stored/stored-data';
import type { TicketBook } from '../memory/ticket-book';
import type { TimeBook } from '../memory/time-book';

/**
 * Handled contacts (issue 14, opt-in; docs/design/handled-and-agent-statuses.md §1). A ticket's
 * first resolution waits SETTLE_MS in the state (agents stop timers and log time right after
 * resolving; injixo cannot correct a duration once sent), then goes out once, in its offered
 * contact's Tickets queue, with the time logged by then.
 */
export const SETTLE_MS = 30 * 60_000;
/**
 * Resolutions waiting in the state record at most (~26 bytes each with 11-digit ticket ids: ~6.3 KB,
 * commit/budgets.ts). Beyond it the oldest go out before their settle time, with the time logged
 * so far, counted as "sent early".
 */
export const MAX_WAITING = 240;
/**
 * How long past its settle time a resolution waits while records reach the outbox late. The KV
 * limit holds a refused record in a one-time schedule (intake/keep-record.ts), retried minutes
 * later and possibly refused again, so a time entry logged within the settle time can reach the
 * outbox after the slot in which that time ends; counting the settle time on the outbox alone
 * would send the handled contact without it. While the newest slots read hold such late records
 * (the state's lateFactsSeenAt, run/attribution-hold.ts) — or a follow-up run was told the KV
 * limit refused the run before it, while no held record may have come through yet — settled
 * resolutions wait, at most this long: a record later than an hour is not counted as late there either.
 */
export const MAX_LATE_WAIT_MS = 60 * 60_000;
/**
 * How long a fact's record may reach the outbox after the fact when the KV store refused it once:
 * held in a one-time schedule, it is appended HOLD_DELAY_MS later, in a later slot. A resolution
 * counts as settled only once the slots read reach this far past its settle time, so a time
 * entry logged just before that end and held once is read first — even when no run saw the KV
 * limit (small seed 947: a three-minute write outage between two runs; the entry, logged two
 * minutes before the settle time ended, reached the outbox after the handled contact was sent).
 */
export const HELD_RECORD_LAG_MS = HOLD_DELAY_MS + 60_000;

/** What became of a waiting resolution in a run (HandledStep.decide). */
type Outcome = OfferedContact | 'wait' | 'skip' | 'unconfirmed';

/** A resolution waiting for its settle time. */
interface Waiting {
  ticketId: number;
  resolvedS: number;
  /** 1 spam, 2 deleted, at the resolution. */
  flags: number;
}

/** A run's change of the waiting list: resolutions it added (triples) and tickets it took out. */
export interface HandledChange {
  added: number[];
  removed: number[];
}

/** Onto a stored list: what the run took out goes, what it added comes (once per ticket, at its earliest resolution). */
export function applyHandledChange(handled: HandledState, change: HandledChange): HandledState {
  const removed = new Set(change.removed);
  let list = waitingOf(handled).filter((w) => !removed.has(w.ticketId));
  for (const w of waitingOf({ ...handled, waiting: change.added })) if (!removed.has(w.ticketId)) list = withResolution(list, w);
  const next = { ...handled };
  storeWaiting(next, list);
  return next;
}

/**
 * A ticket waits once, at its first resolution: the same resolution read twice changes nothing,
 * and an earlier one read after a later one (its record was held in a one-time schedule, or its
 * event came late) takes the later one's place.
 */
function withResolution(list: readonly Waiting[], resolution: Waiting): Waiting[] {
  const known = list.find((w) => w.ticketId === resolution.ticketId);
  if (known && known.resolvedS <= resolution.resolvedS) return [...list];
  return [...list.filter((w) => w !== known), resolution];
}

export function emptyHandledState(): HandledState {
  return { waiting: [], late: { changes: 0, seconds: 0 }, early: 0, skipped: 0, sent: 0 };
}

function waitingOf(handled: HandledState): Waiting[] {
  const list: Waiting[] = [];
  for (let i = 0; i + 2 < handled.waiting.length; i += 3) {
    list.push({ ticketId: handled.waiting[i] as number, resolvedS: handled.waiting[i + 1] as number, flags: handled.waiting[i + 2] as number });
  }
  return list;
}

function storeWaiting(handled: HandledState, list: readonly Waiting[]): void {
  handled.waiting = list.flatMap((w) => [w.ticketId, w.resolvedS, w.flags]);
}

export interface HandledDeps {
  state: AppState;
  book: TicketBook;
  times: TimeBook;
  directory: Directory;
  /** Every event before this time has been read from the outbox (see buildContacts). */
  factsUntilMs: number;
}

/**
 * One run's handled-contact work: time entries into the time book, resolutions into the waiting
 * list (both in record order), then the settled resolutions out as contacts.
 */
export class HandledStep {
  private readonly handled: HandledState;
  private waiting: Waiting[];
  /** Each waiting ticket's resolution (seconds) as the run found it. */
  private readonly before: Map<number, number>;
  /** Handled contacts decided while reading records (see settleBefore). */
  private readonly decided: OfferedContact[] = [];
  /** Time entries kept for a later run (see mustKeepForLater): back to the outbox with the run's carry. */
  readonly carried: OutboxRecord[] = [];
  /** The newest outbox slots read held records that came late (see MAX_LATE_WAIT_MS). */
  private readonly recordsComeLate: boolean;
  /**
   * Handled contacts a void run claimed and may have posted before it died (time-book.ts claim
   * 'voided'): never posted again, counted unconfirmed like the offered ones (build-contacts.ts).
   */
  readonly unconfirmed: OfferedContact[] = [];

  constructor(private readonly deps: HandledDeps) {
    this.handled = deps.state.handled ?? emptyHandledState();
    deps.state.handled = this.handled;
    this.waiting = waitingOf(this.handled);
    this.before = new Map(this.waiting.map((w) => [w.ticketId, w.resolvedS]));
    // Noted by the run that read the slot ending at factsUntilMs (it ran after that end), or a later one.
    this.recordsComeLate = (deps.state.lateFactsSeenAt ?? -Infinity) >= deps.factsUntilMs;
  }

  /** This run's change of the waiting list, for a handed-off commit (pending-commit.ts). */
  change(): HandledChange {
    const now = waitingOf(this.handled);
    const still = new Set(now.map((w) => w.ticketId));
    return {
      // New, or moved to an earlier resolution (withResolution).
      added: now.filter((w) => this.before.get(w.ticketId) !== w.resolvedS).flatMap((w) => [w.ticketId, w.resolvedS, w.flags]),
      removed: [...this.before.keys()].filter((id) => !still.has(id)),
    };
  }

  /** Takes a record if it is handled-contact work; true when it was. */
  async take(record: OutboxRecord): Promise<boolean> {
    if (record.k === 'e') {
      if (this.mustKeepForLater(record.entry.ticketId, record.at)) {
        this.carried.push(record);
        return true;
      }
      await this.settleBefore(record.entry.ticketId, record.at);
      await this.applyEntry(record.entry, record.at);
      return true;
    }
    if (record.k === 'u' && record.resolved === true) this.noteResolution(record.ticket, record.at);
    return false;
  }

  /**
   * A time entry logged after its ticket's settle time ended, read while an entry logged before
   * that end may still be on its way (held once, or while records come late): applied now, it
   * would settle the resolution without the earlier entry. It goes back to the outbox for a later
   * run instead, at most until the resolution would stop waiting for late records (small seed
   * 375: an entry held for 36 minutes by a write outage, behind a later one that settled the
   * resolution without it).
   */
  private mustKeepForLater(ticketId: number, atMs: number): boolean {
    const waiting = this.waiting.find((w) => w.ticketId === ticketId);
    if (!waiting) return false;
    const settleEndMs = waiting.resolvedS * 1000 + SETTLE_MS;
    if (atMs <= settleEndMs) return false;
    const lateWait = this.recordsComeLate && settleEndMs + HELD_RECORD_LAG_MS + MAX_LATE_WAIT_MS > this.deps.factsUntilMs;
    return this.deps.factsUntilMs < settleEndMs + HELD_RECORD_LAG_MS || lateWait;
  }

  /**
   * A time entry logged after its ticket's settle time ended is not part of the duration: the
   * resolution is decided first, with the time logged until then. Without this, the duration
   * would depend on where delivery runs happen to cut the outbox.
   */
  private async settleBefore(ticketId: number, atMs: number): Promise<void> {
    const waiting = this.waiting.find((w) => w.ticketId === ticketId);
    if (!waiting || waiting.resolvedS * 1000 + SETTLE_MS >= atMs) return;
    const outcome = await this.decide(waiting);
    if (outcome === 'wait') return;
    this.waiting = this.waiting.filter((w) => w !== waiting);
    if (typeof outcome === 'object') this.decided.push(outcome);
  }

  private async applyEntry(entry: TimeEntryRecord, atMs: number): Promise<void> {
    const outcome = await this.deps.times.apply(entry, atMs);
    if (outcome.kind === 'kept') return;
    this.handled.late.changes += 1;
    this.handled.late.seconds += outcome.seconds;
    log('info', 'TIME_LOGGED_AFTER_HANDLED', `time entry ${entry.id} of ticket ${entry.ticketId} changed after the ticket's handled contact was sent; injixo cannot correct it`, { ticket: entry.ticketId });
  }

  private noteResolution(ticket: TicketFacts, atMs: number): void {
    this.waiting = withResolution(this.waiting, { ticketId: ticket.id, resolvedS: Math.floor(atMs / 1000), flags: (ticket.spam ? 1 : 0) | (ticket.deleted ? 2 : 0) });
  }

  /** The handled contacts due now; what cannot be decided yet keeps waiting. */
  async due(): Promise<OfferedContact[]> {
    this.waiting.sort((a, b) => a.resolvedS - b.resolvedS);
    const overflow = Math.max(0, this.waiting.length - MAX_WAITING);
    const contacts: OfferedContact[] = [...this.decided];
    const still: Waiting[] = [];
    for (const [index, waiting] of this.waiting.entries()) {
      const outcome = await this.decideDue(waiting, index < overflow);
      if (outcome === 'wait') still.push(waiting);
      else if (typeof outcome === 'object') contacts.push(outcome);
    }
    storeWaiting(this.handled, still);
    this.handled.sent += contacts.length;
    return contacts;
  }

  /** A resolution past its settle time, or one pushed out early by the list's bound. */
  private async decideDue(waiting: Waiting, pushedOut: boolean): Promise<Outcome> {
    // Settled by the facts read, not the clock: a time entry logged within the settle time may
    // still sit in an outbox slot this run has not read, or in a one-time schedule.
    const settledAtMs = waiting.resolvedS * 1000 + SETTLE_MS + HELD_RECORD_LAG_MS;
    const settled = settledAtMs <= this.deps.factsUntilMs;
    const heldBack = this.recordsComeLate && settledAtMs + MAX_LATE_WAIT_MS > this.deps.factsUntilMs;
    if ((!settled || heldBack) && !pushedOut) return 'wait';
    const outcome = await this.decide(waiting);
    if (!settled && typeof outcome === 'object') this.handled.early += 1;
    return outcome;
  }

  /** A contact to post; or none: 'wait' (decided later), 'skip' (not handled, or sent before), 'unconfirmed' (see unconfirmed). */
  private async decide(waiting: Waiting): Promise<Outcome> {
    const asCreated = await this.creationFacts(waiting.ticketId);
    if (asCreated === 'wait') return 'wait';
    if (asCreated === 'gone') return this.skip();
    const claim = await this.deps.times.claim(waiting.ticketId);
    if (claim.kind === 'sent') return 'skip';
    const now = { spam: (waiting.flags & 1) !== 0, deleted: (waiting.flags & 2) !== 0 };
    const decision = mapTicketResolved(asCreated, now, new Date(waiting.resolvedS * 1000).toISOString(), this.deps.directory, claim.duration);
    if (decision.kind !== 'handled') return this.skip();
    if (claim.kind === 'new') return decision.contact;
    this.unconfirmed.push(decision.contact);
    return 'unconfirmed';
  }

  private skip(): 'skip' {
    this.handled.skipped += 1;
    return 'skip';
  }

  /**
   * The ticket as created (the queue of its offered contact), from the ticket book; for a ticket
   * the book does not know (created before install, or forgotten), Freshdesk's facts now.
   */
  private async creationFacts(ticketId: number): Promise<TicketFacts | 'wait' | 'gone'> {
    if (!this.deps.book.mayRead(ticketId)) return 'wait';
    const known = await this.deps.book.creation(ticketId);
    if (known.facts) return known.facts;
    try {
      const fetched = await this.deps.book.fetchNow(ticketId);
      return fetched === 'deferred' ? 'wait' : fetched;
    } catch {
      // Freshdesk refused the look-up: the run reports it through its other look-ups; try next run.
      return 'wait';
    }
  }
}
