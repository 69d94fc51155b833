/**
 * The delivered ledger (SPEC §9): how many contacts the app has delivered to injixo per queue
 * and 15-minute interval — the level at which injixo stores them. injixo has no contact ids and
 * cannot delete, so this is what makes "exactly once" checkable and a replay possible by
 * difference: Freshdesk's count for a (queue, interval) minus the ledger's is what is missing.
 *
 * Storage: one KV key per six UTC hours of the contacts' own timestamps (a *bucket*), with one
 * top-level attribute per (queue, quarter of an hour in the bucket): `{"42/1/t|9": 17}`. A run
 * adds its counts with ONE atomic `update … increment` per bucket it touched (usually one), so
 * the ledger costs one KV operation per six hours (see isDue); a run draining days of backlog
 * writes at most MAX_WRITES_PER_RUN buckets and leaves the rest pending for the next runs, so
 * the ledger never crowds out the run's own bookkeeping under the 50 KV operations a minute.
 * Attribute names are the identifier without its constant `freshdesk/` and with the kind as
 * one letter (~12 bytes with the count), so a bucket of 130 busy queues × 24 quarters stays
 * under the 40 KB value limit.
 *
 * Order: a run increments the ledger after injixo accepted the batch and before it commits its
 * state. A run that dies in between posts the batch again next time and counts it again: the
 * ledger then still equals what injixo holds, which is what a replay must subtract. A refused
 * increment is kept in the state and retried by the next run, never dropped.
 */
import { INTERVAL_MS, isoOf } from '../../core/time';
import { isOffered, type OfferedContact } from '../../core/types';
import { log } from '../../platform/log';
import { isNotFound } from '../../platform/refusals';
import type { KeyValueStore } from '../../platform/types';
import { ledgerKey } from '../../storage/keys';
import type { AppState, LedgerState } from '../stored/stored-data';

/** Days of history the ledger keeps (SPEC §9's retention window). */
export const LEDGER_RETENTION_DAYS = 35;
/** Expired bucket keys deleted per run at most (a day has four). */
export const MAX_PRUNES_PER_RUN = 1;
/** A pending bucket with this many (queue, quarter) counts (~5 KB of the state record) is written early. */
export const MAX_PENDING_ATTRIBUTES = 400;
/** Bucket keys incremented per run at most; the rest wait in the state for the next run. */
export const MAX_WRITES_PER_RUN = 2;

const BUCKET_HOURS = 6;
const HOUR_MS = BUCKET_HOURS * 60 * 60_000;

/** The bucket of a contact: `2026-11-21T10:34:22Z` → `2026-11-21T06`. */
export function hourOf(timestamp: string): string {
  return hourName(hourIndex(Date.parse(timestamp)));
}

/** `freshdesk/42/1/tickets` + 10:34 → `42/1/t|18` (the 18th quarter since 06:00). */
export function ledgerAttribute(queueIdentifier: string, timestamp: string): string {
  const [, group, source, kind] = queueIdentifier.split('/');
  const ms = Date.parse(timestamp);
  const quarter = Math.floor((ms - hourIndex(ms) * HOUR_MS) / INTERVAL_MS);
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
  return { pending: {}, keptFrom: firstKeptBucket(nowMs) };
}

/** The oldest bucket inside the retention window at `nowMs`. */
function firstKeptBucket(nowMs: number): number {
  return hourIndex(nowMs) - (LEDGER_RETENTION_DAYS * 24) / BUCKET_HOURS;
}

function hourIndex(ms: number): number {
  return Math.floor(ms / HOUR_MS);
}

function hourName(index: number): string {
  return new Date(index * HOUR_MS).toISOString().slice(0, 13);
}

/** Adds `contacts` to the counts waiting to be written, grouped by hour. */
function addPending(ledger: LedgerState, contacts: readonly OfferedContact[]): void {
  // The ledger is what a replay by difference compares Freshdesk's offered counts with.
  for (const contact of contacts.filter(isOffered)) {
    const hour = hourOf(contact.timestamp);
    const counts = ledger.pending[hour] ?? {};
    ledger.pending[hour] = counts;
    const attribute = ledgerAttribute(contact.queueIdentifier, contact.timestamp);
    counts[attribute] = (counts[attribute] ?? 0) + 1;
  }
}

/**
 * Counts what injixo accepted in this run and writes every pending hour, this run's and what
 * earlier runs could not write. What the store refuses stays pending in the state.
 */
export async function recordDelivered(db: KeyValueStore, state: AppState, delivered: readonly OfferedContact[], nowMs: number): Promise<string[]> {
  const ledger = state.ledger ?? emptyLedgerState(nowMs);
  state.ledger = ledger;
  addPending(ledger, delivered);
  const written: string[] = [];
  for (const [hour, counts] of Object.entries(ledger.pending)) {
    // An hour already outside the retention window would only be pruned again.
    if (Date.parse(`${hour}:00:00Z`) < ledger.keptFrom * HOUR_MS) {
      delete ledger.pending[hour];
      continue;
    }
    if (!isDue(hour, counts, nowMs)) continue;
    if (written.length >= MAX_WRITES_PER_RUN) break;
    try {
      await db.update(ledgerKey(hour), 'increment', counts);
      delete ledger.pending[hour];
      written.push(hour);
    } catch {
      // Kept in the state; the next run tries again. Nothing else in this run depends on it.
    }
  }
  return written;
}

/** Delivered contacts as ledger counts: hour → attribute → count (what a run adds to `pending`). */
export function ledgerCountsOf(contacts: readonly OfferedContact[]): Record<string, Record<string, number>> {
  const ledger: LedgerState = { pending: {}, keptFrom: 0 };
  addPending(ledger, contacts);
  return ledger.pending;
}

/**
 * A run's ledger changes carried by a handed-off commit (pending-commit.ts) onto the stored
 * state: hours the run wrote leave `pending` (their stored counts were written with them), and
 * its other counts join it. Hours whose changes could not be carried become `uncertain`.
 */
export function applyLedgerChanges(ledger: LedgerState, changes: LedgerChanges): LedgerState {
  const uncertain = [...new Set([...(ledger.uncertain ?? []), ...(changes.uncertain ?? [])])].sort();
  return { ...ledger, pending: pendingWith(ledger.pending, changes.added ?? {}, changes.written ?? []), ...(uncertain.length > 0 ? { uncertain } : {}) };
}

function pendingWith(stored: LedgerState['pending'], added: LedgerState['pending'], written: readonly string[]): LedgerState['pending'] {
  const pending = JSON.parse(JSON.stringify(stored)) as LedgerState['pending'];
  for (const hour of written) delete pending[hour];
  for (const [hour, counts] of Object.entries(added)) {
    if (!written.includes(hour)) pending[hour] = sumCounts(pending[hour] ?? {}, counts);
  }
  return pending;
}

/** What a run changed in the ledger: counts it added, hours it wrote, or (when those could not travel) the hours touched. */
export interface LedgerChanges {
  added?: Record<string, Record<string, number>>;
  written?: string[];
  uncertain?: string[];
}

function sumCounts(into: Record<string, number>, counts: Record<string, number>): Record<string, number> {
  for (const [attribute, count] of Object.entries(counts)) into[attribute] = (into[attribute] ?? 0) + count;
  return into;
}

/**
 * Six-hour buckets overlapping `[fromMs, toMs)` whose counts the app could not keep exactly
 * (a run's bookkeeping too big for the hand-off): a replay there may send what injixo holds.
 */
export function uncertainHours(state: AppState, fromMs: number, toMs: number): string[] {
  return (state.ledger?.uncertain ?? []).filter((hour) => {
    const start = Date.parse(`${hour}:00:00Z`);
    return start < toMs && start + HOUR_MS > fromMs;
  });
}

/**
 * Whether a pending bucket is written now. Counts wait in the state record, which every run
 * writes anyway, so they are as safe there as in their own key: a bucket is written once it has
 * ended (one increment per six hours instead of one per run), or earlier when its counts would
 * make the state record too big.
 */
function isDue(hour: string, counts: Record<string, number>, nowMs: number): boolean {
  return Date.parse(`${hour}:00:00Z`) + HOUR_MS <= nowMs || Object.keys(counts).length >= MAX_PENDING_ATTRIBUTES;
}

/**
 * Deletes hour keys that fell out of the retention window, a few per run, and says so once a
 * day. Returns how many were deleted.
 */
export async function pruneLedger(db: KeyValueStore, state: AppState, nowMs: number): Promise<number> {
  const ledger = state.ledger ?? emptyLedgerState(nowMs);
  state.ledger = ledger;
  const firstKept = firstKeptBucket(nowMs);
  let pruned = 0;
  while (ledger.keptFrom < firstKept && pruned < MAX_PRUNES_PER_RUN) {
    try {
      await db.delete(ledgerKey(hourName(ledger.keptFrom)));
    } catch (error) {
      if (!isNotFound(error)) return pruned;
    }
    ledger.keptFrom += 1;
    pruned += 1;
    dropExpiredUncertain(ledger);
    if (ledger.keptFrom % (24 / BUCKET_HOURS) === 0) {
      log('info', 'LEDGER_PRUNED', `the delivered ledger now starts at ${hourName(ledger.keptFrom)}:00Z (${LEDGER_RETENTION_DAYS} days are kept)`);
    }
  }
  return pruned;
}

function dropExpiredUncertain(ledger: LedgerState): void {
  if (!ledger.uncertain) return;
  const kept = ledger.uncertain.filter((hour) => Date.parse(`${hour}:00:00Z`) >= ledger.keptFrom * HOUR_MS);
  if (kept.length > 0) ledger.uncertain = kept;
  else delete ledger.uncertain;
}

/** Delivered counts per queue identifier and interval start (ISO), for `[fromMs, toMs)`. */
export type LedgerCounts = Map<string, Map<string, number>>;

/**
 * Reads the ledger for a window, one KV read per bucket (a replay reads what it compares, hour by
 * hour, within the KV budget). Missing hours are empty. Counts still pending in the state are
 * included, since they were delivered too.
 */
export async function readLedger(db: KeyValueStore, state: AppState, fromMs: number, toMs: number): Promise<LedgerCounts> {
  const counts: LedgerCounts = new Map();
  for (let index = hourIndex(fromMs); index * HOUR_MS < toMs; index += 1) {
    const hour = hourName(index);
    let stored: Record<string, unknown> = {};
    try {
      stored = await db.get(ledgerKey(hour));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    addCounts(counts, hour, stored, fromMs, toMs);
    addCounts(counts, hour, state.ledger?.pending[hour] ?? {}, fromMs, toMs);
  }
  return counts;
}

function addCounts(counts: LedgerCounts, hour: string, attributes: Record<string, unknown>, fromMs: number, toMs: number): void {
  for (const [attribute, value] of Object.entries(attributes)) {
    const parsed = parseLedgerAttribute(attribute);
    if (parsed === undefined || typeof value !== 'number') continue;
    const start = Date.parse(`${hour}:00:00Z`) + parsed.quarter * INTERVAL_MS;
    if (start >= fromMs && start < toMs) addCount(counts, parsed.queueIdentifier, start, value);
  }
}

function addCount(counts: LedgerCounts, queueIdentifier: string, start: number, value: number): void {
  const perInterval = counts.get(queueIdentifier) ?? new Map<string, number>();
  const at = isoOf(start);
  perInterval.set(at, (perInterval.get(at) ?? 0) + value);
  counts.set(queueIdentifier, perInterval);
}
