/**
 * Issue 14 end to end: a generated day with time tracking and agents' status changes, fed as
 * product events to the BUILT server.js with both opt-in features on. injixo must hold exactly
 * what the independent oracle computes: the offered contacts as before, one handled contact per
 * first resolution with its logged seconds, and each agent's statuses as contiguous intervals.
 */
import { expectedAgentStatuses, expectedHandledContacts } from '../../tools/local-freshdesk/oracle';
import { startSandbox, type Sandbox } from '../../tools/sandbox';
import { injixoCounts, oracleCounts, perQueueInterval } from '../helpers/oracle-compare';

import { DELIVERY_PERIOD_MINUTES } from '../../src/storage/keys';

describe('a generated day with handled contacts and agent statuses on', () => {
  let sandbox: Sandbox;
  let stats: Awaited<ReturnType<Sandbox['replay']>>;

  beforeAll(async () => {
    sandbox = await startSandbox({
      seed: 11,
      ticketsPerDay: 1000,
      world: { timeTracking: true, agents: { customStatuses: true } },
      iparams: { handled_contacts: true, agent_statuses: true, agent_identifier: 'email' },
    });
    stats = await sandbox.replay();
    // An hour after the day: every resolution's 30 minutes have passed and been delivered.
    await sandbox.settle(60);
  }, 600_000);

  afterAll(async () => {
    await sandbox.close();
  });

  it('replays time entries (created, edited, deleted), resolutions and agent changes without a failed invocation', () => {
    expect(stats.byEvent.onTimeEntryCreate).toBeGreaterThan(500);
    expect(stats.byEvent.onTimeEntryUpdate).toBeGreaterThan(50);
    expect(stats.byEvent.onTimeEntryDelete).toBeGreaterThan(20);
    expect(stats.byEvent.onAgentUpdate).toBeGreaterThan(50);
    expect(stats.byEvent.onAgentAvailabilityUpdate).toBe(stats.byEvent.onAgentUpdate);
    expect(stats.failedInvocations).toBe(0);
  });

  it('still delivers exactly the oracle’s offered contacts per queue and interval', () => {
    expect(injixoCounts(sandbox)).toEqual(oracleCounts(sandbox, sandbox.world.start, sandbox.world.end));
  });

  it('delivers one handled contact per first resolution, in its offered contact’s queue and interval, with the oracle’s duration', () => {
    const expected = expectedHandledContacts(sandbox.world);
    const received = sandbox.injixo.store.list().filter((c) => c.handled === true);
    expect(expected.length).toBeGreaterThan(100);
    expect(received.every((c) => !c.offered)).toBe(true);
    expect(perQueueInterval(received)).toEqual(perQueueInterval(expected));
    // Each handled contact's own second is unique in a generated world: compare one by one.
    const key = (c: { queueIdentifier: string; timestamp: string; duration?: number | null }): string => `${c.queueIdentifier} ${c.timestamp} ${c.duration ?? '-'}`;
    expect(received.map(key).sort()).toEqual(expected.map(key).sort());
    // Accounts log time on about half the work: both kinds are there.
    expect(expected.some((c) => c.duration === undefined)).toBe(true);
    expect(expected.some((c) => c.duration !== undefined)).toBe(true);
  });

  it('names the handled contacts’ queues exactly like the offered ones (no new queue in injixo)', () => {
    const offeredQueues = new Set(sandbox.injixo.store.list().filter((c) => c.offered).map((c) => `${c.queueIdentifier}|${c.queueName}`));
    const handledQueues = new Set(sandbox.injixo.store.list().filter((c) => c.handled === true).map((c) => `${c.queueIdentifier}|${c.queueName}`));
    expect([...handledQueues].filter((q) => !offeredQueues.has(q))).toEqual([]);
  });

  it('gives injixo each agent’s statuses as contiguous intervals that match the oracle’s, the open one up to the last run', () => {
    const received = sandbox.injixo.agentStatuses.list();
    expect(sandbox.injixo.agentStatuses.overlaps()).toEqual([]);
    const { closed, open } = expectedAgentStatuses(sandbox.world, 'email');
    // Pieces split at delivery runs join back into the statuses they were cut from.
    const merged = new Map<string, { activityIdentifier: string; start: number; end: number }[]>();
    for (const s of [...received].sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime))) {
      const list = merged.get(s.agentIdentifier) ?? [];
      const last = list[list.length - 1];
      if (last && last.activityIdentifier === s.activityIdentifier && last.end === Date.parse(s.startTime)) last.end = Date.parse(s.endTime);
      else list.push({ activityIdentifier: s.activityIdentifier, start: Date.parse(s.startTime), end: Date.parse(s.endTime) });
      merged.set(s.agentIdentifier, list);
    }
    for (const agent of open) {
      const statuses = merged.get(agent.agentIdentifier) ?? [];
      const expectedClosed = closed.filter((c) => c.agentIdentifier === agent.agentIdentifier).map((c) => ({ activityIdentifier: c.activityIdentifier, start: c.start, end: c.end }));
      expect(statuses.slice(0, -1)).toEqual(expectedClosed);
      // The status still open: from its change up to where the last run had read the outbox.
      expect(statuses[statuses.length - 1]).toMatchObject({ activityIdentifier: agent.activityIdentifier, start: agent.start });
      expect(sandbox.clock.now() - (statuses[statuses.length - 1]?.end ?? 0)).toBeLessThanOrEqual(2 * DELIVERY_PERIOD_MINUTES * 60_000 + 60_000);
    }
  });

  it('shows both features on the status page with nothing left out', async () => {
    const status = await sandbox.platform.callFunction('getStatus', {});
    if (!status.ok) throw new Error('getStatus failed');
    const data = status.data as { handled: { sent: number; waiting: number; early: number }; agents: { sent: number; pending: number; identifiers: string[]; stale: number; dropped: number } };
    expect(data.handled).toMatchObject({ sent: expectedHandledContacts(sandbox.world).length, waiting: 0, early: 0 });
    expect(data.agents).toMatchObject({ pending: 0, stale: 0, dropped: 0 });
    expect(data.agents.identifiers).toHaveLength(sandbox.world.agentIds.length);
  });
});
