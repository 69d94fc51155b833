import type { Browser, Page } from 'playwright-core';
import type { FlowState } from '../../src/delivery/health-view';
import { COUNTERS_KEY, STATE_KEY } from '../../src/storage/keys';
import { newState } from '../../src/delivery/state';
import type { AppState } from '../../src/delivery/stored-data';
import { ADMIN_KEY, INJIXO_KEY, launchChromium, openPage, screenshot, startStack, type Stack } from './stack';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** A state record (src/delivery/state.ts) that makes getStatus report `flow`. */
function stateFor(flow: FlowState): AppState {
  const state = newState(Date.parse('2026-11-20T08:00:00Z'));
  state.health.today = {
    day: '2026-11-21',
    perQueue: {
      'freshdesk/42/1/tickets': { name: 'CustomerService email Tickets', offered: 1200 },
      'freshdesk/42/7/replies': { name: 'CustomerService chat Replies', offered: 7 },
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
      state.parked = { chunks: [{ id: 1, n: 1 }], next: 2 };
      state.health.lastFailure = { code: 'INJIXO_BAD_REQUEST', message: 'injixo answered 422: timestamp out of range', status: 422, at: '2026-11-21T10:00:00Z' };
      break;
    case 'waiting_for_first_delivery':
      delete state.health.lastSuccessAt;
      state.health.today = { day: '2026-11-21', perQueue: {} };
      break;
  }
  return state;
}

async function withState(stack: Stack, state: AppState, counters: Record<string, number> = {}): Promise<void> {
  const db = stack.platform.globals().db;
  await db.set(STATE_KEY, state);
  // The KV store refuses an empty value; no counters record reads as all zeros.
  if (Object.keys(counters).length > 0) await db.set(COUNTERS_KEY, counters);
}

async function openStatus(stack: Stack): Promise<Page> {
  const page = await openPage(browser, stack.harness.statusUrl);
  await page.waitForSelector('#state, #load-error');
  return page;
}

const fact = (page: Page, id: string): Promise<string> => page.locator(`[data-fact="${id}"] dd`).innerText();

describe('status page', () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack();
  });
  afterEach(async () => {
    await stack.close();
  });

  it.each<[FlowState, string]>([
    ['flowing', 'Contacts are flowing to injixo'],
    ['key_rejected', 'injixo rejects the API key'],
    ['injixo_unavailable', 'injixo is not answering'],
    ['backlog_draining', 'Sending contacts that were waiting'],
    ['waiting_for_first_delivery', 'Waiting for the first delivery'],
  ])('shows the %s state as "%s"', async (flow, text) => {
    await withState(stack, stateFor(flow), { lost_events: flow === 'flowing' ? 0 : 2, invalid_payloads: 1 });
    const page = await openStatus(stack);

    expect(await page.getAttribute('#state', 'data-state')).toBe(flow);
    expect(await page.locator('#state-text').innerText()).toBe(text);
    await screenshot(page, `status-${flow.replaceAll('_', '-')}`);
    await page.context().close();
  });

  it('shows the key-rejected guidance, the backlog kept, and since when', async () => {
    await withState(stack, stateFor('key_rejected'));
    const page = await openStatus(stack);

    expect(await page.locator('#state-detail').innerText()).toBe('Since 21 Nov 2026, 09:00. No contact is lost: they are sent once the key works.');
    expect(await page.locator('.failure-when').innerText()).toBe('INJIXO_KEY_REJECTED — 21 Nov 2026, 10:35, HTTP 401');
    expect(await page.locator('.failure-guidance').innerText()).toBe(
      "injixo rejected the API key. It may have been regenerated in injixo. Generate a new key in injixo (Account > Integrations > Freshdesk) and paste it on this app's settings page. Contacts are kept and will be sent once the key works.",
    );
    expect(await page.locator('.failure-details').innerText()).toBe('Details: injixo answered 401 Invalid token');
    expect(await fact(page, 'backlog')).toBe('42');
    expect(await fact(page, 'consecutiveFailures')).toBe('12');
    await page.context().close();
  });

  it("lists today's contacts per queue with a total, and the counters", async () => {
    await withState(stack, stateFor('backlog_draining'), { lost_events: 2, invalid_payloads: 1 });
    const page = await openStatus(stack);

    const rows = await page.locator('#today-table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(rows).toEqual([
      ['CustomerService chat Replies', '7'],
      ['CustomerService email Tickets', '1,200'],
    ]);
    expect(await page.locator('#today-table tfoot td').innerText()).toBe('1,207');
    expect(await page.locator('#today h2').innerText()).toBe('Sent today (2026-11-21, UTC)');
    expect(await fact(page, 'lastSuccess')).toBe('21 Nov 2026, 10:35');
    expect(await fact(page, 'backlog')).toBe('12');
    expect(await fact(page, 'parked')).toBe('1');
    expect(await fact(page, 'dropped')).toBe('2');
    expect(await fact(page, 'invalidPayloads')).toBe('1');
    await page.context().close();
  });

  it('says when no contact was sent today and nothing was ever delivered', async () => {
    await withState(stack, stateFor('waiting_for_first_delivery'));
    const page = await openStatus(stack);

    expect(await page.locator('#today .empty').innerText()).toBe('No contacts sent yet today.');
    expect(await fact(page, 'lastSuccess')).toBe('Never');
    expect(await page.locator('#failure').count()).toBe(0);
    await page.context().close();
  });

  it('"Retry backlog now" runs deliverNow on the server and redraws the status', async () => {
    await stack.platform.install();
    const page = await openStatus(stack);
    await page.click('#retry-now');
    await page.waitForSelector('#action-result .notice:not([data-tone="neutral"])');

    const notices = await page.locator('#action-result .notice').allInnerTexts();
    expect(notices).toEqual(['Delivery done. Sent: 0. Still waiting: 0.']);
    expect(stack.harness.calls.filter((c) => c.kind === 'invoke').map((c) => c.name)).toEqual(['getStatus', 'deliverNow', 'getStatus']);
    expect(await page.isDisabled('#retry-now')).toBe(false);
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

  it('reports a status that cannot be loaded instead of drawing half a page', async () => {
    await stack.close();
    stack = await startStack({ functions: { getStatus: () => Promise.resolve({ ok: false, error: { status: 503, message: 'Status unavailable: KV down' } }) } });
    const page = await openStatus(stack);

    expect(await page.locator('#load-error').innerText()).toBe('The status could not be loaded (Status unavailable: KV down, HTTP 503). Reload the page to try again.');
    await page.context().close();
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
  it('swaps in fw-button once the CDN script defines it, keeping the drawn status and working actions', async () => {
    const stack = await startStack({ functions: { testConnection: () => Promise.resolve({ ok: true, data: { injixo: 'unavailable', freshdesk: 'ok' } }) } });
    try {
      await withState(stack, stateFor('flowing'));
      const page = await openPage(browser, stack.harness.statusUrl, { crayons: 'stand-in' });
      await page.waitForSelector('fw-button#test-connection');
      await page.waitForSelector('#state');

      expect(await page.locator('#state-text').innerText()).toBe('Contacts are flowing to injixo');
      await page.click('fw-button#test-connection');
      await page.waitForSelector('#action-result .notice:not([data-tone="neutral"])');
      expect(await page.locator('#action-result .notice').allInnerTexts()).toEqual(['injixo did not answer. Contacts are kept; try again later.', 'Freshdesk accepts the admin API key.']);
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

