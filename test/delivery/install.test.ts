/** onAppInstall re-checks both keys server-side; testConnection answers the status page. */
import { SANDBOX_KEYS, startSandbox, type Sandbox, type SandboxOptions } from '../../tools/sandbox';

const opened: Sandbox[] = [];

async function open(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ inProcess: true, ticketsPerDay: 20, ...options });
  opened.push(sandbox);
  return sandbox;
}

afterAll(async () => {
  for (const sandbox of opened) await sandbox.close();
});

describe('installing the app', () => {
  it('succeeds with working keys, creating the recurring delivery schedule', async () => {
    const sandbox = await open();
    expect(sandbox.platform.schedulesSnapshot()).toEqual([expect.objectContaining({ name: 'deliver', repeat: { time_unit: 'minutes', frequency: 10 } })]);
    expect(sandbox.platform.logs.map((l) => l.message)).toContainEqual(expect.stringContaining('INSTALLED: installed;'));
  });

  it.each([
    ['a rejected injixo key', { injixo_api_key: 'wrong-key' }, 'injixo API key rejected / Clé API injixo refusée'],
    ['a rejected Freshdesk key', { freshdesk_api_key: 'wrong-key' }, 'Freshdesk API key rejected / Clé Freshdesk refusée'],
    ['an agent’s Freshdesk key', { freshdesk_api_key: SANDBOX_KEYS.freshdeskAgent }, 'Freshdesk key needs admin rights / Clé non admin'],
  ])('is blocked with a short bilingual message for %s', async (_case, iparams, message) => {
    await expect(open({ iparams })).rejects.toThrow(`sandbox: install was refused: ${message}`);
  });

  it('is not blocked when injixo cannot be reached: the backlog keeps contacts until it answers', async () => {
    const sandbox = await open({ faults: [{ from: 0, to: Date.parse('2030-01-01T00:00:00Z'), kind: 'outage', status: 503 }] });
    expect(sandbox.platform.isInstalled).toBe(true);
    expect(sandbox.platform.logs.map((l) => l.message)).toContainEqual(expect.stringContaining('injixo=unavailable'));
  });
});

describe('testConnection', () => {
  it('reports both keys working without creating any queue at injixo', async () => {
    const sandbox = await open();
    expect(await sandbox.platform.callFunction('testConnection', {})).toEqual({ ok: true, data: { injixo: 'ok', freshdesk: 'ok' } });
    expect(sandbox.injixo.store.total()).toBe(0);
  });

  it('reports a key regenerated in injixo and a Freshdesk key without admin rights', async () => {
    const sandbox = await open();
    sandbox.injixo.regenerateKey('new-key', sandbox.clock.now());
    await sandbox.platform.updateSettings({ ...sandbox.iparams, freshdesk_api_key: SANDBOX_KEYS.freshdeskAgent });
    expect(await sandbox.platform.callFunction('testConnection', {})).toEqual({ ok: true, data: { injixo: 'rejected', freshdesk: 'not_admin' } });
  });

  it('reports services that do not answer as unavailable', async () => {
    const sandbox = await open({ faults: [{ from: 0, to: Date.parse('2030-01-01T00:00:00Z'), kind: 'reset' }] });
    const answer = await sandbox.platform.callFunction('testConnection', {});
    expect(answer).toMatchObject({ ok: true, data: { injixo: 'unavailable' } });
  });
});

describe('uninstalling the app', () => {
  it('never blocks and removes the schedule', async () => {
    const sandbox = await open();
    expect(await sandbox.platform.uninstall()).toEqual({ ok: true });
    expect(sandbox.platform.schedulesSnapshot()).toEqual([]);
  });
});
