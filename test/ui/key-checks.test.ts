/* eslint-disable @typescript-eslint/prefer-promise-reject-errors -- the FDK client rejects with plain {status, message} objects, and these tests reproduce that. */
import {
  checkFreshdeskKey,
  checkInjixoKey,
  classifyFreshdeskAnswer,
  classifyInjixoAnswer,
  FRESHDESK_CHECK_TEMPLATE,
  INJIXO_CHECK_TEMPLATE,
  keyCheckMessages,
  statusOf,
  type TemplateInvoker,
} from '../../src/app/key-checks';

describe('classifyInjixoAnswer', () => {
  it.each([
    [401, 'rejected'],
    [403, 'rejected'],
    [200, 'ok'],
    [202, 'ok'],
    [400, 'ok'],
    [404, 'unavailable'],
    [422, 'ok'],
    [0, 'unavailable'],
    [408, 'unavailable'],
    [429, 'unavailable'],
    [502, 'unavailable'],
    [504, 'unavailable'],
  ])('reads HTTP %i as %s', (status, result) => {
    expect(classifyInjixoAnswer(status)).toBe(result);
  });
});

describe('classifyFreshdeskAnswer', () => {
  it.each([
    [200, 'ok'],
    [401, 'rejected'],
    [403, 'not_admin'],
    [404, 'unavailable'],
    [429, 'unavailable'],
    [503, 'unavailable'],
    [0, 'unavailable'],
  ])('reads HTTP %i as %s', (status, result) => {
    expect(classifyFreshdeskAnswer(status)).toBe(result);
  });
});

describe('statusOf', () => {
  it('reads the status of an answer or a rejection, else 0', () => {
    expect(statusOf({ status: 403, response: '' })).toBe(403);
    expect(statusOf({ status: '403' })).toBe(0);
    expect(statusOf(new Error('network'))).toBe(0);
    expect(statusOf(null)).toBe(0);
  });
});

function invoker(answer: (name: string) => Promise<unknown>): TemplateInvoker & { calls: { name: string; options: unknown }[] } {
  const calls: { name: string; options: unknown }[] = [];
  return {
    calls,
    invokeTemplate: (name, options) => {
      calls.push({ name, options });
      return answer(name);
    },
  };
}

describe('checkInjixoKey and checkFreshdeskKey', () => {
  it('send the typed keys in context, injixo with an empty contact list', async () => {
    const request = invoker(() => Promise.resolve({ status: 200, headers: {}, response: '[]' }));
    await expect(checkInjixoKey(request, 'inj')).resolves.toEqual({ result: 'ok', status: 200 });
    await expect(checkFreshdeskKey(request, 'fd', 'acme.freshdesk.com')).resolves.toEqual({ result: 'ok', status: 200 });
    expect(request.calls).toEqual([
      { name: INJIXO_CHECK_TEMPLATE, options: { context: { injixo_api_key: 'inj' }, body: '{"data":[]}' } },
      { name: FRESHDESK_CHECK_TEMPLATE, options: { context: { freshdesk_api_key: 'fd', freshdesk_host: 'acme.freshdesk.com' } } },
    ]);
  });

  it('read a rejected template call by its status', async () => {
    const request = invoker(() => Promise.reject({ status: 401, headers: {}, response: '{"message":"Invalid token"}' }));
    await expect(checkInjixoKey(request, 'inj')).resolves.toEqual({ result: 'rejected', status: 401 });
    const agent = invoker(() => Promise.reject({ status: 403, response: '' }));
    await expect(checkFreshdeskKey(agent, 'fd', 'acme.freshdesk.com')).resolves.toEqual({ result: 'not_admin', status: 403 });
    const down = invoker(() => Promise.reject(new Error('socket hang up')));
    await expect(checkFreshdeskKey(down, 'fd', 'acme.freshdesk.com')).resolves.toEqual({ result: 'unavailable', status: 0 });
  });
});

describe('keyCheckMessages', () => {
  it('says nothing when both keys work', () => {
    expect(keyCheckMessages({ result: 'ok', status: 400 }, { result: 'ok', status: 200 })).toEqual([]);
  });

  it('puts each problem next to its field, an unreachable injixo only as a warning', () => {
    expect(keyCheckMessages({ result: 'rejected', status: 403 }, { result: 'not_admin', status: 403 })).toEqual([
      { field: 'injixoKey', severity: 'error', key: 'error.injixoKeyRejected', params: { status: 403 } },
      { field: 'freshdeskKey', severity: 'error', key: 'error.freshdeskNotAdmin' },
    ]);
    expect(keyCheckMessages({ result: 'unavailable', status: 503 }, { result: 'rejected', status: 401 })).toEqual([
      { field: 'injixoKey', severity: 'warning', key: 'warning.injixoUnavailable' },
      { field: 'freshdeskKey', severity: 'error', key: 'error.freshdeskKeyRejected' },
    ]);
    expect(keyCheckMessages({ result: 'ok', status: 202 }, { result: 'unavailable', status: 429 })).toEqual([
      { field: 'freshdeskKey', severity: 'error', key: 'error.freshdeskUnavailable', params: { status: 429 } },
    ]);
  });

  it('says nothing about a key that was not checked (left empty), and still reports the other', () => {
    expect(keyCheckMessages(undefined, { result: 'not_admin', status: 403 })).toEqual([{ field: 'freshdeskKey', severity: 'error', key: 'error.freshdeskNotAdmin' }]);
    expect(keyCheckMessages({ result: 'rejected', status: 401 }, undefined)).toEqual([
      { field: 'injixoKey', severity: 'error', key: 'error.injixoKeyRejected', params: { status: 401 } },
    ]);
    expect(keyCheckMessages(undefined, undefined)).toEqual([]);
  });

  it('does not say "regenerated" on a first install: no key was ever saved there', () => {
    expect(keyCheckMessages({ result: 'rejected', status: 401 }, undefined, { firstInstall: true })).toEqual([
      { field: 'injixoKey', severity: 'error', key: 'error.injixoKeyRejectedFirst', params: { status: 401 } },
    ]);
    expect(keyCheckMessages({ result: 'rejected', status: 401 }, undefined, { firstInstall: false })[0]?.key).toBe('error.injixoKeyRejected');
  });
});
