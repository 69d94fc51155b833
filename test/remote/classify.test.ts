import { classifyTemplateFailure, parseRetryAfter } from '../../src/remote/classify';
import { injixoError } from '../../src/remote/injixo-client';
import { freshdeskError } from '../../src/remote/freshdesk-client';

/** The template failures of the delivery runs and key checks that post to injixo. */
const classifyInjixoFailure = (error: unknown) => classifyTemplateFailure(error, 'injixo');

/** SPEC §5: the platform's own request limit, as the reworded docs give it. */
const PLATFORM_LIMIT_REFUSAL = { status: 429, message: 'You have exceeded the limit of 50 requests per minute', errorSource: 'APP' };

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
    expect(classifyInjixoFailure({ status, headers: {}, response: '' }).kind).toBe(kind);
  });

  it('reads Retry-After whatever the header case', () => {
    expect(classifyInjixoFailure({ status: 429, headers: { 'Retry-After': '30' } }).retryAfterSeconds).toBe(30);
    expect(classifyInjixoFailure({ status: 429, headers: { 'retry-after': '2.5' } }).retryAfterSeconds).toBe(3);
  });

  it('ignores a Retry-After that is not a number of seconds', () => {
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('tells the platform limit from a remote 429 by status and message, since both say errorSource APP', () => {
    expect(classifyInjixoFailure(PLATFORM_LIMIT_REFUSAL).byPlatform).toBe(true);
    expect(classifyInjixoFailure({ status: 429, message: 'You have exceeded the limit of 100 requests per minute', errorSource: 'APP' }).byPlatform).toBe(true);
    expect(classifyInjixoFailure({ status: 429, headers: { 'retry-after': '5' }, response: '{"message":"slow down"}', errorSource: 'APP' }).byPlatform).toBe(false);
    expect(classifyInjixoFailure({ status: 429, errorSource: 'PLATFORM' }).byPlatform).toBe(false);
    expect(classifyInjixoFailure({ status: 503, message: PLATFORM_LIMIT_REFUSAL.message, errorSource: 'APP' }).byPlatform).toBe(false);
  });

  it('gives a 415 (the platform refusing the answer\'s content type) its own kind, never bad_request', () => {
    expect(classifyInjixoFailure({ status: 415, headers: {}, response: 'Unsupported Media Type', errorSource: 'PLATFORM' }).kind).toBe('unaccepted_answer');
  });

  it('copes with errors that are not objects', () => {
    const failure = classifyInjixoFailure('socket hang up');
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

  it('reports the platform limit as such, and injixo\'s own 429 as injixo being unavailable', () => {
    expect(injixoError(PLATFORM_LIMIT_REFUSAL)).toMatchObject({ code: 'PLATFORM_LIMIT', name: 'PlatformLimitReached', retryable: true });
    expect(injixoError({ status: 429, headers: {}, response: '', errorSource: 'APP' })).toMatchObject({ code: 'INJIXO_UNAVAILABLE', retryable: true });
  });

  it('calls a batch whose answer the platform refused (415) unconfirmed: injixo may have stored it', () => {
    const error = injixoError({ status: 415, headers: {}, response: 'Unsupported Media Type', errorSource: 'PLATFORM' });
    expect(error).toMatchObject({ code: 'UNACCEPTED_ANSWER', name: 'PlatformRefusedAnswer', retryable: true, status: 415, unconfirmed: true });
    expect(error.message).toBe("the platform refused injixo's answer (HTTP 415, content type not accepted); injixo may have stored the batch");
  });

  it.each([
    [{ status: 0, message: 'socket hang up' }, true],
    [{ status: 504, message: 'Timeout', errorSource: 'PLATFORM' }, true],
    [{ status: 503, headers: {}, response: 'down', errorSource: 'APP' }, false],
    [{ status: 401, headers: {}, response: '{"message":"Invalid token"}', errorSource: 'APP' }, false],
  ])('calls %j unconfirmed: %s (no answer came, so injixo may have stored it)', (failure, unconfirmed) => {
    expect(injixoError(failure).unconfirmed).toBe(unconfirmed);
  });
});

describe('freshdeskError', () => {
  it('tells the platform limit from Freshdesk\'s own rate limit', () => {
    expect(freshdeskError(PLATFORM_LIMIT_REFUSAL, 'the group list').code).toBe('PLATFORM_LIMIT');
    expect(freshdeskError({ status: 429, headers: { 'Retry-After': '30' }, errorSource: 'APP' }, 'the group list')).toMatchObject({ code: 'FRESHDESK_RATE_LIMITED', retryAfterSeconds: 30 });
  });

  it('says the platform refused Freshdesk\'s answer on a 415', () => {
    expect(freshdeskError({ status: 415 }, 'ticket 7')).toMatchObject({
      code: 'UNACCEPTED_ANSWER',
      message: "the platform refused Freshdesk's answer while reading ticket 7 (HTTP 415, content type not accepted); it is read again later",
    });
  });

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
