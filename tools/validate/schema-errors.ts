import Ajv, { type ErrorObject, type SchemaObject } from 'ajv';

/** One schema violation: where (JSON pointer segments) and what (ajv's wording, which the FDK reuses). */
export interface SchemaViolation {
  segments: string[];
  keyword: string;
  params: Record<string, unknown>;
  text: string;
}

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });

/** Validates `data` against `schema` and returns its violations in a flat, message-ready form. */
export function findSchemaViolations(schema: SchemaObject, data: unknown): SchemaViolation[] {
  const validate = ajv.compile(schema);
  if (validate(data)) return [];
  return (validate.errors ?? [])
    // The branches of an anyOf explain nothing on their own; the anyOf error itself is kept.
    .filter((err) => !err.schemaPath.includes('/anyOf/') && err.keyword !== 'propertyNames')
    .map((err) => ({
      segments: pointerSegments(err.instancePath),
      keyword: err.keyword,
      params: err.params as Record<string, unknown>,
      text: describeError(err),
    }));
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describeError(err: ErrorObject): string {
  const text = describeKeyword(err);
  return err.propertyName === undefined ? text : `has an invalid key '${err.propertyName}': ${text}`;
}

function describeKeyword(err: ErrorObject): string {
  const base = err.message ?? 'is invalid';
  const params = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'additionalProperties':
      return `${base} '${String(params['additionalProperty'])}'`;
    case 'enum':
      return `${base}: ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`;
    case 'const':
      return `${base}: ${JSON.stringify(params['allowedValue'])}`;
    default:
      return base;
  }
}
