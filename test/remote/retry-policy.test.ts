/**
 * One retry policy per remote, held as data (issue 21): the statuses, attempts, backoff and
 * Retry-After that classify.ts, the key checks, the import walk and the CLI poster all read.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { backoffMs, isTransient, mayRetry, RETRY_POLICIES, retryDelayMs, type Remote } from '../../src/remote/retry-policy';
import { classifyTemplateFailure } from '../../src/remote/classify';
import { injixoKeyStateOf } from '../../src/remote/key-check';
import { createInjixoPoster, InjixoPostFailed } from '../../src/cli/injixo-poster';
import { buildBatches } from '../../src/remote/injixo-client';
import { readDirectory } from '../../src/import/walk';
import { RatePacer } from '../../src/import/rate-pacer';
import type { FreshdeskAnswer, FreshdeskTransport } from '../../src/import/transport';

const REMOTES: Remote[] = ['injixo', 'freshdesk'];

describe('the retry policies', () => {
  it.each(REMOTES)('%s: no answer, 408, 429 and 5xx are transient; the key, the address and the request are not', (remote) => {
    const transient = [0, 408, 429, 500, 502, 503, 504, 599].filter((status) => isTransient(remote, status));
    const definite = [200, 400, 401, 403, 404, 413, 415, 422].filter((status) => !isTransient(remote, status));
    expect(transient).toEqual([0, 408, 429, 500, 502, 503, 504, 599]);
    expect(definite).toEqual([200, 400, 401, 403, 404, 413, 415, 422]);
  });

  it('double the wait after each failed attempt, from the first wait up to a minute', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffMs('injixo', n))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs('freshdesk', n))).toEqual([2000, 4000, 8000, 16000, 32000, 60000]);
  });

  it('wait what Retry-After says instead of the backoff', () => {
    expect(retryDelayMs('injixo', 1, 30)).toBe(30_000);
    expect(retryDelayMs('injixo', 3, undefined)).toBe(4000);
  });

  it('give up after the attempts, counting 429s on their own where the policy says so', () => {
    expect(mayRetry('injixo', 503, RETRY_POLICIES.injixo.attempts - 1)).toBe(true);
    expect(mayRetry('injixo', 503, RETRY_POLICIES.injixo.attempts)).toBe(false);
    expect(mayRetry('freshdesk', 429, RETRY_POLICIES.freshdesk.attempts)).toBe(true);
    expect(mayRetry('freshdesk', 429, RETRY_POLICIES.freshdesk.rateLimitedAttempts)).toBe(false);
    expect(mayRetry('injixo', 422, 1)).toBe(false);
  });

  it('bound the attempts of every request template, injixo posts to one (a platform retry of a timed-out POST could store it twice)', () => {
    const requests = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'config', 'requests.json'), 'utf8')) as Record<string, { options?: { maxAttempts?: number } }>;
    const names = Object.keys(requests);
    expect(names.every((name) => name.startsWith('injixo') || name.startsWith('freshdesk'))).toBe(true);
    for (const [name, template] of Object.entries(requests)) {
      const remote: Remote = name.startsWith('injixo') ? 'injixo' : 'freshdesk';
      expect(template.options?.maxAttempts ?? 1).toBeLessThanOrEqual(RETRY_POLICIES[remote].templateMaxAttempts);
    }
    expect(RETRY_POLICIES.injixo.templateMaxAttempts).toBe(1);
  });
});

describe('its users', () => {
  it('classify.ts and the key check read transient from it', () => {
    for (const status of [0, 408, 429, 500, 503, 400, 413, 422]) {
      expect(classifyTemplateFailure({ status }, 'injixo').kind === 'transient').toBe(isTransient('injixo', status));
      expect(classifyTemplateFailure({ status }, 'freshdesk').kind === 'transient').toBe(isTransient('freshdesk', status));
      expect(injixoKeyStateOf(status) === 'unavailable').toBe(isTransient('injixo', status));
    }
  });

  it('the import walk tries a call as often as Freshdesk’s policy says, backing off as it says', async () => {
    let nowMs = 0;
    const waits: number[] = [];
    let calls = 0;
    const transport = { get: (): Promise<FreshdeskAnswer> => ((calls += 1), Promise.resolve({ status: 503, headers: {}, body: '' })) } as unknown as FreshdeskTransport;
    const wait = (ms: number): Promise<boolean> => ((nowMs += ms), waits.push(ms), Promise.resolve(true));
    await expect(readDirectory({ transport, pacer: new RatePacer(1), now: () => nowMs, wait })).rejects.toMatchObject({ code: 'FRESHDESK_UNAVAILABLE' });
    expect(calls).toBe(RETRY_POLICIES.freshdesk.attempts);
    const backoffs = [1, 2, 3, 4, 5].map((n) => backoffMs('freshdesk', n));
    expect(waits.filter((ms) => backoffs.includes(ms))).toEqual(backoffs);
  });

  describe('the CLI poster', () => {
    let server: http.Server;
    let answers: Array<{ status: number; headers?: Record<string, string> }>;
    let posts = 0;
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          const answer = answers[Math.min(posts, answers.length - 1)] ?? { status: 500 };
          posts += 1;
          res.writeHead(answer.status, answer.headers ?? {});
          res.end('{}');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
    beforeEach(() => {
      posts = 0;
    });

    const batch = () => {
      const [first] = buildBatches([{ contactId: 't:1', queueIdentifier: 'freshdesk/1/1/tickets', queueName: 'A email Tickets', timestamp: '2026-11-21T10:00:00Z', channel: 'cases' }], undefined);
      if (!first) throw new Error('no batch');
      return first;
    };

    it('posts a body as often as injixo’s policy says, waiting its backoff, then stops', async () => {
      answers = [{ status: 503 }];
      const sleeps: number[] = [];
      const poster = createInjixoPoster(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'key', (ms) => (sleeps.push(ms), Promise.resolve()));
      const failure = await poster.post(batch()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(InjixoPostFailed);
      expect(posts).toBe(RETRY_POLICIES.injixo.attempts);
      expect(sleeps).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs('injixo', n)));
    });

    it('waits a 429’s Retry-After, then posts again', async () => {
      answers = [{ status: 429, headers: { 'Retry-After': '7' } }, { status: 200 }];
      const sleeps: number[] = [];
      const poster = createInjixoPoster(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'key', (ms) => (sleeps.push(ms), Promise.resolve()));
      expect(await poster.post(batch())).toEqual({ timedOut: 0, attempts: 2 });
      expect(sleeps).toEqual([7000]);
    });
  });
});
