import { conversationContactId, ticketContactId } from './contact-id';
import {
  groupNameFor,
  NO_GROUP_SEGMENT,
  queueIdentifier,
  queueName,
  replyTicketSource,
  ticketSourceName,
  UNKNOWN_SEGMENT,
  unknownQueueName,
} from './queues';
import { parseFreshdeskTime, toUtcIso } from './time';
import type { ConversationFacts, Decision, Directory, Notice, OfferedContact, QueueKind, ReplyScope, SkipReason, TicketFacts } from './types';

/** Conversation source ids that are never replies (Freshdesk API v2 reference, Conversations). */
export const NOTE_SOURCE = 2;
export const SURVEY_FEEDBACK_SOURCE = 6;

/**
 * Rule 1 (with 4–7, 10–12): a new ticket is one offered contact in its group's and source's
 * Tickets queue. Throws `InvalidTimestamp` when `created_at` is not an instant; validate first.
 */
export function mapTicketCreated(ticket: TicketFacts, directory: Directory): Decision {
  return attribute(ticket, 'tickets', directory, ticketContactId(ticket.id), ticket.created_at, (ticketSource) => ticketSource);
}

/**
 * Rule 2 (with 4–12): a reply in scope is one offered contact in the Replies queue of the
 * ticket's group and the reply's channel. `'gone'` is a ticket the API answers 404 for.
 * Throws `InvalidTimestamp` when `created_at` is not an instant; validate first.
 */
export function mapConversationCreated(
  conversation: ConversationFacts,
  ticket: TicketFacts | 'gone',
  directory: Directory,
  scope: ReplyScope,
): Decision {
  const reason = skipReason(conversation, scope);
  if (reason !== undefined) return { kind: 'skip', reason };
  return attribute(ticket, 'replies', directory, conversationContactId(conversation.id), conversation.created_at, (ticketSource) =>
    replyTicketSource(conversation.source, ticketSource),
  );
}

/**
 * Rule 13: the initial import counts what was created strictly before the install time; the
 * product events count the rest. Compared to the millisecond: a ticket created in the same
 * second as the install may be counted by both, and rule 12's contact id drops the second one.
 */
export function countsInImport(createdAt: string, installedAt: string): boolean {
  return parseFreshdeskTime(createdAt) < parseFreshdeskTime(installedAt);
}

/** Rule 2's own conditions: whether a reply can count at all, whatever its ticket. */
export function isReplyInScope(conversation: ConversationFacts, scope: ReplyScope): boolean {
  return skipReason(conversation, scope) === undefined;
}

function skipReason(conversation: ConversationFacts, scope: ReplyScope): SkipReason | undefined {
  if (conversation.private) return 'private';
  // A public note is still a note, not a reply.
  if (conversation.source === NOTE_SOURCE) return 'note';
  if (conversation.source === SURVEY_FEEDBACK_SOURCE) return 'survey_feedback';
  if (scope === 'customer' && !conversation.incoming) return 'agent_reply_out_of_scope';
  return undefined;
}

function attribute(
  ticket: TicketFacts | 'gone',
  kind: QueueKind,
  directory: Directory,
  contactId: string,
  createdAt: string,
  // Rule 8: which ticket source the contact counts under (a reply's channel, or the ticket's own).
  sourceFor: (ticketSource: number) => number,
): Decision {
  const timestamp = toUtcIso(createdAt);
  // Rule 5: group and source are not looked up for tickets injixo should not attribute.
  if (ticket === 'gone' || ticket.spam || ticket.deleted) {
    return contact({ contactId, queueName: unknownQueueName(kind), queueIdentifier: queueIdentifier(UNKNOWN_SEGMENT, UNKNOWN_SEGMENT, kind), timestamp }, []);
  }
  const group = groupNameFor(ticket.group_id, directory);
  const source = sourceFor(ticket.source);
  return contact(
    {
      contactId,
      // Rule 7 names Tickets and Replies sources alike, so one channel has one spelling.
      queueName: queueName(group.name, ticketSourceName(source, directory), kind),
      queueIdentifier: queueIdentifier(ticket.group_id ?? NO_GROUP_SEGMENT, source, kind),
      timestamp,
    },
    group.notice === undefined ? [] : [group.notice],
  );
}

function contact(fields: Omit<OfferedContact, 'channel'>, notices: Notice[]): Decision {
  // Rule 9: injixo tracks replies "using the channel Cases"; tickets go the same way.
  return { kind: 'contact', contact: { ...fields, channel: 'cases' }, notices };
}
