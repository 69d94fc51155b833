/**
 * What each product event keeps (SPEC §2 rules 1–3, issue 14): from a validated payload, the
 * outbox record, or nothing when the counting rules say the event cannot matter. Pure: the
 * handlers themselves are made from the table in events.ts.
 */
import { isReplyInScope } from '../core/counting';
import type { AgentIdentifierChoice, AgentStatusChange } from '../core/agent-status';
import { isResolution } from '../core/handled';
import type { RecordOf } from '../delivery/intake/outbox';
import { eventTime } from '../platform/event-time';
import type { HandlerArgs } from '../platform/types';
import type { Settings } from '../schemas/iparams';
import {
  type AgentPayload,
  type AgentUpdatedData,
  type ConversationCreatedData,
  type TicketCreatedData,
  type TicketUpdatedData,
  type TimeEntryData,
  agentChangedAt,
  agentEmailOf,
  conversationFactsFrom,
  ticketFactsFrom,
} from '../schemas/product-events';
import type { RecordKind } from '../delivery/stored/record-kinds';
import type { SchemaViolation } from '../schemas/create-validator';

/** What an event's payload makes: its record, nothing (it cannot matter), or an unreadable field. */
export type Kept<K extends RecordKind> = RecordOf<K> | undefined | { invalid: SchemaViolation };

/** Ticket changes that alter how later replies are attributed (SPEC §2 rule 3). */
const ATTRIBUTION_FIELDS = ['group_id', 'source', 'spam', 'deleted'];

export function ticketCreatedRecord(payload: TicketCreatedData): RecordOf<'t'> {
  return { k: 't', ticket: ticketFactsFrom(payload.ticket) };
}

/** Notes, private replies and out-of-scope agent replies keep nothing, so cost no platform call at all. */
export function conversationRecord(payload: ConversationCreatedData, _args: HandlerArgs, settings: Settings): RecordOf<'c'> | undefined {
  const conversation = conversationFactsFrom(payload.conversation);
  return isReplyInScope(conversation, settings.replyScope) ? { k: 'c', conversation } : undefined;
}

export function ticketUpdatedRecord(payload: TicketUpdatedData, args: HandlerArgs, settings: Settings): RecordOf<'u'> | undefined {
  const changes = payload.ticket.changes;
  const resolved = isFirstResolution(settings, changes);
  // `changes` is not guaranteed; without it we must assume attribution may have changed.
  if (changes && !resolved && !ATTRIBUTION_FIELDS.some((field) => field in changes)) return undefined;
  const record: RecordOf<'u'> = { k: 'u', ticket: ticketFactsFrom(payload.ticket), at: updateTime(payload.ticket.updated_at, args.timestamp) };
  return resolved ? { ...record, resolved: true } : record;
}

/**
 * A first resolution matters only while handled contacts are on (issue 14); it rides on the
 * update's one record, so an update that also moves the ticket still costs one call.
 */
function isFirstResolution(settings: Settings, changes: Record<string, unknown> | null | undefined): boolean {
  return settings.handledContacts && isResolution((changes ?? undefined) as Readonly<Record<string, readonly [unknown, unknown]>> | undefined);
}

/**
 * Order updates by Freshdesk's clock (the one replies' created_at use), not by when the
 * platform delivered the event, so a slightly late event still sorts where it happened.
 */
function updateTime(updatedAt: string | null | undefined, eventTimestamp: unknown): number {
  return updatedAt ? Date.parse(updatedAt) : eventTime(eventTimestamp);
}

/** A time entry created or updated: its seconds now. */
export function timeEntryRecord(payload: TimeEntryData, args: HandlerArgs): RecordOf<'e'> {
  return timeEntryOf(payload, args, true);
}

/** A deleted time entry has no seconds; the time book remembers what it held. */
export function deletedTimeEntryRecord(payload: TimeEntryData, args: HandlerArgs): RecordOf<'e'> {
  return timeEntryOf(payload, args, false);
}

function timeEntryOf(payload: TimeEntryData, args: HandlerArgs, hasSeconds: boolean): RecordOf<'e'> {
  const { id, ticket_id: ticketId, time_spent: seconds, updated_at: updatedAt } = payload.time_entry;
  const entry = hasSeconds && typeof seconds === 'number' ? { id, ticketId, seconds } : { id, ticketId };
  // On Freshdesk's clock, like the resolution it is compared with; a delete has only the event's time.
  return { k: 'e', entry, at: updateTime(updatedAt, args.timestamp) };
}

/** An agent's status change; unreadable when agents are identified by email and the payload has none. */
export function agentChangeRecord(payload: AgentUpdatedData, args: HandlerArgs, settings: Settings): Kept<'a'> {
  const change = agentChangeFrom(payload.agent, settings.agentIdentifier, args.timestamp);
  if (change === undefined) return { invalid: { field: 'agent.contact.email', message: 'agent.contact.email is required to identify agents by email.' } };
  return { k: 'a', change };
}

/** The change to keep; undefined when agents are identified by email and the payload has none. */
function agentChangeFrom(agent: AgentPayload, identifier: AgentIdentifierChoice, eventTimestamp: unknown): AgentStatusChange | undefined {
  const email = agentEmailOf(agent);
  if (identifier === 'email' && email === undefined) return undefined;
  const at = agentChangedAt(agent) ?? new Date(eventTime(eventTimestamp)).toISOString();
  // The email is kept only when it is the identifier: nothing personal is stored for nothing.
  const change: AgentStatusChange = { agentId: agent.id, email: identifier === 'email' ? (email ?? '') : '', at, available: agent.available };
  return typeof agent.status_id === 'number' ? { ...change, statusId: agent.status_id } : change;
}
