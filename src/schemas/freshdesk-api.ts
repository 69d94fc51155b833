/**
 * Freshdesk REST API v2 responses the app reads (SPEC §4; Freshdesk API v2 reference).
 * Only the fields the app uses are required; every object may carry more.
 */
import type { JSONSchemaType } from 'ajv';
import { createValidator } from './create-validator';
import type { Validated } from './create-validator';
import { conversationPayloadSchema, freshdeskTimeSchema, ticketPayloadSchema, ticketProperties, ticketRequired } from './product-events';
import type { ConversationPayload, TicketPayload } from './product-events';

/** GET /api/v2/tickets/{id}. */
export type FreshdeskTicket = TicketPayload;

/** An item of GET /api/v2/tickets: the import restarts its window from the last `updated_at`. */
export interface FreshdeskListedTicket extends TicketPayload {
  updated_at: string;
  /** Read only with handled contacts on (issue 14): Resolved 4, Closed 5. */
  status?: number;
  /** With `include=stats`: `resolved_at` is the latest resolution (Freshdesk API v2, List All Tickets). */
  stats?: { resolved_at?: string | null } | null;
}

/** An item of GET /api/v2/tickets/{id}/time_entries: `time_spent` as "hh:mm". */
export interface FreshdeskTimeEntry {
  id: number;
  ticket_id?: number;
  time_spent: string | number;
}

/** An item of GET /api/v2/groups. */
export interface FreshdeskGroup {
  id: number;
  name: string;
}

/** An item of GET /api/v2/tickets/{id}/conversations. */
export type FreshdeskConversation = ConversationPayload;

/** An item of GET /api/v2/ticket_fields; only the field's type is read to find the source field. */
export interface FreshdeskTicketField {
  type: string;
}

/** The `default_source` field's `choices`: the account's labels, each with its source id. */
export interface SourceFieldChoices {
  choices: Record<string, number>;
}

export const SOURCE_FIELD_TYPE = 'default_source';

const listedTicketSchema: JSONSchemaType<FreshdeskListedTicket> = {
  type: 'object',
  required: [...ticketRequired, 'updated_at'],
  properties: {
    ...ticketProperties,
    updated_at: freshdeskTimeSchema,
    status: { type: 'integer', nullable: true },
    stats: { type: 'object', nullable: true, required: [], properties: { resolved_at: { ...freshdeskTimeSchema, nullable: true } } },
  },
};

const timeEntriesSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['id', 'time_spent'],
    properties: { id: { type: 'integer' }, ticket_id: { type: 'integer' }, time_spent: { anyOf: [{ type: 'string', pattern: '^[0-9]+:[0-5][0-9]$' }, { type: 'integer', minimum: 0 }] } },
  },
} as unknown as JSONSchemaType<FreshdeskTimeEntry[]>;

const groupsSchema: JSONSchemaType<FreshdeskGroup[]> = {
  type: 'array',
  items: {
    type: 'object',
    required: ['id', 'name'],
    properties: { id: { type: 'integer' }, name: { type: 'string' } },
  },
};

const ticketFieldsSchema: JSONSchemaType<FreshdeskTicketField[]> = {
  type: 'array',
  items: { type: 'object', required: ['type'], properties: { type: { type: 'string' } } },
};

const sourceFieldChoicesSchema: JSONSchemaType<SourceFieldChoices> = {
  type: 'object',
  required: ['choices'],
  properties: { choices: { type: 'object', required: [], additionalProperties: { type: 'integer' } } },
};

const checkTicket = createValidator(ticketPayloadSchema, 'response');
const checkTicketList = createValidator<FreshdeskListedTicket[]>({ type: 'array', items: listedTicketSchema }, 'response');
const checkListedTicket = createValidator(listedTicketSchema, 'ticket');
const checkGroups = createValidator(groupsSchema, 'response');
const checkConversations = createValidator<FreshdeskConversation[]>({ type: 'array', items: conversationPayloadSchema }, 'response');
const checkTicketFields = createValidator(ticketFieldsSchema, 'response');
const checkTimeEntries = createValidator(timeEntriesSchema, 'response');

export function validateFreshdeskTimeEntries(input: unknown): Validated<FreshdeskTimeEntry[]> {
  return checkTimeEntries(input);
}
const checkSourceFieldChoices = createValidator(sourceFieldChoicesSchema, 'response');

export function validateFreshdeskTicket(input: unknown): Validated<FreshdeskTicket> {
  return checkTicket(input);
}

export function validateFreshdeskTicketList(input: unknown): Validated<FreshdeskListedTicket[]> {
  return checkTicketList(input);
}

/**
 * One item of GET /api/v2/tickets: the import checks items one by one, so one unreadable
 * ticket is reported by its id and the rest of the page is still counted.
 */
export function validateFreshdeskListedTicket(input: unknown): Validated<FreshdeskListedTicket> {
  return checkListedTicket(input);
}

export function validateFreshdeskGroups(input: unknown): Validated<FreshdeskGroup[]> {
  return checkGroups(input);
}

export function validateFreshdeskConversations(input: unknown): Validated<FreshdeskConversation[]> {
  return checkConversations(input);
}

/**
 * GET /api/v2/ticket_fields?type=default_source → the source field's choices (label → id),
 * ready for `Directory.sourceChoices`. The list is searched rather than its first item taken,
 * in case the filter is ignored and every field comes back.
 */
export function validateSourceChoices(input: unknown): Validated<Record<string, number>> {
  const fields = checkTicketFields(input);
  if (!fields.ok) return fields;
  const index = fields.value.findIndex((field) => field.type === SOURCE_FIELD_TYPE);
  if (index === -1) {
    return { ok: false, error: { field: 'response', message: `response has no ticket field of type ${SOURCE_FIELD_TYPE}.` } };
  }
  const source = checkSourceFieldChoices(fields.value[index], ['response', String(index)]);
  return source.ok ? { ok: true, value: source.value.choices } : source;
}
