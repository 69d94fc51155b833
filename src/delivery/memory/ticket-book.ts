import { isoOf } from '../../core/time';
import type { TicketFacts } from '../../core/types';
import type { KeyValueStore, RequestClient } from '../../platform/types';
import { getTicket } from '../../remote/freshdesk-client';
import { isNotFound } from '../../platform/refusals';
import { ticketShardKey } from '../../storage/keys';

/**
 * What the app knows of each ticket (group, source, spam, deleted) and since when, so a reply —
 * whose event carries only `ticket_id` — is attributed as the ticket was when the reply came in
 * (SPEC §2 rule 3) without calling Freshdesk, even when the reply's record reaches a delivery
 * run after a later change of its ticket (a record the KV limit refused is re-appended minutes
 * later, into a later outbox slot).
 *
 * Facts live in shards of SHARD_SIZE consecutive ticket ids: ids grow with time, so one
 * delivery run touches one or two shards, and a reply to a recent ticket is answered by a
 * shard the run already read. A shard is `{ t: { "<ticket id>": entry } }`, each entry a flat
 * list of numbers, times in whole seconds, newest version first:
 *   [group_id (-1 = none), source, flags (1 spam, 2 deleted), created_at]
 *       one version, in force since the ticket was created (also the format before versions
 *       existed, where the time was not recorded: read the same way);
 *   [group_id, source, flags, created_at, since − created_at,
 *    then group_id, source, flags, since − created_at for each older version]
 */
export const SHARD_SIZE = 1000;
/** Versions kept per ticket: a reply is attributed right when at most MAX_VERSIONS − 1 changes followed it before its record was processed. */
export const MAX_VERSIONS = 3;
/**
 * The KV store caps key + value at 40 KB (runtime/keyvalue-store-docs.md, limits). A shard of
 * SHARD_SIZE one-version entries takes ~39 KB with 7-digit ticket and 11-digit group ids, so
 * history lives in what is left, and a shard above this size sheds the least useful facts
 * first (see fitShard) instead of being refused. The margin covers the platform counting bytes
 * a little differently from JSON length.
 */
export const SHARD_BYTES_BUDGET = 39 * 1024;
/**
 * Freshdesk look-ups per delivery run. Each is a request against our 50 a minute and the
 * account's own Freshdesk limit; replies beyond this wait in the outbox for the next run.
 */
export const MAX_LOOKUPS_PER_RUN = 10;
/**
 * How long after a ticket's creation a reply may wait for the ticket's own creation record.
 * At the KV limit a refused record is retried every OVERFLOW_DELAY_MS and may be refused
 * again; the benchmark saw creation records arrive over 20 minutes late.
 */
export const LATE_RECORD_WAIT_MS = 60 * 60_000;

/** The facts a reply's attribution depends on, in force from `since` (seconds). */
interface Version {
  group: number;
  source: number;
  flags: number;
  since: number;
}

/** Oldest version first, never empty. */
interface History {
  createdS: number;
  versions: Version[];
  /** Rule 12: the ticket's own contact (t:<id>) has been counted, so a redelivered creation is not. */
  counted: boolean;
  /** Rule 12: conversation ids of this ticket's replies that have been counted. */
  replies: number[];
}

/**
 * Entry-level bits kept in the newest version's flags slot (the version bits are 1 spam, 2
 * deleted): COUNTED_BIT marks the ticket's contact as counted; REPLIES_BIT says the entry ends
 * with reply ids followed by how many there are.
 */
const COUNTED_BIT = 4;
const REPLIES_BIT = 8;
const VERSION_BITS = 3;

interface Shard {
  tickets: Record<string, History>;
  /** Whether the key exists in the store (else it is written whole). */
  stored: boolean;
}

export function shardKey(ticketId: number): string {
  return ticketShardKey(Math.floor(ticketId / SHARD_SIZE));
}

function toSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

function versionOf(t: TicketFacts, since: number): Version {
  return { group: t.group_id ?? -1, source: t.source, flags: (t.spam ? 1 : 0) | (t.deleted ? 2 : 0), since };
}

function sameFacts(a: Version, b: Version): boolean {
  return a.group === b.group && a.source === b.source && a.flags === b.flags;
}

function encodeHistory(h: History): number[] {
  const entry = encodeVersions(h);
  entry[2] = (entry[2] ?? 0) | (h.counted ? COUNTED_BIT : 0) | (h.replies.length > 0 ? REPLIES_BIT : 0);
  return h.replies.length > 0 ? [...entry, ...h.replies, h.replies.length] : entry;
}

function encodeVersions(h: History): number[] {
  const encoded: number[] = [];
  for (const v of [...h.versions].reverse()) {
    encoded.push(v.group, v.source, v.flags);
    if (encoded.length === 3) encoded.push(h.createdS);
    encoded.push(v.since - h.createdS);
  }
  // The common case — one version since creation — costs no time field at all.
  return encoded.length === 5 && encoded[4] === 0 ? encoded.slice(0, 4) : encoded;
}

/** A stored shard's readable entries; unreadable ones count as "not known". */
function decodeShard(value: Record<string, unknown>): Record<string, History> {
  const stored = typeof value.t === 'object' && value.t !== null ? (value.t as Record<string, unknown>) : {};
  const tickets: Record<string, History> = {};
  for (const [id, entry] of Object.entries(stored)) {
    const history = decodeHistory(entry);
    if (history) tickets[id] = history;
  }
  return tickets;
}

/** 4 numbers, or 5 + 4k: the version encodings encodeVersions writes. */
function isEncodedVersions(e: readonly number[]): boolean {
  return e.length === 4 || (e.length >= 5 && (e.length - 5) % 4 === 0);
}

/** Stored entries are read back defensively: anything unreadable counts as "not known". */
function decodeHistory(stored: unknown): History | undefined {
  if (!Array.isArray(stored) || !stored.every((n) => typeof n === 'number' && Number.isFinite(n))) return undefined;
  const all = stored as number[];
  const bits = all[2] ?? 0;
  const { versionPart, replies } = splitReplies(all, bits);
  const versions = decodeVersions(versionPart);
  if (!versions) return undefined;
  return { createdS: versionPart[3] ?? 0, versions, counted: (bits & COUNTED_BIT) !== 0, replies };
}

/** An entry's version numbers and, when REPLIES_BIT is set, the reply ids that end it. */
function splitReplies(all: number[], bits: number): { versionPart: number[]; replies: number[] } {
  if ((bits & REPLIES_BIT) === 0) return { versionPart: all, replies: [] };
  const count = all[all.length - 1] ?? 0;
  const start = Math.max(0, all.length - 1 - count);
  return { versionPart: all.slice(0, start), replies: all.slice(start, all.length - 1) };
}

/** Oldest version first; undefined when the list is no encoding encodeVersions writes. */
function decodeVersions(e: readonly number[]): Version[] | undefined {
  if (!isEncodedVersions(e)) return undefined;
  const createdS = e[3] ?? 0;
  const at = (i: number): number => e[i] ?? 0;
  const versions: Version[] = [{ group: at(0), source: at(1), flags: at(2) & VERSION_BITS, since: createdS + at(4) }];
  for (let i = 5; i < e.length; i += 4) versions.push({ group: at(i), source: at(i + 1), flags: at(i + 2), since: createdS + at(i + 3) });
  return versions.reverse();
}

/**
 * Adds a version in time order and returns whether the history changed. A record processed
 * late must not overwrite newer facts, so the version goes where its time says; at the same
 * second the later-processed record wins. Neighbours with equal facts collapse into the
 * earlier one, and only the newest MAX_VERSIONS survive (replies arrive minutes late, not days).
 */
function insertVersion(history: History, version: Version): boolean {
  const before = JSON.stringify(history.versions);
  const versions = history.versions.filter((v) => v.since !== version.since);
  const at = versions.findIndex((v) => v.since > version.since);
  versions.splice(at === -1 ? versions.length : at, 0, version);
  const merged: Version[] = [];
  for (const v of versions) {
    const last = merged[merged.length - 1];
    if (!last || !sameFacts(last, v)) merged.push(v);
  }
  history.versions = merged.slice(-MAX_VERSIONS);
  return JSON.stringify(history.versions) !== before;
}

/** The version in force at `asOfS`; before the oldest known one, the oldest is the best guess. */
function versionAt(history: History, asOfS: number): Version {
  const [oldest, ...newer] = history.versions as [Version, ...Version[]];
  let found = oldest;
  for (const v of newer) if (v.since <= asOfS) found = v;
  return found;
}

function factsOf(id: number, history: History, version: Version): TicketFacts {
  return {
    id,
    group_id: version.group === -1 ? null : version.group,
    source: version.source,
    spam: (version.flags & 1) !== 0,
    deleted: (version.flags & 2) !== 0,
    created_at: isoOf(history.createdS * 1000),
  };
}

/** Shard JSON is digits, signs and punctuation, with an ASCII key: one byte per character. */
function entryBytes(id: string, history: History): number {
  // `"<id>":[…],` — the comma is one byte too many for the last entry, which only adds margin.
  return JSON.stringify(id).length + JSON.stringify(encodeHistory(history)).length + 2;
}

/**
 * Shrinks a shard to SHARD_BYTES_BUDGET and returns whether anything was dropped. What changed
 * longest ago goes first (late records come minutes late, not days): a ticket's oldest
 * versions, then the start time of its one remaining version (needed only to place a late older
 * record), and — only with very wide ids — the whole ticket (a reply to it asks Freshdesk).
 */
function fitShard(key: string, tickets: Record<string, History>): boolean {
  const sizes = new Map(Object.entries(tickets).map(([id, h]) => [id, entryBytes(id, h)]));
  const budget: ShardBudget = { sizes, total: key.length + '{"t":{}}'.length + [...sizes.values()].reduce((a, b) => a + b, 0) };
  if (budget.total <= SHARD_BYTES_BUDGET) return false;
  const steps = sheddingSteps(tickets);
  for (const { id } of steps) {
    if (budget.total <= SHARD_BYTES_BUDGET) return true;
    shedOldestFact(tickets, id, budget);
  }
  // Still too big: forget whole tickets, those whose last change is oldest first.
  const lastSteps = [...new Map(steps.map(({ id }, i) => [id, i])).entries()].sort(([, a], [, b]) => a - b);
  for (const [id] of lastSteps) {
    if (budget.total <= SHARD_BYTES_BUDGET) break;
    budget.total -= sizes.get(id) ?? 0;
    delete tickets[id];
  }
  return true;
}

/** A shard's size while it is being shrunk: per ticket and in total. */
interface ShardBudget {
  sizes: Map<string, number>;
  total: number;
}

/**
 * Per ticket, in order: drop the oldest version (as of when it was superseded), …, forget the
 * start of the last one (as of that start); all tickets' steps sorted by that time. Sorting is
 * stable, so each ticket's steps stay in order.
 */
function sheddingSteps(tickets: Record<string, History>): { id: string; at: number }[] {
  const steps: { id: string; at: number }[] = [];
  for (const [id, h] of Object.entries(tickets)) {
    // The memory of counted replies goes first, oldest tickets first: redelivery comes minutes
    // or days late, while attribution facts matter to every later reply.
    if (h.replies.length > 0) steps.push({ id, at: -Number.MAX_SAFE_INTEGER + h.createdS });
    for (const v of h.versions.slice(1)) steps.push({ id, at: v.since });
    steps.push({ id, at: (h.versions[h.versions.length - 1] as Version).since });
  }
  return steps.sort((a, b) => a.at - b.at);
}

function shedOldestFact(tickets: Record<string, History>, id: string, budget: ShardBudget): void {
  const history = tickets[id] as History;
  if (history.replies.length > 0) history.replies = [];
  else if (history.versions.length > 1) history.versions = history.versions.slice(1);
  else (history.versions[0] as Version).since = history.createdS;
  const size = entryBytes(id, history);
  budget.total += size - (budget.sizes.get(id) ?? 0);
  budget.sizes.set(id, size);
}

export class TicketBook {
  private readonly shards = new Map<string, Shard>();
  /** Per shard key, the ticket ids whose history this run changed. */
  private readonly dirty = new Map<string, Set<string>>();
  /** Tickets looked up in Freshdesk during this run (each costs one request). */
  lookups = 0;
  /** Set after a failed look-up: more calls would only meet the same limit or outage. */
  private remoteFailed = false;

  /** `nowMs` dates what Freshdesk answers: a look-up returns the ticket as it is now. */
  constructor(
    private readonly db: KeyValueStore,
    private readonly request: RequestClient,
    private readonly nowMs: number,
  ) {}

  /** Records the ticket's facts as true from `atMs` (creation for a new ticket, `updated_at` for an update). */
  async remember(ticket: TicketFacts, atMs: number): Promise<void> {
    const key = shardKey(ticket.id);
    const { tickets } = await this.loadShard(key);
    const id = String(ticket.id);
    const version = versionOf(ticket, toSeconds(atMs));
    const history = tickets[id];
    if (history) {
      if (!insertVersion(history, version)) return;
    } else {
      tickets[id] = { createdS: toSeconds(Date.parse(ticket.created_at)), versions: [version], counted: false, replies: [] };
    }
    this.markDirty(key, id);
  }

  /**
   * Rule 12 for redelivered events: 'new' the first time a contact (a ticket's own, or one of
   * its replies) is claimed, 'counted' every time after; 'unknown' when the book holds no entry
   * for the ticket (Freshdesk answered 404), so it cannot remember. Call after remember/lookup,
   * which load the ticket's shard.
   */
  claim(contact: { ticketId: number; conversationId?: number }): 'new' | 'counted' | 'unknown' {
    const key = shardKey(contact.ticketId);
    const history = this.shards.get(key)?.tickets[String(contact.ticketId)];
    if (!history) return 'unknown';
    if (contact.conversationId === undefined) {
      if (history.counted) return 'counted';
      history.counted = true;
    } else {
      if (history.replies.includes(contact.conversationId)) return 'counted';
      history.replies.push(contact.conversationId);
    }
    this.markDirty(key, String(contact.ticketId));
    return 'new';
  }

  /**
   * What the book knows of a ticket's creation: whether its contact was counted, and its facts
   * as created (the oldest version known) when it holds an entry at all.
   */
  async creation(ticketId: number): Promise<{ counted: boolean; facts?: TicketFacts }> {
    const { tickets } = await this.loadShard(shardKey(ticketId));
    const history = tickets[String(ticketId)];
    if (!history) return { counted: false };
    return { counted: history.counted, facts: factsOf(ticketId, history, history.versions[0] as Version) };
  }

  /** The ticket as Freshdesk tells it now ('gone' on 404, 'deferred' over this run's look-up budget), remembered. */
  async fetchNow(ticketId: number): Promise<TicketFacts | 'gone' | 'deferred'> {
    if (this.remoteFailed || this.lookups >= MAX_LOOKUPS_PER_RUN) return 'deferred';
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
   * that contact, 'unknown' when it holds no entry for the ticket.
   */
  async peekClaim(contact: { ticketId: number; conversationId?: number }): Promise<'new' | 'counted' | 'unknown'> {
    const { tickets } = await this.loadShard(shardKey(contact.ticketId));
    const history = tickets[String(contact.ticketId)];
    if (!history) return 'unknown';
    const counted = contact.conversationId === undefined ? history.counted : history.replies.includes(contact.conversationId);
    return counted ? 'counted' : 'new';
  }

  private markDirty(key: string, id: string): void {
    const ids = this.dirty.get(key) ?? new Set<string>();
    ids.add(id);
    this.dirty.set(key, ids);
  }

  /**
   * The ticket's facts as of `asOfMs` (a reply's created_at), asking Freshdesk when the book
   * does not know the ticket ('gone' on 404); 'deferred' when the answer should wait for a later
   * run: this run may not ask Freshdesk any more (budget spent or Freshdesk failing), or the
   * facts as of the reply may still arrive (see mayStillLearnEarlierFacts).
   */
  async lookup(ticketId: number, asOfMs: number): Promise<TicketFacts | 'gone' | 'deferred'> {
    const { tickets } = await this.loadShard(shardKey(ticketId));
    const id = String(ticketId);
    if (!tickets[id]) {
      const fetched = await this.fetchNow(ticketId);
      if (fetched === 'gone' || fetched === 'deferred') return fetched;
    }
    const history = tickets[id] as History;
    const asOfS = toSeconds(asOfMs);
    if (this.mayStillLearnEarlierFacts(history, asOfS)) return 'deferred';
    return factsOf(ticketId, history, versionAt(history, asOfS));
  }

  /**
   * Whether the facts in force at the reply are unknown but may still arrive: what is known
   * starts after the reply and not at the ticket's creation (only an update or a Freshdesk
   * look-up was seen), while the ticket is young enough for its creation record to be parked
   * in a one-time schedule. Waiting a run beats guessing with facts from after the reply.
   */
  private mayStillLearnEarlierFacts(history: History, asOfS: number): boolean {
    const oldest = history.versions[0] as Version;
    return asOfS < oldest.since && oldest.since > history.createdS && this.nowMs - history.createdS * 1000 < LATE_RECORD_WAIT_MS;
  }

  private async loadShard(key: string): Promise<Shard> {
    const cached = this.shards.get(key);
    if (cached) return cached;
    const shard: Shard = { tickets: {}, stored: true };
    try {
      shard.tickets = decodeShard(await this.db.get(key));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      shard.stored = false;
    }
    this.shards.set(key, shard);
    return shard;
  }

  /**
   * Writes what this run learned, one call per touched shard: `update … set` of the changed
   * entries (nested paths), or the whole shard when it is new or had to shrink.
   */
  async save(): Promise<void> {
    for (const [key, ids] of this.dirty) {
      const shard = this.shards.get(key) ?? { tickets: {}, stored: false };
      const shrunk = fitShard(key, shard.tickets);
      if (shrunk || !shard.stored) {
        const t: Record<string, number[]> = {};
        for (const [id, history] of Object.entries(shard.tickets)) t[id] = encodeHistory(history);
        await this.db.set(key, { t });
        shard.stored = true;
      } else {
        const attributes: Record<string, unknown> = {};
        for (const id of ids) attributes[`t.${id}`] = encodeHistory(shard.tickets[id] as History);
        await this.db.update(key, 'set', attributes);
      }
      this.dirty.delete(key);
    }
  }
}
