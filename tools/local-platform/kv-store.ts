/**
 * The Key-value store (`$db`) of one installation, following runtime/keyvalue-store-docs.md
 * and the messages of errors/keyvalue-store-errors.md. Status codes other than 404 for a
 * missing record are not documented; 400 for every validation error is our choice. [assumption]
 */
import type { Clock } from '../clock';
import { isPlainObject, jsonBytes, rejectWith } from './types';

export const KV_MAX_KEY_LENGTH = 60;
export const KV_MAX_ENTRY_BYTES = 40 * 1024;

export type KvAction = 'increment' | 'append' | 'set' | 'remove';

interface Entry {
  value: Record<string, unknown>;
  /** Clock ms; undefined = never expires. */
  expiresAt: number | undefined;
}

/**
 * "The values in the JSON Object will be converted to null - empty strings, NaN, +/- Infinity"
 * (keyvalue-store-docs.md, considerations). Applied at every depth.
 */
function normalizeValue(value: unknown): unknown {
  if (value === '' || (typeof value === 'number' && !Number.isFinite(value))) return null;
  if (Array.isArray(value)) return value.map(normalizeValue);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalizeValue(v);
    return out;
  }
  return value;
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key.trim() === '') rejectWith(400, 'The key cannot be blank');
  if (key.length > KV_MAX_KEY_LENGTH) rejectWith(400, `Key length should not exceed ${KV_MAX_KEY_LENGTH} characters`);
  return key;
}

function entryBytes(key: string, value: Record<string, unknown>): number {
  return Buffer.byteLength(key, 'utf8') + jsonBytes(value);
}

function checkSize(bytes: number): void {
  if (bytes > KV_MAX_ENTRY_BYTES) rejectWith(400, 'The combined size of the key and value should not exceed 40KB');
}

function parseTtl(ttl: unknown, now: number): number | undefined {
  if (ttl === undefined) return undefined;
  if (typeof ttl !== 'number' || Number.isNaN(ttl) || ttl === 0) {
    rejectWith(400, 'Time to live(ttl) should be of type float and a non-zero value');
  }
  // "If you do not set the ttl value or if the value is negative, the key will exist forever."
  return ttl < 0 ? undefined : now + ttl * 1000;
}

function splitPath(path: unknown): string[] {
  if (typeof path !== 'string' || path === '' || path.split('.').some((p) => p === '')) {
    rejectWith(400, 'The keys or paths inside attributes object cannot be blank');
  }
  return path.split('.');
}

function setPath(target: Record<string, unknown>, parts: string[], value: unknown): void {
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

function removePath(target: Record<string, unknown>, parts: string[]): void {
  let node: unknown = target;
  for (const part of parts.slice(0, -1)) {
    node = isPlainObject(node) ? node[part] : undefined;
  }
  if (isPlainObject(node)) delete node[parts[parts.length - 1] as string];
}

export class KvStore {
  private readonly entries = new Map<string, Entry>();
  /**
   * Key + value bytes of the last set or update that got as far as the size check, accepted or
   * refused (undefined when it failed earlier): what the write attempted (the fault simulator).
   */
  lastEntryBytes: number | undefined;

  constructor(private readonly clock: Clock, private readonly fdkUpdateSemantics: boolean = true) {}

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: unknown, value: unknown, options: unknown = {}): { Created: true } {
    this.lastEntryBytes = undefined;
    const k = checkKey(key);
    if (!isPlainObject(value) || Object.keys(value).length === 0) {
      rejectWith(400, 'The value cannot be blank and should be of type JSON');
    }
    const opts = isPlainObject(options) ? options : {};
    const setIf = opts.setIf;
    if (setIf !== undefined && setIf !== 'exist' && setIf !== 'not_exist') {
      rejectWith(400, "setIf should be either 'exist' or 'not_exist'");
    }
    const expiresAt = parseTtl(opts.ttl, this.clock.now());
    const normalized = normalizeValue(value) as Record<string, unknown>;
    this.lastEntryBytes = entryBytes(k, normalized);
    checkSize(this.lastEntryBytes);
    const exists = this.live(k) !== undefined;
    // The platform's message for a failed setIf is not documented. [assumption]
    if ((setIf === 'exist' && !exists) || (setIf === 'not_exist' && exists)) {
      rejectWith(400, 'The setIf conditional request failed', 'error');
    }
    this.entries.set(k, { value: normalized, expiresAt });
    return { Created: true };
  }

  get(key: unknown): Record<string, unknown> {
    const entry = this.live(checkKey(key));
    if (!entry) rejectWith(404, 'Record not found', 'error');
    return copy(entry.value);
  }

  /** Deleting a missing key succeeds too: the docs describe no error for it. [assumption] */
  delete(key: unknown): { Deleted: true } {
    this.entries.delete(checkKey(key));
    return { Deleted: true };
  }

  update(key: unknown, action: unknown, attributes: unknown): { Updated: true } {
    this.lastEntryBytes = undefined;
    const k = checkKey(key);
    const entry = this.live(k);
    const next = this.applyUpdate(entry ? copy(entry.value) : undefined, action, attributes);
    this.lastEntryBytes = entryBytes(k, next);
    checkSize(this.lastEntryBytes);
    this.entries.set(k, { value: next, expiresAt: entry?.expiresAt });
    return { Updated: true };
  }

  private applyUpdate(current: Record<string, unknown> | undefined, action: unknown, attributes: unknown): Record<string, unknown> {
    const blankObject = !isPlainObject(attributes) || Object.keys(attributes).length === 0;
    switch (action) {
      case 'increment':
      case 'append': {
        if (blankObject) rejectWith(400, 'Attributes object cannot be empty and should be of type JSON or Array');
        const attrs = attributes;
        const base = current ?? {};
        for (const [name, delta] of Object.entries(attrs)) {
          if (name === '') rejectWith(400, 'The keys or paths inside attributes object cannot be blank');
          base[name] = action === 'increment' ? increment(base[name], delta) : append(base[name], delta);
        }
        return base;
      }
      case 'set': {
        if (blankObject) rejectWith(400, 'Attributes object cannot be empty and should be of type JSON or Array');
        // FDK semantics (fidelity.fdkUpdateSemantics): a missing key is created, as increment and
        // append do (keyvalue-store-docs.md). Otherwise refused like get.
        if (!current && !this.fdkUpdateSemantics) rejectWith(404, 'Record not found', 'error');
        const target = current ?? {};
        for (const [path, value] of Object.entries(attributes)) {
          setPath(target, splitPath(path), normalizeValue(value));
        }
        return target;
      }
      case 'remove': {
        if (!Array.isArray(attributes) || attributes.length === 0) {
          rejectWith(400, 'The attributes object passed to remove action should be of type array');
        }
        // FDK semantics: there is nothing to remove from, a bad request (400); the wording is ours. [assumption]
        if (!current) {
          if (this.fdkUpdateSemantics) rejectWith(400, 'The key to remove attributes from does not exist', 'error');
          rejectWith(404, 'Record not found', 'error');
        }
        for (const path of attributes) removePath(current, splitPath(path));
        return current;
      }
      default:
        return rejectWith(400, `Invalid update action '${String(action)}': use increment, append, set or remove`);
    }
  }

  /**
   * The key + value bytes a `set` or `update` would store, without storing it (undefined when
   * the call is invalid anyway): what a write refused before the store saw it had attempted.
   */
  measure(op: string, key: unknown, valueOrAction: unknown, attributes?: unknown): number | undefined {
    try {
      const k = checkKey(key);
      if (op === 'set') return isPlainObject(valueOrAction) ? entryBytes(k, normalizeValue(valueOrAction) as Record<string, unknown>) : undefined;
      if (op !== 'update') return undefined;
      const entry = this.live(k);
      return entryBytes(k, this.applyUpdate(entry ? copy(entry.value) : undefined, valueOrAction, attributes));
    } catch {
      return undefined;
    }
  }

  /** Live entries, for tests and reports (the platform itself has no key listing). */
  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of [...this.entries.keys()].sort()) {
      const entry = this.live(key);
      if (entry) out[key] = copy(entry.value);
    }
    return out;
  }

  clear(): void {
    this.entries.clear();
  }
}

function increment(existing: unknown, delta: unknown): number {
  if (typeof delta !== 'number' || !Number.isFinite(delta) || (existing !== undefined && typeof existing !== 'number')) {
    rejectWith(400, 'The value passed to increment should be of type number');
  }
  return ((existing) ?? 0) + delta;
}

function append(existing: unknown, items: unknown): unknown[] {
  if (!Array.isArray(items) || items.length === 0 || (existing !== undefined && !Array.isArray(existing))) {
    rejectWith(400, 'The value passed to append should be of type array and should not be an empty array');
  }
  return [...((existing as unknown[] | undefined) ?? []), ...(normalizeValue(items) as unknown[])];
}
