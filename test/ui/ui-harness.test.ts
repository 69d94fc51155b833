import { ManualClock } from '../../tools/clock';
import { LocalPlatform } from '../../tools/local-platform';
import { startLocalInjixo, type LocalInjixo } from '../../tools/local-injixo/server';
import { CRAYONS_CDN_PREFIX, CRAYONS_LOCAL_PREFIX, startUiHarness, type UiHarness } from '../../tools/ui-harness/server';
import { clientScript } from '../../tools/ui-harness/client-script';

const SECRET = 'injixo-secret-key-2c9d';
const iparams = { injixo_api_key: SECRET, freshdesk_api_key: 'fd-secret-key-77aa', reply_scope: 'all_public', import_window_days: 7 };

let platform: LocalPlatform;
let injixo: LocalInjixo;
let harness: UiHarness;

beforeAll(async () => {
  const clock = new ManualClock('2026-11-21T10:40:00Z');
  injixo = await startLocalInjixo({ apiKey: SECRET, clock });
  platform = await LocalPlatform.load({ iparams, clock, hostMap: { 'api.injixo.com': injixo.url } });
  harness = await startUiHarness({
    platform,
    iparams,
    locale: 'fr',
    functions: {
      leakKey: () => Promise.resolve({ ok: true, data: { key: SECRET } }),
      testConnection: () => Promise.resolve({ ok: true, data: { injixo: 'ok', freshdesk: 'ok' } }),
    },
  });
});

afterAll(async () => {
  await harness.close();
  await platform.close();
  await injixo.close();
});

async function api(what: string, body: Record<string, unknown>): Promise<{ status: number; json: { ok: boolean; value?: unknown; error?: unknown } }> {
  const res = await fetch(`${harness.url}/__harness/${what}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as { ok: boolean; value?: unknown; error?: unknown } };
}

describe('ui harness pages', () => {
  it('serves the real Crayons from node_modules in place of the CDN URL the pages reference', async () => {
    const html = await (await fetch(harness.statusUrl)).text();
    expect(html).toContain(`src="${CRAYONS_LOCAL_PREFIX}crayons.esm.js"`);
    expect(html).not.toContain(CRAYONS_CDN_PREFIX);
    const res = await fetch(`${harness.url}${CRAYONS_LOCAL_PREFIX}crayons.esm.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await res.text()).toContain('fw-button');
    expect((await fetch(`${harness.url}${CRAYONS_LOCAL_PREFIX}..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${harness.url}${CRAYONS_LOCAL_PREFIX}missing.js`)).status).toBe(404);
  });

  it('keeps the production CDN URL when asked to', async () => {
    const cdn = await startUiHarness({ platform, iparams, crayons: 'cdn' });
    try {
      const html = await (await fetch(cdn.installUrl)).text();
      expect(html).toContain(`src="${CRAYONS_CDN_PREFIX}crayons.esm.js"`);
      expect((await fetch(`${cdn.url}${CRAYONS_LOCAL_PREFIX}crayons.esm.js`)).status).toBe(404);
    } finally {
      await cdn.close();
    }
  });

  it('serves the install page with the harness client in place of {{{appclient}}}', async () => {
    const res = await fetch(harness.installUrl);
    const html = await res.text();
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain('<script src="/__harness/client.js?page=install"></script>');
    expect(html).not.toContain('{{{appclient}}}');
    expect(harness.editUrl).toBe(`${harness.installUrl}?edit=1`);
  });

  it('serves the status page, its assets and the client script for each page', async () => {
    expect(await (await fetch(harness.statusUrl)).text()).toContain('/__harness/client.js?page=app');
    expect((await fetch(`${harness.url}/app/styles/status.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await (await fetch(`${harness.url}/__harness/client.js?page=install`)).text()).toContain('const page = "install"');
    expect(await (await fetch(`${harness.url}/__harness/client.js`)).text()).toContain('const page = "app"');
  });

  it.each(['/manifest.json', '/server/server.js', '/config/../manifest.json', '/config/%2e%2e/manifest.json', '/config/missing.js', '/config'])(
    'refuses %s, which a Freshdesk page could not load',
    async (path) => {
      const res = await fetch(`${harness.url}${path}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toMatch(/^ui-harness: .* not found$/);
    },
  );

  it('answers only GET and HEAD for files', async () => {
    const res = await fetch(harness.statusUrl, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('ui harness client API', () => {
  it('gives the browser only the public iparams, whole or by name', async () => {
    expect((await api('iparams', { page: 'app' })).json).toEqual({ ok: true, value: { reply_scope: 'all_public', import_window_days: 7 } });
    expect((await api('iparams', { page: 'app', key: 'injixo_api_key' })).json).toEqual({ ok: true, value: {} });
    expect((await api('configs', { page: 'install' })).json).toEqual({ ok: true, value: { reply_scope: 'all_public', import_window_days: 7 } });
  });

  it('answers data.get like Freshdesk, without the user on the settings page', async () => {
    expect((await api('data', { page: 'app', name: 'loggedInUser' })).json).toMatchObject({ ok: true, value: { loggedInUser: { language: 'fr', contact: { language: 'fr' } } } });
    expect((await api('data', { page: 'app', name: 'domainName' })).json).toEqual({ ok: true, value: { domainName: 'acme.freshdesk.com' } });
    expect((await api('data', { page: 'install', name: 'currentHost' })).json).toEqual({
      ok: true,
      value: { currentHost: { subscribed_modules: ['support_ticket'], endpoint_urls: { freshdesk: 'https://acme.freshdesk.com' } } },
    });
    expect((await api('data', { page: 'install', name: 'loggedInUser' })).json).toEqual({
      ok: false,
      error: { status: 400, message: "ui-harness: data.get('loggedInUser') is not available on the install page" },
    });
  });

  it('renders and sends a template with the page context through the local platform', async () => {
    const bad = await api('invokeTemplate', { page: 'install', name: 'injixoCheckKey', options: { context: { injixo_api_key: 'wrong' }, body: '{"data":[]}' } });
    expect(bad.json).toMatchObject({ ok: false, error: { status: 401, response: '{"message":"Invalid token"}' } });
    const good = await api('invokeTemplate', { page: 'install', name: 'injixoCheckKey', options: { context: { injixo_api_key: SECRET }, body: '{"data":[]}' } });
    expect(good.json).toMatchObject({ ok: false, error: { status: 400 } });
    expect(harness.calls.filter((c) => c.kind === 'invokeTemplate')).toEqual([
      { kind: 'invokeTemplate', name: 'injixoCheckKey', page: 'install', ok: false },
      { kind: 'invokeTemplate', name: 'injixoCheckKey', page: 'install', ok: false },
    ]);
  });

  it('calls SMI functions on the platform or a stand-in, in the shape the FDK client gives', async () => {
    expect((await api('invoke', { page: 'app', name: 'testConnection' })).json).toEqual({
      ok: true,
      value: { requestID: expect.stringMatching(/^harness-\d+$/), status: 200, response: { injixo: 'ok', freshdesk: 'ok' } },
    });
    expect((await api('invoke', { page: 'app', name: 'getStatus' })).json).toMatchObject({ ok: true, value: { response: { state: 'waiting_for_first_delivery' } } });
    expect((await api('invoke', { page: 'app', name: 'noSuchFunction' })).json).toEqual({
      ok: false,
      error: { requestID: expect.any(String), status: 404, message: 'Requested function not found or registered' },
    });
  });

  it('refuses to send an answer that holds a secure iparam, and records the violation', async () => {
    const res = await api('invoke', { page: 'app', name: 'leakKey' });
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ ok: false, error: { status: 500, message: 'ui-harness: refused to send a secure iparam to the browser' } });
    expect(harness.violations).toHaveLength(1);
    harness.violations.length = 0;
  });

  it('answers an unknown API or a body that is not JSON with an error', async () => {
    expect(await api('teleport', { page: 'app' })).toEqual({ status: 404, json: { ok: false, error: { status: 404, message: 'ui-harness: no API teleport' } } });
    const res = await fetch(`${harness.url}/__harness/invoke`, { method: 'POST', body: '{not json' });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^ui-harness: .*JSON/);
  });
});

describe('clientScript', () => {
  it('wires getConfigs for Edit Settings only on the install page', () => {
    expect(clientScript('install')).toContain("get('edit') === '1'");
    expect(clientScript('app')).toContain('const page = "app"');
  });
});
