import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkHandlers, checkLocations, checkTemplates } from './check-cross';
import { checkProductEvents, type TableEvent } from './check-events';
import { checkIparamsHtml, checkIparamsJson } from './check-iparams';
import { checkManifest, objectAt, readModules } from './check-manifest';
import { checkRequests, type IparamFacts } from './check-requests';
import { FindingSink, type ValidationReport } from './findings';
import { lintApp } from './lint-app';

export type { Finding, ValidationReport } from './findings';

const MISSING = Symbol('missing');

/** Parses a JSON file of the app; reports a syntax error and returns undefined for it. */
function readJson(appDir: string, file: string, sink: FindingSink): unknown {
  const abs = path.join(appDir, file);
  if (!fs.existsSync(abs)) return MISSING;
  try {
    return JSON.parse(fs.readFileSync(abs, 'utf8')) as unknown;
  } catch (err) {
    sink.error(file, 'json-syntax', `${file} is not valid JSON: ${(err as Error).message}`);
    return undefined;
  }
}

function checkIparams(appDir: string, sink: FindingSink): IparamFacts {
  const hasJson = fs.existsSync(path.join(appDir, 'config', 'iparams.json'));
  const hasHtml = fs.existsSync(path.join(appDir, 'config', 'iparams.html'));
  if (hasJson && hasHtml) {
    sink.error('config', 'iparams', 'Use either config/iparams.json or config/iparams.html, not both');
  }
  if (hasHtml) return checkIparamsHtml(appDir, sink);
  if (!hasJson) {
    sink.error('config/iparams.json', 'iparams', 'iparams.json is mandatory (or a custom config/iparams.html)');
    return { secure: new Set(), known: undefined };
  }
  const iparams = readJson(appDir, 'config/iparams.json', sink);
  return iparams === undefined ? { secure: new Set(), known: undefined } : checkIparamsJson(iparams, sink);
}

export interface ValidateOptions {
  /** Run ESLint over the built JavaScript (default true); schema and cross-checks always run. */
  lint?: boolean;
  /** The app's own product-event table (src/entry/events.ts), checked against the manifest when given. */
  productEvents?: readonly TableEvent[];
}

/**
 * Validates the app under `appDir` the way `fdk validate` does: manifest, request templates and
 * installation parameters against their schemas, the cross-references between them and the code,
 * then ESLint with the FDK's rules over the built JavaScript. Nothing is executed.
 */
export async function validateApp(appDir: string, options: ValidateOptions = {}): Promise<ValidationReport> {
  const sink = new FindingSink();
  const manifest = readJson(appDir, 'manifest.json', sink);
  if (manifest === MISSING) {
    sink.error('manifest.json', 'manifest', 'Mandatory file(s) missing: manifest.json');
  } else if (manifest !== undefined) {
    checkManifest(manifest, sink);
  }
  const iparams = checkIparams(appDir, sink);
  let requests = readJson(appDir, 'config/requests.json', sink);
  if (requests === MISSING) requests = {};
  else if (requests !== undefined) checkRequests(requests, iparams, sink);

  const modules = manifest === MISSING ? undefined : readModules(manifest);
  if (modules !== undefined) {
    checkHandlers(appDir, modules, sink);
    if (requests !== undefined) checkTemplates(appDir, modules, requests, sink);
    checkLocations(appDir, modules, sink);
    if (options.productEvents) checkProductEvents(modules, options.productEvents, sink);
  }
  if (options.lint !== false) {
    const dependencies = Object.keys(manifest === MISSING ? {} : objectAt(manifest, 'dependencies'));
    await lintApp(appDir, dependencies, sink);
  }
  return sink.report();
}
