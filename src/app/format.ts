import type { Locale } from '../i18n/translate';

const INTL_LOCALE: Record<Locale, string> = { en: 'en-GB', fr: 'fr-FR' };

/** The zone times are shown in: the one asked for, else the browser's (the admin's own machine). */
export function resolveTimeZone(timeZone?: string): string {
  return timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * A date and time for people, always labelled with its zone ("21 Nov 2026, 10:35 (Europe/Berlin)"),
 * so nobody has to guess whether a page speaks UTC or local time. An unreadable value is shown as is.
 */
export function formatDateTime(iso: string, locale: Locale, timeZone: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const text = new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(time);
  return `${text} (${timeZone})`;
}

/** The start of a chart bucket: "14:00", or "14:30" in a zone half an hour off UTC. */
export function formatHour(iso: string, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(Date.parse(iso));
}

export function formatCount(value: number, locale: Locale): string {
  return new Intl.NumberFormat(INTL_LOCALE[locale]).format(value);
}

/** The wall clock of `ms` in `timeZone`, as the numbers Date.UTC takes (minutes precision). */
function wallClock(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(ms);
  const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'));
}

/**
 * The instant a wall-clock time ("2026-11-21T11:35") names in `timeZone`, as ISO UTC;
 * undefined when it is not such a value. Two passes find the zone's offset at that instant
 * (a daylight-saving change moves it).
 */
export function fromZonedInput(local: string, timeZone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local.trim());
  if (!match) return undefined;
  const [y, mo, d, h, mi] = match.slice(1).map(Number) as [number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  const first = asUtc - (wallClock(asUtc, timeZone) - asUtc);
  const instant = asUtc - (wallClock(first, timeZone) - first);
  return new Date(instant).toISOString();
}

const MINUTE_MS = 60_000;

/**
 * How long ago (negative `deltaMs`) or how soon (positive), in the page's language: "4 minutes
 * ago", "il y a 2 heures", "in 6 minutes", "dans 6 minutes"; "now" under half a minute. Minutes
 * up to an hour, hours up to two days, then days.
 */
export function formatRelative(deltaMs: number, locale: Locale): string {
  const format = new Intl.RelativeTimeFormat(INTL_LOCALE[locale], { numeric: 'auto' });
  const minutes = Math.round(deltaMs / MINUTE_MS);
  if (Math.abs(minutes) < 60) return format.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 48) return format.format(hours, 'hour');
  return format.format(Math.round(hours / 24), 'day');
}

/** A time of day for people ("14:05"), in `timeZone`, 24-hour in both languages. */
export function formatTime(iso: string, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(Date.parse(iso));
}

/**
 * The date-and-time fields of the replay form: written the way the page writes dates
 * (day/month/year, 24-hour clock, en-GB and fr-FR alike), in the admin's zone. The browser's
 * datetime-local showed mm/dd/yyyy on a French page (issue 22).
 */
export const INPUT_PATTERN: Record<Locale, string> = { en: 'dd/mm/yyyy hh:mm', fr: 'jj/mm/aaaa hh:mm' };

/** `iso` as the form writes it in `timeZone`: "21/11/2026 11:35". */
export function toInputText(iso: string, timeZone: string): string {
  const wall = new Date(wallClock(Date.parse(iso), timeZone)).toISOString();
  return `${wall.slice(8, 10)}/${wall.slice(5, 7)}/${wall.slice(0, 4)} ${wall.slice(11, 16)}`;
}

/**
 * What the admin typed ("21/11/2026 11:35", "21/11/2026 9h05", "21/11/2026" = midnight) as the
 * instant it names in `timeZone`, ISO UTC; undefined when it is not a real date and time.
 */
export function fromInputText(text: string, timeZone: string): string | undefined {
  const wall = readWallClock(text);
  return wall === undefined ? undefined : fromZonedInput(wall, timeZone);
}

/** "21/11/2026 9h05" → "2026-11-21T09:05"; undefined unless it names a real day and time. */
function readWallClock(text: string): string | undefined {
  const match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T,]+(\d{1,2})[:hH.](\d{2}))?$/.exec(text.trim());
  if (!match) return undefined;
  const [d, mo, y, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(match[i] ?? 0)) as [number, number, number, number, number];
  // 31/02 or 25:00 roll over in Date.UTC: refuse rather than send another day.
  const iso = new Date(Date.UTC(y, mo - 1, d, h, mi)).toISOString().slice(0, 16);
  const two = (n: number): string => String(n).padStart(2, '0');
  const wanted = `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}`;
  return iso === wanted ? wanted : undefined;
}
