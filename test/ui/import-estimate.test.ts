/** The install page's estimate for the chosen import window (issue 22), from the newest tickets. */
import { CHECK_REQUESTS_PER_TICKET, checkCallsPerDay, CLI_ADVICE_HOURS, CLI_ADVICE_TICKETS, estimateImport, roughly, IN_APP_IMPORT_REQUESTS_PER_HOUR, measureTicketsPerDay, RECENT_TICKETS_TEMPLATE, REQUESTS_PER_TICKET, ticketsPerDay } from '../../src/app/import-estimate';
import { SLICE_REQUESTS } from '../../src/import/in-app';
import { LANE_STAGGER_MS } from '../../src/import/walk-chain';
import { SCHEDULE_LEAD_MS } from '../../src/platform/schedule-lead';

const NOW = Date.parse('2026-11-21T10:40:00Z');
const HOUR = 3_600_000;

function newest(count: number, everyMs: number): string[] {
  return Array.from({ length: count }, (_, i) => new Date(NOW - (i + 1) * everyMs).toISOString());
}

describe('the in-app import’s pace', () => {
  it('is the walk’s measured pace, under its ceiling of a slice of SLICE_REQUESTS every LANE_STAGGER_MS (issue 20: six lanes)', () => {
    const ceiling = (SLICE_REQUESTS * HOUR) / LANE_STAGGER_MS;
    expect(IN_APP_IMPORT_REQUESTS_PER_HOUR).toBeLessThanOrEqual(ceiling);
    // The single chain of slices (one per SCHEDULE_LEAD_MS) was far below: a constant left there fails.
    expect(IN_APP_IMPORT_REQUESTS_PER_HOUR).toBeGreaterThan(ceiling / 2);
    expect((SLICE_REQUESTS * HOUR) / SCHEDULE_LEAD_MS).toBeLessThan(ceiling / 2);
  });

  it('advises the import tool above a day of in-app importing, about 31,700 tickets', () => {
    expect(CLI_ADVICE_TICKETS).toBe(Math.round((CLI_ADVICE_HOURS * IN_APP_IMPORT_REQUESTS_PER_HOUR) / REQUESTS_PER_TICKET / 100) * 100);
    expect(CLI_ADVICE_TICKETS).toBe(31700);
  });
});

describe('the daily check’s cost on the settings page (issue 20 item 1)', () => {
  it('is this account’s tickets a day at the requests a ticket the bench measured (1,964 for a 2,000-ticket day)', () => {
    expect(CHECK_REQUESTS_PER_TICKET).toBeCloseTo(1964 / 2000, 2);
    expect(checkCallsPerDay(2000)).toBeCloseTo(1960, -1);
    expect(checkCallsPerDay(0)).toBe(0);
  });
});

describe('ticketsPerDay', () => {
  it('reads a full page as the tickets that came in since its oldest one', () => {
    // 100 tickets, one every 43.2 s: 2,000 a day.
    expect(ticketsPerDay(newest(100, 43_200), NOW)).toBeCloseTo(2000, -1);
  });

  it('takes a short page as every ticket of the list’s last 30 days', () => {
    expect(ticketsPerDay(newest(60, 12 * HOUR), NOW)).toBe(2);
    expect(ticketsPerDay([], NOW)).toBe(0);
  });

  it('does not take a burst of a few minutes for a daily rate, and gives up on unreadable times', () => {
    expect(ticketsPerDay(newest(100, 1000), NOW)).toBe(2400);
    expect(ticketsPerDay(['not a time'], NOW)).toBeUndefined();
  });
});

describe('estimateImport', () => {
  it.each([
    [7, 120, 840, false],
    [30, 2000, 60_000, true],
    [30, 100, 3000, false],
  ])('%p days at %p tickets a day: %p tickets, import tool advised: %p', (days, perDay, tickets, useCli) => {
    const estimate = estimateImport(days, perDay);
    expect(estimate).toMatchObject({ tickets, useCli });
    expect(estimate.hours).toBeCloseTo((tickets * REQUESTS_PER_TICKET) / IN_APP_IMPORT_REQUESTS_PER_HOUR);
  });

  it('says the default 30 days of a 2,000-a-day account take about 1.9 days in the app, as the bench measured (issue 20; docs/measurements.md)', () => {
    expect(estimateImport(30, 2000).hours / 24).toBeCloseTo(1.9, 1);
  });
});

describe('measureTicketsPerDay', () => {
  const answer = (status: number, body: unknown): { status: number; headers: Record<string, string>; response: string } => ({ status, headers: {}, response: JSON.stringify(body) });

  it('asks the template once with the typed key and the host in context, and reads the list', async () => {
    const calls: unknown[] = [];
    const request = { invokeTemplate: (name: string, options: unknown) => { calls.push([name, options]); return Promise.resolve(answer(200, newest(100, 43_200).map((created_at, i) => ({ id: i, created_at })))); } };
    const perDay = await measureTicketsPerDay(request, 'key-1', 'acme.freshdesk.com', NOW);
    expect(perDay).toBeCloseTo(2000, -1);
    expect(calls).toEqual([[RECENT_TICKETS_TEMPLATE, { context: { freshdesk_api_key: 'key-1', freshdesk_host: 'acme.freshdesk.com' } }]]);
  });

  it.each([
    // The platform rejects a non-2xx template answer with the answer itself (api/request-method-docs.md).
    ['a refusal', () => Promise.reject(Object.assign(new Error('401'), answer(401, { code: 'invalid_credentials' })))],
    ['a non-list', () => Promise.resolve(answer(200, { description: 'x' }))],
    ['broken JSON', () => Promise.resolve({ status: 200, headers: {}, response: '{' })],
    ['a 404', () => Promise.resolve(answer(404, []))],
  ])('gives nothing for %s', async (_what, invoke) => {
    await expect(measureTicketsPerDay({ invokeTemplate: invoke }, 'k', 'h', NOW)).resolves.toBeUndefined();
  });
});

describe('roughly', () => {
  it.each([[7, 7], [99.6, 100], [101, 100], [704, 700], [2010, 2000], [60_289, 60_000], [4_950, 5_000]])('writes %p as %p', (n, r) => {
    expect(roughly(n)).toBe(r);
  });
});
