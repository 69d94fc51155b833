import type { PieceCodec } from './range-shards';
import { type History, shedReplyClaims, type Version } from './ticket-history';

/**
 * How the ticket book stores a ticket (range-shards.ts holds the pieces). Every number is kept
 * short: a piece's context `x` is `[z, c, group id, group id, …]` — a time base in seconds, a
 * conversation id base (0 until the piece holds a reply) and the piece's dictionary of group
 * ids (11 digits each, shared by all its tickets) — and an entry, under its offset in the
 * range, is a flat list of numbers:
 *
 *   [bits, created_at − z,
 *    oldest version: group index, source × 4 + flags (1 spam, 2 deleted) [, since − created_at],
 *    each newer version: group index, source × 4 + flags, since − created_at,
 *    (REPLIES) count, conversation ids,
 *    (PENDING) tag − z × 1000, count, conversation ids]
 *
 * Conversation ids are listed in ascending order, the first as its difference from c, each
 * next as its difference from the one before: a ticket's replies come minutes or hours apart,
 * so their 11-digit ids differ in the last few digits.
 *
 * `bits`: the number of versions (1–3, or 4–7 with MORE_VERSIONS) | COUNTED 4 (t:<id> claimed) | SINCE_CREATION 8 (the
 * oldest version holds since creation: no time stored) | REPLIES 16 | PENDING 32 (claims of
 * the run with that commit id, see ticket-history.ts) | PENDING_COUNTED 64 | MORE_VERSIONS 128
 * (4 more versions than the two low bits count: a ticket keeps its creation's version besides
 * the MAX_VERSIONS newest and the recent ones, MAX_STORED_VERSIONS = 7 at most).
 * Times are whole seconds, the tag in ms (a commit id is the run's time).
 *
 * A ticket that never changed and has no replies takes ~20 bytes; the largest account's test
 * (test/delivery/ticket-book-budget.test.ts) prints what a full key holds.
 */
/** Two bits, and MORE_VERSIONS for four more: MAX_STORED_VERSIONS (ticket-history.ts) must stay below 8. */
const VERSION_COUNT = 3;
const COUNTED = 4;
const SINCE_CREATION = 8;
const REPLIES = 16;
const PENDING = 32;
const PENDING_COUNTED = 64;
const MORE_VERSIONS = 128;


export interface TicketContext {
  /** Time base (seconds): created_at and tags are stored relative to it. */
  z: number;
  /** Conversation id base; 0 until the first reply id is stored (then fixed, so stored entries keep their meaning). */
  c: number;
  groups: number[];
  index: Map<number, number>;
}

function contextOf(z: number, c: number, groups: number[]): TicketContext {
  return { z, c, groups, index: new Map(groups.map((g, i) => [g, i])) };
}

function encodeIds(ids: readonly number[], context: TicketContext): number[] {
  const sorted = [...ids].sort((a, b) => a - b);
  if (context.c === 0) context.c = sorted[0] ?? 0;
  let previous = context.c;
  const out = [sorted.length];
  for (const id of sorted) {
    out.push(id - previous);
    previous = id;
  }
  return out;
}

function groupIndex(context: TicketContext, group: number): number {
  const known = context.index.get(group);
  if (known !== undefined) return known;
  context.groups.push(group);
  context.index.set(group, context.groups.length - 1);
  return context.groups.length - 1;
}

function isWholeList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((n) => Number.isSafeInteger(n));
}

function versionBits(count: number): number {
  return count > VERSION_COUNT ? MORE_VERSIONS | (count - 4) : count;
}

function versionCount(bits: number): number {
  return (bits & VERSION_COUNT) + ((bits & MORE_VERSIONS) !== 0 ? 4 : 0);
}

function bitsOf(h: History, sinceCreation: boolean): number {
  let bits = versionBits(h.versions.length);
  if (h.counted) bits |= COUNTED;
  if (sinceCreation) bits |= SINCE_CREATION;
  if (h.replies.length > 0) bits |= REPLIES;
  if (h.pending) bits |= PENDING | (h.pending.counted ? PENDING_COUNTED : 0);
  return bits;
}

function encode(h: History, context: TicketContext): number[] {
  const [oldest, ...newer] = h.versions as [Version, ...Version[]];
  const sinceCreation = oldest.since === h.createdS;
  const pending = h.pending;
  const out = [bitsOf(h, sinceCreation), h.createdS - context.z, groupIndex(context, oldest.group), oldest.source * 4 + oldest.flags];
  if (!sinceCreation) out.push(oldest.since - h.createdS);
  for (const v of newer) out.push(groupIndex(context, v.group), v.source * 4 + v.flags, v.since - h.createdS);
  if (h.replies.length > 0) out.push(...encodeIds(h.replies, context));
  if (pending) out.push(pending.tag - context.z * 1000, ...encodeIds(pending.replies, context));
  return out;
}

/** Reads a list front to back; every read past the end or out of range makes the entry unreadable. */
class Reader {
  private at = 0;
  ok = true;
  constructor(private readonly list: readonly number[]) {}
  next(): number {
    const value = this.list[this.at];
    this.at += 1;
    if (value === undefined) this.ok = false;
    return value ?? 0;
  }
  /** A count, then ids as differences (see encodeIds). */
  ids(base: number): number[] {
    const count = this.next();
    if (count < 0 || this.at + count > this.list.length) this.ok = false;
    const ids: number[] = [];
    let previous = base;
    for (let i = 0; this.ok && i < count; i += 1) {
      previous += this.next();
      ids.push(previous);
    }
    return ids;
  }
  get done(): boolean {
    return this.ok && this.at === this.list.length;
  }
}

function decode(stored: unknown, context: TicketContext): History | undefined {
  if (!isWholeList(stored)) return undefined;
  const r = new Reader(stored);
  const bits = r.next();
  const count = versionCount(bits);
  const createdS = context.z + r.next();
  const group = (): number => {
    const g = context.groups[r.next()];
    if (g === undefined) r.ok = false;
    return g ?? -1;
  };
  const version = (since: () => number): Version => {
    const g = group();
    const sf = r.next();
    return { group: g, source: Math.floor(sf / 4), flags: sf & 3, since: since() };
  };
  const versions = [version(() => ((bits & SINCE_CREATION) !== 0 ? createdS : createdS + r.next()))];
  for (let i = 1; i < count; i += 1) versions.push(version(() => createdS + r.next()));
  const history: History = { createdS, versions, counted: (bits & COUNTED) !== 0, replies: (bits & REPLIES) !== 0 ? r.ids(context.c) : [] };
  if ((bits & PENDING) !== 0) history.pending = { tag: context.z * 1000 + r.next(), counted: (bits & PENDING_COUNTED) !== 0, replies: r.ids(context.c) };
  return count >= 1 && r.done ? history : undefined;
}

/**
 * The format before pieces (one key per 1,000 ids, full ticket ids as keys), read so nothing an
 * installation learned is lost: [group, source, flags | 4 counted | 8 replies, created_at
 * [, since − created_at, then group, source, flags, since − created_at per older version]]
 * newest version first, then the reply ids and their count when bit 8 is set.
 */
function decodeLegacy(stored: unknown): History | undefined {
  if (!isWholeList(stored)) return undefined;
  const bits = stored[2] ?? 0;
  const { versionPart: e, replies } = splitLegacyReplies(stored, bits);
  if (!(e.length === 4 || (e.length >= 5 && (e.length - 5) % 4 === 0))) return undefined;
  const at = (i: number): number => e[i] ?? 0;
  const createdS = at(3);
  const versions: Version[] = [{ group: at(0), source: at(1), flags: at(2) & 3, since: createdS + at(4) }];
  for (let i = 5; i < e.length; i += 4) versions.push({ group: at(i), source: at(i + 1), flags: at(i + 2), since: createdS + at(i + 3) });
  return { createdS, versions: versions.reverse(), counted: (bits & 4) !== 0, replies };
}

/** A legacy entry's version numbers and, when bit 8 is set, the reply ids that end it (then their count). */
function splitLegacyReplies(stored: number[], bits: number): { versionPart: number[]; replies: number[] } {
  if ((bits & 8) === 0) return { versionPart: stored, replies: [] };
  const count = stored[stored.length - 1] ?? 0;
  const start = Math.max(0, stored.length - 1 - count);
  return { versionPart: stored.slice(0, start), replies: stored.slice(start, stored.length - 1) };
}

export const TICKET_CODEC: PieceCodec<History, TicketContext> = {
  readContext(x) {
    if (!isWholeList(x) || x.length < 2) return undefined;
    const [z, c, ...groups] = x as [number, number, ...number[]];
    return contextOf(z, c, groups);
  },
  freshContext(entries) {
    const z = entries.reduce((min, h) => Math.min(min, h.createdS), entries[0]?.createdS ?? 0);
    const ids = entries.flatMap((h) => [...h.replies, ...(h.pending?.replies ?? [])]);
    return contextOf(z, ids.reduce((min, id) => Math.min(min, id), ids[0] ?? 0), []);
  },
  contextValue(context) {
    return [context.z, context.c, ...context.groups];
  },
  encode,
  decode,
  decodeLegacy,
  shed: shedReplyClaims,
};
