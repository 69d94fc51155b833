/**
 * The comparison by difference of a replay or a daily check (SPEC §9, §10; issue 20 item 4),
 * incremental so that it finishes at any account size under the KV store's 50 operations a minute.
 *
 * What the walk found sits in chunks in walk order. Each contact belongs to one *partition*: its
 * quarter hour (within its six-hour ledger bucket), so a partition holds every queue of one
 * interval — a contact delivered under its ticket's former group is counted in the ledger of
 * another queue of the same interval, and the difference frees that slot (replay-difference.ts).
 * The comparison keeps a list of *groups*, each a range of partition indices with the chunks
 * holding its contacts, front first:
 *
 *   split    a group too big to compare in one step (more than COMPARE_MAX_CHUNKS chunks or
 *            COMPARE_MAX_ITEMS contacts) is read a few chunks per step and its contacts written
 *            into SPLIT_FANOUT sub-ranges; once read, it is replaced by them.
 *   compare  a small group: its contacts, the ledger's counts for its intervals (every shard of the
 *            bucket: readLedgerPart, read once a step),
 *            per cell Freshdesk's count minus the ledger's — never negative, and in a six-hour
 *            bucket the ledger marks uncertain never more than what the contacts the app may
 *            have lost there could explain (uncertainAllowance) — then, among the cell's contacts
 *            the ticket book's claims do not know as counted, the first that many by contact id.
 *            Those are claimed, named with the pins and appended to the delivery backlog in ONE
 *            commit of the state (updateState) that also records the step's id, so a step
 *            repeated after a refused save of the record hands nothing over twice.
 *   clean    the chunks no group refers to any more are deleted, a few per step.
 *
 * Every write of a step uses ids counted from the record, and the record is the step's commit:
 * a step repeated after a refusal or a death writes the same keys again. A step spends at most
 * COMPARE_KV_PER_STEP operations plus the ledger shards of the buckets it compares (one key for an
 * account under 32 active queues, sixteen at 500), except one group whose own reads exceed it (a
 * quarter hour with more than COMPARE_MAX_ITEMS contacts), so progress is always made.
 */
import { countsInImport } from '../core/counting';
import { INTERVAL_MS, isoOf } from '../core/time';
import { BUCKET_HOURS, hourOf, readLedgerPart, uncertainHours, type LedgerCounts } from '../delivery/accounting/ledger';
import { applyPinnedNames } from '../delivery/accounting/queue-names';
import { writeChunks } from '../delivery/commit/chunks';
import { updateState } from '../delivery/commit/commit';
import { commitViewOf } from '../delivery/commit/commit-ring';
import type { CommitView } from '../delivery/memory/commit-view';
import { readState } from '../delivery/commit/state';
import { SHARD_SIZE, TicketBook } from '../delivery/memory/ticket-book';
import type { AppState } from '../delivery/stored/stored-data';
import { isNotFound } from '../platform/refusals';
import type { KeyValueStore, Platform } from '../platform/types';
import { BACKLOG_PREFIX } from '../storage/keys';
import { readFoundChunk, writeFoundChunks, type ChunkKeyOf } from './found-chunks';
import type { CompareState, FoundChunks, ImportRecord, ReplayQueueResult, ReplayResult } from './import-record';
import { CountedStore } from './kv-budget';
import { differenceOf, MAX_RESULT_QUEUES, type DeliveredCounts, type FoundContact } from './replay-difference';
import { tidyMarks } from './walk-marks';

/** KV operations one step of the comparison spends at most (of the 50 a minute; a step a lane period per lane). */
export const COMPARE_KV_PER_STEP = 20;
/** Sub-ranges a group is split into. */
export const SPLIT_FANOUT = 8;
/** A group is compared in one step when it has at most this many chunks and contacts. */
export const COMPARE_MAX_CHUNKS = 8;
export const COMPARE_MAX_ITEMS = 2400;
/** Quarter hours in a six-hour bucket. */
const QUARTERS = (BUCKET_HOURS * 60 * 60_000) / INTERVAL_MS;
const BUCKET_MS = BUCKET_HOURS * 60 * 60_000;
/** What one commit of a group costs at most besides its backlog chunks: lease, state read and write, hand-off, lease. */
const COMMIT_OPS = 6;

export interface CompareJob {
  kind: string;
  chunkKey: ChunkKeyOf;
}

function emptyResult(): ReplayResult {
  return { found: 0, alreadyDelivered: 0, sent: 0, surplus: 0, claimedElsewhere: 0, queues: [], moreQueues: 0 };
}

/** Starts the comparison of a walked window: one group over every partition, holding every found chunk. */
export function beginCompare(record: ImportRecord): void {
  const from = Date.parse(record.from);
  const to = Date.parse(record.to);
  const first = Math.floor(from / BUCKET_MS);
  const buckets = Math.floor((to - 1) / BUCKET_MS) - first + 1;
  const chunks = record.found?.chunks ?? [];
  const items = chunks.reduce((sum, c) => sum + c.n, 0);
  record.compare = { stage: 'sort', shards: 1, first, groups: [[0, buckets * QUARTERS, items, ...chunks.map((c) => c.id)]], cleanup: [], result: emptyResult(), uncertain: [] };
}

/** The partition of a contact (or a ledger cell): its quarter hour, counted from the window's first bucket. */
export function partitionOf(compare: Pick<CompareState, 'first'>, timestamp: string): number {
  return Math.floor(Date.parse(timestamp) / INTERVAL_MS) - compare.first * QUARTERS;
}

interface Group {
  lo: number;
  hi: number;
  items: number;
  chunks: number[];
}

function groupOf(stored: readonly number[]): Group {
  const [lo = 0, hi = 0, items = 0, ...chunks] = stored;
  return { lo, hi, items, chunks };
}

function storedGroup(g: Group): number[] {
  return [g.lo, g.hi, g.items, ...g.chunks];
}

export type CompareProgress = 'more' | 'busy' | 'done';

/**
 * One step: split, compare and clean within the step's KV budget. 'done' once every group was
 * compared and every chunk deleted (record.compare.result then holds the outcome); 'busy' when a
 * delivery run held the lease (the step is repeated later). Throws on a refusal (the lane backs off).
 */
export async function compareStep(platform: Platform, record: ImportRecord, job: CompareJob): Promise<CompareProgress> {
  const compare = record.compare as CompareState;
  const db = new CountedStore(platform.db, COMPARE_KV_PER_STEP);
  const step: Step = { platform, db, record, compare, job, state: undefined, ledger: new Map() };
  let first = true;
  while (compare.groups.length > 0) {
    const group = groupOf(compare.groups[0] as number[]);
    const outcome = needsSplit(group, compare.shards) ? await splitStep(step, group, first) : await compareGroup(step, group, first);
    if (outcome === 'busy') return 'busy';
    if (outcome === 'stop') return 'more';
    first = false;
  }
  compare.stage = 'clean';
  return (await cleanStep(step)) ? 'done' : 'more';
}

interface Step {
  platform: Platform;
  db: CountedStore;
  record: ImportRecord;
  compare: CompareState;
  job: CompareJob;
  state: AppState | undefined;
  /** Ledger buckets read in this step, by hour. */
  ledger: Map<string, LedgerCounts>;
}

type Outcome = 'next' | 'stop' | 'busy';

function needsSplit(group: Group, shards: number): boolean {
  return group.chunks.length > COMPARE_MAX_CHUNKS || (group.items > COMPARE_MAX_ITEMS && group.hi - group.lo > 1) || overLedgerBudget(group, shards);
}

/**
 * A group over several six-hour buckets whose ledger shards would not fit one step: compared
 * whole, it would read every shard of every bucket at once — a day of an account with 300
 * queues is 3 buckets × 17 keys, past the platform's 50 a minute on its own, refused every time
 * (large seed 482: the check never ended). It is cut at bucket boundaries instead.
 */
function overLedgerBudget(group: Group, shards: number): boolean {
  const buckets = bucketSpan(group);
  return buckets > 1 && group.chunks.length + buckets * (shards + 1) + 2 + COMMIT_OPS > COMPARE_KV_PER_STEP;
}

function bucketSpan(group: Group): number {
  return Math.ceil(group.hi / QUARTERS) - Math.floor(group.lo / QUARTERS);
}

/**
 * Sub-range width: even, except that a bucket-aligned group over several buckets is cut at
 * bucket boundaries (each sub-range then reads the ledger shards of as few buckets as it can).
 */
function splitWidth(group: Group, fanout: number): number {
  const even = Math.ceil((group.hi - group.lo) / fanout);
  if (group.lo % QUARTERS !== 0 || bucketSpan(group) <= 1) return even;
  return Math.ceil(even / QUARTERS) * QUARTERS;
}

// ---- split ------------------------------------------------------------------------------------

/**
 * Reads the next chunks of the front group and writes their contacts into its sub-ranges. A
 * single partition with too many chunks is "split" into itself: its small chunks are merged.
 */
async function splitStep(step: Step, group: Group, first: boolean): Promise<Outcome> {
  const { compare, db } = step;
  const fanout = Math.min(SPLIT_FANOUT, group.hi - group.lo);
  const split = compare.split ?? { read: 0, parts: Array.from({ length: fanout }, () => [0]) };
  // Each chunk read is one operation, its contacts at most one chunk written, plus one per sub-range.
  const reads = Math.min(group.chunks.length - split.read, Math.floor((db.left() - fanout - 2) / 2));
  if (reads <= 0 && !first) return 'stop';
  const take = Math.max(1, reads);
  const items = await readChunks(step, group.chunks.slice(split.read, split.read + take));
  const width = splitWidth(group, fanout);
  await writeParts(step, split.parts, distribute(compare, items, group.lo, width, fanout));
  split.read += take;
  compare.split = split;
  if (split.read >= group.chunks.length) endSplit(compare, group, split.parts, width);
  return 'next';
}

async function readChunks(step: Step, ids: readonly number[]): Promise<FoundContact[]> {
  const items: FoundContact[] = [];
  for (const id of ids) items.push(...(await readFoundChunk(step.db, id, step.job.chunkKey)));
  return items;
}

/** The contacts of each sub-range of width `width` from `lo`. */
function distribute(compare: CompareState, items: readonly FoundContact[], lo: number, width: number, fanout: number): FoundContact[][] {
  const byPart = Array.from({ length: fanout }, () => [] as FoundContact[]);
  for (const f of items) {
    const p = partitionOf(compare, f.contact.timestamp);
    (byPart[Math.min(fanout - 1, Math.max(0, Math.floor((p - lo) / width)))] as FoundContact[]).push(f);
  }
  return byPart;
}

/** Writes each sub-range's contacts as chunks (ids from the record) and notes them in `parts`. */
async function writeParts(step: Step, parts: number[][], byPart: readonly FoundContact[][]): Promise<void> {
  const found = step.record.found as FoundChunks;
  for (const [index, part] of byPart.entries()) {
    if (part.length === 0) continue;
    const list: FoundChunks = { chunks: [], next: found.next };
    await writeFoundChunks(step.db, list, part, step.job.chunkKey);
    found.next = list.next;
    const stored = parts[index] as number[];
    stored[0] = (stored[0] ?? 0) + part.length;
    stored.push(...list.chunks.map((c) => c.id));
  }
}

/** The group is read: its sub-ranges replace it (empty ones too: the ledger may hold a surplus there). */
function endSplit(compare: CompareState, group: Group, parts: readonly number[][], width: number): void {
  const subgroups = parts.map(([items = 0, ...chunks], index) => storedGroup({ lo: group.lo + index * width, hi: Math.min(group.hi, group.lo + (index + 1) * width), items, chunks }));
  compare.groups.splice(0, 1, ...subgroups.filter((g) => (g[1] ?? 0) > (g[0] ?? 0)));
  compare.cleanup.push(...group.chunks);
  delete compare.split;
}

// ---- compare ----------------------------------------------------------------------------------

/** Compares the front group and commits what it sends; pops it ('next' without popping: split it first). */
async function compareGroup(step: Step, group: Group, first: boolean): Promise<Outcome> {
  const ready = await openGroup(step, group, first);
  if (ready !== 'go') return ready;
  const planned = await plannedSends(step, group);
  if (planned === 'later') return 'stop';
  const committed = await commitSends(step, planned.books, group, planned.difference.send);
  if (committed === 'busy') return 'busy';
  addResult(step.compare, planned.difference.result, planned.hours);
  step.compare.groups.shift();
  step.compare.cleanup.push(...group.chunks);
  delete step.compare.claims;
  return 'next';
}

/** 'go' once the group fits this step and the state is read; 'stop' (not this step) or 'next' (split it first) otherwise. */
async function openGroup(step: Step, group: Group, first: boolean): Promise<'go' | 'stop' | 'next'> {
  const { db, compare } = step;
  if (!first && db.left() < readsOf(step, group, bucketsOf(compare, group)) + COMMIT_OPS) return 'stop';
  step.state ??= await readState(db, step.platform.now(), { withSpilled: true });
  // The ledger's shard count is known once the state is read: a group too wide for it is split first.
  compare.shards = step.state.ledger?.shards ?? 1;
  return overLedgerBudget(group, compare.shards) ? 'next' : 'go';
}

/** The group's difference, with the books its sends are claimed in; 'later' when its claims do not fit this step. */
async function plannedSends(step: Step, group: Group): Promise<'later' | { difference: ReturnType<typeof differenceOf>; books: { book: TicketBook; commits: LiveCommits }; hours: string[] }> {
  const { db } = step;
  const state = step.state as AppState;
  const found = dedupe((await Promise.all(group.chunks.map((id) => readFoundChunk(db, id, step.job.chunkKey)))).flat());
  const delivered = await deliveredIn(step, group, bucketsOf(step.compare, group));
  const allowance = uncertainAllowance(state, Date.parse(step.record.from), Date.parse(step.record.to));
  const commits = new LiveCommits(commitViewOf(state.commits, step.platform.now()));
  const book = new TicketBook(db, step.platform.request, step.platform.now(), commits);
  // A contact created after the install was claimed by whatever delivered it; where the book
  // cannot say (peekClaim 'maybe') it counts as claimed. So the claims' silence is proof there —
  // once they are read: every such contact is a candidate, whatever its interval's counts.
  const certain = (f: FoundContact): boolean => !countsInImport(f.contact.timestamp, state.installedAt);
  const claims = await claimsOf(step, book, candidatesOf(found, delivered, allowance, certain));
  if (claims === 'later') return 'later';
  const difference = differenceOf(found, delivered, (f) => claims.has(f.contact.contactId), allowance.sendable, certain);
  return { difference, books: { book, commits }, hours: allowance.hours };
}

/** KV reads a group's comparison needs: its chunks, the ledger shards of buckets not read yet this step, the state once. */
function readsOf(step: Step, group: Group, buckets: readonly { hour: string }[]): number {
  const shards = step.state?.ledger?.shards ?? 1;
  const ledgerReads = buckets.filter((b) => !step.ledger.has(b.hour)).length * (shards + 1);
  return group.chunks.length + ledgerReads + (step.state ? 0 : 2);
}

/** The six-hour buckets a group's partitions lie in. */
function bucketsOf(compare: CompareState, group: Group): { hour: string }[] {
  const out: { hour: string }[] = [];
  for (let block = Math.floor(group.lo / QUARTERS); block * QUARTERS < group.hi; block += 1) out.push({ hour: hourOf(isoOf((compare.first + block) * BUCKET_MS)) });
  return out;
}

/** A contact found twice (a slice repeated after a refusal) counts once. */
function dedupe(found: readonly FoundContact[]): FoundContact[] {
  const seen = new Set<string>();
  return found.filter((f) => !seen.has(f.contact.contactId) && seen.add(f.contact.contactId) !== undefined);
}

/** The ledger's counts for the group's cells (only cells whose partition lies in the group). */
async function deliveredIn(step: Step, group: Group, buckets: ReturnType<typeof bucketsOf>): Promise<DeliveredCounts> {
  const counts = new Map<string, Map<string, number>>();
  for (const b of buckets) addInGroup(counts, await ledgerPart(step, b), step.compare, group);
  return counts;
}

/** Every shard of one bucket (all queues), read once a step. */
async function ledgerPart(step: Step, b: { hour: string }): Promise<LedgerCounts> {
  const known = step.ledger.get(b.hour);
  if (known) return known;
  const window = { fromMs: Date.parse(step.record.from), toMs: Date.parse(step.record.to) };
  const part = await readLedgerPart(step.db, step.state as AppState, b.hour, { shard: 0, ofShards: 1 }, window);
  step.ledger.set(b.hour, part);
  return part;
}

function addInGroup(counts: Map<string, Map<string, number>>, part: LedgerCounts, compare: CompareState, group: Group): void {
  for (const [queue, intervals] of part) {
    for (const [interval, n] of intervals) {
      const p = partitionOf(compare, interval);
      if (p < group.lo || p >= group.hi) continue;
      const into = counts.get(queue) ?? new Map<string, number>();
      into.set(interval, (into.get(interval) ?? 0) + n);
      counts.set(queue, into);
    }
  }
}

/**
 * The unconfirmed deliveries the ledger cannot count (issue 19's lead change): per six-hour
 * bucket marked uncertain, how many contacts the app may have lost there (the gaps' count of
 * contacts that may be missing), or Infinity when nothing says — then nothing is sent in that
 * bucket, and the result says the hours are uncertain rather than guessing. A cell there sends
 * only what exceeds its difference minus that count: treating every unconfirmed contact as
 * delivered, so nothing is ever sent twice.
 */
export function uncertainAllowance(state: AppState, fromMs: number, toMs: number): { hours: string[]; sendable: (queue: string, interval: string, missing: number) => number } {
  const hours = uncertainHours(state, fromMs, toMs);
  const allowance = new Map(hours.map((hour) => [hour, maybeLostIn(state, hour)]));
  return {
    hours,
    sendable: (_queue, interval, missing) => {
      const held = allowance.get(hourOf(interval));
      return held === undefined ? missing : Math.max(0, missing - held);
    },
  };
}

/** Contacts the gaps say may be missing in a six-hour bucket (`contactsMaybeLost`); Infinity when no gap says. */
function maybeLostIn(state: AppState, hour: string): number {
  const start = Date.parse(`${hour}:00:00Z`);
  const counts = (state.gaps ?? [])
    .filter((gap) => Date.parse(gap.from) < start + BUCKET_MS && Date.parse(gap.to) >= start)
    .map((gap) => (gap as { contactsMaybeLost?: unknown }).contactsMaybeLost)
    .filter((count): count is number => typeof count === 'number');
  return counts.length > 0 ? counts.reduce((a, b) => a + b, 0) : Number.POSITIVE_INFINITY;
}

/**
 * Contacts whose claims matter: every contact of an interval in which some queue misses
 * something (the difference is taken per interval: a queue's counted contacts free or hold ledger
 * slots of the others, replay-difference.ts), and every contact whose claims are certain (sent
 * whenever they are silent, so they must be read).
 */
function candidatesOf(found: readonly FoundContact[], delivered: DeliveredCounts, allowance: ReturnType<typeof uncertainAllowance>, certain: (f: FoundContact) => boolean): FoundContact[] {
  const wanting = new Set<string>();
  for (const [key, contacts] of cellsOf(found)) {
    const [queue = '', interval = ''] = key.split('|');
    const missing = Math.max(0, contacts.length - (delivered.get(queue)?.get(interval) ?? 0));
    if (allowance.sendable(queue, interval, missing) > 0) wanting.add(interval);
  }
  return found.filter((f) => f.ticket.id > 0 && (certain(f) || wanting.has(intervalStart(f.contact.timestamp))));
}

function cellsOf(found: readonly FoundContact[]): Map<string, FoundContact[]> {
  const perCell = new Map<string, FoundContact[]>();
  for (const f of found) {
    const key = `${f.contact.queueIdentifier}|${intervalStart(f.contact.timestamp)}`;
    perCell.set(key, [...(perCell.get(key) ?? []), f]);
  }
  return perCell;
}

function intervalStart(timestamp: string): string {
  return isoOf(Math.floor(Date.parse(timestamp) / INTERVAL_MS) * INTERVAL_MS);
}

/**
 * The candidates' contact ids the ticket book knows as counted (rule 12), one shard read per
 * thousand ticket ids. When the shards do not fit this step's budget, what was read is kept in
 * the record and the next step goes on from there ('later').
 */
async function claimsOf(step: Step, book: TicketBook, candidates: readonly FoundContact[]): Promise<Set<string> | 'later'> {
  const sofar = step.compare.claims ?? { shards: [], counted: [] };
  const done = new Set(sofar.shards);
  const counted = new Set(sofar.counted);
  const byShard = byTicketShard(candidates);
  const todo = [...byShard.keys()].filter((shard) => !done.has(shard)).sort((a, b) => a - b);
  const room = Math.max(1, step.db.left() - COMMIT_OPS - Math.ceil(candidates.length / 150));
  for (const shard of todo.slice(0, room)) {
    for (const id of await countedIn(book, byShard.get(shard) ?? [])) counted.add(id);
    done.add(shard);
  }
  if (todo.length <= room) return counted;
  step.compare.claims = { shards: [...done], counted: [...counted] };
  return 'later';
}

/** The contact ids of `contacts` the ticket book knows as counted, or cannot say were not ('maybe': never sent). */
async function countedIn(book: TicketBook, contacts: readonly FoundContact[]): Promise<string[]> {
  const ids: string[] = [];
  for (const f of contacts) {
    const claim = await book.peekClaim(claimOf(f));
    if (claim === 'counted' || claim === 'maybe') ids.push(f.contact.contactId);
  }
  return ids;
}

function byTicketShard(contacts: readonly FoundContact[]): Map<number, FoundContact[]> {
  const byShard = new Map<number, FoundContact[]>();
  for (const f of contacts) {
    const shard = Math.floor(f.ticket.id / SHARD_SIZE);
    byShard.set(shard, [...(byShard.get(shard) ?? []), f]);
  }
  return byShard;
}

function claimOf(f: FoundContact): { ticketId: number; conversationId?: number } {
  return f.conversationId === undefined ? { ticketId: f.ticket.id } : { ticketId: f.ticket.id, conversationId: f.conversationId };
}

/**
 * The group's sends in one commit of the state, with the step's id in the walk marks; the
 * claims are written once it is stored, still under the lease. A repeat finding its id there
 * sends nothing again.
 */
/**
 * The commit view the book reads claims with (memory/commit-view.ts): the state's ring while the
 * step peeks, then the opened commit's, so the claims saved after that commit carry its id.
 */
class LiveCommits implements CommitView {
  constructor(private view: CommitView) {}
  get current(): number {
    return this.view.current;
  }
  isCommitted(id: number): boolean {
    return this.view.isCommitted(id);
  }
  postedNothing(id: number): boolean {
    return this.view.postedNothing?.(id) ?? false;
  }
  use(view: CommitView): void {
    this.view = view;
  }
}

async function commitSends(step: Step, { book, commits }: { book: TicketBook; commits: LiveCommits }, group: Group, send: readonly FoundContact[]): Promise<'done' | 'busy'> {
  if (send.length === 0) return 'done';
  const { db, platform, record } = step;
  const stepId = `${record.kind ?? 'walk'}:${record.startedAtMs}:${group.lo}-${group.hi}`;
  // A claim of a contact this book has not loaded (read in an earlier step) needs its shard.
  for (const f of send) if (f.ticket.id > 0) await book.peekClaim(claimOf(f));
  const outcome = await updateState(
    { db, schedule: platform.schedule },
    platform.now(),
    async (opened) => {
      if (opened.state.walk?.s === stepId) return;
      commits.use(opened.commitView());
      await claimAll(book, send, platform.now());
      await writeChunks(db, BACKLOG_PREFIX, opened.state.backlog, applyPinnedNames(opened.state, send.map((f) => f.contact)));
      opened.state.walk = tidyMarks({ ...(opened.state.walk ?? {}), s: stepId }) ?? {};
      step.state = opened.state;
    },
    { afterCommit: () => saveClaims(book) },
  );
  return outcome === 'busy' ? 'busy' : 'done';
}

/** Rule 12 for what is sent: a ticket the book does not know is remembered with the facts the walk read. */
async function claimAll(book: TicketBook, send: readonly FoundContact[], nowMs: number): Promise<void> {
  for (const f of send.filter((c) => c.ticket.id > 0)) {
    if ((await book.peekClaim(claimOf(f))) === 'unknown') await book.remember(f.ticket, nowMs);
    book.claim(claimOf(f));
  }
}

/** Claims once the state holds what they claim; a refused save loses only redelivery memory (a later copy of a sent event may count again). */
async function saveClaims(book: TicketBook): Promise<void> {
  await book.save().catch(() => undefined);
}

function addResult(compare: CompareState, part: ReplayResult, uncertain: readonly string[]): void {
  const r = compare.result;
  r.found += part.found;
  r.alreadyDelivered += part.alreadyDelivered;
  r.sent += part.sent;
  r.surplus += part.surplus;
  r.claimedElsewhere += part.claimedElsewhere;
  if (part.heldBack) r.heldBack = (r.heldBack ?? 0) + part.heldBack;
  mergeQueues(r, part);
  const hours = part.found > 0 || part.alreadyDelivered > 0 ? [...new Set([...compare.uncertain, ...uncertain])].sort() : compare.uncertain;
  compare.uncertain = hours;
  if (hours.length > 0) r.uncertainHours = hours;
}

/** The per-queue rows of a group's result added to the running result's, biggest first, at most MAX_RESULT_QUEUES. */
function mergeQueues(r: ReplayResult, part: ReplayResult): void {
  const queues = new Map(r.queues.map((q) => [q.queueIdentifier, q]));
  for (const q of part.queues) {
    const into: ReplayQueueResult = queues.get(q.queueIdentifier) ?? { ...q, found: 0, delivered: 0, sent: 0, surplus: 0, claimedElsewhere: 0 };
    into.found += q.found;
    into.delivered += q.delivered;
    into.sent += q.sent;
    into.surplus += q.surplus;
    into.claimedElsewhere += q.claimedElsewhere;
    queues.set(q.queueIdentifier, into);
  }
  const notable = [...queues.values()].sort((a, b) => b.sent + b.surplus - (a.sent + a.surplus) || (a.queueIdentifier < b.queueIdentifier ? -1 : 1));
  r.moreQueues += part.moreQueues + Math.max(0, notable.length - MAX_RESULT_QUEUES);
  r.queues = notable.slice(0, MAX_RESULT_QUEUES);
}

// ---- clean ------------------------------------------------------------------------------------

/** Deletes chunks no group refers to, within the budget; true when none is left. */
async function cleanStep(step: Step): Promise<boolean> {
  const { compare, db } = step;
  while (compare.cleanup.length > 0 && db.left() > 2) {
    const id = compare.cleanup[0] as number;
    await deleteChunk(db, step.job.chunkKey(id));
    compare.cleanup.shift();
  }
  return compare.cleanup.length === 0;
}

async function deleteChunk(db: KeyValueStore, key: string): Promise<void> {
  try {
    await db.delete(key);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
