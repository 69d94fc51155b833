/**
 * Entry points for Freshdesk's product events (SPEC §2 rules 1–3). Each validates its payload,
 * asks the counting rules whether the event can matter, and keeps at most one record in the
 * outbox — one platform call; the delivery run does the rest.
 */
import { isReplyInScope } from '../core/counting';
import type { AgentIdentifierChoice, AgentStatusChange } from '../core/agent-status';
import { isResolution } from '../core/handled';
import { keepRecord, reportInvalidPayload } from '../delivery/intake/keep-record';
import { eventTime } from '../platform/event-time';
import type { HandlerArgs, Platform } from '../platform/types';
import { readSettings } from '../schemas/iparams';
import {
  type AgentPayload,
  agentChangedAt,
  agentEmailOf,
  conversationFactsFrom,
  ticketFactsFrom,
  validateAgentUpdatedData,
  validateTimeEntryData,
  validateConversationCreatedData,
  validateTicketCreatedData,
  validateTicketUpdatedData,
} from '../schemas/product-events';

/** Ticket changes that alter how later replies are attributed (SPEC §2 rule 3). */
const ATTRIBUTION_FIELDS = ['group_id', 'source', 'spam', 'deleted'];

export async function onTicketCreate(args: HandlerArgs, platform: Platform): Promise<void> {
  const parsed = validateTicketCreatedData(args.data);
  if (!parsed.ok) return reportInvalidPayload(platform.db, args.event, args.data, parsed.error);
  await keepRecord(platform, args.event, { k: 't', ticket: ticketFactsFrom(parsed.value.ticket) });
}

export async function onConversationCreate(args: HandlerArgs, platform: Platform): Promise<void> {
  const parsed = validateConversationCreatedData(args.data);
  if (!parsed.ok) return reportInvalidPayload(platform.db, args.event, args.data, parsed.error);
  const conversation = conversationFactsFrom(parsed.value.conversation);
  // Notes, private replies and out-of-scope agent replies cost no platform call at all.
  if (!isReplyInScope(conversation, readSettings(args.iparams).replyScope)) return;
  await keepRecord(platform, args.event, { k: 'c', conversation });
}

export async function onTicketUpdate(args: HandlerArgs, platform: Platform): Promise<void> {
  const parsed = validateTicketUpdatedData(args.data);
  if (!parsed.ok) return reportInvalidPayload(platform.db, args.event, args.data, parsed.error);
  const changes = parsed.value.ticket.changes;
  const resolved = isFirstResolution(args, changes);
  // `changes` is not guaranteed; without it we must assume attribution may have changed.
  if (changes && !resolved && !ATTRIBUTION_FIELDS.some((field) => field in changes)) return;
  const record = { k: 'u' as const, ticket: ticketFactsFrom(parsed.value.ticket), at: updateTime(parsed.value.ticket.updated_at, args.timestamp) };
  await keepRecord(platform, args.event, resolved ? { ...record, resolved: true } : record);
}

/**
 * A first resolution matters only while handled contacts are on (issue 14); it rides on the
 * update's one record, so an update that also moves the ticket still costs one call.
 */
function isFirstResolution(args: HandlerArgs, changes: Record<string, unknown> | null | undefined): boolean {
  return readSettings(args.iparams).handledContacts && isResolution((changes ?? undefined) as Readonly<Record<string, readonly [unknown, unknown]>> | undefined);
}

/**
 * Order updates by Freshdesk's clock (the one replies' created_at use), not by when the
 * platform delivered the event, so a slightly late event still sorts where it happened.
 */
function updateTime(updatedAt: string | null | undefined, eventTimestamp: unknown): number {
  return updatedAt ? Date.parse(updatedAt) : eventTime(eventTimestamp);
}

/**
 * Time entries (issue 14): with handled contacts off they cost no platform call at all. A delete
 * has no seconds; the time book remembers what each entry held.
 */
export async function onTimeEntryCreate(args: HandlerArgs, platform: Platform): Promise<void> {
  await keepTimeEntry(args, platform, true);
}

export async function onTimeEntryUpdate(args: HandlerArgs, platform: Platform): Promise<void> {
  await keepTimeEntry(args, platform, true);
}

export async function onTimeEntryDelete(args: HandlerArgs, platform: Platform): Promise<void> {
  await keepTimeEntry(args, platform, false);
}

async function keepTimeEntry(args: HandlerArgs, platform: Platform, hasSeconds: boolean): Promise<void> {
  if (!readSettings(args.iparams).handledContacts) return;
  const parsed = validateTimeEntryData(args.data, hasSeconds);
  if (!parsed.ok) return reportInvalidPayload(platform.db, args.event, args.data, parsed.error);
  const { id, ticket_id: ticketId, time_spent: seconds, updated_at: updatedAt } = parsed.value.time_entry;
  const entry = hasSeconds && typeof seconds === 'number' ? { id, ticketId, seconds } : { id, ticketId };
  // On Freshdesk's clock, like the resolution it is compared with; a delete has only the event's time.
  await keepRecord(platform, args.event, { k: 'e', entry, at: updateTime(updatedAt, args.timestamp) });
}

/**
 * Agent status changes (issue 14): `onAgentUpdate` for the plain available/unavailable toggle,
 * `onAgentAvailabilityUpdate` where custom statuses are on. Off, they cost no platform call.
 */
export async function onAgentUpdate(args: HandlerArgs, platform: Platform): Promise<void> {
  await keepAgentChange(args, platform);
}

export async function onAgentAvailabilityUpdate(args: HandlerArgs, platform: Platform): Promise<void> {
  await keepAgentChange(args, platform);
}

async function keepAgentChange(args: HandlerArgs, platform: Platform): Promise<void> {
  const settings = readSettings(args.iparams);
  if (!settings.agentStatuses) return;
  const parsed = validateAgentUpdatedData(args.data);
  if (!parsed.ok) return reportInvalidPayload(platform.db, args.event, args.data, parsed.error);
  const change = agentChangeFrom(parsed.value.agent, settings.agentIdentifier, args.timestamp);
  if (change === undefined) {
    return reportInvalidPayload(platform.db, args.event, args.data, { field: 'agent.contact.email', message: 'agent.contact.email is required to identify agents by email.' });
  }
  await keepRecord(platform, args.event, { k: 'a', change });
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
