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

/** Per agent: the open activity from `since` (ms) on — its time before that is an interval already, pending or sent — or nothing known yet. */
export interface AgentTimeline {
  agentIdentifier: string;
  activity: string;
  since: number;
  /**
   * When the change that opened the activity happened (ms): before `since` once a delivery run
   * has split the activity. Absent: at `since`.
   */
  changedAt?: number;
}

/**
 * `closed`: applied at its own time. `late`: applied from `at`, the earliest time injixo can still
 * take (see applyChange). `stale` / `duplicate`: left out.
 */
export type ChangeOutcome =
  | { kind: 'closed'; timeline: AgentTimeline; interval?: AgentStatusInterval }
  | { kind: 'late'; timeline: AgentTimeline; at: number }
  | { kind: 'stale' | 'duplicate'; timeline: AgentTimeline | undefined };

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
 * for injixo, unless it has no length); the new activity opens there.
 *
 * A change at or before `since` comes after its time was handed to injixo, which cannot split a
 * sent interval. The very same change delivered twice is a duplicate, and one older than the
 * change that opened the open activity is stale: a newer change already holds. Otherwise it is
 * still the agent's latest change — its record came late, held by the KV limit or delivered late
 * by the platform — and dropping it would leave the agent in the old activity until the next
 * change, for hours: so it is `late` and takes effect from `unsentFrom` (the earliest time of the
 * open activity not yet handed to injixo, `since` by default), or from its own time when later.
 */
export function applyChange(timeline: AgentTimeline | undefined, change: AgentStatusChange, choice: AgentIdentifierChoice, unsentFrom?: number): ChangeOutcome {
  const at = Date.parse(change.at);
  const activity = activityOf(change);
  const agentIdentifier = agentIdentifierOf(change, choice);
  // The first change after install opens the first interval (nothing is invented before it).
  if (timeline === undefined) return { kind: 'closed', timeline: { agentIdentifier, activity, since: at } };
  if (at <= timeline.since) return applyLateChange(timeline, { agentIdentifier, activity, at }, unsentFrom ?? timeline.since);
  // A repeat of the same activity changes nothing.
  if (timeline.activity === activity) return { kind: 'closed', timeline };
  const next: AgentTimeline = { agentIdentifier, activity, since: at };
  return { kind: 'closed', timeline: next, interval: { agentIdentifier: timeline.agentIdentifier, activityIdentifier: timeline.activity, startTime: isoOf(timeline.since), endTime: isoOf(at) } };
}

function applyLateChange(timeline: AgentTimeline, change: { agentIdentifier: string; activity: string; at: number }, unsentFrom: number): ChangeOutcome {
  const changedAt = timeline.changedAt ?? timeline.since;
  if (change.at === changedAt && change.activity === timeline.activity) return { kind: 'duplicate', timeline };
  if (change.at <= changedAt) return { kind: 'stale', timeline };
  if (change.activity === timeline.activity) return { kind: 'closed', timeline };
  return { kind: 'late', timeline: { agentIdentifier: change.agentIdentifier, activity: change.activity, since: timeline.since, changedAt: change.at }, at: Math.max(change.at, unsentFrom) };
}

/**
 * At a delivery run: the open activity up to `nowMs` as an interval, and the timeline kept open
 * from `nowMs`. Nothing while less than `minimumMs` has passed (no one-second intervals).
 */
export function splitOpen(timeline: AgentTimeline, nowMs: number, minimumMs = 60_000): { interval?: AgentStatusInterval; timeline: AgentTimeline } {
  if (nowMs - timeline.since < minimumMs) return { timeline };
  return {
    interval: { agentIdentifier: timeline.agentIdentifier, activityIdentifier: timeline.activity, startTime: isoOf(timeline.since), endTime: isoOf(nowMs) },
    timeline: { ...timeline, since: nowMs, changedAt: timeline.changedAt ?? timeline.since },
  };
}
