/**
 * "Is data flowing?" at a glance (issue 22): pure pieces the status page draws — how long ago
 * the last delivery was and when the next run is due, the chart's scale, the day's figure next
 * to the 24-hour one, queues grouped by Freshdesk group, deleted groups apart from renamed ones,
 * and a CLI command cut where it may wrap.
 */
import { QUEUE_KIND_SUFFIX } from '../core/queues';
import { DELIVERY_PERIOD_MINUTES } from '../storage/keys';
import { SCHEDULE_LEAD_MS } from '../platform/schedule-lead';

const PERIOD_MS = DELIVERY_PERIOD_MINUTES * 60_000;

/** What the page needs to tell when runs happen; `lastRunAt`/`nextRunAt` when the server says them. */
export interface RunTimes {
  installedAt: string;
  lastSuccessAt: string | null;
  lastFailure: { at: string } | null;
  lastRunAt?: string | null | undefined;
  nextRunAt?: string | null | undefined;
}

/**
 * When the next delivery run is due. The server's `nextRunAt` when it sends one; else from the
 * last run (`lastRunAt`) plus the delivery period; else from the recurring schedule's rhythm: its
 * first run came SCHEDULE_LEAD_MS after the install and then one every DELIVERY_PERIOD_MINUTES
 * (src/delivery/run/schedule-runs.ts). Follow-up runs (backlog left) come in between.
 */
export function nextRunAt(view: RunTimes, nowMs: number): number {
  const told = view.nextRunAt ? Date.parse(view.nextRunAt) : Number.NaN;
  if (!Number.isNaN(told)) return told;
  const lastRun = view.lastRunAt ? Date.parse(view.lastRunAt) : Number.NaN;
  if (!Number.isNaN(lastRun)) return lastRun + PERIOD_MS;
  const first = Date.parse(view.installedAt) + SCHEDULE_LEAD_MS;
  if (Number.isNaN(first) || nowMs < first) return first;
  return first + Math.ceil((nowMs - first) / PERIOD_MS) * PERIOD_MS;
}

/** The latest moment a run is known to have happened: the server's `lastRunAt`, else the last success or failure. */
export function lastRunAt(view: RunTimes): number | undefined {
  const times = [view.lastRunAt, view.lastSuccessAt, view.lastFailure?.at].map((t) => (t ? Date.parse(t) : Number.NaN)).filter((t) => !Number.isNaN(t));
  return times.length === 0 ? undefined : Math.max(...times);
}

/** A run is overdue when none is known for two periods and a half (the schedule fires every period). */
export function runsOverdue(view: RunTimes, nowMs: number): boolean {
  const last = lastRunAt(view) ?? Date.parse(view.installedAt) + SCHEDULE_LEAD_MS;
  return nowMs - last > 2.5 * PERIOD_MS && view.lastRunAt !== undefined;
}

export const DELIVERY_PERIOD = DELIVERY_PERIOD_MINUTES;

/** Ticks for a count axis: 0, then round steps up to at least `max` (1, 2 or 5 × a power of ten). */
export function axisTicks(max: number, wanted = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / wanted;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let value = 0; value <= top + step / 2; value += step) ticks.push(Math.round(value));
  return ticks;
}

/**
 * What of the last 24 hours falls on today in `timeZone`: the sum of the hourly buckets that
 * start at or after the zone's midnight, and that midnight. Buckets are whole UTC hours, so in a
 * zone off by half an hour the first bucket of the day is left out (said by its start).
 */
export function todayFrom(starts: readonly string[], totals: readonly number[], nowMs: number, timeZone: string): { count: number; since: number } {
  const since = zoneMidnight(nowMs, timeZone);
  let count = 0;
  starts.forEach((start, i) => {
    if (Date.parse(start) >= since) count += totals[i] ?? 0;
  });
  return { count, since };
}

/** The instant the day of `nowMs` began in `timeZone`. */
export function zoneMidnight(nowMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(nowMs);
  const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const sinceMidnight = ((part('hour') * 60 + part('minute')) * 60 + part('second')) * 1000 + (nowMs % 1000);
  return nowMs - sinceMidnight;
}

export interface QueueRow {
  queueIdentifier: string;
  queueName: string;
  total: number;
}

export interface QueueGroup {
  /** The group part of the identifiers: a group id, `none` or `unknown`. */
  id: string;
  name: string;
  total: number;
  queues: QueueRow[];
}

/** `freshdesk/<group|none|unknown>/<source|unknown>/<tickets|replies>` (SPEC §2 rule 10). */
export function identifierParts(identifier: string): { group: string; source: string; kind: string } | undefined {
  const match = /^freshdesk\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(identifier);
  return match ? { group: match[1] as string, source: match[2] as string, kind: match[3] as string } : undefined;
}

const KIND_WORD = QUEUE_KIND_SUFFIX;

/**
 * The Freshdesk group's name as the queue names spell it: a queue is named
 * "<group> <source> Tickets|Replies", and a source's name is what its queues of every group end
 * with, so it is cut off where several groups agree on it; a source seen in one group only is
 * taken as its last word. `No group` and `Unknown group/source` are the names rule 5 and 6 give.
 */
export function groupQueues(queues: readonly QueueRow[]): QueueGroup[] {
  const sourceNames = sourceNamesOf(queues);
  const groups = new Map<string, QueueGroup & { names: Map<string, number> }>();
  for (const queue of queues) {
    const parts = identifierParts(queue.queueIdentifier);
    const id = parts?.group ?? 'other';
    const entry = groups.get(id) ?? { id, name: '', total: 0, queues: [], names: new Map<string, number>() };
    entry.total += queue.total;
    entry.queues.push(queue);
    const name = groupNameOf(queue.queueName, parts, sourceNames);
    entry.names.set(name, (entry.names.get(name) ?? 0) + queue.total + 1);
    groups.set(id, entry);
  }
  return [...groups.values()]
    .map(({ names, ...group }) => ({ ...group, name: [...names.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? group.id, queues: [...group.queues].sort(byVolume) }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
}

function byVolume(a: QueueRow, b: QueueRow): number {
  return b.total - a.total || a.queueName.localeCompare(b.queueName);
}

/** The `limit` busiest queues, busiest first. */
export function busiestQueues(queues: readonly QueueRow[], limit: number): QueueRow[] {
  return [...queues].sort(byVolume).slice(0, limit);
}

/** Per ticket source id, the queue names' stems ("Billing email") of the groups that have it. */
function stemsBySource(queues: readonly QueueRow[]): Map<string, Set<string>> {
  const bySource = new Map<string, Set<string>>();
  for (const queue of queues) {
    const parts = identifierParts(queue.queueIdentifier);
    if (!parts || parts.group === 'unknown') continue;
    const set = bySource.get(parts.source) ?? new Set<string>();
    set.add(queue.queueName.replace(KIND_WORD, ''));
    bySource.set(parts.source, set);
  }
  return bySource;
}

function sourceNamesOf(queues: readonly QueueRow[]): Map<string, string> {
  const bySource = stemsBySource(queues);
  const names = new Map<string, string>();
  for (const [source, stems] of bySource) {
    if (stems.size < 2) continue;
    const suffix = commonWordSuffix([...stems]);
    if (suffix !== '') names.set(source, suffix);
  }
  return names;
}

function commonWordSuffix(texts: string[]): string {
  const split = texts.map((t) => t.split(' '));
  const shortest = Math.min(...split.map((w) => w.length));
  const suffix: string[] = [];
  for (let i = 1; i < shortest; i += 1) {
    const word = split[0]?.[split[0].length - i];
    if (word === undefined || !split.every((w) => w[w.length - i] === word)) break;
    suffix.unshift(word);
  }
  return suffix.join(' ');
}

function groupNameOf(queueName: string, parts: ReturnType<typeof identifierParts>, sourceNames: Map<string, string>): string {
  const stem = queueName.replace(KIND_WORD, '');
  if (parts?.group === 'unknown') return 'Unknown group/source';
  const source = parts ? sourceNames.get(parts.source) : undefined;
  if (source !== undefined && stem.endsWith(` ${source}`)) return stem.slice(0, -source.length - 1);
  const words = stem.split(' ');
  return words.length > 1 ? words.slice(0, -1).join(' ') : stem;
}

/**
 * Renamed queues apart from those whose group was deleted: a deleted group's queues are named
 * `Group <id> …` now (SPEC §2 rule 6), which is no rename an admin can look up in Freshdesk.
 */
export function splitRenamed<T extends { queueIdentifier: string; currentName: string }>(renamed: readonly T[]): { renamed: T[]; deleted: T[] } {
  const out = { renamed: [] as T[], deleted: [] as T[] };
  for (const entry of renamed) {
    const group = identifierParts(entry.queueIdentifier)?.group;
    const deleted = group !== undefined && /^\d+$/.test(group) && entry.currentName.startsWith(`Group ${group} `);
    (deleted ? out.deleted : out.renamed).push(entry);
  }
  return out;
}

/**
 * A shell command cut into the pieces that must stay on one line: the program, then each flag
 * with its value (`--from 2025-01-01T00:00:00Z`), so a narrow page wraps between flags only.
 */
export function commandPieces(command: string): string[] {
  const pieces: string[] = [];
  for (const word of command.trim().split(/\s+/)) {
    const last = pieces.length - 1;
    // A flag starts a piece; its value and the program's words (`--` included) join the one before.
    if (last < 0 || (word.startsWith('--') && word !== '--')) pieces.push(word);
    else pieces[last] = `${pieces[last] ?? ''} ${word}`;
  }
  return pieces;
}
