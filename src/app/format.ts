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
