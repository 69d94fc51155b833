import type { TicketFacts } from '../core/types';
import type { KeyValueStore, RequestClient } from '../platform/types';
import { getTicket } from '../remote/freshdesk-client';
import { isNotFound } from './outbox';

/**
 * What the app knows of each ticket (group, source, spam, deleted), so a reply — whose event
 * carries only `ticket_id` — is attributed without calling Freshdesk (SPEC §2 rule 3).
 *
 * Facts live in shards of SHARD_SIZE consecutive ticket ids: ids grow with time, so one
 * delivery run touches one or two shards, and a reply to a recent ticket is answered by a
 * shard the run already read. Each entry is [group_id (-1 = none), source, flags, created_at s].
 */
export const SHARD_SIZE = 1000;
/**
 * Freshdesk look-ups per delivery run. Each is a request against our 50 a minute and the
 * account's own Freshdesk limit; replies beyond this wait in the outbox for the next run.
 */
export const MAX_LOOKUPS_PER_RUN = 10;
export const SHARD_PREFIX = 'tickets:';

type Entry = [number, number, number, number];

export function shardKey(ticketId: number): string {
  return `${SHARD_PREFIX}${Math.floor(ticketId / SHARD_SIZE)}`;
}

function toEntry(t: TicketFacts): Entry {
  return [t.group_id ?? -1, t.source, (t.spam ? 1 : 0) | (t.deleted ? 2 : 0), Math.floor(Date.parse(t.created_at) / 1000)];
}

function fromEntry(id: number, e: Entry): TicketFacts {
  return {
    id,
    group_id: e[0] === -1 ? null : e[0],
    source: e[1],
    spam: (e[2] & 1) !== 0,
    deleted: (e[2] & 2) !== 0,
    created_at: new Date(e[3] * 1000).toISOString().replace('.000Z', 'Z'),
  };
}

export class TicketBook {
  private readonly shards = new Map<string, Record<string, Entry>>();
  private readonly dirty = new Map<string, Record<string, Entry>>();
  /** Tickets looked up in Freshdesk during this run (each costs one request). */
  lookups = 0;
  /** Set after a failed look-up: more calls would only meet the same limit or outage. */
  private remoteFailed = false;

  constructor(
    private readonly db: KeyValueStore,
    private readonly request: RequestClient,
  ) {}

  /** Records the ticket's latest facts (from a create or update event). */
  remember(ticket: TicketFacts): void {
    const key = shardKey(ticket.id);
    const entry = toEntry(ticket);
    const dirty = this.dirty.get(key) ?? {};
    dirty[String(ticket.id)] = entry;
    this.dirty.set(key, dirty);
    const loaded = this.shards.get(key);
    if (loaded) loaded[String(ticket.id)] = entry;
  }

  /**
   * Facts as of the latest event seen, else from Freshdesk ('gone' on 404), or 'deferred'
   * when this run may not ask Freshdesk any more (budget spent or Freshdesk failing).
   */
  async lookup(ticketId: number): Promise<TicketFacts | 'gone' | 'deferred'> {
    const key = shardKey(ticketId);
    const pending = this.dirty.get(key)?.[String(ticketId)];
    if (pending) return fromEntry(ticketId, pending);
    const shard = await this.loadShard(key);
    const known = shard[String(ticketId)];
    if (known) return fromEntry(ticketId, known);
    if (this.remoteFailed || this.lookups >= MAX_LOOKUPS_PER_RUN) return 'deferred';
    this.lookups += 1;
    let facts: TicketFacts | 'gone';
    try {
      facts = await getTicket(this.request, ticketId);
    } catch (error) {
      this.remoteFailed = true;
      throw error;
    }
    if (facts !== 'gone') this.remember(facts);
    return facts;
  }

  private async loadShard(key: string): Promise<Record<string, Entry>> {
    const cached = this.shards.get(key);
    if (cached) return cached;
    let shard: Record<string, Entry> = {};
    try {
      const value = await this.db.get(key);
      shard = (value.t ?? {}) as Record<string, Entry>;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    this.shards.set(key, shard);
    return shard;
  }

  /** Writes what this run learned: one `update … set` per touched shard (nested paths). */
  async save(): Promise<void> {
    for (const [key, entries] of this.dirty) {
      const attributes: Record<string, unknown> = {};
      for (const [id, entry] of Object.entries(entries)) attributes[`t.${id}`] = entry;
      try {
        await this.db.update(key, 'set', attributes);
      } catch (error) {
        // `set` on a key that does not exist yet: create it whole instead.
        if (!isNotFound(error)) throw error;
        await this.db.set(key, { t: entries });
      }
      this.dirty.delete(key);
    }
  }
}
