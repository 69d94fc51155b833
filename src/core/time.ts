import { InvalidTimestamp } from './invalid-timestamp';

// Freshdesk sends `created_at` as "2021-11-05T12:45:13Z"; other producers (the local servers,
// hand-edited import files) may add fractional seconds or a numeric offset, so both are accepted.
// A zone is required: a local time without one cannot be placed in an injixo 15-minute interval.
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):?(\d{2}))$/;

const MS_PER_MINUTE = 60_000;

/** Epoch milliseconds of an ISO-8601 instant with a zone; throws `InvalidTimestamp` otherwise. */
export function parseFreshdeskTime(value: string): number {
  const match = ISO_INSTANT.exec(value);
  if (match === null) throw new InvalidTimestamp(value, 'it is not in the form YYYY-MM-DDTHH:MM:SS with Z or ±HH:MM');
  const part = (index: number): string => match[index] ?? '';
  const fields: InstantFields = {
    year: part(1),
    month: part(2),
    day: part(3),
    hour: part(4),
    minute: part(5),
    second: part(6),
    fraction: part(7),
    zone: part(8),
    sign: part(9),
    offsetHours: part(10),
    offsetMinutes: part(11),
  };
  const problem = dateProblem(fields) ?? timeProblem(fields);
  if (problem !== undefined) throw new InvalidTimestamp(value, problem);
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 onto 1900–1999.
  date.setUTCFullYear(Number(fields.year), Number(fields.month) - 1, Number(fields.day));
  date.setUTCHours(Number(fields.hour), Number(fields.minute), Number(fields.second), Number(fields.fraction.padEnd(3, '0').slice(0, 3)));
  const offset = (Number(fields.offsetHours) * 60 + Number(fields.offsetMinutes)) * MS_PER_MINUTE;
  return date.getTime() - (fields.sign === '-' ? -offset : offset);
}

/** The parts of an instant as the pattern captured them (empty when absent). */
interface InstantFields {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
  fraction: string;
  zone: string;
  sign: string;
  offsetHours: string;
  offsetMinutes: string;
}

function dateProblem({ year, month, day }: InstantFields): string | undefined {
  const mo = Number(month);
  if (mo < 1 || mo > 12) return `month ${month} does not exist`;
  const d = Number(day);
  if (d < 1 || d > daysInMonth(Number(year), mo)) return `day ${day} does not exist in ${year}-${month}`;
  return undefined;
}

function timeProblem({ hour, minute, second, zone, offsetHours, offsetMinutes }: InstantFields): string | undefined {
  // Leap second 60 is refused: JavaScript time has no place for it.
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return `time ${hour}:${minute}:${second} does not exist`;
  if (zone !== 'Z' && (Number(offsetHours) > 23 || Number(offsetMinutes) > 59)) return `offset ${zone} does not exist`;
  return undefined;
}

/**
 * Whether `value` is an instant the counting rules can turn into a contact: one `toUtcIso`
 * accepts. Validating less at the edge let `9999-12-31T23:30:00-05:00` (valid ISO, but year
 * 10000 in UTC) into the outbox, where it then stopped every delivery run (issue 19, item 8).
 */
export function isFreshdeskTime(value: string): boolean {
  try {
    toUtcIso(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Rule 11: the same instant as `YYYY-MM-DDTHH:MM:SSZ` in UTC, the form injixo takes (SPEC §3).
 * Fractional seconds are dropped (truncated): injixo buckets contacts into 15-minute intervals.
 */
export function toUtcIso(freshdeskTime: string): string {
  const iso = new Date(parseFreshdeskTime(freshdeskTime)).toISOString();
  // toISOString switches to a 6-digit signed year outside 0000–9999, which injixo cannot take.
  if (iso.length !== 24) throw new InvalidTimestamp(freshdeskTime, 'its UTC year is outside 0000–9999');
  return `${iso.slice(0, 19)}Z`;
}

/** injixo counts contacts per 15-minute interval (SPEC §9): gaps, the ledger and replays use the same one. */
export const INTERVAL_MS = 15 * 60_000;

/** An instant (ms) as ISO-8601 UTC, without `.000` when it falls on a whole second: the form stored and shown. */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}
