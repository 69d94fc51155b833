import { GUIDANCE } from '../../src/delivery/status/messages';
import { en } from '../../src/i18n/en';
import { fr } from '../../src/i18n/fr';
import { CATALOGUES, createTranslator, formatMessage, isMessageKey, pickLocale, placeholdersOf } from '../../src/i18n/translate';

const keys = Object.keys(en) as (keyof typeof en)[];

describe('message catalogues', () => {
  it('have exactly the same keys in English and French', () => {
    expect(Object.keys(fr).sort()).toEqual([...keys].sort());
    for (const catalogue of Object.values(CATALOGUES)) expect(Object.keys(catalogue).sort()).toEqual([...keys].sort());
  });

  it.each(keys)('has a non-empty French text for %s with the same placeholders as the English one', (key) => {
    expect(fr[key].trim()).not.toBe('');
    expect(en[key].trim()).not.toBe('');
    expect(placeholdersOf(fr[key])).toEqual(placeholdersOf(en[key]));
  });

  it('has guidance for every failure code the server reports, and nothing else', () => {
    const guidanceKeys = keys.filter((k) => k.startsWith('guidance.')).map((k) => k.slice('guidance.'.length)).sort();
    expect(guidanceKeys).toEqual(Object.keys(GUIDANCE).sort());
  });

  it('keeps install-blocking messages within the platform’s 60 characters, in both languages at once', () => {
    const blocked = keys.filter((k) => k.startsWith('install.blocked.'));
    expect(blocked.length).toBeGreaterThan(0);
    for (const key of blocked) {
      expect(en[key].length).toBeLessThanOrEqual(60);
      // The server learns no locale at install time, so one bilingual text serves both.
      expect(fr[key]).toBe(en[key]);
      expect(en[key]).toMatch(/ \/ /);
    }
  });

  it.each(keys)('writes French %s with typographic apostrophes (’), never a straight one', (key) => {
    expect(fr[key]).not.toContain("'");
  });

  it('never leaves an English guidance text untranslated in French', () => {
    for (const key of keys.filter((k) => k.startsWith('guidance.'))) expect(fr[key]).not.toBe(en[key]);
    for (const key of keys.filter((k) => k.startsWith('install.blocked.'))) expect(fr[key]).toContain('é');
  });
});

describe('pickLocale', () => {
  it.each([
    ['fr', 'fr'],
    ['fr-FR', 'fr'],
    ['FR_ca', 'fr'],
    [' fr ', 'fr'],
    ['en', 'en'],
    ['en-US', 'en'],
    ['de', 'en'],
    ['fry', 'en'],
    ['', 'en'],
    [undefined, 'en'],
    [42, 'en'],
  ])('reads %p as %s', (language, locale) => {
    expect(pickLocale(language)).toBe(locale);
  });
});

describe('formatMessage', () => {
  it('fills every occurrence of each placeholder', () => {
    expect(formatMessage('{a} and {b}, again {a}', { a: 1, b: 'two' })).toBe('1 and two, again 1');
  });

  it('leaves a placeholder without a value visible rather than dropping it', () => {
    expect(formatMessage('HTTP {status}')).toBe('HTTP {status}');
  });
});

describe('createTranslator', () => {
  it('translates with parameters in each language', () => {
    expect(createTranslator('en')('field.importWindow.days', { days: 30 })).toBe('Last 30 days');
    expect(createTranslator('fr')('field.importWindow.days', { days: 30 })).toBe('30 derniers jours');
  });

  it('tells message keys from other strings', () => {
    expect(isMessageKey('guidance.INJIXO_KEY_REJECTED')).toBe(true);
    expect(isMessageKey('guidance.SOMETHING_NEW')).toBe(false);
    expect(isMessageKey('toString')).toBe(false);
  });

  it('lists placeholders once each, sorted', () => {
    expect(placeholdersOf('{time}, HTTP {status} {time}')).toEqual(['status', 'time']);
    expect(placeholdersOf('no placeholder')).toEqual([]);
  });
});
