/**
 * What the daily check (SPEC §10, issue 20) found per UTC day, for the status page's last 14 days,
 * and which recorded gaps it already repaired. One KV record (CHECK_DAYS_KEY), bounded: 16 days,
 * 40 gap keys, ~4 KB at most (test/import/check-days.test.ts), narrowed by a schema when read back.
 */
import type { JSONSchemaType } from 'ajv';
import { NO_MAPS, updateState } from '../delivery/commit/commit';
import { CHECK_DAYS_BYTES, showWalk } from '../delivery/status/walk-views';
import { log } from '../platform/log';
import { isNotFound } from '../platform/refusals';
import type { KeyValueStore, Platform } from '../platform/types';
import { createValidator } from '../schemas/create-validator';
import { CHECK_DAYS_KEY } from '../storage/keys';
import type { Gap } from '../delivery/stored/stored-data';
import type { ReplayResult } from './import-record';

/** Days kept (the page shows 14; two more cover the day under way and the one being checked). */
export const KEPT_DAYS = 16;
/** Gap keys remembered as repaired. */
export const KEPT_GAPS = 40;

/** Why a day was not checked (the page's sentence for each). */
export type NotCheckedReason = 'switched_off' | 'import_running' | 'walk_running' | 'failed' | 'before_install';

/** One day's figures: Freshdesk's count (f), delivered before the check (e), sent by it (x), surplus (p), delivered under a former group (o). */
export interface DayCheck {
  d: string;
  s: 'checked' | 'not_checked';
  why?: NotCheckedReason;
  f?: number;
  e?: number;
  x?: number;
  p?: number;
  o?: number;
  /** Six-hour buckets the ledger marks uncertain (nothing guessed there). */
  u?: string[];
  /** When it was checked (ms), and the Freshdesk requests it took. */
  at?: number;
  r?: number;
  /** Contacts sent for this day by later gap repairs. */
  gx?: number;
  /** Contacts held back: their interval's totals could not tell them from a copy. */
  hb?: number;
}

export interface CheckDays {
  v: 1;
  days: DayCheck[];
  /** Gaps repaired (gapKey). */
  healed: string[];
  /** Freshdesk requests and contacts of the last completed check: the cost per contact the page states. */
  cost?: { requests: number; contacts: number };
}

const int = { type: 'integer' };
const str = { type: 'string' };
const schema = {
  type: 'object',
  required: ['v', 'days', 'healed'],
  properties: {
    v: { const: 1 },
    days: {
      type: 'array',
      maxItems: KEPT_DAYS,
      items: {
        type: 'object',
        required: ['d', 's'],
        properties: {
          d: str,
          s: { type: 'string', enum: ['checked', 'not_checked'] },
          why: { type: 'string', enum: ['switched_off', 'import_running', 'walk_running', 'failed', 'before_install'] },
          f: int,
          e: int,
          x: int,
          p: int,
          o: int,
          u: { type: 'array', items: str },
          at: int,
          r: int,
          gx: int,
          hb: int,
        },
      },
    },
    healed: { type: 'array', items: str, maxItems: KEPT_GAPS },
    cost: { type: 'object', required: ['requests', 'contacts'], properties: { requests: int, contacts: int } },
  },
} as unknown as JSONSchemaType<CheckDays>;

const checkDaysSchema = createValidator(schema, 'check-days');

export function emptyCheckDays(): CheckDays {
  return { v: 1, days: [], healed: [] };
}

/** The record; an absent or unreadable one is empty (the checks then start over: nothing is sent twice by a check). */
export async function readCheckDays(db: KeyValueStore): Promise<CheckDays> {
  try {
    const checked = checkDaysSchema(await db.get(CHECK_DAYS_KEY));
    return checked.ok ? checked.value : emptyCheckDays();
  } catch (error) {
    if (isNotFound(error)) return emptyCheckDays();
    throw error;
  }
}

/** Where the days are kept in the state record's walk views (the status page reads only that record). */
export const CHECK_DAYS_VIEW = 'checkDays';

/** Stores the days, then shows them in the state record (publishCheckDays). */
export async function writeCheckDays(platform: Pick<Platform, 'db' | 'schedule' | 'now'>, days: CheckDays): Promise<void> {
  const bounded = boundCheckDays(days);
  await platform.db.set(CHECK_DAYS_KEY, bounded as unknown as Record<string, unknown>);
  await publishCheckDays(platform, bounded);
}

/**
 * The days as the status page needs them, in the state record (one KV read a load, issue 22):
 * the figures of the last days, the cost, and the repaired gaps the state still lists. Through
 * the commit protocol; false when a delivery run held the lease or the store refused (the page
 * keeps the previous days until the next write or the next look of the watchdog).
 */
export async function publishCheckDays(platform: Pick<Platform, 'db' | 'schedule' | 'now'>, days: CheckDays): Promise<boolean> {
  try {
    const outcome = await updateState(platform, platform.now(), (opened) => {
      const listed = new Set((opened.state.gaps ?? []).map(gapKey));
      const shown: Record<string, unknown> = { days: days.days, healed: days.healed.filter((h) => listed.has(h)) };
      if (days.cost) shown.cost = days.cost;
      showWalk(opened.state, CHECK_DAYS_VIEW, shown, KEPT_DAYS, CHECK_DAYS_BYTES);
      return Promise.resolve();
    }, NO_MAPS);
    return outcome === 'done';
  } catch (error) {
    log('warn', 'PLATFORM_LIMIT', `the status page's days of the daily check could not be updated now (${(error as { message?: string }).message ?? String(error)}); the next check or look updates them`);
    return false;
  }
}

/** The days the state record shows (publishCheckDays), or empty ones. */
export function shownCheckDays(shown: Record<string, unknown> | undefined): CheckDays {
  const checked = checkDaysSchema({ v: 1, days: [], healed: [], ...(shown ?? {}) });
  return checked.ok ? checked.value : emptyCheckDays();
}

/** The newest KEPT_DAYS days and KEPT_GAPS gap keys. */
export function boundCheckDays(days: CheckDays): CheckDays {
  const sorted = [...new Map(days.days.map((d) => [d.d, d])).values()].sort((a, b) => (a.d < b.d ? -1 : 1));
  return { ...days, days: sorted.slice(-KEPT_DAYS), healed: days.healed.slice(-KEPT_GAPS) };
}

export function gapKey(gap: Pick<Gap, 'reason' | 'from' | 'to'>): string {
  return `${gap.reason}|${gap.from}|${gap.to}`;
}

/** A day's entry, replaced. */
export function setDay(days: CheckDays, entry: DayCheck): void {
  days.days = [...days.days.filter((d) => d.d !== entry.d), entry];
}

export function dayEntryOf(day: string, result: ReplayResult, atMs: number, requests: number): DayCheck {
  const entry: DayCheck = { d: day, s: 'checked', f: result.found, e: result.alreadyDelivered, x: result.sent, p: result.surplus, o: result.claimedElsewhere, at: atMs, r: requests };
  if (result.uncertainHours && result.uncertainHours.length > 0) entry.u = result.uncertainHours;
  if (result.heldBack) entry.hb = result.heldBack;
  return entry;
}
