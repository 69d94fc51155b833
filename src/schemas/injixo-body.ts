/**
 * The body the app POSTs to injixo's contact-events endpoint (SPEC §3; source: injixo help
 * center, "Import data with the injixo API"). Strict on purpose: injixo creates a queue for every
 * new (identifier, name, integration) triple and can never delete one, so a malformed contact
 * must be caught before it leaves (SPEC §2 rule 10).
 */
import { queueNamePattern } from '../core/queues';
import type { JSONSchemaType } from 'ajv';
import type { OfferedContact } from '../core/types';
import { createValidator } from './create-validator';
import type { Validated } from './create-validator';

export interface InjixoContactEvent {
  /**
   * An offered contact is `{offered: true}`. A handled contact (issue 14, opt-in) is its own event
   * `{offered: false, handled: true, duration?}`: the ticket's offered contact was sent on its own,
   * and `duration` (seconds) is left out when no time was logged.
   */
  properties: { offered: boolean; handled?: boolean; duration?: number };
  queueName: string;
  queueIdentifier: string;
  timestamp: string;
  channel: 'cases';
}

export interface InjixoContactEventsBody {
  data: InjixoContactEvent[];
  /** Sent only when the admin filled the optional integration id. [assumption] (SPEC §3) */
  meta?: { integrationConfigurationId: number };
}

// The core's queue naming (rules 4, 5; src/core/queues.ts queueNamePattern) so anything else is refused.
// Ids only (rule 10); group and source are unknown together or not at all (rule 5).
const QUEUE_IDENTIFIER_PATTERN = '^freshdesk/(([0-9]+|none)/[0-9]+|unknown/unknown)/(tickets|replies)$';
const UTC_TIMESTAMP_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$';

const contactEventSchema: JSONSchemaType<InjixoContactEvent> = {
  type: 'object',
  additionalProperties: false,
  required: ['properties', 'queueName', 'queueIdentifier', 'timestamp', 'channel'],
  properties: {
    properties: {
      type: 'object',
      additionalProperties: false,
      required: ['offered'],
      properties: {
        offered: { type: 'boolean' },
        handled: { type: 'boolean', nullable: true },
        duration: { type: 'integer', minimum: 0, nullable: true },
      },
      // Either an offered contact, or a handled one (never both, never neither).
      if: { properties: { offered: { const: true } } },
      then: { properties: { handled: false, duration: false } },
      else: { required: ['handled'], properties: { handled: { const: true } } },
    },
    queueName: {
      type: 'string',
      pattern: queueNamePattern(),
      description: 'words separated by single spaces, ending in Tickets or Replies',
    },
    queueIdentifier: {
      type: 'string',
      pattern: QUEUE_IDENTIFIER_PATTERN,
      description: 'freshdesk/<group id|none>/<ticket source id>/<tickets|replies> or freshdesk/unknown/unknown/<tickets|replies>',
    },
    timestamp: {
      type: 'string',
      pattern: UTC_TIMESTAMP_PATTERN,
      description: 'a UTC time like 2026-11-21T10:34:22Z',
    },
    channel: { type: 'string', const: 'cases' },
  },
};

const bodySchema: JSONSchemaType<InjixoContactEventsBody> = {
  type: 'object',
  additionalProperties: false,
  required: ['data'],
  properties: {
    data: { type: 'array', minItems: 1, items: contactEventSchema },
    // A $ref keeps `meta` optional without JSONSchemaType's forced `nullable`: null is refused.
    meta: { $ref: '#/$defs/meta' },
  },
  $defs: {
    meta: {
      type: 'object',
      additionalProperties: false,
      required: ['integrationConfigurationId'],
      properties: { integrationConfigurationId: { type: 'integer', minimum: 1 } },
    },
  },
};

const checkInjixoBody = createValidator(bodySchema, 'body');

export function validateInjixoBody(input: unknown): Validated<InjixoContactEventsBody> {
  return checkInjixoBody(input);
}

/** One contact as injixo takes it. */
export function injixoEventFrom(contact: OfferedContact): InjixoContactEvent {
  return {
    properties: propertiesOf(contact),
    queueName: contact.queueName,
    queueIdentifier: contact.queueIdentifier,
    timestamp: contact.timestamp,
    channel: contact.channel,
  };
}

function propertiesOf(contact: OfferedContact): InjixoContactEvent['properties'] {
  if (contact.handled !== true) return { offered: true };
  return contact.duration === undefined ? { offered: false, handled: true } : { offered: false, handled: true, duration: contact.duration };
}

/** The request body for `contacts`; `integrationConfigurationId` only when the admin set one. */
export function injixoBodyFrom(contacts: readonly OfferedContact[], integrationConfigurationId?: number): InjixoContactEventsBody {
  const data = contacts.map(injixoEventFrom);
  return integrationConfigurationId === undefined ? { data } : { data, meta: { integrationConfigurationId } };
}

/**
 * The body of `POST /external-systems/agent-statuses` (issue 14; injixo help center, "Import data
 * with injixo API"): closed status intervals per agent. `externalSystem` names us; the
 * integration id goes along when the admin set one. [assumption] injixo takes seconds-precision
 * UTC times as on contact events.
 */
export interface InjixoAgentStatus {
  agentIdentifier: string;
  activityIdentifier: string;
  startTime: string;
  endTime: string;
}

export interface InjixoAgentStatusesBody {
  data: InjixoAgentStatus[];
  meta: { externalSystem: string; integrationConfigurationId?: number };
}

export const EXTERNAL_SYSTEM = 'freshdesk';

const utcTime = { type: 'string', pattern: UTC_TIMESTAMP_PATTERN, description: 'a UTC time like 2026-11-21T10:34:22Z' } as const;

const agentStatusesSchema: JSONSchemaType<InjixoAgentStatusesBody> = {
  type: 'object',
  additionalProperties: false,
  required: ['data', 'meta'],
  properties: {
    data: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['agentIdentifier', 'activityIdentifier', 'startTime', 'endTime'],
        properties: {
          agentIdentifier: { type: 'string', minLength: 1, maxLength: 254 },
          activityIdentifier: { type: 'string', pattern: '^(available|unavailable|status-[0-9]+)$', description: 'available, unavailable or status-<custom status id>' },
          startTime: utcTime,
          endTime: utcTime,
        },
      },
    },
    meta: {
      type: 'object',
      additionalProperties: false,
      required: ['externalSystem'],
      properties: { externalSystem: { type: 'string', const: EXTERNAL_SYSTEM }, integrationConfigurationId: { type: 'integer', minimum: 1, nullable: true } },
    },
  },
};

const checkAgentStatuses = createValidator(agentStatusesSchema, 'body');

export function validateAgentStatusesBody(input: unknown): Validated<InjixoAgentStatusesBody> {
  return checkAgentStatuses(input);
}

export function agentStatusesBodyFrom(intervals: readonly InjixoAgentStatus[], integrationConfigurationId?: number): InjixoAgentStatusesBody {
  const meta = integrationConfigurationId === undefined ? { externalSystem: EXTERNAL_SYSTEM } : { externalSystem: EXTERNAL_SYSTEM, integrationConfigurationId };
  return { data: intervals.map((i) => ({ agentIdentifier: i.agentIdentifier, activityIdentifier: i.activityIdentifier, startTime: i.startTime, endTime: i.endTime })), meta };
}
