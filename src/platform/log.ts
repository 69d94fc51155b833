/**
 * One log line format for everything the app prints. Support staff read these in
 * Admin > Apps > the app > View logs, so each line says what happened, to which object
 * (ids only: never ticket bodies, never keys) and, for problems, what to do.
 */
export type LogLevel = 'info' | 'warn' | 'error';

export type LogFields = Record<string, string | number | boolean | undefined>;

export function formatLogLine(code: string, text: string, fields: LogFields = {}): string {
  const extras = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${String(value)}`);
  return [`[injixo-connect] ${code}: ${text}`, ...extras].join(' ');
}

export function log(level: LogLevel, code: string, text: string, fields: LogFields = {}): void {
  const line = formatLogLine(code, text, fields);
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.info(line);
}
