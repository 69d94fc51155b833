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

/** `iso` as a datetime-local input's value in `timeZone` ("2026-11-21T11:35"), for a form the admin reads in their zone. */
export function toZonedInput(iso: string, timeZone: string): string {
  return new Date(wallClock(Date.parse(iso), timeZone)).toISOString().slice(0, 16);
}

/**
 * The instant a datetime-local value ("2026-11-21T11:35") names in `timeZone`, as ISO UTC;
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
