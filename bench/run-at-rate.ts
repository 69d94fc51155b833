/**
 * The sustained-rate load test: the world's own events, in their order, fed to the app at a
 * constant R events per simulated minute for a fixed time, then a drain. Zero loss means
 * injixo holds exactly the oracle's contacts for the fed events, nothing twice, and the app
 * admits no loss (status `dropped` 0, no EVENT_LOST line).
 *
 * Re-timing: the payloads keep the world's own created_at, so the oracle (which works on world
 * time) still says what injixo should hold. The feed clock is placed so that every event is fed
 * at or after its world time: the local Freshdesk answers "as of the clock", and a ticket looked
 * up before its world creation would be a 404 the real Freshdesk never gives. At rates above
 * the world's own, that means the clock first idles forward (only empty delivery runs fire).
 */
import { performance } from 'node:perf_hooks';
import { expectedHandledContacts } from '../tools/local-freshdesk/oracle';
import { toProductEvents } from '../tools/local-freshdesk/product-events';
import type { WorldEvent } from '../tools/local-freshdesk/world';
import { startSandbox, type Sandbox } from '../tools/sandbox';
import { injixoCounts, oracleCounts, total, type Counts } from '../test/helpers/oracle-compare';
import type { LedgerEntry } from '../tools/local-platform';
import { compareCounts, expectedAfterCheck } from './after-check';
import { breakDownLedger, keyFamilyOf, profileInvocations, scheduleFamilyOf, type LedgerBreakdown } from './break-down-ledger';
import { describeDistribution, type Distribution } from './describe-distribution';
import type { Mode } from './run-day';

export interface LoadOptions {
  rate: number;
  mode: Mode;
  seed: number;
  ticketsPerDay: number;
  feedMinutes: number;
  drainMinutes: number;
  /**
   * Issue 14: both opt-in features on, in a world with time tracking and agents' status changes
   * (custom statuses, so each change fires two events). Zero loss then also needs injixo to hold
   * the oracle's handled contacts (per queue, interval and duration) and contiguous agent statuses.
   */
  optIn?: boolean;
  /**
   * Issue 20 item 6: after the drain, Freshdesk frozen at the last fed event, the clock runs on
   * until the daily check of the fed day (and the repair of the gaps the overload recorded) has
   * made injixo equal to the oracle per (queue, interval), or `afterCheck` hours have passed.
   */
  afterCheckHours?: number;
  /**
   * Issue 20 item 1: the events are fed while the daily check walks. The world has two days; the
   * clock runs to the first day's check, and the feed then takes the second day's events while
   * the check reads Freshdesk. Only the fed window is compared with the oracle (the check's own
   * contacts lie in the first day).
   * - 'fed-day': the first day's events are delivered as they happen, as on an account where the
   *   app ran the day before: the check finds little to send, and the second day's replies to the
   *   first day's tickets are known to the ticket book. This is the probe of the daily routine.
   * - 'unfed-day': the first day is never fed, so the check sends all of it while the events flow,
   *   and every reply to a first-day ticket needs a Freshdesk look-up (the worst case: a check of a
   *   day the app missed entirely).
   */
  duringCheck?: 'fed-day' | 'unfed-day';
  /**
   * The control of a duringCheck probe: the same world and feed with the daily check switched
   * off; the feed starts when the check would have started (2 h 10 min into the second day).
   */
  checkOff?: boolean;
}

/** What injixo held once the daily check had run after an overload (LoadOptions.afterCheckHours). */
export interface AfterCheck {
  /** Simulated hours from the end of the feed until injixo equalled the oracle per (queue, interval); null: not within the cap. */
  hoursUntilWhole: number | null;
  /** The same, counting a missing contact paired with a surplus of its quarter hour (`paired`) as placed: nothing lost. */
  hoursUntilNothingLost: number | null;
  missing: number;
  extra: number;
  /** Of the missing, those beside a surplus in another queue of their quarter hour (after-check.ts compareCounts). */
  paired: number;
  duplicates: number;
  /** DAY_CHECKED and GAP_REPAIRED lines, and what the check sent in all. */
  daysChecked: number;
  gapsRepaired: number;
  sentByCheck: number;
  /** Simulated hours from the end of the feed to the DAY_CHECKED line of the fed day. */
  hoursUntilDayChecked: number | null;
  /**
   * From the DAY_CHECKED / GAP_REPAIRED lines: contacts injixo holds under their ticket's former
   * group (a surplus there, missing in the group Freshdesk shows: never taken back), and contacts
   * held back (their quarter hour could not tell them from a copy).
   */
  formerGroup: number;
  heldBack: number;
  /** Lost contacts expected in the queue the walk gives them, not the events' (their ticket moved afterwards). */
  lostMoved: number;
}

/** What the opt-in features delivered against the oracle (optIn probes only). */
export interface OptInCheck {
  handledExpected: number;
  handledDelivered: number;
  /** Handled contacts whose (queue, time) the oracle does not have, or lacks: lost or doubled. */
  handledMismatches: number;
  /**
   * Of the rest, how many carry another duration than the oracle's. Not a loss: the feed is
   * re-timed, and a delete event has only the feed's clock, so near the end of a settle time
   * the app and the oracle may place it on different sides.
   */
  durationsDiffer: number;
  agentIntervals: number;
  agentOverlaps: number;
  agentStale: number;
  agentPending: number;
}

export interface QueueMismatch {
  queue: string;
  expected: number;
  delivered: number;
}

export interface LoadResult {
  rate: number;
  mode: Mode;
  feedMinutes: number;
  drainMinutes: number;
  wallSeconds: number;
  eventsFed: number;
  byEvent: Record<string, number>;
  failedInvocations: number;
  /** World time the fed events span, and how far ahead of the first event the feed clock started. */
  worldFrom: string;
  worldTo: string;
  clockLeadMinutes: number;
  /** Handler runs that wrote (or tried to write) a record, per fed event. */
  writingShare: number;
  expected: number;
  delivered: number;
  missing: number;
  extra: number;
  duplicates: number;
  queueMismatches: QueueMismatch[];
  intervalsMatch: boolean;
  status: { state: string; dropped: number; backlog: number; setAside: number; missingTickets?: { repaired: number; waiting: number } } | { error: unknown };
  /** Gaps the status view lists after the drain, and the contacts they say are known lost. */
  gapsRecorded: number;
  gapContactsKnownLost: number;
  gapReasons: Record<string, number>;
  /** Missing contacts (per queue) not covered by a recorded gap's count: losses the app did not notice. */
  unnoticedMissing: number;
  eventLostLines: number;
  /** EVENT_LOST lines by record kind: t (ticket created), c (reply), u (attribution update). */
  eventLostByKind: Record<string, number>;
  eventLostSamples: string[];
  /** Delivery runs that ended in an error, and how many of them had already deleted outbox slots. */
  failedDeliveryRuns: number;
  failedAfterDeletingSlots: number;
  /** The refused call that ended each failed delivery run. */
  failedDeliveryCauses: Record<string, number>;
  /** The first few failed delivery runs, call by call (repeats collapsed). */
  failedDeliveryTraces: string[];
  /** After the drain: backlog chunks no state record lists (their contacts are never sent). */
  orphanedBacklogContacts: number;
  /** After the drain: outbox records in slots at or before the state's cursor (never read again). */
  strandedOutboxRecords: number;
  /** After the drain: outbox records still ahead of the cursor (late, not lost). */
  waitingOutboxRecords: number;
  platformLimitLines: number;
  /** Ids of the first records held in one-time schedules (t/c/u + Freshdesk id). */
  heldRecords: string[];
  otherErrorLines: string[];
  rejections: LedgerBreakdown['rejections'];
  rejectionsByCall: Record<string, number>;
  oneTimeSchedulesCreated: number;
  maxPendingOneTime: number;
  pendingOneTimeAtEnd: number;
  maxOutboxSlotBytes: number;
  /** Simulated minutes from the end of the feed to the last contact injixo received. */
  drainedAfterMinutes: number | null;
  /** KV operations the delivery runs used per simulated minute during the feed. */
  deliveryKvPerMinute: number;
  /** KV operations per delivery run (runs that got the lease) during the feed. */
  deliveryRunKv: Distribution;
  breakdown: LedgerBreakdown;
  zeroLoss: boolean;
  verdict: string[];
  optIn?: OptInCheck;
  afterCheck?: AfterCheck;
  /** LoadOptions.duringCheck: where the feed began, and the check's phase at the feed's end and after the drain. */
  duringCheck?: { firstDay: 'fed-day' | 'unfed-day'; feedFrom: string; phaseAtFeedEnd: string | null; phaseAfterDrain: string | null };
}

/** The first `count` events, and the rest of the last one's second (a time entry shares its step's second). */
function takeEvents(sandbox: Sandbox, count: number, fromMs: number): WorldEvent[] {
  const events: WorldEvent[] = [];
  for (const event of sandbox.world.timeline(fromMs, Number.POSITIVE_INFINITY)) {
    const last = events[events.length - 1];
    if (events.length >= count && last !== undefined && event.at !== last.at) break;
    events.push(event);
  }
  if (events.length < count) throw new Error(`bench: the world has only ${events.length} events, ${count} needed; raise ticketsPerDay or days`);
  return events;
}

function perQueue(counts: Counts): Map<string, number> {
  const out = new Map<string, number>();
  for (const [queue, intervals] of Object.entries(counts)) out.set(queue, Object.values(intervals).reduce((a, b) => a + b, 0));
  return out;
}

function compareQueues(expected: Counts, delivered: Counts): QueueMismatch[] {
  const e = perQueue(expected);
  const d = perQueue(delivered);
  const out: QueueMismatch[] = [];
  for (const queue of [...new Set([...e.keys(), ...d.keys()])].sort()) {
    const want = e.get(queue) ?? 0;
    const got = d.get(queue) ?? 0;
    if (want !== got) out.push({ queue, expected: want, delivered: got });
  }
  return out;
}

interface Leftovers {
  orphanedBacklogContacts: number;
  strandedOutboxRecords: number;
  waitingOutboxRecords: number;
}

function itemCount(value: unknown): number {
  const items = (value as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? items.length : 0;
}

/** What the KV store still holds that the app's state record does (or does not) point at. */
export function inspectLeftovers(kv: Record<string, unknown>): Leftovers {
  const state = kv['state'] as { cursor?: number; backlog?: { chunks?: { id: number }[] } } | undefined;
  const listed = new Set((state?.backlog?.chunks ?? []).map((c) => `backlog:${c.id}`));
  const cursor = state?.cursor ?? Number.NEGATIVE_INFINITY;
  const out: Leftovers = { orphanedBacklogContacts: 0, strandedOutboxRecords: 0, waitingOutboxRecords: 0 };
  for (const [key, value] of Object.entries(kv)) {
    if (key.startsWith('backlog:') && !listed.has(key)) out.orphanedBacklogContacts += itemCount(value);
    if (key.startsWith('outbox:')) {
      if (Number(key.slice('outbox:'.length)) <= cursor) out.strandedOutboxRecords += itemCount(value);
      else out.waitingOutboxRecords += itemCount(value);
    }
  }
  return out;
}

/** One invocation's calls in order, e.g. `kv get outbox ok ×3, request injixoPostContacts 202, kv set state REFUSED`. */
export function traceOf(entries: readonly LedgerEntry[]): string {
  const steps: { label: string; times: number }[] = [];
  let at = '';
  for (const e of entries) {
    if (e.kind === 'invocation') {
      at = iso(e.at);
      continue;
    }
    const target = e.kind === 'request' ? (e.name ?? '?') : `${e.op ?? '?'} ${e.kind === 'kv' ? keyFamilyOf(e.key) : scheduleFamilyOf(e.key)}`;
    const outcome = e.outcome === 'rejected' ? 'REFUSED' : e.outcome === 'error' ? `error${e.status === undefined ? '' : ` ${e.status}`}` : 'ok';
    const label = `${e.kind === 'request' ? 'request' : e.kind} ${target} ${outcome}`;
    const previous = steps[steps.length - 1];
    if (previous?.label === label) previous.times += 1;
    else steps.push({ label, times: 1 });
  }
  return `${at}: ${steps.map((s) => (s.times > 1 ? `${s.label} ×${s.times}` : s.label)).join(', ')}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export async function runAtRate(options: LoadOptions): Promise<LoadResult> {
  const started = performance.now();
  const optIn = options.optIn === true;
  const sandbox = await startSandbox({
    seed: options.seed,
    ticketsPerDay: options.ticketsPerDay,
    inProcess: options.mode === 'in-process',
    ...(options.duringCheck ? { days: 2 } : {}),
    ...(optIn ? { world: { timeTracking: true, agents: { customStatuses: true } } } : {}),
    iparams: { ...(optIn ? { handled_contacts: true, agent_statuses: true } : {}), ...(options.checkOff ? { daily_check: false } : {}) },
  });
  try {
    const { platform, clock, world } = sandbox;
    if (options.duringCheck === 'fed-day') await sandbox.replay(world.start, world.start + 24 * 3_600_000);
    const feedFrom = options.duringCheck ? await untilCheckWalks(sandbox, options.checkOff === true) : world.start;
    const events = takeEvents(sandbox, Math.round(options.rate * options.feedMinutes), feedFrom);
    const stepMs = 60_000 / options.rate;
    const feedAt = (i: number): number => Math.round(i * stepMs);
    let startAt = clock.now();
    for (const [i, event] of events.entries()) startAt = Math.max(startAt, event.at - feedAt(i));
    const first = events[0] as WorldEvent;
    const last = events[events.length - 1] as WorldEvent;
    let inRange = 0;
    for (const _event of world.timeline(feedFrom, last.at + 1)) inRange += 1;
    // The oracle is asked for a time range; it must hold exactly the fed events.
    if (inRange !== events.length) throw new Error(`bench: ${inRange} world events up to the last fed one, but ${events.length} were fed`);

    let maxPending = 0;
    let maxSlotBytes = 0;
    const sample = (): void => {
      const pending = platform.schedulesSnapshot().filter((s) => !s.repeat).length;
      maxPending = Math.max(maxPending, pending);
      for (const [key, value] of Object.entries(platform.kvSnapshot())) {
        if (keyFamilyOf(key) === 'outbox') maxSlotBytes = Math.max(maxSlotBytes, key.length + JSON.stringify(value).length);
      }
    };

    await platform.advance(startAt - clock.now());
    const ledgerAtFeed = platform.ledger.length;
    const byEvent: Record<string, number> = {};
    let failed = 0;
    let nextSample = clock.now() + 60_000;
    for (const [i, event] of events.entries()) {
      const at = startAt + feedAt(i);
      if (at > clock.now()) await platform.advance(at - clock.now());
      if (clock.now() >= nextSample) {
        sample();
        nextSample += 60_000;
      }
      for (const productEvent of toProductEvents(world, event)) {
        const result = await platform.trigger(productEvent.event, productEvent.data);
        byEvent[productEvent.event] = (byEvent[productEvent.event] ?? 0) + 1;
        if (!result.ok) failed += 1;
      }
    }
    const feedEnd = clock.now();
    const checkPhaseAtFeedEnd = options.duringCheck ? await checkPhase(sandbox) : undefined;
    const feedLedger = platform.ledger.slice(ledgerAtFeed);
    for (let minute = 0; minute < options.drainMinutes; minute += 1) {
      await platform.advance(60_000);
      sample();
    }

    const expected = oracleCounts(sandbox, feedFrom, last.at + 1);
    const delivered = from(injixoCounts(sandbox), feedFrom);
    const checkPhaseAtDrain = options.duringCheck ? await checkPhase(sandbox) : undefined;
    const queueMismatches = compareQueues(expected, delivered);
    const intervalsMatch = JSON.stringify(expected) === JSON.stringify(delivered);
    const expectedTotal = total(expected);
    const deliveredTotal = total(delivered);
    const missing = queueMismatches.reduce((sum, m) => sum + Math.max(0, m.expected - m.delivered), 0);
    const extra = queueMismatches.reduce((sum, m) => sum + Math.max(0, m.delivered - m.expected), 0);
    const duplicates = sandbox.injixo.store.duplicates().reduce((sum, d) => sum + d.received - 1, 0);

    const statusOutcome = await platform.callFunction('getStatus', {});
    const view = statusOutcome.ok ? (statusOutcome.data as { state: string; dropped: number; backlog: number; setAside: number; gaps?: { reason: string; contactsKnownLost?: number }[]; missingTickets?: { repaired: number; waiting: number } }) : undefined;
    const gaps = view?.gaps ?? [];
    const gapReasons: Record<string, number> = {};
    for (const g of gaps) gapReasons[g.reason] = (gapReasons[g.reason] ?? 0) + 1;
    const gapContactsKnownLost = gaps.reduce((sum, g) => sum + (g.contactsKnownLost ?? 0), 0);
    // missingTickets: ticket creations that never arrived, found by their ids (repaired) or still awaited after the drain.
    const status = view ? { state: view.state, dropped: view.dropped, backlog: view.backlog, setAside: view.setAside, ...(view.missingTickets ? { missingTickets: view.missingTickets } : {}) } : { error: statusOutcome.ok ? undefined : statusOutcome.error };

    const lost = platform.logs.filter((l) => l.message.includes('EVENT_LOST'));
    const eventLostByKind: Record<string, number> = {};
    for (const line of lost) {
      const kind = /EVENT_LOST: \S+ ([tcu])\d+/.exec(line.message)?.[1] ?? '?';
      eventLostByKind[kind] = (eventLostByKind[kind] ?? 0) + 1;
    }
    const leftovers = inspectLeftovers(platform.kvSnapshot());
    const limitLog = platform.logs.filter((l) => l.message.includes('PLATFORM_LIMIT'));
    const heldRecords = limitLog.slice(0, 10).map((l) => /; ([tcu]\d+) is kept/.exec(l.message)?.[1] ?? '?');
    const otherErrors = platform.logs.filter((l) => l.level === 'error' && !l.message.includes('EVENT_LOST')).map((l) => l.message);
    const breakdown = breakDownLedger(platform.ledger);
    const rejectionsByCall: Record<string, number> = {};
    for (const entry of platform.ledger) {
      if (entry.outcome !== 'rejected' || entry.kind === 'invocation') continue;
      const what = entry.kind === 'request' ? `request ${entry.name ?? '?'}` : `${entry.kind} ${entry.op ?? '?'} ${entry.kind === 'kv' ? keyFamilyOf(entry.key) : (entry.key ?? '?').replace(/^overflow-.*/, 'overflow')}`;
      rejectionsByCall[`${entry.handler}: ${what}`] = (rejectionsByCall[`${entry.handler}: ${what}`] ?? 0) + 1;
    }
    const feedProfiles = profileInvocations(feedLedger);
    const writing = feedProfiles.filter((p) => PRODUCT_EVENTS.includes(p.event) && p.activity !== 'no platform call').length;
    const allProfiles = profileInvocations(platform.ledger);
    const failedRuns = allProfiles.filter((p) => p.activity.startsWith('delivery run') && !p.ok);
    const failedDeliveryCauses: Record<string, number> = {};
    for (const run of failedRuns) {
      const calls = platform.ledger.filter((e) => e.invocationId === run.invocationId && e.kind !== 'invocation');
      const refused = calls.filter((e) => e.outcome === 'rejected').at(-1);
      const cause = refused ? `${refused.kind} ${refused.op ?? refused.name ?? '?'} ${refused.kind === 'kv' ? keyFamilyOf(refused.key) : ''}`.trim() : 'no refused call';
      failedDeliveryCauses[cause] = (failedDeliveryCauses[cause] ?? 0) + 1;
    }
    const failedDeliveryTraces = failedRuns.slice(0, 3).map((run) => traceOf(platform.ledger.filter((e) => e.invocationId === run.invocationId)));
    const failedAfterDeleting = failedRuns.filter((run) => (run.detail['kv outbox delete'] ?? 0) > 0).length;
    const feedRuns = feedProfiles.filter((p) => p.activity.startsWith('delivery run'));
    const deliveryKv = feedRuns.reduce((sum, p) => sum + p.calls.kv, 0);
    const deliveryRunKv = describeDistribution(feedRuns.filter((p) => p.activity !== 'delivery run (lease refused)').map((p) => p.calls.kv));
    const lastArrival = sandbox.injixo.requestLog.filter((r) => r.contacts > 0).reduce((latest, r) => Math.max(latest, r.at), Number.NEGATIVE_INFINITY);
    const statusDropped = view ? view.dropped : Number.NaN;

    const verdict: string[] = [];
    const contacts = (count: number): string => `${count} contact${count === 1 ? '' : 's'}`;
    if (missing > 0) verdict.push(`${contacts(missing)} expected in some queues never reached them`);
    if (extra > 0) verdict.push(`${contacts(extra)} more than expected in some queues`);
    if (duplicates > 0) verdict.push(`${duplicates} duplicate${duplicates === 1 ? '' : 's'} at injixo`);
    if (!intervalsMatch && missing === 0 && extra === 0) verdict.push('per-queue totals match but some 15-minute intervals differ');
    if (statusDropped !== 0) verdict.push(`status reports dropped ${String(statusDropped)}`);
    if (lost.length > 0) verdict.push(`${lost.length} EVENT_LOST log lines`);
    if (failed > 0) verdict.push(`${failed} handler runs failed`);
    if (options.duringCheck && !options.checkOff && checkPhaseAtFeedEnd !== 'walking') verdict.push(`the check was not walking at the feed's end (${String(checkPhaseAtFeedEnd)}): the probe did not measure what it says`);
    const optInCheck = optIn ? await checkOptIn(sandbox, last.at) : undefined;
    if (optInCheck) verdict.push(...optInVerdict(optInCheck));
    const afterCheck = options.afterCheckHours ? await runUntilChecked(sandbox, { from: world.start, to: last.at + 1, feedEnd, capHours: options.afterCheckHours }) : undefined;

    return {
      rate: options.rate,
      mode: options.mode,
      feedMinutes: options.feedMinutes,
      drainMinutes: options.drainMinutes,
      wallSeconds: (performance.now() - started) / 1000,
      eventsFed: events.length,
      byEvent,
      failedInvocations: failed,
      worldFrom: iso(first.at),
      worldTo: iso(last.at),
      clockLeadMinutes: (startAt - first.at) / 60_000,
      writingShare: writing / events.length,
      expected: expectedTotal,
      delivered: deliveredTotal,
      missing,
      extra,
      duplicates,
      queueMismatches: queueMismatches.slice(0, 10),
      intervalsMatch,
      status,
      gapsRecorded: gaps.length,
      gapContactsKnownLost,
      gapReasons,
      unnoticedMissing: Math.max(0, missing - gapContactsKnownLost),
      eventLostLines: lost.length,
      eventLostByKind,
      eventLostSamples: lost.slice(0, 2).map((l) => l.message),
      failedDeliveryRuns: failedRuns.length,
      failedAfterDeletingSlots: failedAfterDeleting,
      failedDeliveryCauses,
      failedDeliveryTraces,
      ...leftovers,
      platformLimitLines: limitLog.length,
      heldRecords,
      otherErrorLines: [...new Set(otherErrors)].slice(0, 5),
      rejections: breakdown.rejections,
      rejectionsByCall,
      oneTimeSchedulesCreated: breakdown.schedules.oneTimeCreated,
      maxPendingOneTime: maxPending,
      pendingOneTimeAtEnd: platform.schedulesSnapshot().filter((s) => !s.repeat).length,
      maxOutboxSlotBytes: maxSlotBytes,
      drainedAfterMinutes: Number.isFinite(lastArrival) ? Math.max(0, (lastArrival - feedEnd) / 60_000) : null,
      deliveryKvPerMinute: deliveryKv / options.feedMinutes,
      deliveryRunKv,
      breakdown,
      zeroLoss: verdict.length === 0,
      verdict,
      ...(optInCheck ? { optIn: optInCheck } : {}),
      ...(afterCheck ? { afterCheck } : {}),
      ...(options.duringCheck ? { duringCheck: { firstDay: options.duringCheck, feedFrom: iso(feedFrom), phaseAtFeedEnd: checkPhaseAtFeedEnd ?? null, phaseAfterDrain: checkPhaseAtDrain ?? null } } : {}),
    };
  } finally {
    await sandbox.close();
  }
}

/**
 * The clock runs, nothing fed, until the daily check of the world's first day walks (with the check
 * off: until it would have started); returns the second day's start (where the feed begins).
 */
async function untilCheckWalks(sandbox: Sandbox, checkOff: boolean): Promise<number> {
  const secondDay = sandbox.world.start + 24 * 3_600_000;
  if (checkOff) {
    await sandbox.platform.advance(secondDay + 130 * 60_000 - sandbox.clock.now());
    return secondDay;
  }
  while (sandbox.clock.now() < secondDay + 6 * 3_600_000) {
    await sandbox.platform.advance(10 * 60_000);
    if ((await checkPhase(sandbox)) === 'walking') return secondDay;
  }
  throw new Error('bench: the daily check of the first day did not start within 6 hours of its end');
}

/** The running check's phase as the status page shows it (undefined: none). */
async function checkPhase(sandbox: Sandbox): Promise<string | undefined> {
  for (let again = 0; again < 5; again += 1) {
    const answer = await sandbox.platform.callFunction('getStatus', {});
    if (answer.ok) return (answer.data as { check?: { running?: { phase?: string } } }).check?.running?.phase;
    await sandbox.platform.advance(60_000);
  }
  return undefined;
}

/** Only the intervals from `fromMs` on. */
function from(counts: Counts, fromMs: number): Counts {
  const out: Counts = {};
  for (const [queue, intervals] of Object.entries(counts)) {
    const kept = Object.fromEntries(Object.entries(intervals).filter(([interval]) => Date.parse(interval) >= fromMs));
    if (Object.keys(kept).length > 0) out[queue] = kept;
  }
  return out;
}

/**
 * The clock runs on (Freshdesk frozen where the feed ended) until injixo equals the oracle per
 * (queue, interval) after the daily check, looked at every 10 simulated minutes.
 */
async function runUntilChecked(sandbox: Sandbox, at: { from: number; to: number; feedEnd: number; capHours: number }): Promise<AfterCheck> {
  const { platform, clock } = sandbox;
  sandbox.freezeFreshdesk(at.to);
  const lost = new Set(sandbox.platform.logs.flatMap((l) => /EVENT_LOST: \S+ ([tc])(\d+)/.exec(l.message)?.slice(1, 3).join(':') ?? []));
  const { expected, lostMoved } = expectedAfterCheck(sandbox, at, lost);
  const difference = (): { missing: number; extra: number; paired: number } => compareCounts(expected, injixoCounts(sandbox));
  const day = new Date(at.from).toISOString().slice(0, 10);
  const dayLine = (): { at: number } | undefined => platform.logs.find((l) => l.message.includes(`DAY_CHECKED: ${day}`));
  let whole: number | null = null;
  let nothingLost: number | null = null;
  while (clock.now() < at.feedEnd + at.capHours * 3_600_000) {
    await platform.advance(10 * 60_000);
    const d = difference();
    if (!dayLine()) continue;
    if (nothingLost === null && d.missing === d.paired) nothingLost = clock.now();
    if (d.missing === 0 && d.extra === 0) {
      whole = clock.now();
      break;
    }
  }
  // Whatever the check handed to delivery goes out.
  await platform.advance(30 * 60_000);
  const final = difference();
  const line = dayLine();
  const checkLines = platform.logs.filter((l) => /DAY_CHECKED|GAP_REPAIRED/.test(l.message));
  const field = (name: string): number => checkLines.reduce((sum, l) => sum + Number(new RegExp(`\\b${name}=(\\d+)`).exec(l.message)?.[1] ?? 0), 0);
  const sent = field('sent');
  return {
    hoursUntilWhole: whole === null ? null : (whole - at.feedEnd) / 3_600_000,
    hoursUntilNothingLost: nothingLost === null ? null : (nothingLost - at.feedEnd) / 3_600_000,
    ...final,
    duplicates: sandbox.injixo.store.duplicates().reduce((sum, d) => sum + d.received - 1, 0),
    daysChecked: platform.logs.filter((l) => l.message.includes('DAY_CHECKED')).length,
    gapsRepaired: platform.logs.filter((l) => l.message.includes('GAP_REPAIRED')).length,
    sentByCheck: sent,
    hoursUntilDayChecked: line ? (line.at - at.feedEnd) / 3_600_000 : null,
    formerGroup: field('formerGroup'),
    heldBack: field('heldBack'),
    lostMoved,
  };
}


const PRODUCT_EVENTS = ['onTicketCreate', 'onConversationCreate', 'onTicketUpdate', 'onTimeEntryCreate', 'onTimeEntryUpdate', 'onTimeEntryDelete', 'onAgentUpdate', 'onAgentAvailabilityUpdate'];

/** Handled contacts against the oracle (facts up to the last fed event), and the agents' intervals. */
async function checkOptIn(sandbox: Sandbox, lastFedAt: number): Promise<OptInCheck> {
  const expected = expectedHandledContacts(sandbox.world, { to: lastFedAt + 1, factsUntil: lastFedAt });
  const received = sandbox.injixo.store.list().filter((c) => c.handled === true);
  const key = (c: { queueIdentifier: string; timestamp: string }): string => `${c.queueIdentifier} ${c.timestamp}`;
  const mismatches = multisetDifference(expected.map(key), received.map(key));
  const withDuration = (c: { queueIdentifier: string; timestamp: string; duration?: number | null }): string => `${key(c)} ${c.duration ?? '-'}`;
  const durationsDiffer = (multisetDifference(expected.map(withDuration), received.map(withDuration)) - mismatches) / 2;
  const status = await sandbox.platform.callFunction('getStatus', {});
  const agents = status.ok ? (status.data as { agents?: { stale: number; pending: number } }).agents : undefined;
  return {
    handledExpected: expected.length,
    handledDelivered: received.length,
    handledMismatches: mismatches,
    durationsDiffer,
    agentIntervals: sandbox.injixo.agentStatuses.list().length,
    agentOverlaps: sandbox.injixo.agentStatuses.overlaps().length,
    agentStale: agents?.stale ?? -1,
    agentPending: agents?.pending ?? -1,
  };
}

/** Items in one list and not the other, counted with multiplicity, both ways. */
function multisetDifference(a: readonly string[], b: readonly string[]): number {
  const left = new Map<string, number>();
  for (const x of a) left.set(x, (left.get(x) ?? 0) + 1);
  let unmatched = 0;
  for (const x of b) {
    const n = left.get(x) ?? 0;
    if (n > 0) left.set(x, n - 1);
    else unmatched += 1;
  }
  return unmatched + [...left.values()].reduce((sum, n) => sum + n, 0);
}

function optInVerdict(check: OptInCheck): string[] {
  const verdict: string[] = [];
  if (check.handledMismatches > 0) verdict.push(`${check.handledMismatches} handled contacts differ from the oracle (${check.handledDelivered} delivered, ${check.handledExpected} expected)`);
  if (check.agentOverlaps > 0) verdict.push(`${check.agentOverlaps} overlapping agent status intervals`);
  if (check.agentStale !== 0) verdict.push(`${check.agentStale} agent status changes left out as stale`);
  if (check.agentPending !== 0) verdict.push(`${check.agentPending} agent status intervals still waiting`);
  return verdict;
}

export interface RateSearch {
  /** Highest rate probed with zero loss (undefined when even the lowest lost something). */
  maxZeroLoss: number | undefined;
  /** Lowest rate probed that lost something (undefined when even the highest passed). */
  firstFailing: number | undefined;
  probes: LoadResult[];
}

/**
 * Doubles from `low` until a rate fails (or `high` passes), then bisects down to `tolerance`
 * events/min. Doubling first keeps the expensive high rates out of the search unless needed.
 */
export async function searchMaxRate(
  probe: (rate: number) => Promise<LoadResult>,
  limits: { low: number; high: number; tolerance: number },
  onProbe: (result: LoadResult) => void = () => undefined,
): Promise<RateSearch> {
  const probes: LoadResult[] = [];
  const run = async (rate: number): Promise<boolean> => {
    const result = await probe(rate);
    probes.push(result);
    onProbe(result);
    return result.zeroLoss;
  };
  let pass: number | undefined;
  let fail: number | undefined;
  for (let rate = limits.low; ; rate = Math.min(limits.high, rate * 2)) {
    if (await run(rate)) pass = rate;
    else fail = rate;
    if (fail !== undefined || rate >= limits.high) break;
  }
  if (pass === undefined || fail === undefined) return { maxZeroLoss: pass, firstFailing: fail, probes };
  while (fail - pass > limits.tolerance) {
    const mid = Math.round((pass + fail) / 2);
    if (await run(mid)) pass = mid;
    else fail = mid;
  }
  return { maxZeroLoss: pass, firstFailing: fail, probes };
}
