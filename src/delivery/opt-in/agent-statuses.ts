import { type AgentStatusChange, type AgentStatusInterval, type AgentTimeline, applyChange, splitOpen } from '../../core/agent-status';
import { log } from '../../platform/log';
import { isNotFound } from '../../platform/refusals';
import type { KeyValueStore, RequestClient } from '../../platform/types';
import { type AppError, isAppError } from '../../remote/errors';
import { postAgentStatuses } from '../../remote/injixo-client';
import type { Settings } from '../../schemas/iparams';
import { AGENTS_KEY } from '../../storage/keys';
import type { OutboxRecord } from '../intake/outbox';
import { type AgentsRecord, validateAgentsRecord } from '../stored/stored-data';

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

export interface AgentStatusesDeps {
  db: KeyValueStore;
  request: RequestClient;
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
}

/** Does nothing, and costs nothing, while the feature is off. */
export async function deliverAgentStatuses(deps: AgentStatusesDeps, records: readonly OutboxRecord[]): Promise<AgentStatusesReport> {
  const changes = records.filter((r): r is Extract<OutboxRecord, { k: 'a' }> => r.k === 'a');
  if (!deps.settings.agentStatuses) return { sent: 0, pending: 0, carry: [] };
  let stored: AgentsRecord | undefined;
  try {
    stored = await readAgents(deps.db);
  } catch {
    return { sent: 0, pending: 0, carry: changes };
  }
  if (stored === undefined && changes.length === 0) return { sent: 0, pending: 0, carry: [] };
  const agents = stored ?? emptyAgents();
  applyChanges(agents, changes, deps.settings);
  splitAll(agents, deps.factsUntilMs);
  const posted = deps.mayPost ? await postPending(deps, agents) : { sent: 0, pending: agents.pending.length };
  return { ...posted, ...(await saveAgents(deps.db, agents, changes, posted.sent)) };
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

function timelineOf(agents: AgentsRecord, agentId: number): AgentTimeline | undefined {
  const open = agents.open[String(agentId)];
  return open === undefined ? undefined : { agentIdentifier: open[0], activity: open[1], since: open[2] * 1000 };
}

function applyChanges(agents: AgentsRecord, changes: ReadonlyArray<Extract<OutboxRecord, { k: 'a' }>>, settings: Settings): void {
  for (const { change } of changes) {
    const outcome = applyChange(timelineOf(agents, change.agentId), change, settings.agentIdentifier);
    if (outcome.kind === 'closed') {
      agents.open[String(change.agentId)] = [outcome.timeline.agentIdentifier, outcome.timeline.activity, Math.floor(outcome.timeline.since / 1000)];
      if (outcome.interval) addPending(agents, outcome.interval);
    } else noteDropped(agents, outcome.kind, change);
  }
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
    const split = splitOpen({ agentIdentifier: open[0], activity: open[1], since: open[2] * 1000 }, Math.floor(nowMs / 1000) * 1000);
    if (split.interval === undefined) continue;
    addPending(agents, split.interval);
    agents.open[agentId] = [open[0], open[1], Math.floor(split.timeline.since / 1000)];
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

/** Posts the oldest pending intervals first; what injixo refused as invalid is dropped and said, the rest waits. */
async function postPending(deps: AgentStatusesDeps, agents: AgentsRecord): Promise<{ sent: number; pending: number; failure?: AppError }> {
  let sent = 0;
  for (let post = 0; post < MAX_AGENT_POSTS_PER_RUN && agents.pending.length > 0; post += 1) {
    const batch = agents.pending.slice(0, MAX_INTERVALS_PER_POST);
    try {
      await postAgentStatuses(deps.request, batch.map(intervalOf), deps.settings.integrationId);
      sent += batch.length;
    } catch (error) {
      if (!isAppError(error) || error.code !== 'INJIXO_BAD_REQUEST') return { sent: countSent(agents, sent), pending: agents.pending.length, ...(isAppError(error) ? { failure: error } : {}) };
      agents.dropped += batch.length;
      log('error', 'AGENT_STATUSES_REFUSED', `injixo refused ${batch.length} agent status intervals as invalid (${error.message}); they are dropped, since sending them again cannot help`);
    }
    agents.pending.splice(0, batch.length);
  }
  return { sent: countSent(agents, sent), pending: agents.pending.length };
}

function countSent(agents: AgentsRecord, sent: number): number {
  agents.sent += sent;
  if (sent > 0) log('info', 'AGENT_STATUSES', `sent ${sent} agent status intervals to injixo`, { pending: agents.pending.length });
  return sent;
}

/**
 * Stores the record. When the store refuses, the run's agent records go back to the outbox and
 * are applied again next run, so no change is lost; intervals this run posted are then posted
 * once more (logged: the same agent, activity and times twice). [assumption] injixo keeps one
 * status per agent and time, so a repeat changes nothing there.
 */
async function saveAgents(db: KeyValueStore, agents: AgentsRecord, changes: ReadonlyArray<OutboxRecord>, posted: number): Promise<{ carry: OutboxRecord[] }> {
  try {
    await db.set(AGENTS_KEY, agents as unknown as Record<string, unknown>);
    return { carry: [] };
  } catch (error) {
    const why = (error as { message?: string }).message ?? String(error);
    const repeat = posted > 0 ? `; the ${posted} intervals it sent will be sent once more` : '';
    log('warn', 'PLATFORM_LIMIT', `the agents record could not be stored (${why}); this run's agent status changes are applied again next run${repeat}`);
    return { carry: [...changes] };
  }
}
