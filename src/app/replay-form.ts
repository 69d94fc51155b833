/**
 * The "Replay a period" form's own check (issue 22): both times written the page's way
 * (dd/mm/yyyy hh:mm in the admin's zone, format.ts) and From before To, before anything is sent.
 * A problem names its field, so the page shows it next to that field.
 */
import { fromInputText, INPUT_PATTERN, toInputText } from './format';
import type { Locale, Translate } from '../i18n/translate';

export type ReplayFormReading =
  | { ok: true; from: string; to: string }
  | { ok: false; field: 'from' | 'to'; message: string };

export function readReplayForm(fromText: string, toText: string, timeZone: string, { t, locale, nowMs }: { t: Translate; locale: Locale; nowMs: number }): ReplayFormReading {
  const pattern = INPUT_PATTERN[locale];
  const example = toInputText(new Date(Math.floor(nowMs / 3_600_000) * 3_600_000 - 3_600_000).toISOString(), timeZone);
  const from = fromInputText(fromText, timeZone);
  if (from === undefined) return { ok: false, field: 'from', message: t('replay.badFrom', { pattern, example }) };
  const to = fromInputText(toText, timeZone);
  if (to === undefined) return { ok: false, field: 'to', message: t('replay.badTo', { pattern, example }) };
  if (Date.parse(from) >= Date.parse(to)) return { ok: false, field: 'to', message: t('replay.refused.not_before') };
  return { ok: true, from, to };
}
