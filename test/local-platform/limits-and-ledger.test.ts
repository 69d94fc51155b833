/**
 * Rule 6 — per-installation limits: 50 invokeTemplate calls and 50 KV operations per minute
 * (api/request-method-docs.md "50 requests per minute per app per account";
 * runtime/keyvalue-store-docs.md "50 requests per minute ... each set, get, and delete counting
 * as one"), 429 rejection as in errors/request-method-errors.md. The docs do not say fixed or
 * sliding window; the emulator uses a sliding 60 s window (see rate-limiter.ts).
 * Rule 7 — the ledger of platform calls with wall time and CPU per invocation, and crashOn.
 */
import { ManualClock } from '../../tools/clock';
import { LocalPlatform, type LocalPlatformOptions } from '../../tools/local-platform';
import { SlidingWindowLimiter } from '../../tools/local-platform/rate-limiter';
import { manifestWith, removeApps, startServer, writeApp, type LocalServer } from './helpers';

let remote: LocalServer;
beforeEach(async () => {
  remote = await startServer((req, res) => {
    if (req.url === '/slow') setTimeout(() => res.end('{}'), 300);
    else res.end('{"ok":true}');
  });
});
afterEach(async () => {
  await remote.close();
  removeApps();
});

const SERVER = `exports = { onTicketCreateHandler: async function (args) {
  const out = [];
  for (const step of args.data.steps) {
    try {
      if (step === 'req') out.push((await $request.invokeTemplate('ping', {})).status);
      else if (step === 'slow') out.push((await $request.invokeTemplate('slow', {})).status);
      else if (step === 'set') out.push(await $db.set('k', { n: 1 }));
      else if (step === 'get') out.push(await $db.get('k'));
      else if (step === 'sched') out.push((await $schedule.create({ name: 's' + out.length, data: {}, schedule_at: '2030-01-01T00:00:00Z' })).status);
    } catch (e) { out.push(e); }
  }
  return out;
} };`;

function load(options: Partial<LocalPlatformOptions> = {}) {
  return LocalPlatform.load({
    appDir: writeApp({
      server: SERVER,
      manifest: manifestWith({ product: ['onTicketCreate'], requests: ['ping', 'slow'] }),
      requests: {
        ping: { schema: { method: 'GET', host: 'api.example.com', path: '/ping' } },
        slow: { schema: { method: 'GET', host: 'api.example.com', path: '/slow' } },
      },
    }),
    iparams: {},
    hostMap: { 'api.example.com': remote.base },
    ...options,
  });
}

const steps = (step: string, n: number): string[] => Array.from({ length: n }, () => step);

describe('per-installation limits', () => {
  it('rejects the 51st invokeTemplate call within a minute with 429 and accepts again once the window slides', async () => {
    const clock = new ManualClock();
    const platform = await load({ clock });
    const first = (await platform.trigger('onTicketCreate', { steps: steps('req', 51) })).value as unknown[];
    expect(first.slice(0, 50).every((s) => s === 200)).toBe(true);
    expect(first[50]).toEqual({ status: 429, headers: {}, message: 'You have exceeded the limit of 50 requests per minute', errorSource: 'APP' });
    expect(remote.seen).toHaveLength(50);
    clock.advance(59_999);
    expect((await platform.trigger('onTicketCreate', { steps: ['req'] })).value).toEqual([expect.objectContaining({ status: 429 })]);
    clock.advance(1);
    expect((await platform.trigger('onTicketCreate', { steps: ['req'] })).value).toEqual([200]);
    expect(platform.counts()).toMatchObject({ requests: 53, rejected: 2 });
  });

  it('rejects the 51st KV operation within a minute with 429', async () => {
    const platform = await load();
    const out = (await platform.trigger('onTicketCreate', { steps: [...steps('set', 25), ...steps('get', 26)] })).value as unknown[];
    expect(out[49]).toEqual({ n: 1 });
    expect(out[50]).toEqual({ status: 429, message: 'You have exceeded the limit of 50 requests per minute' });
  });

  it('takes other limits from options.limits', async () => {
    const platform = await load({ limits: { requestsPerMinute: 2, kvOpsPerMinute: 1 } });
    const out = (await platform.trigger('onTicketCreate', { steps: ['req', 'req', 'req', 'set', 'set'] })).value as unknown[];
    expect(out).toEqual([
      200, 200, expect.objectContaining({ status: 429, message: 'You have exceeded the limit of 2 requests per minute' }),
      { Created: true }, { status: 429, message: 'You have exceeded the limit of 1 requests per minute' },
    ]);
  });

  it('never lets more than the limit through in any 60 s span (sliding window)', () => {
    const clock = new ManualClock(0);
    const limiter = new SlidingWindowLimiter(clock, 2);
    clock.advance(59_000);
    expect([limiter.tryAcquire(), limiter.tryAcquire()]).toEqual([true, true]);
    clock.advance(1_000); // a fixed calendar minute would reset here
    expect(limiter.tryAcquire()).toBe(false);
    clock.advance(59_000);
    expect(limiter.tryAcquire()).toBe(true);
  });
});

describe('ledger', () => {
  it('records every platform call and each invocation with wall ms and CPU µs', async () => {
    const platform = await load();
    const result = await platform.trigger('onTicketCreate', { steps: ['req', 'set', 'get', 'sched'] });
    const id = result.invocationId;
    expect(platform.ledger).toEqual([
      { invocationId: id, handler: 'onTicketCreateHandler', kind: 'request', name: 'ping', outcome: 'ok', status: 200, attempts: 1, at: expect.any(Number) },
      { invocationId: id, handler: 'onTicketCreateHandler', kind: 'kv', op: 'set', key: 'k', outcome: 'ok', at: expect.any(Number) },
      { invocationId: id, handler: 'onTicketCreateHandler', kind: 'kv', op: 'get', key: 'k', outcome: 'ok', at: expect.any(Number) },
      { invocationId: id, handler: 'onTicketCreateHandler', kind: 'schedule', op: 'create', key: 's3', outcome: 'ok', at: expect.any(Number) },
      { invocationId: id, handler: 'onTicketCreateHandler', kind: 'invocation', name: 'onTicketCreate', outcome: 'ok', at: expect.any(Number), wallMs: expect.any(Number), cpuMicros: expect.any(Number) },
    ]);
    expect(result.wallMs).toBeGreaterThan(0);
    expect(result.cpuMicros).toBeGreaterThan(0);
    expect(platform.counts()).toEqual({ requests: 1, kvOps: 2, schedules: 1, invocations: 1, rejected: 0 });
  });

  it('refuses the platform calls a timed-out invocation still makes', async () => {
    const platform = await load({ limits: { invocationMs: 100 } });
    const result = await platform.trigger('onTicketCreate', { steps: ['slow', 'set'] });
    expect(result.error?.message).toBe('App execution timed out after 100 ms');
    await new Promise((r) => setTimeout(r, 400));
    expect(platform.ledger.filter((e) => e.kind === 'kv')).toEqual([expect.objectContaining({ op: 'set', outcome: 'rejected' })]);
    expect(platform.kvSnapshot()).toEqual({});
  });
});

describe('crashOn', () => {
  it('lets the matching call take effect, then fails the invocation and refuses its later calls', async () => {
    const platform = await load();
    platform.crashOn((e) => e.kind === 'kv' && e.op === 'set');
    const result = await platform.trigger('onTicketCreate', { steps: ['req', 'set', 'get'] });
    expect(result).toMatchObject({ ok: false, error: { message: 'local platform: simulated crash after kv set' } });
    expect(platform.kvSnapshot()).toEqual({ k: { n: 1 } });
    expect(platform.ledger.map((e) => `${e.kind}:${e.outcome}`)).toEqual(['request:ok', 'kv:ok', 'invocation:error']);
    // One-shot: the next invocation runs normally.
    expect((await platform.trigger('onTicketCreate', { steps: ['get'] })).value).toEqual([{ n: 1 }]);
  });

  it('can crash right after a call that failed', async () => {
    const platform = await load();
    platform.crashOn((e) => e.kind === 'kv' && e.outcome === 'error');
    const result = await platform.trigger('onTicketCreate', { steps: ['get', 'set'] });
    expect(result.error?.message).toBe('local platform: simulated crash after kv get');
    expect(platform.kvSnapshot()).toEqual({});
  });

  it('never crashes calls made from the host through globals()', async () => {
    const platform = await load();
    platform.crashOn(() => true);
    await expect(platform.globals().db.set('a', { b: 1 })).resolves.toEqual({ Created: true });
  });
});
