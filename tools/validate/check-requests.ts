import { isObject } from './check-manifest';
import type { FindingSink } from './findings';
import { findSchemaViolations } from './schema-errors';
import { requestsSchema } from './schemas/requests-schema';

const FILE = 'config/requests.json';

/** What the installation page declares, as far as the templates need it. */
export interface IparamFacts {
  /** Names of secure iparams. */
  secure: Set<string>;
  /** Every iparam name, when config/iparams.json lists them; undefined for a custom page. */
  known: Set<string> | undefined;
}

/** Template substitutions: `<%= iparam.x %>`, `<%= context.x %>`, `<%= encode(...) %>`. */
const SUBSTITUTION = /<%=([\s\S]*?)%>/g;
const IPARAM_REFERENCE = /\biparam\.([A-Za-z_$][\w$]*)/g;

/**
 * Checks config/requests.json: shape, host and path rules, and where iparams are substituted.
 * Sources: marketplace skills architecture/request-templates-latest.md ("Installation parameters
 * (iparams) in Request Templates": secure values only in headers), errors/error-catalog.md
 * (host must not have a path, path must start with '/', no body).
 */
export function checkRequests(requests: unknown, iparams: IparamFacts, sink: FindingSink): void {
  for (const v of findSchemaViolations(requestsSchema, requests)) {
    const [name, ...rest] = v.segments;
    const where = rest.length > 0 ? ` ${rest.join('/')}` : '';
    sink.error(FILE, 'requests-schema', name === undefined ? `${v.text} in ${FILE}` : `Request template '${name}'${where} ${v.text}`);
  }
  if (!isObject(requests)) return;
  for (const [name, template] of Object.entries(requests)) {
    const schema = isObject(template) && isObject(template['schema']) ? template['schema'] : undefined;
    if (schema === undefined) continue;
    checkHost(name, schema['host'], sink);
    checkPath(name, schema['path'], sink);
    checkIparamUse(name, schema, iparams, sink);
  }
}

function checkHost(name: string, host: unknown, sink: FindingSink): void {
  if (typeof host !== 'string') return;
  const literal = host.replace(SUBSTITUTION, 'x');
  if (literal.includes('/')) {
    sink.error(FILE, 'requests-host', `Request template '${name}' schema/host must not have path or protocol: '${host}'`);
    return;
  }
  const onlySubstitution = host.includes('<%=') && host.replace(SUBSTITUTION, '').trim() === '';
  const fqdn = /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
  if (!onlySubstitution && !fqdn.test(literal)) {
    sink.error(FILE, 'requests-host', `Request template '${name}' schema/host must be a fully qualified domain name or a substitution: '${host}'`);
  }
}

function checkPath(name: string, path: unknown, sink: FindingSink): void {
  if (typeof path === 'string' && !path.startsWith('/')) {
    sink.error(FILE, 'requests-path', `Request template '${name}' schema/path must start with '/'`);
  }
}

function checkIparamUse(name: string, schema: Record<string, unknown>, iparams: IparamFacts, sink: FindingSink): void {
  for (const [part, text] of templateStrings(schema)) {
    for (const iparam of referencedIparams(text)) {
      if (iparams.secure.has(iparam) && !part.startsWith('headers')) {
        sink.error(FILE, 'requests-secure-iparam',
          `Invalid iparam substitution: secure iparam '${iparam}' is used in schema/${part} of request template '${name}'; secure iparams may appear only in headers`);
      }
      if (iparams.known !== undefined && !iparams.known.has(iparam)) {
        sink.error(FILE, 'requests-unknown-iparam',
          `Request template '${name}' schema/${part} uses iparam '${iparam}', which config/iparams.json does not define`);
      }
    }
  }
}

/** Every string of a template schema that may hold substitutions, with where it sits. */
function templateStrings(schema: Record<string, unknown>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const key of ['host', 'path']) {
    const value = schema[key];
    if (typeof value === 'string') out.push([key, value]);
  }
  for (const key of ['headers', 'query']) {
    const map = schema[key];
    if (!isObject(map)) continue;
    for (const [field, value] of Object.entries(map)) {
      if (typeof value === 'string') out.push([`${key}/${field}`, value]);
    }
  }
  return out;
}

function referencedIparams(text: string): Set<string> {
  const names = new Set<string>();
  for (const sub of text.matchAll(SUBSTITUTION)) {
    for (const ref of (sub[1] ?? '').matchAll(IPARAM_REFERENCE)) names.add(ref[1] ?? '');
  }
  return names;
}
