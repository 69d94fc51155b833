/**
 * Handled contacts and their duration (issue 14, opt-in; docs/design/handled-and-agent-statuses.md
 * §1): a ticket is handled once, when it is first resolved; it goes to the Tickets queue of its
 * offered contact, at the resolution time, with the agents' logged time as its duration.
 * Pure, like the rest of the counting core.
 */
import { mapTicketCreated } from './counting';
import { toUtcIso } from './time';
import type { Decision, Directory, OfferedContact, TicketFacts } from './types';

/** Freshdesk ticket statuses that end the work: Resolved (4) and Closed (5). */
export const RESOLVED_STATUSES: readonly number[] = [4, 5];

/** A handled contact: an offered contact's queue, its own id and time, and the logged seconds when there are any. */
export interface HandledContact extends OfferedContact {
  handled: true;
  /** Whole seconds; absent when the ticket has no time entries (not 0: it would pull AHT down). */
  duration?: number;
}

export type HandledDecision = { kind: 'handled'; contact: HandledContact } | { kind: 'skip'; reason: 'spam_or_deleted' };

export function handledContactId(ticketId: number): string {
  return `h:${ticketId}`;
}

/**
 * Whether an update's `changes` (Freshdesk's `{attribute: [old, new]}`) resolve the ticket: its
 * status goes from an open one to Resolved or Closed. Resolved → Closed is not a new resolution.
 */
export function isResolution(changes: Readonly<Record<string, readonly [unknown, unknown]>> | undefined): boolean {
  const status = changes?.['status'];
  if (status === undefined) return false;
  const [before, after] = status;
  return isResolved(after) && !isResolved(before);
}

function isResolved(status: unknown): boolean {
  return typeof status === 'number' && RESOLVED_STATUSES.includes(status);
}

/**
 * The handled contact of a ticket resolved at `resolvedAt`. `asCreated` are the ticket's facts
 * when it was created (the ticket book keeps them), so offered and handled share one queue;
 * `now` says whether it is spam or deleted at the resolution (then it is no work to plan for).
 */
export function mapTicketResolved(
  asCreated: TicketFacts,
  now: Pick<TicketFacts, 'spam' | 'deleted'>,
  resolvedAt: string,
  directory: Directory,
  durationSeconds: number | undefined,
): HandledDecision {
  if (asCreated.spam || asCreated.deleted || now.spam || now.deleted) return { kind: 'skip', reason: 'spam_or_deleted' };
  // Rule 1 counts every ticket, so its offered contact is always there to take the queue from.
  const offered = (mapTicketCreated(asCreated, directory) as Extract<Decision, { kind: 'contact' }>).contact;
  const contact: HandledContact = { ...offered, contactId: handledContactId(asCreated.id), timestamp: toUtcIso(resolvedAt), handled: true };
  return { kind: 'handled', contact: durationSeconds === undefined ? contact : { ...contact, duration: durationSeconds } };
}

/** A time entry as events and the API give it: events in seconds, the REST API as "hh:mm". */
export interface TimeEntryFacts {
  id: number;
  ticket_id: number;
  time_spent: number | string;
}

/** Seconds of a `time_spent` value; undefined when it is neither a count of seconds nor "hh:mm". */
export function timeSpentSeconds(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const match = /^(\d+):([0-5]\d)$/.exec(value);
  return match ? Number(match[1]) * 3600 + Number(match[2]) * 60 : undefined;
}

export type TimeEntryChange = { kind: 'upsert'; entry: TimeEntryFacts } | { kind: 'delete'; id: number };

/**
 * A ticket's logged time after a sequence of time-entry events, oldest first: an update replaces
 * its entry, a delete removes it. Undefined when no entry is left (no time tracking): the
 * handled contact then carries no duration.
 */
export function ticketDuration(changes: readonly TimeEntryChange[]): number | undefined {
  const entries = new Map<number, number>();
  for (const change of changes) {
    if (change.kind === 'delete') entries.delete(change.id);
    else entries.set(change.entry.id, timeSpentSeconds(change.entry.time_spent) ?? 0);
  }
  if (entries.size === 0) return undefined;
  return [...entries.values()].reduce((sum, seconds) => sum + seconds, 0);
}
