/**
 * The status page's daily check section (issue 20 item 3) in Chromium, against the local platform
 * running the real getStatus: the last 14 days with Freshdesk's count, what was delivered, what
 * the check sent and the surplus, or why a day was not checked; the running check with its
 * progress and a refusal as a sentence with its retry time; English and French.
 */
import type { Browser, Page } from 'playwright-core';
import { newState } from '../../src/delivery/commit/state';
import { showWalk } from '../../src/delivery/status/walk-views';
import { CHECK_JOB } from '../../src/import/check';
import { startCursor } from '../../src/import/cursor';
import { CHECK_DAYS_VIEW, KEPT_DAYS, type CheckDays } from '../../src/import/check-days';
import type { ImportRecord } from '../../src/import/import-record';
import { CHECK_DAYS_KEY, CHECK_KEY, FRESHDESK_HOST_KEY, STATE_KEY } from '../../src/storage/keys';
import { launchChromium, NOW, openPage, screenshot, startStack, type Stack } from './stack';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const NOW_MS = Date.parse(NOW);
const MIN = 60_000;

const DAYS: CheckDays = {
  v: 1,
  days: [
    { d: '2026-11-20', s: 'checked', f: 4470, e: 4391, x: 79, p: 3, o: 2, at: Date.parse('2026-11-21T03:12:00Z'), r: 2107, gx: 4 },
    { d: '2026-11-19', s: 'checked', f: 4102, e: 4102, x: 0, p: 0, o: 0, u: ['2026-11-19T06'], at: Date.parse('2026-11-20T02:58:00Z'), r: 1999 },
    { d: '2026-11-18', s: 'not_checked', why: 'failed' },
  ],
  healed: [],
  cost: { requests: 2107, contacts: 4470 },
};

/** The check of 2026-11-21? No: a repair of a recorded gap, walking, refused by the KV store a minute ago. */
function runningCheck(): ImportRecord {
  const from = '2026-11-17T08:00:00.000Z';
  const to = '2026-11-17T10:00:00.000Z';
  const cursor = startCursor({ from, to }, to);
  cursor.lastUpdatedAt = '2026-11-17T09:00:00Z';
  return {
    v: 1, kind: 'check', state: 'running', host: 'acme.freshdesk.com', from, to, cursor, token: 'e1', nextAt: NOW_MS + 5 * MIN, startedAtMs: NOW_MS - 30 * MIN,
    slices: 12, requests: 280, contacts: 310, waitedForBacklog: 0, problems: [], moreProblems: 0,
    lanes: [[0, NOW_MS + 5 * MIN]], refusal: { what: 'kv', at: NOW_MS - MIN, retryAt: NOW_MS + 5 * MIN, n: 1 }, scope: { gaps: ['event_lost|2026-11-17T08:00:00Z|2026-11-17T10:00:00Z'] },
    found: { chunks: [{ id: 1, n: 310 }], next: 2 },
  };
}

/**
 * The stored records, and the state as the check itself keeps it for the page (the page reads the
 * state alone): the days as publishCheckDays shows them, the running check's view as publishWalk does.
 */
async function prepare(stack: Stack, withRunning: boolean): Promise<void> {
  const db = stack.platform.globals().db;
  const state = { ...newState(Date.parse('2026-11-17T12:00:00Z')), host: 'acme.freshdesk.com', health: { consecutiveFailures: 0, sentTotal: 10, dropped: 0, setAsideTotal: 0, lastSuccessAt: '2026-11-21T10:35:00Z' } };
  showWalk(state, CHECK_DAYS_VIEW, { days: DAYS.days, healed: [], cost: DAYS.cost }, KEPT_DAYS);
  await db.set(CHECK_DAYS_KEY, DAYS);
  if (withRunning) {
    await db.set(CHECK_KEY, runningCheck());
    showWalk(state, CHECK_JOB.kind, CHECK_JOB.view(runningCheck(), NOW_MS));
  }
  await db.set(STATE_KEY, state);
  await db.set(FRESHDESK_HOST_KEY, { host: 'acme.freshdesk.com' });
}

async function openStatus(stack: Stack): Promise<Page> {
  const page = await openPage(browser, stack.harness.statusUrl, { crayons: 'offline', timezoneId: 'Europe/Berlin' });
  await page.waitForSelector('#check');
  return page;
}

async function row(page: Page, day: string): Promise<string[]> {
  return page.locator(`#check-days tr[data-day="${day}"] th, #check-days tr[data-day="${day}"] td`).allInnerTexts();
}

describe('status page: the daily check', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack.close();
  });

  it('shows the last 14 days with their figures or why not, the running check with its refusal and retry time, and the cost', async () => {
    stack = await startStack();
    await prepare(stack, true);
    const page = await openStatus(stack);
    expect(await page.locator('#check-days tbody tr').count()).toBe(15);
    expect(await page.getAttribute('#check-days tbody tr:first-child', 'data-status')).toBe('today');
    expect(await row(page, '2026-11-20')).toEqual(['2026-11-20', '4,470', '4,391', '79', '3', 'Checked 21 Nov 2026, 04:12 (Europe/Berlin)\n2 delivered under their ticket’s former group.\n4 more sent by repairs of recorded periods.']);
    expect((await row(page, '2026-11-19'))[5]).toBe('Checked 20 Nov 2026, 03:58 (Europe/Berlin). Delivery counts are uncertain for 2026-11-19T06 (UTC): nothing was guessed there.');
    expect((await row(page, '2026-11-18'))[5]).toBe('Not checked: Freshdesk refused the key (see the settings)');
    expect((await row(page, '2026-11-16'))[5]).toBe('Not checked: before the installation');
    // A check runs: no 'next check' line until it is done.
    expect(await page.locator('#check-next').count()).toBe(0);
    expect(await page.innerText('#check-running')).toBe('Checking 17 Nov 2026, 09:00 (Europe/Berlin) to 17 Nov 2026, 11:00 (Europe/Berlin): reading Freshdesk (45 %).');
    expect(await page.innerText('#check-refusal')).toBe('The platform’s limit on stored data (50 operations a minute) refused this work at 21 Nov 2026, 11:39 (Europe/Berlin). It continues by itself at 21 Nov 2026, 11:45 (Europe/Berlin).');
    expect(await page.innerText('#check-cost')).toBe('It costs about 2,020 Freshdesk API calls a day for this account (0.47 per contact, measured on the last check), within the app’s share of the account’s API limit.');
    expect(await page.innerText('#check-surplus-note')).toContain('never taken back');
    // While the check walks, a replay waits for it.
    expect(await page.innerText('#replay-busy')).toContain('The daily check is reading Freshdesk until about');
    await screenshot(page, 'status-check-en');
    await page.close();
  }, 120_000);

  it('says when the next check is, once none runs: here at once, since 17 Nov waits for its turn', async () => {
    stack = await startStack();
    await prepare(stack, false);
    const page = await openStatus(stack);
    expect(await page.getAttribute('#check-days tr[data-day="2026-11-17"]', 'data-status')).toBe('pending');
    expect(await page.innerText('#check-next')).toBe('Next check: 21 Nov 2026, 11:40 (Europe/Berlin).');
    expect(await page.locator('#check-running').count()).toBe(0);
    await page.close();
  }, 120_000);

  it('speaks French, and says so when the check is switched off', async () => {
    stack = await startStack({ locale: 'fr', iparams: { injixo_api_key: 'k', freshdesk_api_key: 'f', reply_scope: 'customer', import_window_days: 0, daily_check: false } });
    await prepare(stack, false);
    const page = await openStatus(stack);
    expect(await page.innerText('#check h2')).toBe('Vérification quotidienne avec Freshdesk');
    expect(await page.innerText('#check-off')).toContain('La vérification quotidienne est désactivée dans les paramètres');
    expect(await page.locator('#check-next').count()).toBe(0);
    expect((await row(page, '2026-11-20'))[5]).toContain('Vérifié le');
    expect((await row(page, '2026-11-17'))[5]).toBe('Non vérifié : désactivé dans les paramètres');
    expect(await page.locator('#check-days thead th').allInnerTexts()).toEqual(['Jour (UTC)', 'Freshdesk', 'Livrés', 'Envoyés par la vérification', 'Excédent', 'État']);
    await screenshot(page, 'status-check-fr');
    await page.close();
  }, 120_000);
});
