/// <reference lib="dom" />
/**
 * The status page (app/index.html, full-page app). It reads everything through SMI functions —
 * `getStatus`, `testConnection`, `deliverNow` — so no key and no iparam ever reaches the browser.
 * tools/browser/build-app.ts bundles this file into app/scripts/status-page.js.
 */
import { button, crayonsReady, el, setBusy } from './dom';
import { callFunction, readUserLocale, type FdkApp, type FdkClient } from './fdk-client';
import { createTranslator, type Locale, type Translate } from '../i18n/translate';
import {
  describeConnection,
  describeDelivery,
  describeHealth,
  isConnectionReport,
  isDeliveryReport,
  isHealthView,
  type Notice,
  type StatusModel,
} from './status-model';

declare global {
  interface Window {
    app?: FdkApp;
  }
}

interface Page {
  client: FdkClient;
  t: Translate;
  locale: Locale;
  crayons: boolean;
}

const ACTIONS = ['refresh', 'test-connection', 'retry-now'] as const;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function showNotices(notices: Notice[]): void {
  const box = document.getElementById('action-result');
  if (!box) return;
  box.replaceChildren(...notices.map((n) => el('p', { class: 'notice', 'data-tone': n.tone }, [n.text])));
}

function drawModel(model: StatusModel, page: Page): void {
  const body = document.getElementById('status-body');
  if (!body) return;
  const { t } = page;
  const sections: (HTMLElement | null)[] = [
    el('section', { id: 'state', class: 'state', 'data-state': model.state.id, 'data-tone': model.state.tone }, [
      el('h2', { id: 'state-text' }, [model.state.text]),
      model.state.detail ? el('p', { id: 'state-detail' }, [model.state.detail]) : null,
    ]),
    el('dl', { id: 'facts', class: 'facts' }, model.facts.map((f) =>
      el('div', { class: 'fact', 'data-fact': f.id, 'data-tone': f.tone }, [el('dt', {}, [f.label]), el('dd', {}, [f.value])]))),
    model.failure
      ? el('section', { id: 'failure', class: 'failure' }, [
          el('h2', {}, [t('failure.title')]),
          el('p', { class: 'failure-when' }, [el('code', {}, [model.failure.code]), ' — ', model.failure.when]),
          el('p', { class: 'failure-guidance' }, [model.failure.guidance]),
          el('p', { class: 'failure-details' }, [model.failure.details]),
        ])
      : null,
    el('section', { id: 'today', class: 'today' }, [
      el('h2', {}, [model.today.title]),
      model.today.empty
        ? el('p', { class: 'empty' }, [model.today.empty])
        : el('table', { id: 'today-table' }, [
            el('thead', {}, [el('tr', {}, [el('th', { scope: 'col' }, [t('today.queue')]), el('th', { scope: 'col', class: 'num' }, [t('today.offered')])])]),
            el('tbody', {}, model.today.rows.map((r) =>
              el('tr', { 'data-queue': r.identifier }, [el('td', { title: r.identifier }, [r.name]), el('td', { class: 'num' }, [r.offered])]))),
            el('tfoot', {}, [el('tr', {}, [el('th', { scope: 'row' }, [t('today.total')]), el('td', { class: 'num' }, [model.today.total])])]),
          ]),
    ]),
  ];
  body.replaceChildren(...sections.filter((s): s is HTMLElement => s !== null));
}

async function loadStatus(page: Page): Promise<void> {
  const body = document.getElementById('status-body');
  try {
    const view = await callFunction(page.client, 'getStatus');
    if (!isHealthView(view)) throw new Error('unexpected answer from getStatus');
    drawModel(describeHealth(view, { t: page.t, locale: page.locale }), page);
  } catch (error) {
    body?.replaceChildren(el('p', { id: 'load-error', class: 'notice', 'data-tone': 'error' }, [page.t('status.loadFailed', { detail: errorText(error) })]));
  }
}

/** Runs one action with every action button disabled, so a second click cannot overlap it. */
async function runAction(page: Page, work: () => Promise<Notice[]>): Promise<void> {
  const buttons = ACTIONS.map((id) => document.getElementById(id)).filter((b): b is HTMLElement => b !== null);
  buttons.forEach((b) => setBusy(b, true));
  showNotices([{ text: page.t('action.working'), tone: 'neutral' }]);
  try {
    showNotices(await work());
  } catch (error) {
    showNotices([{ text: page.t('action.failed', { detail: errorText(error) }), tone: 'error' }]);
  } finally {
    buttons.forEach((b) => setBusy(b, false));
  }
}

async function testConnection(page: Page): Promise<Notice[]> {
  const report = await callFunction(page.client, 'testConnection');
  if (!isConnectionReport(report)) throw new Error('unexpected answer from testConnection');
  return describeConnection(report, page.t);
}

async function retryNow(page: Page): Promise<Notice[]> {
  const report = await callFunction(page.client, 'deliverNow');
  if (!isDeliveryReport(report)) throw new Error('unexpected answer from deliverNow');
  await loadStatus(page);
  return describeDelivery(report, page.t, page.locale);
}

function drawFrame(page: Page): void {
  const root = document.getElementById('status');
  if (!root) return;
  const { t } = page;
  document.title = t('status.title');
  root.replaceChildren(
    el('header', { class: 'page-header' }, [
      el('h1', {}, [t('status.title')]),
      el('div', { class: 'actions' }, [
        button('test-connection', t('action.testConnection'), page.crayons),
        button('retry-now', t('action.retryNow'), page.crayons, 'primary'),
        button('refresh', t('status.refresh'), page.crayons),
      ]),
    ]),
    el('div', { id: 'action-result', role: 'status', 'aria-live': 'polite' }),
    el('div', { id: 'status-body' }, [el('p', { class: 'loading' }, [t('status.loading')])]),
  );
  document.getElementById('test-connection')?.addEventListener('click', () => void runAction(page, () => testConnection(page)));
  document.getElementById('retry-now')?.addEventListener('click', () => void runAction(page, () => retryNow(page)));
  document.getElementById('refresh')?.addEventListener('click', () => void runAction(page, async () => {
    await loadStatus(page);
    return [];
  }));
}

async function start(): Promise<void> {
  const app = window.app;
  if (!app) throw new Error('the FDK client ({{{appclient}}}) did not load');
  const client = await app.initialized();
  const locale = await readUserLocale(client, undefined);
  document.documentElement.lang = locale;
  const page: Page = { client, t: createTranslator(locale), locale, crayons: false };
  drawFrame(page);
  await loadStatus(page);
  // Crayons buttons replace the plain ones once the CDN script has defined them.
  if (await crayonsReady(['fw-button'], 10_000)) {
    const result = document.getElementById('action-result')?.cloneNode(true);
    const body = document.getElementById('status-body')?.cloneNode(true);
    page.crayons = true;
    drawFrame(page);
    if (result) document.getElementById('action-result')?.replaceWith(result);
    if (body) document.getElementById('status-body')?.replaceWith(body);
  }
}

start().catch((error: unknown) => {
  const root = document.getElementById('status');
  if (root) root.textContent = `injixo connect: ${errorText(error)}`;
});
