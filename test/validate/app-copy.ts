import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateApp, type ValidateOptions, type ValidationReport } from '../../tools/validate/index';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The parts of the repo that make up the app the FDK sees. */
const APP_PARTS = ['manifest.json', 'package.json', 'config', 'app', 'server'];

/** Copies the real app into a fresh temp dir, so a test can break one thing in it. */
export function copyApp(): string {
  if (!fs.existsSync(path.join(REPO_ROOT, 'server', 'server.js'))) {
    throw new Error('server/server.js is missing: run `npm run build` before these tests');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fdk-app-'));
  for (const part of APP_PARTS) {
    const from = path.join(REPO_ROOT, part);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dir, part), { recursive: true });
  }
  return dir;
}

export function removeApp(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

// Tests reach deep into manifest and template JSON to break one field; a precise type would only add casts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonObject = Record<string, any>;

export function readJson(dir: string, file: string): JsonObject {
  return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as JsonObject;
}

/** Rewrites a JSON file of the copy through `edit`, which mutates the parsed value. */
export function editJson(dir: string, file: string, edit: (json: JsonObject) => void): void {
  const json = readJson(dir, file);
  edit(json);
  writeFile(dir, file, JSON.stringify(json, null, 2));
}

export function writeFile(dir: string, file: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), content);
}

export function removeFile(dir: string, file: string): void {
  fs.rmSync(path.join(dir, file), { recursive: true, force: true });
}

/**
 * Validates a fresh copy of the app after `breakIt` has damaged it; the copy is removed afterwards.
 * ESLint is off unless asked for: it is the slow part and only the lint tests need it.
 */
export async function validateBroken(breakIt: (dir: string) => void, options: ValidateOptions = { lint: false }): Promise<ValidationReport> {
  const dir = copyApp();
  try {
    breakIt(dir);
    return await validateApp(dir, options);
  } finally {
    removeApp(dir);
  }
}

/**
 * Gives the copy a plain config/iparams.json (and no custom page), so iparams tests do not depend
 * on which kind of installation page the real app has today. Every iparam the copy's templates
 * substitute is defined — secure when it is used in a header — then `extra` fields are added.
 * Returns the names of the secure fields.
 */
export function useIparamsJson(dir: string, extra: JsonObject = {}): string[] {
  removeFile(dir, 'config/iparams.html');
  removeFile(dir, 'config/assets');
  const fields: JsonObject = {};
  for (const template of Object.values(readJson(dir, 'config/requests.json')) as JsonObject[]) {
    for (const [part, value] of Object.entries(template['schema'] as JsonObject)) {
      const text = JSON.stringify(value);
      for (const match of text.matchAll(/iparam\.([A-Za-z_$][\w$]*)/g)) {
        const name = match[1] ?? '';
        const secure = part === 'headers' && fields[name]?.secure !== false;
        fields[name] = { display_name: name, type: 'text', secure };
      }
    }
  }
  writeFile(dir, 'config/iparams.json', JSON.stringify({ ...fields, ...extra }, null, 2));
  return Object.keys(fields).filter((name) => fields[name].secure === true);
}
