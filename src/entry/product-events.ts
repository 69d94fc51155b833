/**
 * Entry points for Freshdesk's product events (SPEC §2 rules 1–3). Each validates its payload,
 * asks the counting rules whether the event can matter, and keeps at most one record in the
 * outbox — one platform call; the delivery run does the rest.
 */
import { isReplyInScope } from '../core/counting';
import { keepRecord, reportInvalidPayload } from '../delivery/keep-record';
import { eventTime } from '../platform/event-time';
import type { HandlerArgs, Platform } from '../platform/types';
import { readSettings } from '../schemas/iparams';
import {
  conversationFactsFrom,
  ticketFactsFrom,
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
  // `changes` is not guaranteed; without it we must assume attribution may have changed.
  if (changes && !ATTRIBUTION_FIELDS.some((field) => field in changes)) return;
  // Order updates by Freshdesk's clock (the one replies' created_at use), not by when the
  // platform delivered the event, so a slightly late event still sorts where it happened.
  const updatedAt = parsed.value.ticket.updated_at;
  const at = updatedAt ? Date.parse(updatedAt) : eventTime(args.timestamp);
  await keepRecord(platform, args.event, { k: 'u', ticket: ticketFactsFrom(parsed.value.ticket), at });
}

/*
 * Issue 14's opt-in events (docs/design/handled-and-agent-statuses.md). Placeholders so the
 * manifest's handlers exist on the platform branch; the real functions are written with the
 * outbox records that carry them. Merging with those: delete this whole block (git merges the
 * two without a conflict, and the duplicate declarations then fail tsc).
 */

export function onTimeEntryCreate(_args: HandlerArgs, _platform: Platform): void {
  return;
}

export function onTimeEntryUpdate(_args: HandlerArgs, _platform: Platform): void {
  return;
}

export function onTimeEntryDelete(_args: HandlerArgs, _platform: Platform): void {
  return;
}

export function onAgentUpdate(_args: HandlerArgs, _platform: Platform): void {
  return;
}

export function onAgentAvailabilityUpdate(_args: HandlerArgs, _platform: Platform): void {
  return;
}
