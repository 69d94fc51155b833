/**
 * How long the chosen import window takes for this account (issue 22), from one cheap Freshdesk
 * call: the 100 newest tickets (`GET /api/v2/tickets?order_by=created_at&order_type=desc`,
 * template `freshdeskRecentTickets`). How long they took to come in gives tickets a day; the
 * window times that, at the in-app walk's pace, gives the time. Above a day's worth the page
 * advises the import tool (the CLI), which reads a hundred or more tickets a minute.
 */
import { statusOf, type TemplateInvoker } from './key-checks';
import { FRESHDESK_HOST_CONTEXT } from '../remote/freshdesk-host';

export const RECENT_TICKETS_TEMPLATE = 'freshdeskRecentTickets';
/** The template's per_page (Freshdesk's maximum). */
export const SAMPLE_SIZE = 100;
/** Freshdesk's ticket list without `updated_since` covers the last 30 days (SPEC §4). */
const LIST_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * The in-app import's pace, the one place the page takes it from: measured, 58,006 Freshdesk
 * requests in 1.89 days for 30 days of the default world (`npx tsx bench/run.ts
 * --in-app-import-only`, 2026-12-07, on a shared 2-CPU machine), under the walk's ceiling of one
 * slice of SLICE_REQUESTS a LANE_STAGGER_MS (src/import/in-app.ts, walk-chain.ts: ~1,416 an
 * hour). test/ui/import-estimate.test.ts holds it between half that ceiling and the ceiling.
 */
export const IN_APP_IMPORT_REQUESTS_PER_HOUR = 1280;
/** Requests per imported ticket, measured: 57,926 for 60,000 tickets (docs/measurements.md, the in-app import). */
export const REQUESTS_PER_TICKET = 0.97;
/** Above this many hours of in-app importing, the page advises the import tool instead. */
export const CLI_ADVICE_HOURS = 24;
/** The tickets that take CLI_ADVICE_HOURS in the app (≈ 4,900): the size the advice names. */
export const CLI_ADVICE_TICKETS = Math.round((CLI_ADVICE_HOURS * IN_APP_IMPORT_REQUESTS_PER_HOUR) / REQUESTS_PER_TICKET / 100) * 100;

/**
 * Freshdesk requests the daily check spends per ticket of the day it checks, measured with the
 * default world: 1,964 requests for a day of 2,000 tickets (4,376 contacts, 0.449 a contact;
 * `npx tsx bench/run.ts --check-only --only day`, docs/walk-lifecycle.md "Measured"). The
 * settings page multiplies it by this account's tickets a day.
 */
export const CHECK_REQUESTS_PER_TICKET = 0.98;

/** Freshdesk API calls a day the daily check costs an account with `perDay` tickets a day. */
export function checkCallsPerDay(perDay: number): number {
  return perDay * CHECK_REQUESTS_PER_TICKET;
}

/**
 * Tickets a day from the newest tickets' `created_at`. A full page: as many as came in since the
 * oldest of them. A shorter page is every ticket of the last 30 days (the list's default window).
 * Undefined when the answer holds no readable time.
 */
export function ticketsPerDay(createdAt: readonly string[], nowMs: number, sampleSize: number = SAMPLE_SIZE): number | undefined {
  const times = createdAt.map((t) => Date.parse(t)).filter((t) => !Number.isNaN(t));
  if (times.length < sampleSize) return times.length === createdAt.length ? times.length / LIST_DAYS : undefined;
  const span = nowMs - Math.min(...times);
  // At least an hour: 100 tickets in a few minutes is a burst, not a daily rate.
  return (times.length * DAY_MS) / Math.max(span, 3_600_000);
}

/** An estimate's figure for people: two significant digits (60,289 → 60,000; 101 → 100); under 100 as is. */
export function roughly(n: number): number {
  if (n < 100) return Math.round(n);
  const unit = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.round(n / unit) * unit;
}

export interface ImportEstimate {
  tickets: number;
  hours: number;
  /** The import tool is the better way: more than CLI_ADVICE_HOURS in the app. */
  useCli: boolean;
}

export function estimateImport(days: number, perDay: number): ImportEstimate {
  const tickets = Math.round(days * perDay);
  const hours = (tickets * REQUESTS_PER_TICKET) / IN_APP_IMPORT_REQUESTS_PER_HOUR;
  return { tickets, hours, useCli: hours > CLI_ADVICE_HOURS };
}

/** The one call; undefined when Freshdesk did not answer with a ticket list (the page then says nothing of the size). */
export async function measureTicketsPerDay(request: TemplateInvoker, key: string, host: string, nowMs: number): Promise<number | undefined> {
  let answer: unknown;
  try {
    answer = await request.invokeTemplate(RECENT_TICKETS_TEMPLATE, { context: { freshdesk_api_key: key, [FRESHDESK_HOST_CONTEXT]: host } });
  } catch {
    return undefined;
  }
  if (statusOf(answer) < 200 || statusOf(answer) >= 300) return undefined;
  const body = (answer as { response?: unknown }).response;
  let list: unknown;
  try {
    list = typeof body === 'string' ? JSON.parse(body) : body;
  } catch {
    return undefined;
  }
  if (!Array.isArray(list)) return undefined;
  return ticketsPerDay(list.map(createdAtOf), nowMs);
}

function createdAtOf(ticket: unknown): string {
  const value = (ticket as { created_at?: unknown } | null)?.created_at;
  return typeof value === 'string' ? value : '';
}
