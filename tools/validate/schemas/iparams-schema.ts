import type { SchemaObject } from 'ajv';

/**
 * Field types config/iparams.json accepts
 * (marketplace skills: errors/installation-parameters-errors.md, "Fixing invalid type error").
 */
export const IPARAM_TYPES = [
  'text', 'paragraph', 'dropdown', 'email', 'number', 'phone_number', 'date', 'url',
  'radio', 'checkbox', 'multiselect', 'domain', 'api_key',
] as const;

/** Types whose values come from a fixed `options` list. */
export const OPTION_TYPES: readonly string[] = ['dropdown', 'radio', 'multiselect'];

/** Types that need `type_attributes.product` (installation-parameters-errors.md). */
export const PRODUCT_BOUND_TYPES: readonly string[] = ['domain', 'api_key'];

export const IPARAM_PRODUCTS = ['freshdesk', 'freshservice', 'freshsales', 'freshworks_crm'] as const;

const option: SchemaObject = {
  anyOf: [
    { type: ['string', 'number'] },
    {
      type: 'object',
      required: ['value'],
      properties: { label: { type: 'string' }, value: { type: ['string', 'number'] } },
    },
  ],
};

/**
 * Shape of each field. Missing keys, unknown types and default values get their own checks
 * with the FDK's wording, so they are not `required`/`enum` here.
 */
export const iparamsSchema: SchemaObject = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    properties: {
      display_name: { type: 'string', minLength: 1 },
      description: { type: 'string' },
      type: { type: 'string' },
      required: { type: 'boolean' },
      secure: { type: 'boolean' },
      visible: { type: 'boolean' },
      options: { type: 'array', minItems: 1, items: option },
      type_attributes: { type: 'object', properties: { product: { type: 'string' } } },
      regex: { type: 'object' },
      events: { type: 'array' },
    },
  },
};
