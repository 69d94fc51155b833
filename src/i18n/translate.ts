import { en, type Catalogue, type MessageKey } from './en';
import { fr } from './fr';

export type Locale = 'en' | 'fr';
export type { MessageKey } from './en';

export const CATALOGUES: Record<Locale, Catalogue> = { en, fr };

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

/** The placeholder names of a message, sorted and without repeats. */
export function placeholdersOf(message: string): string[] {
  return [...new Set([...message.matchAll(PLACEHOLDER)].map((m) => m[1] as string))].sort();
}

/**
 * Freshdesk language codes look like `fr`, `fr-CA` or `en`; anything that is not French falls
 * back to English, the language every string is written in first.
 */
export function pickLocale(language: unknown): Locale {
  return typeof language === 'string' && /^fr(?:[-_]|$)/i.test(language.trim()) ? 'fr' : 'en';
}

/** Fills `{name}` placeholders; a missing parameter stays visible as `{name}` rather than vanishing. */
export function formatMessage(message: string, params: Params = {}): string {
  return message.replace(PLACEHOLDER, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

export function createTranslator(locale: Locale): Translate {
  const catalogue = CATALOGUES[locale];
  return (key, params) => formatMessage(catalogue[key], params);
}

/** Whether `key` names a message (for keys built at run time, e.g. from a failure code). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}
