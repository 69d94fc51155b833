/**
 * The local platform's opt-in fault hooks and warm starts (issue 19): a refused call has no
 * effect, a crash point ends the invocation after its k-th call, every write is measured even
 * when refused, and a warm start keeps the loaded modules. Defaults stay as they were.
 */
import { ManualClock } from '../../tools/clock';
import { LocalPlatform, type LocalPlatformOptions, type WriteAttempt } from '../../tools/local-platform';
import { manifestWith, removeApps, startServer, writeApp, type LocalServer } from '../local-platform/helpers';

let remote: LocalServer;
beforeEach(async () => {
  remote = await startServer((_req, res) => res.end('{"ok":true}'));
});
afterEach(async () => {
  await remote.close();
  removeApps();
});

const SERVER = `let calls = 0;
exports = { onTicketCreateHandler: async function (args) {
  calls += 1;
  const out = [calls];
  for (const step of args.data.steps) {
    try {
      if (step === 'req') out.push((await $request.invokeTemplate('ping', {})).status);
      else if (step === 'set') out.push(await $db.set('k', { n: 1 }));
      else if (step === 'big') out.push(await $db.set('big', { text: 'x'.repeat(41000) }));
      else if (step === 'append') out.push(await $db.update('list', 'append', { items: ['y'.repeat(1000)] }));
      else if (step === 'get') out.push(await $db.get('k'));
      else if (step === 'sched') out.push((await $schedule.create({ name: 's' + out.length, data: { text: 'z'.repeat(5000) }, schedule_at: '2030-01-01T00:00:00Z' })).status);
    } catch (e) { out.push(e.status); }
  }
  return out;
} };`;

function load(options: Partial<LocalPlatformOptions> = {}): Promise<LocalPlatform> {
  return LocalPlatform.load({
    appDir: writeApp({
      server: SERVER,
      manifest: manifestWith({ product: ['onTicketCreate'], requests: ['ping'] }),
      requests: { ping: { schema: { method: 'GET', host: 'api.example.com', path: '/ping' } } },
    }),
    iparams: {},
    clock: new ManualClock(),
    hostMap: { 'api.example.com': remote.base },
    ...options,
  });
}

describe('fault hooks', () => {
  it('refuses the KV, request and schedule calls the hook names, with its payload and no effect', async () => {
    const platform = await load({
      faults: { refuse: (call) => (call.kind === 'kv' && call.op === 'set') || call.kind === 'request' || call.kind === 'schedule' ? { status: 429, message: 'You have exceeded the limit of 50 requests per minute' } : undefined },
    });
    const out = (await platform.trigger('onTicketCreate', { steps: ['set', 'get', 'req', 'sched'] })).value as unknown[];
    expect(out.slice(1)).toEqual([429, 404, 429, 429]);
    expect(remote.seen).toHaveLength(0);
    expect(platform.kvSnapshot()).toEqual({});
    expect(platform.counts()).toMatchObject({ rejected: 3 });
  });

  it('ends the invocation right after the k-th platform call', async () => {
    const platform = await load({ faults: { crashAfter: (_entry, callNumber) => callNumber === 2 } });
    const result = await platform.trigger('onTicketCreate', { steps: ['set', 'get', 'req'] });
    expect(result.ok).toBe(false);
    expect(result.error?.message).toBe('local platform: simulated crash after kv get');
    expect(remote.seen).toHaveLength(0);
  });

  it('measures every write, also one over the limit the store refuses and one a refusal stops first', async () => {
    const writes: WriteAttempt[] = [];
    let refuseNext = false;
    const platform = await load({ faults: { onWriteAttempt: (w) => writes.push(w), refuse: (call) => (refuseNext && call.kind === 'kv' ? { status: 429, message: 'no' } : undefined) } });
    await platform.trigger('onTicketCreate', { steps: ['set', 'big', 'append', 'sched'] });
    refuseNext = true;
    await platform.trigger('onTicketCreate', { steps: ['big'] });
    expect(writes.map((w) => [w.kind, w.op, w.key, w.bytes > w.limit])).toEqual([
      ['kv', 'set', 'k', false],
      ['kv', 'set', 'big', true],
      ['kv', 'update:append', 'list', false],
      ['schedule', 'create', 's4', true],
      ['kv', 'set', 'big', true],
    ]);
    expect(platform.kvSnapshot()).not.toHaveProperty('big');
  });
});

describe('warm starts', () => {
  it('loads the app afresh for every invocation by default', async () => {
    const platform = await load();
    expect((await platform.trigger('onTicketCreate', { steps: [] })).value).toEqual([1]);
    expect((await platform.trigger('onTicketCreate', { steps: [] })).value).toEqual([1]);
  });

  it('reuses the loaded context when warmStart says so, with this invocation\'s globals', async () => {
    const starts = [true, true, false];
    const platform = await load({ warmStart: () => starts.shift() ?? true });
    const loads: unknown[] = [];
    for (let i = 0; i < 4; i += 1) loads.push(((await platform.trigger('onTicketCreate', { steps: ['set'] })).value as unknown[])[0]);
    // The first start is cold (nothing is loaded yet; warmStart is not asked); module state survives warm starts only.
    expect(loads).toEqual([1, 2, 3, 1]);
    expect(new Set(platform.ledger.filter((e) => e.kind === 'kv').map((e) => e.invocationId)).size).toBe(4);
  });
});
