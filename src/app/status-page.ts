/// <reference lib="dom" />
/**
 * The status page (app/index.html, full-page app). It reads everything through SMI functions —
 * `getStatus`, `testConnection`, `deliverNow` — so no key and no iparam ever reaches the browser.
 * tools/browser/build-app.ts bundles this file into app/scripts/status-page.js.
 *
 * Issue 22: the last good answer is kept in the browser (status-cache.ts) and shown "as of" its
 * time when getStatus is refused; every form's answer appears next to it, focused or announced;
 * the page is drawn with Crayons controls once they load (plain ones until then, or for good
 * when the CDN is blocked).
 */
import { button, crayonsReady, el, markField, selectField, setBusy, setValue, textField, valueOf } from './dom';
import { callFunction, FunctionCallError, readFreshdeskHost, readUserLocale, type FdkApp, type FdkClient } from './fdk-client';
import { createTranslator, type Locale, type Translate } from '../i18n/translate';
import { formatCount, formatDateTime, INPUT_PATTERN, resolveTimeZone, toInputText } from './format';
import type { ReplayRefusal } from '../import/replay';
import { readReplayForm } from './replay-form';
import { asOfMs, isLimitRefusal, loadCachedStatus, platformNowFrom, saveStatus, statusCacheKey, type KeyValueStorage, type StoredStatus } from './status-cache';
import { axisTicks } from './status-glance';
import {
  describeConnection,
  describeDelivery,
  describeHealth,
  describeReplayRefusal,
  describeStale,
  describeUnavailable,
  isConnectionReport,
  isDeliveryReport,
  isHealthView,
  type ActionId,
  type ChartSeries,
  type ImportModel,
  type Notice,
  type QueueRowModel,
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
  timeZone: string;
  crayons: boolean;
  /** Which action is primary once the status is known; until then none is. */
  primary: ActionId | null;
  /** The actions offered once the status is known (all three until then). */
  actions: ActionId[];
  /** The oldest time a replay may start at, as getStatus last said. */
  ledgerFrom?: string | undefined;
  /** The answer drawn now and when it arrived (the admin's clock), to redraw and to keep. */
  shown?: StoredStatus;
  storage: KeyValueStorage | undefined;
  cacheKey: string;
  /** The chart's series and the queue search, kept across redraws. */
  series: string;
  query: string;
}

const ACTIONS: readonly ActionId[] = ['test-connection', 'retry-now', 'refresh'];
const ACTION_LABELS: Record<ActionId, 'action.testConnection' | 'action.retryNow' | 'status.refresh'> = {
  'test-connection': 'action.testConnection',
  'retry-now': 'action.retryNow',
  refresh: 'status.refresh',
};
const CRAYONS_TAGS = ['fw-button', 'fw-input', 'fw-select', 'fw-select-option'] as const;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Shows notices in the box with `id` (looked up now: a redraw may have replaced it); `focus` brings a form's answer into view. */
function showNotices(id: string, notices: Notice[], focus = false): void {
  const box = document.getElementById(id);
  if (!box) return;
  box.replaceChildren(...notices.map((n) => el('p', { class: 'notice', 'data-tone': n.tone }, [n.text])));
  if (focus && notices.length > 0) box.focus();
}

/** A live region for a form's answer, right below the form: announced, and focusable to bring it into view. */
function noticeBox(id: string): HTMLElement {
  return el('div', { id, class: 'form-notice', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
}

// ---- chart ---------------------------------------------------------------------------------

/** Bars on a count axis with round ticks; each bar is focusable and says its hour and count on hover and focus. */
function drawChart(recent: RecentModel, seriesId: string, page: Page): HTMLElement {
  const { t } = page;
  const none: ChartSeries = { id: 'all', name: '', counts: [], total: 0, totalText: '0' };
  const series = recent.series.find((s) => s.id === seriesId) ?? recent.series[0] ?? none;
  const ticks = axisTicks(Math.max(0, ...series.counts));
  const top = ticks[ticks.length - 1] ?? 1;
  const label = t('recent.chartLabel', { name: series.name, total: series.totalText });
  return el('figure', { id: 'recent-chart', class: 'chart', 'data-series': series.id, 'data-total': String(series.total), 'aria-label': label }, [
    el('div', { class: 'y-title', 'aria-hidden': 'true' }, [t('recent.axis')]),
    el('div', { class: 'plot' }, [
      el('div', { class: 'y-axis', 'aria-hidden': 'true' }, [
        ...ticks.map((tick) => el('span', { class: 'tick', 'data-value': String(tick), style: `bottom: ${((tick / top) * 100).toFixed(1)}%` }, [formatCount(tick, page.locale)])),
      ]),
      el('div', { class: 'bars', role: 'list' }, [
        ...ticks.map((tick) => el('div', { class: 'grid-line', 'aria-hidden': 'true', style: `bottom: ${((tick / top) * 100).toFixed(1)}%` })),
        ...series.counts.map((n, i) => drawBar(n, top, recent.labels[i] ?? '', recent.ranges[i] ?? '', page)),
      ]),
    ]),
    // Every third hour labelled: 24 labels would not fit a narrow Freshdesk pane.
    el('div', { class: 'axis', 'aria-hidden': 'true' }, recent.labels.map((text, i) => el('span', {}, [i % 3 === 0 ? text : '']))),
    el('figcaption', {}, [label]),
  ]);
}

function drawBar(count: number, top: number, start: string, range: string, page: Page): HTMLElement {
  const text = page.t('recent.bar', { time: range, count: formatCount(count, page.locale) });
  return el('div', { class: 'bar-slot', role: 'listitem', tabindex: '0', 'aria-label': text }, [
    el('div', { class: 'bar', 'data-start': start, 'data-count': String(count), style: `height: ${((count / top) * 100).toFixed(1)}%` }),
    el('span', { class: 'bar-value', 'aria-hidden': 'true' }, [text]),
  ]);
}

function queueTable(id: string, rows: QueueRowModel[], page: Page, total?: string): HTMLElement {
  const { t } = page;
  return el('table', { id, class: 'queue-table' }, [
    el('thead', {}, [el('tr', {}, [el('th', { scope: 'col' }, [t('recent.queue')]), el('th', { scope: 'col', class: 'num' }, [t('recent.offered')])])]),
    el('tbody', {}, rows.map((r) => el('tr', { 'data-queue': r.identifier, 'data-name': r.name.toLowerCase() }, [el('td', { title: r.identifier }, [r.name]), el('td', { class: 'num' }, [r.offered])]))),
    total === undefined ? null : el('tfoot', {}, [el('tr', {}, [el('th', { scope: 'row' }, [t('recent.total')]), el('td', { class: 'num' }, [total])])]),
  ]);
}

/** Each Freshdesk group collapsible (<details>: keyboard and screen readers know it), closed until searched or opened. */
function drawGroups(recent: RecentModel, page: Page): HTMLElement {
  return el('div', { id: 'queue-groups' }, [
    el('h3', {}, [page.t('recent.byGroup')]),
    ...recent.groups.map((g) =>
      el('details', { class: 'queue-group', 'data-group': g.id, 'data-name': g.name.toLowerCase() }, [el('summary', {}, [g.summary]), queueTable(`group-${g.id}`, g.rows, page)]),
    ),
  ]);
}

/** Filters every queue table by the search text (queue or group name); matching groups open, the others close. */
function applySearch(section: HTMLElement, query: string, page: Page): void {
  const q = query.trim().toLowerCase();
  let matches = 0;
  section.querySelectorAll<HTMLTableRowElement>('#queue-groups tbody tr').forEach((row) => {
    const group = row.closest<HTMLElement>('.queue-group');
    const hit = q === '' || (row.dataset.name ?? '').includes(q) || (group?.dataset.name ?? '').includes(q);
    row.hidden = !hit;
    if (hit) matches += 1;
  });
  section.querySelectorAll<HTMLDetailsElement>('.queue-group').forEach((group) => {
    const visible = group.querySelectorAll('tbody tr:not([hidden])').length;
    group.hidden = visible === 0;
    group.open = q !== '' && visible > 0;
  });
  const busiest = section.querySelector<HTMLElement>('#busiest');
  if (busiest) busiest.hidden = q !== '';
  const said = section.querySelector('#queue-search-result');
  if (said) said.textContent = q === '' ? '' : matches === 0 ? page.t('recent.noMatch', { query }) : page.t('recent.matches', { count: formatCount(matches, page.locale) });
}

function drawRecent(recent: RecentModel, page: Page): HTMLElement {
  const { t } = page;
  const choices = recent.series.map((s) => ({ value: s.id, text: s.name }));
  if (!choices.some((c) => c.value === page.series)) page.series = 'all';
  const section = el('section', { id: 'recent', class: 'panel' }, [
    el('h2', {}, [recent.title]),
    el('p', { id: 'recent-figures', class: 'figures' }, [el('strong', {}, [recent.last24]), ' · ', el('strong', {}, [recent.today])]),
    el('p', { id: 'recent-explain', class: 'hint' }, [recent.explain]),
    recent.empty ? el('p', { class: 'empty' }, [recent.empty]) : null,
  ]);
  const show = (id: string): void => {
    page.series = id;
    setValue('recent-queue', id);
    section.querySelector('#recent-chart')?.replaceWith(drawChart(recent, id, page));
  };
  section.append(
    el('div', { class: 'chart-controls' }, [selectField({ id: 'recent-queue', label: t('recent.show'), choices, value: page.series, crayons: page.crayons, onChange: show })]),
    drawChart(recent, page.series, page),
  );
  if (recent.rows.length > 0) {
    section.append(
      textField({ id: 'queue-search', label: t('recent.search'), hint: t('recent.searchHint'), value: page.query, crayons: page.crayons, onInput: (value) => {
        page.query = value;
        applySearch(section, value, page);
      } }),
      el('p', { id: 'queue-search-result', role: 'status', 'aria-live': 'polite' }),
      el('div', { id: 'busiest' }, [el('h3', {}, [t('recent.busiest', { count: recent.busiest.length })]), queueTable('recent-table', recent.busiest, page, recent.total)]),
      drawGroups(recent, page),
    );
    applySearch(section, page.query, page);
  }
  // Per queue on demand: choosing a queue (in the list or by clicking its row) redraws the chart.
  section.addEventListener('click', (event) => {
    const row = (event.target as HTMLElement | null)?.closest<HTMLElement>('tr[data-queue]');
    if (row?.dataset.queue) show(row.dataset.queue);
  });
  return section;
}

// ---- the rest of the model -----------------------------------------------------------------

/** Exactly one primary button: the action that fits the state. */
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

function drawFacts(model: StatusModel): HTMLElement {
  return el('dl', { id: 'facts', class: 'facts' }, model.facts.map((f) =>
    el('div', { class: 'fact', 'data-fact': f.id, 'data-tone': f.tone }, [
      el('dt', {}, [f.label]),
      el('dd', {}, [f.value]),
      f.detail ? el('dd', { class: 'fact-detail' }, [f.detail]) : null,
    ])));
}

function drawModel(model: StatusModel, page: Page, stale: string | null): void {
  const body = document.getElementById('status-body');
  if (!body) return;
  const sections: (HTMLElement | null)[] = [
    stale ? el('p', { id: 'stale', class: 'notice', 'data-tone': 'warning', role: 'status' }, [stale]) : null,
    el('section', { id: 'state', class: 'state', 'data-state': model.state.id, 'data-tone': model.state.tone }, [
      el('h2', { id: 'state-text' }, [model.state.text]),
      model.state.detail ? el('p', { id: 'state-detail' }, [model.state.detail]) : null,
      model.asOf && !stale ? el('p', { id: 'as-of', class: 'hint' }, [model.asOf]) : null,
    ]),
    drawFacts(model),
    drawFailure(model, page.t),
    drawRecent(model.recent, page),
    model.import ? drawImport(model.import, page) : null,
    drawHistory(model, page),
    drawCheck(model, page.t),
    drawGaps(model, page),
    drawReplay(model, page),
    drawRenamed(model, page.t),
    drawDeleted(model, page.t),
  ];
  body.replaceChildren(...sections.filter((s): s is HTMLElement => s !== null));
  page.primary = model.primaryAction;
  page.actions = model.actions;
  drawActions(page);
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

/** A command in pieces that never wrap inside (a flag and its value), with a one-click copy and its answer beside it. */
function drawCommand(id: string, command: string, pieces: string[], page: Page): HTMLElement {
  const copy = button('', page.t('command.copy'), page.crayons, 'secondary', { class: 'copy-command', 'data-for': id });
  const code = el('code', { id, class: 'command' }, pieces.flatMap((piece, i) => [i === 0 ? '' : ' ', el('span', { class: 'piece' }, [piece])]));
  copy.addEventListener('click', () => void copyCommand(code, command, `${id}-copied`, page));
  return el('div', { class: 'command-box' }, [code, el('div', { class: 'command-actions' }, [copy, noticeBox(`${id}-copied`)])]);
}

async function copyCommand(code: HTMLElement, command: string, noticeId: string, page: Page): Promise<void> {
  try {
    await navigator.clipboard.writeText(command);
    showNotices(noticeId, [{ text: page.t('command.copied'), tone: 'ok' }]);
  } catch {
    // Clipboard refused (permissions, an old browser): select the text so Ctrl+C copies it.
    const range = document.createRange();
    range.selectNodeContents(code);
    window.getSelection()?.removeAllRanges();
    window.getSelection()?.addRange(range);
    showNotices(noticeId, [{ text: page.t('command.copyFailed'), tone: 'warning' }]);
  }
}

function drawHistory({ history }: StatusModel, page: Page): HTMLElement | null {
  if (!history) return null;
  return el('section', { id: 'history', class: 'panel' }, [
    el('h2', {}, [history.title]),
    el('p', {}, [history.intro]),
    el('p', { id: 'history-who' }, [history.who]),
    drawCommand('history-command', history.command, history.pieces, page),
  ]);
}

/** Each gap with its one-click replay (within the ledger's retention) or the CLI command that refills it. */
function drawGaps(model: StatusModel, page: Page): HTMLElement | null {
  if (model.gaps.length === 0) return null;
  const { t } = page;
  return el('section', { id: 'gaps', class: 'panel' }, [
    el('h2', {}, [t('gaps.title')]),
    el('p', {}, [t('gaps.intro')]),
    el('ul', { id: 'gap-list' }, model.gaps.map((g, i) => drawGap(g, i, model, page))),
  ]);
}

/** Fills the replay form with the gap's window, in the admin's zone, and asks for the replay; the answer shows next to the button. */
function gapButton(window: { from: string; to: string }, index: number, model: StatusModel, page: Page): HTMLElement {
  const control = button('', page.t('replay.gapButton'), page.crayons, 'secondary', { class: 'gap-replay', 'data-from': window.from, 'data-to': window.to });
  control.addEventListener('click', () => {
    setValue('replay-from', toInputText(window.from, model.timeZone));
    setValue('replay-to', toInputText(window.to, model.timeZone));
    void runAction(page, `gap-notice-${index}`, () => askReplay(page, model, `gap-notice-${index}`));
  });
  return control;
}

/** "Replay a period": the form (times in the admin's zone), its answer right below it, then the last replay's progress or result. */
function drawReplay(model: StatusModel, page: Page): HTMLElement {
  const { t } = page;
  const { replay } = model;
  const last = replay.last;
  return el('section', { id: 'replay', class: 'panel', 'data-state': last ? last.state : 'none', 'data-phase': last ? last.phase : 'none' }, [
    el('h2', {}, [t('replay.title'), last ? ` — ${last.stateText}` : '']),
    el('p', {}, [replay.intro]),
    replay.busy ? el('p', { id: 'replay-busy', class: 'notice', 'data-tone': 'neutral' }, [replay.busy]) : null,
    drawReplayForm(model, page),
    noticeBox('replay-notice'),
    last ? drawReplayProgress(last, t) : null,
  ]);
}

function drawReplayForm(model: StatusModel, page: Page): HTMLElement {
  const { t } = page;
  const hint = t('replay.fieldHint', { pattern: INPUT_PATTERN[page.locale], zone: model.timeZone });
  // A native button submits the form (Enter in a field too); fw-button is wired by its click below.
  const submit = button('replay-submit', t('replay.submit'), page.crayons, 'secondary', page.crayons ? {} : { type: 'submit' });
  if (model.replay.busy) submit.setAttribute('disabled', '');
  const clear = (id: string) => (): void => markField(id, null);
  const form = el('form', { id: 'replay-form', novalidate: '' }, [
    textField({ id: 'replay-from', label: t('replay.from'), hint, crayons: page.crayons, onInput: clear('replay-from'), attrs: { placeholder: INPUT_PATTERN[page.locale], inputmode: 'numeric' } }),
    textField({ id: 'replay-to', label: t('replay.to'), hint, crayons: page.crayons, onInput: clear('replay-to'), attrs: { placeholder: INPUT_PATTERN[page.locale], inputmode: 'numeric' } }),
    el('div', { class: 'form-actions' }, [submit]),
  ]);
  const ask = (): void => void runAction(page, 'replay-notice', () => askReplay(page, model, 'replay-notice'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ask();
  });
  // fw-button does not submit its form.
  if (page.crayons) submit.addEventListener('click', ask);
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

/**
 * Checks the form first (both times readable, From before To: nothing is sent otherwise, and the
 * wrong field is marked), then sends the window as UTC and says what the server answered.
 */
function checkReplayForm(page: Page, model: StatusModel): ReturnType<typeof readReplayForm> {
  const reading = readReplayForm(valueOf(document.getElementById('replay-from')), valueOf(document.getElementById('replay-to')), model.timeZone, { t: page.t, locale: page.locale, nowMs: currentPlatformNow(page) });
  const wrong = reading.ok ? null : reading.field;
  markField('replay-from', wrong === 'from' && !reading.ok ? reading.message : null);
  markField('replay-to', wrong === 'to' && !reading.ok ? reading.message : null);
  return reading;
}

async function askReplay(page: Page, model: StatusModel, noticeId: string): Promise<Notice[]> {
  const reading = checkReplayForm(page, model);
  if (!reading.ok) return [{ text: reading.message, tone: 'warning' }];
  showNotices(noticeId, [{ text: page.t('replay.asking'), tone: 'neutral' }]);
  const answer = (await callFunction(page.client, 'replayPeriod', { from: reading.from, to: reading.to })) as { refused?: ReplayRefusal } | null;
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
    line('check-next', check.next),
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

/** Queues of deleted Freshdesk groups, apart from renamed ones: there is no new name to look up. */
function drawDeleted(model: StatusModel, t: Translate): HTMLElement | null {
  if (model.deleted.length === 0) return null;
  return el('section', { id: 'deleted', class: 'panel' }, [
    el('h2', {}, [t('deleted.title')]),
    el('p', {}, [t('deleted.intro')]),
    el('table', { id: 'deleted-table' }, [
      el('thead', {}, [el('tr', {}, [el('th', { scope: 'col' }, [t('renamed.kept')]), el('th', { scope: 'col' }, [t('deleted.group')])])]),
      el('tbody', {}, model.deleted.map((r) =>
        el('tr', { 'data-queue': r.identifier }, [el('td', { title: r.identifier }, [r.kept]), el('td', {}, [r.group])]))),
    ]),
  ]);
}

/** Import progress with its one button: pause while running, resume when paused or stopped; its answer beside it. */
function drawImport(model: ImportModel, page: Page): HTMLElement {
  const { t } = page;
  const control = model.canPause ? button('import-pause', t('import.pause'), page.crayons) : model.canResume ? button('import-resume', t('import.resume'), page.crayons) : null;
  const section = el('section', { id: 'import', class: 'panel', 'data-state': model.state }, [
    el('h2', {}, [t('import.title'), ' — ', model.stateText]),
    ...model.lines.map((line) => el('p', { class: 'import-line' }, [line])),
    model.problems.length > 0 ? el('p', {}, [t('import.problems')]) : null,
    model.problems.length > 0 ? el('ul', { id: 'import-problems' }, model.problems.map((p) => el('li', {}, [p]))) : null,
    control,
    noticeBox('import-notice'),
  ]);
  control?.addEventListener('click', () => void runAction(page, 'import-notice', () => importAction(page, model.canPause ? 'pauseImport' : 'resumeImport')));
  return section;
}

async function importAction(page: Page, name: 'pauseImport' | 'resumeImport'): Promise<Notice[]> {
  await callFunction(page.client, name);
  await loadStatus(page);
  return [];
}

// ---- loading, the browser's copy -----------------------------------------------------------

/** The platform's "now" as the page knows it: from the answer shown, moved on by the admin's clock. */
function currentPlatformNow(page: Page): number {
  return page.shown ? platformNowFrom(page.shown, Date.now()) : Date.now();
}

function draw(page: Page, stored: StoredStatus, stale: string | null): void {
  page.shown = stored;
  page.ledgerFrom = stored.answer.ledgerFrom;
  const nowMs = platformNowFrom(stored, Date.now());
  drawModel(describeHealth(stored.answer, { t: page.t, locale: page.locale, timeZone: page.timeZone, nowMs }), page, stale);
}

/**
 * Reads getStatus; a refusal shows the last good answer this browser kept for the installation,
 * "as of" its time, with one plain sentence (never the platform's message); with no copy, only
 * that sentence.
 */
async function loadStatus(page: Page): Promise<void> {
  let answer: unknown;
  let status: number | undefined;
  try {
    answer = await callFunction(page.client, 'getStatus');
  } catch (error) {
    status = error instanceof FunctionCallError ? error.status : undefined;
  }
  if (isHealthView(answer)) {
    const stored = { answer: answer as StatusAnswer, receivedAt: Date.now() };
    saveStatus(page.storage, page.cacheKey, stored);
    draw(page, stored, null);
    return;
  }
  const limit = isLimitRefusal(status);
  const kept = page.shown ?? loadCachedStatus(page.storage, page.cacheKey);
  if (kept) {
    const stale = describeStale(asOfMs(kept), platformNowFrom(kept, Date.now()), limit, { t: page.t, locale: page.locale, timeZone: page.timeZone });
    draw(page, kept, stale);
    return;
  }
  document.getElementById('status-body')?.replaceChildren(el('p', { id: 'load-error', class: 'notice', 'data-tone': 'error', role: 'status' }, [describeUnavailable(limit, page.t)]));
}

/** Runs one action with every action button disabled, so a second click cannot overlap it; its answer goes to `noticeId`. */
async function runAction(page: Page, noticeId: string, work: () => Promise<Notice[]>): Promise<void> {
  const buttons = [...ACTIONS, 'replay-submit'].map((id) => document.getElementById(id)).filter((b): b is HTMLElement => b !== null);
  const formAnswer = noticeId !== 'action-result';
  buttons.forEach((b) => setBusy(b, true));
  showNotices(noticeId, [{ text: page.t('action.working'), tone: 'neutral' }]);
  let notices: Notice[];
  try {
    notices = await work();
  } catch (error) {
    notices = [{ text: page.t('action.failed', { detail: errorText(error) }), tone: 'error' }];
  } finally {
    buttons.forEach((b) => {
      if (document.contains(b)) setBusy(b, false);
    });
  }
  showNotices(noticeId, notices, formAnswer);
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

async function refresh(page: Page): Promise<Notice[]> {
  await loadStatus(page);
  return [];
}

function workOf(id: ActionId): (page: Page) => Promise<Notice[]> {
  if (id === 'test-connection') return testConnection;
  return id === 'retry-now' ? retryNow : refresh;
}

/** The header's buttons: only those worth pressing now, the fitting one primary. */
function drawActions(page: Page): void {
  const bar = document.getElementById('actions');
  if (!bar) return;
  const wanted = page.actions;
  const drawn = Array.from(bar.children, (c) => c.id);
  if (drawn.join() !== wanted.join()) {
    bar.replaceChildren(...wanted.map((id) => {
      const control = button(id, page.t(ACTION_LABELS[id]), page.crayons);
      control.addEventListener('click', () => void runAction(page, 'action-result', () => workOf(id)(page)));
      return control;
    }));
  }
  if (page.primary) markPrimary(page.primary);
}

function drawFrame(page: Page): void {
  const root = document.getElementById('status');
  if (!root) return;
  const { t } = page;
  document.title = t('status.title');
  root.replaceChildren(
    el('header', { class: 'page-header' }, [el('h1', {}, [t('status.title')]), el('div', { id: 'actions', class: 'actions' })]),
    el('div', { id: 'action-result', role: 'status', 'aria-live': 'polite' }),
    el('div', { id: 'status-body' }, [el('p', { class: 'loading' }, [t('status.loading')])]),
  );
  drawActions(page);
}

function browserStorage(): KeyValueStorage | undefined {
  for (const name of ['localStorage', 'sessionStorage'] as const) {
    try {
      const storage = window[name];
      storage.getItem('injixo-connect:probe');
      return storage;
    } catch {
      // Refused (third-party storage blocked): try the next one.
    }
  }
  return undefined;
}

async function start(): Promise<void> {
  const app = window.app;
  if (!app) throw new Error('the FDK client ({{{appclient}}}) did not load');
  const client = await app.initialized();
  // The Freshdesk user's language first, then the browser's (navigator.languages, in order).
  const locale = await readUserLocale(client, navigator.languages);
  document.documentElement.lang = locale;
  const host = await readFreshdeskHost(client);
  const page: Page = {
    client, t: createTranslator(locale), locale, timeZone: resolveTimeZone(), crayons: false, primary: null, actions: [...ACTIONS],
    storage: browserStorage(), cacheKey: statusCacheKey(host), series: 'all', query: '',
  };
  drawFrame(page);
  await loadStatus(page);
  if (await crayonsReady(CRAYONS_TAGS, 10_000)) switchToCrayons(page);
}

/** Crayons controls replace the plain ones once the CDN script has defined them: the page is redrawn, keeping what was typed. */
function switchToCrayons(page: Page): void {
  const typed = { from: valueOf(document.getElementById('replay-from')), to: valueOf(document.getElementById('replay-to')) };
  page.crayons = true;
  document.getElementById('actions')?.replaceChildren();
  drawActions(page);
  if (page.shown) draw(page, page.shown, document.getElementById('stale')?.textContent ?? null);
  setValue('replay-from', typed.from);
  setValue('replay-to', typed.to);
}

start().catch((error: unknown) => {
  const root = document.getElementById('status');
  if (root) root.textContent = `injixo connect: ${errorText(error)}`;
});

/** One gap: what, when, how many; then how it is (or was) repaired. */
function drawGap(g: StatusModel['gaps'][number], i: number, model: StatusModel, page: Page): HTMLElement {
  return el('li', {}, [
    el('strong', {}, [g.reason]), ' — ', g.when, g.lost ? ` (${g.lost})` : '',
    g.repaired ? el('span', { class: 'gap-repaired' }, [` — ${g.repaired}`]) : null,
    ...gapRepair(g, i, model, page),
  ]);
}

function gapRepair(g: StatusModel['gaps'][number], i: number, model: StatusModel, page: Page): (HTMLElement | null)[] {
  if (g.replay) return [gapButton(g.replay, i, model, page), noticeBox(`gap-notice-${i}`)];
  return [g.command ? drawCommand(`gap-command-${i}`, g.command, g.pieces, page) : null];
}
