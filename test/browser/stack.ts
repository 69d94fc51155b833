import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ManualClock } from '../../tools/clock';
import { buildApp } from '../../tools/browser/build-app';
import { LocalPlatform } from '../../tools/local-platform';
import { startLocalInjixo, type LocalInjixo } from '../../tools/local-injixo/server';
import { CRAYONS_LOCAL_PREFIX, startUiHarness, type FunctionStandIn, type UiHarness } from '../../tools/ui-harness/server';
import { startFreshdeskStub, type FreshdeskStub } from './freshdesk-stub';

export const INJIXO_KEY = 'injixo-good-key-7f3a';
export const ADMIN_KEY = 'freshdesk-admin-key-91bc';
export const AGENT_KEY = 'freshdesk-agent-key-55de';
export const NOW = '2026-11-21T10:40:00Z';

const SCREENSHOTS = path.resolve(__dirname, '..', '..', '.artifacts', 'screenshots');
const CRAYONS_CDN = 'https://cdn.jsdelivr.net/npm/@freshworks/crayons@v4/**';

export interface Stack {
  platform: LocalPlatform;
  injixo: LocalInjixo;
  freshdesk: FreshdeskStub;
  harness: UiHarness;
  clock: ManualClock;
  close(): Promise<void>;
}

let built: Promise<unknown> | undefined;

/** Builds the two pages once per test file, so the tests always run the current TypeScript. */
export function buildPagesOnce(): Promise<unknown> {
  built ??= buildApp();
  return built;
}

export async function startStack(options: { locale?: 'en' | 'fr' | 'none'; iparams?: Record<string, unknown>; functions?: Record<string, FunctionStandIn>; ticketsPerDay?: number } = {}): Promise<Stack> {
  await buildPagesOnce();
  const clock = new ManualClock(NOW);
  const iparams = options.iparams ?? { injixo_api_key: INJIXO_KEY, freshdesk_api_key: ADMIN_KEY, reply_scope: 'all_public', import_window_days: 90 };
  const injixo = await startLocalInjixo({ apiKey: INJIXO_KEY, clock });
  const freshdesk = await startFreshdeskStub({ admin: ADMIN_KEY, agent: AGENT_KEY }, options.ticketsPerDay === undefined ? {} : { ticketsPerDay: options.ticketsPerDay });
  const platform = await LocalPlatform.load({
    iparams,
    clock,
    hostMap: { 'api.injixo.com': injixo.url, 'acme.freshdesk.com': freshdesk.url },
    limits: { retryDelayScale: 0 },
  });
  const harness = await startUiHarness({
    platform,
    iparams,
    ...(options.locale ? { locale: options.locale } : {}),
    ...(options.functions ? { functions: options.functions } : {}),
  });
  return {
    platform, injixo, freshdesk, harness, clock,
    close: async () => {
      await harness.close();
      await platform.close();
      await freshdesk.close();
      await injixo.close();
    },
  };
}

export function launchChromium(): Promise<Browser> {
  // Debian's Chromium (tools/browser/ensure-chromium.sh), never a Playwright download.
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface OpenOptions {
  /** The browser's language (the settings page falls back to it). Default en-GB. */
  browserLocale?: string;
  /** The browser's time zone (the admin's). Default UTC. */
  timezoneId?: string;
  /**
   * real (default): the harness serves the real @freshworks/crayons from node_modules in place of
   * the CDN URL. offline: neither the CDN nor that copy loads, as when the CDN is blocked.
   */
  crayons?: 'real' | 'offline';
  /** Browser permissions, e.g. clipboard-read for the copy buttons. */
  permissions?: string[];
  /** Default 1000 × 900. */
  viewport?: { width: number; height: number };
}

export async function openPage(browser: Browser, url: string, options: OpenOptions = {}): Promise<Page> {
  const context = await browser.newContext({ locale: options.browserLocale ?? 'en-GB', timezoneId: options.timezoneId ?? 'UTC', viewport: options.viewport ?? { width: 1000, height: 900 }, ...(options.permissions ? { permissions: options.permissions } : {}) });
  // Nothing may come from the internet: the CDN is always refused; the local copy only when offline.
  await context.route(CRAYONS_CDN, (route) => route.abort());
  if (options.crayons === 'offline') await context.route(`**${CRAYONS_LOCAL_PREFIX}**`, (route) => route.abort());
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** Whether the page runs real Crayons: the element is defined and Stencil has upgraded it (shadow root, `hydrated`). */
export function crayonsUpgraded(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).evaluate((node) =>
    customElements.get(node.tagName.toLowerCase()) !== undefined && node.shadowRoot !== null && node.classList.contains('hydrated'));
}

/** Whether the element's box lies inside the browser's viewport (the answer is where the admin looks). */
export function inViewport(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).first().evaluate((node) => {
    const box = node.getBoundingClientRect();
    // Half a pixel of rounding either way (scrollIntoView aligns to fractional pixels).
    return box.height > 0 && box.top >= -1 && box.bottom <= window.innerHeight + 1 && box.left >= -1 && box.right <= window.innerWidth + 1;
  });
}

/** Chooses in a Crayons fw-select as an admin does: opens it and clicks the option with that text. */
export async function chooseIn(page: Page, selector: string, optionText: string): Promise<void> {
  await page.click(selector);
  await page.locator(selector).getByRole('option', { name: optionText, exact: true }).click();
}

/** Types into a field by id, native input or Crayons fw-input (its own input sits in its shadow root; a hidden one beside it). */
export async function fillField(page: Page, id: string, value: string): Promise<void> {
  const tag = await page.locator(`#${id}`).first().evaluate((node) => node.tagName);
  await page.fill(tag === 'FW-INPUT' ? `fw-input#${id} input:not([type="hidden"])` : `#${id}`, value);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
