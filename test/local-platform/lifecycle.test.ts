/**
 * Rule 5 — renderData, install/uninstall/update, SMI and the invocation budget, plus the event
 * payloads. Sources: architecture/app_setup_events_doc.md (renderData() completes, renderData({message})
 * with a message "not exceeding 60 characters" blocks; an uninstall handler answering an error
 * blocks uninstall), api/server-method-invocation-docs.md (renderData(error, data), payload
 * plus iparams, 100 KB, timeout when no answer), architecture/serverless_offerings_doc.md (20 s),
 * SPEC §5 (args fields, 256 KB product payload), server/test_data (timestamps: seconds for
 * product events, milliseconds for app events).
 */
import { LocalPlatform } from '../../tools/local-platform';
import { manifestWith, removeApps, writeApp } from './helpers';

afterEach(removeApps);

const ALL = manifestWith({ common: ['onAppInstall', 'onAppUninstall', 'afterAppUpdate'], product: ['onTicketCreate'], functions: ['answer', 'silent', 'fails', 'throws'] });

async function load(handlers: Record<string, string>, limits = {}) {
  const defaults: Record<string, string> = {
    onAppInstallHandler: 'renderData();',
    onAppUninstallHandler: 'renderData();',
    afterAppUpdateHandler: 'renderData();',
    onTicketCreateHandler: 'return args;',
    answer: 'renderData(null, { got: args.q, key: args.iparams.key });',
    silent: '',
    fails: "renderData({ status: 403, message: 'no' });",
    throws: "throw new Error('kaput');",
  };
  const body = Object.entries({ ...defaults, ...handlers })
    .map(([name, code]) => `${name}: async function (args) { ${code} }`)
    .join(',\n');
  return LocalPlatform.load({
    appDir: writeApp({ manifest: ALL, server: `exports = {\n${body}\n};` }),
    iparams: { key: 'secret', scope: 'customer' },
    account: { id: '77', domain: 'demo.freshdesk.com', region: 'EU' },
    limits: { invocationMs: 100, ...limits },
  });
}

describe('app set-up events', () => {
  it('installs when onAppInstall ends with renderData()', async () => {
    const platform = await load({});
    expect(platform.isInstalled).toBe(false);
    await expect(platform.install()).resolves.toEqual({ ok: true });
    expect(platform.isInstalled).toBe(true);
  });

  it('blocks the install when onAppInstall answers renderData({message})', async () => {
    const platform = await load({ onAppInstallHandler: "await $db.set('a', { b: 1 }); renderData({ message: 'Invalid API key' });" });
    await expect(platform.install()).resolves.toEqual({ ok: false, message: 'Invalid API key' });
    expect(platform.isInstalled).toBe(false);
  });

  it('fails the install when the renderData message exceeds 60 characters', async () => {
    const long = 'x'.repeat(61);
    const platform = await load({ onAppInstallHandler: `renderData({ message: '${long}' });` });
    await expect(platform.install()).resolves.toEqual({ ok: false, message: `renderData error message must not exceed 60 characters (got 61): ${long}` });
  });

  it('fails the install when renderData gets an error without a message', async () => {
    const platform = await load({ onAppInstallHandler: 'renderData({ status: 500 });' });
    await expect(platform.install()).resolves.toEqual({ ok: false, message: 'renderData was called with an error that has no message' });
  });

  it('times out an install whose handler never calls renderData', async () => {
    const platform = await load({ onAppInstallHandler: "await $db.set('a', { b: 1 });" });
    await expect(platform.install()).resolves.toEqual({ ok: false, message: 'App execution timed out after 100 ms (renderData was never called)' });
  });

  it('gives set-up events the shorter 10 s set-up budget', async () => {
    const platform = await load({ onAppInstallHandler: '' }, { invocationMs: 5000, setupEventMs: 50 });
    await expect(platform.install()).resolves.toEqual({ ok: false, message: 'App execution timed out after 50 ms (renderData was never called)' });
  });

  it('waits for a renderData called after the handler returned', async () => {
    const platform = await load({ onAppInstallHandler: "$db.set('a', { b: 1 }).then(function () { renderData(); });" });
    await expect(platform.install()).resolves.toEqual({ ok: true });
  });

  it('keeps the first renderData answer', async () => {
    const platform = await load({ onAppInstallHandler: "renderData(); renderData({ message: 'late' });" });
    await expect(platform.install()).resolves.toEqual({ ok: true });
  });

  it('fails the install when the handler throws, with the error message', async () => {
    const platform = await load({ onAppInstallHandler: "throw new Error('boom');" });
    await expect(platform.install()).resolves.toEqual({ ok: false, message: 'boom' });
  });

  it('uninstalls, removing the installation KV data and schedules', async () => {
    const platform = await load({});
    await platform.install();
    await platform.globals().db.set('k', { a: 1 });
    await platform.globals().schedule.create({ name: 's', data: {}, schedule_at: '2030-01-01T00:00:00Z' });
    await expect(platform.uninstall()).resolves.toEqual({ ok: true });
    expect(platform.isInstalled).toBe(false);
    expect(platform.kvSnapshot()).toEqual({});
    expect(platform.schedulesSnapshot()).toEqual([]);
  });

  it('reports an uninstall handler that answers an error, since that blocks uninstall for good', async () => {
    const platform = await load({ onAppUninstallHandler: "renderData({ message: 'nope' });" });
    await platform.install();
    await platform.globals().db.set('k', { a: 1 });
    await expect(platform.uninstall()).resolves.toEqual({ ok: false, message: 'nope' });
    expect(platform.kvSnapshot()).toEqual({ k: { a: 1 } });
  });

  it('replaces the settings and fires afterAppUpdate with them', async () => {
    const platform = await load({ afterAppUpdateHandler: 'console.log(args.iparams.key); renderData();' });
    await expect(platform.updateSettings({ key: 'new' })).resolves.toEqual({ ok: true });
    expect(platform.logs.map((l) => l.message)).toEqual(['new']);
    expect((await platform.trigger('onTicketCreate', {})).value).toMatchObject({ iparams: { key: 'new' } });
  });

  it('keeps the previous settings when afterAppUpdate refuses the update', async () => {
    const platform = await load({ afterAppUpdateHandler: "renderData({ message: 'bad key' });" });
    await expect(platform.updateSettings({ key: 'new' })).resolves.toEqual({ ok: false, message: 'bad key' });
    expect((await platform.trigger('onTicketCreate', {})).value).toMatchObject({ iparams: { key: 'secret' } });
  });

  it('installs and updates without handlers when the manifest declares none', async () => {
    const platform = await LocalPlatform.load({
      appDir: writeApp({ server: 'exports = { onTicketCreateHandler: function () {} };' }),
      iparams: {},
    });
    await expect(platform.install()).resolves.toEqual({ ok: true });
    await expect(platform.updateSettings({ a: 1 })).resolves.toEqual({ ok: true });
    await expect(platform.uninstall()).resolves.toEqual({ ok: true });
  });
});

describe('server method invocation', () => {
  it('answers with the data given to renderData(null, data); the payload carries iparams', async () => {
    const platform = await load({});
    await expect(platform.callFunction('answer', { q: 'why' })).resolves.toEqual({ ok: true, data: { got: 'why', key: 'secret' } });
  });

  it('answers with the error given to renderData(error)', async () => {
    await expect((await load({})).callFunction('fails')).resolves.toEqual({ ok: false, error: { status: 403, message: 'no' } });
  });

  it('times out a function that never calls renderData', async () => {
    await expect((await load({})).callFunction('silent')).resolves.toEqual({
      ok: false, error: { status: 500, message: 'App execution timed out after 100 ms (renderData was never called)' },
    });
  });

  it('fails a function that throws', async () => {
    await expect((await load({})).callFunction('throws')).resolves.toEqual({ ok: false, error: { status: 500, message: 'kaput' } });
  });

  it('refuses an undeclared function and a payload over 100 KB', async () => {
    const platform = await load({});
    await expect(platform.callFunction('nope')).resolves.toEqual({ ok: false, error: { status: 404, message: 'Requested function not found or registered' } });
    await expect(platform.callFunction('answer', { q: 'x'.repeat(100 * 1024) })).resolves.toEqual({
      ok: false, error: { status: 413, message: 'SMI payload exceeds 102400 bytes' },
    });
  });
});

describe('product events', () => {
  it('builds the real payload: ids, bare domain, region, seconds timestamp, currentHost, iparams, data', async () => {
    const platform = await load({});
    const result = await platform.trigger('onTicketCreate', { ticket: { id: 1 } }, { extra: true });
    expect(result).toMatchObject({ ok: true, event: 'onTicketCreate', handler: 'onTicketCreateHandler' });
    expect(result.value).toEqual({
      account_id: '77', domain: 'demo.freshdesk.com', event: 'onTicketCreate', region: 'EU',
      timestamp: Date.UTC(2026, 10, 2) / 1000,
      currentHost: { subscribed_modules: ['support_ticket'], endpoint_urls: { freshdesk: 'https://demo.freshdesk.com' } },
      app_settings: {},
      iparams: { key: 'secret', scope: 'customer' },
      data: { ticket: { id: 1 } },
      extra: true,
    });
  });

  it('gives app events a millisecond timestamp', async () => {
    const platform = await load({ onAppInstallHandler: 'console.log(String(args.timestamp)); renderData();' });
    await platform.install();
    expect(platform.logs[0]?.message).toBe(String(Date.UTC(2026, 10, 2)));
  });

  it('refuses a payload over the 256 KB limit', async () => {
    const platform = await load({});
    await expect(platform.trigger('onTicketCreate', { blob: 'x'.repeat(256 * 1024) })).rejects.toThrow(
      "local platform: the onTicketCreate payload is 262155 bytes, over the platform's 262144-byte limit",
    );
  });

  it('refuses an event the manifest does not declare', async () => {
    const platform = await load({});
    await expect(platform.trigger('onTicketDelete', {})).rejects.toThrow("local platform: manifest.json declares no handler for event 'onTicketDelete'");
  });

  it('fails an invocation that runs past invocationMs', async () => {
    const platform = await load({ onTicketCreateHandler: "await new Promise(function () {}); " });
    const result = await platform.trigger('onTicketCreate', {});
    expect(result).toMatchObject({ ok: false, error: { message: 'App execution timed out after 100 ms' } });
    expect(platform.ledger.at(-1)).toMatchObject({ kind: 'invocation', outcome: 'error', name: 'onTicketCreate' });
  });

  it('reports a rejected handler promise as a failed invocation', async () => {
    const platform = await load({ onTicketCreateHandler: "await $db.get('missing');" });
    const result = await platform.trigger('onTicketCreate', {});
    expect(result).toMatchObject({ ok: false, error: { message: 'Record not found', cause: { status: 404, message: 'Record not found' } } });
  });

  it('reports a non-Error rejection by its JSON or its text', async () => {
    expect((await (await load({ onTicketCreateHandler: 'throw { code: 1 };' })).trigger('onTicketCreate', {})).error?.message).toBe('{"code":1}');
    expect((await (await load({ onTicketCreateHandler: "throw 'plain';" })).trigger('onTicketCreate', {})).error?.message).toBe('plain');
  });

  it('fails synchronously throwing handlers without waiting for the budget', async () => {
    const platform = await LocalPlatform.load({
      appDir: writeApp({ server: "exports = { onTicketCreateHandler: function () { throw new TypeError('sync'); } };" }),
      iparams: {},
    });
    expect((await platform.trigger('onTicketCreate', {})).error?.message).toBe('sync');
  });

  it('refuses to run anything after close()', async () => {
    const platform = await load({});
    await platform.close();
    await expect(platform.trigger('onTicketCreate', {})).rejects.toThrow('local platform: closed');
    await expect(platform.globals().db.get('a')).rejects.toEqual({
      status: 500, message: 'local platform: this invocation has already ended (crash, timeout or closed platform)',
    });
  });
});

describe('globals()', () => {
  it('hands TypeScript code a renderData whose last answer can be read back', async () => {
    const g = (await load({})).globals();
    expect(g.rendered()).toBeUndefined();
    g.renderData(null, { a: 1 });
    expect(g.rendered()).toEqual({ error: null, data: { a: 1 } });
  });
});

describe('generateTargetUrl', () => {
  it('resolves to a plausible local webhook URL for the installation', async () => {
    const platform = await load({ onTicketCreateHandler: 'return await generateTargetUrl();' });
    expect((await platform.trigger('onTicketCreate', {})).value).toBe('http://127.0.0.1:10001/local-platform/webhooks/77');
  });
});

describe('redelivery and ordering of product events (SPEC §5: none is documented)', () => {
  it('delivers the very same args again after redeliverAfterMs, when advance() passes that time', async () => {
    const platform = await load({ onTicketCreateHandler: 'console.log(JSON.stringify({ id: args.data.ticket.id, ts: args.timestamp }));' });
    await platform.trigger('onTicketCreate', { ticket: { id: 5 } }, {}, { redeliverAfterMs: 90_000 });
    const firstAt = Date.UTC(2026, 10, 2);
    expect(platform.pendingRedeliveries()).toEqual([{ at: firstAt + 90_000, event: 'onTicketCreate' }]);
    expect(await platform.advance(60_000)).toEqual([]);
    const results = await platform.advance(60_000);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ ok: true, event: 'onTicketCreate' });
    expect(platform.logs.map((l) => [l.message, l.at])).toEqual([
      [JSON.stringify({ id: 5, ts: firstAt / 1000 }), firstAt],
      [JSON.stringify({ id: 5, ts: firstAt / 1000 }), firstAt + 90_000],
    ]);
    expect(platform.pendingRedeliveries()).toEqual([]);
  });

  it('delivers a batch in the order given, last first by default, and refuses an order that skips or repeats an event', async () => {
    const platform = await load({ onTicketCreateHandler: 'console.log(String(args.data.ticket.id));' });
    const events = [1, 2, 3].map((id) => ({ event: 'onTicketCreate', data: { ticket: { id } } }));
    await platform.triggerOutOfOrder(events);
    await platform.triggerOutOfOrder(events, [1, 2, 0]);
    expect(platform.logs.map((l) => l.message)).toEqual(['3', '2', '1', '2', '3', '1']);
    await expect(platform.triggerOutOfOrder(events, [0, 0, 1])).rejects.toThrow('local platform: triggerOutOfOrder needs an order that names every event exactly once');
  });
});
