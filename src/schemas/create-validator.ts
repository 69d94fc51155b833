import Ajv from 'ajv';
import type { ErrorObject, JSONSchemaType, ValidateFunction } from 'ajv';
import { isFreshdeskTime } from '../core/time';

/** What a validator returns: the input narrowed to `T`, or the first problem found. */
export type Validated<T> = { ok: true; value: T } | { ok: false; error: SchemaViolation };

export interface SchemaViolation {
  /** Dotted path from the validated root, e.g. `ticket.created_at` or `data.0.timestamp`. */
  field: string;
  /** One readable sentence naming the field, never its value (payloads may hold customer text). */
  message: string;
}

/** Format name for ISO-8601 instants with a zone, checked by the core's own parser. */
export const FRESHDESK_TIME_FORMAT = 'freshdesk-time';

// One instance for every schema. `allErrors: false` stops at the first problem (one message is
// all a log line needs); `verbose` exposes the failing schema so a pattern's `description` can
// say what was expected. Both the instance and each schema are made on first use: every
// platform invocation starts cold, and a handler needs one schema, not all of them.
let sharedAjv: Ajv | undefined;

function ajvInstance(): Ajv {
  if (!sharedAjv) {
    sharedAjv = new Ajv({ allErrors: false, strict: true, verbose: true });
    sharedAjv.addFormat(FRESHDESK_TIME_FORMAT, { type: 'string', validate: isFreshdeskTime });
  }
  return sharedAjv;
}

/** `basePath` places the input inside a larger document, for messages about one part of it. */
export type Validator<T> = (input: unknown, basePath?: readonly string[]) => Validated<T>;

/**
 * Compiles `schema` and wraps it so it narrows `unknown` to `T`. `rootLabel` names the whole
 * input in messages (for example `data` for a product event's `args.data`).
 */
export function createValidator<T>(schema: JSONSchemaType<T>, rootLabel: string): Validator<T> {
  let validate: ValidateFunction<T> | undefined;
  // A list's items are named `<rootLabel>.<index>`: a field path never starts with a bare number.
  const rootPath = (schema as { type?: unknown }).type === 'array' ? [rootLabel] : [];
  return (input, basePath = []) => {
    validate ??= ajvInstance().compile(schema);
    return validate(input) ? { ok: true, value: input } : { ok: false, error: violationFrom(validate.errors ?? [], rootLabel, [...rootPath, ...basePath]) };
  };
}

/** A required property that may be null (JSONSchemaType models `nullable` for optional ones only). */
export const nullableInteger = { anyOf: [{ type: 'integer' }, { type: 'null', nullable: true }] } as const;

export function violationFrom(errors: readonly ErrorObject[], rootLabel: string, basePath: readonly string[] = []): SchemaViolation {
  // With allErrors false ajv stops at the first failing keyword; an `anyOf` reports its
  // branches' errors first and itself last.
  const decisive = errors[errors.length - 1];
  if (decisive === undefined) return { field: rootLabel, message: `${rootLabel} is invalid.` };
  const path = [...basePath, ...pathOf(decisive.instancePath)];
  const field = (name: string): string => [...path, name].join('.');
  const at = path.length === 0 ? rootLabel : path.join('.');
  switch (decisive.keyword) {
    case 'required': {
      const name = field(String(decisive.params['missingProperty']));
      return { field: name, message: `${name} is required but missing.` };
    }
    case 'additionalProperties': {
      const name = field(String(decisive.params['additionalProperty']));
      return { field: name, message: `${name} is not allowed here.` };
    }
    case 'type':
      return { field: at, message: `${at} must be ${typeWords([decisive.params['type']])}.` };
    case 'anyOf': {
      const types = errors.filter((e) => e.keyword === 'type' && e.instancePath === decisive.instancePath).map((e): unknown => e.params['type']);
      return { field: at, message: `${at} must be ${typeWords(types)}.` };
    }
    case 'const':
      return { field: at, message: `${at} must be ${JSON.stringify(decisive.params['allowedValue'])}.` };
    case 'minItems': {
      const limit = Number(decisive.params['limit']);
      return { field: at, message: `${at} must have at least ${limit} ${limit === 1 ? 'item' : 'items'}.` };
    }
    case 'pattern':
    case 'format': {
      const expected = (decisive.parentSchema as { description?: string } | undefined)?.description;
      return { field: at, message: `${at} must be ${expected ?? `in the ${String(decisive.params[decisive.keyword])} form`}.` };
    }
    default:
      return { field: at, message: `${at} ${decisive.message ?? 'is invalid'}.` };
  }
}

/** JSON pointer `/data/0/time~1zone` → `['data', '0', 'time/zone']`. */
function pathOf(instancePath: string): string[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function typeWords(types: readonly unknown[]): string {
  return types
    .flatMap((t): unknown[] => (Array.isArray(t) ? (t as unknown[]) : [t]))
    .map((t) => TYPE_WORDS[String(t)] ?? String(t))
    .join(' or ');
}
