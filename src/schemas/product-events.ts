/**
 * The product-event payloads (`args.data`) the handlers receive. Only the fields the counting
 * rules read are required; Freshdesk sends many more and adds new ones, so extras pass.
 * Shapes: SPEC §5 and the FDK's sample payloads in server/test_data/support_ticket/.
 */
import type { JSONSchemaType } from 'ajv';
import type { ConversationFacts, TicketFacts } from '../core/types';
import { createValidator, FRESHDESK_TIME_FORMAT, nullableInteger } from './create-validator';
import type { Validated } from './create-validator';

/** The ticket fields the rules read, as events and GET /api/v2/tickets/{id} carry them. */
export interface TicketPayload {
  id: number;
  group_id: number | null;
  source: number;
  spam: boolean;
  /** Absent from some payloads; null accepted because ajv's optional properties are nullable. */
  deleted?: boolean | null;
  created_at: string;
}

/** A reply's payload carries exactly the facts the rules read (plus fields we ignore). */
export type ConversationPayload = ConversationFacts;

export interface TicketCreatedData {
  ticket: TicketPayload;
}

export interface ConversationCreatedData {
  conversation: ConversationPayload;
}

export interface TicketUpdatedData {
  /**
   * `changes` is `{attr: [old, new]}` and not guaranteed present (SPEC §5). `updated_at` is
   * when the update happened on Freshdesk's own clock, the same clock as replies' created_at.
   */
  ticket: TicketPayload & { changes?: Record<string, unknown> | null; updated_at?: string | null };
}

export const FRESHDESK_TIME_DESCRIPTION = 'an ISO-8601 time with a zone, such as 2021-11-05T12:45:13Z';

export const freshdeskTimeSchema = { type: 'string', format: FRESHDESK_TIME_FORMAT, description: FRESHDESK_TIME_DESCRIPTION } as const;

export const ticketProperties = {
  id: { type: 'integer' },
  group_id: nullableInteger,
  source: { type: 'integer' },
  spam: { type: 'boolean' },
  deleted: { type: 'boolean', nullable: true },
  created_at: freshdeskTimeSchema,
} as const;

export const ticketRequired = ['id', 'group_id', 'source', 'spam', 'created_at'] as const;

export const ticketPayloadSchema: JSONSchemaType<TicketPayload> = {
  type: 'object',
  required: ticketRequired,
  properties: ticketProperties,
};

export const conversationPayloadSchema: JSONSchemaType<ConversationPayload> = {
  type: 'object',
  required: ['id', 'ticket_id', 'source', 'private', 'incoming', 'created_at'],
  properties: {
    id: { type: 'integer' },
    ticket_id: { type: 'integer' },
    source: { type: 'integer' },
    private: { type: 'boolean' },
    incoming: { type: 'boolean' },
    created_at: freshdeskTimeSchema,
  },
};

const ticketCreatedDataSchema: JSONSchemaType<TicketCreatedData> = {
  type: 'object',
  required: ['ticket'],
  properties: { ticket: ticketPayloadSchema },
};

const conversationCreatedDataSchema: JSONSchemaType<ConversationCreatedData> = {
  type: 'object',
  required: ['conversation'],
  properties: { conversation: conversationPayloadSchema },
};

const ticketUpdatedDataSchema: JSONSchemaType<TicketUpdatedData> = {
  type: 'object',
  required: ['ticket'],
  properties: {
    ticket: {
      type: 'object',
      required: ticketRequired,
      properties: { ...ticketProperties, changes: { type: 'object', nullable: true, required: [] }, updated_at: { ...freshdeskTimeSchema, nullable: true } },
    },
  },
};

const checkTicketCreatedData = createValidator(ticketCreatedDataSchema, 'data');
const checkConversationCreatedData = createValidator(conversationCreatedDataSchema, 'data');
const checkTicketUpdatedData = createValidator(ticketUpdatedDataSchema, 'data');

export function validateTicketCreatedData(input: unknown): Validated<TicketCreatedData> {
  return checkTicketCreatedData(input);
}

export function validateConversationCreatedData(input: unknown): Validated<ConversationCreatedData> {
  return checkConversationCreatedData(input);
}

export function validateTicketUpdatedData(input: unknown): Validated<TicketUpdatedData> {
  return checkTicketUpdatedData(input);
}

/** Copies only the facts the rules read, so nothing else of the payload is kept or stored. */
export function ticketFactsFrom(ticket: TicketPayload): TicketFacts {
  return {
    id: ticket.id,
    group_id: ticket.group_id,
    source: ticket.source,
    spam: ticket.spam,
    deleted: ticket.deleted ?? false,
    created_at: ticket.created_at,
  };
}

export function conversationFactsFrom(conversation: ConversationPayload): ConversationFacts {
  return {
    id: conversation.id,
    ticket_id: conversation.ticket_id,
    source: conversation.source,
    private: conversation.private,
    incoming: conversation.incoming,
    created_at: conversation.created_at,
  };
}

/**
 * A time entry as the onTimeEntryCreate/Update/Delete payloads carry it (FDK test data in
 * server/test_data/support_ticket/): `time_spent` in whole seconds in events. A delete carries
 * only `id` and `ticket_id`, so the app must remember each entry's seconds itself.
 */
export interface TimeEntryPayload {
  id: number;
  ticket_id: number;
  time_spent?: number | null;
  /** When the entry was last changed, on Freshdesk's clock (absent from a delete). */
  updated_at?: string | null;
}

export interface TimeEntryData {
  time_entry: TimeEntryPayload;
}

const timeEntryDataSchema: JSONSchemaType<TimeEntryData> = {
  type: 'object',
  required: ['time_entry'],
  properties: {
    time_entry: {
      type: 'object',
      required: ['id', 'ticket_id'],
      properties: {
        id: { type: 'integer' },
        ticket_id: { type: 'integer' },
        time_spent: { type: 'integer', minimum: 0, nullable: true },
        updated_at: { ...freshdeskTimeSchema, nullable: true },
      },
    },
  },
};

const checkTimeEntryData = createValidator(timeEntryDataSchema, 'data');

/** Create and update need the seconds; a delete needs only the ids. */
export function validateTimeEntryData(input: unknown, needsSeconds: boolean): Validated<TimeEntryData> {
  const checked = checkTimeEntryData(input);
  if (checked.ok && needsSeconds && typeof checked.value.time_entry.time_spent !== 'number') {
    return { ok: false, error: { field: 'time_entry.time_spent', message: 'time_entry.time_spent must be a whole number of seconds.' } };
  }
  return checked;
}

/**
 * An agent as `onAgentUpdate` / `onAgentAvailabilityUpdate` carry it (support_agent module).
 * [assumption] Field names follow the issue text (`available`, `status_id`,
 * `status_updated_at`) and Freshdesk's REST agent (`contact.email`, `available_since`,
 * `updated_at`); no FDK sample payload exists for this module, so the time of the change is
 * read from the first of these that is present.
 */
export interface AgentPayload {
  id: number;
  available: boolean;
  status_id?: number | null;
  status_updated_at?: string | null;
  available_since?: string | null;
  updated_at?: string | null;
  email?: string | null;
  contact?: { email?: string | null } | null;
}

export interface AgentUpdatedData {
  agent: AgentPayload;
}

const nullableTime = { ...freshdeskTimeSchema, nullable: true } as const;
const nullableEmail = { type: 'string', nullable: true, minLength: 3, maxLength: 254 } as const;

const agentUpdatedDataSchema: JSONSchemaType<AgentUpdatedData> = {
  type: 'object',
  required: ['agent'],
  properties: {
    agent: {
      type: 'object',
      required: ['id', 'available'],
      properties: {
        id: { type: 'integer' },
        available: { type: 'boolean' },
        status_id: { type: 'integer', nullable: true },
        status_updated_at: nullableTime,
        available_since: nullableTime,
        updated_at: nullableTime,
        email: nullableEmail,
        contact: { type: 'object', nullable: true, required: [], properties: { email: nullableEmail } },
      },
    },
  },
};

const checkAgentUpdatedData = createValidator(agentUpdatedDataSchema, 'data');

export function validateAgentUpdatedData(input: unknown): Validated<AgentUpdatedData> {
  return checkAgentUpdatedData(input);
}

/** The agent's email as the payload spells it, or undefined. */
export function agentEmailOf(agent: AgentPayload): string | undefined {
  return agent.contact?.email ?? agent.email ?? undefined;
}

/** When the agent's status changed, on Freshdesk's clock, when the payload says. */
export function agentChangedAt(agent: AgentPayload): string | undefined {
  return agent.status_updated_at ?? agent.available_since ?? agent.updated_at ?? undefined;
}
