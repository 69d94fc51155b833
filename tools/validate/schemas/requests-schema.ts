import type { SchemaObject } from 'ajv';

const stringMap: SchemaObject = { type: 'object', additionalProperties: { type: 'string' } };

/**
 * config/requests.json: template name → {schema, options}
 * (marketplace skills: architecture/request-templates-latest.md; errors/error-catalog.md for the
 * `body` and path rules; developers.freshworks.com "Request method" for the retry options).
 * `host` and `path` get dedicated checks with the FDK's own wording, so they are only typed here.
 */
export const requestsSchema: SchemaObject = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['schema'],
    properties: {
      schema: {
        type: 'object',
        // api/request-method-docs.md: `path` defaults to '/' when it is not given.
        required: ['method', 'host'],
        properties: {
          protocol: { enum: ['http', 'https'] },
          method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
          host: { type: 'string', minLength: 1 },
          path: { type: 'string' },
          headers: stringMap,
          query: stringMap,
        },
        // A template never carries a body: it is passed at invocation time.
        additionalProperties: false,
      },
      options: {
        type: 'object',
        properties: {
          // The platform retries network errors, 429 and 5xx at most 5 times in all.
          maxAttempts: { type: 'integer', minimum: 1, maximum: 5 },
          // Delays are capped at 1.5 s and move in 100 ms steps.
          retryDelay: { type: 'integer', minimum: 0, maximum: 1500, multipleOf: 100 },
          oauth: { type: 'string', minLength: 1 },
        },
        additionalProperties: false,
      },
    },
    additionalProperties: false,
  },
};
