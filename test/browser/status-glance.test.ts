/**
 * Issue 22 on the status page, in Chromium, English and French: "is data flowing?" at a glance
 * (ages, the next run, a chart with a scale and values on hover and focus, the day beside the
 * last 24 hours, queues by Freshdesk group with a search, deleted groups apart from renamed ones,
 * the CLI command with who runs it and a one-click copy), the last good status "as of" its time
 * when getStatus is refused, and French from the browser when Freshdesk tells no language.
 * A screenshot of each state goes to .artifacts/screenshots.
 */
import type { Browser, Page } from 'playwright-core';
import { newState } from '../../src/delivery/commit/state';
import type { AppState } from '../../src/delivery/stored/stored-data';
import type { FunctionOutcome } from '../../tools/local-platform';
import { FRESHDESK_HOST_KEY, STATE_KEY } from '../../src/storage/keys';
import { fillField, launchChromium, NOW, openPage, screenshot, startStack, type OpenOptions, type Stack } from './stack';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const GROUPS: [string, string][] = [['42', 'CustomerService'], ['7', 'Billing'], ['9', 'Technical Support'], ['none', 'No group']];
const SOURCES: [string, string][] = [['1', 'email'], ['7', 'chat'], ['3', 'phone'], ['11', 'whatsapp business']];

/** 32 queues of four groups over the last 24 hours, a renamed group and a deleted one, a backlog of 0. */
function busyState(): AppState {
  const state = newState(Date.parse('2026-11-20T08:00:00Z'));
  const queues: Record<string, { name: string; counts: number[] }> = {};
  let k = 1;
  for (const [group, groupName] of GROUPS) {
    for (const [source, sourceName] of SOURCES) {
      for (const kind of ['tickets', 'replies']) {
        queues[`freshdesk/${group}/${source}/${kind}`] = {
          name: `${groupName} ${sourceName} ${kind === 'tickets' ? 'Tickets' : 'Replies'}`,
          counts: Array.from({ length: 24 }, (_, i) => ((k * 7 + i * 13) % 40) * (i > 8 && i < 20 ? 3 : 1)),
        };
        k += 1;
      }
    }
  }
  state.health.recent = { hour: Math.floor(Date.parse(NOW) / 3_600_000), queues };
  state.health.lastSuccessAt = '2026-11-21T10:36:00Z';
  state.renamed = { 'freshdesk/7/1/tickets': 'Finance email Tickets', 'freshdesk/55/1/replies': 'Group 55 email Replies' };
  state.pins = { 'freshdesk/7/1/tickets': 'Billing email Tickets', 'freshdesk/55/1/replies': 'Returns email Replies' };
  return state;
}

async function prepare(stack: Stack, state: AppState = busyState()): Promise<void> {
  const db = stack.platform.globals().db;
  // The page reads the state alone: the host is in it as delivery runs keep it (given by the platform).
  await db.set(STATE_KEY, { ...state, host: 'acme.freshdesk.com' });
  await db.set(FRESHDESK_HOST_KEY, { host: 'acme.freshdesk.com' });
}

async function openStatus(stack: Stack, options: OpenOptions = {}): Promise<Page> {
  const page = await openPage(browser, stack.harness.statusUrl, options);
  await page.waitForSelector('#state, #load-error');
  if (options.crayons !== 'offline') await page.waitForSelector('fw-button#refresh.hydrated');
  return page;
}


describe.each([
  {
    locale: 'en' as const,
    lastSuccess: ['4 minutes ago', '21 Nov 2026, 10:36 (UTC)'],
    nextRun: ['in 6 minutes', '10:46 (UTC); a run every 10 minutes'],
    today: /^Last 24 hours: [\d,]+ · Today since 00:00 \(UTC\): [\d,]+$/,
    busiest: 'The 10 busiest queues',
    billing: 'Billing — 8 queues,',
    who: 'Who runs it:',
    copied: 'Copied to the clipboard.',
  },
  {
    locale: 'fr' as const,
    lastSuccess: ['il y a 4 minutes', '21 nov. 2026, 10:36 (UTC)'],
    nextRun: ['dans 6 minutes', '10:46 (UTC) ; un envoi toutes les 10 minutes'],
    today: /^Dernières 24 heures : [\d\u202f ]+ · Aujourd’hui depuis 00:00 \(UTC\) : [\d\u202f ]+$/,
    busiest: 'Les 10 files les plus actives',
    billing: 'Billing — 8 files,',
    who: 'Qui la lance :',
    copied: 'Copiée dans le presse-papiers.',
  },
])('the status page at a glance, $locale', (expected) => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack({ locale: expected.locale, iparams: { injixo_api_key: 'k1-secret', freshdesk_api_key: 'k2-secret', reply_scope: 'customer', import_window_days: 0 } });
  });
  afterEach(async () => {
    await stack.close();
  });

  it('tells the last delivery’s age and the next run, scales the chart with values on focus, and sets today beside the last 24 hours', async () => {
    await prepare(stack);
    const page = await openStatus(stack);
    expect(await page.getAttribute('html', 'lang')).toBe(expected.locale);
    expect(await page.locator('[data-fact="lastSuccess"] dd').allInnerTexts()).toEqual(expected.lastSuccess);
    expect(await page.locator('[data-fact="nextRun"] dd').allInnerTexts()).toEqual(expected.nextRun);
    // Nothing waits: no "Retry backlog now"; Refresh is the one primary action.
    expect(await page.locator('#retry-now').count()).toBe(0);
    expect(await page.locator('#actions fw-button').evaluateAll((b) => b.map((n) => n.id))).toEqual(['test-connection', 'refresh']);
    // The scale: round ticks from 0 to at least the highest bar.
    const ticks = await page.locator('#recent-chart .tick').evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-value'))));
    const bars = await page.locator('#recent-chart .bar').evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-count'))));
    expect(ticks[0]).toBe(0);
    expect(ticks.at(-1)).toBeGreaterThanOrEqual(Math.max(...bars));
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    // A bar's value on keyboard focus (and hover), inside the viewport.
    const last = page.locator('#recent-chart .bar-slot').nth(23);
    await last.focus();
    const value = last.locator('.bar-value');
    expect(await value.isVisible()).toBe(true);
    expect(await value.innerText()).toMatch(/^10:00–11:00 ?: [\d,\u202f ]+$/);
    await page.hover('#recent-chart .bar-slot >> nth=3');
    expect(await page.locator('#recent-chart .bar-slot >> nth=3').locator('.bar-value').isVisible()).toBe(true);
    expect(await page.locator('#recent-figures').innerText()).toMatch(expected.today);
    expect(await page.locator('#recent-explain').innerText()).toContain(expected.locale === 'en' ? 'from midnight to midnight' : 'de minuit à minuit');
    await screenshot(page, `status-glance-${expected.locale}`);
    await page.context().close();
  });

  it('shows the busiest queues open and every queue under its Freshdesk group, collapsed, with a search that opens the groups it finds', async () => {
    await prepare(stack);
    const page = await openStatus(stack);
    expect(await page.locator('#busiest h3').innerText()).toBe(expected.busiest);
    expect(await page.locator('#recent-table tbody tr').count()).toBe(10);
    const offered = await page.locator('#recent-table tbody td.num').allInnerTexts();
    const numbers = offered.map((n) => Number(n.replace(/[^\d]/g, '')));
    expect([...numbers].sort((a, b) => b - a)).toEqual(numbers);
    expect(await page.locator('.queue-group').count()).toBe(4);
    expect(await page.locator('.queue-group[open]').count()).toBe(0);
    expect(await page.locator('.queue-group summary').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining(expected.billing)]));
    // Collapsible by hand.
    await page.click('.queue-group[data-group="42"] summary');
    expect(await page.locator('.queue-group[data-group="42"]').getAttribute('open')).toBe('');
    await fillField(page, 'queue-search', 'whatsapp');
    await page.waitForFunction(() => document.querySelectorAll('.queue-group[open]').length === 4);
    expect(await page.locator('.queue-group tbody tr:not([hidden])').count()).toBe(8);
    expect(await page.locator('#busiest').isVisible()).toBe(false);
    await fillField(page, 'queue-search', 'billing');
    await page.waitForFunction(() => document.querySelectorAll('.queue-group:not([hidden])').length === 1);
    expect(await page.locator('.queue-group:not([hidden])').getAttribute('data-group')).toBe('7');
    await screenshot(page, `status-queues-search-${expected.locale}`);
    await fillField(page, 'queue-search', 'nothing like this');
    expect(await page.locator('#queue-search-result').innerText()).toContain('nothing like this');
    await page.context().close();
  });

  it('lists a deleted group apart from a renamed one, and gives the CLI command with who runs it, copied in one click, never wrapped inside a flag', async () => {
    await prepare(stack);
    const page = await openStatus(stack, { permissions: ['clipboard-read', 'clipboard-write'], viewport: { width: 520, height: 900 } });
    expect(await page.locator('#renamed-table tbody tr').allInnerTexts()).toEqual(['Billing email Tickets\tFinance email Tickets']);
    expect(await page.locator('#deleted-table tbody tr').allInnerTexts()).toEqual(['Returns email Replies\t55']);
    expect(await page.locator('#history-who').innerText()).toContain(expected.who);
    const command = await page.locator('#history-command').evaluate((n) => n.textContent ?? '');
    expect(command).toBe('npm run import -- --domain acme.freshdesk.com --from 2025-11-20 --to 2026-11-20T08:00:00Z');
    // Each flag with its value on one line, however narrow the page.
    const lines = await page.locator('#history-command .piece').evaluateAll((pieces) => pieces.map((p) => new Set(Array.from(p.getClientRects(), (r) => Math.round(r.top))).size));
    expect(lines).toEqual([1, 1, 1, 1]);
    await page.click('.copy-command[data-for="history-command"]');
    await page.waitForFunction((text) => document.getElementById('history-command-copied')?.textContent === text, expected.copied);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(command);
    await screenshot(page, `status-command-narrow-${expected.locale}`);
    await page.context().close();
  });
});

describe('the last good status when getStatus is refused', () => {
  it.each(['en', 'fr'] as const)('keeps showing it "as of" its time, with one plain sentence and never the platform’s message (%s)', async (locale) => {
    let refuse = false;
    const holder: { stack?: Stack } = {};
    const refusal: FunctionOutcome = { ok: false, error: { status: 503, message: 'Status unavailable: You have exceeded the limit of 50 requests per minute' } };
    const stack = await startStack({ locale, functions: { getStatus: async () => (refuse ? refusal : (holder.stack as Stack).platform.callFunction('getStatus', {})) } });
    holder.stack = stack;
    try {
      await prepare(stack);
      const page = await openStatus(stack);
      expect(await page.locator('#stale').count()).toBe(0);
      refuse = true;
      // Four minutes later, the same browser reloads: the copy it kept arrived four minutes ago.
      await page.evaluate(() => {
        for (const key of Object.keys(localStorage).filter((k) => k.startsWith('injixo-connect:status:'))) {
          const kept = JSON.parse(localStorage.getItem(key) ?? '{}') as { receivedAt: number };
          localStorage.setItem(key, JSON.stringify({ ...kept, receivedAt: kept.receivedAt - 4 * 60_000 }));
        }
      });
      await page.reload();
      await page.waitForSelector('#stale');
      await page.waitForSelector('fw-button#refresh.hydrated');
      const stale = await page.locator('#stale').innerText();
      expect(stale).toContain(locale === 'en' ? 'This is the status as of 21 Nov 2026, 10:40 (UTC) (4 minutes ago)' : 'Voici l’état au 21 nov. 2026, 10:40 (UTC) (il y a 4 minutes)');
      expect(await page.locator('#state').getAttribute('data-state')).toBe('flowing');
      expect(await page.content()).not.toContain('exceeded');
      await screenshot(page, `status-as-of-${locale}`);
      // The answer comes back: the sentence goes.
      refuse = false;
      await page.click('#refresh');
      await page.waitForFunction(() => document.getElementById('stale') === null);
      await page.context().close();
    } finally {
      await stack.close();
    }
  });
});

describe('the page’s language', () => {
  it.each([
    ['fr-FR', 'fr', 'Actualiser'],
    ['de-DE', 'en', 'Refresh'],
  ])('follows the browser (%s) when Freshdesk tells no language for the user', async (browserLocale, lang, refresh) => {
    const stack = await startStack({ locale: 'none' });
    try {
      await prepare(stack);
      const page = await openStatus(stack, { browserLocale });
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      expect(await page.locator('#refresh').innerText()).toBe(refresh);
      await page.context().close();
    } finally {
      await stack.close();
    }
  });

  it('follows the Freshdesk user before the browser', async () => {
    const stack = await startStack({ locale: 'en' });
    try {
      await prepare(stack);
      const page = await openStatus(stack, { browserLocale: 'fr-FR' });
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      await page.context().close();
    } finally {
      await stack.close();
    }
  });
});
