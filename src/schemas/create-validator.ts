import type Ajv from 'ajv';
import type { ErrorObject, JSONSchemaType, Options, ValidateFunction } from 'ajv';
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

/**
 * The one Ajv configuration, shared by the runtime fallback and the build's standalone code
 * (tools/build/build.ts passes `extra.code`). `allErrors: false` stops at the first problem (one
 * message is all a log line needs); `verbose` exposes the failing schema so a pattern's
 * `description` can say what was expected.
 */
export function createAjv(extra: Options = {}): Ajv {
  // Loaded here, not at the top: the built server never reaches this (it runs the build's
  // precompiled validators), so each cold invocation skips loading the schema compiler.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: AjvClass } = require('ajv') as typeof import('ajv');
  const ajv = new AjvClass({ allErrors: false, strict: true, verbose: true, ...extra });
  ajv.addFormat(FRESHDESK_TIME_FORMAT, { type: 'string', validate: isFreshdeskTime });
  return ajv;
}

/**
 * A stable name for `schema` (FNV-1a of its JSON): the build exports each precompiled validator
 * under it. A schema edited without a rebuild gets a new name, so it can never be checked by
 * the old schema's code.
 */
export function schemaId(schema: object): string {
  const json = JSON.stringify(schema);
  let hash = 0x811c9dc5;
  for (let i = 0; i < json.length; i += 1) {
    hash ^= json.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `schema_${hash.toString(16).padStart(8, '0')}`;
}

const registeredSchemas: object[] = [];

/**
 * Every schema `createValidator` was given so far: the build requires the compiled modules
 * (which call `createValidator` at load) and precompiles exactly these.
 */
export function validatorSchemas(): readonly object[] {
  return registeredSchemas;
}

type Precompiled = Readonly<Record<string, ValidateFunction | undefined>>;

// undefined: not looked for yet; null: absent (the TypeScript sources, as ts-jest runs them).
let precompiled: Precompiled | null | undefined;

function precompiledValidators(): Precompiled | null {
  if (precompiled === undefined) {
    try {
      // Written by tools/build/build.ts next to the compiled schemas; not part of src/.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      precompiled = require('./standalone') as Precompiled;
    } catch (error) {
      if (!isStandaloneMissing(error)) throw error;
      precompiled = null;
    }
  }
  return precompiled;
}

/** Only the module's own absence means "not built"; a missing dependency of it is a real fault. */
function isStandaloneMissing(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && /^Cannot find module '[^']*standalone'/.test(message);
}

// Every platform invocation starts cold and a handler needs one schema, not all of them, so the
// fallback's instance and each schema are made on first use.
let sharedAjv: Ajv | undefined;

function validatorFor<T>(schema: JSONSchemaType<T>, rootLabel: string): ValidateFunction<T> {
  const built = precompiledValidators();
  if (built === null) {
    sharedAjv ??= createAjv();
    return sharedAjv.compile(schema);
  }
  const validate = built[schemaId(schema)];
  if (validate === undefined) {
    throw new Error(`createValidator: the build did not precompile the "${rootLabel}" schema ${schemaId(schema)}; call createValidator when its module loads`);
  }
  return validate as ValidateFunction<T>;
}

/** `basePath` places the input inside a larger document, for messages about one part of it. */
export type Validator<T> = (input: unknown, basePath?: readonly string[]) => Validated<T>;

/**
 * Wraps `schema` so it narrows `unknown` to `T`: with the build's precompiled code in the built
 * server, else compiled on first use. `rootLabel` names the whole input in messages (for
 * example `data` for a product event's `args.data`).
 */
export function createValidator<T>(schema: JSONSchemaType<T>, rootLabel: string): Validator<T> {
  registeredSchemas.push(schema);
  let validate: ValidateFunction<T> | undefined;
  // A list's items are named `<rootLabel>.<index>`: a field path never starts with a bare number.
  const rootPath = (schema as { type?: unknown }).type === 'array' ? [rootLabel] : [];
  return (input, basePath = []) => {
    validate ??= validatorFor(schema, rootLabel);
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
  const at = path.length === 0 ? rootLabel : path.join('.');
  const explain = EXPLAIN[decisive.keyword];
  if (explain) return explain({ decisive, errors, path, at });
  return { field: at, message: `${at} ${decisive.message ?? 'is invalid'}.` };
}

interface Failing {
  decisive: ErrorObject;
  errors: readonly ErrorObject[];
  /** Where the failing value sits, as field names. */
  path: readonly string[];
  /** The same, joined with dots, or the root label. */
  at: string;
}

function missingOrExtra(f: Failing, param: string, says: string): SchemaViolation {
  const name = [...f.path, String(f.decisive.params[param])].join('.');
  return { field: name, message: `${name} ${says}.` };
}

/** One sentence per ajv keyword a schema of ours can fail on. */
const EXPLAIN: Readonly<Record<string, (f: Failing) => SchemaViolation>> = {
  required: (f) => missingOrExtra(f, 'missingProperty', 'is required but missing'),
  additionalProperties: (f) => missingOrExtra(f, 'additionalProperty', 'is not allowed here'),
  type: (f) => ({ field: f.at, message: `${f.at} must be ${typeWords([f.decisive.params['type']])}.` }),
  anyOf: (f) => {
    const types = f.errors.filter((e) => e.keyword === 'type' && e.instancePath === f.decisive.instancePath).map((e): unknown => e.params['type']);
    // Branches that differ in more than their type (say two tuple lengths) have no one word for it.
    return { field: f.at, message: types.length > 0 ? `${f.at} must be ${typeWords(types)}.` : `${f.at} has none of the allowed forms.` };
  },
  const: (f) => ({ field: f.at, message: `${f.at} must be ${JSON.stringify(f.decisive.params['allowedValue'])}.` }),
  minItems: (f) => {
    const limit = Number(f.decisive.params['limit']);
    return { field: f.at, message: `${f.at} must have at least ${limit} ${limit === 1 ? 'item' : 'items'}.` };
  },
  // A property a `false` schema forbids in this case (say `handled` on an offered contact).
  'false schema': (f) => ({ field: f.at, message: `${f.at} is not allowed here.` }),
  pattern: expectedForm,
  format: expectedForm,
};

function expectedForm(f: Failing): SchemaViolation {
  const expected = (f.decisive.parentSchema as { description?: string } | undefined)?.description;
  return { field: f.at, message: `${f.at} must be ${expected ?? `in the ${String(f.decisive.params[f.decisive.keyword])} form`}.` };
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
