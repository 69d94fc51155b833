/**
 * The last good status answer, kept in the browser per installation (issue 22). When getStatus
 * is refused — the platform's per-minute limits (429, or 503 from the function when its KV reads
 * were refused) — the page shows this answer "as of" its time instead of going dark. It lives in
 * localStorage (a reload or a new tab still has it), or sessionStorage when localStorage is
 * refused (third-party storage blocked); without either, only in this page's memory.
 */
import { isHealthView, type StatusAnswer } from './status-model';

/** The part of the Web Storage API the cache uses. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface StoredStatus {
  answer: StatusAnswer;
  /** The admin's clock (ms) when the answer arrived: with `answeredAt` it gives the platform's "now" later. */
  receivedAt: number;
}

const VERSION = 1;

/** One key per installation: the account's Freshdesk host (two accounts in one browser keep theirs apart). */
export function statusCacheKey(host: string): string {
  return `injixo-connect:status:v${VERSION}:${host === '' ? 'unknown-host' : host}`;
}

export function saveStatus(storage: KeyValueStorage | undefined, key: string, stored: StoredStatus): void {
  try {
    storage?.setItem(key, JSON.stringify(stored));
  } catch {
    // Full or refused: the page still has the answer in memory.
  }
}

export function loadCachedStatus(storage: KeyValueStorage | undefined, key: string): StoredStatus | undefined {
  let text: string | null | undefined;
  try {
    text = storage?.getItem(key);
  } catch {
    return undefined;
  }
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<StoredStatus>;
    return typeof parsed.receivedAt === 'number' && isHealthView(parsed.answer) ? { answer: parsed.answer, receivedAt: parsed.receivedAt } : undefined;
  } catch {
    return undefined;
  }
}

/** When the stored status was true: the snapshot's time, else when the platform answered, else when it arrived. */
export function asOfMs(stored: StoredStatus): number {
  for (const value of [stored.answer.asOf, stored.answer.answeredAt]) {
    const ms = value ? Date.parse(value) : Number.NaN;
    if (!Number.isNaN(ms)) return ms;
  }
  return stored.receivedAt;
}

/** The platform's "now", from the stored answer's `answeredAt` moved on by the admin's clock since it arrived. */
export function platformNowFrom(stored: StoredStatus, browserNow: number): number {
  const answered = stored.answer.answeredAt ? Date.parse(stored.answer.answeredAt) : Number.NaN;
  return Number.isNaN(answered) ? browserNow : answered + (browserNow - stored.receivedAt);
}

/** A refusal of the platform's limits (the function's 503 wraps a refused KV read): say so plainly. */
export function isLimitRefusal(status: number | undefined): boolean {
  return status === 429 || status === 503;
}
