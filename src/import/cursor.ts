/**
 * Where an import walk stands, small and plain enough to keep between invocations: in the app
 * (a KV record, ≤ 40 KB: at most one page of pending tickets, ~60 bytes each) and in the CLI's
 * --state file. Everything else (directory, pacing) is rebuilt when a walk resumes.
 */
import { parseFreshdeskTime, toUtcIso } from '../core/time';
import type { TicketFacts } from '../core/types';

/** The three listings SPEC §8 needs: normal tickets, then `filter=spam`, then `filter=deleted`. */
export const LIST_PHASES = ['tickets', 'spam', 'deleted'] as const;
export type ListPhase = (typeof LIST_PHASES)[number];

/** A listed ticket whose conversations are still to be read, with the facts its replies need. */
export interface PendingTicket extends TicketFacts {
  /** The conversations page to read next (the time entries page, at stage `time`). */
  page: number;
  /** Handled contacts on (issue 14): the ticket's resolution in the window (`stats.resolved_at`). */
  resolvedAt?: string;
  /** `time` once the conversations are read: its time entries are read next. */
  stage?: 'time';
  /** Seconds logged on the time entries pages read so far, and how many entries. */
  seconds?: number;
  entries?: number;
}

export interface ImportCounters {
  listCalls: number;
  conversationCalls: number;
  /** Freshdesk calls answered 429 (each is retried after Retry-After). */
  rateLimited: number;
  ticketsRead: number;
  ticketContacts: number;
  replyContacts: number;
  /** Tickets, pages or conversation lists that could not be read (reported with their ids). */
  unreadable: number;
  /** Listed tickets that were gone (404) when their conversations were read. */
  vanished: number;
  /** Handled contacts on (issue 14): time entries pages read, handled contacts found. */
  timeEntryCalls?: number;
  handledContacts?: number;
}

export interface ImportCursor {
  version: 1;
  /** Counted window [from, to): UTC ISO-8601 instants. */
  from: string;
  to: string;
  /** When the walk began: the listings run up to about then (progress and ETA). */
  startedAt: string;
  perPage: number;
  phase: ListPhase | 'done';
  /** The listing's current `updated_since` (the window start, or the restart point). */
  since: string;
  page: number;
  /** Ids already taken with updated_at = `since`: a restarted listing lists them again. */
  skipIds: number[];
  /** The newest updated_at read in this phase, and the ids read with exactly that time. */
  lastUpdatedAt: string | null;
  lastIds: number[];
  pending: PendingTicket[];
  counters: ImportCounters;
}

/** Freshdesk's own maximum page size for lists (API v2 reference, Pagination). */
export const MAX_PER_PAGE = 100;

export function zeroCounters(): ImportCounters {
  return { listCalls: 0, conversationCalls: 0, rateLimited: 0, ticketsRead: 0, ticketContacts: 0, replyContacts: 0, unreadable: 0, vanished: 0 };
}

/**
 * `updated_since` as whole UTC seconds: Freshdesk's date inputs take no fractions, and rounding
 * down only lists more (contacts are still counted by created_at within the exact window).
 */
function listingStart(from: string): string {
  return toUtcIso(from);
}

/** A fresh walk of [from, to), begun at `startedAt`. Throws on an empty or reversed window. */
export function startCursor(window: { from: string; to: string }, startedAt: string, perPage: number = MAX_PER_PAGE): ImportCursor {
  if (parseFreshdeskTime(window.from) >= parseFreshdeskTime(window.to)) {
    throw new RangeError(`import window is empty: from ${window.from} is not before to ${window.to}`);
  }
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) throw new RangeError(`per_page must be 1–${MAX_PER_PAGE}, got ${perPage}`);
  return {
    version: 1,
    from: window.from,
    to: window.to,
    startedAt,
    perPage,
    phase: 'tickets',
    since: listingStart(window.from),
    page: 1,
    skipIds: [],
    lastUpdatedAt: null,
    lastIds: [],
    pending: [],
    counters: zeroCounters(),
  };
}

/** The listing after `phase`, starting again from the window start. */
export function nextPhase(cursor: ImportCursor): ImportCursor {
  const index = LIST_PHASES.indexOf(cursor.phase as ListPhase);
  const phase = LIST_PHASES[index + 1] ?? 'done';
  return { ...cursor, phase, since: listingStart(cursor.from), page: 1, skipIds: [], lastUpdatedAt: null, lastIds: [] };
}

const PHASE_WEIGHT: Readonly<Record<ListPhase, number>> = { tickets: 0.9, spam: 0.05, deleted: 0.05 };

/**
 * How far the walk is, 0–1: each listing by how far its updated_at has come from the window
 * start towards the walk's start. Spam and deleted listings are small, hence their weight.
 */
export function walkProgress(cursor: ImportCursor): number {
  if (cursor.phase === 'done') return 1;
  const index = LIST_PHASES.indexOf(cursor.phase);
  const before = LIST_PHASES.slice(0, index).reduce((sum, phase) => sum + PHASE_WEIGHT[phase], 0);
  const from = parseFreshdeskTime(cursor.from);
  const end = parseFreshdeskTime(cursor.startedAt);
  const at = cursor.lastUpdatedAt === null ? from : parseFreshdeskTime(cursor.lastUpdatedAt);
  const within = end > from ? Math.min(1, Math.max(0, (at - from) / (end - from))) : 0;
  return Math.min(0.999, before + PHASE_WEIGHT[cursor.phase] * within);
}
