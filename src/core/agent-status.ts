/**
 * Agent statuses for injixo adherence (issue 14, opt-in; docs/design/handled-and-agent-statuses.md
 * §2). Status changes of an agent become closed intervals `[start, end)` of one activity; each
 * delivery run also sends the still-open interval up to "now" and keeps it open from there, so
 * injixo receives contiguous intervals within minutes. Pure: the shell keeps `AgentTimeline`s.
 */
import { isoOf } from './time';

export const AGENT_IDENTIFIER_CHOICES = ['email', 'id'] as const;
export type AgentIdentifierChoice = (typeof AGENT_IDENTIFIER_CHOICES)[number];

/** One status change as the agent events tell it (`status_updated_at`, `available`, custom `status_id`). */
export interface AgentStatusChange {
  agentId: number;
  email: string;
  /** ISO time of the change (the event's `status_updated_at`). */
  at: string;
  available: boolean;
  /** Set where custom statuses are on. */
  statusId?: number;
}

/** What injixo takes (POST /external-systems/agent-statuses, `data` items). */
export interface AgentStatusInterval {
  agentIdentifier: string;
  activityIdentifier: string;
  startTime: string;
  endTime: string;
}

/** Per agent: the open activity since `since` (ms), or nothing known yet. */
export interface AgentTimeline {
  agentIdentifier: string;
  activity: string;
  since: number;
}

export type ChangeOutcome = { kind: 'closed'; timeline: AgentTimeline; interval?: AgentStatusInterval } | { kind: 'stale' | 'duplicate'; timeline: AgentTimeline | undefined };

/** Custom statuses by id (a rename keeps the id), else the availability itself. */
export function activityOf(change: Pick<AgentStatusChange, 'available' | 'statusId'>): string {
  if (change.statusId !== undefined) return `status-${change.statusId}`;
  return change.available ? 'available' : 'unavailable';
}

export function agentIdentifierOf(change: Pick<AgentStatusChange, 'agentId' | 'email'>, choice: AgentIdentifierChoice): string {
  return choice === 'email' ? change.email.trim().toLowerCase() : String(change.agentId);
}

/**
 * Applies a change to an agent's timeline. The open activity closes at the change (an interval
 * for injixo, unless it has no length); the new activity opens there. A change at or before the
 * timeline's `since` is stale — an interval already sent cannot be split afterwards — unless it
 * is the very same change delivered twice.
 */
export function applyChange(timeline: AgentTimeline | undefined, change: AgentStatusChange, choice: AgentIdentifierChoice): ChangeOutcome {
  const at = Date.parse(change.at);
  const activity = activityOf(change);
  const agentIdentifier = agentIdentifierOf(change, choice);
  if (timeline !== undefined && at <= timeline.since) {
    return { kind: at === timeline.since && activity === timeline.activity ? 'duplicate' : 'stale', timeline };
  }
  // The first change after install opens the first interval (nothing is invented before it).
  if (timeline === undefined) return { kind: 'closed', timeline: { agentIdentifier, activity, since: at } };
  // A repeat of the same activity changes nothing.
  if (timeline.activity === activity) return { kind: 'closed', timeline };
  const next: AgentTimeline = { agentIdentifier, activity, since: at };
  return { kind: 'closed', timeline: next, interval: { agentIdentifier: timeline.agentIdentifier, activityIdentifier: timeline.activity, startTime: isoOf(timeline.since), endTime: isoOf(at) } };
}

/**
 * At a delivery run: the open activity up to `nowMs` as an interval, and the timeline kept open
 * from `nowMs`. Nothing while less than `minimumMs` has passed (no one-second intervals).
 */
export function splitOpen(timeline: AgentTimeline, nowMs: number, minimumMs = 60_000): { interval?: AgentStatusInterval; timeline: AgentTimeline } {
  if (nowMs - timeline.since < minimumMs) return { timeline };
  return {
    interval: { agentIdentifier: timeline.agentIdentifier, activityIdentifier: timeline.activity, startTime: isoOf(timeline.since), endTime: isoOf(nowMs) },
    timeline: { ...timeline, since: nowMs },
  };
}
