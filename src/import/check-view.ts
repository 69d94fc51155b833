/**
 * What the status page shows of the daily check (issue 20 item 3): the last 14 UTC days, each
 * with Freshdesk's count, what was delivered, what the check sent and the surplus, or why it was
 * not checked; the running check with its progress; when the next one is due; what it costs.
 * No KV read: the days and the running check are kept in the state record by the check itself
 * (check-days.ts publishCheckDays, in-app.ts publishWalk), which the status page reads anyway.
 */
import type { Settings } from '../schemas/iparams';
import { CHECK_DAYS, CHECK_SETTLE_MS, dayOf, type CheckRunView } from './check';
import { shownCheckDays, type CheckDays, type DayCheck, type NotCheckedReason } from './check-days';

const DAY_MS = 24 * 3_600_000;

export interface CheckDayView {
  day: string;
  status: 'checked' | 'not_checked' | 'pending' | 'running' | 'today';
  why?: NotCheckedReason;
  found?: number;
  delivered?: number;
  sent?: number;
  surplus?: number;
  formerGroup?: number;
  /** Sent for this day by later repairs of recorded gaps. */
  repaired?: number;
  uncertain?: string[];
  heldBack?: number;
  checkedAt?: string;
  /** When a day not checked yet will be (ISO). */
  dueAt?: string;
}

export interface CheckView {
  enabled: boolean;
  /** Newest first: today, then the 14 days before. */
  days: CheckDayView[];
  running?: CheckRunView;
  /** When the app next looks for a day or a gap to check (ISO; the walks' marks in the state). */
  nextAt?: string;
  /** Freshdesk requests a day this account's check takes, from the last check's requests per contact. */
  cost?: { requestsPerDay: number; perContact: number };
  /** Gaps (reason|from|to) the check repaired: the page says so beside them. */
  healed: string[];
}

export interface CheckContext {
  nowMs: number;
  installedAt: string;
  settings: Pick<Settings, 'dailyCheck'>;
  /** Whether the initial import or a replay walks (the check waits for them). */
  importWalks: boolean;
  replayWalks: boolean;
}

/** Pure: the page's view from the days record and the running check. */
export function checkView(days: CheckDays, running: CheckRunView | undefined, context: CheckContext): CheckView {
  const today = Date.parse(`${dayOf(context.nowMs)}T00:00:00Z`);
  const list: CheckDayView[] = [];
  for (let i = 0; i <= CHECK_DAYS; i += 1) list.push(dayView(today - i * DAY_MS, days, running, context));
  const view: CheckView = { enabled: context.settings.dailyCheck, days: list, healed: days.healed.filter((h) => !h.includes('>')) };
  if (running) view.running = running;
  const cost = costOf(days);
  if (cost) view.cost = cost;
  return view;
}

function dayView(start: number, days: CheckDays, running: CheckRunView | undefined, context: CheckContext): CheckDayView {
  const day = dayOf(start);
  const entry = days.days.find((d) => d.d === day);
  if (entry) return entryView(entry);
  const dueAt = new Date(start + DAY_MS + CHECK_SETTLE_MS).toISOString();
  if (start + DAY_MS <= Date.parse(context.installedAt)) return { day, status: 'not_checked', why: 'before_install' };
  if (start + DAY_MS > context.nowMs) return { day, status: 'today', dueAt };
  if (running?.scope.day === day) return { day, status: 'running' };
  const why = waitingReason(context);
  return why ? { day, status: 'not_checked', why } : { day, status: 'pending', dueAt: new Date(Math.max(Date.parse(dueAt), context.nowMs)).toISOString() };
}

/** Why a settled day has not been checked yet, when something keeps the check from it. */
function waitingReason(context: CheckContext): NotCheckedReason | undefined {
  if (!context.settings.dailyCheck) return 'switched_off';
  if (context.importWalks) return 'import_running';
  return context.replayWalks ? 'walk_running' : undefined;
}

function entryView(entry: DayCheck): CheckDayView {
  const view: CheckDayView = { day: entry.d, status: entry.s };
  const optional: { [K in keyof CheckDayView]?: CheckDayView[K] | undefined } = {
    why: entry.why,
    found: entry.f,
    delivered: entry.e,
    sent: entry.x,
    surplus: entry.p,
    formerGroup: entry.o,
    repaired: entry.gx,
    uncertain: entry.u,
    heldBack: entry.hb,
    checkedAt: entry.at === undefined ? undefined : new Date(entry.at).toISOString(),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(view, { [key]: value });
  return view;
}

/** Requests a day at the last check's requests per contact, over the average day checked. */
function costOf(days: CheckDays): CheckView['cost'] {
  const cost = days.cost;
  const checked = days.days.filter((d) => d.s === 'checked' && (d.f ?? 0) > 0);
  if (!cost || cost.contacts === 0 || checked.length === 0) return undefined;
  const perContact = cost.requests / cost.contacts;
  const perDay = checked.reduce((sum, d) => sum + (d.f ?? 0), 0) / checked.length;
  return { requestsPerDay: Math.round(perContact * perDay), perContact: Math.round(perContact * 1000) / 1000 };
}

/** The walk views the state record keeps (delivery/status/walk-views.ts), as the page reads them. */
export interface ShownWalks {
  import?: { state?: string };
  replay?: { state?: string };
  check?: Record<string, unknown>;
  checkDays?: Record<string, unknown>;
}

/** The page's check section from the state record alone (getStatus: one KV read a load). */
export function checkViewOfState(state: { walks?: Record<string, Record<string, unknown>>; walk?: { c?: number } }, context: Omit<CheckContext, 'importWalks' | 'replayWalks'>): CheckView {
  const walks = (state.walks ?? {}) as ShownWalks;
  const view = checkView(shownCheckDays(walks.checkDays), runningOf(walks), { ...context, ...walkingOf(walks) });
  const nextAt = state.walk?.c;
  if (context.settings.dailyCheck && nextAt !== undefined) view.nextAt = new Date(nextAt).toISOString();
  return view;
}

/** The check walk's view while it has not ended well (a failed one says why). */
function runningOf(walks: ShownWalks): CheckRunView | undefined {
  const shown = walks.check as CheckRunView | undefined;
  return shown?.state === 'done' ? undefined : shown;
}

function walkingOf(walks: ShownWalks): Pick<CheckContext, 'importWalks' | 'replayWalks'> {
  const importState = walks.import?.state;
  return { importWalks: importState === 'running' || importState === 'paused', replayWalks: walks.replay?.state === 'running' };
}
