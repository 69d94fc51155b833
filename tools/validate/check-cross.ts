import * as fs from 'node:fs';
import * as path from 'node:path';
import { isObject, objectAt } from './check-manifest';
import { readEcmaVersion } from './ecma-version';
import type { FindingSink } from './findings';
import { listFiles } from './list-files';
import { readExportedHandlers } from './parse-script';

/** Every handler the manifest names (event handlers and SMI functions) with where it is named. */
function declaredHandlers(modules: Record<string, unknown>): Array<{ name: string; what: string }> {
  const out: Array<{ name: string; what: string }> = [];
  for (const [moduleName, mod] of Object.entries(modules)) {
    for (const [event, spec] of Object.entries(objectAt(mod, 'events'))) {
      const handler = isObject(spec) ? spec['handler'] : undefined;
      if (typeof handler === 'string') out.push({ name: handler, what: `the handler of event '${event}' in module '${moduleName}'` });
    }
    for (const fn of Object.keys(objectAt(mod, 'functions'))) out.push({ name: fn, what: `SMI function '${fn}'` });
  }
  return out;
}

/**
 * Every handler in manifest.json must be a key of server/server.js's literal `exports`
 * (marketplace skills errors/error-catalog.md, "SMI function not found"; SPEC §5).
 */
export function checkHandlers(appDir: string, modules: Record<string, unknown>, sink: FindingSink): void {
  const handlers = declaredHandlers(modules);
  if (handlers.length === 0) return;
  const serverFile = path.join(appDir, 'server', 'server.js');
  if (!fs.existsSync(serverFile)) {
    sink.error('server/server.js', 'server-exports', 'Mandatory file(s) missing: server/server.js (run npm run build)');
    return;
  }
  const exported = readExportedHandlers(fs.readFileSync(serverFile, 'utf8'), readEcmaVersion(appDir));
  if (!exported.ok) {
    sink.error('server/server.js', 'server-exports', exported.message, exported.line);
    return;
  }
  for (const { name, what } of handlers) {
    if (!exported.names.includes(name)) {
      sink.error('server/server.js', 'server-exports', `'${name}', ${what} of manifest.json, is not exported by server/server.js`);
    }
  }
}

const INVOKE_TEMPLATE = /invokeTemplate\(\s*(["'])([^"'\n]+)\1/g;

interface Invocation {
  name: string;
  file: string;
  line: number;
}

/** Literal template names passed to invokeTemplate in the code the app ships. */
export function findTemplateInvocations(appDir: string): Invocation[] {
  const js = (f: string): boolean => f.endsWith('.js');
  const serverDir = path.join(appDir, 'server');
  const files = [
    ...listFiles(serverDir, (f) => js(f) && (!f.includes(path.sep) || f.startsWith(`lib${path.sep}`))),
    ...listFiles(path.join(appDir, 'app'), js),
    ...listFiles(path.join(appDir, 'config'), js),
  ];
  const found: Invocation[] = [];
  for (const abs of files) {
    const source = fs.readFileSync(abs, 'utf8');
    for (const match of source.matchAll(INVOKE_TEMPLATE)) {
      found.push({
        name: match[2] ?? '',
        file: path.relative(appDir, abs).split(path.sep).join('/'),
        line: source.slice(0, match.index).split('\n').length,
      });
    }
  }
  return found;
}

/**
 * A template must be declared in manifest.json (`modules.common.requests`), defined in
 * config/requests.json, and the two lists must agree (marketplace skills errors/manifest-errors.md,
 * errors/request-method-errors.md, errors/error-catalog.md "Request template not found").
 */
export function checkTemplates(appDir: string, modules: Record<string, unknown>, requests: unknown, sink: FindingSink): void {
  const declared = new Set(Object.keys(objectAt(modules['common'], 'requests')));
  const defined = new Set(isObject(requests) ? Object.keys(requests) : []);
  for (const name of declared) {
    if (!defined.has(name)) sink.error('manifest.json', 'request-templates', `Request template '${name}' is not defined in config/requests.json`);
  }
  for (const name of defined) {
    // The FDK only warns here: an undeclared template is unusable but harmless.
    if (!declared.has(name)) sink.warn('config/requests.json', 'request-templates', `request template '${name}' is declared but not associated with any product`);
  }
  for (const call of findTemplateInvocations(appDir)) {
    if (!declared.has(call.name)) {
      sink.error(call.file, 'request-templates', `Request template '${call.name}' is not defined in manifest.json`, call.line);
    } else if (!defined.has(call.name)) {
      sink.error(call.file, 'request-templates', `Request template '${call.name}' is not defined in config/requests.json`, call.line);
    }
  }
}

/**
 * Each location's page and icon must exist under app/ (marketplace skills errors/error-catalog.md:
 * "icon.svg not found", "Mandatory folder(s) missing: app").
 */
export function checkLocations(appDir: string, modules: Record<string, unknown>, sink: FindingSink): void {
  const locations = Object.values(modules).flatMap((mod) => Object.entries(objectAt(mod, 'location')));
  if (locations.length === 0) return;
  if (!fs.existsSync(path.join(appDir, 'app'))) {
    sink.error('app', 'locations', 'Mandatory folder(s) missing: app');
    return;
  }
  for (const [placeholder, spec] of locations) {
    if (!isObject(spec)) continue;
    for (const key of ['url', 'icon']) {
      const rel = spec[key];
      if (typeof rel === 'string' && !fs.existsSync(path.join(appDir, 'app', rel))) {
        sink.error('manifest.json', 'locations', `${path.posix.basename(rel)} not found: the ${key} of location '${placeholder}' must be app/${rel}`);
      }
    }
  }
}
