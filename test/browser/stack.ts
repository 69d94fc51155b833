import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ManualClock } from '../../tools/clock';
import { buildApp } from '../../tools/browser/build-app';
import { LocalPlatform } from '../../tools/local-platform';
import { startLocalInjixo, type LocalInjixo } from '../../tools/local-injixo/server';
import { startUiHarness, type FunctionStandIn, type UiHarness } from '../../tools/ui-harness/server';
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

export async function startStack(options: { locale?: 'en' | 'fr'; iparams?: Record<string, unknown>; functions?: Record<string, FunctionStandIn> } = {}): Promise<Stack> {
  await buildPagesOnce();
  const clock = new ManualClock(NOW);
  const iparams = options.iparams ?? { injixo_api_key: INJIXO_KEY, freshdesk_api_key: ADMIN_KEY, reply_scope: 'all_public', import_window_days: 90 };
  const injixo = await startLocalInjixo({ apiKey: INJIXO_KEY, clock });
  const freshdesk = await startFreshdeskStub({ admin: ADMIN_KEY, agent: AGENT_KEY });
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

/** A stand-in for the Crayons CDN module: the documented properties and events, nothing drawn. */
const CRAYONS_STAND_IN = `
class FwField extends HTMLElement {
  get value() { return this._value ?? this.getAttribute('value') ?? ''; }
  set value(v) { this._value = String(v); }
}
customElements.define('fw-input', class extends FwField {});
customElements.define('fw-select', class extends FwField {});
customElements.define('fw-select-option', class extends HTMLElement {});
customElements.define('fw-button', class extends HTMLElement {});
`;

export interface OpenOptions {
  /** The browser's language (the settings page falls back to it). Default en-GB. */
  browserLocale?: string;
  /** offline: the CDN is unreachable (the default, as in CI); stand-in: a minimal Crayons is served. */
  crayons?: 'offline' | 'stand-in';
}

export async function openPage(browser: Browser, url: string, options: OpenOptions = {}): Promise<Page> {
  const context = await browser.newContext({ locale: options.browserLocale ?? 'en-GB', timezoneId: 'UTC', viewport: { width: 1000, height: 900 } });
  await context.route(CRAYONS_CDN, (route) =>
    options.crayons === 'stand-in' && route.request().url().endsWith('.esm.js')
      ? route.fulfill({ status: 200, contentType: 'text/javascript', body: CRAYONS_STAND_IN })
      : route.abort(),
  );
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
