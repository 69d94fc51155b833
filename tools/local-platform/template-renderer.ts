/**
 * Renders a request template of config/requests.json the way `$request.invokeTemplate` does.
 * Sources: architecture/request-templates-latest.md and api/request-method-docs.md
 * (schema fields, substitutions, where secure iparams may go, options ranges, Content-Types),
 * errors/request-method-errors.md and errors/error-catalog.md (error texts and the
 * `{status: 400, response: 'runtime validation failed.', errors, errorSource, attempts}` shape).
 */
import { isPlainObject, PlatformCallError } from './types';

export interface RenderInput {
  iparams: Record<string, unknown>;
  /** Names of iparams declared `secure: true` in config/iparams.json. */
  secureIparams: ReadonlySet<string>;
  context: Record<string, unknown>;
  /** e.g. {freshdesk: 'https://acme.freshdesk.com'} */
  endpointUrls: Record<string, string>;
  /** fidelity.strictHost: render current_host as given (https://…); false strips scheme and slash. */
  strictHost: boolean;
}

export interface RenderedRequest {
  method: string;
  protocol: 'https' | 'http';
  host: string;
  path: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  maxAttempts: number;
  retryDelay: number;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
// api/request-method-docs.md: the Content-Types the platform supports. The same list decides
// which response types it accepts (SPEC §5: 415 otherwise). [assumption: one list for both]
export const CONTENT_TYPES = new Set([
  'application/json', 'application/xml', 'text/html', 'text/xml', 'application/jsonp',
  'text/plain', 'text/javascript', 'application/vnd.api+json',
]);

/** True when a Content-Type header value names one of the supported media types (parameters ignored). */
export function isSupportedContentType(value: string): boolean {
  return CONTENT_TYPES.has((value.split(';')[0] ?? '').trim().toLowerCase());
}
const SCHEMA_KEYS = new Set(['protocol', 'method', 'host', 'path', 'headers', 'query']);

/** The platform's runtime validation failure (errors/request-method-errors.md). */
export function validationError(instancePath: string, message: string): PlatformCallError {
  return new PlatformCallError(
    {
      status: 400,
      headers: {},
      response: 'runtime validation failed.',
      errors: [{ message, instancePath }],
      errorSource: 'APP',
      attempts: 1,
      message: `${instancePath} ${message}`,
    },
    'rejected',
  );
}

function substitutionError(detail: string): PlatformCallError {
  return new PlatformCallError(
    { status: 400, headers: {}, response: 'Error while substituting the templates', errorSource: 'APP', attempts: 1, message: `Error while substituting the templates: ${detail}` },
    'rejected',
  );
}

const TERM = /^\s*(?:'([^']*)'|"([^"]*)"|(iparam|context)\.([A-Za-z_$][\w$]*)|current_host\.endpoint_urls\.([A-Za-z_$][\w$]*))\s*$/;

/** Splits `a + 'b' + c` on the `+` signs outside quotes. */
function splitConcat(expr: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const ch of expr) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '+') {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}

function scalar(value: unknown, what: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw substitutionError(`${what} is ${value === undefined ? 'not set' : 'not a string, number or boolean'}`);
}

function evaluate(expr: string, field: string, input: RenderInput): string {
  const encode = /^\s*encode\(([\s\S]*)\)\s*$/.exec(expr);
  const body = encode ? (encode[1] as string) : expr;
  const text = splitConcat(body)
    .map((term) => {
      const m = TERM.exec(term);
      if (!m) throw substitutionError(`unsupported expression <%= ${expr.trim()} %> in ${field}`);
      if (m[1] !== undefined || m[2] !== undefined) return m[1] ?? m[2] ?? '';
      if (m[5] !== undefined) {
        const url = scalar(input.endpointUrls[m[5]], `current_host.endpoint_urls.${m[5]}`);
        // Documented as the account URL with https:// (architecture/current_host.md), which the
        // host check then refuses. Only the relaxed mode strips it, as nothing documents. [assumption]
        return input.strictHost ? url : url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '');
      }
      const name = m[4] as string;
      if (m[3] === 'context') return scalar(input.context[name], `context.${name}`);
      if (input.secureIparams.has(name) && !field.startsWith('/schema/headers/')) {
        throw validationError(field, `Invalid iparam substitution: secure iparam '${name}' may only be used in schema.headers`);
      }
      return scalar(input.iparams[name], `iparam.${name}`);
    })
    .join('');
  return encode ? Buffer.from(text, 'utf8').toString('base64') : text;
}

function render(value: unknown, field: string, input: RenderInput): string {
  if (typeof value !== 'string') throw validationError(field, 'must be string');
  return value.replace(/<%=([\s\S]*?)%>/g, (_m, expr: string) => evaluate(expr, field, input));
}

function renderMap(value: unknown, field: string, input: RenderInput): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw validationError(field, 'must be object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = render(v, `${field}/${k}`, input);
  return out;
}

/** Host rules of api/request-method-docs.md: an FQDN, no protocol, path, port or IP. */
export function checkHost(host: string): void {
  const problem =
    host === '' ? 'must not be empty'
    : /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? 'must not have protocol'
    : /[/?#]/.test(host) ? 'must not have path'
    : host.includes(':') ? 'must not have port'
    : /^\d+(\.\d+){3}$/.test(host) ? 'must not be an IP address'
    : !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(host) ? 'must be a fully qualified domain name'
    : undefined;
  if (problem) throw validationError('/schema/host', `${problem}: ${host}`);
}

function readOptions(options: unknown): { maxAttempts: number; retryDelay: number } {
  const o = isPlainObject(options) ? options : {};
  const maxAttempts = o.maxAttempts ?? 1;
  const retryDelay = o.retryDelay ?? 0;
  if (typeof maxAttempts !== 'number' || !Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 5) {
    throw validationError('/options/maxAttempts', 'must be an integer from 1 to 5');
  }
  if (typeof retryDelay !== 'number' || !Number.isInteger(retryDelay) || retryDelay < 0 || retryDelay > 1500 || retryDelay % 100 !== 0) {
    throw validationError('/options/retryDelay', 'must be a multiple of 100 from 0 to 1500');
  }
  return { maxAttempts, retryDelay };
}

export function renderTemplate(template: unknown, input: RenderInput): RenderedRequest {
  const schema = isPlainObject(template) ? template.schema : undefined;
  if (!isPlainObject(schema)) throw validationError('/schema', 'must be object');
  const extra = Object.keys(schema).find((k) => !SCHEMA_KEYS.has(k));
  if (extra !== undefined) throw validationError('/schema', `must NOT have additional properties '${extra}'`);
  const method = schema.method;
  if (typeof method !== 'string' || !METHODS.has(method)) throw validationError('/schema/method', 'must be one of GET, POST, PUT, DELETE, PATCH');
  const protocol = schema.protocol ?? 'https';
  if (protocol !== 'https' && protocol !== 'http') throw validationError('/schema/protocol', 'must be https (http only for local testing)');
  const host = render(schema.host ?? '', '/schema/host', input);
  checkHost(host);
  const path = schema.path === undefined ? '/' : render(schema.path, '/schema/path', input);
  if (!path.startsWith('/')) throw validationError('/schema/path', "must start with '/'");
  const headers = renderMap(schema.headers, '/schema/headers', input);
  const contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  if (contentType !== undefined && !isSupportedContentType(contentType)) {
    throw new PlatformCallError({ status: 415, headers: {}, response: 'Unsupported content type', errorSource: 'APP', attempts: 1, message: `Unsupported content type: ${contentType}` }, 'rejected');
  }
  return { method, protocol, host, path, headers, query: renderMap(schema.query, '/schema/query', input), ...readOptions(template && (template as Record<string, unknown>).options) };
}
