/**
 * One log line format for everything the app prints. Support staff read these in
 * Admin > Apps > the app > View logs, so each line says what happened, to which object
 * (ids only: never ticket bodies, never keys) and, for problems, what to do.
 * Codes come from the one table in log-codes.ts (a type only here: the table's texts stay out
 * of server/ at run time).
 */
import type { LogCode, LogLevel } from './log-codes';

export type { LogCode, LogLevel } from './log-codes';

export type LogFields = Record<string, string | number | boolean | undefined>;

export function formatLogLine(code: LogCode, text: string, fields: LogFields = {}): string {
  const extras = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${String(value)}`);
  return [`[injixo-connect] ${code}: ${text}`, ...extras].join(' ');
}

export function log(level: LogLevel, code: LogCode, text: string, fields: LogFields = {}): void {
  const line = formatLogLine(code, text, fields);
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.info(line);
}
