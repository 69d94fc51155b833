import { isoOf } from '../../core/time';
import type { TicketFacts } from '../../core/types';
import { type CommitView, verdictOf } from './commit-view';

/**
 * Versions kept per ticket besides its creation's, however old: a reply is attributed right when
 * at most MAX_VERSIONS − 1 changes followed it before its record was processed. The version in
 * force since the ticket's creation is kept for the life of the entry on top of these: it is the
 * queue of the ticket's offered contact, which its handled contact joins (handled-contacts.ts)
 * however often the ticket moved before it was resolved.
 */
export const MAX_VERSIONS = 3;
/**
 * A version that ended less than this long ago is kept too, whatever MAX_VERSIONS says: a reply
 * from its time may still be on its way to a run (a record held by the KV limit, then replies
 * held for late facts, attribution-hold.ts, an hour each at most). Dropping it gave such a reply
 * the creation's facts: seed 27 (small) of the simulator, a ticket moved four times in fifteen
 * minutes, a reply held 35 minutes went to the group the ticket had left before the reply.
 */
export const RECENT_VERSION_MS = 3 * 60 * 60_000;
/** The most versions an entry holds, its creation's included (the codec's limit, ticket-codec.ts). */
export const MAX_STORED_VERSIONS = 7;

/** The facts a reply's attribution depends on, in force from `since` (seconds). */
export interface Version {
  /** -1 = no group. */
  group: number;
  source: number;
  /** 1 spam, 2 deleted. */
  flags: number;
  since: number;
}

/** Rule 12's claims: the ticket's own contact (t:<id>) and the conversation ids of its counted replies. */
export interface Claims {
  counted: boolean;
  replies: number[];
}

/** What the book knows of one ticket. */
export interface History extends Claims {
  createdS: number;
  /** Oldest first, never empty. */
  versions: Version[];
  /**
   * Claims made by one run whose commit was not known to have taken effect when the entry was
   * written, tagged with that run's commit id (commit-view.ts). The claims above are committed.
   */
  pending?: Claims & { tag: number };
  /**
   * Claims of a void run found as the entry was read (never stored): that run saved them right
   * before posting and never committed, so it may have posted those contacts (claim: 'voided').
   */
  voided?: Claims & { tag: number };
}

export function versionOf(t: TicketFacts, since: number): Version {
  return { group: t.group_id ?? -1, source: t.source, flags: (t.spam ? 1 : 0) | (t.deleted ? 2 : 0), since };
}

function sameFacts(a: Version, b: Version): boolean {
  return a.group === b.group && a.source === b.source && a.flags === b.flags;
}

/**
 * Adds a version in time order and returns whether the history changed. A record processed
 * late must not overwrite newer facts, so the version goes where its time says; at the same
 * second the later-processed record wins. Neighbours with equal facts collapse into the
 * earlier one, and only the newest MAX_VERSIONS survive (replies arrive minutes late, not days),
 * besides the creation's and those that ended within RECENT_VERSION_MS of `nowS`.
 */
export function insertVersion(history: History, version: Version, nowS = version.since): boolean {
  const before = JSON.stringify(history.versions);
  const versions = history.versions.filter((v) => v.since !== version.since);
  const at = versions.findIndex((v) => v.since > version.since);
  versions.splice(at === -1 ? versions.length : at, 0, version);
  const merged: Version[] = [];
  for (const v of versions) {
    const last = merged[merged.length - 1];
    if (!last || !sameFacts(last, v)) merged.push(v);
  }
  history.versions = versionsKept(merged, history.createdS, nowS);
  return JSON.stringify(history.versions) !== before;
}

/**
 * The one in force since the creation when it is known, and of the others the newest
 * MAX_VERSIONS and those that ended within RECENT_VERSION_MS of `nowS`, MAX_STORED_VERSIONS in all.
 */
function versionsKept(versions: Version[], createdS: number, nowS: number): Version[] {
  if (versions.length <= MAX_VERSIONS) return versions;
  const [oldest, ...newer] = versions as [Version, ...Version[]];
  const creation = oldest.since === createdS ? [oldest] : [];
  const others = creation.length > 0 ? newer : versions;
  const recentFrom = nowS - RECENT_VERSION_MS / 1000;
  const kept = others.filter((_version, i) => i >= others.length - MAX_VERSIONS || (others[i + 1]?.since ?? nowS) > recentFrom);
  return [...creation, ...kept.slice(-(MAX_STORED_VERSIONS - creation.length))];
}

/** The version in force at `asOfS`; before the oldest known one, the oldest is the best guess. */
export function versionAt(history: History, asOfS: number): Version {
  const [oldest, ...newer] = history.versions as [Version, ...Version[]];
  let found = oldest;
  for (const v of newer) if (v.since <= asOfS) found = v;
  return found;
}

export function factsOf(id: number, history: History, version: Version): TicketFacts {
  return {
    id,
    group_id: version.group === -1 ? null : version.group,
    source: version.source,
    spam: (version.flags & 1) !== 0,
    deleted: (version.flags & 2) !== 0,
    created_at: isoOf(history.createdS * 1000),
  };
}

/** Whether the contact (the ticket's own without a conversation id) is claimed by a committed claim or this run's. */
export function isClaimed(history: History, conversationId: number | undefined): boolean {
  if (conversationId === undefined) return history.counted || history.pending?.counted === true;
  return history.replies.includes(conversationId) || history.pending?.replies.includes(conversationId) === true;
}

/** Whether a void run claimed the contact (it may have posted it before it died). */
export function wasVoided(history: History, conversationId: number | undefined, commits: CommitView): boolean {
  const voided = history.voided;
  if (!voided || commits.postedNothing?.(voided.tag) === true) return false;
  return conversationId === undefined ? voided.counted : voided.replies.includes(conversationId);
}

/** Claims the contact for this run (tagged with its commit id). */
export function addClaim(history: History, conversationId: number | undefined, commits: CommitView): void {
  const pending = history.pending ?? { tag: commits.current, counted: false, replies: [] };
  history.pending = pending;
  if (conversationId === undefined) pending.counted = true;
  else pending.replies.push(conversationId);
}

/**
 * Resolves a stored tag as the entry is read: a committed run's claims join the committed ones,
 * a void run's are dropped ('voided': the entry must be rewritten without them).
 */
export function settleClaims(history: History, commits: CommitView): 'kept' | 'merged' | 'voided' {
  const pending = history.pending;
  if (!pending) return 'kept';
  const verdict = verdictOf(commits, pending.tag);
  delete history.pending;
  if (verdict === 'void') {
    history.voided = { tag: pending.tag, counted: pending.counted, replies: [...pending.replies] };
    return 'voided';
  }
  history.counted ||= pending.counted;
  for (const id of pending.replies) if (!history.replies.includes(id)) history.replies.push(id);
  return 'merged';
}

/**
 * For an entry too big for a key of its own (thousands of replies): drops the older half of
 * the committed reply claims (lowest conversation ids first), then of this run's; false when no
 * claim of a reply is left to drop. Returns how many claims went.
 */
export function shedReplyClaims(history: History): number {
  const list = history.replies.length > 0 ? history.replies : (history.pending?.replies ?? []);
  if (list.length === 0) return 0;
  const sorted = [...list].sort((a, b) => a - b);
  const drop = new Set(sorted.slice(0, Math.max(1, Math.floor(sorted.length / 2))));
  const kept = list.filter((id) => !drop.has(id));
  if (history.replies.length > 0) history.replies = kept;
  else if (history.pending) history.pending.replies = kept;
  return drop.size;
}
