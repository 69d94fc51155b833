import Ajv, { type ErrorObject } from 'ajv';

/**
 * The body of `POST /external-systems/contact-events` (SPEC §3, after injixo's help center
 * article "Import data with the injixo API").
 */
export interface ContactEvent {
  properties: { offered: boolean; handled?: boolean; duration?: number };
  queueName: string;
  queueIdentifier: string;
  timestamp: string;
  channel: InjixoChannel;
}

export interface ContactEventsBody {
  data: ContactEvent[];
  meta?: { integrationConfigurationId: number };
}

/**
 * The workload channels injixo plans for. The app only ever sends `cases` (SPEC §2 rule 9);
 * the others are the channels injixo names for its other integrations (calls, chats, emails).
 * [assumption: no public list of accepted values exists, so the local injixo accepts these four]
 */
export const INJIXO_CHANNELS = ['cases', 'calls', 'chats', 'emails'] as const;
export type InjixoChannel = (typeof INJIXO_CHANNELS)[number];

const UTC_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;

/**
 * True for `YYYY-MM-DDTHH:MM:SS[.fraction]Z` naming a real calendar instant. The pattern alone
 * is not enough: `Date.parse` accepts `2026-02-30` and rolls it into March.
 */
export function isUtcTimestamp(value: string): boolean {
  const match = UTC_TIMESTAMP.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

/** injixo's envelope for every import endpoint: a non-empty `data` list of `item`, and `meta`. */
export function injixoEnvelope(item: Record<string, unknown>, meta: Record<string, unknown>): Record<string, unknown> {
  return { type: 'object', required: ['data'], additionalProperties: false, properties: { data: { type: 'array', minItems: 1, items: item }, meta } };
}

const contactEventsSchema = injixoEnvelope(
  {
    type: 'object',
    required: ['properties', 'queueName', 'queueIdentifier', 'timestamp', 'channel'],
    additionalProperties: false,
    properties: {
      properties: {
        type: 'object',
        required: ['offered'],
        additionalProperties: false,
        properties: {
          offered: { type: 'boolean' },
          handled: { type: 'boolean' },
          duration: { type: 'number', minimum: 0 },
        },
      },
      queueName: { type: 'string', minLength: 1 },
      queueIdentifier: { type: 'string', minLength: 1 },
      timestamp: { type: 'string', format: 'utc-timestamp' },
      channel: { type: 'string', enum: [...INJIXO_CHANNELS] },
    },
  },
  {
    type: 'object',
    required: ['integrationConfigurationId'],
    additionalProperties: false,
    properties: { integrationConfigurationId: { type: 'integer' } },
  },
);

const ajv = new Ajv({ strict: true });
ajv.addFormat('utc-timestamp', { type: 'string', validate: isUtcTimestamp });
const validateSchema = ajv.compile<ContactEventsBody>(contactEventsSchema);

export type ContactEventsValidation =
  | { ok: true; body: ContactEventsBody }
  | { ok: false; message: string; field: string };

/** Checks a parsed JSON body; on failure names the first bad field, e.g. `data/0/timestamp`. */
export function validateContactEvents(body: unknown): ContactEventsValidation {
  if (validateSchema(body)) return { ok: true, body };
  const error = validateSchema.errors?.[0];
  /* istanbul ignore next -- ajv always reports at least one error when validation fails */
  if (!error) return { ok: false, message: 'body is invalid', field: 'body' };
  return describeError(error);
}

function describeError(error: ErrorObject): { ok: false; message: string; field: string } {
  const at = error.instancePath.replace(/^\//, '');
  const child = (name: unknown): string => (at === '' ? String(name) : `${at}/${String(name)}`);
  const field = at === '' ? 'body' : at;
  switch (error.keyword) {
    case 'required': {
      const missing = child(error.params['missingProperty']);
      return { ok: false, field: missing, message: `${missing} is required` };
    }
    case 'additionalProperties': {
      const extra = child(error.params['additionalProperty']);
      return { ok: false, field: extra, message: `${extra} is not allowed` };
    }
    case 'format':
      return { ok: false, field, message: `${field} must be an ISO-8601 UTC timestamp` };
    case 'enum':
      return { ok: false, field, message: `${field} must be one of ${INJIXO_CHANNELS.join(', ')}` };
    case 'minItems':
      return { ok: false, field, message: `${field} must contain at least one contact` };
    case 'minLength':
      return { ok: false, field, message: `${field} must be a non-empty string` };
    case 'minimum':
      return { ok: false, field, message: `${field} must be >= 0` };
    case 'type':
      return { ok: false, field, message: `${field} must be of type ${String(error.params['type'])}` };
    default:
      /* istanbul ignore next -- every keyword the schema uses is listed above */
      return { ok: false, field, message: `${field} ${error.message ?? 'is invalid'}` };
  }
}
