import type { DeliveryReport } from '../delivery/run/run';
import type { CheckDayView, CheckView } from '../import/check-view';
import type { FlowState, HealthView } from '../delivery/status/health-view';
import type { ImportView } from '../import/in-app';
import type { ReplayRefusal, ReplayView } from '../import/replay';
import { formatCount, formatDateTime, formatHour, formatRelative, formatTime, resolveTimeZone } from './format';
import { busiestQueues, commandPieces, DELIVERY_PERIOD, groupQueues, lastRunAt, nextRunAt, runsOverdue, splitRenamed, todayFrom } from './status-glance';
import { isMessageKey, type Locale, type Translate } from '../i18n/translate';

/** What the `testConnection` SMI answers (server side: src/entry/functions.ts). */
export interface ConnectionReport {
  injixo: 'ok' | 'rejected' | 'unavailable';
  freshdesk: 'ok' | 'rejected' | 'not_admin' | 'unavailable';
}

export type Tone = 'ok' | 'warning' | 'error' | 'neutral';

export interface Fact {
  id: string;
  label: string;
  value: string;
  /** A second, smaller line: the exact time behind "4 minutes ago". */
  detail?: string;
  tone: Tone;
}

export interface StatusModel {
  state: { id: FlowState; text: string; tone: Tone; detail: string | null };
  facts: Fact[];
  failure: { code: string; when: string; guidance: string; details: string } | null;
  recent: RecentModel;
  renamed: { identifier: string; kept: string; current: string }[];
  /** Queues whose Freshdesk group was deleted (their name now is `Group <id> …`). */
  deleted: { identifier: string; kept: string; group: string }[];
  /** The actions worth offering now: none that would do nothing ("Retry backlog now" only when something waits). */
  actions: ActionId[];
  /** "Status as of 10:35 (UTC) (5 minutes ago).", when the answer says when it was taken. */
  asOf: string | null;
  /** Periods the app knows or suspects it missed contacts in, with the CLI command that refills one. */
  gaps: GapModel[];
  /** The one action drawn as primary: what an admin should do first in this state. */
  primaryAction: ActionId;
  /** The zone every time on the page is shown in. */
  timeZone: string;
  /** The in-app import of past tickets, when one was chosen at install. */
  import?: ImportModel;
  /** The CLI command for the history the app did not import. */
  history?: HistoryModel;
  /** The "Replay a period" form and the last replay's progress or result. */
  replay: ReplayModel;
  /** The daily check's last 14 days (issue 20), when the server sent them. */
  check?: CheckModel;
}

/** The daily check: its 14 days, the running check, what it costs. */
export interface CheckModel {
  intro: string;
  enabled: boolean;
  /** Why nothing is checked (switched off), or null. */
  off: string | null;
  cost: string | null;
  running: string | null;
  /** When the next check is due (while none runs and the check is on), or null. */
  next: string | null;
  refusal: string | null;
  rows: CheckRow[];
  surplusNote: string | null;
}

export interface CheckRow {
  day: string;
  status: CheckDayView['status'];
  freshdesk: string;
  delivered: string;
  sent: string;
  surplus: string;
  text: string;
  notes: string[];
  tone: Tone;
}

/**
 * A gap with, when it lies within the ledger's retention, the window a one-click replay asks
 * for; else the CLI command that refills it (the app can no longer tell what it delivered).
 */
export interface GapModel {
  when: string;
  reason: string;
  lost: string | null;
  command: string | null;
  /** `command` cut where it may wrap. */
  pieces: string[];
  replay: { from: string; to: string } | null;
  /** The daily check repaired it (issue 20): no button then. */
  repaired: string | null;
}

export interface ReplayModel {
  intro: string;
  /** The last replay asked for, if any. */
  last?: {
    state: ReplayView['state'];
    phase: ReplayView['phase'];
    stateText: string;
    lines: string[];
    problems: string[];
    /** Queues where something was sent or a surplus found. */
    queues: { name: string; identifier: string; sent: string; surplus: string }[];
  };
  /** Why no replay can be asked for now (the import or a replay walks), or null. */
  busy: string | null;
}

/**
 * getStatus's answer: the health view plus the import's progress or the CLI command. Issue 22
 * adds, when the server sends them: `answeredAt` (the platform's clock when it answered: ages
 * are measured from it, not from the admin's machine), `asOf` (when the status snapshot was
 * taken), `lastRunAt` and `nextRunAt` (the delivery runs; derived when absent, status-glance.ts).
 */
export type StatusAnswer = HealthView & {
  import?: ImportView;
  replay?: ReplayView;
  check?: CheckView;
  history?: { cliCommand: string };
  gapCommands?: string[];
  ledgerFrom?: string;
  answeredAt?: string;
  asOf?: string;
  lastRunAt?: string | null;
  nextRunAt?: string | null;
};

export interface ImportModel {
  state: ImportView['state'];
  stateText: string;
  lines: string[];
  problems: string[];
  canPause: boolean;
  canResume: boolean;
}

export interface HistoryModel {
  title: string;
  intro: string;
  /** Who runs the command and where the tool comes from. */
  who: string;
  command: string;
  /** The command cut where it may wrap: the program, then each flag with its value. */
  pieces: string[];
}

export type ActionId = 'test-connection' | 'retry-now' | 'refresh';

/** One line of the chart: all queues together (`id` 'all') or one queue. */
export interface ChartSeries {
  id: string;
  name: string;
  counts: number[];
  total: number;
  /** `total` written for people ("1,207"). */
  totalText: string;
}

export interface QueueRowModel {
  name: string;
  identifier: string;
  offered: string;
}

export interface RecentModel {
  title: string;
  empty: string | null;
  /** Start of each bar in the admin's zone ("14:00"), oldest first. */
  labels: string[];
  /** Each bar's hour ("14:00–15:00"), for its value on hover and focus. */
  ranges: string[];
  /** All queues first, then each queue by name: the chart shows one at a time. */
  series: ChartSeries[];
  rows: QueueRowModel[];
  total: string;
  /** "Last 24 hours: 1,207", "Today since 00:00 (UTC): 1,200" and why they differ. */
  last24: string;
  today: string;
  explain: string;
  /** The busiest queues, shown open; then every queue under its Freshdesk group. */
  busiest: QueueRowModel[];
  groups: { id: string; name: string; summary: string; rows: QueueRowModel[] }[];
}

export interface Notice {
  text: string;
  tone: Tone;
}

const STATE_TONE: Record<FlowState, Tone> = {
  flowing: 'ok',
  key_rejected: 'error',
  injixo_unavailable: 'warning',
  backlog_draining: 'warning',
  waiting_for_first_delivery: 'neutral',
};

export interface DescribeOptions {
  t: Translate;
  locale: Locale;
  /** Default: the browser's time zone (the admin's machine). */
  timeZone?: string;
  /** "Now" for ages and the next run: default the answer's `answeredAt`, else the browser's clock. */
  nowMs?: number;
}

/** How many of the busiest queues are shown open above the groups. */
export const BUSIEST_SHOWN = 10;

/**
 * What to press first: a rejected key needs a new key and then a test; contacts waiting want a
 * delivery run; an installation that never delivered wants a test; a flowing one only a refresh.
 */
export function primaryActionFor(view: Pick<HealthView, 'state' | 'backlog'>): ActionId {
  if (view.state === 'key_rejected' || view.state === 'waiting_for_first_delivery') return 'test-connection';
  if (view.backlog > 0) return 'retry-now';
  return 'refresh';
}

/** What is offered at all: a delivery run with nothing waiting would do nothing, so it is not. */
export function actionsFor(view: Pick<HealthView, 'backlog'>): ActionId[] {
  return view.backlog > 0 ? ['test-connection', 'retry-now', 'refresh'] : ['test-connection', 'refresh'];
}

function describeRecent(view: HealthView, t: Translate, locale: Locale, timeZone: string, nowMs: number): RecentModel {
  const recent = view.recent;
  const count = (n: number): string => formatCount(n, locale);
  const total = recent.totals.reduce((sum, n) => sum + n, 0);
  const bucketMs = recent.bucketMinutes * 60_000;
  const endOf = (iso: string): string => new Date(Date.parse(iso) + bucketMs).toISOString();
  const row = (q: { queueName: string; queueIdentifier: string; total: number }): QueueRowModel => ({ name: q.queueName, identifier: q.queueIdentifier, offered: count(q.total) });
  const today = todayFrom(recent.starts, recent.totals, nowMs, timeZone);
  const lastStart = recent.starts[recent.starts.length - 1];
  const midnight = new Date(today.since).toISOString();
  return {
    title: t('recent.title', { zone: timeZone }),
    empty: total === 0 ? t('recent.empty') : null,
    labels: recent.starts.map((iso) => formatHour(iso, locale, timeZone)),
    ranges: recent.starts.map((iso) => t('recent.barRange', { from: formatHour(iso, locale, timeZone), to: formatHour(endOf(iso), locale, timeZone) })),
    series: [
      { id: 'all', name: t('recent.allQueues'), counts: recent.totals, total, totalText: count(total) },
      ...recent.queues.map((q) => ({ id: q.queueIdentifier, name: q.queueName, counts: q.counts, total: q.total, totalText: count(q.total) })),
    ],
    rows: recent.queues.map(row),
    total: count(total),
    last24: t('recent.last24', { count: count(total) }),
    today: t('recent.today', { midnight: `${formatTime(midnight, locale, timeZone)} (${timeZone})`, count: count(today.count) }),
    explain: t('recent.explain', { end: lastStart ? `${formatDateTime(endOf(lastStart), locale, timeZone)}` : '—' }),
    busiest: busiestQueues(recent.queues, BUSIEST_SHOWN).map(row),
    groups: groupQueues(recent.queues).map((g) => ({
      id: g.id,
      name: g.name,
      summary: t('recent.groupSummary', { name: g.name, queues: count(g.queues.length), total: count(g.total) }),
      rows: g.queues.map(row),
    })),
  };
}

/** The guidance for a failure code in the admin's language; the server's English when the code is new to this page. */
export function guidanceFor(code: string, serverText: string, t: Translate): string {
  const key = `guidance.${code}`;
  return isMessageKey(key) ? t(key) : serverText;
}

function describeImport(view: ImportView, t: Translate, count: (n: number) => string, time: (iso: string) => string): ImportModel {
  const lines = [t('import.window', { from: time(view.window.from), to: time(view.window.to) })];
  if (view.coveredUntil) lines.push(t('import.coveredUntil', { time: time(view.coveredUntil) }));
  lines.push(t('import.counts', { tickets: count(view.tickets), contacts: count(view.contacts), requests: count(view.requests) }));
  if (view.state === 'running' && view.etaMinutes !== undefined) lines.push(t('import.eta', { minutes: count(view.etaMinutes) }));
  if (view.failure) lines.push(t('import.failure', { message: view.failure }));
  lines.push(...walkLines(view, t, count, time));
  return {
    state: view.state,
    stateText: t(`import.state.${view.state}`),
    lines,
    problems: view.problems,
    canPause: view.state === 'running',
    canResume: view.state === 'paused' || view.state === 'failed',
  };
}

/** A walk's refusal, as a sentence with the time it tries again, and lanes it lost and got back. */
export function walkLines(view: Pick<ImportView, 'refusal' | 'resumed'>, t: Translate, count: (n: number) => string, time: (iso: string) => string): string[] {
  const lines: string[] = [];
  if (view.refusal) {
    const params = { at: time(view.refusal.at), retryAt: time(view.refusal.retryAt) };
    lines.push(view.refusal.past ? t('walk.recovered', params) : t(`walk.refused.${view.refusal.what}`, params));
  }
  if (view.resumed !== undefined && view.resumed > 0) lines.push(t('walk.resumed', { count: count(view.resumed) }));
  return lines;
}

/** The import section and the CLI command, for an answer that carries them. */
function describeHistory(view: StatusAnswer, t: Translate, count: (n: number) => string, time: (iso: string) => string): Pick<StatusModel, 'import' | 'history'> {
  const history = historyOf(view, t, time);
  const out: Pick<StatusModel, 'import' | 'history'> = history ? { history } : {};
  if (view.import) out.import = describeImport(view.import, t, count, time);
  return out;
}

function historyOf(view: StatusAnswer, t: Translate, time: (iso: string) => string): HistoryModel | undefined {
  const command = view.import ? view.import.cliCommand : view.history?.cliCommand;
  if (!command) return undefined;
  const before = view.import ? view.import.window.from : view.installedAt;
  return { title: t('history.title'), intro: t('history.intro', { to: time(before) }), who: t('history.who'), command, pieces: commandPieces(command) };
}

type Formatters = { t: Translate; count: (n: number) => string; time: (iso: string) => string };

/** The replay's lines: its window, what the walk read, then the comparison's outcome. */
function replayLines(view: ReplayView, { t, count, time }: Formatters): string[] {
  const lines = [t('replay.window', { from: time(view.window.from), to: time(view.window.to) })];
  lines.push(t('replay.counts', { tickets: count(view.tickets), contacts: count(view.contacts), requests: count(view.requests) }));
  if (view.phase === 'walking' && view.etaMinutes !== undefined) lines.push(t('import.eta', { minutes: count(view.etaMinutes) }));
  if (view.failure) lines.push(t('import.failure', { message: view.failure }));
  lines.push(...walkLines(view, t, count, time));
  return [...lines, ...resultLines(view.result, { t, count, time })];
}

function resultLines(result: ReplayView['result'], { t, count }: Formatters): string[] {
  if (!result) return [];
  const lines = [t('replay.result', { sent: count(result.sent), found: count(result.found), delivered: count(result.alreadyDelivered) })];
  if (result.claimedElsewhere > 0) lines.push(t('replay.claimedElsewhere', { count: count(result.claimedElsewhere) }));
  if (result.surplus > 0) lines.push(t('replay.surplus', { count: count(result.surplus) }));
  if (result.uncertainHours) lines.push(t('replay.uncertain', { hours: result.uncertainHours.join(', ') }));
  return lines;
}

/** The replay form's intro, whether it can be used now, and the last replay's progress or result. */
function describeReplay(view: StatusAnswer, timeZone: string, f: Formatters): ReplayModel {
  const { t, count } = f;
  const intro = t('replay.intro', { zone: timeZone, from: view.ledgerFrom ? f.time(view.ledgerFrom) : '—', hours: 24 });
  const model: ReplayModel = { intro, busy: replayBusy(view, t, f.time) };
  const last = view.replay;
  if (last) {
    model.last = {
      state: last.state,
      phase: last.phase,
      stateText: t(`replay.state.${last.phase}`),
      lines: replayLines(last, f),
      problems: last.problems,
      queues: (last.result?.queues ?? []).map((q) => ({ name: q.queueName, identifier: q.queueIdentifier, sent: count(q.sent), surplus: count(q.surplus) })),
    };
  }
  return model;
}

function replayBusy(view: StatusAnswer, t: Translate, time: (iso: string) => string): string | null {
  const importState = view.import ? view.import.state : 'none';
  if (importState === 'running' || importState === 'paused') return t('replay.refused.import_running');
  if (view.replay && view.replay.state === 'running') return t('replay.refused.replay_running');
  return view.check ? checkBusy(view.check.running, t, time) : null;
}

/** While the daily check walks, a replay waits for it: said with the time it is expected to end. */
function checkBusy(running: CheckView['running'], t: Translate, time: (iso: string) => string): string | null {
  if (running?.state !== 'running') return null;
  // The server's clock, not the browser's: its next slice, plus the time the check still needs.
  const next = running.nextAt === undefined ? Number.NaN : Date.parse(running.nextAt);
  const until = Number.isNaN(next) ? '—' : time(new Date(next + (running.etaMinutes ?? 0) * 60_000).toISOString());
  return t('replay.refused.check_running', { until });
}

/** A refused replay, in the admin's language (the server's English for a code this page does not know). */
export function describeReplayRefusal(refusal: ReplayRefusal, t: Translate, time: (iso: string) => string, ledgerFrom: string | undefined): string {
  const key = `replay.refused.${refusal.code}`;
  if (!isMessageKey(key)) return refusal.message;
  return t(key, { hours: refusal.maxHours ?? 24, from: ledgerFrom ? time(ledgerFrom) : '—', command: refusal.cliCommand ?? '', until: refusal.until ? time(refusal.until) : '—', retryAt: refusal.retryAt ? time(refusal.retryAt) : '—' });
}

/** The next check: the walks' own plan, else the earliest day waiting for its turn. */
function nextCheckLine(view: CheckView, t: Translate, time: (iso: string) => string): string | null {
  if (!view.enabled || view.running?.state === 'running') return null;
  const waiting = view.days.filter((d) => d.status === 'pending' || d.status === 'today').map((d) => d.dueAt ?? '').filter((at) => at !== '');
  const next = [view.nextAt ?? '', ...waiting].filter((at) => at !== '').sort()[0];
  return next === undefined ? null : t('check.next', { time: time(next) });
}

const DAY_TONE: Record<CheckDayView['status'], Tone> = { checked: 'ok', not_checked: 'warning', pending: 'neutral', running: 'neutral', today: 'neutral' };

/** The daily check's section: intro, cost, the running check, and one row per day (newest first). */
function describeCheck(view: CheckView, f: Formatters): CheckModel {
  const { t, count, time } = f;
  const running = view.running;
  const rows = view.days.map((d) => checkRow(d, f));
  return {
    intro: t('check.intro'),
    enabled: view.enabled,
    off: view.enabled ? null : t('check.off'),
    cost: view.cost ? t('check.cost', { requests: count(view.cost.requestsPerDay), perContact: view.cost.perContact.toFixed(2) }) : null,
    running: running ? t('check.running', { from: time(running.window.from), to: time(running.window.to), phase: t(`check.phase.${running.phase}`), progress: count(Math.round(running.progress * 100)) }) : null,
    next: nextCheckLine(view, t, time),
    refusal: running ? (walkLines(running, t, count, time)[0] ?? null) : null,
    rows,
    surplusNote: view.days.some((d) => (d.surplus ?? 0) > 0) ? t('check.surplusNote') : null,
  };
}

function checkRow(d: CheckDayView, { t, count, time }: Formatters): CheckRow {
  const n = (value: number | undefined): string => (value === undefined ? '—' : count(value));
  return {
    day: d.day,
    status: d.status,
    freshdesk: n(d.found),
    delivered: n(d.delivered),
    sent: n(d.sent),
    surplus: n(d.surplus),
    text: checkStatusText(d, t, time),
    notes: checkNotes(d, t, count),
    tone: d.status === 'checked' && d.uncertain ? 'warning' : DAY_TONE[d.status],
  };
}

function checkNotes(d: CheckDayView, t: Translate, count: (n: number) => string): string[] {
  const notes: string[] = [];
  if (d.formerGroup) notes.push(t('check.status.formerGroup', { count: count(d.formerGroup) }));
  if (d.repaired) notes.push(t('check.status.repaired', { count: count(d.repaired) }));
  if (d.heldBack) notes.push(t('check.status.heldBack', { count: count(d.heldBack) }));
  return notes;
}

function checkStatusText(d: CheckDayView, t: Translate, time: (iso: string) => string): string {
  const at = (iso: string | undefined): string => (iso ? time(iso) : '—');
  const texts: Record<CheckDayView['status'], () => string> = {
    checked: () => (d.uncertain ? t('check.status.uncertain', { time: at(d.checkedAt), hours: d.uncertain.join(', ') }) : t('check.status.checked', { time: at(d.checkedAt) })),
    not_checked: () => t(`check.status.not_checked.${d.why ?? 'failed'}`),
    pending: () => t('check.status.pending', { time: at(d.dueAt) }),
    today: () => t('check.status.today', { time: at(d.dueAt) }),
    running: () => t('check.status.running'),
  };
  return texts[d.status]();
}

function describeGaps(view: StatusAnswer, { t, count, time }: Formatters): GapModel[] {
  const ledgerFrom = view.ledgerFrom ? Date.parse(view.ledgerFrom) : Number.POSITIVE_INFINITY;
  const healed = new Set(view.check ? view.check.healed : []);
  return (view.gaps ?? []).map((g, i) => {
    const replayable = Date.parse(g.from) >= ledgerFrom;
    const command = replayable ? null : (view.gapCommands?.[i] ?? null);
    return { ...gapHead(g, { t, count, time }), command, pieces: command === null ? [] : commandPieces(command), ...gapRepair(g, replayable, healed, t) };
  });
}

function gapHead(g: NonNullable<StatusAnswer['gaps']>[number], { t, count, time }: Formatters): Pick<GapModel, 'when' | 'reason' | 'lost'> {
  return { when: t('gaps.when', { from: time(g.from), to: time(g.to) }), reason: t(`gaps.reason.${g.reason}`), lost: lostLine(g, t, count) };
}

/** Repaired by the daily check (issue 20): no button then, the sentence says so. */
function gapRepair(g: NonNullable<StatusAnswer['gaps']>[number], replayable: boolean, healed: ReadonlySet<string>, t: Translate): Pick<GapModel, 'replay' | 'repaired'> {
  const repaired = healed.has(`${g.reason}|${g.from}|${g.to}`);
  return { replay: replayable && !repaired ? { from: g.from, to: g.to } : null, repaired: repaired ? t('gaps.repaired') : null };
}

function lostLine(g: NonNullable<StatusAnswer['gaps']>[number], t: Translate, count: (n: number) => string): string | null {
  if (g.contactsKnownLost !== undefined) return t('gaps.lost', { count: count(g.contactsKnownLost) });
  return g.contactsMaybeLost === undefined ? null : t('gaps.maybeLost', { count: count(g.contactsMaybeLost) });
}

function describeState(view: StatusAnswer, t: Translate, time: (iso: string) => string): StatusModel['state'] {
  return {
    id: view.state,
    text: t(`state.${view.state}`),
    tone: STATE_TONE[view.state],
    detail: view.state === 'key_rejected' && view.keyRejectedSince ? t('state.keyRejectedSince', { time: time(view.keyRejectedSince) }) : null,
  };
}

/** The last delivery's age and the next run: the two facts that answer "is data flowing?". */
function flowFacts(view: StatusAnswer, { t, time }: Formatters, locale: Locale, timeZone: string, nowMs: number): Fact[] {
  const age = (iso: string): string => formatRelative(Date.parse(iso) - nowMs, locale);
  const lastSuccess: Fact = view.lastSuccessAt
    ? { id: 'lastSuccess', label: t('label.lastSuccess'), value: age(view.lastSuccessAt), detail: t('label.lastSuccessDetail', { time: time(view.lastSuccessAt) }), tone: 'neutral' }
    : { id: 'lastSuccess', label: t('label.lastSuccess'), value: t('label.never'), tone: 'neutral' };
  const next = nextRunAt(view, nowMs);
  const nextIso = new Date(next).toISOString();
  const last = lastRunAt(view);
  const overdue = runsOverdue(view, nowMs) && last !== undefined;
  const value = overdue ? t('label.nextRunOverdue', { age: formatRelative(last - nowMs, locale) }) : next <= nowMs + 30_000 ? t('label.nextRunDue') : formatRelative(next - nowMs, locale);
  const detail = t('label.nextRunDetail', { time: `${formatTime(nextIso, locale, timeZone)} (${timeZone})`, minutes: DELIVERY_PERIOD });
  return [lastSuccess, { id: 'nextRun', label: t('label.nextRun'), value, detail, tone: overdue ? 'warning' : 'neutral' }];
}

function describeFacts(view: StatusAnswer, formatters: Formatters, flow: Fact[]): Fact[] {
  const { t, count, time } = formatters;
  const countTone = (n: number, tone: Tone): Tone => (n > 0 ? tone : 'neutral');
  return [
    ...flow,
    { id: 'backlog', label: t('label.backlog'), value: count(view.backlog), tone: countTone(view.backlog, 'warning') },
    { id: 'setAside', label: t('label.setAside'), value: count(view.setAside), tone: countTone(view.setAside, 'warning') },
    { id: 'dropped', label: t('label.dropped'), value: count(view.dropped), tone: countTone(view.dropped, 'error') },
    { id: 'invalidPayloads', label: t('label.invalidPayloads'), value: count(view.invalidPayloads), tone: countTone(view.invalidPayloads, 'warning') },
    { id: 'consecutiveFailures', label: t('label.consecutiveFailures'), value: count(view.consecutiveFailures), tone: countTone(view.consecutiveFailures, 'warning') },
    ...missingTicketsFact(view, { t, count }),
    ...handledFacts(view, { t, count }),
    ...agentFacts(view, { t, count }),
    { id: 'installedAt', label: t('label.installedAt'), value: time(view.installedAt), tone: 'neutral' },
  ];
}

/** Tickets whose creation event never came, found by their ids: shown once there are any. */
function missingTicketsFact(view: StatusAnswer, { t, count }: Pick<Formatters, 't' | 'count'>): Fact[] {
  const missing = view.missingTickets;
  if (missing.repaired === 0 && missing.waiting === 0) return [];
  const value = missing.waiting > 0 ? t('label.missingTicketsWaiting', { repaired: count(missing.repaired), waiting: count(missing.waiting) }) : count(missing.repaired);
  return [{ id: 'missingTickets', label: t('label.missingTickets'), value, tone: missing.waiting > 0 ? 'warning' : 'neutral' }];
}

/** Handled contacts (issue 14), while the feature is on. */
function handledFacts(view: StatusAnswer, { t, count }: Pick<Formatters, 't' | 'count'>): Fact[] {
  const h = view.handled;
  if (!h) return [];
  const facts: Fact[] = [{ id: 'handledSent', label: t('label.handledSent'), value: t('label.handledSentValue', { sent: count(h.sent), waiting: count(h.waiting) }), tone: 'neutral' }];
  if (h.lateChanges > 0) {
    facts.push({ id: 'handledLate', label: t('label.handledLate'), value: t('label.handledLateValue', { changes: count(h.lateChanges), minutes: count(Math.round(h.lateSeconds / 60)) }), tone: 'warning' });
  }
  if (h.early > 0) facts.push({ id: 'handledEarly', label: t('label.handledEarly'), value: count(h.early), tone: 'warning' });
  return facts;
}

/** Agent statuses (issue 14), while the feature is on: what injixo received and whom to map there. */
function agentFacts(view: StatusAnswer, { t, count }: Pick<Formatters, 't' | 'count'>): Fact[] {
  const a = view.agents;
  if (!a) return [];
  const listed = a.identifiers.join(', ') + (a.moreIdentifiers > 0 ? t('label.agentsMore', { more: count(a.moreIdentifiers) }) : '');
  const facts: Fact[] = [
    { id: 'agentsSent', label: t('label.agentsSent'), value: t('label.agentsSentValue', { sent: count(a.sent), pending: count(a.pending) }), tone: a.pending > 0 ? 'warning' : 'neutral' },
    { id: 'agentsMapped', label: t('label.agentsMapped'), value: listed === '' ? t('label.agentsNone') : listed, tone: 'neutral' },
  ];
  if (a.stale + a.dropped > 0) facts.push({ id: 'agentsLeftOut', label: t('label.agentsLeftOut'), value: count(a.stale + a.dropped), tone: 'warning' });
  return facts;
}

function describeFailure(view: StatusAnswer, t: Translate, time: (iso: string) => string): StatusModel['failure'] {
  const failure = view.lastFailure;
  if (!failure) return null;
  return {
    code: failure.code,
    when: failure.status === null ? t('failure.whenNoStatus', { time: time(failure.at) }) : t('failure.when', { time: time(failure.at), status: failure.status }),
    guidance: guidanceFor(failure.code, failure.guidance, t),
    details: t('failure.details', { message: failure.message }),
  };
}

/** The platform's "now" as the answer tells it, else the admin's machine's. */
export function answerNow(view: Pick<StatusAnswer, 'answeredAt'>): number {
  const told = view.answeredAt ? Date.parse(view.answeredAt) : Number.NaN;
  return Number.isNaN(told) ? Date.now() : told;
}

export function describeHealth(view: StatusAnswer, { t, locale, timeZone: askedZone, nowMs: askedNow }: DescribeOptions): StatusModel {
  const timeZone = resolveTimeZone(askedZone);
  const nowMs = askedNow ?? answerNow(view);
  const time = (iso: string): string => formatDateTime(iso, locale, timeZone);
  const count = (n: number): string => formatCount(n, locale);
  const formatters: Formatters = { t, count, time };
  const { renamed, deleted } = splitRenamed(view.renamedQueues ?? []);
  return {
    state: describeState(view, t, time),
    facts: describeFacts(view, formatters, flowFacts(view, formatters, locale, timeZone, nowMs)),
    failure: describeFailure(view, t, time),
    recent: describeRecent(view, t, locale, timeZone, nowMs),
    renamed: renamed.map((r) => ({ identifier: r.queueIdentifier, kept: r.keptName, current: r.currentName })),
    deleted: deleted.map((r) => ({ identifier: r.queueIdentifier, kept: r.keptName, group: r.queueIdentifier.split('/')[1] ?? '' })),
    actions: actionsFor(view),
    asOf: view.asOf ? t('status.asOf', { time: time(view.asOf), age: formatRelative(Date.parse(view.asOf) - nowMs, locale) }) : null,
    gaps: describeGaps(view, formatters),
    primaryAction: primaryActionFor(view),
    timeZone,
    ...describeHistory(view, t, count, time),
    replay: describeReplay(view, timeZone, formatters),
    ...(view.check ? { check: describeCheck(view.check, formatters) } : {}),
  };
}

export function describeConnection(report: ConnectionReport, t: Translate): Notice[] {
  const tone = (result: string): Tone => (result === 'ok' ? 'ok' : result === 'unavailable' ? 'warning' : 'error');
  return [
    { text: t(`test.injixo.${report.injixo}`), tone: tone(report.injixo) },
    { text: t(`test.freshdesk.${report.freshdesk}`), tone: tone(report.freshdesk) },
  ];
}

export function describeDelivery(report: DeliveryReport, t: Translate, locale: Locale): Notice[] {
  if (report.outcome === 'busy') return [{ text: t('deliver.busy'), tone: 'warning' }];
  if (report.outcome === 'waiting_for_directory') return [{ text: t('deliver.waiting_for_directory'), tone: 'warning' }];
  const notices: Notice[] = [
    {
      text: t('deliver.delivered', { sent: formatCount(report.sent, locale), backlog: formatCount(report.backlog, locale) }),
      tone: report.failure ? 'warning' : 'ok',
    },
  ];
  if (report.failure) notices.push({ text: guidanceFor(report.failure.code, report.failure.message, t), tone: 'error' });
  if (report.moreToDo) notices.push({ text: t('deliver.moreToDo'), tone: 'neutral' });
  return notices;
}

/** Narrows an SMI answer to the shape the page draws; anything else is reported, not drawn half. */
/** What the page relies on in getStatus's answer, one check each. */
const HEALTH_VIEW_CHECKS: readonly ((v: Partial<HealthView>) => boolean)[] = [
  (v) => typeof v.state === 'string' && v.state in STATE_TONE,
  (v) => typeof v.installedAt === 'string' && typeof v.backlog === 'number',
  (v) => typeof v.recent === 'object' && v.recent !== null,
  (v) => Array.isArray(v.recent?.queues) && Array.isArray(v.recent?.totals) && Array.isArray(v.recent?.starts),
  (v) => v.renamedQueues === undefined || Array.isArray(v.renamedQueues),
  (v) => typeof v.missingTickets?.repaired === 'number' && typeof v.missingTickets.waiting === 'number',
];

export function isHealthView(value: unknown): value is HealthView {
  return typeof value === 'object' && value !== null && HEALTH_VIEW_CHECKS.every((check) => check(value as Partial<HealthView>));
}

export function isConnectionReport(value: unknown): value is ConnectionReport {
  const v = value as Partial<ConnectionReport> | null;
  return (
    typeof v === 'object' && v !== null &&
    ['ok', 'rejected', 'unavailable'].includes(String(v.injixo)) &&
    ['ok', 'rejected', 'not_admin', 'unavailable'].includes(String(v.freshdesk))
  );
}

export function isDeliveryReport(value: unknown): value is DeliveryReport {
  const v = value as Partial<DeliveryReport> | null;
  return typeof v === 'object' && v !== null && ['delivered', 'busy', 'waiting_for_directory'].includes(String(v.outcome)) && typeof v.sent === 'number';
}

/**
 * The sentence above a status shown from the browser's copy because getStatus failed: plain
 * words, never the platform's message (issue 22), with the copy's time and age.
 */
export function describeStale(asOf: number, nowMs: number, limit: boolean, { t, locale, timeZone }: Required<Pick<DescribeOptions, 't' | 'locale' | 'timeZone'>>): string {
  const iso = new Date(asOf).toISOString();
  const params = { time: formatDateTime(iso, locale, timeZone), age: formatRelative(asOf - nowMs, locale) };
  return limit ? t('status.stale.limit', params) : t('status.stale.other', params);
}

/** No copy to show: why the status cannot be read, in plain words. */
export function describeUnavailable(limit: boolean, t: Translate): string {
  return limit ? t('status.unavailable.limit') : t('status.loadFailed');
}
