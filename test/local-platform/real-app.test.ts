/**
 * The real app through the local platform: every FDK test payload in server/test_data whose event
 * manifest.json declares runs into the built handlers without error (fdk run's "Simulate", see
 * architecture/serverless_offerings_doc.md), and the app's own request templates render as the
 * platform would render them.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ManualClock } from '../../tools/clock';
import { LocalPlatform } from '../../tools/local-platform';
import { startServer } from './helpers';

const root = path.resolve(__dirname, '..', '..');
const testData = path.join(root, 'server', 'test_data');

beforeAll(() => {
  if (!fs.existsSync(path.join(root, 'server', 'server.js'))) {
    execFileSync(process.execPath, [require.resolve('tsx/cli'), 'tools/build/build.ts'], { cwd: root, stdio: 'inherit' });
  }
});

const IPARAMS = { injixo_api_key: 'injixo-key', freshdesk_api_key: 'fd-key', reply_scope: 'customer' };

function declaredEvents(): Set<string> {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8')) as { modules: Record<string, { events?: Record<string, unknown> }> };
  return new Set(Object.values(manifest.modules).flatMap((m) => Object.keys(m.events ?? {})));
}

const fixtures = fs
  .readdirSync(testData)
  .flatMap((mod) => fs.readdirSync(path.join(testData, mod)).map((file) => path.join(mod, file)))
  .filter((rel) => declaredEvents().has(path.basename(rel, '.json')));

describe('the built app on the local platform', () => {
  it('has a test payload for every declared event', () => {
    expect(fixtures.map((f) => path.basename(f, '.json')).sort()).toEqual([...declaredEvents()].sort());
  });

  it.each(fixtures)('runs server/test_data/%s without error', async (rel) => {
    const file = path.join(testData, rel);
    // The payload was recorded at its timestamp (seconds for product events, ms for app events):
    // run it at that time, as the platform would have, so "now"-relative logic holds.
    const { timestamp } = JSON.parse(fs.readFileSync(file, 'utf8')) as { timestamp: number | string };
    const ms = Number(timestamp) < 1e12 ? Number(timestamp) * 1000 : Number(timestamp);
    const platform = await LocalPlatform.load({ iparams: IPARAMS, clock: new ManualClock(Math.floor(ms)) });
    const result = await platform.runFixture(file);
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(platform.ledger.at(-1)).toMatchObject({ kind: 'invocation', outcome: 'ok' });
  });

  it('installs and uninstalls', async () => {
    const platform = await LocalPlatform.load({ iparams: IPARAMS });
    await expect(platform.install()).resolves.toEqual({ ok: true });
    await expect(platform.uninstall()).resolves.toEqual({ ok: true });
  });

  it("renders the app's Freshdesk and injixo templates with the right hosts and credentials", async () => {
    const remote = await startServer();
    try {
      const platform = await LocalPlatform.load({
        iparams: IPARAMS,
        hostMap: { 'api.injixo.com': remote.base, 'acme.freshdesk.com': remote.base },
      });
      const { request } = platform.globals();
      // Handlers get freshdesk_host from their wrapper; called directly, the test passes it.
      await request.invokeTemplate('freshdeskListGroups', { context: { page: 3, freshdesk_host: 'acme.freshdesk.com' } });
      await request.invokeTemplate('injixoPostContacts', { body: '{"data":[]}' });
      expect(remote.seen.map((r) => [r.method, r.headers.host, r.url, r.headers.authorization])).toEqual([
        ['GET', 'acme.freshdesk.com', '/api/v2/groups?per_page=100&page=3', `Basic ${Buffer.from('fd-key:X').toString('base64')}`],
        ['POST', 'api.injixo.com', '/external-systems/contact-events', 'Bearer injixo-key'],
      ]);
      expect(remote.seen[1]?.body).toBe('{"data":[]}');
    } finally {
      await remote.close();
    }
  });

  it.each([
    ['the documented https:// URL', 'https://demo.freshdesk.com'],
    ['an https:// URL with a trailing slash', 'https://demo.freshdesk.com/'],
    ['a bare host', 'demo.freshdesk.com'],
  ])('reads Freshdesk at the bare host of a currentHost given as %s, on install and later from SMI functions', async (_what, freshdeskUrl) => {
    const remote = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    });
    try {
      const platform = await LocalPlatform.load({
        iparams: IPARAMS,
        account: { domain: 'demo.freshdesk.com', freshdeskUrl },
        hostMap: { 'api.injixo.com': remote.base, 'demo.freshdesk.com': remote.base },
      });
      await expect(platform.install()).resolves.toEqual({ ok: true });
      const outcome = await platform.callFunction('testConnection');
      expect(outcome).toEqual({ ok: true, data: expect.objectContaining({ freshdesk: 'ok' }) as unknown });
      const freshdeskCalls = remote.seen.filter((r) => r.url.startsWith('/api/v2/'));
      expect(freshdeskCalls.map((r) => r.headers.host)).toEqual(['demo.freshdesk.com', 'demo.freshdesk.com']);
      expect(platform.kvSnapshot()['freshdesk-host']).toEqual({ host: 'demo.freshdesk.com' });
    } finally {
      await remote.close();
    }
  });
});
