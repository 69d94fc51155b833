/**
 * The agents' day in the local Freshdesk (issue 14): each agent works one shift a day with two
 * breaks, and every change of availability is an event. Derived from (seed, agent, day) like
 * the rest of the world, so any window can be rebuilt on demand.
 *
 * Without custom statuses an agent is only available or not. With them every change also
 * carries a status id: 1 "Available", 2 "Lunch", 3 "Meeting" while on shift; the shift's end
 * sets the agent unavailable without a custom status (Freshdesk's own log-off).
 */
import { createRandom } from './random';

export interface AgentChange {
  /** ms, a whole second. */
  at: number;
  agentId: number;
  available: boolean;
  /** Custom status id, null without custom statuses or off shift. */
  statusId: number | null;
}

export interface AgentDayOptions {
  seed: number;
  agentIds: readonly number[];
  /** The world's span, ms. */
  start: number;
  end: number;
  customStatuses: boolean;
}

const TAG_AGENT = 6;
const DAY_MS = 86_400_000;
const MIN_MS = 60_000;

/**
 * An agent's email in the local Freshdesk: the one spelling every payload, endpoint and the
 * oracle use (agents are named after the last digits of their id).
 */
export function agentEmail(agentId: number): string {
  return `agent${agentId % 1000}@example.com`;
}

/** The changes in [from, to) of every agent (or of `agentId` only), in time order (ties: agent id). */
export function agentChangesIn(options: AgentDayOptions, from: number, to: number, agentId?: number): AgentChange[] {
  const changes: AgentChange[] = [];
  const firstDay = Math.floor(options.start / DAY_MS);
  const lastDay = Math.floor((options.end - 1) / DAY_MS);
  const agents = agentId === undefined ? options.agentIds : options.agentIds.filter((id) => id === agentId);
  for (let day = firstDay; day <= lastDay; day += 1) {
    for (const id of agents) changes.push(...agentDay(options, id, day));
  }
  return changes.filter((c) => c.at >= from && c.at < to && c.at >= options.start && c.at < options.end).sort((a, b) => a.at - b.at || a.agentId - b.agentId);
}

/** One agent's shift on one UTC day: on, two breaks, off. */
function agentDay(options: AgentDayOptions, agentId: number, day: number): AgentChange[] {
  const random = createRandom(options.seed, TAG_AGENT, agentId, day);
  const at = (ms: number): number => Math.floor(ms / 1000) * 1000;
  const shiftStart = day * DAY_MS + (5 + Math.floor(random() * 6)) * 3_600_000 + Math.floor(random() * 60) * MIN_MS + Math.floor(random() * 60) * 1000;
  const shiftEnd = shiftStart + 8 * 3_600_000 + Math.floor(random() * 40) * MIN_MS;
  const status = (id: number): number | null => (options.customStatuses ? id : null);
  const changes: AgentChange[] = [{ at: at(shiftStart), agentId, available: true, statusId: status(1) }];
  for (const hoursIn of [2 + random() * 1.5, 5 + random() * 1.5]) {
    const breakStart = shiftStart + hoursIn * 3_600_000;
    const breakEnd = breakStart + (10 + Math.floor(random() * 35)) * MIN_MS;
    changes.push({ at: at(breakStart), agentId, available: false, statusId: status(random() < 0.6 ? 2 : 3) });
    changes.push({ at: at(breakEnd), agentId, available: true, statusId: status(1) });
  }
  changes.push({ at: at(shiftEnd), agentId, available: false, statusId: null });
  return changes;
}
