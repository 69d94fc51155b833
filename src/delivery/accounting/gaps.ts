import { INTERVAL_MS, isoOf } from '../../core/time';
import type { OfferedContact } from '../../core/types';
import { log } from '../../platform/log';
import type { KeyValueStore } from '../../platform/types';
import { BACKLOG_PREFIX, LOST_EVENTS_BUCKET_PREFIX, LOST_UPDATES_BUCKET_PREFIX } from '../../storage/keys';
import { hourOf, markUncertain } from './ledger';
import type { AppState, Gap, GapReason } from '../stored/stored-data';
import { LOSS_CLASS, type LossClass, type RecordKind } from '../stored/record-kinds';

/** The counters attribute prefix a lost record is counted under, by what its loss means. */
const LOST_BUCKET_PREFIX: Readonly<Record<LossClass, string>> = { contact: LOST_EVENTS_BUCKET_PREFIX, fact: LOST_UPDATES_BUCKET_PREFIX };

/**
 * Gaps (issue 11 item 4): periods in which the app knows or suspects it missed contacts, kept
 * so that a replay of exactly those windows (the import issue's walk of Freshdesk, by
 * difference against the ledger) can repair them. Recording one must be cheap, because it
 * happens exactly when the platform is short of room:
 *   - what a delivery run lets go (backlog overflow, a refused commit, a silence between runs)
 *     is written into the state record the run writes anyway (no extra call);
 *   - an event that neither the KV store nor the scheduler took is counted by the handler in a
 *     15-minute bucket of the counters key, in the same single `increment` that already counts
 *     lost events (see keep-record.ts); the health view turns buckets into gaps.
 * docs/delivery.md "What the app can and cannot detect" lists what is not covered.
 */

/** Gaps kept in the state record; older ones are logged when they leave (the log keeps them). */
export const MAX_STATE_GAPS = 12;
/** Gaps the health view returns, newest first: enough for weeks of incidents, small enough for a page. */
export const MAX_VIEW_GAPS = 50;
/**
 * Runs come at least once a delivery period (the recurring schedule). A long silence means the
 * app itself was not running (platform outage, app disabled), so events of that time may never
 * have reached a handler. Not three periods: under sustained overload (from ~75 events/min in
 * the benchmark) a few runs in a row are refused by the KV limit while handlers keep every
 * record, and a gap there would send the admin to replay a window that lost nothing.
 */
export const SILENCE_GAP_MS = 2 * 60 * 60_000;

/** Whether two gaps say the same and overlap or touch. */
function joins(a: Gap, b: Gap): boolean {
  return a.reason === b.reason && Date.parse(b.from) <= Date.parse(a.to) && Date.parse(b.to) >= Date.parse(a.from);
}

function widen(into: Gap, gap: Gap): void {
  into.from = isoOf(Math.min(Date.parse(into.from), Date.parse(gap.from)));
  into.to = isoOf(Math.max(Date.parse(into.to), Date.parse(gap.to)));
  if (gap.contactsKnownLost !== undefined) into.contactsKnownLost = (into.contactsKnownLost ?? 0) + gap.contactsKnownLost;
  if (gap.contactsMaybeLost !== undefined) into.contactsMaybeLost = (into.contactsMaybeLost ?? 0) + gap.contactsMaybeLost;
}

/** Adds a gap to the state, merging it into the newest one when they touch and say the same. */
export function addGap(state: AppState, gap: Gap): void {
  const gaps = state.gaps ?? [];
  const last = gaps[gaps.length - 1];
  if (last && joins(last, gap)) widen(last, gap);
  else gaps.push({ ...gap });
  for (const old of gaps.splice(0, Math.max(0, gaps.length - MAX_STATE_GAPS))) {
    log('warn', 'GAP_FORGOTTEN', `the oldest recorded gap (${old.reason} ${old.from}–${old.to}) leaves the status page; replay that window if it was not repaired`, { ...old });
  }
  state.gaps = gaps;
}

/** A gap covering the given contacts' timestamps, when there are any. */
export function gapOfContacts(contacts: readonly Pick<OfferedContact, 'timestamp'>[], reason: GapReason): Gap | undefined {
  const times = contacts.map((c) => Date.parse(c.timestamp)).filter((t) => !Number.isNaN(t));
  if (times.length === 0) return undefined;
  return { from: isoOf(Math.min(...times)), to: isoOf(Math.max(...times)), reason, contactsKnownLost: contacts.length };
}

/**
 * Contacts a run posted that injixo never confirmed (no answer within the platform's 15 s, or an
 * answer the platform refused). injixo may hold them or not; it has no contact id, so sending
 * them again could make a copy that can never be taken back. They are therefore not sent again:
 * their period becomes a gap with the count that may be missing, their ledger hours are marked
 * uncertain (a replay or check there treats them as delivered, and says so), and the log says it.
 */
export function noteUnconfirmed(state: AppState, contacts: readonly OfferedContact[]): void {
  const span = gapOfContacts(contacts, 'delivery_unconfirmed');
  if (!span) return;
  addGap(state, { from: span.from, to: span.to, reason: 'delivery_unconfirmed', contactsMaybeLost: contacts.length });
  if (state.ledger) markUncertain(state.ledger, [...new Set(contacts.map((c) => hourOf(c.timestamp)))]);
  state.health.unconfirmedTotal = (state.health.unconfirmedTotal ?? 0) + contacts.length;
  log('warn', 'DELIVERY_UNCONFIRMED', `injixo did not confirm a batch of ${contacts.length} contacts (${span.from}–${span.to}); it may or may not have stored them, and they are not sent again (a second copy could never be taken back); check those intervals in injixo`, { contacts: contacts.length, from: span.from, to: span.to });
}

/**
 * Called by every committing run: a silence longer than SILENCE_GAP_MS since the last one is
 * a suspected gap (no count: handlers may have kept working while runs did not).
 */
export function noteRun(state: AppState, nowMs: number): void {
  if (state.lastRunAt !== undefined && nowMs - state.lastRunAt > SILENCE_GAP_MS) {
    addGap(state, { from: isoOf(state.lastRunAt), to: isoOf(nowMs), reason: 'no_delivery_runs' });
  }
  state.lastRunAt = nowMs;
}

/**
 * A backlog overflow drops the oldest chunks: their contacts are known lost. Their time span is
 * read from the first and last dropped chunk (best effort, a disaster path: at most two reads);
 * when that is refused, the gap runs from the install time, which over-covers but never misses.
 */
export async function noteDroppedChunks(db: KeyValueStore, state: AppState, trimmed: readonly { key: string; n: number }[], nowMs: number): Promise<void> {
  const dropped = trimmed.filter((c) => c.key.startsWith(BACKLOG_PREFIX));
  if (dropped.length === 0) return;
  const count = dropped.reduce((sum, c) => sum + c.n, 0);
  const span = gapOfContacts(await timestampsOf(db, [...new Set([dropped[0], dropped[dropped.length - 1]])]), 'backlog_full');
  addGap(state, { from: span?.from ?? state.installedAt, to: span?.to ?? isoOf(nowMs), reason: 'backlog_full', contactsKnownLost: count });
}

/** The contacts' timestamps in these chunks; none at all when one cannot be read (the caller over-covers). */
async function timestampsOf(db: KeyValueStore, chunks: readonly ({ key: string } | undefined)[]): Promise<{ timestamp: string }[]> {
  const found: { timestamp: string }[] = [];
  try {
    for (const chunk of chunks) if (chunk) found.push(...timestampItems((await db.get(chunk.key)).items));
  } catch {
    return [];
  }
  return found;
}

function timestampItems(items: unknown): { timestamp: string }[] {
  if (!Array.isArray(items)) return [];
  return (items as { timestamp?: unknown }[]).flatMap((item) => (typeof item.timestamp === 'string' ? [{ timestamp: item.timestamp }] : []));
}

/**
 * The counters attribute a lost event of this time is counted in (one per 15-minute interval).
 * Only ticket creations and replies are contacts; a lost update, time entry or agent change is
 * a fact that may make other contacts wrong, so it marks the interval without a count (before,
 * a lost time entry or agent change was counted as a lost contact: issue 19).
 */
export function lostBucketOf(kind: RecordKind, timeMs: number): string {
  return `${LOST_BUCKET_PREFIX[LOSS_CLASS[kind]]}${Math.floor(timeMs / INTERVAL_MS)}`;
}

/**
 * Gaps from the counters' lost-event buckets, consecutive intervals merged. A lost ticket or
 * reply is a contact known lost; a lost ticket update is only a suspected misattribution.
 */
export function gapsFromCounters(counters: Record<string, unknown>): Gap[] {
  const buckets = lostBuckets(counters);
  const gaps: Gap[] = [];
  let previous: number | undefined;
  for (const interval of [...buckets.keys()].sort((a, b) => a - b)) {
    const last = gaps[gaps.length - 1];
    const gap = intervalGap(interval, buckets.get(interval) ?? 0);
    if (last && previous === interval - 1) widen(last, gap);
    else gaps.push(gap);
    previous = interval;
  }
  return gaps;
}

/** Interval → contacts lost in it, for every interval with a lost event. */
function lostBuckets(counters: Record<string, unknown>): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const [name, value] of Object.entries(counters)) {
    const bucket = parseBucket(name, value);
    if (bucket) buckets.set(bucket.interval, (buckets.get(bucket.interval) ?? 0) + bucket.contacts);
  }
  return buckets;
}

/** A lost-events attribute: its interval and how many contacts it counts (0 for ticket updates). */
function parseBucket(name: string, value: unknown): { interval: number; contacts: number } | undefined {
  const prefix = [LOST_UPDATES_BUCKET_PREFIX, LOST_EVENTS_BUCKET_PREFIX].find((p) => name.startsWith(p));
  if (prefix === undefined || typeof value !== 'number' || !(value > 0)) return undefined;
  const interval = Number(name.slice(prefix.length));
  if (!Number.isInteger(interval)) return undefined;
  return { interval, contacts: prefix === LOST_EVENTS_BUCKET_PREFIX ? value : 0 };
}

function intervalGap(interval: number, contacts: number): Gap {
  return { from: isoOf(interval * INTERVAL_MS), to: isoOf((interval + 1) * INTERVAL_MS), reason: 'event_lost', ...(contacts > 0 ? { contactsKnownLost: contacts } : {}) };
}

/** Every gap the app knows of, newest first, at most MAX_VIEW_GAPS. */
export function gapList(state: AppState): Gap[] {
  return [...(state.gaps ?? [])].sort((a, b) => Date.parse(b.from) - Date.parse(a.from)).slice(0, MAX_VIEW_GAPS);
}
