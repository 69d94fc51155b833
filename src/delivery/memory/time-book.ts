import type { KeyValueStore } from '../../platform/types';
import { log } from '../../platform/log';
import { timeShardKey } from '../../storage/keys';
import type { TimeEntryRecord } from '../intake/outbox';
import { type CommitView, verdictOf } from './commit-view';
import { type PieceCodec, RangeShards } from './range-shards';

/**
 * The logged time of each ticket, for handled contacts' durations (issue 14, opt-in;
 * docs/design/handled-and-agent-statuses.md §1). A delete event carries only the entry's id and
 * ticket, and an update only the new seconds, so the book keeps every entry's seconds until the
 * ticket's handled contact is sent; then only a "sent" mark is kept, which is also rule 12's
 * claim for the `h:<ticket>` contact (a redelivered resolution, or a reopen and resolve again,
 * sends nothing).
 *
 * Events come late and twice, so each entry keeps the time (Freshdesk's `updated_at`) of the
 * version applied: an older create or update arriving after a newer one changes nothing (a
 * creation delivered again after its edit would put back the old seconds), and a deleted
 * entry stays deleted — Freshdesk never brings an entry id back, so a delete is final whatever
 * its time says (a delete event without `updated_at` carries the platform's clock instead).
 *
 * A "sent" mark is tagged with the commit id of the run that made it (commit-view.ts) and keeps
 * the ticket's entries until a later run finds that commit took effect. A void run's mark is
 * erased when that run said it posted nothing, and the ticket's time is there for the run that
 * sends it after all; otherwise that run may have posted it before it died, and the next claim
 * is 'voided' (the caller counts the contact unconfirmed, as the ticket book does its own).
 *
 * Stored like the ticket book (range-shards.ts): ranges of TIME_SHARD_SIZE consecutive ticket
 * ids that split by bytes. A piece's context `x` is `[z]`, a time base in seconds; a ticket's
 * entry, under its offset in the range, is
 *   [0, entry id, seconds (−1: deleted), updated_at − z, …]   time still to be sent,
 *   [1]                                                       handled contact sent,
 *   [2, tag − z × 1000, entry id, seconds, updated_at − z, …] sent by the run with that commit id.
 * The one bound left: a ticket with more entries than one key holds (about 1,500) loses its
 * oldest — logged TIME_BOOK_FULL and kept in `forgotten`.
 */
export const TIME_SHARD_SIZE = 500;
/** Key + value stay under the KV store's 40 KB with a margin (see ticket-book.ts). */
export const TIME_SHARD_BYTES_BUDGET = 38 * 1024;

export type ApplyOutcome = { kind: 'kept' } | { kind: 'after_sent'; seconds: number };

/** The base key of a ticket's range. */
export function timeBookKey(ticketId: number): string {
  return timeShardKey(Math.floor(ticketId / TIME_SHARD_SIZE));
}

/** One time entry as last applied. */
interface Logged {
  id: number;
  /** Undefined once deleted (kept so a late create or update cannot bring it back). */
  seconds: number | undefined;
  /** Freshdesk's updated_at of the version applied, in seconds. */
  atS: number;
}

interface TicketTime {
  /** The handled contact was sent by a committed run: nothing else is kept. */
  sent: boolean;
  /** The commit id of the run that sent it, until that commit is known to have taken effect. */
  sentBy?: number;
  entries: Logged[];
  /** What the last shed dropped (never stored), for `forgotten`. */
  dropped?: Logged[];
  /**
   * `sentBy` is a void run's that may have posted the contact before it died (never stored,
   * found as the key is read): the tag stays, and the next claim is 'voided'.
   */
  mayBeSent?: true;
}

interface TimeContext {
  z: number;
}

/** Time entries a save had to drop (a ticket with more entries than one key holds). */
export interface ForgottenTime {
  /** The oldest and newest updated_at (ms) of the entries dropped. */
  fromMs: number;
  toMs: number;
  tickets: number;
  entries: number;
}

const OPEN = 0;
const SENT = 1;
const SENT_BY = 2;

function isWholeList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((n) => Number.isSafeInteger(n));
}

function triplesOf(list: readonly number[], from: number, z: number): Logged[] | undefined {
  if ((list.length - from) % 3 !== 0) return undefined;
  const entries: Logged[] = [];
  for (let i = from; i < list.length; i += 3) {
    const seconds = list[i + 1] as number;
    if (seconds < -1) return undefined;
    entries.push({ id: list[i] as number, seconds: seconds === -1 ? undefined : seconds, atS: z + (list[i + 2] as number) });
  }
  return entries;
}

function withEntries(t: TicketTime, entries: Logged[] | undefined): TicketTime | undefined {
  return entries && { ...t, entries };
}

/**
 * One event onto a ticket's entries; false when it changes nothing: a deleted entry stays
 * deleted, and a version older than the one applied is left out (at the same second, the
 * record processed later wins).
 */
function applyVersion(t: TicketTime, entry: TimeEntryRecord, atS: number): boolean {
  const known = t.entries.find((e) => e.id === entry.id);
  if (!known) {
    t.entries.push({ id: entry.id, seconds: entry.seconds, atS });
    return true;
  }
  if (known.seconds === undefined || (entry.seconds !== undefined && atS < known.atS)) return false;
  known.seconds = entry.seconds;
  known.atS = Math.max(atS, known.atS);
  return true;
}

/** The span of times (ms) an earlier report and new drops cover together. */
function widen(known: ForgottenTime | undefined, times: readonly number[]): ForgottenTime {
  const span = { fromMs: Math.min(...times), toMs: Math.max(...times), tickets: 1, entries: times.length };
  if (!known) return span;
  return { fromMs: Math.min(known.fromMs, span.fromMs), toMs: Math.max(known.toMs, span.toMs), tickets: known.tickets + 1, entries: known.entries + span.entries };
}

const TIME_CODEC: PieceCodec<TicketTime, TimeContext> = {
  readContext(x) {
    return isWholeList(x) && x.length === 1 ? { z: x[0] as number } : undefined;
  },
  freshContext(entries) {
    const times = entries.flatMap((t) => t.entries.map((e) => e.atS));
    return { z: times.length > 0 ? Math.min(...times) : 0 };
  },
  contextValue(context) {
    return [context.z];
  },
  encode(t, context) {
    if (t.sent) return [SENT];
    const head = t.sentBy === undefined ? [OPEN] : [SENT_BY, t.sentBy - context.z * 1000];
    return [...head, ...t.entries.flatMap((e) => [e.id, e.seconds ?? -1, e.atS - context.z])];
  },
  decode(stored, context) {
    if (!isWholeList(stored)) return undefined;
    const [state, tag] = stored;
    if (state === SENT) return stored.length === 1 ? { sent: true, entries: [] } : undefined;
    if (state === OPEN) return withEntries({ sent: false, entries: [] }, triplesOf(stored, 1, context.z));
    if (state === SENT_BY && tag !== undefined) return withEntries({ sent: false, sentBy: context.z * 1000 + tag, entries: [] }, triplesOf(stored, 2, context.z));
    return undefined;
  },
  /** Before pieces: `[sent (0|1), entry id, seconds, …]`, without times (any later event wins). */
  decodeLegacy(stored) {
    if (!isWholeList(stored) || stored.length % 2 !== 1 || stored.some((n) => n < 0)) return undefined;
    if (stored[0] === 1) return { sent: true, entries: [] };
    const entries: Logged[] = [];
    for (let i = 1; i + 1 < stored.length; i += 2) entries.push({ id: stored[i] as number, seconds: stored[i + 1], atS: 0 });
    return { sent: false, entries };
  },
  /** Deleted entries go first (a late create of one could then count again), then the oldest half of the rest. */
  shed(t) {
    const deleted = t.entries.filter((e) => e.seconds === undefined);
    const drop = new Set(deleted.length > 0 ? deleted : [...t.entries].sort((a, b) => a.atS - b.atS).slice(0, Math.ceil(t.entries.length / 2)));
    t.dropped = [...drop];
    t.entries = t.entries.filter((e) => !drop.has(e));
    return drop.size;
  },
};

export class TimeBook {
  private readonly shards: RangeShards<TicketTime, TimeContext>;
  /** Entries dropped by this book's saves; undefined while nothing was. */
  forgotten: ForgottenTime | undefined;

  constructor(
    db: KeyValueStore,
    private readonly commits: CommitView,
  ) {
    this.shards = new RangeShards(db, {
      keyOf: timeShardKey,
      size: TIME_SHARD_SIZE,
      budget: TIME_SHARD_BYTES_BUDGET,
      codec: TIME_CODEC,
      settle: (t) => this.settle(t),
      onShed: (id, t, dropped) => this.noteShed(id, t, dropped),
    });
  }

  /**
   * Applies a time entry created, updated (its seconds now) or deleted, as of `atMs` (its
   * `updated_at`). An older version than the one applied changes nothing, nor does anything
   * after a delete. After the ticket's handled contact was sent nothing changes: the caller
   * counts it as time logged too late.
   */
  async apply(entry: TimeEntryRecord, atMs: number): Promise<ApplyOutcome> {
    const t = (await this.shards.get(entry.ticketId)) ?? { sent: false, entries: [] };
    if (t.sent || t.sentBy !== undefined) return { kind: 'after_sent', seconds: entry.seconds ?? 0 };
    if (applyVersion(t, entry, Math.floor(atMs / 1000))) await this.shards.put(entry.ticketId, t);
    return { kind: 'kept' };
  }

  /**
   * Claims the ticket's handled contact: its logged seconds ('new'; undefined without entries),
   * or 'sent' when it was claimed before. The entries stay until the claim's commit is known
   * to have taken effect.
   */
  async claim(ticketId: number): Promise<{ kind: 'new' | 'voided'; duration: number | undefined } | { kind: 'sent' }> {
    const t = (await this.shards.get(ticketId)) ?? { sent: false, entries: [] };
    const voided = t.mayBeSent === true;
    if (t.sent || (t.sentBy !== undefined && !voided)) return { kind: 'sent' };
    // A void run's claim that may have been posted is taken over under this run's tag (like the
    // ticket book's, ticket-history.ts wasVoided): the caller treats the contact as unconfirmed.
    delete t.mayBeSent;
    t.sentBy = this.commits.current;
    await this.shards.put(ticketId, t);
    const logged = t.entries.filter((e) => e.seconds !== undefined);
    return { kind: voided ? 'voided' : 'new', duration: logged.length === 0 ? undefined : logged.reduce((sum, e) => sum + (e.seconds ?? 0), 0) };
  }

  /** Writes the changed keys (an update of the changed tickets, or whole when a range splits). */
  async save(): Promise<void> {
    await this.shards.save();
  }

  private settle(t: TicketTime): 'kept' | 'merged' | 'voided' {
    if (t.sentBy === undefined) return 'kept';
    if (verdictOf(this.commits, t.sentBy) === 'void') return this.settleVoid(t, t.sentBy);
    delete t.sentBy;
    t.sent = true;
    t.entries = [];
    return 'merged';
  }

  /**
   * A void run's mark is erased when that run said it posted nothing; otherwise it may have posted
   * the handled contact before it died (claims are saved right before the post): the mark stays,
   * so the contact is never posted a second time (small seed 56: a run that posted, then died).
   */
  private settleVoid(t: TicketTime, tag: number): 'kept' | 'voided' {
    if (this.commits.postedNothing?.(tag) !== true) {
      t.mayBeSent = true;
      return 'kept';
    }
    delete t.sentBy;
    return 'voided';
  }

  private noteShed(ticketId: number, t: TicketTime, dropped: number | 'all'): void {
    const lost = dropped === 'all' ? t.entries : (t.dropped ?? []);
    delete t.dropped;
    const count = lost.length;
    if (count === 0) return;
    this.forgotten = widen(this.forgotten, lost.map((e) => e.atS * 1000));
    log('warn', 'TIME_BOOK_FULL', `ticket ${ticketId} has more time entries than one KV key holds; ${count} were forgotten, so its handled contact may carry less time`, { ticket: ticketId, entries: count });
  }
}
