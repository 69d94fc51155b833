import type { Browser, Page } from 'playwright-core';
import type { FlowState } from '../../src/delivery/status/health-view';
import { toHealthView } from '../../src/delivery/status/health-view';
import { newState } from '../../src/delivery/commit/state';
import type { AppState } from '../../src/delivery/stored/stored-data';
import { STATE_KEY } from '../../src/storage/keys';
import { ADMIN_KEY, chooseIn, crayonsUpgraded, INJIXO_KEY, launchChromium, NOW, openPage, screenshot, startStack, type OpenOptions, type Stack } from './stack';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** A state record (src/delivery/commit/state.ts) that makes getStatus report `flow`. */
function stateFor(flow: FlowState): AppState {
  const state = newState(Date.parse('2026-11-20T08:00:00Z'));
  // The last 24 hours as of NOW (10:40 UTC): tickets busy in the last two hours, 7 chat replies at 21:00 yesterday.
  const zeros = (): number[] => new Array<number>(24).fill(0);
  const tickets = zeros();
  tickets[22] = 1000;
  tickets[23] = 200;
  const replies = zeros();
  replies[10] = 7;
  state.health.recent = {
    hour: Math.floor(Date.parse(NOW) / 3_600_000),
    queues: {
      'freshdesk/42/1/tickets': { name: 'CustomerService email Tickets', counts: tickets },
      'freshdesk/42/7/replies': { name: 'CustomerService chat Replies', counts: replies },
    },
  };
  state.health.lastSuccessAt = '2026-11-21T10:35:00Z';
  switch (flow) {
    case 'flowing':
      break;
    case 'key_rejected':
      state.health.keyRejectedSince = '2026-11-21T09:00:00Z';
      state.health.consecutiveFailures = 12;
      state.health.lastFailure = { code: 'INJIXO_KEY_REJECTED', message: 'injixo answered 401 Invalid token', status: 401, at: '2026-11-21T10:35:00Z' };
      state.backlog = { chunks: [{ id: 1, n: 40 }, { id: 2, n: 2 }], next: 3 };
      break;
    case 'injixo_unavailable':
      state.health.consecutiveFailures = 3;
      state.health.lastFailure = { code: 'INJIXO_UNAVAILABLE', message: 'injixo answered 503', status: 503, at: '2026-11-21T10:30:00Z' };
      state.backlog = { chunks: [{ id: 1, n: 5 }], next: 2 };
      break;
    case 'backlog_draining':
      state.backlog = { chunks: [{ id: 1, n: 12 }], next: 2 };
      state.setAside = { chunks: [{ id: 1, n: 1 }], next: 2 };
      state.health.lastFailure = { code: 'INJIXO_BAD_REQUEST', message: 'injixo answered 422: timestamp out of range', status: 422, at: '2026-11-21T10:00:00Z' };
      break;
    case 'waiting_for_first_delivery':
      delete state.health.lastSuccessAt;
      delete state.health.recent;
      break;
  }
  return state;
}

async function withState(stack: Stack, state: AppState, counters: { lost_events?: number; invalid_payloads?: number } = {}): Promise<void> {
  const db = stack.platform.globals().db;
  // The page reads the state alone (one KV operation): the handlers' counters reach it folded in by a delivery run.
  const folded = { lostEvents: counters.lost_events ?? 0, invalidPayloads: counters.invalid_payloads ?? 0, foldedAt: Date.parse(state.installedAt) };
  await db.set(STATE_KEY, Object.keys(counters).length > 0 ? { ...state, counters: folded } : state);
}

/** Opens the status page; with real Crayons (the default) it waits until the buttons are Crayons ones. */
async function openStatus(stack: Stack, options: OpenOptions = {}): Promise<Page> {
  const page = await openPage(browser, stack.harness.statusUrl, options);
  await page.waitForSelector('#state, #load-error');
  if (options.crayons !== 'offline') await page.waitForSelector('fw-button#refresh.hydrated');
  return page;
}

const primaryAction = (page: Page): Promise<string[]> => page.locator('[data-primary="true"]').evaluateAll((nodes) => nodes.map((n) => n.id));
const chartBars = (page: Page): Promise<number[]> => page.locator('#recent-chart .bar').evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-count'))));

const fact = (page: Page, id: string): Promise<string> => page.locator(`[data-fact="${id}"] dd`).first().innerText();
const factDetail = (page: Page, id: string): Promise<string> => page.locator(`[data-fact="${id}"] dd.fact-detail`).innerText();

describe('status page', () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack();
  });
  afterEach(async () => {
    await stack.close();
  });

  it.each<[FlowState, string, string]>([
    ['flowing', 'Contacts are flowing to injixo', 'refresh'],
    ['key_rejected', 'injixo rejects the API key', 'test-connection'],
    ['injixo_unavailable', 'injixo is not answering', 'retry-now'],
    ['backlog_draining', 'Sending contacts that were waiting', 'retry-now'],
    ['waiting_for_first_delivery', 'Waiting for the first delivery', 'test-connection'],
  ])('shows the %s state as "%s" with %s as the one primary action', async (flow, text, primary) => {
    await withState(stack, stateFor(flow), { lost_events: flow === 'flowing' ? 0 : 2, invalid_payloads: 1 });
    const page = await openStatus(stack);

    expect(await page.getAttribute('#state', 'data-state')).toBe(flow);
    expect(await page.locator('#state-text').innerText()).toBe(text);
    expect(await primaryAction(page)).toEqual([primary]);
    expect(await page.getAttribute(`fw-button#${primary}`, 'color')).toBe('primary');
    expect(await page.locator('fw-button[color="primary"]').count()).toBe(1);
    await screenshot(page, `status-${flow.replaceAll('_', '-')}`);
    await page.context().close();
  });

  it('shows the key-rejected guidance, the backlog kept, and since when', async () => {
    await withState(stack, stateFor('key_rejected'));
    const page = await openStatus(stack);

    expect(await page.locator('#state-detail').innerText()).toBe('Since 21 Nov 2026, 09:00 (UTC). No contact is lost: they are sent once the key works.');
    expect(await page.locator('.failure-when').innerText()).toBe('INJIXO_KEY_REJECTED — 21 Nov 2026, 10:35 (UTC), HTTP 401');
    expect(await page.locator('.failure-guidance').innerText()).toBe(
      "injixo rejected the API key. It may have been regenerated in injixo. Generate a new key in injixo (Account > Integrations > Freshdesk) and paste it on this app's settings page. Contacts are kept and will be sent once the key works.",
    );
    expect(await page.locator('.failure-details').innerText()).toBe('Details: injixo answered 401 Invalid token');
    expect(await fact(page, 'backlog')).toBe('42');
    expect(await fact(page, 'consecutiveFailures')).toBe('12');
    await page.context().close();
  });

  it('charts the last 24 hours per hour with the totals of the data, and lists each queue with its total', async () => {
    await withState(stack, stateFor('backlog_draining'), { lost_events: 2, invalid_payloads: 1 });
    const page = await openStatus(stack);

    // The busiest queues first.
    const rows = await page.locator('#recent-table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(rows).toEqual([
      ['CustomerService email Tickets', '1,200'],
      ['CustomerService chat Replies', '7'],
    ]);
    expect(await page.locator('#recent-table tfoot td').innerText()).toBe('1,207');
    expect(await page.locator('#recent h2').innerText()).toBe('Offered contacts sent, last 24 hours, per hour (times in UTC)');
    const bars = await chartBars(page);
    expect(bars).toHaveLength(24);
    expect(bars.reduce((a, b) => a + b, 0)).toBe(1207);
    expect(bars.slice(-2)).toEqual([1000, 200]);
    expect(bars[10]).toBe(7);
    expect(await page.getAttribute('#recent-chart .bar >> nth=23', 'data-start')).toBe('10:00');
    expect(await page.getAttribute('#recent-chart', 'data-total')).toBe('1207');
    expect(await page.locator('#recent-chart figcaption').innerText()).toBe('All queues: 1,207 offered contacts in the last 24 hours, per hour');
    expect(await fact(page, 'lastSuccess')).toBe('5 minutes ago');
    expect(await factDetail(page, 'lastSuccess')).toBe('21 Nov 2026, 10:35 (UTC)');
    expect(await fact(page, 'backlog')).toBe('12');
    expect(await fact(page, 'setAside')).toBe('1');
    expect(await fact(page, 'dropped')).toBe('2');
    expect(await fact(page, 'invalidPayloads')).toBe('1');
    await screenshot(page, 'status-chart-all-queues');

    // Per queue on demand: from the picker, or by clicking the queue's row.
    await chooseIn(page, 'fw-select#recent-queue', 'CustomerService chat Replies');
    await page.waitForSelector('#recent-chart[data-series="freshdesk/42/7/replies"]');
    expect((await chartBars(page)).reduce((a, b) => a + b, 0)).toBe(7);
    await page.click('#recent-table tbody tr[data-queue="freshdesk/42/1/tickets"]');
    expect(await page.getAttribute('#recent-chart', 'data-total')).toBe('1200');
    expect(await page.locator('fw-select#recent-queue').evaluate((s) => (s as HTMLElement & { value: string }).value)).toBe('freshdesk/42/1/tickets');
    await screenshot(page, 'status-chart-one-queue');
    await page.context().close();
  });

  it("labels every time with the admin's zone, chart hours included", async () => {
    await withState(stack, stateFor('key_rejected'));
    const page = await openStatus(stack, { timezoneId: 'Europe/Berlin' });

    expect(await page.locator('#recent h2').innerText()).toBe('Offered contacts sent, last 24 hours, per hour (times in Europe/Berlin)');
    expect(await factDetail(page, 'lastSuccess')).toBe('21 Nov 2026, 11:35 (Europe/Berlin)');
    expect(await fact(page, 'installedAt')).toBe('20 Nov 2026, 09:00 (Europe/Berlin)');
    expect(await page.locator('#state-detail').innerText()).toContain('Since 21 Nov 2026, 10:00 (Europe/Berlin).');
    expect(await page.locator('.failure-when').innerText()).toBe('INJIXO_KEY_REJECTED — 21 Nov 2026, 11:35 (Europe/Berlin), HTTP 401');
    expect(await page.getAttribute('#recent-chart .bar >> nth=23', 'data-start')).toBe('11:00');
    await page.context().close();
  });

  it('still shows a busy yesterday evening the next morning, instead of an empty "today"', async () => {
    const state = stateFor('flowing');
    const evening = new Array<number>(24).fill(0);
    evening[23] = 4436;
    state.health.recent = { hour: Math.floor(Date.parse('2026-11-20T22:00:00Z') / 3_600_000), queues: { 'freshdesk/42/1/tickets': { name: 'CustomerService email Tickets', counts: evening } } };
    await withState(stack, state);
    const page = await openStatus(stack);

    expect(await page.locator('#recent .empty').count()).toBe(0);
    expect(await page.locator('#recent-table tfoot td').innerText()).toBe('4,436');
    expect(await page.getAttribute('#recent-chart .bar[data-count="4436"]', 'data-start')).toBe('22:00');
    await page.context().close();
  });

  it('lists renamed groups and sources with the name their queues keep', async () => {
    await stack.close();
    const view = { ...toHealthView(stateFor('flowing'), Date.parse(NOW)), renamedQueues: [
      { queueIdentifier: 'freshdesk/7/1/replies', keptName: 'Technical Support email Replies', currentName: 'Product Support email Replies' },
    ] };
    stack = await startStack({ functions: { getStatus: () => Promise.resolve({ ok: true, data: view }) } });
    const page = await openStatus(stack);

    const rows = await page.locator('#renamed-table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(rows).toEqual([['Technical Support email Replies', 'Product Support email Replies']]);
    expect(await page.locator('#renamed h2').innerText()).toBe('Renamed groups and sources');
    await screenshot(page, 'status-renamed-queues');
    await page.context().close();
  });

  it('"Retry backlog now" runs deliverNow on the server and redraws the status', async () => {
    await stack.platform.install();
    // Something waits, so the action is offered (it is not when nothing does).
    await withState(stack, stateFor('backlog_draining'));
    const page = await openStatus(stack);
    await page.click('#retry-now');
    await page.waitForSelector('#action-result .notice:not([data-tone="neutral"])');

    const notices = await page.locator('#action-result .notice').allInnerTexts();
    expect(notices[0]).toMatch(/^Delivery done\. Sent: \d+\. Still waiting: \d+\.$/);
    expect(stack.harness.calls.filter((c) => c.kind === 'invoke').map((c) => c.name)).toEqual(['getStatus', 'deliverNow', 'getStatus']);
    // Nothing waits any more: the action that would do nothing is no longer offered, the others work again.
    expect(await page.locator('#retry-now').count()).toBe(0);
    expect(await page.isDisabled('#refresh')).toBe(false);
    await screenshot(page, 'status-retry-now');
    await page.context().close();
  });

  it('explains an action failure with the status and message the function answered', async () => {
    await stack.close();
    stack = await startStack({ functions: { testConnection: () => Promise.resolve({ ok: false, error: { status: 503, message: 'Connection test failed: KV down' } }) } });
    await withState(stack, stateFor('flowing'));
    const page = await openStatus(stack);
    await page.click('#test-connection');
    await page.waitForSelector('#action-result .notice[data-tone="error"]');

    expect(await page.locator('#action-result').innerText()).toBe(
      'The action failed (Connection test failed: KV down, HTTP 503). Please try again; if it keeps failing, see the app logs.',
    );
    await page.context().close();
  });

  it('says in plain words why a status cannot be read when the browser kept none, never the platform’s message', async () => {
    await stack.close();
    stack = await startStack({ functions: { getStatus: () => Promise.resolve({ ok: false, error: { status: 503, message: 'Status unavailable: You have exceeded the limit of 50 requests per minute' } }) } });
    const page = await openStatus(stack);

    expect(await page.locator('#load-error').innerText()).toBe(
      'The status cannot be read right now: Freshworks lets the app read its data only so often a minute, and delivery comes first. Press Refresh in a minute.',
    );
    expect(await page.content()).not.toContain('exceeded');
    await page.context().close();
  });
});

describe('status page in French, each state', () => {
  it.each<[FlowState, string, string]>([
    ['flowing', 'Les contacts arrivent dans injixo', 'refresh'],
    ['key_rejected', 'injixo refuse la clé API', 'test-connection'],
    ['injixo_unavailable', 'injixo ne répond pas', 'retry-now'],
    ['backlog_draining', 'Envoi des contacts en attente', 'retry-now'],
    ['waiting_for_first_delivery', 'En attente du premier envoi', 'test-connection'],
  ])('shows the %s state as "%s" with %s as the one primary action', async (flow, text, primary) => {
    const stack = await startStack({ locale: 'fr' });
    try {
      await withState(stack, stateFor(flow), { lost_events: flow === 'flowing' ? 0 : 2, invalid_payloads: 1 });
      const page = await openStatus(stack);
      expect(await page.getAttribute('html', 'lang')).toBe('fr');
      expect(await page.locator('#state-text').innerText()).toBe(text);
      expect(await primaryAction(page)).toEqual([primary]);
      expect(await page.locator('fw-button#retry-now').count()).toBe(stateFor(flow).backlog.chunks.length > 0 ? 1 : 0);
      await screenshot(page, `status-${flow.replaceAll('_', '-')}-fr`);
      await page.context().close();
    } finally {
      await stack.close();
    }
  });
});

describe('status page with testConnection', () => {
  it.each([
    [{ injixo: 'ok', freshdesk: 'ok' }, ['injixo accepts the API key.', 'Freshdesk accepts the admin API key.']],
    [
      { injixo: 'rejected', freshdesk: 'not_admin' },
      [
        'injixo rejects the API key. Generate a new key in injixo (Account > Integrations > Freshdesk) and paste it on this app’s settings page.',
        'The Freshdesk API key has no Account Administrator rights, so the Groups API (GET /api/v2/groups) is refused. Paste the key of an Account Administrator on this app’s settings page.',
      ],
    ],
  ])('shows the answer %j of "Test connection"', async (report, expected) => {
    const stack = await startStack({ functions: { testConnection: () => Promise.resolve({ ok: true, data: report }) } });
    try {
      await withState(stack, stateFor('flowing'));
      const page = await openStatus(stack);
      await page.click('#test-connection');
      await page.waitForSelector('#action-result .notice:not([data-tone="neutral"])');

      expect(await page.locator('#action-result .notice').allInnerTexts()).toEqual(expected);
      await screenshot(page, `status-test-connection-${report.injixo}`);
      await page.context().close();
    } finally {
      await stack.close();
    }
  });
});

describe('status page with Crayons', () => {
  it('runs the real Crayons fw-button (served from node_modules for the CDN URL), keeping the drawn status and working actions', async () => {
    const stack = await startStack({ functions: { testConnection: () => Promise.resolve({ ok: true, data: { injixo: 'unavailable', freshdesk: 'ok' } }) } });
    try {
      await withState(stack, stateFor('flowing'));
      const page = await openStatus(stack);

      expect(await crayonsUpgraded(page, 'fw-button#test-connection')).toBe(true);
      // The button's own shadow DOM draws the label: Crayons, not a plain element named fw-button.
      expect(await page.locator('fw-button#test-connection').evaluate((b) => b.shadowRoot?.querySelector('button') !== null)).toBe(true);
      expect(stack.harness.calls.length).toBeGreaterThan(0);
      expect(await page.locator('#state-text').innerText()).toBe('Contacts are flowing to injixo');
      expect(await chartBars(page)).toHaveLength(24);
      await page.click('fw-button#test-connection');
      await page.waitForSelector('#action-result .notice:not([data-tone="neutral"])');
      expect(await page.locator('#action-result .notice').allInnerTexts()).toEqual(['injixo did not answer. Contacts are kept; try again later.', 'Freshdesk accepts the admin API key.']);
      await screenshot(page, 'status-crayons-test-connection');
      await page.context().close();
    } finally {
      await stack.close();
    }
  });

  it('works with plain buttons when Crayons cannot load', async () => {
    const stack = await startStack();
    try {
      await withState(stack, stateFor('backlog_draining'));
      const page = await openStatus(stack, { crayons: 'offline' });

      expect(await page.locator('fw-button').count()).toBe(0);
      expect(await page.evaluate(() => customElements.get('fw-button') === undefined)).toBe(true);
      expect(await page.getAttribute('button#retry-now', 'class')).toBe('btn btn-primary');
      expect(await page.getAttribute('button#refresh', 'class')).toBe('btn btn-secondary');
      expect((await chartBars(page)).reduce((a, b) => a + b, 0)).toBe(1207);
      await page.click('button#refresh');
      await page.waitForFunction(() => document.querySelector('#action-result')?.textContent === '');
      expect(await page.locator('#state-text').innerText()).toBe('Sending contacts that were waiting');
      await screenshot(page, 'status-without-crayons');
      await page.context().close();
    } finally {
      await stack.close();
    }
  });
});

describe('status page in French, and secrets', () => {
  it('speaks French to a French Freshdesk user, and no secure iparam ever reaches the browser', async () => {
    const stack = await startStack({ locale: 'fr' });
    try {
      await withState(stack, stateFor('key_rejected'));
      const page = await openPage(browser, stack.harness.statusUrl);
      const bodies: string[] = [];
      page.on('response', (response) => {
        void response.text().then((text) => bodies.push(text), () => undefined);
      });
      await page.reload();
      await page.waitForSelector('#state');
      await page.waitForSelector('fw-button#refresh.hydrated');
      expect(await page.locator('#recent h2').innerText()).toBe('Contacts proposés envoyés, dernières 24 heures, par heure (heures en UTC)');
      expect(await page.locator('#recent-queue fw-select-option').first().innerText()).toBe('Toutes les files');
      expect(await primaryAction(page)).toEqual(['test-connection']);
      await page.click('#retry-now');
      await page.waitForSelector('#action-result .notice:not([data-tone="neutral"])');

      expect(await page.locator('#state-text').innerText()).toBe('injixo refuse la clé API');
      expect(await page.locator('#state-detail').innerText()).toContain('Depuis le 21 nov. 2026');
      expect(await page.locator('.failure-guidance').innerText()).toContain('Générez une nouvelle clé dans injixo');
      expect(await page.locator('#test-connection').innerText()).toBe('Tester la connexion');
      expect(await page.getAttribute('html', 'lang')).toBe('fr');
      const everything = bodies.join('\n') + (await page.content());
      expect(bodies.length).toBeGreaterThan(3);
      expect(everything).not.toContain(INJIXO_KEY);
      expect(everything).not.toContain(ADMIN_KEY);
      expect(stack.harness.violations).toEqual([]);
      await screenshot(page, 'status-fr-key-rejected');
      await page.context().close();
    } finally {
      await stack.close();
    }
  });
});

