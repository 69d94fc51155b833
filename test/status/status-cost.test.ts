/**
 * Issue 22 item 1: a status page load costs at most one KV operation, counted by the local
 * platform's own ledger of platform calls, on an account whose delivery runs, opt-in features and
 * a replay have filled every part of the page (queues, gaps, counters, agents, the walk's view).
 */
import { startSandbox, type Sandbox } from '../../tools/sandbox';

const START = '2026-11-02T06:00:00Z';
const S = Date.parse(START);
const HOUR = 3_600_000;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    start: START,
    inProcess: true,
    seed: 7,
    ticketsPerDay: 1500,
    iparams: { handled_contacts: true, agent_statuses: true },
    world: { timeTracking: true, agents: { customStatuses: true } },
    faults: [{ from: S + 2 * HOUR, to: S + 2 * HOUR + 20 * 60_000, kind: 'outage', status: 503 }],
  });
  await sandbox.replay(S, S + 4 * HOUR);
  const replay = await sandbox.platform.callFunction('replayPeriod', { from: new Date(S + HOUR).toISOString(), to: new Date(S + 2 * HOUR).toISOString() });
  expect(replay).toMatchObject({ ok: true });
  await sandbox.settle(20);
}, 120_000);

afterAll(async () => {
  await sandbox?.close();
});

async function load(): Promise<{ kvOps: number; data: Record<string, unknown> }> {
  const before = sandbox.platform.counts().kvOps;
  const answer = await sandbox.platform.callFunction('getStatus', {});
  if (!answer.ok) throw new Error(`getStatus failed: ${JSON.stringify(answer.error)}`);
  return { kvOps: sandbox.platform.counts().kvOps - before, data: answer.data as Record<string, unknown> };
}

describe('a status page load', () => {
  it('costs one KV operation, with every section filled', async () => {
    const { kvOps, data } = await load();
    expect(kvOps).toBe(1);
    // The page had something to show in each part it reads from that one record.
    expect(data).toMatchObject({ state: 'flowing', lastFailure: { code: 'INJIXO_UNAVAILABLE' }, handled: expect.any(Object), agents: { sent: expect.any(Number) }, replay: expect.any(Object) });
    expect((data.recent as { queues: unknown[] }).queues.length).toBeGreaterThan(5);
    expect((data.agents as { identifiers: unknown[] }).identifiers.length).toBeGreaterThan(0);
    expect(data.asOf).toEqual(expect.any(String));
  });

  it('costs one KV operation on every load: nothing is assembled from other keys later', async () => {
    const costs: number[] = [];
    for (let i = 0; i < 5; i += 1) costs.push((await load()).kvOps);
    expect(costs).toEqual([1, 1, 1, 1, 1]);
  });
});
