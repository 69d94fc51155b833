/**
 * The delivered ledger (SPEC §9): how many contacts the app has delivered to injixo per queue
 * and 15-minute interval — the level at which injixo stores them. injixo has no contact ids and
 * cannot delete, so this is what makes "exactly once" checkable and a replay possible by
 * difference: Freshdesk's count for a (queue, interval) minus the ledger's is what is missing.
 *
 * Storage. One *bucket* per six UTC hours of the contacts' own timestamps, split into *shards*
 * by queue: `ledger:2026-11-21T06` is shard 0, `ledger:2026-11-21T06.3` shard 3. An attribute
 * counts one (queue, quarter of an hour in the bucket): `{"48000000101/1/t|9": 17}`. A queue's
 * shard is a hash of its identifier modulo the shard count, a power of two that grows with the
 * number of queues (LedgerState.shards, QUEUES_PER_SHARD): an account with a few dozen queues
 * writes one key per bucket, 500 queues sixteen, and no shard outgrows the 40 KB value limit
 * (test/delivery/budgets.test.ts proves it at 500 queues with 11-digit group ids). Doubling the
 * count only splits a shard (hash mod 2n is hash mod n or that plus n), so readers read shards
 * 0 … shards − 1 and add them up.
 *
 * Exactly once with the commit (SPEC §9 bookkeeping rules; docs/delivery-lifecycle.md): counts
 * of what injixo accepted wait in the state record (`pending`), which every run writes anyway,
 * until their bucket has ended (or they would crowd the record). Then the run that decides to
 * write a bucket *freezes* those counts into a `flushing` entry tagged with its commit id, and
 * writes them only after that commit is stored, with ONE atomic `increment` per shard that also
 * sets a marker attribute `~<commit id>`. A later run finding the entry still in the state reads
 * the shard first and skips the increment when the marker is there. So a refusal or a death at
 * any step neither loses nor doubles a count: before the commit nothing was written, after it
 * the marker says whether the increment took effect.
 */
import { INTERVAL_MS, isoOf } from '../../core/time';
import { isOffered, type OfferedContact } from '../../core/types';
import { log } from '../../platform/log';
import { isNotFound } from '../../platform/refusals';
import type { KeyValueStore } from '../../platform/types';
import { ledgerKey, ledgerOutKey } from '../../storage/keys';
import type { AppState, LedgerFlush, LedgerState } from '../stored/stored-data';

/** Days of history the ledger keeps (SPEC §9's retention window). */
export const LEDGER_RETENTION_DAYS = 35;
/** Expired buckets deleted per run at most (a day has four). */
export const MAX_PRUNES_PER_RUN = 1;
/**
 * Counts waiting in the state record at most (bytes as stored); beyond, the fullest hours are
 * written early. ~240 (queue, quarter) counts with 11-digit group ids.
 */
export const PENDING_BYTES = 6 * 1024;
/** Shard writes a run makes at most; the rest wait for the next run (never crowd out the run's own bookkeeping). */
export const MAX_SHARD_WRITES_PER_RUN = 8;
/**
 * Frozen counts kept inside the state record at most. A run that drains a backlog can freeze tens
 * of kilobytes (one count per queue and quarter it delivered): beyond this, its entries wait in
 * keys of their own (`ledger-out:<commit id>.<part>`, written before the commit like any other
 * part of it), each at most FROZEN_PART_BYTES.
 */
export const FROZEN_INLINE_BYTES = 6 * 1024;
export const FROZEN_PART_BYTES = 30 * 1024;
/**
 * Queues per shard the shard count aims at. The worst shard of 500 queues at this aim holds
 * ~45 queues (hashing is uneven) × 24 quarters × ~25 bytes ≈ 27 KB, under the 40 KB limit.
 */
export const QUEUES_PER_SHARD = 32;
/** Hours in a bucket: one bucket is one write for a small account, four a day. */
export const BUCKET_HOURS = 6;

const BUCKET_MS = BUCKET_HOURS * 60 * 60_000;
/** Marker attributes start with this: `~1796000000000`; no count attribute does. */
const MARKER = '~';

/** The bucket of a contact: `2026-11-21T10:34:22Z` → `2026-11-21T06`. */
export function hourOf(timestamp: string): string {
  return hourName(bucketIndex(Date.parse(timestamp)));
}

/** `freshdesk/42/1/tickets` + 10:34 → `42/1/t|18` (the 18th quarter since 06:00). */
export function ledgerAttribute(queueIdentifier: string, timestamp: string): string {
  const [, group, source, kind] = queueIdentifier.split('/');
  const ms = Date.parse(timestamp);
  const quarter = Math.floor((ms - bucketIndex(ms) * BUCKET_MS) / INTERVAL_MS);
  return `${group ?? '?'}/${source ?? '?'}/${(kind ?? '?').charAt(0)}|${quarter}`;
}

/** The inverse of ledgerAttribute, for readers: identifier and quarter in the bucket (0–23). */
export function parseLedgerAttribute(attribute: string): { queueIdentifier: string; quarter: number } | undefined {
  const match = /^([^/|]+)\/([^/|]+)\/([tr])\|([0-9]|1[0-9]|2[0-3])$/.exec(attribute);
  if (!match) return undefined;
  const kind = match[3] === 't' ? 'tickets' : 'replies';
  return { queueIdentifier: `freshdesk/${match[1]}/${match[2]}/${kind}`, quarter: Number(match[4]) };
}

export function emptyLedgerState(nowMs: number): LedgerState {
  return { pending: {}, keptFrom: firstKeptBucket(nowMs), writtenFrom: bucketIndex(nowMs) };
}

/** The oldest bucket inside the retention window at `nowMs`. */
function firstKeptBucket(nowMs: number): number {
  return bucketIndex(nowMs) - (LEDGER_RETENTION_DAYS * 24) / BUCKET_HOURS;
}

function bucketIndex(ms: number): number {
  return Math.floor(ms / BUCKET_MS);
}

function hourName(index: number): string {
  return new Date(index * BUCKET_MS).toISOString().slice(0, 13);
}

function hourStart(hour: string): number {
  return Date.parse(`${hour}:00:00Z`);
}

/** The KV key of one shard of a bucket: shard 0 keeps the bucket's plain key. */
export function shardKey(hour: string, shard: number): string {
  return shard === 0 ? ledgerKey(hour) : `${ledgerKey(hour)}.${shard}`;
}

/** The shard count for this many queues: a power of two, so growing only splits shards. */
export function shardsFor(queues: number): number {
  let shards = 1;
  while (shards * QUEUES_PER_SHARD < queues) shards *= 2;
  return shards;
}

/** FNV-1a of the queue part of an attribute: the same queue always lands in the same shard for a given count. */
export function shardOf(attribute: string, shards: number): number {
  const queue = attribute.slice(0, attribute.indexOf('|'));
  let hash = 0x811c9dc5;
  for (let i = 0; i < queue.length; i += 1) hash = Math.imul(hash ^ queue.charCodeAt(i), 0x01000193) >>> 0;
  return hash % shards;
}

/** Delivered contacts as ledger counts: hour → attribute → count. Only offered contacts count (the ledger is what a replay compares Freshdesk's offered counts with). */
export function ledgerCountsOf(contacts: readonly OfferedContact[]): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const contact of contacts.filter(isOffered)) {
    const hour = hourOf(contact.timestamp);
    const inHour = counts[hour] ?? {};
    counts[hour] = inHour;
    const attribute = ledgerAttribute(contact.queueIdentifier, contact.timestamp);
    inHour[attribute] = (inHour[attribute] ?? 0) + 1;
  }
  return counts;
}

/** Adds counts (a run's, or a handed-off commit's) to what waits in the state; hours already pruned are dropped. */
export function addPending(ledger: LedgerState, counts: Readonly<Record<string, Readonly<Record<string, number>>>>): void {
  for (const [hour, attributes] of Object.entries(counts)) {
    if (hourStart(hour) < ledger.keptFrom * BUCKET_MS) continue;
    // Counts for a bucket may reach its key from now on: pruning must delete it when it expires.
    if (ledger.writtenFrom !== undefined) ledger.writtenFrom = Math.min(ledger.writtenFrom, bucketIndex(hourStart(hour)));
    const inHour = ledger.pending[hour] ?? {};
    ledger.pending[hour] = inHour;
    for (const [attribute, count] of Object.entries(attributes)) inHour[attribute] = (inHour[attribute] ?? 0) + count;
  }
}

/** Bytes of the pending counts as stored (JSON, grouped by queue). */
export function pendingBytes(ledger: LedgerState): number {
  return JSON.stringify(compactCounts(ledger.pending)).length;
}

/**
 * Ledger counts grouped by queue: per bucket, per queue `[quarter, count, quarter, count, …]`.
 * About five bytes a count instead of twenty-five, the form in which counts travel in a hand-off
 * and are stored in the state record (commit/stored-form.ts); every byte budget of the ledger is
 * measured on it.
 */
export type CompactCounts = Record<string, Record<string, number[]>>;

export function compactCounts(counts: Readonly<Record<string, Readonly<Record<string, number>>>>): CompactCounts {
  return Object.fromEntries(Object.entries(counts).map(([hour, attributes]) => [hour, compactQueues(attributes)]));
}

export function expandCounts(compact: CompactCounts): Record<string, Record<string, number>> {
  return Object.fromEntries(Object.entries(compact).map(([hour, byQueue]) => [hour, expandQueues(byQueue)]));
}

/** One bucket's (or one shard's) counts grouped by queue. */
export function compactQueues(attributes: Readonly<Record<string, number>>): Record<string, number[]> {
  const byQueue: Record<string, number[]> = {};
  for (const [attribute, count] of Object.entries(attributes)) {
    const [queue, quarter] = attribute.split('|');
    if (queue === undefined || quarter === undefined) continue;
    const pairs = byQueue[queue] ?? [];
    pairs.push(Number(quarter), count);
    byQueue[queue] = pairs;
  }
  return byQueue;
}

export function expandQueues(byQueue: Readonly<Record<string, unknown>>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [queue, pairs] of Object.entries(byQueue)) {
    if (!Array.isArray(pairs)) continue;
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const attribute = `${queue}|${String(pairs[i])}`;
      counts[attribute] = (counts[attribute] ?? 0) + Number(pairs[i + 1]);
    }
  }
  return counts;
}

/** Bytes of frozen entries as stored (counts grouped by queue). */
export function frozenBytes(flushing: readonly LedgerFlush[]): number {
  return JSON.stringify(flushing.map(([id, hour, shard, counts]) => [id, hour, shard, compactQueues(counts)])).length;
}


/**
 * Freezes the counts this run will write into flushing entries tagged `commitId`: every hour
 * whose bucket has ended, and (fullest first) hours that crowd the state record. At most
 * MAX_SHARD_WRITES_PER_RUN shards, beside the entries earlier runs left. Returns the new entries;
 * write them with `writeFlushes` once the commit that holds them is stored.
 */
export function planFlushes(ledger: LedgerState, nowMs: number, commitId: number): LedgerFlush[] {
  const planned: LedgerFlush[] = [];
  for (const hour of hoursToWrite(ledger, nowMs)) {
    planned.push(...freezeHour(ledger, hour, commitId));
    delete ledger.pending[hour];
  }
  if (planned.length > 0) ledger.flushing = [...(ledger.flushing ?? []), ...planned];
  return planned;
}

/**
 * Before the commit: when the frozen entries would crowd the state record, this commit's go to
 * keys of their own, listed in `frozenOut`. A commit that is then refused leaves those keys
 * unreferenced (unique names: nothing reads them).
 */
export async function spillFrozen(db: KeyValueStore, ledger: LedgerState, commitId: number): Promise<void> {
  const flushing = ledger.flushing ?? [];
  const mine = flushing.filter(([id]) => id === commitId);
  if (mine.length === 0 || frozenBytes(flushing) <= FROZEN_INLINE_BYTES) return;
  const parts = inParts(mine);
  for (const [part, entries] of parts.entries()) await db.set(ledgerOutKey(commitId, part), { e: entries });
  const left = flushing.filter(([id]) => id !== commitId);
  if (left.length > 0) ledger.flushing = left;
  else delete ledger.flushing;
  ledger.frozenOut = [...(ledger.frozenOut ?? []), [commitId, parts.length]];
}

function inParts(entries: readonly LedgerFlush[]): LedgerFlush[][] {
  const parts: LedgerFlush[][] = [[]];
  for (const entry of entries) {
    const current = parts[parts.length - 1] as LedgerFlush[];
    if (current.length > 0 && JSON.stringify([...current, entry]).length > FROZEN_PART_BYTES) parts.push([entry]);
    else current.push(entry);
  }
  return parts;
}

/**
 * Before the commit: writes (or finds written) what earlier commits froze, within the run's
 * shard budget. Returns the `ledger-out` keys no longer needed (the commit discards them).
 */
export async function settleFrozen(db: KeyValueStore, ledger: LedgerState): Promise<string[]> {
  const budget = { left: MAX_SHARD_WRITES_PER_RUN };
  dropFlushes(ledger, await writeFlushes(db, ledger.flushing ?? [], true, budget));
  const out = ledger.frozenOut ?? [];
  let settled = 0;
  while (settled < out.length && (await settleFrozenOut(db, out[settled] as [number, number], budget))) settled += 1;
  const left = out.slice(settled);
  if (left.length > 0) ledger.frozenOut = left;
  else delete ledger.frozenOut;
  return out.slice(0, settled).flatMap(([commitId, parts]) => Array.from({ length: parts }, (_, part) => ledgerOutKey(commitId, part)));
}

/** Whether every entry of one commit's `ledger-out` keys is now in its shard. */
async function settleFrozenOut(db: KeyValueStore, [commitId, parts]: [number, number], budget: { left: number }): Promise<boolean> {
  if (budget.left <= 0) return false;
  const entries = await readFrozenOut(db, commitId, parts);
  return (await writeFlushes(db, entries, true, budget)).length === entries.length;
}

async function readFrozenOut(db: KeyValueStore, commitId: number, parts: number): Promise<LedgerFlush[]> {
  const entries: LedgerFlush[] = [];
  for (let part = 0; part < parts; part += 1) {
    const stored = await readShard(db, ledgerOutKey(commitId, part));
    if (Array.isArray(stored.e)) entries.push(...(stored.e as LedgerFlush[]).filter(isFlush));
  }
  return entries;
}

/** Read back defensively like any stored value. */
function isFlush(value: unknown): value is LedgerFlush {
  return Array.isArray(value) && value.length === 4 && Number.isInteger(value[0]) && typeof value[1] === 'string' && Number.isInteger(value[2]) && typeof value[3] === 'object' && value[3] !== null;
}

function freezeHour(ledger: LedgerState, hour: string, commitId: number): LedgerFlush[] {
  return [...splitByShard(ledger.pending[hour] ?? {}, ledger.shards ?? 1)].map(([shard, counts]): LedgerFlush => [commitId, hour, shard, counts]);
}

/** Ended hours oldest first, then (while the counts crowd the record) the fullest running ones. */
function hoursToWrite(ledger: LedgerState, nowMs: number): string[] {
  const hours = Object.keys(ledger.pending).sort();
  const ended = hours.filter((hour) => hourStart(hour) + BUCKET_MS <= nowMs);
  const running = hours.filter((hour) => !ended.includes(hour)).sort((a, b) => Object.keys(ledger.pending[b] ?? {}).length - Object.keys(ledger.pending[a] ?? {}).length);
  const bytesOf = (hour: string): number => JSON.stringify(compactQueues(ledger.pending[hour] ?? {})).length;
  let bytes = pendingBytes(ledger) - ended.reduce((sum, hour) => sum + bytesOf(hour), 0);
  const crowding: string[] = [];
  for (const hour of running) {
    if (bytes <= PENDING_BYTES) break;
    crowding.push(hour);
    bytes -= bytesOf(hour);
  }
  return [...ended, ...crowding];
}

function splitByShard(counts: Readonly<Record<string, number>>, shards: number): Map<number, Record<string, number>> {
  const byShard = new Map<number, Record<string, number>>();
  for (const [attribute, count] of Object.entries(counts)) {
    const shard = shardOf(attribute, shards);
    const into = byShard.get(shard) ?? {};
    into[attribute] = count;
    byShard.set(shard, into);
  }
  return byShard;
}

/**
 * Writes flushing entries, each with one increment that carries its marker. `verify`: the entries
 * were committed by an earlier run, which may have written some already. A commit's entries are
 * written in their order and the writing stops at the first failure, so what reached the store
 * is always a first part of them: its length is found by halving (writtenPart), and only the rest
 * is written. The run's budget counts writes. Returns the entries that are now in the ledger; a
 * refused call stops the writing (the store is saturated), the rest stay for later.
 */
export async function writeFlushes(db: KeyValueStore, entries: readonly LedgerFlush[], verify: boolean, budget = { left: MAX_SHARD_WRITES_PER_RUN }): Promise<LedgerFlush[]> {
  const done: LedgerFlush[] = [];
  for (const commit of byCommit(entries)) {
    const written = verify ? await writtenPart(db, commit) : 0;
    if (written === undefined) break;
    done.push(...commit.slice(0, written));
    if (!(await writeInOrder(db, commit.slice(written), budget, done))) break;
  }
  return done;
}

/** Writes entries in order into `done` until the budget is spent or the store refuses; true when all were written. */
async function writeInOrder(db: KeyValueStore, entries: readonly LedgerFlush[], budget: { left: number }, done: LedgerFlush[]): Promise<boolean> {
  for (const entry of entries) {
    if (budget.left <= 0 || !(await writeOne(db, entry))) return false;
    budget.left -= 1;
    done.push(entry);
  }
  return true;
}

/** Entries grouped by their commit, each group in its order, the groups in the order they first appear. */
function byCommit(entries: readonly LedgerFlush[]): LedgerFlush[][] {
  const groups = new Map<number, LedgerFlush[]>();
  for (const entry of entries) {
    const group = groups.get(entry[0]);
    if (group) group.push(entry);
    else groups.set(entry[0], [entry]);
  }
  return [...groups.values()];
}

/** One entry into its shard; false when the store refused. */
async function writeOne(db: KeyValueStore, [commitId, hour, shard, counts]: LedgerFlush): Promise<boolean> {
  const key = shardKey(hour, shard);
  try {
    await db.update(key, 'increment', { ...counts, [`${MARKER}${commitId}`]: 1 });
    return true;
  } catch (error) {
    // The KV limit (it passes within a minute) or a value past the 40 KB limit (more queues than
    // the shard count was sized for): either way the counts stay in the state, said once a run.
    writeLater(key, error);
    return false;
  }
}

function writeLater(key: string, error: unknown): void {
  log('warn', 'LEDGER_WRITE_LATER', `the delivered ledger ${key} could not be written now (${describe(error)}); its counts wait in the state record`, { key });
}

/**
 * How many of one commit's entries carry their marker: a first part of them (above), found with
 * the last entry first — a commit written in full costs one read, saving a read per shard on every
 * run after a flush (issue 19 item 6: calls per contact) — then by halving, so a commit cut short
 * costs ~log2(entries) reads however many it wrote. (Checking them one by one within the write
 * budget re-read the same first entries on every run once a spilled commit held more than the
 * budget: the during-check probe's drain spent ten KV operations a run on it and never got past
 * them.) Undefined when a read was refused: it proves nothing, so nothing is written.
 */
async function writtenPart(db: KeyValueStore, commit: readonly LedgerFlush[]): Promise<number | undefined> {
  let reading = '';
  const has = (i: number): Promise<boolean> => {
    const [commitId, hour, shard] = commit[i] as LedgerFlush;
    reading = shardKey(hour, shard);
    return hasMarker(db, reading, commitId);
  };
  let [low, high] = [0, commit.length - 1];
  try {
    if (await has(high)) return commit.length;
    // Entries before `low` are written; from `high` on they are not.
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (await has(middle)) low = middle + 1;
      else high = middle;
    }
    return low;
  } catch (error) {
    writeLater(reading, error);
    return undefined;
  }
}

async function hasMarker(db: KeyValueStore, key: string, commitId: number): Promise<boolean> {
  try {
    return (await db.get(key))[`${MARKER}${commitId}`] !== undefined;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** Takes written entries out of the state. */
export function dropFlushes(ledger: LedgerState, written: readonly LedgerFlush[]): void {
  if (!ledger.flushing) return;
  const done = new Set(written.map(([commitId, hour, shard]) => `${commitId}|${hour}|${shard}`));
  const left = ledger.flushing.filter(([commitId, hour, shard]) => !done.has(`${commitId}|${hour}|${shard}`));
  if (left.length > 0) ledger.flushing = left;
  else delete ledger.flushing;
}

/** Grows the shard count with the number of queues; never shrinks it (readers read every shard up to it). */
export function sizeShards(ledger: LedgerState, queues: number): void {
  const wanted = shardsFor(queues);
  if (wanted > (ledger.shards ?? 1)) ledger.shards = wanted;
}

/** Marks six-hour buckets whose counts the app could not keep exactly (see uncertainHours). */
export function markUncertain(ledger: LedgerState, hours: readonly string[]): void {
  const uncertain = [...new Set([...(ledger.uncertain ?? []), ...hours])].sort();
  if (uncertain.length > 0) ledger.uncertain = uncertain;
}

/**
 * Six-hour buckets overlapping `[fromMs, toMs)` whose counts the app could not keep exactly
 * (a run's bookkeeping too big for the hand-off): a replay there may send what injixo holds.
 */
export function uncertainHours(state: AppState, fromMs: number, toMs: number): string[] {
  return (state.ledger?.uncertain ?? []).filter((hour) => {
    const start = hourStart(hour);
    return start < toMs && start + BUCKET_MS > fromMs;
  });
}

/**
 * Deletes buckets that fell out of the retention window (every shard), one bucket a run, and
 * says so once a day. Returns how many buckets were deleted.
 */
export async function pruneLedger(db: KeyValueStore, state: AppState, nowMs: number): Promise<number> {
  const ledger = state.ledger ?? emptyLedgerState(nowMs);
  state.ledger = ledger;
  const firstKept = firstKeptBucket(nowMs);
  let pruned = 0;
  skipUnwritten(ledger, firstKept);
  while (ledger.keptFrom < firstKept && pruned < MAX_PRUNES_PER_RUN) {
    if (!(await deleteBucket(db, hourName(ledger.keptFrom), ledger.shards ?? 1))) return pruned;
    ledger.keptFrom += 1;
    pruned += 1;
    dropExpired(ledger);
    notePruned(ledger.keptFrom);
  }
  return pruned;
}

/** Buckets from before anything was written need no delete (a new install's first 35 days). */
function skipUnwritten(ledger: LedgerState, firstKept: number): void {
  if (ledger.writtenFrom === undefined || ledger.keptFrom >= ledger.writtenFrom) return;
  ledger.keptFrom = Math.min(ledger.writtenFrom, firstKept);
  dropExpired(ledger);
}

/** Said once a day of buckets. */
function notePruned(keptFrom: number): void {
  if (keptFrom % (24 / BUCKET_HOURS) !== 0) return;
  log('info', 'LEDGER_PRUNED', `the delivered ledger now starts at ${hourName(keptFrom)}:00Z (${LEDGER_RETENTION_DAYS} days are kept)`);
}

async function deleteBucket(db: KeyValueStore, hour: string, shards: number): Promise<boolean> {
  for (let shard = 0; shard < shards; shard += 1) {
    try {
      await db.delete(shardKey(hour, shard));
    } catch (error) {
      if (!isNotFound(error)) return false;
    }
  }
  return true;
}

/** Uncertain marks and pending counts of pruned buckets go with them. */
function dropExpired(ledger: LedgerState): void {
  const kept = (hour: string): boolean => hourStart(hour) >= ledger.keptFrom * BUCKET_MS;
  for (const hour of Object.keys(ledger.pending)) if (!kept(hour)) delete ledger.pending[hour];
  if (!ledger.uncertain) return;
  const uncertain = ledger.uncertain.filter(kept);
  if (uncertain.length > 0) ledger.uncertain = uncertain;
  else delete ledger.uncertain;
}

/** Delivered counts per queue identifier and interval start (ISO), for `[fromMs, toMs)`. */
export type LedgerCounts = Map<string, Map<string, number>>;

/**
 * Reads the ledger for a window, one KV read per shard of each bucket. Missing keys are empty.
 * Counts still pending or flushing in the state are included, since they were delivered too;
 * an entry already written is in its shard AND may still be in the state (the run that wrote it
 * could not drop it yet): its marker in the shard tells, so it is counted once.
 */
export async function readLedger(db: KeyValueStore, state: AppState, fromMs: number, toMs: number): Promise<LedgerCounts> {
  const counts: LedgerCounts = new Map();
  const stored = state.ledger ?? emptyLedgerState(fromMs);
  const out = await Promise.all((stored.frozenOut ?? []).map(([commitId, parts]) => readFrozenOut(db, commitId, parts)));
  const ledger: LedgerState = { ...stored, flushing: [...(stored.flushing ?? []), ...out.flat()] };
  const window = { fromMs, toMs };
  for (let index = bucketIndex(fromMs); index * BUCKET_MS < toMs; index += 1) await readBucket(db, ledger, hourName(index), counts, window);
  return counts;
}

/** One bucket: every shard, then what waits in the state (frozen entries not yet in their shard). */
async function readBucket(db: KeyValueStore, ledger: LedgerState, hour: string, counts: LedgerCounts, window: { fromMs: number; toMs: number }): Promise<void> {
  const markers = new Set<string>();
  for (let shard = 0; shard < (ledger.shards ?? 1); shard += 1) {
    const stored = await readShard(db, shardKey(hour, shard));
    for (const id of markersIn(stored)) markers.add(`${id}|${shard}`);
    addCounts(counts, hour, stored, window);
  }
  addCounts(counts, hour, ledger.pending[hour] ?? {}, window);
  const unwritten = (ledger.flushing ?? []).filter(([commitId, entryHour, shard]) => entryHour === hour && !markers.has(`${commitId}|${shard}`));
  for (const [, , , entry] of unwritten) addCounts(counts, hour, entry, window);
}

/**
 * Part of one bucket, for a comparison that works a few queues at a time (issue 20): only the
 * queues of shard `shard` under `ofShards` shards, read from every key that can hold them
 * (shardsHolding: counts written before the count grew stay in the smaller count's key). Counts
 * still pending or frozen in the state are included as in readLedger. One KV read per such key,
 * plus the key of a frozen entry not among them (to see its marker).
 */
export async function readLedgerPart(db: KeyValueStore, state: AppState, hour: string, part: { shard: number; ofShards: number }, window: { fromMs: number; toMs: number }): Promise<LedgerCounts> {
  const ledger = await withFrozenOut(db, state.ledger ?? emptyLedgerState(window.fromMs));
  const mine = (attribute: string): boolean => attribute.startsWith(MARKER) || shardOf(attribute, part.ofShards) === part.shard;
  const counts: LedgerCounts = new Map();
  const keys = cachedShards(db, hour);
  for (const shard of shardsHolding(part.shard, part.ofShards, Math.max(ledger.shards ?? 1, part.ofShards))) addCounts(counts, hour, only(await keys(shard), mine), window);
  addCounts(counts, hour, only(ledger.pending[hour] ?? {}, mine), window);
  for (const entry of await unwrittenIn(ledger, hour, mine, keys)) addCounts(counts, hour, only(entry, mine), window);
  return counts;
}

/** Frozen entries of `hour` with counts `mine` accepts whose shard does not carry their marker yet. */
async function unwrittenIn(ledger: LedgerState, hour: string, mine: (attribute: string) => boolean, keys: (shard: number) => Promise<Record<string, unknown>>): Promise<Record<string, number>[]> {
  const out: Record<string, number>[] = [];
  for (const [commitId, entryHour, shard, entry] of ledger.flushing ?? []) {
    if (entryHour === hour && Object.keys(entry).some(mine) && !markersIn(await keys(shard)).includes(String(commitId))) out.push(entry);
  }
  return out;
}

/** The ledger state with the frozen counts kept in keys of their own read in (as readLedger does). */
async function withFrozenOut(db: KeyValueStore, stored: LedgerState): Promise<LedgerState> {
  const out = await Promise.all((stored.frozenOut ?? []).map(([commitId, parts]) => readFrozenOut(db, commitId, parts)));
  return { ...stored, flushing: [...(stored.flushing ?? []), ...out.flat()] };
}

/** One read per shard key of `hour`, however often it is asked for. */
function cachedShards(db: KeyValueStore, hour: string): (shard: number) => Promise<Record<string, unknown>> {
  const read = new Map<number, Promise<Record<string, unknown>>>();
  return (shard) => {
    const known = read.get(shard) ?? readShard(db, shardKey(hour, shard));
    read.set(shard, known);
    return known;
  };
}

/**
 * The shard keys that can hold attributes of shard `shard` under `of` shards, whatever count they
 * were written under (counts are powers of two that only grow): under a count c ≥ `of` their
 * key is `shard` + j·`of`; under a smaller count it is `shard` mod c.
 */
export function shardsHolding(shard: number, of: number, now: number): number[] {
  const keys = new Set<number>();
  for (let key = shard % Math.max(1, now); key < now; key += of) keys.add(key);
  for (let count = 1; count < of; count *= 2) keys.add(shard % count);
  return [...keys].sort((a, b) => a - b);
}

function only(attributes: Record<string, unknown>, keep: (attribute: string) => boolean): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attributes).filter(([attribute]) => keep(attribute)));
}

/** The commit ids whose counts a shard holds (its marker attributes). */
function markersIn(stored: Record<string, unknown>): string[] {
  return Object.keys(stored).filter((name) => name.startsWith(MARKER)).map((name) => name.slice(MARKER.length));
}

async function readShard(db: KeyValueStore, key: string): Promise<Record<string, unknown>> {
  try {
    return await db.get(key);
  } catch (error) {
    if (isNotFound(error)) return {};
    throw error;
  }
}

function addCounts(counts: LedgerCounts, hour: string, attributes: Record<string, unknown>, window: { fromMs: number; toMs: number }): void {
  for (const [attribute, value] of Object.entries(attributes)) {
    const parsed = parseLedgerAttribute(attribute);
    if (parsed === undefined || typeof value !== 'number') continue;
    const start = hourStart(hour) + parsed.quarter * INTERVAL_MS;
    if (start >= window.fromMs && start < window.toMs) addCount(counts, parsed.queueIdentifier, start, value);
  }
}

function addCount(counts: LedgerCounts, queueIdentifier: string, start: number, value: number): void {
  const perInterval = counts.get(queueIdentifier) ?? new Map<string, number>();
  const at = isoOf(start);
  perInterval.set(at, (perInterval.get(at) ?? 0) + value);
  counts.set(queueIdentifier, perInterval);
}

function describe(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { status?: unknown; message?: unknown };
  return [e.status, e.message].filter((x) => x !== undefined).map(String).join(' ') || String(error);
}
