/**
 * Schemas for what the app reads back from the platform: its own KV records and the `data` of
 * its schedules. They were written by this app, but perhaps by an older version, by a run that
 * died half-way, or edited by support: like any other input they are `unknown` until a schema
 * narrows them (STYLE habit 12), and a value that does not fit is logged and handled, never
 * cast and trusted.
 *
 * ajv's JSONSchemaType cannot express a tuple with an optional last item or a union keyed by a
 * const, so those two schemas are typed by hand; the tests run corrupt values through each.
 */
import type { JSONSchemaType } from 'ajv';
import { createValidator, type Validated } from '../schemas/create-validator';
import { SCHEDULE_KINDS } from '../storage/keys';
import type { StoredContact } from './chunks';
import type { PackedRecord } from './outbox';
import type { AppState } from './state';

const packedPrefix = [{ type: 'string', enum: ['t', 'u', 'c'] }, { type: 'integer' }, { type: 'integer' }, { type: 'integer' }, { type: 'integer' }, { type: 'integer' }];
const packedRecordSchema = {
  // An update record carries its update time as a seventh number.
  anyOf: [
    { type: 'array', items: packedPrefix, minItems: 6, maxItems: 6 },
    { type: 'array', items: [...packedPrefix, { type: 'integer' }], minItems: 7, maxItems: 7 },
  ],
} as unknown as JSONSchemaType<PackedRecord>;

export type ScheduleData = { kind: typeof SCHEDULE_KINDS.deliver } | { kind: typeof SCHEDULE_KINDS.overflow; record: PackedRecord };

const scheduleDataSchema = {
  type: 'object',
  required: ['kind'],
  oneOf: [
    { type: 'object', required: ['kind'], properties: { kind: { const: SCHEDULE_KINDS.deliver } } },
    { type: 'object', required: ['kind', 'record'], properties: { kind: { const: SCHEDULE_KINDS.overflow }, record: packedRecordSchema } },
  ],
} as unknown as JSONSchemaType<ScheduleData>;

const chunkListSchema = {
  type: 'object',
  required: ['chunks', 'next'],
  properties: {
    chunks: { type: 'array', items: { type: 'object', required: ['id', 'n'], properties: { id: { type: 'integer' }, n: { type: 'integer', minimum: 0 } } } },
    next: { type: 'integer' },
  },
} as const;

const stateSchema = {
  type: 'object',
  required: ['v', 'installedAt', 'cursor', 'backlog', 'parked', 'health', 'warnedGroups'],
  properties: {
    v: { const: 1 },
    installedAt: { type: 'string' },
    cursor: { type: 'integer' },
    directory: {
      type: 'object',
      required: ['groups', 'groupsAt', 'sourcesAt'],
      properties: {
        groups: { type: 'object', additionalProperties: { type: 'string' } },
        sourceChoices: { type: 'object', additionalProperties: { type: 'integer' } },
        groupsAt: { type: 'number' },
        sourcesAt: { type: 'number' },
      },
    },
    backlog: chunkListSchema,
    parked: chunkListSchema,
    health: {
      type: 'object',
      required: ['consecutiveFailures', 'today', 'sentTotal', 'dropped', 'parkedTotal'],
      properties: {
        consecutiveFailures: { type: 'integer' },
        today: {
          type: 'object',
          required: ['day', 'perQueue'],
          properties: {
            day: { type: 'string' },
            perQueue: { type: 'object', additionalProperties: { type: 'object', required: ['name', 'offered'], properties: { name: { type: 'string' }, offered: { type: 'integer' } } } },
          },
        },
        sentTotal: { type: 'integer' },
        dropped: { type: 'integer' },
        parkedTotal: { type: 'integer' },
      },
    },
    warnedGroups: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as unknown as JSONSchemaType<AppState>;

const storedContactsSchema: JSONSchemaType<StoredContact[]> = {
  type: 'array',
  items: {
    type: 'object',
    required: ['contactId', 'queueName', 'queueIdentifier', 'timestamp', 'channel'],
    properties: {
      contactId: { type: 'string' },
      queueName: { type: 'string' },
      queueIdentifier: { type: 'string' },
      timestamp: { type: 'string' },
      channel: { type: 'string', const: 'cases' },
      reason: { type: 'string', nullable: true },
    },
  },
};

const checkPackedRecord = createValidator(packedRecordSchema, 'record');
const checkScheduleData = createValidator(scheduleDataSchema, 'data');
const checkState = createValidator(stateSchema, 'state');
const checkStoredContacts = createValidator(storedContactsSchema, 'items');

export function validatePackedRecord(input: unknown): Validated<PackedRecord> {
  return checkPackedRecord(input);
}

export function validateScheduleData(input: unknown): Validated<ScheduleData> {
  return checkScheduleData(input);
}

export function validateState(input: unknown): Validated<AppState> {
  return checkState(input);
}

export function validateStoredContacts(input: unknown): Validated<StoredContact[]> {
  return checkStoredContacts(input);
}
