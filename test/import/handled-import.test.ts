/**
 * Handled contacts from the history import (issue 14): the CLI with --handled against a local
 * Freshdesk whose agents track time, over real HTTP. injixo must hold the import oracle's
 * handled contacts (what the API tells at import time: the latest resolution, time entries in
 * whole minutes) beside exactly the offered contacts an import without it sends.
 */
import { expectedHandledContacts } from '../../tools/local-freshdesk/oracle';
import { perQueueInterval } from '../helpers/oracle-compare';
import { importOracle, injixoCounts, runCli, startStack, type Stack, windowArgs } from './cli-harness';

describe('the import with handled contacts', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ days: 7, ticketsPerDay: 60, timeTracking: true });
  });

  afterAll(async () => {
    await stack.close();
  });

  it('sends one handled contact per ticket resolved in the window, in its Tickets queue, with its logged minutes; the offered contacts are unchanged', async () => {
    const run = await runCli(windowArgs(stack, ['--handled', '--json']));
    expect(run.code).toBe(0);
    const expected = expectedHandledContacts(stack.world, { from: stack.world.start, to: stack.world.end, importAt: Date.now() });
    const received = stack.injixo.store.list().filter((c) => c.handled === true);
    expect(expected.length).toBeGreaterThan(30);
    const key = (c: { queueIdentifier: string; timestamp: string; duration?: number | null }): string => `${c.queueIdentifier} ${c.timestamp} ${c.duration ?? '-'}`;
    expect(received.map(key).sort()).toEqual(expected.map(key).sort());
    expect(perQueueInterval(received)).toEqual(perQueueInterval(expected));
    expect(expected.some((c) => c.duration === undefined) && expected.some((c) => c.duration !== undefined)).toBe(true);
    expect(injixoCounts(stack)).toEqual(importOracle(stack));
    // One time-entries call per ticket resolved in the window (spam and deleted ones are read, then left out).
    const timeEntryCalls = stack.freshdesk.requestLog.filter((r) => r.path.includes('/time_entries')).length;
    expect(timeEntryCalls).toBeGreaterThanOrEqual(expected.length);
    expect(timeEntryCalls).toBeLessThan(expected.length * 1.2);
    expect(stack.freshdesk.requestLog.filter((r) => r.path.startsWith('/api/v2/tickets?')).every((r) => r.path.includes('include=stats'))).toBe(true);
  });
});

