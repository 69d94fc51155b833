import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../tools/clock';
import { ACCEPTED_STATUS, MAX_BODY_BYTES, startLocalInjixo, type LocalInjixo } from '../../tools/local-injixo/server';
import { contact, postContacts, send } from './http-helpers';

const KEY = 'test-key-1';

describe('local injixo contact-events endpoint', () => {
  let injixo: LocalInjixo;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = new ManualClock('2026-11-21T11:00:00Z');
    injixo = await startLocalInjixo({ apiKey: KEY, clock });
  });
  afterAll(() => injixo.close());
  beforeEach(() => {
    injixo.store.clear();
    injixo.requestLog.length = 0;
  });

  it('listens on a free port of 127.0.0.1 and reports its URL', () => {
    expect(injixo.port).toBeGreaterThan(0);
    expect(injixo.url).toBe(`http://127.0.0.1:${injixo.port}`);
  });

  it('accepts a valid request with 202 and stores every contact with its request id and receive time', async () => {
    const answer = await postContacts(injixo.url, KEY, {
      data: [contact(), contact({ timestamp: '2026-11-21T10:50:00.123Z', properties: { offered: true, handled: false, duration: 12.5 } })],
      meta: { integrationConfigurationId: 1234 },
    });
    expect(answer.status).toBe(ACCEPTED_STATUS);
    const body = answer.json as { accepted: number; requestId: string };
    expect(body.accepted).toBe(2);
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(injixo.store.list()).toEqual([
      {
        receivedAt: clock.now(),
        requestId: body.requestId,
        queueIdentifier: 'freshdesk/42/1/tickets',
        queueName: 'CustomerService email Tickets',
        timestamp: '2026-11-21T10:34:22Z',
        channel: 'cases',
        offered: true,
        handled: null,
        duration: null,
        integrationId: 1234,
      },
      expect.objectContaining({ timestamp: '2026-11-21T10:50:00.123Z', handled: false, duration: 12.5, integrationId: 1234 }),
    ]);
    expect(injixo.requestLog).toEqual([{ at: clock.now(), status: 202, contacts: 2, bytes: expect.any(Number) }]);
  });

  it('accepts a Content-Type with a charset parameter and a request without meta', async () => {
    const answer = await send(`${injixo.url}/external-systems/contact-events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ data: [contact()] }),
    });
    expect(answer.status).toBe(202);
    expect(injixo.store.list()[0]?.integrationId).toBeNull();
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong key', { Authorization: 'Bearer wrong-key' }],
    ['the key without the Bearer scheme', { Authorization: KEY }],
    ['Basic auth', { Authorization: `Basic ${Buffer.from(`${KEY}:X`).toString('base64')}` }],
  ])('answers 401 {"message":"Invalid token"} to %s and stores nothing', async (_case, auth: Record<string, string>) => {
    const answer = await send(`${injixo.url}/external-systems/contact-events`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: [contact()] }),
    });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ message: 'Invalid token' });
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(injixo.store.total()).toBe(0);
    expect(injixo.requestLog.at(-1)).toMatchObject({ status: 401, contacts: 0 });
  });

  it('answers 413 to a body over 102400 bytes, naming the size and the limit', async () => {
    const big = { data: Array.from({ length: 800 }, (_, i) => contact({ queueName: `Queue ${i} ${'x'.repeat(100)}` })) };
    const text = JSON.stringify(big);
    expect(Buffer.byteLength(text)).toBeGreaterThan(MAX_BODY_BYTES);
    const answer = await postContacts(injixo.url, KEY, big);
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({ message: `request body is ${Buffer.byteLength(text)} bytes; the limit is 102400 bytes` });
    expect(injixo.store.total()).toBe(0);
  });

  it('accepts a body of exactly 102400 bytes', async () => {
    const base = JSON.stringify({ data: [contact({ queueName: '' })] });
    const padded = JSON.stringify({ data: [contact({ queueName: 'q'.repeat(MAX_BODY_BYTES - Buffer.byteLength(base)) })] });
    expect(Buffer.byteLength(padded)).toBe(MAX_BODY_BYTES);
    const answer = await send(`${injixo.url}/external-systems/contact-events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body: padded,
    });
    expect(answer.status).toBe(202);
  });

  it.each([
    ['no Content-Type', {}],
    ['text/plain', { 'Content-Type': 'text/plain' }],
    ['application/jsonp', { 'Content-Type': 'application/jsonp' }],
  ])('answers 400 when the Content-Type is %s', async (_case, contentType: Record<string, string>) => {
    const answer = await send(`${injixo.url}/external-systems/contact-events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, ...contentType },
      body: JSON.stringify({ data: [contact()] }),
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ message: 'Content-Type must be application/json' });
  });

  it.each([['{"data": ['], [''], ['not json']])('answers 400 to the body %j, which is not JSON', async (body) => {
    const answer = await send(`${injixo.url}/external-systems/contact-events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body,
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ message: 'body is not valid JSON' });
  });

  const invalidBodies: [string, unknown, string, string][] = [
    ['a body that is not an object', [contact()], 'body', 'body must be of type object'],
    ['a body without data', {}, 'data', 'data is required'],
    ['an unknown top-level field', { data: [contact()], extra: 1 }, 'extra', 'extra is not allowed'],
    ['an empty data list', { data: [] }, 'data', 'data must contain at least one contact'],
    ['data that is not a list', { data: contact() }, 'data', 'data must be of type array'],
    ['a contact that is not an object', { data: ['x'] }, 'data/0', 'data/0 must be of type object'],
    ['a bad timestamp', { data: [contact({ timestamp: '2026-11-21 10:34:22' })] }, 'data/0/timestamp', 'data/0/timestamp must be an ISO-8601 UTC timestamp'],
    ['a timestamp with an offset', { data: [contact(), contact({ timestamp: '2026-11-21T10:34:22+01:00' })] }, 'data/1/timestamp', 'data/1/timestamp must be an ISO-8601 UTC timestamp'],
    ['an impossible date', { data: [contact({ timestamp: '2026-02-30T10:34:22Z' })] }, 'data/0/timestamp', 'data/0/timestamp must be an ISO-8601 UTC timestamp'],
    ['a timestamp that is a number', { data: [contact({ timestamp: 1 as unknown as string })] }, 'data/0/timestamp', 'data/0/timestamp must be of type string'],
    ['a missing queueIdentifier', { data: [{ ...contact(), queueIdentifier: undefined }] }, 'data/0/queueIdentifier', 'data/0/queueIdentifier is required'],
    ['an empty queueName', { data: [contact({ queueName: '' })] }, 'data/0/queueName', 'data/0/queueName must be a non-empty string'],
    ['an unknown channel', { data: [contact({ channel: 'tickets' as 'cases' })] }, 'data/0/channel', 'data/0/channel must be one of cases, calls, chats, emails'],
    ['an unknown contact field', { data: [{ ...contact(), id: 't:1' }] }, 'data/0/id', 'data/0/id is not allowed'],
    ['a missing offered', { data: [contact({ properties: {} as { offered: boolean } })] }, 'data/0/properties/offered', 'data/0/properties/offered is required'],
    ['offered as a string', { data: [contact({ properties: { offered: 'true' as unknown as boolean } })] }, 'data/0/properties/offered', 'data/0/properties/offered must be of type boolean'],
    ['a negative duration', { data: [contact({ properties: { offered: true, duration: -1 } })] }, 'data/0/properties/duration', 'data/0/properties/duration must be >= 0'],
    ['an unknown property', { data: [contact({ properties: { offered: true, waiting: 3 } as { offered: boolean } })] }, 'data/0/properties/waiting', 'data/0/properties/waiting is not allowed'],
    ['a fractional integration id', { data: [contact()], meta: { integrationConfigurationId: 1.5 } }, 'meta/integrationConfigurationId', 'meta/integrationConfigurationId must be of type integer'],
    ['meta without the integration id', { data: [contact()], meta: {} }, 'meta/integrationConfigurationId', 'meta/integrationConfigurationId is required'],
  ];
  it.each(invalidBodies)('answers 400 naming the field for %s', async (_case, body, field, message) => {
    const answer = await postContacts(injixo.url, KEY, body);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ message, field });
    expect(injixo.store.total()).toBe(0);
  });

  it('accepts the other injixo channels and fractional-second timestamps', async () => {
    const answer = await postContacts(injixo.url, KEY, {
      data: [contact({ channel: 'calls' }), contact({ channel: 'chats' }), contact({ channel: 'emails', timestamp: '2026-11-21T10:34:22.5Z' })],
    });
    expect(answer.status).toBe(202);
    expect(injixo.store.total()).toBe(3);
  });

  it('answers 405 with Allow to another method on the contact-events path, and does not store', async () => {
    const answer = await send(`${injixo.url}/external-systems/contact-events`, { method: 'GET' });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
    expect(answer.json).toEqual({ message: 'GET is not allowed on /external-systems/contact-events' });
  });

  it('answers 405 with Allow to a POST on the summary page', async () => {
    const answer = await send(`${injixo.url}/api/summary`, { method: 'POST' });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD');
    expect(answer.json).toEqual({ message: 'POST is not allowed on /api/summary' });
  });

  it('answers 404 JSON to an unknown path', async () => {
    const answer = await send(`${injixo.url}/external-systems/contacts`, { method: 'POST' });
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ message: 'no route for /external-systems/contacts' });
  });
});

describe('local injixo storage', () => {
  it('keeps the contacts in the dbPath file across a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-injixo-test-'));
    const dbPath = path.join(dir, 'contacts.sqlite');
    try {
      const first = await startLocalInjixo({ apiKey: KEY, dbPath });
      expect((await postContacts(first.url, KEY, { data: [contact(), contact({ timestamp: '2026-11-21T10:45:00Z' })] })).status).toBe(202);
      await first.close();
      expect(fs.existsSync(dbPath)).toBe(true);

      const second = await startLocalInjixo({ apiKey: KEY, dbPath });
      try {
        expect(second.store.total()).toBe(2);
        expect((await postContacts(second.url, KEY, { data: [contact({ timestamp: '2026-11-21T11:00:00Z' })] })).status).toBe(202);
        expect(second.store.offeredPerQueueInterval().map((row) => [row.intervalStart, row.offered])).toEqual([
          ['2026-11-21T10:30:00Z', 1],
          ['2026-11-21T10:45:00Z', 1],
          ['2026-11-21T11:00:00Z', 1],
        ]);
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('without a dbPath', () => {
    // A private temp folder, so files of other test workers cannot disturb the counts.
    let tmp: string;
    beforeEach(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'local-injixo-tmp-'));
      jest.spyOn(os, 'tmpdir').mockReturnValue(tmp);
    });
    afterEach(() => {
      jest.restoreAllMocks();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('stores in a new file of the temp folder and deletes it on close', async () => {
      const injixo = await startLocalInjixo({ apiKey: KEY });
      expect(fs.readdirSync(tmp)).toEqual([expect.stringMatching(/^local-injixo-[0-9a-f-]{36}\.sqlite$/)]);
      await injixo.close();
      expect(fs.readdirSync(tmp)).toEqual([]);
    });

    it('rejects when the port is taken, leaving no file behind', async () => {
      const first = await startLocalInjixo({ apiKey: KEY, dbPath: path.join(tmp, 'first.sqlite') });
      try {
        await expect(startLocalInjixo({ apiKey: KEY, port: first.port })).rejects.toThrow(/EADDRINUSE/);
        expect(fs.readdirSync(tmp)).toEqual(['first.sqlite']);
      } finally {
        await first.close();
      }
    });
  });

  it('answers 500 naming the failure when storing is impossible', async () => {
    const injixo = await startLocalInjixo({ apiKey: KEY });
    try {
      injixo.store.close();
      const answer = await postContacts(injixo.url, KEY, { data: [contact()] });
      expect(answer.status).toBe(500);
      expect((answer.json as { message: string }).message).toMatch(/^local injixo failed: /);
    } finally {
      await injixo.close();
    }
  });

  it('can be closed twice', async () => {
    const injixo = await startLocalInjixo({ apiKey: KEY });
    await injixo.close();
    await expect(injixo.close()).resolves.toBeUndefined();
  });
});
