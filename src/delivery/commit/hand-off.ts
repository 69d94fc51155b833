import { log } from '../../platform/log';
import { isNotFound } from '../../platform/refusals';
import type { Scheduler } from '../../platform/types';
import { DELIVERY_PERIOD_MINUTES, DELIVERY_SCHEDULE, handOffPageName, SCHEDULE_KINDS } from '../../storage/keys';
import { addPending, type CompactCounts, compactCounts as compactCountsOf, emptyLedgerState, expandCounts, markUncertain } from '../accounting/ledger';
import { rangesAsGap } from '../accounting/missing-tickets';
import { applyHandledChange, emptyHandledState, type HandledChange } from '../opt-in/handled-contacts';
import { type AppState, type MissingRange, type MissingTickets, type SpilledMap, validateState } from '../stored/stored-data';
import { withCommits } from './commit-ring';

/**
 * The hand-off (issue 11 item 3, redesigned in issue 19). injixo cannot delete a contact, so
 * once a delivery run has posted, its bookkeeping must stick even when the KV store refuses the
 * state write (its per-minute limit is shared with every event handler). The run then hands its
 * commit to the recurring delivery schedule's `data.commit` (`$schedule.update`, which needs no
 * free one-time slot — those are full exactly when this happens), and the next state writer
 * applies it before anything else (commit/commit.ts: every writer opens the state through
 * `openState`). Schedule data is capped at 4 KB, so a hand-off carries:
 *   - whole values of the small parts: cursor, chunk lists, health, gaps, awaited tickets,
 *     waiting resolutions (these compose by themselves: the run computed them from a state that
 *     already held the hand-off it applied);
 *   - what the stored state lacks beyond them (commit.ts `Carried`): the ids of the commits it
 *     stands for (this run's and any hand-off it applied, so both take effect together), the
 *     ledger counts of every contact they posted, hours whose counts could not travel, new queue
 *     pins and garbage keys.
 * What does not fit is left out in a documented order (shrink below), each step logged.
 */

/** Schedule data is capped at 4 KB (SPEC §5); the rest of the data object (its kind, MAX_VOIDS ids) needs the remainder. */
export const COMMIT_DATA_BYTES = 3500;


/** The parts of the state a committing run changes, as handed to the scheduler. */
export interface HandOff {
  /** The id of the commit (the run's time): applied once (the ring says whether it was). */
  id: number;
  /** Every commit id this hand-off stands for: the run's own and those of hand-offs it applied. */
  ids: number[];
  cursor: number;
  backlog: AppState['backlog'];
  setAside: AppState['setAside'];
  health: Partial<AppState['health']>;
  lastRunAt?: number;
  gaps?: AppState['gaps'];
  missing?: AppState['missing'];
  handled?: AppState['handled'];
  /** This run's change of the waiting resolutions, when the whole list does not fit. */
  handledChange?: HandledChange;
  /** Ledger counts of everything posted under these commits (see CompactCounts). */
  ledger?: CompactCounts;
  /** Six-hour buckets whose counts did not fit (ledger.ts uncertainHours). */
  uncertain?: string[];
  /**
   * What did not fit this data (ledger counts, the change of the waiting resolutions), in one-time
   * schedules of their own: [name, the ledger hours it holds, the resolutions it adds]. Without
   * them a busy run's counts became uncertain hours, and a check there could send nothing (large
   * seeds 394, 466: 700 posted contacts the ledger never counted), and its resolutions were lost
   * (large seed 902: HANDLED_LOST, 169 handled contacts never sent).
   */
  pages?: [string, string[], number][];
  /** Queue names pinned under these commits (rule 4). */
  pins?: Record<string, string>;
  /**
   * The pins' spilled shards, when these commits wrote them before their post because their new
   * pins were too many to travel here (commit.ts keepNewPins): the next writer loads them.
   */
  pinShards?: SpilledMap;
  /** What the run's agent-status posts came to (opt-in/agent-statuses.ts). */
  agentsPosted?: AppState['agentsPosted'];
  /**
   * When late records were last seen and how late ([lateFactsSeenAt, latenessMs], run/attribution-hold.ts):
   * the run that saw them may be the one handed off, and the next runs' replies and settled
   * resolutions must still wait for the records held with them (small seed 229: a time entry's
   * deletion held past a handed-off run, whose follow-up sent the handled contact without it).
   */
  late?: [number, number];
  /** KV keys the committed state no longer refers to: deleted once the commit is stored. */
  deletes: string[];
}

/** A hand-off this writer found and applied: cleared once its own state write succeeds. */
export interface AppliedHandOff {
  id: number;
  deletes: string[];
  /** What it carried beyond whole values, for this writer's own hand-off should it need one. */
  ids: number[];
  ledger: Record<string, Record<string, number>>;
  uncertain: string[];
  /** Its pages: deleted once this writer's commit (stored or handed off) replaces it. */
  pageNames: string[];
}

/**
 * Reads a handed-off commit and applies it to `state` unless the state includes it already. A run
 * the recurring schedule started was handed that schedule's data and needs no call; any other
 * writer fetches it: one scheduler call. Throws HandOffUnknown when the scheduler cannot say.
 */
export async function applyHandOff(schedule: Scheduler, state: AppState, recurringData?: Record<string, unknown>): Promise<{ applied: AppliedHandOff | undefined; voids: number[]; pending: Record<string, unknown> | undefined; newPins: NewPins | undefined }> {
  const data = await readScheduleData(schedule, recurringData);
  const commit = commitOf(data);
  const withPages = commit && !isIncluded(state, commit.id) ? await readPages(schedule, commit) : commit;
  return { applied: applyOne(state, withPages), voids: voidsOf(data), pending: commit, newPins: newPinsOf(data) };
}

/** New queue pins a run kept in the schedule's data before its post (noteNewPins): its commit id and the pins. */
export interface NewPins {
  id: number;
  pins: Record<string, string>;
}

function newPinsOf(data: Record<string, unknown>): NewPins | undefined {
  const value = data.newPins as { id?: unknown; pins?: unknown } | undefined;
  if (typeof value !== 'object' || value === null || typeof value.id !== 'number' || typeof value.pins !== 'object' || value.pins === null) return undefined;
  const pins = Object.fromEntries(Object.entries(value.pins as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return { id: value.id, pins };
}

/** What the recurring schedule's data holds beside the schedule itself, kept by every rewrite of it. */
export interface ScheduleKept {
  commit?: HandOff | Record<string, unknown>;
  voids: readonly number[];
  newPins?: NewPins;
}

/**
 * Step 2 for a few new queue pins: kept in the recurring schedule's data before the post (no KV
 * operation), so that when this run dies after posting, the next writer names those queues as
 * they were posted even if a group is renamed in between (small seed 2: a run posted a new queue,
 * died, and the queue reached injixo under a second name after a rename). False when the data
 * would pass 4 KB or the scheduler refuses: the caller keeps them in the pins' shards instead.
 */
export async function noteNewPins(schedule: Scheduler, kept: ScheduleKept, nowMs: number): Promise<boolean> {
  const data = deliveryDataOf(kept);
  if (JSON.stringify(data).length > SCHEDULE_DATA_BYTES) return false;
  return await rewriteKept(schedule, data, nowMs);
}

function deliveryDataOf(kept: ScheduleKept): Record<string, unknown> {
  return { kind: SCHEDULE_KINDS.deliver, ...keptData(kept) };
}

/** The recurring schedule's data rewritten; false when the scheduler refuses. */
async function rewriteKept(schedule: Scheduler, data: Record<string, unknown>, nowMs: number): Promise<boolean> {
  try {
    await updateDeliverySchedule(schedule, data, nowMs);
    return true;
  } catch {
    return false;
  }
}

/** The platform's limit on a schedule's data (SPEC §5), less a margin for the platform's own count. */
const SCHEDULE_DATA_BYTES = 4000;

function keptData(kept: ScheduleKept): Record<string, unknown> {
  return { ...(kept.commit ? { commit: kept.commit } : {}), ...(kept.voids.length > 0 ? { voids: [...kept.voids] } : {}), ...(kept.newPins ? { newPins: kept.newPins } : {}) };
}

/**
 * The hand-off with its pages' contents back in place. A page gone (it fired after three days, or
 * was never there) leaves its hours uncertain and its resolutions lost, both said; a page the
 * scheduler cannot read now makes the hand-off unknown, so the writer does not write (it is tried
 * again next run).
 */
async function readPages(schedule: Scheduler, commit: Partial<HandOff> & { id: number }): Promise<Partial<HandOff> & { id: number }> {
  const pages = pagesOf(commit);
  if (pages.length === 0) return commit;
  let counts = commit.ledger && typeof commit.ledger === 'object' ? expandCounts(commit.ledger) : {};
  const change: HandledChange = { added: [...(commit.handledChange?.added ?? [])], removed: [...(commit.handledChange?.removed ?? [])] };
  const uncertain = stringsOf(commit.uncertain);
  for (const [name, hours, resolutions] of pages) {
    const page = await readPage(schedule, name);
    if (page === 'gone') {
      pageGone(hours, resolutions);
      uncertain.push(...hours);
      continue;
    }
    counts = mergeCounts(counts, page.counts);
    change.added.push(...page.added);
    change.removed.push(...page.removed);
  }
  const handled = change.added.length + change.removed.length > 0 ? { handledChange: change } : {};
  return { ...commit, ledger: compactCountsOf(counts), uncertain: [...new Set(uncertain)], ...handled };
}

function pageGone(hours: readonly string[], resolutions: number): void {
  if (hours.length > 0) log('warn', 'LEDGER_UNCERTAIN', `the delivered ledger of ${hours.join(', ')} (UTC, six hours each) may be off: a page of a handed-off commit was gone; a replay of those hours may send contacts twice`, { hours: hours.length });
  if (resolutions > 0) log('error', 'HANDLED_LOST', `${resolutions} resolved tickets were in a page of a handed-off commit that was gone; their handled contacts are not sent`, { lost: resolutions });
}

interface PageContent {
  counts: Record<string, Record<string, number>>;
  added: number[];
  removed: number[];
}

/** One page's contents, or 'gone' (404); throws HandOffUnknown when the scheduler cannot say. */
async function readPage(schedule: Scheduler, name: string): Promise<PageContent | 'gone'> {
  let data: Record<string, unknown>;
  try {
    data = (await schedule.fetch({ name })).data;
  } catch (error) {
    if (isNotFound(error)) return 'gone';
    throw new HandOffUnknown(`a page of a handed-off commit could not be read (${describe(error)})`);
  }
  const numbers = (value: unknown): number[] => (Array.isArray(value) ? value.filter((n): n is number => Number.isInteger(n)) : []);
  return { counts: data.counts && typeof data.counts === 'object' ? expandCounts(data.counts as CompactCounts) : {}, added: numbers(data.added), removed: numbers(data.removed) };
}

function pagesOf(commit: Partial<HandOff>): [string, string[], number][] {
  if (!Array.isArray(commit.pages)) return [];
  return commit.pages.filter((p): p is [string, string[], number] => Array.isArray(p) && typeof p[0] === 'string' && Array.isArray(p[1])).map(([name, hours, resolutions]) => [name, stringsOf(hours), Number.isInteger(resolutions) ? resolutions : 0]);
}

function mergeCounts(a: Record<string, Record<string, number>>, b: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
  const out = JSON.parse(JSON.stringify(a)) as Record<string, Record<string, number>>;
  for (const [hour, attributes] of Object.entries(b)) {
    const into = (out[hour] ??= {});
    for (const [attribute, n] of Object.entries(attributes)) if (typeof n === 'number') into[attribute] = (into[attribute] ?? 0) + n;
  }
  return out;
}


function applyOne(state: AppState, handOff: (Partial<HandOff> & { id: number }) | undefined): AppliedHandOff | undefined {
  if (!handOff) return undefined;
  const deletes = stringsOf(handOff.deletes);
  const pageNames = pagesOf(handOff).map(([name]) => name);
  if (isIncluded(state, handOff.id)) return { id: handOff.id, deletes, ids: [], ledger: {}, uncertain: [], pageNames };
  const carried = carriedOf(handOff);
  const checked = validateState(JSON.parse(JSON.stringify(withHandOff(state, handOff, carried))));
  if (!checked.ok) {
    log('error', 'STORED_RECORD_UNREADABLE', `a handed-off delivery commit cannot be read (${checked.error.message}); the next run may send its contacts again`, { field: checked.error.field });
    return undefined;
  }
  Object.assign(state, checked.value);
  log('info', 'COMMIT_APPLIED', 'applied the bookkeeping of a delivery run the KV store had refused', { commit: handOff.id, cursor: state.cursor });
  return { id: handOff.id, deletes, ...carried, pageNames };
}

/** What a hand-off carries beyond whole values, read defensively like any stored value. */
function carriedOf(handOff: Partial<HandOff> & { id: number }): { ids: number[]; ledger: Record<string, Record<string, number>>; uncertain: string[] } {
  const ledger = handOff.ledger && typeof handOff.ledger === 'object' ? expandCounts(handOff.ledger) : {};
  return { ids: idsOf(handOff), ledger, uncertain: stringsOf(handOff.uncertain) };
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((k): k is string => typeof k === 'string') : [];
}

/**
 * Whether the state holds a commit already. Every writer applies a pending hand-off before it
 * writes (openState), so a commit older than the state's last one was applied, or overtaken.
 */
function isIncluded(state: AppState, id: number): boolean {
  return state.commitId !== undefined && id <= state.commitId;
}

function idsOf(handOff: Partial<HandOff> & { id: number }): number[] {
  const ids = Array.isArray(handOff.ids) ? handOff.ids.filter((n): n is number => Number.isInteger(n)) : [];
  return ids.includes(handOff.id) ? ids : [...ids, handOff.id];
}

/**
 * The scheduler could not say whether a hand-off is pending: a writer must not write the state
 * then, or it would overwrite a commit it never saw (its cursor, its chunk lists).
 */
export class HandOffUnknown extends Error {
  override readonly name = 'HandOffUnknown';
}

async function readScheduleData(schedule: Scheduler, recurringData: Record<string, unknown> | undefined): Promise<Record<string, unknown>> {
  try {
    return recurringData ?? (await schedule.fetch({ name: DELIVERY_SCHEDULE })).data;
  } catch (error) {
    // No recurring schedule at all (404): nothing can be pending there.
    if (isNotFound(error)) return {};
    throw new HandOffUnknown(`the delivery schedule could not be read (${describe(error)})`);
  }
}

function commitOf(data: Record<string, unknown>): (Partial<HandOff> & { id: number }) | undefined {
  const commit = data.commit as Partial<HandOff> | undefined;
  return typeof commit === 'object' && commit !== null && typeof commit.id === 'number' ? { ...commit, id: commit.id } : undefined;
}

/** Commit ids of runs that stopped without posting anything (noteVoidCommit), newest last. */
function voidsOf(data: Record<string, unknown>): number[] {
  return Array.isArray(data.voids) ? data.voids.filter((n): n is number => Number.isInteger(n)) : [];
}

/** The voids the schedule's data keeps at most (~15 bytes each). */
export const MAX_VOIDS = 20;

/**
 * A run that saved its claims and then stopped before anything reached injixo (a refused write,
 * nothing posted) says so here, so the next run takes its claims as simply void — its contacts
 * are counted again — instead of as "may have been posted" (commit.ts, memory/commit-view.ts).
 * The recurring schedule's data carries it beside any hand-off. When even this is refused, the
 * claims stay "may have been posted": unconfirmed, never sent twice.
 */
export async function noteVoidCommit(schedule: Scheduler, id: number, kept: ScheduleKept, nowMs: number): Promise<boolean> {
  return await rewriteKept(schedule, deliveryDataOf({ ...kept, voids: [...kept.voids, id].slice(-MAX_VOIDS) }), nowMs);
}

/**
 * The stored state with the hand-off's parts in place. It is read back through the state's own
 * schema, so a hand-off that does not make a valid state is not used.
 */
function withHandOff(state: AppState, handOff: Partial<HandOff> & { id: number }, carried: { ids: number[]; ledger: Record<string, Record<string, number>>; uncertain: string[] }): Record<string, unknown> {
  const ledger = JSON.parse(JSON.stringify(state.ledger ?? emptyLedgerState(handOff.id))) as NonNullable<AppState['ledger']>;
  addPending(ledger, carried.ledger);
  markUncertain(ledger, carried.uncertain);
  // Whole values the hand-off may leave out fall back to the state's own.
  const kept = { gaps: state.gaps, missing: state.missing, lastRunAt: state.lastRunAt, agentsPosted: state.agentsPosted };
  const given = Object.fromEntries(Object.entries({ gaps: handOff.gaps, missing: handOff.missing, lastRunAt: handOff.lastRunAt, agentsPosted: handOff.agentsPosted }).filter(([, v]) => v !== undefined));
  return {
    ...state,
    ...kept,
    ...given,
    cursor: handOff.cursor,
    backlog: handOff.backlog,
    // A hand-off written before "set aside" had one word carries `parked`.
    setAside: handOff.setAside ?? (handOff as { parked?: AppState['setAside'] }).parked,
    health: { ...state.health, ...handOff.health },
    ledger,
    pins: { ...(state.pins ?? {}), ...(handOff.pins ?? {}) },
    ...spilledOf(state, handOff),
    ...handledOf(state, handOff),
    ...lateOf(state, handOff),
    commitId: handOff.id,
    commits: withCommits(state.commits, carried.ids),
  };
}

/** The pins' shards a hand-off refers to (written before its post) replace the stored state's reference. */
/** The newer of the state's and the hand-off's sightings of late records. */
function lateOf(state: AppState, handOff: Partial<HandOff>): Pick<AppState, 'lateFactsSeenAt' | 'latenessMs'> {
  const [seenAt, latenessMs] = handOff.late ?? [];
  if (seenAt === undefined || (state.lateFactsSeenAt ?? -Infinity) >= seenAt) return {};
  return latenessMs === undefined ? { lateFactsSeenAt: seenAt } : { lateFactsSeenAt: seenAt, latenessMs };
}

function spilledOf(state: AppState, handOff: Partial<HandOff>): { spilled?: AppState['spilled'] } {
  if (handOff.pinShards === undefined) return state.spilled === undefined ? {} : { spilled: state.spilled };
  return { spilled: { ...(state.spilled ?? {}), pins: handOff.pinShards } };
}

function handledOf(state: AppState, handOff: Partial<HandOff>): { handled?: AppState['handled'] } {
  if (handOff.handled) return { handled: handOff.handled };
  const change = handOff.handledChange;
  // Read defensively like any stored value: a malformed change is ignored (validateState then checks the result).
  if (change && Array.isArray(change.added) && Array.isArray(change.removed)) return { handled: applyHandledChange(state.handled ?? emptyHandledState(), change) };
  return state.handled === undefined ? {} : { handled: state.handled };
}

/**
 * After the writer's own state write: the handed-off commit is in the store now, so the schedule
 * is cleared (its garbage keys were in the writer's deletes). Should this fail, the ring keeps
 * it from being applied again.
 */
export async function clearHandOff(schedule: Scheduler, voids: readonly number[], nowMs: number): Promise<void> {
  await updateDeliverySchedule(schedule, { kind: SCHEDULE_KINDS.deliver, ...voidsData(voids) }, nowMs).catch(() => undefined);
}

/** Hands a commit to the recurring schedule; throws when the scheduler refuses too. */
export async function storeHandOff(schedule: Scheduler, handOff: HandOff, voids: readonly number[], nowMs: number): Promise<void> {
  const paged = await pageBulk(schedule, handOff, nowMs);
  await updateDeliverySchedule(schedule, { kind: SCHEDULE_KINDS.deliver, commit: fitHandOff(paged), ...voidsData(voids) }, nowMs);
}

/** A page's contents at most (its data, with its kind, within the schedule's 4 KB). */
export const PAGE_BYTES = 3800;
/** Pages fire (and go) after this long: a hand-off is applied within minutes, and a page that fires is ignored. */
export const PAGE_LIFETIME_MS = 3 * 24 * 60 * 60_000;

type PageData = { counts: CompactCounts } | { added: number[]; removed: number[] };

/**
 * What would not fit the hand-off — ledger counts, then the change of the waiting resolutions —
 * goes to pages (one-time schedules, `pages`) before anything is shrunk. What a page the
 * scheduler refuses held stays in the hand-off, where shrink() degrades it as before (counts to
 * uncertain hours, resolutions said lost).
 */
async function pageBulk(schedule: Scheduler, handOff: HandOff, nowMs: number): Promise<HandOff> {
  // The change travels instead of the whole list (as shrink() would choose).
  let current = handOff.handledChange !== undefined ? withoutWholeHandled(handOff) : handOff;
  const pages: [string, string[], number][] = [];
  const left = { counts: {} as Record<string, Record<string, number>>, change: { added: [] as number[], removed: [] as number[] } };
  const steps: [keyof Pick<HandOff, 'ledger' | 'handledChange'>, (h: HandOff) => PlannedPage[]][] = [
    ['ledger', (h) => splitIntoPages(h.ledger ? expandCounts(h.ledger) : {}).map((counts) => ({ data: { counts: compactCountsOf(counts) }, hours: Object.keys(counts).sort(), resolutions: 0 }))],
    ['handledChange', (h) => splitChange(h.handledChange).map((part) => ({ data: part, hours: [], resolutions: part.added.length / 3 }))],
  ];
  let index = 0;
  for (const [part, plan] of steps) {
    if (fits(current) || current[part] === undefined) continue;
    const planned = plan(current);
    current = { ...current };
    delete current[part];
    for (const page of planned) {
      const name = handOffPageName(handOff.id, index);
      index += 1;
      try {
        await schedule.create({ name, data: { kind: SCHEDULE_KINDS.handOffPage, ...page.data }, schedule_at: new Date(nowMs + PAGE_LIFETIME_MS).toISOString() });
        pages.push([name, page.hours, page.resolutions]);
      } catch (error) {
        log('warn', 'PLATFORM_LIMIT', `the scheduler refused a page of a handed-off commit (${describe(error)}); what it held travels in the hand-off if it fits`);
        keepInHandOff(left, page.data);
      }
    }
  }
  return withLeft(pages.length > 0 ? { ...current, pages } : current, left);
}

interface PlannedPage {
  data: PageData;
  hours: string[];
  resolutions: number;
}

function keepInHandOff(left: { counts: Record<string, Record<string, number>>; change: HandledChange }, data: PageData): void {
  if ('counts' in data) left.counts = mergeCounts(left.counts, expandCounts(data.counts));
  else {
    left.change.added.push(...data.added);
    left.change.removed.push(...data.removed);
  }
}

function withLeft(handOff: HandOff, left: { counts: Record<string, Record<string, number>>; change: HandledChange }): HandOff {
  const out = { ...handOff };
  if (Object.keys(left.counts).length > 0) out.ledger = compactCountsOf(left.counts);
  if (left.change.added.length + left.change.removed.length > 0) out.handledChange = left.change;
  return out;
}

/** The change cut into pages: whole resolutions (triples) and removed ids, PAGE_BYTES at most each. */
function splitChange(change: HandledChange | undefined): { added: number[]; removed: number[] }[] {
  if (change === undefined) return [];
  const items: ['added' | 'removed', number[]][] = [];
  for (let i = 0; i + 2 < change.added.length; i += 3) items.push(['added', change.added.slice(i, i + 3)]);
  for (const id of change.removed) items.push(['removed', [id]]);
  const parts: { added: number[]; removed: number[] }[] = [];
  let part = { added: [] as number[], removed: [] as number[] };
  for (const [list, numbers] of items) {
    if (JSON.stringify(part).length + JSON.stringify(numbers).length > PAGE_BYTES) {
      parts.push(part);
      part = { added: [], removed: [] };
    }
    part[list].push(...numbers);
  }
  if (part.added.length + part.removed.length > 0) parts.push(part);
  return parts;
}

/** Counts cut into pages of at most PAGE_BYTES each (one queue's quarters of one hour never split). */
function splitIntoPages(counts: Record<string, Record<string, number>>): Record<string, Record<string, number>>[] {
  const pages: Record<string, Record<string, number>>[] = [];
  let page: Record<string, Record<string, number>> = {};
  let bytes = 0;
  for (const [hour, queue, pairs] of queueEntries(counts)) {
    const size = hour.length + queue.length + JSON.stringify(pairs).length + 12;
    if (bytes > 0 && bytes + size > PAGE_BYTES) {
      pages.push(page);
      page = {};
      bytes = 0;
    }
    addPairs(page, hour, queue, pairs);
    bytes += size;
  }
  if (bytes > 0) pages.push(page);
  return pages;
}

/** [hour, queue, [quarter, count, …]] for every queue of every hour. */
function queueEntries(counts: Record<string, Record<string, number>>): [string, string, number[]][] {
  return Object.entries(compactCountsOf(counts)).flatMap(([hour, byQueue]) => Object.entries(byQueue).map(([queue, pairs]): [string, string, number[]] => [hour, queue, pairs]));
}

function addPairs(page: Record<string, Record<string, number>>, hour: string, queue: string, pairs: readonly number[]): void {
  const into = (page[hour] ??= {});
  for (let i = 0; i + 1 < pairs.length; i += 2) into[`${queue}|${String(pairs[i])}`] = pairs[i + 1] as number;
}

/**
 * Once this writer's commit replaced the hand-off it applied (stored, or handed off itself with
 * what the pages held in its own), that hand-off's pages are garbage. A refusal is said; a page
 * left behind fires after PAGE_LIFETIME_MS and is ignored.
 */
export async function deleteHandOffPages(schedule: Scheduler, pages: readonly string[]): Promise<void> {
  const left: string[] = [];
  for (const name of pages) {
    await schedule.delete({ name }).catch((error: unknown) => {
      if (!isNotFound(error)) left.push(name);
    });
  }
  if (left.length > 0) log('warn', 'PLATFORM_LIMIT', `the scheduler refused the clean-up of ${left.length} page(s) of an applied commit; they fire unused within ${PAGE_LIFETIME_MS / 86_400_000} days`);
}

function voidsData(voids: readonly number[]): { voids?: number[] } {
  return voids.length > 0 ? { voids: [...voids] } : {};
}

/** The hand-off within COMMIT_DATA_BYTES: parts that matter least go first (see shrink). */
export function fitHandOff(handOff: HandOff): HandOff {
  return fits(handOff) ? handOff : shrink(handOff);
}

/**
 * In order of what matters least; the chunk lists, the cursor and the commit ids, which prevent
 * a second post, always stay. Awaited ticket ranges become gaps; a long waiting list travels as
 * this run's change; ledger counts become uncertain hours; new pins go (the next run pins
 * afresh); garbage keys go (storage only); then the oldest gaps (logged GAP_FORGOTTEN, as when
 * they leave the state); the change of the waiting resolutions goes last, since without it
 * handled contacts are lost. Gaps go this late because the hand-off's list replaces the state's:
 * a gap left out is gone, and the contacts it counted are lost with no trace on the status page
 * (large seed 2: a refused commit's gap of 4 contacts was dropped before the ledger counts).
 */
function shrink(handOff: HandOff): HandOff {
  const steps = [withoutAwaitedRanges, withoutWholeHandled, withLedgerHoursOnly, withoutNewPins, (c: HandOff): HandOff => ({ ...c, deletes: [] }), withFewerGaps, withoutHandledChange];
  return steps.reduce((current, step) => (fits(current) ? current : step(current)), handOff);
}

function withoutWholeHandled(handOff: HandOff): HandOff {
  if (handOff.handledChange === undefined) return handOff;
  const rest = { ...handOff };
  delete rest.handled;
  return rest;
}

/** The last resort: said as a loss, since the resolutions' outbox records are gone with the run. */
function withoutHandledChange(handOff: HandOff): HandOff {
  if (handOff.handledChange === undefined) return handOff;
  const { handledChange, ...bare } = handOff;
  const lost = handledChange.added.length / 3;
  if (lost > 0) log('error', 'HANDLED_LOST', `${lost} resolved tickets read by this run could not travel with a handed-off commit; their handled contacts are not sent`, { lost });
  if (handledChange.removed.length > 0) log('warn', 'HANDLED_UNCERTAIN', `${handledChange.removed.length} handled contacts this run sent may be sent once more`);
  return bare;
}

function withFewerGaps(handOff: HandOff): HandOff {
  const gaps = [...(handOff.gaps ?? [])];
  while (gaps.length > 1 && !fits({ ...handOff, gaps })) {
    const old = gaps.shift() as NonNullable<HandOff['gaps']>[number];
    log('warn', 'GAP_FORGOTTEN', `the oldest recorded gap (${old.reason} ${old.from}–${old.to}) could not travel with a handed-off commit and leaves the status page; replay that window if it was not repaired`, { ...old });
  }
  return { ...handOff, gaps };
}

/**
 * Pins only matter if a queue is renamed before the next run stores its own: that run pins the
 * names Freshdesk gives then, the same ones unless a rename came within minutes.
 */
function withoutNewPins(handOff: HandOff): HandOff {
  const { pins, ...rest } = handOff;
  const count = Object.keys(pins ?? {}).length;
  if (count > 0) log('warn', 'PLATFORM_LIMIT', `${count} new queue names could not travel with a handed-off commit; the next run names those queues afresh`);
  return rest;
}

/** Ledger counts too big to carry: the hours they touch become uncertain (a replay there warns). */
function withLedgerHoursOnly(handOff: HandOff): HandOff {
  if (handOff.ledger === undefined) return handOff;
  const { ledger, ...rest } = handOff;
  const hours = [...new Set([...Object.keys(ledger), ...(handOff.uncertain ?? [])])].sort();
  log('warn', 'LEDGER_UNCERTAIN', `the delivered ledger of ${hours.join(', ')} (UTC, six hours each) may be off: a run's bookkeeping was too big to hand off; a replay of those hours may send contacts twice`, { hours: hours.length });
  return { ...rest, uncertain: hours };
}

/**
 * Awaited ticket ranges, oldest first, become gaps until the hand-off fits: the next run then
 * neither waits for them nor takes their tickets as missing again.
 */
function withoutAwaitedRanges(handOff: HandOff): HandOff {
  if (!handOff.missing) return handOff;
  const ranges = [...handOff.missing.ranges];
  const leftOut: MissingRange[] = [];
  const shaped = (): HandOff => ({ ...handOff, gaps: [...(handOff.gaps ?? []), ...rangesAsGap(leftOut)], missing: { ...(handOff.missing as MissingTickets), ranges } });
  while (ranges.length > 0 && !fits(shaped())) leftOut.push(ranges.shift() as MissingRange);
  return shaped();
}

function fits(handOff: HandOff): boolean {
  return JSON.stringify(handOff).length <= COMMIT_DATA_BYTES;
}

function updateDeliverySchedule(schedule: Scheduler, data: Record<string, unknown>, nowMs: number): Promise<unknown> {
  return schedule.update({
    name: DELIVERY_SCHEDULE,
    data,
    schedule_at: new Date(nowMs + DELIVERY_PERIOD_MINUTES * 60_000).toISOString(),
    repeat: { time_unit: 'minutes', frequency: DELIVERY_PERIOD_MINUTES },
  });
}

function describe(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { status?: unknown; message?: unknown };
  return [e.status, e.message].filter((x) => x !== undefined).map(String).join(' ') || String(error);
}
