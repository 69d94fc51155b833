/* eslint-disable @typescript-eslint/prefer-promise-reject-errors -- the FDK client rejects with plain {status, message} objects, and these tests reproduce that. */
import { callFunction, FunctionCallError, pickBrowserLocale, readUserLocale, type FdkClient } from '../../src/app/fdk-client';
import { formatCount, formatDateTime, formatHour, resolveTimeZone } from '../../src/app/format';

function client(parts: { invoke?: FdkClient['request']['invoke']; data?: FdkClient['data']['get'] }): FdkClient {
  return {
    request: {
      invoke: parts.invoke ?? (() => Promise.reject(new Error('no invoke'))),
      invokeTemplate: () => Promise.reject(new Error('no templates')),
    },
    iparams: { get: () => Promise.resolve({}) },
    data: { get: parts.data ?? (() => Promise.reject(new Error('no data'))) },
  };
}

describe('callFunction', () => {
  it('returns what the server function rendered', async () => {
    const calls: unknown[] = [];
    const c = client({ invoke: (name, data) => (calls.push([name, data]), Promise.resolve({ requestID: 'r1', response: { state: 'flowing' } })) });
    await expect(callFunction(c, 'getStatus')).resolves.toEqual({ state: 'flowing' });
    expect(calls).toEqual([['getStatus', {}]]);
  });

  it('returns undefined when the answer has no response', async () => {
    await expect(callFunction(client({ invoke: () => Promise.resolve(null) }), 'x')).resolves.toBeUndefined();
  });

  it('turns an SMI rejection into a FunctionCallError with status and message', async () => {
    const c = client({ invoke: () => Promise.reject({ requestID: 'r', status: 404, message: 'Requested function not found or registered' }) });
    const error = await callFunction(c, 'testConnection').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FunctionCallError);
    expect(error).toMatchObject({ functionName: 'testConnection', status: 404, message: 'Requested function not found or registered, HTTP 404' });
  });

  it('keeps the words of a rejection without status or message', async () => {
    await expect(callFunction(client({ invoke: () => Promise.reject('offline') }), 'getStatus')).rejects.toThrow('offline');
    await expect(callFunction(client({ invoke: () => Promise.reject({ message: '' }) }), 'getStatus')).rejects.toThrow('[object Object]');
  });
});

describe('readUserLocale', () => {
  it.each([
    [{ loggedInUser: { language: 'fr' } }, 'fr'],
    [{ loggedInUser: { contact: { language: 'fr-CA' } } }, 'fr'],
    [{ loggedInUser: { contact: { language: 'de' } } }, 'en'],
  ])("reads the Freshdesk user's language from %j", async (data, locale) => {
    await expect(readUserLocale(client({ data: () => Promise.resolve(data) }), 'fr')).resolves.toBe(locale);
  });

  it('falls back to the given language when the user has none or the data method is refused', async () => {
    await expect(readUserLocale(client({ data: () => Promise.resolve({}) }), 'fr-FR')).resolves.toBe('fr');
    await expect(readUserLocale(client({ data: () => Promise.reject({ status: 400 }) }), 'fr')).resolves.toBe('fr');
    await expect(readUserLocale(client({}), undefined)).resolves.toBe('en');
  });

  it.each([
    [['de-DE', 'fr-FR', 'en'], 'fr'],
    [['en-GB', 'fr'], 'en'],
    [['de', 'es'], 'en'],
    [[], 'en'],
  ])('without a Freshdesk language takes the first of the browser’s languages %j it speaks: %s', async (languages, locale) => {
    await expect(readUserLocale(client({ data: () => Promise.reject({ status: 400 }) }), languages)).resolves.toBe(locale);
    expect(pickBrowserLocale(languages)).toBe(locale);
  });
});

describe('format', () => {
  it('writes dates and times the way each language does, always labelled with their zone', () => {
    expect(formatDateTime('2026-11-21T10:35:00Z', 'en', 'UTC')).toBe('21 Nov 2026, 10:35 (UTC)');
    expect(formatDateTime('2026-11-21T10:35:00Z', 'fr', 'UTC')).toBe('21 nov. 2026, 10:35 (UTC)');
    expect(formatDateTime('2026-11-21T10:35:00Z', 'en', 'Europe/Paris')).toBe('21 Nov 2026, 11:35 (Europe/Paris)');
  });

  it('labels chart hours in the zone asked for, half-hour zones included', () => {
    expect(formatHour('2026-11-21T10:00:00Z', 'en', 'Europe/Berlin')).toBe('11:00');
    expect(formatHour('2026-11-21T10:00:00Z', 'fr', 'Asia/Kolkata')).toBe('15:30');
    expect(resolveTimeZone('America/New_York')).toBe('America/New_York');
    expect(resolveTimeZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('shows an unreadable timestamp as it came', () => {
    expect(formatDateTime('yesterday', 'en', 'UTC')).toBe('yesterday');
  });

  it('groups thousands per language', () => {
    expect(formatCount(1234567, 'en')).toBe('1,234,567');
    expect(formatCount(1234567, 'fr')).toBe('1\u202f234\u202f567');
  });
});
