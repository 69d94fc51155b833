import type { Browser, Page } from 'playwright-core';
import { ADMIN_KEY, AGENT_KEY, crayonsUpgraded, fillField, inViewport, INJIXO_KEY, launchChromium, openPage, screenshot, startStack, type Stack } from './stack';

declare function validate(): Promise<boolean>;
declare function postConfigs(): Record<string, unknown>;
declare function getConfigs(configs: unknown): void;

let browser: Browser;
let stack: Stack;

beforeAll(async () => {
  browser = await launchChromium();
  stack = await startStack();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function fill(page: Page, values: { injixo?: string; freshdesk?: string; scope?: string; window?: string; id?: string }): Promise<void> {
  if (values.injixo !== undefined) await page.fill('#injixo_api_key', values.injixo);
  if (values.freshdesk !== undefined) await page.fill('#freshdesk_api_key', values.freshdesk);
  if (values.scope !== undefined) await page.selectOption('#reply_scope', values.scope);
  if (values.window !== undefined) await page.selectOption('#import_window_days', values.window);
  if (values.id !== undefined) await page.fill('#injixo_integration_id', values.id);
}

/** Native controls by default (Crayons offline), so `fill`/`selectOption` drive them; Crayons has its own tests. */
async function openInstall(options: Parameters<typeof openPage>[2] = {}): Promise<Page> {
  const page = await openPage(browser, stack.harness.installUrl, { crayons: 'offline', ...options });
  await page.waitForSelector('#injixo_api_key');
  return page;
}

const messageOf = (page: Page, id: string): Promise<string> => page.locator(`#${id}-message`).innerText();

describe('install page', () => {
  it('passes validate() with a working injixo key and an admin Freshdesk key, and stores both as secure', async () => {
    const page = await openInstall();
    await fill(page, { injixo: INJIXO_KEY, freshdesk: ADMIN_KEY, scope: 'all_public', window: '90', id: '1234' });
    const before = stack.injixo.requestLog.length;

    expect(await page.evaluate(() => validate())).toBe(true);

    expect(await page.locator('#banner').innerText()).toBe('Both keys work. You can save.');
    expect(await messageOf(page, 'injixo_api_key')).toBe('');
    expect(await messageOf(page, 'freshdesk_api_key')).toBe('');
    // The empty contact list authenticated without storing anything (no queue can appear in injixo).
    expect(stack.injixo.requestLog.slice(before).map((r) => r.contacts)).toEqual([0]);
    // The key check, then the one call that measures the account's volume for the import estimate.
    // (measured as soon as a window was chosen with a key typed, once per key).
    expect(stack.freshdesk.requests.slice(-2).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: '/api/v2/groups?per_page=1', status: 200 },
      { path: '/api/v2/tickets?order_by=created_at&order_type=desc&per_page=100', status: 200 },
    ]);
    expect(await page.evaluate(() => postConfigs())).toEqual({
      __meta: { secure: ['injixo_api_key', 'freshdesk_api_key'] },
      injixo_api_key: INJIXO_KEY,
      freshdesk_api_key: ADMIN_KEY,
      reply_scope: 'all_public',
      import_window_days: 90,
      injixo_integration_id: 1234,
      handled_contacts: false,
      agent_statuses: false,
      agent_identifier: 'email',
      // Issue 20: the daily check is on unless switched off.
      daily_check: true,
    });
    await screenshot(page, 'install-keys-ok');
    await page.context().close();
  });

  it('shows what to do next to the injixo key when injixo rejects it on a first install (no "regenerated": nothing was saved yet), and blocks the save', async () => {
    const page = await openInstall();
    await fill(page, { injixo: 'regenerated-old-key', freshdesk: ADMIN_KEY });

    expect(await page.evaluate(() => validate())).toBe(false);

    expect(await messageOf(page, 'injixo_api_key')).toBe(
      'injixo rejected this API key (HTTP 401). Check that you copied the whole key, or generate a new one in injixo (Account > Integrations > Freshdesk > Install the injixo app > Generate) and paste it here.',
    );
    expect(await page.getAttribute('#injixo_api_key', 'aria-invalid')).toBe('true');
    expect(await messageOf(page, 'freshdesk_api_key')).toBe('');
    expect(await page.locator('#banner').innerText()).toBe('Please correct the fields marked above.');
    // The first wrong field has the focus, in view.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('injixo_api_key');
    expect(await inViewport(page, '#injixo_api_key-message')).toBe(true);
    await screenshot(page, 'install-injixo-key-rejected');
    await page.context().close();
  });

  it('names the Account Administrator role and the Groups API when the Freshdesk key belongs to an agent', async () => {
    const page = await openInstall();
    await fill(page, { injixo: INJIXO_KEY, freshdesk: AGENT_KEY });

    expect(await page.evaluate(() => validate())).toBe(false);

    expect(await messageOf(page, 'freshdesk_api_key')).toBe(
      'This key belongs to an agent without the Account Administrator role, so Freshdesk refuses the Groups API (GET /api/v2/groups, HTTP 403). Paste the API key of an Account Administrator.',
    );
    expect(await messageOf(page, 'injixo_api_key')).toBe('');
    await screenshot(page, 'install-freshdesk-not-admin');
    await page.context().close();
  });

  it('says the Freshdesk key is wrong when Freshdesk answers 401, and clears the message once the field is edited', async () => {
    const page = await openInstall();
    await fill(page, { injixo: INJIXO_KEY, freshdesk: 'typo-key' });

    expect(await page.evaluate(() => validate())).toBe(false);
    expect(await messageOf(page, 'freshdesk_api_key')).toBe('Freshdesk rejected this API key (HTTP 401). Copy the key again from Profile settings > View API key.');

    await page.fill('#freshdesk_api_key', ADMIN_KEY);
    expect(await messageOf(page, 'freshdesk_api_key')).toBe('');
    await page.click('#check-keys');
    await page.waitForFunction(() => document.getElementById('banner')?.textContent === 'Both keys work. You can save.');
    await page.context().close();
  });

  it('asks for both keys and a whole integration id, calling no one when no key was given', async () => {
    const page = await openInstall();
    const calls = stack.harness.calls.length;
    await fill(page, { id: '12.5' });

    expect(await page.evaluate(() => validate())).toBe(false);

    expect(await messageOf(page, 'injixo_api_key')).toBe('This field is required.');
    expect(await messageOf(page, 'freshdesk_api_key')).toBe('This field is required.');
    expect(await messageOf(page, 'injixo_integration_id')).toBe('Digits only, such as 1234 (as injixo support gave it), or leave the field empty.');
    expect(stack.harness.calls.slice(calls).filter((c) => c.kind === 'invokeTemplate')).toEqual([]);
    await page.context().close();
  });

  it('shows every error in one pass: a missing key, a refused key and a bad integration id together, in one round of checks', async () => {
    const page = await openInstall();
    const calls = stack.harness.calls.length;
    await fill(page, { freshdesk: AGENT_KEY, id: 'abc' });

    expect(await page.evaluate(() => validate())).toBe(false);

    expect(await messageOf(page, 'injixo_api_key')).toBe('This field is required.');
    expect(await messageOf(page, 'freshdesk_api_key')).toContain('without the Account Administrator role');
    expect(await messageOf(page, 'injixo_integration_id')).toBe('Digits only, such as 1234 (as injixo support gave it), or leave the field empty.');
    expect(await page.locator('#banner').innerText()).toBe('Please correct the fields marked above.');
    // One round: only the key that was given is checked, once.
    expect(stack.harness.calls.slice(calls).filter((c) => c.kind === 'invokeTemplate').map((c) => c.name)).toEqual(['freshdeskCheckKey']);
    await screenshot(page, 'install-all-errors-one-pass');

    await fill(page, { injixo: 'regenerated-old-key', id: '' });
    expect(await page.evaluate(() => validate())).toBe(false);
    expect(await messageOf(page, 'injixo_api_key')).toContain('injixo rejected this API key (HTTP 401)');
    expect(await messageOf(page, 'freshdesk_api_key')).toContain('without the Account Administrator role');
    expect(await messageOf(page, 'injixo_integration_id')).toBe('');
    await page.context().close();
  });

  it('refills the non-secret settings on Edit Settings, never shows a saved key, and asks for the keys again', async () => {
    const page = await openPage(browser, stack.harness.editUrl, { crayons: 'offline' });
    await page.waitForFunction(() => (document.getElementById('freshdesk_api_key-hint')?.textContent ?? '').includes('paste both keys again'));

    expect(await page.locator('#injixo_api_key-hint').innerText()).toContain(
      'Freshdesk keeps saved keys secret and does not hand them back to this page, so paste both keys again to save changed settings. Until you save, the app keeps working with the keys it has.',
    );

    expect(await page.inputValue('#injixo_api_key')).toBe('');
    expect(await page.inputValue('#freshdesk_api_key')).toBe('');
    expect(await page.inputValue('#reply_scope')).toBe('all_public');
    expect(await page.inputValue('#import_window_days')).toBe('90');
    expect(await page.content()).not.toContain(INJIXO_KEY);
    expect(await page.evaluate(() => validate())).toBe(false);
    expect(await messageOf(page, 'injixo_api_key')).toBe('This field is required.');
    // Editing saved settings: a refused key may well have been regenerated in injixo.
    await fill(page, { injixo: 'regenerated-old-key', freshdesk: ADMIN_KEY });
    expect(await page.evaluate(() => validate())).toBe(false);
    expect(await messageOf(page, 'injixo_api_key')).toContain('It may have been regenerated in injixo.');
    expect(stack.harness.violations).toEqual([]);
    await screenshot(page, 'install-edit-settings');
    await page.context().close();
  });

  it('keeps a saved key when the field is left empty, if the platform handed the saved settings to getConfigs', async () => {
    const page = await openInstall();
    await page.evaluate(
      ([injixo, freshdesk]) => getConfigs({ injixo_api_key: injixo, freshdesk_api_key: freshdesk, reply_scope: 'all_public', import_window_days: 0 }),
      [INJIXO_KEY, ADMIN_KEY],
    );

    expect(await page.locator('#injixo_api_key-hint').innerText()).toContain('A key is saved. Leave this empty to keep it, or paste a new key.');
    expect(await page.inputValue('#injixo_api_key')).toBe('');
    expect(await page.inputValue('#import_window_days')).toBe('none');
    expect(await page.evaluate(() => validate())).toBe(true);
    expect(await page.evaluate(() => postConfigs())).toMatchObject({ injixo_api_key: INJIXO_KEY, freshdesk_api_key: ADMIN_KEY, reply_scope: 'all_public', import_window_days: 0 });
    await page.context().close();
  });

  it('speaks French to a French browser, errors included', async () => {
    const page = await openInstall({ browserLocale: 'fr-FR' });
    await fill(page, { injixo: 'regenerated-old-key', freshdesk: AGENT_KEY });

    expect(await page.evaluate(() => validate())).toBe(false);

    expect(await page.locator('h1').innerText()).toBe('Relier Freshdesk à injixo');
    expect(await page.locator('label[for="injixo_api_key"]').innerText()).toContain('Clé API injixo');
    expect(await messageOf(page, 'injixo_api_key')).toContain('injixo a refusé cette clé API (HTTP 401)');
    expect(await messageOf(page, 'freshdesk_api_key')).toContain('l’API Groups (GET /api/v2/groups, HTTP 403)');
    // Menu paths in French too.
    expect(await page.locator('#injixo_api_key-hint').innerText()).toBe('Dans injixo : Compte > Intégrations > Freshdesk > Installer l’application injixo > Générer.');
    expect(await messageOf(page, 'injixo_api_key')).toContain('Compte > Intégrations > Freshdesk');
    expect(await page.locator('#import_window_days-hint').innerText()).toMatch(/1\s280 requêtes Freshdesk par heure/);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await screenshot(page, 'install-fr-errors');
    await page.context().close();
  });

  it('runs the real Crayons fields (served from node_modules for the CDN URL), and still validates and saves', async () => {
    const page = await openInstall({ crayons: 'real' });
    await page.waitForSelector('fw-select#reply_scope.hydrated');
    await page.waitForSelector('fw-input#injixo_integration_id.hydrated');
    await fill(page, { injixo: INJIXO_KEY, freshdesk: AGENT_KEY });

    expect(await crayonsUpgraded(page, 'fw-select#reply_scope')).toBe(true);
    expect(await crayonsUpgraded(page, 'fw-button#check-keys')).toBe(true);
    // The page's own options (light DOM); Playwright's CSS would also find the copies Crayons draws in its shadow DOM.
    expect(await page.locator('fw-select#import_window_days').evaluate((s) => Array.from(s.querySelectorAll(':scope > fw-select-option'), (o) => o.getAttribute('value')))).toEqual(['none', '7', '30', '90', '180', '365']);
    expect(await page.evaluate(() => validate())).toBe(false);

    expect(await page.getAttribute('fw-input#injixo_integration_id', 'type')).toBe('text');
    expect(await messageOf(page, 'freshdesk_api_key')).toContain('Groups API');
    expect(await page.evaluate(() => postConfigs())).toMatchObject({ reply_scope: 'customer', import_window_days: 30 });
    // Choosing through the component's own value, as a click on an option does.
    await page.locator('fw-select#import_window_days').evaluate((node) => {
      (node as HTMLElement & { value: string }).value = '365';
    });
    await fill(page, { freshdesk: ADMIN_KEY });
    expect(await page.evaluate(() => validate())).toBe(true);
    expect(await page.evaluate(() => postConfigs())).toMatchObject({ import_window_days: 365, freshdesk_api_key: ADMIN_KEY });
    await screenshot(page, 'install-crayons');
    await page.context().close();
  });

  it('works with plain controls when Crayons cannot load', async () => {
    const page = await openInstall({ crayons: 'offline' });
    await fill(page, { injixo: INJIXO_KEY, freshdesk: ADMIN_KEY, window: '180' });

    expect(await page.locator('select#import_window_days').count()).toBe(1);
    expect(await page.evaluate(() => customElements.get('fw-select') === undefined)).toBe(true);
    expect(await page.evaluate(() => validate())).toBe(true);
    expect(await page.evaluate(() => postConfigs())).toMatchObject({ import_window_days: 180 });
    await page.context().close();
  });
});

describe('install page: issue 22', () => {
  it.each([
    { perDay: 2000, window: '30', text: 'This account: about 2,000 tickets a day (from its 100 newest tickets). 30 days are about 60,000 tickets, which the app imports in about 46 hours.', cli: true, check: 'about 2,000 Freshdesk API calls a day' },
    { perDay: 100, window: '7', text: 'This account: about 100 tickets a day (from its 100 newest tickets). 7 days are about 700 tickets, which the app imports in about an hour or less.', cli: false, check: 'about 98 Freshdesk API calls a day' },
  ])('estimates the chosen window for this account ($perDay tickets a day, $window days) from one Freshdesk call, and advises the import tool above a day of importing', async ({ perDay, window, text, cli, check }) => {
    const sized = await startStack({ ticketsPerDay: perDay });
    try {
      const page = await openPage(browser, sized.harness.installUrl, { crayons: 'offline' });
      await page.waitForSelector('#injixo_api_key');
      await fill(page, { window });
      expect(await page.locator('#import-estimate').innerText()).toBe('Paste the Freshdesk key above and check the keys to see how long this import takes for your account.');
      expect(await page.locator('#check-estimate').innerText()).toBe('Check the keys above to see how many Freshdesk API calls a day the check costs this account.');
      await fill(page, { injixo: INJIXO_KEY, freshdesk: ADMIN_KEY });
      await page.click('#check-keys');
      await page.waitForFunction(() => (document.getElementById('import-estimate')?.textContent ?? '').startsWith('This account'));
      const estimate = await page.locator('#import-estimate').innerText();
      expect(estimate.slice(0, text.length)).toBe(text);
      expect(estimate.includes('Choose “No import” here and have the history imported with the import tool')).toBe(cli);
      if (cli) expect(estimate).toContain('more than 31,700 tickets');
      // Issue 20: the daily check's cost for this account, beside its setting.
      expect(await page.locator('#check-estimate').innerText()).toContain(check);
      expect(sized.freshdesk.requests.filter((r) => r.path.startsWith('/api/v2/tickets'))).toHaveLength(1);
      // Another window: no new call, a new estimate.
      await fill(page, { window: '7' });
      expect(await page.locator('#import-estimate').innerText()).toContain('7 days are about');
      await fill(page, { window: 'none' });
      expect(await page.locator('#import-estimate').innerText()).toBe('');
      expect(sized.freshdesk.requests.filter((r) => r.path.startsWith('/api/v2/tickets'))).toHaveLength(1);
      await screenshot(page, `install-estimate-${perDay}-a-day`);
      await page.context().close();
    } finally {
      await sized.close();
    }
  });

  it('refuses an integration id typed as 12abc with Crayons (it was saved as 12), saying digits only', async () => {
    const page = await openInstall({ crayons: 'real' });
    await page.waitForSelector('fw-input#injixo_integration_id.hydrated');
    await fill(page, { injixo: INJIXO_KEY, freshdesk: ADMIN_KEY });
    await fillField(page, 'injixo_integration_id', '12abc');
    expect(await page.evaluate(() => validate())).toBe(false);
    expect(await messageOf(page, 'injixo_integration_id')).toBe('Digits only, such as 1234 (as injixo support gave it), or leave the field empty.');
    expect(await page.evaluate(() => postConfigs())).not.toHaveProperty('injixo_integration_id');
    await fillField(page, 'injixo_integration_id', '12');
    expect(await page.evaluate(() => validate())).toBe(true);
    expect(await page.evaluate(() => postConfigs())).toMatchObject({ injixo_integration_id: 12 });
    await page.context().close();
  });

  it('answers "Check keys" right by the button, in view, and says the estimate in French', async () => {
    const page = await openInstall({ browserLocale: 'fr-FR', crayons: 'real' });
    await page.waitForSelector('fw-button#check-keys.hydrated');
    await fill(page, { injixo: INJIXO_KEY, freshdesk: ADMIN_KEY });
    await page.locator('fw-button#check-keys').scrollIntoViewIfNeeded();
    await page.click('fw-button#check-keys');
    await page.waitForFunction(() => document.getElementById('banner')?.textContent === 'Les deux clés fonctionnent. Vous pouvez enregistrer.');
    expect(await inViewport(page, '#banner')).toBe(true);
    await page.waitForFunction(() => (document.getElementById('import-estimate')?.textContent ?? '').startsWith('Ce compte'));
    expect(await page.locator('#import-estimate').innerText()).toContain('30 jours font environ 60\u202f000 tickets');
    expect(await page.locator('#import-estimate').innerText()).toContain('Choisissez « Pas d’import »');
    await screenshot(page, 'install-check-keys-fr');
    await page.context().close();
  });
});

describe('install page: the opt-in features (issue 14)', () => {
  const isChecked = (page: Page, id: string): Promise<boolean> => page.locator(`#${id}`).evaluate((node) => (node as HTMLInputElement).checked);

  it('shows both switches off, each with its one sentence, and the identifier choice only once agent statuses are on', async () => {
    const page = await openInstall();

    expect(await page.locator('label[for="handled_contacts"]').innerText()).toBe('Send handled contacts and handle time');
    expect(await page.locator('#handled_contacts-hint').innerText()).toBe(
      'Off by default because what it sends to injixo can never be deleted: each resolved ticket becomes one handled contact in its ticket’s queue, with the time entries logged on it as handle time.',
    );
    expect(await page.locator('label[for="agent_statuses"]').innerText()).toBe('Send agent statuses');
    expect(await page.locator('#agent_statuses-hint').innerText()).toBe(
      'Off by default because what it sends to injixo can never be deleted: agents’ availability changes become status intervals, and each agent must first be mapped to a person in injixo.',
    );
    expect(await page.getAttribute('#handled_contacts', 'role')).toBe('switch');
    expect(await isChecked(page, 'handled_contacts')).toBe(false);
    expect(await isChecked(page, 'agent_statuses')).toBe(false);
    expect(await page.locator('#agent_identifier').isVisible()).toBe(false);

    await page.click('label[for="agent_statuses"]');
    expect(await isChecked(page, 'agent_statuses')).toBe(true);
    expect(await page.locator('#agent_identifier').isVisible()).toBe(true);
    expect(await page.locator('label[for="agent_identifier"]').innerText()).toBe('Identify agents by');
    expect(await page.locator('#agent_identifier option').allInnerTexts()).toEqual(['Email (default)', 'Freshdesk agent id']);
    expect(await page.inputValue('#agent_identifier')).toBe('email');
    await screenshot(page, 'install-opt-in-agent-statuses');

    await page.click('#agent_statuses');
    expect(await page.locator('#agent_identifier').isVisible()).toBe(false);
    await page.context().close();
  });

  it('stores what the admin switched on, with the chosen identifier, and stores them off when untouched', async () => {
    const page = await openInstall();
    await fill(page, { injixo: INJIXO_KEY, freshdesk: ADMIN_KEY });
    expect(await page.evaluate(() => postConfigs())).toMatchObject({ handled_contacts: false, agent_statuses: false, agent_identifier: 'email' });

    await page.check('#handled_contacts');
    await page.check('#agent_statuses');
    await page.selectOption('#agent_identifier', 'id');

    expect(await page.evaluate(() => validate())).toBe(true);
    expect(await page.evaluate(() => postConfigs())).toMatchObject({ handled_contacts: true, agent_statuses: true, agent_identifier: 'id' });
    await page.context().close();
  });

  it('loads saved switches and the identifier back on Edit Settings, through the settings a browser may see', async () => {
    const saved = await startStack({
      iparams: {
        injixo_api_key: INJIXO_KEY, freshdesk_api_key: ADMIN_KEY, reply_scope: 'customer', import_window_days: 0,
        handled_contacts: true, agent_statuses: true, agent_identifier: 'id',
      },
    });
    try {
      const page = await openPage(browser, saved.harness.editUrl, { crayons: 'offline' });
      await page.waitForFunction(() => (document.getElementById('agent_statuses') as HTMLInputElement | null)?.checked === true);

      expect(await isChecked(page, 'handled_contacts')).toBe(true);
      expect(await page.locator('#agent_identifier').isVisible()).toBe(true);
      expect(await page.inputValue('#agent_identifier')).toBe('id');
      expect(saved.harness.violations).toEqual([]);
      await page.context().close();
    } finally {
      await saved.close();
    }
  });

  it('explains both switches in French', async () => {
    const page = await openInstall({ browserLocale: 'fr-FR' });
    await page.check('#agent_statuses');

    expect(await page.locator('label[for="handled_contacts"]').innerText()).toBe('Envoyer les contacts traités et la durée de traitement');
    expect(await page.locator('#handled_contacts-hint').innerText()).toContain('ne peut jamais être supprimé');
    expect(await page.locator('label[for="agent_statuses"]').innerText()).toBe('Envoyer les statuts des agents');
    expect(await page.locator('#agent_statuses-hint').innerText()).toContain('associé à une personne dans injixo');
    expect(await page.locator('label[for="agent_identifier"]').innerText()).toBe('Identifier les agents par');
    expect(await page.locator('#agent_identifier option').allInnerTexts()).toEqual(['E-mail (par défaut)', 'Identifiant d’agent Freshdesk']);
    await screenshot(page, 'install-opt-in-fr');
    await page.context().close();
  });

  it('uses Crayons toggles when Crayons loads, and they store what they show', async () => {
    const page = await openInstall({ crayons: 'real' });
    await page.waitForSelector('fw-toggle#agent_statuses.hydrated');
    await fill(page, { injixo: INJIXO_KEY, freshdesk: ADMIN_KEY });

    expect(await crayonsUpgraded(page, 'fw-toggle#handled_contacts')).toBe(true);
    expect(await page.locator('[data-field="agentIdentifier"]').isVisible()).toBe(false);
    await page.locator('fw-toggle#agent_statuses').click();
    await page.waitForFunction(() => (document.getElementById('agent_statuses') as HTMLElement & { checked: boolean }).checked);
    await page.waitForSelector('[data-field="agentIdentifier"]', { state: 'visible' });

    expect(await page.evaluate(() => postConfigs())).toMatchObject({ handled_contacts: false, agent_statuses: true, agent_identifier: 'email' });
    await screenshot(page, 'install-opt-in-crayons');
    await page.context().close();
  });
});
