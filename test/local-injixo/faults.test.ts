import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../tools/clock';
import { ANSWER_DELAY_HEADER, assertFaultWindow, findActiveFault, type FaultWindow } from '../../tools/local-injixo/fault-window';
import { startLocalInjixo, type LocalInjixo } from '../../tools/local-injixo/server';
import { contact, postContacts, send } from './http-helpers';

const KEY = 'key-before';
const START = Date.parse('2026-11-21T10:00:00Z');
const MINUTE = 60_000;

describe('local injixo fault injection', () => {
  let injixo: LocalInjixo;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(START);
    injixo = await startLocalInjixo({ apiKey: KEY, clock });
  });
  afterEach(() => injixo.close());

  it.each([500, 502, 503, 504] as const)('answers %i during an outage window and stores nothing, then recovers', async (status) => {
    injixo.addFault({ kind: 'outage', status, from: START, to: START + MINUTE });
    const answer = await postContacts(injixo.url, KEY, { data: [contact()] });
    expect(answer.status).toBe(status);
    expect(answer.json).toEqual({ message: expect.any(String) });
    expect(injixo.store.total()).toBe(0);

    clock.advance(MINUTE);
    expect((await postContacts(injixo.url, KEY, { data: [contact()] })).status).toBe(202);
    expect(injixo.requestLog.map((entry) => [entry.at, entry.status, entry.contacts])).toEqual([
      [START, status, 0],
      [START + MINUTE, 202, 1],
    ]);
  });

  it('answers 503 Service Unavailable to an outage without a status, even to a wrong key', async () => {
    injixo.addFault({ kind: 'outage', from: START, to: START + MINUTE });
    const answer = await postContacts(injixo.url, 'wrong', { data: [contact()] });
    expect(answer.status).toBe(503);
    expect(answer.json).toEqual({ message: 'Service Unavailable' });
  });

  it('ignores a fault window that has not started yet', async () => {
    injixo.addFault({ kind: 'outage', from: START + MINUTE, to: START + 2 * MINUTE });
    expect((await postContacts(injixo.url, KEY, { data: [contact()] })).status).toBe(202);
  });

  it('answers 429 with Retry-After while rate limited and stores nothing', async () => {
    injixo.addFault({ kind: 'rateLimited', retryAfterSeconds: 30, from: START, to: START + MINUTE });
    const answer = await postContacts(injixo.url, KEY, { data: [contact()] });
    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toBe('30');
    expect(answer.json).toEqual({ message: 'Too Many Requests' });
    expect(injixo.store.total()).toBe(0);
  });

  it('destroys the socket without an answer during a reset window and stores nothing', async () => {
    injixo.addFault({ kind: 'reset', from: START, to: START + MINUTE });
    await expect(postContacts(injixo.url, KEY, { data: [contact()] })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(injixo.store.total()).toBe(0);
    expect(injixo.requestLog).toEqual([{ at: START, status: 0, contacts: 0, bytes: expect.any(Number) }]);
  });

  it('stores first and answers after delayMs real milliseconds during a slow window', async () => {
    injixo.addFault({ kind: 'slow', delayMs: 300, from: START, to: START + MINUTE });
    const started = Date.now();
    const pending = postContacts(injixo.url, KEY, { data: [contact()] });
    await waitFor(() => injixo.requestLog.length === 1);
    expect(injixo.store.total()).toBe(1);
    const answer = await pending;
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ accepted: 1 });
  });

  it('stores first and answers at once, declaring the delay, during a declared slow window', async () => {
    injixo.addFault({ kind: 'slow', delayMs: 30_000, declared: true, from: START, to: START + MINUTE });
    const answer = await postContacts(injixo.url, KEY, { data: [contact()] });
    expect(injixo.store.total()).toBe(1);
    expect(answer.status).toBe(202);
    expect(answer.headers[ANSWER_DELAY_HEADER]).toBe('30000');
  });

  it('turns a client timeout during a slow window into a duplicate when the client retries', async () => {
    injixo.addFault({ kind: 'slow', delayMs: 10_000, from: START, to: START + MINUTE });
    const body = { data: [contact()] };
    const first = postContacts(injixo.url, KEY, body);
    await waitFor(() => injixo.requestLog.length === 1);
    clock.advance(MINUTE);
    expect((await postContacts(injixo.url, KEY, body)).status).toBe(202);
    expect(injixo.store.duplicates()).toEqual([
      { queueIdentifier: 'freshdesk/42/1/tickets', timestamp: '2026-11-21T10:34:22Z', channel: 'cases', received: 2 },
    ]);
    await injixo.close();
    await expect(first).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('closes promptly while a slow answer is still pending', async () => {
    injixo.addFault({ kind: 'slow', delayMs: 60_000, from: START, to: START + MINUTE });
    const pending = postContacts(injixo.url, KEY, { data: [contact()] });
    const outcome = pending.then(
      () => 'answered',
      () => 'hung up',
    );
    await waitFor(() => injixo.requestLog.length === 1);
    const started = Date.now();
    await injixo.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await outcome).toBe('hung up');
  });

  it('applies the slow delay to error answers too', async () => {
    injixo.addFault({ kind: 'slow', delayMs: 100, from: START, to: START + MINUTE });
    const answer = await postContacts(injixo.url, 'wrong', { data: [contact()] });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ message: 'Invalid token' });
  });

  it('takes fault windows from the options and forgets them all on clearFaults', async () => {
    await injixo.close();
    injixo = await startLocalInjixo({ apiKey: KEY, clock, faults: [{ kind: 'outage', status: 502, from: START, to: START + MINUTE }] });
    expect((await postContacts(injixo.url, KEY, { data: [contact()] })).status).toBe(502);
    injixo.clearFaults();
    expect((await postContacts(injixo.url, KEY, { data: [contact()] })).status).toBe(202);
  });

  it('keeps the summary page reachable during an outage', async () => {
    injixo.addFault({ kind: 'outage', from: START, to: START + MINUTE });
    expect((await send(`${injixo.url}/api/summary`)).status).toBe(200);
  });

  it('accepts the old key until the regeneration time, then only the new one', async () => {
    injixo.regenerateKey('key-after', START + 10 * MINUTE);
    expect((await postContacts(injixo.url, KEY, { data: [contact()] })).status).toBe(202);
    const tooEarly = await postContacts(injixo.url, 'key-after', { data: [contact()] });
    expect(tooEarly.status).toBe(401);

    clock.advanceTo(START + 10 * MINUTE);
    const old = await postContacts(injixo.url, KEY, { data: [contact()] });
    expect(old.status).toBe(401);
    expect(old.json).toEqual({ message: 'Invalid token' });
    expect((await postContacts(injixo.url, 'key-after', { data: [contact()] })).status).toBe(202);
    expect(injixo.store.total()).toBe(2);
  });

  it('regenerates the key at the current clock time by default', async () => {
    injixo.regenerateKey('key-now');
    expect((await postContacts(injixo.url, KEY, { data: [contact()] })).status).toBe(401);
    expect((await postContacts(injixo.url, 'key-now', { data: [contact()] })).status).toBe(202);
  });

  it('uses the latest generation whatever order the regenerations were scripted in', async () => {
    injixo.regenerateKey('third', START + 20 * MINUTE);
    injixo.regenerateKey('second', START + 10 * MINUTE);
    clock.advanceTo(START + 15 * MINUTE);
    expect((await postContacts(injixo.url, 'second', { data: [contact()] })).status).toBe(202);
    clock.advanceTo(START + 20 * MINUTE);
    expect((await postContacts(injixo.url, 'second', { data: [contact()] })).status).toBe(401);
    expect((await postContacts(injixo.url, 'third', { data: [contact()] })).status).toBe(202);
  });
});

describe('fault windows', () => {
  it.each<[string, FaultWindow, string]>([
    ['from after to', { kind: 'reset', from: 10, to: 5 }, "FaultWindow reset: 'from' (10) must be a time before 'to' (5)"],
    ['an empty window', { kind: 'reset', from: 5, to: 5 }, "FaultWindow reset: 'from' (5) must be a time before 'to' (5)"],
    ['a NaN bound', { kind: 'reset', from: NaN, to: 5 }, "FaultWindow reset: 'from' (NaN) must be a time before 'to' (5)"],
    ['an outage status that is not 5xx', { kind: 'outage', status: 418 as 500, from: 0, to: 1 }, 'FaultWindow outage: status must be 500, 502, 503 or 504, got 418'],
    ['a negative delay', { kind: 'slow', delayMs: -1, from: 0, to: 1 }, 'FaultWindow slow: delayMs must be >= 0, got -1'],
    ['a fractional Retry-After', { kind: 'rateLimited', retryAfterSeconds: 1.5, from: 0, to: 1 }, 'FaultWindow rateLimited: retryAfterSeconds must be a whole number >= 0, got 1.5'],
    ['a negative Retry-After', { kind: 'rateLimited', retryAfterSeconds: -1, from: 0, to: 1 }, 'FaultWindow rateLimited: retryAfterSeconds must be a whole number >= 0, got -1'],
  ])('refuses %s', (_case, fault, message) => {
    expect(() => assertFaultWindow(fault)).toThrow(message);
  });

  it('refuses a bad window passed to startLocalInjixo before creating the database file', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'local-injixo-tmp-'));
    try {
      const dbPath = path.join(tmp, 'never.sqlite');
      await expect(startLocalInjixo({ apiKey: KEY, dbPath, faults: [{ kind: 'reset', from: 2, to: 1 }] })).rejects.toThrow(
        "FaultWindow reset: 'from' (2) must be a time before 'to' (1)",
      );
      expect(fs.existsSync(dbPath)).toBe(false);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('treats a window as active from "from" up to but not including "to", the first added winning', () => {
    const outage: FaultWindow = { kind: 'outage', from: 10, to: 20 };
    const slow: FaultWindow = { kind: 'slow', delayMs: 1, from: 15, to: 30 };
    expect(findActiveFault([outage, slow], 9)).toBeUndefined();
    expect(findActiveFault([outage, slow], 10)).toBe(outage);
    expect(findActiveFault([outage, slow], 15)).toBe(outage);
    expect(findActiveFault([outage, slow], 20)).toBe(slow);
    expect(findActiveFault([outage, slow], 30)).toBeUndefined();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
