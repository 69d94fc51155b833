/**
 * The commit protocol (SPEC §9 bookkeeping rules; drawn in docs/delivery-lifecycle.md). The state
 * record is the one commit point of everything a writer does:
 *
 *   1. open     take the lease; read the state; apply a pending hand-off (hand-off.ts). A writer
 *               that cannot tell whether one is pending does not write at all.
 *   2. prepare  write what the new state will refer to — claims in the books, tagged with this
 *               commit's id (memory/), new pins — and, for a delivery run, post to injixo.
 *   3. commit   ONE write of the state record: cursor, chunk lists, the ledger counts of what
 *               was posted, the commit's id in the ring of commits that took effect.
 *               Refused before a post: nothing happened (the next writer redoes the work; the
 *               claims of step 2 are void, their id never reaches the ring). Refused after a
 *               post: the commit is handed to the scheduler and takes effect when the next writer
 *               applies it (step 1), together with everything it carried.
 *   4. finish   only once stored: delete what the state no longer refers to, clear an applied
 *               hand-off, write ledger counts frozen in this commit (accounting/ledger.ts).
 *
 * A death at any step leaves the store as one of these states, so it neither loses nor doubles a
 * contact or a ledger count — except the one case nothing can settle: a run that posted and then
 * died, or was refused by both the KV store and the scheduler, posts that batch again (logged
 * COMMIT_LOST; docs/delivery.md "Known duplicates").
 */
import { queueNameIn } from '../../core/queues';
import type { OfferedContact } from '../../core/types';
import { log } from '../../platform/log';
import type { KeyValueStore, Scheduler } from '../../platform/types';
import { addPending, compactCounts, emptyLedgerState, ledgerCountsOf } from '../accounting/ledger';
import type { HandledChange } from '../opt-in/handled-contacts';
import type { AppState, SpilledMap } from '../stored/stored-data';
import { commitViewOf, withCommits } from './commit-ring';
import type { CommitView } from '../memory/commit-view';
import { type AppliedHandOff, applyHandOff, clearHandOff, deleteHandOffPages, type HandOff, type NewPins, noteNewPins, noteVoidCommit, type ScheduleKept, storeHandOff } from './hand-off';
import { releaseLease, takeLease } from './lease';
import { adoptPinShards, loadSpilled, SPILLABLE, type SpillableSection, spillPinsNow } from './spill';
import { readState, writeState } from './state';

/**
 * Pins a run kept in the schedule's data before a post it may not have committed (noteNewPins):
 * taken in where this state has none, so a queue renamed since keeps the name that run posted.
 * A committed run's are in the state already; those of a run that posted nothing are names
 * Freshdesk gave minutes ago, harmless.
 */
function adoptNewPins(state: AppState, noted: NewPins | undefined): void {
  if (!noted || noted.id <= (state.commitId ?? 0)) return;
  const pins = { ...(state.pins ?? {}) };
  for (const [queue, name] of Object.entries(noted.pins)) pins[queue] ??= name;
  state.pins = pins;
}

/** What the working state holds beyond the stored one, other than whole values: a hand-off must carry it. */
interface Carried {
  /** Ledger counts of contacts posted under uncommitted ids (this writer's and an applied hand-off's). */
  ledger: Record<string, Record<string, number>>;
  /** Hours whose counts an applied hand-off could not carry. */
  uncertain: string[];
  /** Commit ids of applied hand-offs. */
  ids: number[];
  /** Keys the committed state will no longer refer to. */
  deletes: string[];
}

/** New pins a hand-off carries at most (of its COMMIT_DATA_BYTES); more are written to their shards before the post. */
export const PINS_IN_HAND_OFF_BYTES = 1024;

export type CommitOutcome = 'stored' | 'handed_off';

/** The state as one writer opened it: read, with any pending hand-off applied. */
export class OpenState {
  /** This writer's commit id: its time, strictly after the last commit's (ids are unique and increasing). */
  readonly id: number;
  private base: AppState;
  private carried: Carried;
  /** Queues whose pins are in shards the stored state does not refer to yet (written before a post). */
  private pinsInShards = new Set<string>();

  private constructor(
    readonly state: AppState,
    readonly handedOff: AppliedHandOff | undefined,
    base: AppState,
    nowMs: number,
    private readonly schedule: { voids: number[]; pending: Record<string, unknown> | undefined; newPins: NewPins | undefined },
  ) {
    this.base = base;
    this.id = Math.max(nowMs, (state.commitId ?? 0) + 1);
    this.carried = handedOff ? { ledger: handedOff.ledger, uncertain: handedOff.uncertain, ids: handedOff.ids, deletes: [...handedOff.deletes] } : { ledger: {}, uncertain: [], ids: [], deletes: [] };
  }

  /** Reads the state and applies a pending hand-off; throws HandOffUnknown when the scheduler cannot say. */
  static async open(db: KeyValueStore, schedule: Scheduler, nowMs: number, recurringData: Record<string, unknown> | undefined, spilled: readonly SpillableSection[]): Promise<OpenState> {
    const state = await readState(db, nowMs, { withSpilled: spilled });
    const base = clone(state);
    const { applied, voids, pending, newPins } = await applyHandOff(schedule, state, recurringData);
    adoptNewPins(state, newPins);
    const opened = new OpenState(state, applied, base, nowMs, { voids, pending, newPins });
    // A hand-off that refers to pin shards its run wrote before posting: load them like the stored ones.
    if (state.spilled?.pins?.h !== base.spilled?.pins?.h) {
      await loadSpilled(db, state);
      opened.pinsInShards = new Set(Object.keys(state.pins ?? {}));
    }
    return opened;
  }

  /** Which commits took effect, and which void runs posted nothing, for the books' claims (memory/commit-view.ts). */
  commitView(): CommitView {
    const voids = new Set(this.schedule.voids);
    return { ...commitViewOf(withCommits(this.state.commits, this.carried.ids), this.id), postedNothing: (id) => voids.has(id) };
  }

  /**
   * This writer saved claims and then stops before anything reached injixo: it says so, so its
   * claims are taken as simply void (hand-off.ts noteVoidCommit). Best effort; never throws.
   */
  async notePostedNothing(schedule: Scheduler): Promise<void> {
    if (await noteVoidCommit(schedule, this.id, this.kept(), this.id)) log('info', 'DELIVERY_DEFERRED', 'the run posted nothing before it stopped; the next run counts its contacts again');
  }

  /**
   * Step 2 for new queue pins (rule 4), before the post: pins too many to travel in a hand-off
   * (COMMIT_DATA_BYTES) are written to the pins' spilled shards now, so a commit refused after
   * the post refers to those shards instead of dropping the pins — dropped, a queue renamed before
   * the next stored commit would reach injixo under a second name (large seed 104: 120 new pins
   * of a run whose state write was refused, and renames in the 34 minutes until a commit stuck).
   * A refusal here throws: nothing has been posted, the next run redoes it.
   */
  /** Pins a void run wrote before its post (spill.ts adoptPinShards), when the run found its claims; call before naming contacts. */
  async adoptVoidRunPins(db: KeyValueStore, voidClaims: number): Promise<void> {
    if (voidClaims > 0) await adoptPinShards(db, this.state);
  }

  async keepNewPins(db: KeyValueStore, schedule: Scheduler): Promise<void> {
    const fresh = newPins(this.base, this.state);
    if (Object.keys(fresh).length === 0) return;
    if (JSON.stringify(fresh).length <= PINS_IN_HAND_OFF_BYTES) {
      // A few the stored directory names the same: the next writer names them so should this run
      // die after its post (namedAsStored). Others (a new group, a rename this run read) are kept.
      if (Object.entries(fresh).every(([queue, name]) => this.storedName(queue) === name)) return;
      if (await noteNewPins(schedule, { ...this.kept(), newPins: { id: this.id, pins: fresh } }, this.id)) return;
    }
    await spillPinsNow(db, this.state);
    this.pinsInShards = new Set(Object.keys(this.state.pins ?? {}));
  }

  /**
   * A void run's contacts in queues no pin names, named as that run named them: from the
   * directory stored with the last commit, which is the one it had unless it read a renamed group
   * (then it kept its pins in the schedule's data: keepNewPins, adoptNewPins). This run's own
   * refresh may already see a rename (small seed 2: a new queue posted by a run that died, the
   * group renamed before the next run, which named the queue afresh).
   */
  namedAsStored(contacts: OfferedContact[]): OfferedContact[] {
    const pins = this.state.pins ?? {};
    return contacts.map((c) => {
      const name = pins[c.queueIdentifier] === undefined ? this.storedName(c.queueIdentifier) : undefined;
      return name === undefined ? c : { ...c, queueName: name };
    });
  }

  /** The name the directory stored with the last commit gives a queue, if it can tell. */
  private storedName(queue: string): string | undefined {
    const stored = this.base.directory;
    return stored ? queueNameIn(queue, { groups: stored.groups, ...(stored.sourceChoices ? { sourceChoices: stored.sourceChoices } : {}) }) : undefined;
  }

  /** What the recurring schedule's data holds beside a rewrite of it. */
  private kept(): ScheduleKept {
    const { pending, voids, newPins: notedPins } = this.schedule;
    return { ...(pending ? { commit: pending } : {}), voids, ...(notedPins ? { newPins: notedPins } : {}) };
  }

  /** Counts contacts injixo accepted into the ledger (offered ones only). */
  countDelivered(contacts: readonly OfferedContact[]): void {
    const counts = ledgerCountsOf(contacts);
    const ledger = this.state.ledger ?? emptyLedgerState(this.id);
    this.state.ledger = ledger;
    addPending(ledger, counts);
    for (const [hour, attributes] of Object.entries(counts)) {
      const into = this.carried.ledger[hour] ?? {};
      this.carried.ledger[hour] = into;
      for (const [attribute, n] of Object.entries(attributes)) into[attribute] = (into[attribute] ?? 0) + n;
    }
  }

  /** Keys the committed state will no longer refer to: deleted once it is stored. */
  discard(keys: readonly string[]): void {
    this.carried.deletes.push(...keys);
  }

  /**
   * Step 3. 'stored': the state is in the KV store. 'handed_off': it is in the delivery
   * schedule and the next writer applies it. Throws when nothing was posted (the next writer
   * redoes this one) or when even the scheduler refused (then the batch may be posted again:
   * logged).
   */
  async commit(db: KeyValueStore, schedule: Scheduler, posted: boolean): Promise<CommitOutcome> {
    this.state.commitId = this.id;
    this.state.commits = withCommits(this.state.commits, [...this.carried.ids, this.id]);
    try {
      await writeState(db, this.state, this.id);
    } catch (kvError) {
      if (!posted) throw kvError;
      return await this.handOff(schedule, kvError);
    }
    this.base = clone(this.state);
    this.carried = { ledger: {}, uncertain: [], ids: [], deletes: this.carried.deletes };
    return 'stored';
  }

  private async handOff(schedule: Scheduler, kvError: unknown): Promise<CommitOutcome> {
    try {
      await storeHandOff(schedule, this.handOffData(), this.schedule.voids, this.id);
    } catch (scheduleError) {
      log('error', 'COMMIT_LOST', 'neither the KV store nor the scheduler kept the bookkeeping of a delivery run that posted; its contacts may be sent again', { cause: describe(scheduleError) });
      throw kvError;
    }
    // The applied hand-off's counts travel in this one now (its own pages): the old pages are garbage.
    if (this.handedOff) await deleteHandOffPages(schedule, this.handedOff.pageNames);
    log('warn', 'PLATFORM_LIMIT', "KV limit reached after a successful post; the run's bookkeeping waits in the delivery schedule and is applied by the next run", { cursor: this.state.cursor });
    return 'handed_off';
  }

  /** Whole values of the small parts, and what the stored state lacks beyond them. */
  private handOffData(): HandOff {
    const health: Partial<AppState['health']> = { ...this.state.health };
    // The 24-hour chart is the status page's, rebuilt by the next runs: not worth the 4 KB.
    delete health.recent;
    const optional: { [K in keyof HandOff]?: HandOff[K] | undefined } = {
      lastRunAt: this.state.lastRunAt,
      agentsPosted: this.state.agentsPosted,
      late: this.state.lateFactsSeenAt === undefined ? undefined : [this.state.lateFactsSeenAt, this.state.latenessMs ?? 0],
      missing: this.state.missing,
      handled: this.state.handled,
      handledChange: handledChangeOf(this.base, this.state),
      ledger: Object.keys(this.carried.ledger).length > 0 ? compactCounts(this.carried.ledger) : undefined,
      uncertain: uncertainToCarry(this.base, this.state, this.carried.uncertain),
      ...this.pinsToCarry(),
    };
    const present = Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined && !(typeof value === 'object' && Object.keys(value).length === 0)));
    return { id: this.id, ids: [...this.carried.ids, this.id], cursor: this.state.cursor, backlog: this.state.backlog, setAside: this.state.setAside, health, gaps: this.state.gaps ?? [], ...present, deletes: this.carried.deletes };
  }

  /** New pins, or the shards that hold them when this run (or a hand-off it applied) wrote them before posting. */
  private pinsToCarry(): { pins?: Record<string, string>; pinShards?: SpilledMap } {
    const pins = Object.fromEntries(Object.entries(newPins(this.base, this.state)).filter(([queue]) => !this.pinsInShards.has(queue)));
    const shards = this.state.spilled?.pins;
    return shards !== undefined && shards.h !== this.base.spilled?.pins?.h ? { pins, pinShards: shards } : { pins };
  }

  /** Step 4, once stored: garbage keys go, an applied hand-off is cleared from the schedule. */
  async finish(db: KeyValueStore, schedule: Scheduler): Promise<void> {
    const left: string[] = [];
    for (const key of this.carried.deletes) await db.delete(key).catch(() => left.push(key));
    // Garbage only (chunk ids are never reused, so no run reads these keys again), but a refusal
    // is said all the same (invariant (f); large seed 119).
    if (left.length > 0) log('warn', 'PLATFORM_LIMIT', `the KV store refused the clean-up of ${left.join(', ')}; left behind (the commit moved on: nothing reads them again)`);
    this.carried.deletes = [];
    if (this.handedOff) {
      await clearHandOff(schedule, this.schedule.voids, this.id);
      await deleteHandOffPages(schedule, this.handedOff.pageNames);
    }
  }
}

/**
 * updateState's option for a change that names no queue (walk marks, views on the status page):
 * the spilled pins and group names stay unread and are written back as their stored reference
 * (at the largest profile a walk's slice read the 8 pin shards twice, 16 of its 26 operations).
 */
export const NO_MAPS: { spilled: readonly SpillableSection[] } = { spilled: [] };

/**
 * Any writer of the state other than a delivery run (an import slice, a replay's comparison):
 * under the lease, open, change, commit, finish. Nothing is posted, so a refusal throws and the
 * caller tries again later. 'busy': a delivery run holds the lease.
 */
export async function updateState(
  deps: { db: KeyValueStore; schedule: Scheduler },
  nowMs: number,
  change: (opened: OpenState) => Promise<void>,
  options: { afterCommit?: () => Promise<void>; spilled?: readonly SpillableSection[] } = {},
): Promise<'done' | 'busy'> {
  const lease = await takeLease(deps.db, nowMs);
  // Every refusal is said (invariant (f); small seed 3: a check's slice met a full minute here).
  if (lease === 'refused') log('warn', 'PLATFORM_LIMIT', 'the KV limit refused the lease a change of the state record needs; the change is tried again later');
  if (lease !== 'taken') return 'busy';
  try {
    const opened = await OpenState.open(deps.db, deps.schedule, nowMs, undefined, options.spilled ?? SPILLABLE);
    await change(opened);
    await opened.commit(deps.db, deps.schedule, false);
    await opened.finish(deps.db, deps.schedule);
    // Still under the lease: a replay's claims, written once the state holds what they claim,
    // before any delivery run can read the contacts they are about (issue 20).
    await options.afterCommit?.();
    return 'done';
  } finally {
    await releaseLease(deps.db);
  }
}

/** The waiting resolutions' change from the stored state, for a hand-off whose whole list does not fit. */
function handledChangeOf(base: AppState, state: AppState): HandledChange | undefined {
  if (state.handled === undefined) return undefined;
  const triples = (waiting: readonly number[]): Map<number, number[]> => {
    const byTicket = new Map<number, number[]>();
    for (let i = 0; i + 2 < waiting.length; i += 3) byTicket.set(waiting[i] as number, waiting.slice(i, i + 3));
    return byTicket;
  };
  const before = triples(base.handled?.waiting ?? []);
  const after = triples(state.handled.waiting);
  return {
    added: [...after.entries()].filter(([id]) => !before.has(id)).flatMap(([, triple]) => triple),
    removed: [...before.keys()].filter((id) => !after.has(id)),
  };
}

/**
 * Hours marked uncertain under these commits: an applied hand-off's, and this run's own (noteUnconfirmed
 * marks the hours of contacts that may be at injixo). Without the latter, a run whose post went
 * unanswered and whose commit was then handed off left its hours looking exact while injixo held
 * more than the ledger (small seed 61, a KV write outage of 43 minutes).
 */
function uncertainToCarry(base: AppState, state: AppState, carried: readonly string[]): string[] | undefined {
  const before = new Set(base.ledger?.uncertain ?? []);
  const hours = [...new Set([...carried, ...(state.ledger?.uncertain ?? []).filter((hour) => !before.has(hour))])].sort();
  return hours.length > 0 ? hours : undefined;
}

function newPins(base: AppState, state: AppState): Record<string, string> {
  const before = base.pins ?? {};
  return Object.fromEntries(Object.entries(state.pins ?? {}).filter(([queue]) => before[queue] === undefined));
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function describe(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { status?: unknown; message?: unknown };
  return [e.status, e.message].filter((x) => x !== undefined).map(String).join(' ') || String(error);
}
