/**
 * Product events of every module the manifest declares, not only support_ticket: issue 14's
 * time-entry events (support_ticket) and agent events (support_agent) reach their handlers with
 * the same args, payload limit and test_data convention as ticket events, and the ledger counts
 * each invocation's platform calls so a test can say "this handler made no platform call".
 * Sources: architecture/freshdesk_support_agent.md (support_agent product events, payload
 * attributes), architecture/serverless_offerings_doc.md (server/test_data/<module>/<event>.json),
 * SPEC §5 (args fields, 256 KB product payload).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalPlatform } from '../../tools/local-platform';
import { removeApps, writeApp } from './helpers';

afterEach(removeApps);

const TIME_ENTRY_EVENTS = ['onTimeEntryCreate', 'onTimeEntryUpdate', 'onTimeEntryDelete'];
const AGENT_EVENTS = ['onAgentUpdate', 'onAgentAvailabilityUpdate'];

const events = (names: string[]): Record<string, { handler: string }> =>
  Object.fromEntries(names.map((n) => [n, { handler: `${n}Handler` }]));

/** A manifest like the app's: common set-up events, ticket and time-entry events, a support_agent module. */
const MANIFEST = {
  'platform-version': '3.0',
  modules: {
    common: { events: events(['onAppInstall']) },
    support_ticket: { events: events(['onTicketCreate', ...TIME_ENTRY_EVENTS]) },
    support_agent: { events: events(AGENT_EVENTS) },
  },
  engines: { node: '24.11.0', fdk: '10.0.0' },
};

/**
 * Handlers that echo their args; `onTimeEntryCreateHandler` stores a KV record and fetches the
 * schedules so the per-invocation counts have something to count.
 */
function server(): string {
  const echo = [...TIME_ENTRY_EVENTS.slice(1), 'onTicketCreate', ...AGENT_EVENTS]
    .map((n) => `${n}Handler: async function (args) { return args; }`);
  return `exports = {
  onAppInstallHandler: async function () { renderData(); },
  onTimeEntryCreateHandler: async function (args) {
    await $db.set('entry', { id: args.data.time_entry.id });
    await $db.get('entry');
    await $schedule.fetch({ name: 'nothing' }).catch(function () { return null; });
    return args;
  },
  ${echo.join(',\n  ')}
};`;
}

async function load(): Promise<LocalPlatform> {
  return LocalPlatform.load({
    appDir: writeApp({ manifest: MANIFEST, server: server() }),
    iparams: { agent_statuses: true },
    account: { id: '77', domain: 'demo.freshdesk.com', region: 'EU' },
  });
}

const AGENT_DATA = {
  agent: { id: 54, available: false, status_id: null, status_updated_at: '2026-11-02T00:00:00Z', updated_at: '2026-11-02T00:00:00Z', contact: { email: 'ana@example.com', name: 'Ana' } },
  changes: { model_changes: { available: [true, false] } },
  actor: { id: 48, name: 'Jason', type: 'agent' },
};

describe('product events of every declared module', () => {
  it.each(AGENT_EVENTS)('runs the support_agent handler for %s with the same args as a ticket event', async (event) => {
    const platform = await load();
    const result = await platform.trigger(event, AGENT_DATA);
    expect(result).toMatchObject({ ok: true, event, handler: `${event}Handler` });
    expect(result.value).toEqual({
      account_id: '77', domain: 'demo.freshdesk.com', event, region: 'EU',
      timestamp: Date.UTC(2026, 10, 2) / 1000,
      currentHost: { subscribed_modules: ['support_ticket', 'support_agent'], endpoint_urls: { freshdesk: 'https://demo.freshdesk.com' } },
      app_settings: {},
      iparams: { agent_statuses: true },
      data: AGENT_DATA,
    });
  });

  it.each(TIME_ENTRY_EVENTS.slice(1))('runs the support_ticket handler for %s', async (event) => {
    const platform = await load();
    const data = { time_entry: { id: 9, ticket_id: 171, time_spent: '00:10' } };
    expect(await platform.trigger(event, data)).toMatchObject({ ok: true, handler: `${event}Handler`, value: { event, data } });
  });

  it('refuses an agent payload over the 256 KB product-event limit', async () => {
    const platform = await load();
    await expect(platform.trigger('onAgentUpdate', { blob: 'x'.repeat(256 * 1024) })).rejects.toThrow(
      "local platform: the onAgentUpdate payload is 262155 bytes, over the platform's 262144-byte limit",
    );
  });

  it('refuses a support_agent event the manifest does not declare', async () => {
    const platform = await load();
    await expect(platform.trigger('onAgentCreate', AGENT_DATA)).rejects.toThrow("local platform: manifest.json declares no handler for event 'onAgentCreate'");
  });

  it.each(AGENT_EVENTS)('runs server/test_data/support_agent/%s.json as the FDK would', async (event) => {
    const platform = await load();
    const file = path.resolve(__dirname, '..', '..', 'server', 'test_data', 'support_agent', `${event}.json`);
    const fixture = JSON.parse(fs.readFileSync(file, 'utf8')) as { data: unknown };
    const result = await platform.runFixture(file);
    expect(result).toMatchObject({ ok: true, event, handler: `${event}Handler`, value: { event, data: fixture.data } });
    expect((result.value as { iparams: unknown }).iparams).toMatchObject({ agent_statuses: true });
  });
});

describe('platform calls counted per invocation', () => {
  it('counts only the calls of the invocation asked for', async () => {
    const platform = await load();
    const busy = await platform.trigger('onTimeEntryCreate', { time_entry: { id: 9 } });
    const quiet = await platform.trigger('onAgentUpdate', AGENT_DATA);
    expect(platform.counts(busy.invocationId)).toEqual({ requests: 0, kvOps: 2, schedules: 1, invocations: 1, rejected: 0 });
    expect(platform.counts(quiet.invocationId)).toEqual({ requests: 0, kvOps: 0, schedules: 0, invocations: 1, rejected: 0 });
    expect(platform.counts()).toEqual({ requests: 0, kvOps: 2, schedules: 1, invocations: 2, rejected: 0 });
  });
});
