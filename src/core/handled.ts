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

/** A ticket's entries as `[entry id, seconds]`, in the order they were first logged. */
export type LoggedEntries = ReadonlyArray<readonly [number, number]>;

/** One time-entry event applied: an update replaces its entry's seconds, a delete removes it. */
export function applyTimeEntryChange(entries: LoggedEntries, change: TimeEntryChange): Array<[number, number]> {
  const id = change.kind === 'delete' ? change.id : change.entry.id;
  const others = entries.filter(([entryId]) => entryId !== id).map(([entryId, seconds]): [number, number] => [entryId, seconds]);
  return change.kind === 'delete' ? others : [...others, [id, timeSpentSeconds(change.entry.time_spent) ?? 0]];
}

/** The logged seconds, or undefined when no entry is left (no time tracking: no duration, not 0). */
export function durationOf(entries: LoggedEntries): number | undefined {
  return entries.length === 0 ? undefined : entries.reduce((sum, [, seconds]) => sum + seconds, 0);
}

/** A ticket's logged time after a sequence of time-entry events, oldest first. */
export function ticketDuration(changes: readonly TimeEntryChange[]): number | undefined {
  return durationOf(changes.reduce<LoggedEntries>(applyTimeEntryChange, []));
}
