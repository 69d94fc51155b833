/** The replay form (issue 22): dates the page's way in the admin's zone, From before To, checked before sending. */
import { fromInputText, INPUT_PATTERN, toInputText } from '../../src/app/format';
import { readReplayForm } from '../../src/app/replay-form';
import { createTranslator } from '../../src/i18n/translate';

const NOW = Date.parse('2026-11-21T10:40:00Z');
const en = { t: createTranslator('en'), locale: 'en' as const, nowMs: NOW };
const fr = { t: createTranslator('fr'), locale: 'fr' as const, nowMs: NOW };

describe('date and time fields', () => {
  it.each([
    ['21/11/2026 11:35', 'Europe/Berlin', '2026-11-21T10:35:00.000Z'],
    ['21/11/2026 9h05', 'Europe/Paris', '2026-11-21T08:05:00.000Z'],
    ['1/3/2026', 'UTC', '2026-03-01T00:00:00.000Z'],
    [' 20-11-2026 20:00 ', 'America/New_York', '2026-11-21T01:00:00.000Z'],
  ])('reads %j in %s as %s', (text, zone, iso) => {
    expect(fromInputText(text, zone)).toBe(iso);
  });

  it.each(['11/31/2026 10:00', '31/02/2026 10:00', '21/11/2026 25:00', '2026-11-21T10:00', '21/11/26', ''])('refuses %j', (text) => {
    expect(fromInputText(text, 'UTC')).toBeUndefined();
  });

  it('writes an instant back the same way, in the zone', () => {
    expect(toInputText('2026-11-21T10:35:00Z', 'Europe/Berlin')).toBe('21/11/2026 11:35');
    expect(INPUT_PATTERN).toEqual({ en: 'dd/mm/yyyy hh:mm', fr: 'jj/mm/aaaa hh:mm' });
  });
});

describe('readReplayForm', () => {
  it('gives the window in UTC when both times read and From is before To', () => {
    expect(readReplayForm('20/11/2026 20:00', '21/11/2026 04:00', 'America/New_York', en)).toEqual({ ok: true, from: '2026-11-21T01:00:00.000Z', to: '2026-11-21T09:00:00.000Z' });
  });

  it('names the field and the format, with an example, in the page’s language', () => {
    expect(readReplayForm('11/21/2026', '21/11/2026 04:00', 'UTC', en)).toEqual({ ok: false, field: 'from', message: 'Write the start as dd/mm/yyyy hh:mm, for example 21/11/2026 09:00.' });
    expect(readReplayForm('21/11/2026 01:00', '', 'UTC', fr)).toEqual({ ok: false, field: 'to', message: 'Écrivez la fin au format jj/mm/aaaa hh:mm, par exemple 21/11/2026 09:00.' });
  });

  it('refuses a reversed or empty range before anything is sent', () => {
    expect(readReplayForm('21/11/2026 04:00', '20/11/2026 20:00', 'UTC', en)).toEqual({ ok: false, field: 'to', message: 'The start must be before the end.' });
    expect(readReplayForm('21/11/2026 04:00', '21/11/2026 04:00', 'UTC', en)).toMatchObject({ ok: false, field: 'to' });
  });
});
