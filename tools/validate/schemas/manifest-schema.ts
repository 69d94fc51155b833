import type { SchemaObject } from 'ajv';

/**
 * Product modules a Platform 3.0 manifest may name besides `common`
 * (marketplace skills: architecture/platform3-manifest-structure.md, "Product-Specific Modules").
 */
export const PRODUCT_MODULES = [
  'support_email', 'support_ticket', 'support_contact', 'support_company', 'support_portal', 'support_agent',
  'service_ticket', 'service_asset', 'service_change', 'service_user',
  'deal', 'appointment', 'cpq_document', 'product', 'contact', 'sales_account', 'sales_activities', 'phone',
  'task', 'user_agent_availability', 'lead',
  'call', 'caller_conversation', 'caller_metrics', 'caller_agent', 'notification',
  'chat_user', 'chat_conversation',
] as const;

/** Exact npm version: the platform installs `dependencies` as pinned, not as ranges (manifest-docs.md). */
export const EXACT_VERSION_PATTERN = '^\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?$';

const nonEmptyMap = (value: SchemaObject): SchemaObject => ({
  type: 'object',
  minProperties: 1,
  additionalProperties: value,
});

const location: SchemaObject = nonEmptyMap({
  type: 'object',
  required: ['url', 'icon'],
  properties: { url: { type: 'string', minLength: 1 }, icon: { type: 'string', minLength: 1 } },
  additionalProperties: false,
});

const events: SchemaObject = nonEmptyMap({
  type: 'object',
  required: ['handler'],
  properties: { handler: { type: 'string', pattern: '^[A-Za-z_$][A-Za-z0-9_$]*$' } },
  additionalProperties: false,
});

// Templates are declared by name only; their definition lives in config/requests.json.
const requests: SchemaObject = nonEmptyMap({ type: 'object', maxProperties: 0 });

// [assumption] the docs disagree on allowed SMI timeouts (examples show 10 and 15, the text says
// 20/25/30), so any whole number of seconds up to the 30 s ceiling is accepted.
const functions: SchemaObject = nonEmptyMap({
  type: 'object',
  properties: { timeout: { type: 'integer', minimum: 1, maximum: 30 } },
  additionalProperties: false,
});

const version = { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+$' };

/** manifest.json of a Platform 3.0 app (platform3-manifest-structure.md, manifest-docs.md). */
export const manifestSchema: SchemaObject = {
  type: 'object',
  required: ['platform-version', 'modules', 'engines'],
  properties: {
    'platform-version': { const: '3.0' },
    modules: {
      type: 'object',
      minProperties: 1,
      propertyNames: { enum: ['common', ...PRODUCT_MODULES] },
      properties: {
        common: {
          type: 'object',
          properties: { location, events, requests, functions },
          additionalProperties: false,
        },
      },
      additionalProperties: {
        type: 'object',
        properties: { location, events },
        additionalProperties: false,
      },
    },
    engines: {
      type: 'object',
      required: ['node', 'fdk'],
      properties: { node: version, fdk: version },
      additionalProperties: false,
    },
    dependencies: {
      type: 'object',
      additionalProperties: { type: 'string', pattern: EXACT_VERSION_PATTERN },
    },
  },
  additionalProperties: false,
};
