import { classifyTemplateFailure, parseRetryAfter } from '../../src/remote/classify';
import { injixoError } from '../../src/remote/injixo-client';
import { freshdeskError } from '../../src/remote/freshdesk-client';

describe('classifyTemplateFailure', () => {
  it.each([
    [0, 'transient'],
    [408, 'transient'],
    [429, 'transient'],
    [500, 'transient'],
    [502, 'transient'],
    [503, 'transient'],
    [504, 'transient'],
    [401, 'auth'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [400, 'bad_request'],
    [413, 'bad_request'],
    [422, 'bad_request'],
    [409, 'bad_request'],
  ])('treats HTTP %i as %s', (status, kind) => {
    expect(classifyTemplateFailure({ status, headers: {}, response: '' }).kind).toBe(kind);
  });

  it('reads Retry-After whatever the header case', () => {
    expect(classifyTemplateFailure({ status: 429, headers: { 'Retry-After': '30' } }).retryAfterSeconds).toBe(30);
    expect(classifyTemplateFailure({ status: 429, headers: { 'retry-after': '2.5' } }).retryAfterSeconds).toBe(3);
  });

  it('ignores a Retry-After that is not a number of seconds', () => {
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('tells the platform limit from the remote 429 by the error source', () => {
    expect(classifyTemplateFailure({ status: 429, errorSource: 'PLATFORM' }).byPlatform).toBe(true);
    expect(classifyTemplateFailure({ status: 429, errorSource: 'APP' }).byPlatform).toBe(false);
  });

  it('copes with errors that are not objects', () => {
    const failure = classifyTemplateFailure('socket hang up');
    expect(failure).toMatchObject({ kind: 'transient', status: 0, detail: 'socket hang up' });
  });
});

describe('injixoError', () => {
  it.each([
    [401, 'INJIXO_KEY_REJECTED', 'injixo rejected the API key (HTTP 401)', false],
    [403, 'INJIXO_KEY_REJECTED', 'injixo rejected the API key (HTTP 403)', false],
    [400, 'INJIXO_BAD_REQUEST', 'injixo refused the request (HTTP 400): {"message":"bad"}', false],
    [404, 'INJIXO_NOT_FOUND', 'injixo answered 404: the API address is wrong', false],
    [503, 'INJIXO_UNAVAILABLE', 'injixo is unavailable (HTTP 503)', true],
  ])('maps HTTP %i to %s', (status, code, message, retryable) => {
    const error = injixoError({ status, response: '{"message":"bad"}' });
    expect(error).toMatchObject({ code, message, retryable, status });
  });

  it('says injixo did not answer on a network error', () => {
    expect(injixoError({ status: 0, message: 'timeout' }).message).toBe('injixo did not answer (timeout)');
  });

  it('reports the platform limit as such', () => {
    expect(injixoError({ status: 429, errorSource: 'PLATFORM' })).toMatchObject({ code: 'PLATFORM_LIMIT', name: 'PlatformLimitReached', retryable: true });
  });
});

describe('freshdeskError', () => {
  it('names the admin permission and the Groups API for a non-admin key', () => {
    const error = freshdeskError({ status: 403 }, 'the group list');
    expect(error.code).toBe('FRESHDESK_NOT_ADMIN');
    expect(error.message).toContain('Account Administrator');
    expect(error.message).toContain('Groups API');
  });

  it.each([
    [401, 'FRESHDESK_KEY_REJECTED'],
    [429, 'FRESHDESK_RATE_LIMITED'],
    [500, 'FRESHDESK_UNAVAILABLE'],
    [400, 'FRESHDESK_UNAVAILABLE'],
  ])('maps HTTP %i to %s', (status, code) => {
    expect(freshdeskError({ status }, 'ticket 1').code).toBe(code);
  });
});
