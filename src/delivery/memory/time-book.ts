import { applyTimeEntryChange, durationOf, type TimeEntryChange } from '../../core/handled';
import type { KeyValueStore } from '../../platform/types';
import { isNotFound } from '../../platform/refusals';
import { log } from '../../platform/log';
import { timeShardKey } from '../../storage/keys';
import type { TimeEntryRecord } from '../intake/outbox';

/**
 * The logged time of each ticket, for handled contacts' durations (issue 14, opt-in;
 * docs/design/handled-and-agent-statuses.md §1). A delete event carries only the entry's id and
 * ticket, and an update only the new seconds, so the book keeps every entry's seconds until the
 * ticket's handled contact is sent; then only a "sent" mark is kept, which is also rule 12's
 * claim for the `h:<ticket>` contact (a redelivered resolution, or a reopen and resolve again,
 * sends nothing).
 *
 * Shards of TIME_SHARD_SIZE consecutive ticket ids, like the ticket book: recent tickets share a
 * shard, so a run touches few. A shard is `{ t: { "<ticket id>": [sent (0|1), entry id,
 * seconds, entry id, seconds, …] } }`.
 */
export const TIME_SHARD_SIZE = 500;
/** Key + value stay under the KV store's 40 KB with a margin (see ticket-book.ts). */
export const TIME_SHARD_BYTES_BUDGET = 39 * 1024;

export type ApplyOutcome = { kind: 'kept' } | { kind: 'after_sent'; seconds: number };

export function timeBookKey(ticketId: number): string {
  return timeShardKey(Math.floor(ticketId / TIME_SHARD_SIZE));
}

interface Shard {
  tickets: Record<string, number[]>;
  dirty: boolean;
}

export class TimeBook {
  private readonly shards = new Map<string, Shard>();

  constructor(private readonly db: KeyValueStore) {}

  /**
   * Applies a time entry created, updated (its seconds now) or deleted. After the ticket's
   * handled contact was sent nothing changes: the caller counts it as time logged too late.
   */
  async apply(entry: TimeEntryRecord): Promise<ApplyOutcome> {
    const shard = await this.load(timeBookKey(entry.ticketId));
    const id = String(entry.ticketId);
    const kept = shard.tickets[id] ?? [0];
    if (kept[0] === 1) return { kind: 'after_sent', seconds: entry.seconds ?? 0 };
    const change: TimeEntryChange = entry.seconds === undefined ? { kind: 'delete', id: entry.id } : { kind: 'upsert', entry: { id: entry.id, ticket_id: entry.ticketId, time_spent: entry.seconds } };
    shard.tickets[id] = [0, ...applyTimeEntryChange(pairsOf(kept), change).flat()];
    shard.dirty = true;
    return { kind: 'kept' };
  }

  /**
   * Claims the ticket's handled contact: its logged seconds ('new'; undefined without entries),
   * or 'sent' when it was claimed before. The entries are dropped, the mark stays.
   */
  async claim(ticketId: number): Promise<{ kind: 'new'; duration: number | undefined } | { kind: 'sent' }> {
    const shard = await this.load(timeBookKey(ticketId));
    const id = String(ticketId);
    const kept = shard.tickets[id] ?? [0];
    if (kept[0] === 1) return { kind: 'sent' };
    shard.tickets[id] = [1];
    shard.dirty = true;
    return { kind: 'new', duration: durationOf(pairsOf(kept)) };
  }

  /** Writes the changed shards, one `set` each; a shard over budget sheds its oldest tickets first. */
  async save(): Promise<void> {
    for (const [key, shard] of this.shards) {
      if (!shard.dirty) continue;
      fitShard(key, shard.tickets);
      await this.db.set(key, { t: shard.tickets });
      shard.dirty = false;
    }
  }

  private async load(key: string): Promise<Shard> {
    const cached = this.shards.get(key);
    if (cached) return cached;
    const shard: Shard = { tickets: {}, dirty: false };
    try {
      shard.tickets = decodeShard(await this.db.get(key));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    this.shards.set(key, shard);
    return shard;
  }
}

function pairsOf(kept: readonly number[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let i = 1; i + 1 < kept.length; i += 2) pairs.push([kept[i] as number, kept[i + 1] as number]);
  return pairs;
}

/** Stored entries are read back defensively: anything unreadable counts as "no time logged". */
function decodeShard(value: Record<string, unknown>): Record<string, number[]> {
  const stored = typeof value.t === 'object' && value.t !== null ? (value.t as Record<string, unknown>) : {};
  const tickets: Record<string, number[]> = {};
  for (const [id, entry] of Object.entries(stored)) {
    if (Array.isArray(entry) && entry.length % 2 === 1 && entry.every((n) => Number.isInteger(n) && (n as number) >= 0)) tickets[id] = entry as number[];
  }
  return tickets;
}

/**
 * Keeps a shard within the KV limit: first the sent marks of the lowest ticket ids go (a
 * resolution redelivered for them long after could then count again), then the lowest tickets'
 * entries (their handled contacts then carry less time). Logged, since both are losses.
 */
function fitShard(key: string, tickets: Record<string, number[]>): void {
  const size = (): number => key.length + JSON.stringify({ t: tickets }).length;
  if (size() <= TIME_SHARD_BYTES_BUDGET) return;
  const ids = Object.keys(tickets).sort((a, b) => Number(a) - Number(b));
  const order = [...ids.filter((id) => tickets[id]?.[0] === 1), ...ids.filter((id) => tickets[id]?.[0] !== 1)];
  let shed = 0;
  for (const id of order) {
    if (size() <= TIME_SHARD_BYTES_BUDGET) break;
    delete tickets[id];
    shed += 1;
  }
  log('warn', 'TIME_BOOK_FULL', `${key} held more logged time than one KV record takes; the ${shed} oldest tickets were forgotten`, { shed });
}
