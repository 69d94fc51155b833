/**
 * What the local platform reads from an app folder: manifest.json (event handlers, declared
 * request templates, SMI functions, npm dependencies), config/requests.json and
 * config/iparams.json (which iparams are secure). Layout per architecture/platform3-manifest-structure.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isPlainObject } from './types';

export interface AppConfig {
  appDir: string;
  /** event name → handler name, from every module's `events`. */
  eventHandlers: Map<string, string>;
  /** Template names declared under modules.common.requests. */
  declaredRequests: Set<string>;
  /** Definitions from config/requests.json. */
  requestTemplates: Record<string, unknown>;
  /** SMI names declared under modules.common.functions. */
  functions: Set<string>;
  dependencies: Set<string>;
  secureIparams: Set<string>;
  /** The manifest's product modules (every module but common), for currentHost.subscribed_modules. */
  productModules: string[];
}

function readJson(file: string, fallback: unknown): unknown {
  if (!fs.existsSync(file)) return fallback;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`local platform: ${file} is not valid JSON (${(err as Error).message})`, { cause: err });
  }
}

function objectAt(value: unknown, key: string): Record<string, unknown> {
  const inner = isPlainObject(value) ? value[key] : undefined;
  return isPlainObject(inner) ? inner : {};
}

export function readAppConfig(appDir: string): AppConfig {
  const manifest = readJson(path.join(appDir, 'manifest.json'), undefined);
  if (!isPlainObject(manifest)) throw new Error(`local platform: ${path.join(appDir, 'manifest.json')} is missing or not an object`);
  const modules = objectAt(manifest, 'modules');
  const eventHandlers = new Map<string, string>();
  for (const mod of Object.values(modules)) {
    for (const [event, spec] of Object.entries(objectAt(mod, 'events'))) {
      const handler = isPlainObject(spec) ? spec.handler : undefined;
      if (typeof handler === 'string') eventHandlers.set(event, handler);
    }
  }
  const common = objectAt(modules, 'common');
  const iparams = readJson(path.join(appDir, 'config', 'iparams.json'), {});
  const secureIparams = new Set(
    Object.entries(isPlainObject(iparams) ? iparams : {})
      .filter(([, spec]) => isPlainObject(spec) && spec.secure === true)
      .map(([name]) => name),
  );
  const requests = readJson(path.join(appDir, 'config', 'requests.json'), {});
  return {
    appDir,
    eventHandlers,
    declaredRequests: new Set(Object.keys(objectAt(common, 'requests'))),
    requestTemplates: isPlainObject(requests) ? requests : {},
    functions: new Set(Object.keys(objectAt(common, 'functions'))),
    dependencies: new Set(Object.keys(objectAt(manifest, 'dependencies'))),
    productModules: Object.keys(modules).filter((m) => m !== 'common'),
    secureIparams,
  };
}
