import { type AgentStatusChange, type AgentStatusInterval, type AgentTimeline, applyChange, splitOpen } from '../../core/agent-status';
import { isoOf } from '../../core/time';
import { log } from '../../platform/log';
import { isNotFound } from '../../platform/refusals';
import type { KeyValueStore, RequestClient } from '../../platform/types';
import { AppError, isAppError } from '../../remote/errors';
import { MAX_BODY_BYTES, postAgentStatuses, utf8Length } from '../../remote/injixo-client';
import type { Settings } from '../../schemas/iparams';
import { AGENTS_KEY } from '../../storage/keys';
import type { OutboxRecord } from '../intake/outbox';
import { type AgentsRecord, type AppState, validateAgentsRecord } from '../stored/stored-data';
import { allCommitted, type CommitView } from '../memory/commit-view';

/**
 * Agent statuses for injixo adherence (issue 14, opt-in; docs/design/handled-and-agent-statuses.md
 * §2). Each delivery run applies the agents' status changes from the outbox in time order, closes
 * intervals, splits every still-open interval where the outbox was read up to (so injixo is about
 * two delivery periods behind), and posts what is due in batches. One KV record holds the open statuses and the
 * intervals injixo has not taken yet: two KV operations a run while the feature is on.
 */

/** Intervals per POST: ~150 bytes each, well under the platform's 100 KB body. */
export const MAX_INTERVALS_PER_POST = 400;
/** Posts a run may spend on agent statuses, beside the contact batches' budget. */
export const MAX_AGENT_POSTS_PER_RUN = 2;
/**
 * Intervals kept while injixo cannot take them, ~60 bytes each (~30 KB of the record's 40 KB).
 * Unsent pieces of one status rejoin (see addPending), so this bounds real status changes, not
 * delivery runs; beyond it the oldest are dropped, counted and logged.
 */
export const MAX_PENDING_INTERVALS = 500;

/**
 * What a run's posts of agent intervals came to, kept in the state record (the commit point):
 * `[commit id, intervals injixo took, intervals posted without an answer, intervals it refused as
 * invalid]`. The next run settles the record's in-flight intervals with it (see settleInFlight).
 */
export type AgentsOutcome = [number, number, number, number];

export interface AgentStatusesDeps {
  db: KeyValueStore;
  request: RequestClient;
  /** Which commits took effect, and this run's id (the in-flight intervals carry it). Absent: every earlier run committed. */
  commits?: CommitView;
  /** The outcome the last committed run stored (state.agentsPosted). */
  lastOutcome?: AgentsOutcome;
  /**
   * The end of the outbox slots read: every change before it has been applied, so open statuses
   * are split here, not at the clock — a change between the two, not read yet, would otherwise
   * fall inside an interval already sent.
   */
  factsUntilMs: number;
  settings: Settings;
  /** False while injixo asked to wait (429) or refused the key: intervals then only accumulate. */
  mayPost: boolean;
}

export interface AgentStatusesReport {
  sent: number;
  pending: number;
  failure?: AppError;
  /** Agent records to put back in the outbox: their record could not be stored. */
  carry: OutboxRecord[];
  /** What this run's posts came to, for the state record (when it posted). */
  outcome?: AgentsOutcome;
  /** The record as stored by this run, summed up for the status page. */
  summary?: NonNullable<AppState['agentsView']>;
}

/** Does nothing, and costs nothing, while the feature is off. */
export async function deliverAgentStatuses(deps: AgentStatusesDeps, records: readonly OutboxRecord[]): Promise<AgentStatusesReport> {
  const changes = records.filter((r): r is Extract<OutboxRecord, { k: 'a' }> => r.k === 'a');
  if (!deps.settings.agentStatuses) return { sent: 0, pending: 0, carry: [] };
  const agents = await loadAgents(deps.db, changes);
  if (agents === 'unreadable') return { sent: 0, pending: 0, carry: changes };
  if (agents === undefined) return { sent: 0, pending: 0, carry: [] };
  const commits = deps.commits ?? allCommitted(deps.factsUntilMs);
  settleInFlight(agents, commits, deps.lastOutcome);
  applyChanges(agents, changes, deps.settings);
  splitAll(agents, deps.factsUntilMs);
  return await postStored(deps, agents, commits, changes);
}

/** The record to work on: the stored one (or a new one when there are changes); 'unreadable' when the read was refused. */
async function loadAgents(db: KeyValueStore, changes: readonly OutboxRecord[]): Promise<AgentsRecord | 'unreadable' | undefined> {
  try {
    const stored = await readAgents(db);
    return stored ?? (changes.length > 0 ? emptyAgents() : undefined);
  } catch (error) {
    // Every refusal is said (invariant (f); large seed 492): the changes wait in the outbox.
    log('warn', 'PLATFORM_LIMIT', `the agents record could not be read now (${(error as { message?: string }).message ?? String(error)}); agent status changes wait for the next run`);
    return 'unreadable';
  }
}

/**
 * Step 2 of the commit protocol: the intervals about to be posted are stored first, marked with
 * this run's commit id, so whatever happens next is settled against exactly these intervals.
 */
async function postStored(deps: AgentStatusesDeps, agents: AgentsRecord, commits: CommitView, changes: readonly OutboxRecord[]): Promise<AgentStatusesReport> {
  const posting = deps.mayPost ? Math.min(agents.pending.length, MAX_INTERVALS_PER_POST * MAX_AGENT_POSTS_PER_RUN) : 0;
  if (posting > 0) agents.inFlight = [commits.current, posting];
  if (!(await saveAgents(deps.db, agents))) return { sent: 0, pending: agents.pending.length, carry: [...changes] };
  const summary = agentsSummary(agents);
  if (posting === 0) return { sent: 0, pending: agents.pending.length, carry: [], summary };
  const posted = await postPending(deps, agents.pending.slice(0, posting));
  const outcome: AgentsOutcome = [commits.current, posted.sent, posted.unconfirmed, posted.refused];
  const pending = agents.pending.length - posted.sent - posted.unconfirmed - posted.refused;
  // As it will stand once the next run settles this run's in-flight intervals.
  const after = { ...summary, pending, sent: summary.sent + posted.sent, dropped: summary.dropped + posted.refused, unconfirmed: summary.unconfirmed + posted.unconfirmed };
  return { sent: posted.sent, pending, carry: [], outcome, summary: after, ...(posted.failure ? { failure: posted.failure } : {}) };
}

/**
 * The intervals an earlier run stored as in flight: what its commit says it posted is done
 * (taken by injixo, or posted without an answer: never posted again, since injixo may hold them);
 * what it says failed stays pending. A run whose commit never took effect may have died between
 * its post and its commit: its in-flight intervals count as posted without an answer, so they are
 * never sent twice.
 */
function settleInFlight(agents: AgentsRecord, commits: CommitView, outcome: AgentsOutcome | undefined): void {
  if (!agents.inFlight) return;
  const [id, count] = agents.inFlight;
  delete agents.inFlight;
  const [, sent, unconfirmed, refused] = outcomeOf(id, count, commits, outcome);
  const settled = agents.pending.splice(0, Math.min(count, sent + unconfirmed + refused));
  agents.sent += sent;
  agents.dropped += refused;
  if (unconfirmed > 0) noteUnconfirmed(agents, unconfirmed, settled);
}

/** The outcome the commit stored; a commit that took effect without one posted nothing; one that never took effect, unknown: unconfirmed. */
function outcomeOf(id: number, count: number, commits: CommitView, outcome: AgentsOutcome | undefined): AgentsOutcome {
  if (outcome?.[0] === id) return outcome;
  return commits.isCommitted(id) || commits.postedNothing?.(id) === true ? [id, 0, 0, 0] : [id, 0, count, 0];
}

/** Said with the window the intervals cover, so support can check those hours in injixo. */
function noteUnconfirmed(agents: AgentsRecord, count: number, intervals: AgentsRecord['pending']): void {
  agents.unconfirmed = (agents.unconfirmed ?? 0) + count;
  const from = isoOf(intervals.reduce((at, i) => Math.min(at, i[2]), intervals[0]?.[2] ?? 0) * 1000);
  const to = isoOf(intervals.reduce((at, i) => Math.max(at, i[3]), 0) * 1000);
  log('warn', 'DELIVERY_UNCONFIRMED', `injixo did not confirm ${count} agent status intervals (${from}–${to}); they may or may not be there, and are not sent again (a second copy could overlap)`, { intervals: count, from, to });
}

export function emptyAgents(): AgentsRecord {
  return { v: 1, open: {}, pending: [], sent: 0, stale: 0, duplicates: 0, dropped: 0 };
}

export async function readAgents(db: KeyValueStore): Promise<AgentsRecord | undefined> {
  try {
    const checked = validateAgentsRecord(await db.get(AGENTS_KEY));
    if (checked.ok) return checked.value;
    log('error', 'STORED_RECORD_UNREADABLE', `the agents record cannot be read (${checked.error.message}); agent statuses start afresh`);
    return undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function timelineOf(open: AgentsRecord['open'][string]): AgentTimeline {
  const timeline: AgentTimeline = { agentIdentifier: open[0], activity: open[1], since: open[2] * 1000 };
  return open[3] === undefined ? timeline : { ...timeline, changedAt: open[3] * 1000 };
}

function keepOpen(agents: AgentsRecord, agentId: string, timeline: AgentTimeline): void {
  const since = Math.floor(timeline.since / 1000);
  agents.open[agentId] = [timeline.agentIdentifier, timeline.activity, since, Math.floor((timeline.changedAt ?? timeline.since) / 1000)];
}

function applyChanges(agents: AgentsRecord, changes: ReadonlyArray<Extract<OutboxRecord, { k: 'a' }>>, settings: Settings): void {
  for (const { change } of changes) applyOne(agents, change, settings);
}

function applyOne(agents: AgentsRecord, change: AgentStatusChange, settings: Settings): void {
  const { timeline, unsent } = openStatusOf(agents, change.agentId);
  const outcome = applyChange(timeline, change, settings.agentIdentifier, unsent === undefined ? undefined : unsent[2] * 1000);
  switch (outcome.kind) {
    case 'closed':
      keepOpen(agents, String(change.agentId), outcome.timeline);
      if (outcome.interval) addPending(agents, outcome.interval);
      return;
    case 'late':
      keepOpen(agents, String(change.agentId), outcome.timeline);
      placeLate(agents, { piece: unsent, timeline: outcome.timeline, atMs: outcome.at }, change);
      return;
    case 'stale':
    case 'duplicate':
      noteDropped(agents, outcome.kind, change);
  }
}

/**
 * An agent's open status, and its time before `since` that injixo has not been handed yet: its
 * piece in pending (one piece, see addPending).
 */
function openStatusOf(agents: AgentsRecord, agentId: number): { timeline?: AgentTimeline; unsent?: AgentsRecord['pending'][number] } {
  const open = agents.open[String(agentId)];
  if (open === undefined) return {};
  const timeline = timelineOf(open);
  const unsent = agents.pending.find((p) => p[0] === open[0] && p[1] === open[1] && p[3] === open[2]);
  return unsent === undefined ? { timeline } : { timeline, unsent };
}

/**
 * A late change (core/agent-status.ts applyChange) takes effect at `atMs`: the old activity's
 * unsent piece ends there and the new activity holds from there up to `since`, where it stays
 * open. Said and counted as stale when that is later than the change itself (its time was sent).
 */
function placeLate(agents: AgentsRecord, late: { piece: AgentsRecord['pending'][number] | undefined; timeline: AgentTimeline; atMs: number }, change: AgentStatusChange): void {
  const at = Math.floor(late.atMs / 1000);
  const since = Math.floor(late.timeline.since / 1000);
  const { piece } = late;
  if (piece !== undefined && at < since) {
    const index = agents.pending.indexOf(piece);
    const next: AgentsRecord['pending'][number] = [late.timeline.agentIdentifier, late.timeline.activity, at, since];
    // Right after the old activity's piece, which ends at the change now (or is replaced when
    // nothing of it is left): pending stays oldest first.
    if (piece[2] < at) {
      piece[3] = at;
      agents.pending.splice(index + 1, 0, next);
    } else agents.pending.splice(index, 1, next);
    dropOverflow(agents);
  }
  if (late.atMs <= Date.parse(change.at)) return;
  agents.stale += 1;
  log('info', 'AGENT_STATUS_STALE', `a status change of agent ${change.agentId} at ${change.at} came after its time was sent; injixo cannot split a sent interval, so it takes effect from ${isoOf(at * 1000)}`, { agent: change.agentId });
}

function noteDropped(agents: AgentsRecord, kind: 'stale' | 'duplicate', change: AgentStatusChange): void {
  if (kind === 'duplicate') {
    agents.duplicates += 1;
    return;
  }
  agents.stale += 1;
  log('info', 'AGENT_STATUS_STALE', `a status change of agent ${change.agentId} at ${change.at} came after a later one was sent; injixo cannot split a sent interval, so it is left out`, { agent: change.agentId });
}

/** Every open status up to now becomes an interval (at least a minute long), and stays open from now. */
function splitAll(agents: AgentsRecord, nowMs: number): void {
  for (const [agentId, open] of Object.entries(agents.open)) {
    const split = splitOpen(timelineOf(open), Math.floor(nowMs / 1000) * 1000);
    if (split.interval === undefined) continue;
    addPending(agents, split.interval);
    keepOpen(agents, agentId, split.timeline);
  }
}

function addPending(agents: AgentsRecord, interval: AgentStatusInterval): void {
  const start = Date.parse(interval.startTime) / 1000;
  const end = Date.parse(interval.endTime) / 1000;
  // A piece split off at an earlier run and not sent yet continues here: one interval, not two.
  const before = agents.pending.find((p) => p[0] === interval.agentIdentifier && p[1] === interval.activityIdentifier && p[3] === start);
  if (before) {
    before[3] = end;
    return;
  }
  agents.pending.push([interval.agentIdentifier, interval.activityIdentifier, start, end]);
  dropOverflow(agents);
}

function dropOverflow(agents: AgentsRecord): void {
  const over = agents.pending.length - MAX_PENDING_INTERVALS;
  if (over <= 0) return;
  agents.pending.splice(0, over);
  agents.dropped += over;
  log('error', 'AGENT_STATUSES_DROPPED', `${over} agent status intervals waited too long for injixo and were dropped (the oldest first); injixo's adherence misses them`, { dropped: over });
}

function intervalOf(pending: AgentsRecord['pending'][number]): AgentStatusInterval {
  const iso = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  return { agentIdentifier: pending[0], activityIdentifier: pending[1], startTime: iso(pending[2]), endTime: iso(pending[3]) };
}

/**
 * Posts the in-flight intervals, oldest first, and says how it went. What injixo refused as
 * invalid counts as done (dropped and said: sending it again cannot help); a post without an
 * answer is done too (unconfirmed); any other failure stops, and the rest stays pending.
 */
async function postPending(deps: AgentStatusesDeps, inFlight: AgentsRecord['pending']): Promise<{ sent: number; unconfirmed: number; refused: number; failure?: AppError }> {
  const counts = { sent: 0, unconfirmed: 0, refused: 0 };
  for (let start = 0; start < inFlight.length; start += MAX_INTERVALS_PER_POST) {
    const batch = inFlight.slice(start, start + MAX_INTERVALS_PER_POST);
    const failure = await tryPost(deps, batch);
    if (failure === undefined) counts.sent += batch.length;
    else if (isInvalid(batch, failure)) {
      counts.refused += batch.length;
      log('error', 'AGENT_STATUSES_REFUSED', `injixo refused ${batch.length} agent status intervals as invalid (${failure.message}); they are dropped, since sending them again cannot help`);
    } else {
      if (failure.unconfirmed) counts.unconfirmed += batch.length;
      return { ...counts, failure };
    }
  }
  if (counts.sent > 0) log('info', 'AGENT_STATUSES', `sent ${counts.sent} agent status intervals to injixo`);
  return counts;
}

/**
 * Whether injixo refused these intervals themselves (400/422, or 413 for a body over the app's
 * own bound). A 413 for a body under MAX_BODY_BYTES cannot be about it: injixo (or a proxy before
 * it) refuses every body for now, so the intervals wait for the next run like in an outage —
 * dropping them lost that time from adherence for good (simulator seed 58 large; contacts do the
 * same, run/send.ts isTooLargeAlone).
 */
function isInvalid(batch: AgentsRecord['pending'], failure: AppError): boolean {
  if (failure.code !== 'INJIXO_BAD_REQUEST') return false;
  return failure.status !== 413 || utf8Length(JSON.stringify({ data: batch.map(intervalOf) })) > MAX_BODY_BYTES;
}

async function tryPost(deps: AgentStatusesDeps, batch: AgentsRecord['pending']): Promise<AppError | undefined> {
  try {
    await postAgentStatuses(deps.request, batch.map(intervalOf), deps.settings.integrationId);
    return undefined;
  } catch (error) {
    return isAppError(error) ? error : new AppError('INJIXO_UNAVAILABLE', String(error), { cause: error });
  }
}

/**
 * Stores the record before anything is posted. When the store refuses, nothing is posted and the
 * run's agent changes go back to the outbox, to be applied again by the next run: no change is
 * lost and no interval is posted twice.
 */
async function saveAgents(db: KeyValueStore, agents: AgentsRecord): Promise<boolean> {
  try {
    await db.set(AGENTS_KEY, agents as unknown as Record<string, unknown>);
    return true;
  } catch (error) {
    const why = (error as { message?: string }).message ?? String(error);
    log('warn', 'PLATFORM_LIMIT', `the agents record could not be stored (${why}); this run's agent status changes are applied again next run`);
    return false;
  }
}

/** Agent identifiers the status page lists at most. */
export const MAX_LISTED_AGENTS = 30;

/** The record's summary for the status page, kept in the state record (status/snapshot.ts). */
export function agentsSummary(agents: AgentsRecord): NonNullable<AppState['agentsView']> {
  const identifiers = [...new Set(Object.values(agents.open).map(([identifier]) => identifier))].sort();
  return {
    sent: agents.sent,
    pending: agents.pending.length,
    identifiers: identifiers.slice(0, MAX_LISTED_AGENTS),
    moreIdentifiers: Math.max(0, identifiers.length - MAX_LISTED_AGENTS),
    stale: agents.stale,
    dropped: agents.dropped,
    unconfirmed: agents.unconfirmed ?? 0,
  };
}
