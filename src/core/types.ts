/**
 * The vocabulary of the counting rules (SPEC §2): Freshdesk facts in, injixo offered contacts out.
 * Everything here is plain data so the rules stay pure and table-testable.
 */

/** `reply_scope` option of rule 2: count customer replies only, or every public reply. */
export const REPLY_SCOPES = ['customer', 'all_public'] as const;
export type ReplyScope = (typeof REPLY_SCOPES)[number];

/** Rule 4: every group/source pair has a Tickets queue and a Replies queue. */
export type QueueKind = 'tickets' | 'replies';

/** The ticket fields the rules read; `created_at` as Freshdesk sends it. */
export interface TicketFacts {
  id: number;
  group_id: number | null;
  source: number;
  spam: boolean;
  deleted: boolean;
  created_at: string;
}

/** The conversation fields the rules read; product events carry no ticket, only `ticket_id`. */
export interface ConversationFacts {
  id: number;
  ticket_id: number;
  source: number;
  private: boolean;
  incoming: boolean;
  created_at: string;
}

/**
 * What the app knows of the account: group names by id (from GET /api/v2/groups) and the ticket
 * source field's choices (label → id) from GET /api/v2/ticket_fields?type=default_source,
 * undefined when that list could not be read.
 */
export interface Directory {
  groups: Readonly<Record<string, string>>;
  sourceChoices?: Readonly<Record<string, number>>;
}

/** One injixo offered contact (SPEC §3), plus the deterministic id that makes delivery idempotent. */
export interface OfferedContact {
  contactId: string;
  queueName: string;
  queueIdentifier: string;
  timestamp: string;
  channel: 'cases';
  /**
   * Set only on a handled contact (issue 14, opt-in; src/core/handled.ts): it travels through the
   * same backlog, retries and injixo client, but is never an offered contact (ledger, chart).
   */
  handled?: true;
  /** A handled contact's logged time, whole seconds; absent without time entries. */
  duration?: number;
}

/** Offered contacts only: what the ledger, the recent-volume chart and replays count. */
export function isOffered(contact: Pick<OfferedContact, 'handled'>): boolean {
  return contact.handled !== true;
}

export type SkipReason = 'private' | 'note' | 'survey_feedback' | 'agent_reply_out_of_scope';

/** Something the shell should log (rule 6: once per id per day), without blocking the contact. */
export type Notice = { kind: 'unknown_group'; groupId: number };

export type Decision =
  | { kind: 'contact'; contact: OfferedContact; notices: Notice[] }
  | { kind: 'skip'; reason: SkipReason };
