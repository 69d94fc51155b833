/// <reference lib="dom" />
/**
 * The status page (app/index.html, full-page app). It reads everything through SMI functions —
 * `getStatus`, `testConnection`, `deliverNow` — so no key and no iparam ever reaches the browser.
 * tools/browser/build-app.ts bundles this file into app/scripts/status-page.js.
 */
import { button, crayonsReady, el, setBusy } from './dom';
import { callFunction, readUserLocale, type FdkApp, type FdkClient } from './fdk-client';
import { createTranslator, type Locale, type Translate } from '../i18n/translate';
import { formatDateTime, fromZonedInput, toZonedInput } from './format';
import type { ReplayRefusal } from '../import/replay';
import {
  describeConnection,
  describeReplayRefusal,
  describeDelivery,
  describeHealth,
  isConnectionReport,
  isDeliveryReport,
  isHealthView,
  type ImportModel,
  type ActionId,
  type ChartSeries,
  type Notice,
  type RecentModel,
  type StatusAnswer,
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
  /** Which action is primary once the status is known; until then none is. */
  primary: ActionId | null;
  /** The oldest time a replay may start at, as getStatus last said. */
  ledgerFrom?: string | undefined;
}

const ACTIONS: readonly ActionId[] = ['refresh', 'test-connection', 'retry-now'];

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function showNotices(notices: Notice[]): void {
  const box = document.getElementById('action-result');
  if (!box) return;
  box.replaceChildren(...notices.map((n) => el('p', { class: 'notice', 'data-tone': n.tone }, [n.text])));
}

/** Bars scaled to the highest bucket of the series shown; each bar carries its count for tests and tooltips. */
function drawChart(recent: RecentModel, seriesId: string, t: Page['t']): HTMLElement {
  const none: ChartSeries = { id: 'all', name: '', counts: [], total: 0, totalText: '0' };
  const series = recent.series.find((s) => s.id === seriesId) ?? recent.series[0] ?? none;
  const max = Math.max(1, ...series.counts);
  const label = t('recent.chartLabel', { name: series.name, total: series.totalText });
  return el('figure', { id: 'recent-chart', class: 'chart', 'data-series': series.id, 'data-total': String(series.total), role: 'img', 'aria-label': label }, [
    el('div', { class: 'bars' }, series.counts.map((n, i) => drawBar(n, max, recent.labels[i] ?? '', t))),
    // Every third hour labelled: 24 labels would not fit a narrow Freshdesk pane.
    el('div', { class: 'axis', 'aria-hidden': 'true' }, recent.labels.map((text, i) => el('span', {}, [i % 3 === 0 ? text : '']))),
    el('figcaption', {}, [label]),
  ]);
}

function drawBar(count: number, max: number, start: string, t: Page['t']): HTMLElement {
  return el('div', { class: 'bar-slot', title: t('recent.bar', { time: start, count }) }, [
    el('div', { class: 'bar', 'data-start': start, 'data-count': String(count), style: `height: ${((count / max) * 100).toFixed(1)}%` }),
  ]);
}

function drawRecent(recent: RecentModel, t: Page['t']): HTMLElement {
  const picker = el('select', { id: 'recent-queue' }, recent.series.map((s) => el('option', { value: s.id }, [s.name])));
  const section = el('section', { id: 'recent', class: 'panel' }, [
    el('h2', {}, [recent.title]),
    recent.empty ? el('p', { class: 'empty' }, [recent.empty]) : null,
    el('div', { class: 'chart-controls' }, [el('label', { for: 'recent-queue' }, [t('recent.show')]), ' ', picker]),
    drawChart(recent, 'all', t),
    recent.rows.length === 0
      ? null
      : el('table', { id: 'recent-table' }, [
          el('thead', {}, [el('tr', {}, [el('th', { scope: 'col' }, [t('recent.queue')]), el('th', { scope: 'col', class: 'num' }, [t('recent.offered')])])]),
          el('tbody', {}, recent.rows.map((r) =>
            el('tr', { 'data-queue': r.identifier }, [el('td', { title: r.identifier }, [r.name]), el('td', { class: 'num' }, [r.offered])]))),
          el('tfoot', {}, [el('tr', {}, [el('th', { scope: 'row' }, [t('recent.total')]), el('td', { class: 'num' }, [recent.total])])]),
        ]),
  ]);
  // Per queue on demand: choosing a queue (in the list or by clicking its row) redraws the chart.
  const show = (id: string): void => {
    picker.value = id;
    section.querySelector('#recent-chart')?.replaceWith(drawChart(recent, id, t));
  };
  picker.addEventListener('change', () => show(picker.value));
  section.querySelectorAll<HTMLElement>('#recent-table tbody tr').forEach((row) => row.addEventListener('click', () => show(row.dataset.queue ?? 'all')));
  return section;
}

/** Exactly one primary button: the action that fits the state (none blue for "retry" with nothing waiting). */
function markPrimary(action: ActionId): void {
  for (const id of ACTIONS) {
    const control = document.getElementById(id);
    if (!control) continue;
    const color = id === action ? 'primary' : 'secondary';
    if (control.tagName === 'FW-BUTTON') control.setAttribute('color', color);
    else control.className = `btn btn-${color}`;
    control.dataset.primary = String(id === action);
  }
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
    drawFailure(model, t),
    drawRecent(model.recent, t),
    model.import ? drawImport(model.import, page) : null,
    drawHistory(model),
    drawCheck(model, page.t),
    drawGaps(model, page),
    drawReplay(model, page),
    drawRenamed(model, t),
  ];
  body.replaceChildren(...sections.filter((s): s is HTMLElement => s !== null));
  page.primary = model.primaryAction;
  markPrimary(model.primaryAction);
}

function drawFailure({ failure }: StatusModel, t: Translate): HTMLElement | null {
  if (!failure) return null;
  return el('section', { id: 'failure', class: 'failure' }, [
    el('h2', {}, [t('failure.title')]),
    el('p', { class: 'failure-when' }, [el('code', {}, [failure.code]), ' — ', failure.when]),
    el('p', { class: 'failure-guidance' }, [failure.guidance]),
    el('p', { class: 'failure-details' }, [failure.details]),
  ]);
}

function drawHistory({ history }: StatusModel): HTMLElement | null {
  if (!history) return null;
  return el('section', { id: 'history', class: 'panel' }, [
    el('h2', {}, [history.title]),
    el('p', {}, [history.intro]),
    el('pre', { id: 'history-command' }, [el('code', {}, [history.command])]),
  ]);
}

/** Each gap with its one-click replay (within the ledger's retention) or the CLI command that refills it. */
function drawGaps(model: StatusModel, page: Page): HTMLElement | null {
  if (model.gaps.length === 0) return null;
  const { t } = page;
  return el('section', { id: 'gaps', class: 'panel' }, [
    el('h2', {}, [t('gaps.title')]),
    el('p', {}, [t('gaps.intro')]),
    el('ul', { id: 'gap-list' }, model.gaps.map((g) =>
      el('li', {}, [el('strong', {}, [g.reason]), ' — ', g.when, g.lost ? ` (${g.lost})` : '', g.repaired ? el('span', { class: 'gap-repaired' }, [` — ${g.repaired}`]) : '', g.command ? el('pre', { class: 'cli-command' }, [g.command]) : '', g.replay ? gapButton(g.replay, model, page) : ''])),
    ),
  ]);
}

/** Fills the replay form with the gap's window, in the admin's zone, and asks for the replay. */
function gapButton(window: { from: string; to: string }, model: StatusModel, page: Page): HTMLElement {
  const control = el('button', { type: 'button', class: 'btn btn-secondary gap-replay', 'data-from': window.from, 'data-to': window.to }, [page.t('replay.gapButton')]);
  control.addEventListener('click', () => {
    setInput('replay-from', toZonedInput(window.from, model.timeZone));
    setInput('replay-to', toZonedInput(window.to, model.timeZone));
    void runAction(page, () => askReplay(page, model));
  });
  return control;
}

function setInput(id: string, value: string): void {
  const input = document.getElementById(id);
  if (input instanceof HTMLInputElement) input.value = value;
}

function inputValue(id: string): string {
  const input = document.getElementById(id);
  return input instanceof HTMLInputElement ? input.value : '';
}

/** "Replay a period": the form (times in the admin's zone), then the last replay's progress or result. */
function drawReplay(model: StatusModel, page: Page): HTMLElement {
  const { t } = page;
  const { replay } = model;
  const last = replay.last;
  return el('section', { id: 'replay', class: 'panel', 'data-state': last ? last.state : 'none', 'data-phase': last ? last.phase : 'none' }, [
    el('h2', {}, [t('replay.title'), last ? ` — ${last.stateText}` : '']),
    el('p', {}, [replay.intro]),
    replay.busy ? el('p', { id: 'replay-busy', class: 'notice', 'data-tone': 'neutral' }, [replay.busy]) : null,
    drawReplayForm(model, page),
    last ? drawReplayProgress(last, t) : null,
  ]);
}

/** From/to as datetime-local inputs; the submit button is disabled while the import or a replay walks. */
function drawReplayForm(model: StatusModel, page: Page): HTMLElement {
  const { t } = page;
  const submit = el('button', { id: 'replay-submit', type: 'submit', class: 'btn btn-secondary' }, [t('replay.submit')]);
  if (model.replay.busy) submit.setAttribute('disabled', '');
  const form = el('form', { id: 'replay-form' }, [
    el('label', { for: 'replay-from' }, [t('replay.from')]), ' ', el('input', { id: 'replay-from', type: 'datetime-local', required: '' }), ' ',
    el('label', { for: 'replay-to' }, [t('replay.to')]), ' ', el('input', { id: 'replay-to', type: 'datetime-local', required: '' }), ' ',
    submit,
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void runAction(page, () => askReplay(page, model));
  });
  return form;
}

function drawReplayProgress(last: NonNullable<StatusModel['replay']['last']>, t: Translate): HTMLElement {
  return el('div', { id: 'replay-progress' }, [
    ...last.lines.map((line) => el('p', { class: 'replay-line' }, [line])),
    last.problems.length > 0 ? el('ul', { id: 'replay-problems' }, last.problems.map((p) => el('li', {}, [p]))) : null,
    last.queues.length === 0
      ? null
      : el('table', { id: 'replay-result' }, [
          el('thead', {}, [el('tr', {}, [el('th', { scope: 'col' }, [t('replay.queue')]), el('th', { scope: 'col', class: 'num' }, [t('replay.sent')]), el('th', { scope: 'col', class: 'num' }, [t('replay.surplusColumn')])])]),
          el('tbody', {}, last.queues.map((q) =>
            el('tr', { 'data-queue': q.identifier }, [el('td', { title: q.identifier }, [q.name]), el('td', { class: 'num' }, [q.sent]), el('td', { class: 'num' }, [q.surplus])]))),
        ]),
  ]);
}

/** Sends the form's window (converted from the admin's zone to UTC) and says what the server answered. */
async function askReplay(page: Page, model: StatusModel): Promise<Notice[]> {
  const from = fromZonedInput(inputValue('replay-from'), model.timeZone);
  const to = fromZonedInput(inputValue('replay-to'), model.timeZone);
  if (!from || !to) return [{ text: page.t('replay.badInput'), tone: 'warning' }];
  const answer = (await callFunction(page.client, 'replayPeriod', { from, to })) as { refused?: ReplayRefusal } | null;
  if (answer?.refused) {
    const time = (iso: string): string => formatDateTime(iso, page.locale, model.timeZone);
    return [{ text: describeReplayRefusal(answer.refused, page.t, time, page.ledgerFrom), tone: 'warning' }];
  }
  await loadStatus(page);
  return [{ text: page.t('replay.started'), tone: 'ok' }];
}

/** The daily check: what it does and costs, the running check, and the last 14 days (issue 20). */
function drawCheck({ check }: StatusModel, t: Translate): HTMLElement | null {
  if (!check) return null;
  const line = (id: string, text: string | null): HTMLElement | null => (text ? el('p', { id, class: 'check-line' }, [text]) : null);
  const head = ['check.day', 'check.freshdesk', 'check.delivered', 'check.sent', 'check.surplus', 'check.status'] as const;
  return el('section', { id: 'check', class: 'panel', 'data-enabled': String(check.enabled) }, [
    el('h2', {}, [t('check.title')]),
    el('p', {}, [check.intro]),
    line('check-off', check.off),
    line('check-cost', check.cost),
    line('check-running', check.running),
    line('check-refusal', check.refusal),
    el('table', { id: 'check-days' }, [
      el('thead', {}, [el('tr', {}, head.map((key, i) => el('th', { scope: 'col', class: i > 0 && i < 5 ? 'num' : '' }, [t(key)])))]),
      el('tbody', {}, check.rows.map((r) =>
        el('tr', { 'data-day': r.day, 'data-status': r.status, 'data-tone': r.tone }, [
          el('th', { scope: 'row' }, [r.day]),
          el('td', { class: 'num' }, [r.freshdesk]),
          el('td', { class: 'num' }, [r.delivered]),
          el('td', { class: 'num' }, [r.sent]),
          el('td', { class: 'num' }, [r.surplus]),
          el('td', { class: 'check-status' }, [r.text, ...r.notes.flatMap((n) => [el('br'), n])]),
        ]))),
    ]),
    line('check-surplus-note', check.surplusNote),
  ]);
}

function drawRenamed(model: StatusModel, t: Translate): HTMLElement | null {
  if (model.renamed.length === 0) return null;
  return el('section', { id: 'renamed', class: 'panel' }, [
    el('h2', {}, [t('renamed.title')]),
    el('p', {}, [t('renamed.intro')]),
    el('table', { id: 'renamed-table' }, [
      el('thead', {}, [el('tr', {}, [el('th', { scope: 'col' }, [t('renamed.kept')]), el('th', { scope: 'col' }, [t('renamed.current')])])]),
      el('tbody', {}, model.renamed.map((r) =>
        el('tr', { 'data-queue': r.identifier }, [el('td', { title: r.identifier }, [r.kept]), el('td', {}, [r.current])]))),
    ]),
  ]);
}

/** Import progress with its one button: pause while running, resume when paused or stopped. */
function drawImport(model: ImportModel, page: Page): HTMLElement {
  const { t } = page;
  const control = model.canPause ? button('import-pause', t('import.pause'), page.crayons) : model.canResume ? button('import-resume', t('import.resume'), page.crayons) : null;
  const section = el('section', { id: 'import', class: 'panel', 'data-state': model.state }, [
    el('h2', {}, [t('import.title'), ' — ', model.stateText]),
    ...model.lines.map((line) => el('p', { class: 'import-line' }, [line])),
    model.problems.length > 0 ? el('p', {}, [t('import.problems')]) : null,
    model.problems.length > 0 ? el('ul', { id: 'import-problems' }, model.problems.map((p) => el('li', {}, [p]))) : null,
    control,
  ]);
  control?.addEventListener('click', () => void runAction(page, () => importAction(page, model.canPause ? 'pauseImport' : 'resumeImport')));
  return section;
}

async function importAction(page: Page, name: 'pauseImport' | 'resumeImport'): Promise<Notice[]> {
  await callFunction(page.client, name);
  await loadStatus(page);
  return [];
}

async function loadStatus(page: Page): Promise<void> {
  const body = document.getElementById('status-body');
  try {
    const view = await callFunction(page.client, 'getStatus');
    if (!isHealthView(view)) throw new Error('unexpected answer from getStatus');
    page.ledgerFrom = (view as StatusAnswer).ledgerFrom;
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
        button('retry-now', t('action.retryNow'), page.crayons),
        button('refresh', t('status.refresh'), page.crayons),
      ]),
    ]),
    el('div', { id: 'action-result', role: 'status', 'aria-live': 'polite' }),
    el('div', { id: 'status-body' }, [el('p', { class: 'loading' }, [t('status.loading')])]),
  );
  if (page.primary) markPrimary(page.primary);
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
  const page: Page = { client, t: createTranslator(locale), locale, crayons: false, primary: null };
  drawFrame(page);
  await loadStatus(page);
  // Crayons buttons replace the plain ones once the CDN script has defined them.
  if (await crayonsReady(['fw-button'], 10_000)) {
    // The drawn nodes are moved, not copied, so the chart's queue picker keeps its listeners.
    const result = document.getElementById('action-result');
    const body = document.getElementById('status-body');
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
