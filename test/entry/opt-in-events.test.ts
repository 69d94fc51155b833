/**
 * The opt-in features' events (issue 14) through the local platform: off, they cost no platform
 * call at all; on, one outbox append each, like every other event. Payloads: the FDK's own
 * time-entry test data and the constructed support_agent ones (server/test_data).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readOutboxSlot, slotOf } from '../../src/delivery/intake/outbox';
import { handlers } from '../../src/entry/handlers';
import type { KeyValueStore } from '../../src/platform/types';
import { COUNTERS_KEY } from '../../src/storage/keys';
import { ManualClock } from '../../tools/clock';
import { LocalPlatform } from '../../tools/local-platform';

const T0 = Date.parse('2026-11-21T10:00:00Z');
const testData = path.resolve(__dirname, '..', '..', 'server', 'test_data');

function fixture(module: string, event: string): Record<string, unknown> {
  return (JSON.parse(fs.readFileSync(path.join(testData, module, `${event}.json`), 'utf8')) as { data: Record<string, unknown> }).data;
}

/** A status-only update that resolves ticket 171 (open 2 → resolved 4). */
function resolvingUpdate(): Record<string, unknown> {
  const data = fixture('support_ticket', 'onTicketUpdate') as { ticket: Record<string, unknown> };
  return { ...data, ticket: { ...data.ticket, id: 171, status: 4, updated_at: '2026-11-21T09:59:00Z', changes: { status: [2, 4] } } };
}

const OPT_IN_EVENTS: ReadonlyArray<[string, () => Record<string, unknown>]> = [
  ['onTimeEntryCreate', () => fixture('support_ticket', 'onTimeEntryCreate')],
  ['onTimeEntryUpdate', () => fixture('support_ticket', 'onTimeEntryUpdate')],
  ['onTimeEntryDelete', () => fixture('support_ticket', 'onTimeEntryDelete')],
  ['onAgentUpdate', () => fixture('support_agent', 'onAgentUpdate')],
  ['onAgentAvailabilityUpdate', () => fixture('support_agent', 'onAgentAvailabilityUpdate')],
  ['onTicketUpdate', resolvingUpdate],
];

const ON = { handled_contacts: true, agent_statuses: true };

let platform: LocalPlatform | undefined;

async function load(iparams: Record<string, unknown>): Promise<LocalPlatform> {
  platform = await LocalPlatform.load({ iparams, clock: new ManualClock(T0), inProcessHandlers: handlers });
  return platform;
}

afterEach(async () => {
  jest.restoreAllMocks();
  await platform?.close();
  platform = undefined;
});

describe('with both features off (the default)', () => {
  it.each(OPT_IN_EVENTS)('%s makes no platform call at all', async (event, data) => {
    const p = await load({});
    const before = p.counts();
    expect(await p.trigger(event, data())).toMatchObject({ ok: true });
    expect(p.counts()).toEqual({ ...before, invocations: before.invocations + 1 });
  });

  it('does not even read a payload it will not use: an unreadable time entry costs nothing', async () => {
    const p = await load({});
    const before = p.counts();
    expect(await p.trigger('onTimeEntryCreate', { time_entry: { id: 'x' } })).toMatchObject({ ok: true });
    expect(p.counts().kvOps).toBe(before.kvOps);
  });
});

describe('with both features on', () => {
  it.each(OPT_IN_EVENTS)('%s costs one KV operation: its record in the outbox', async (event, data) => {
    const p = await load(ON);
    const before = p.counts();
    expect(await p.trigger(event, data())).toMatchObject({ ok: true });
    expect(p.counts()).toEqual({ ...before, kvOps: before.kvOps + 1, invocations: before.invocations + 1 });
  });

  it('keeps what the delivery run needs: the entry and its seconds, the resolution, the agent and its status', async () => {
    const p = await load({ ...ON, agent_identifier: 'email' });
    for (const [event, data] of OPT_IN_EVENTS) await p.trigger(event, data());
    const records = await readOutboxSlot(p.globals().db as unknown as KeyValueStore, slotOf(T0));
    expect(records).toEqual([
      { k: 'e', entry: { id: 2, ticketId: 171, seconds: 43920 }, at: Date.parse('2021-11-08T16:20:48Z') },
      { k: 'e', entry: { id: 2, ticketId: 171, seconds: 45000 }, at: Date.parse('2021-11-08T16:20:59Z') },
      { k: 'e', entry: { id: 223162, ticketId: 171 }, at: T0 },
      { k: 'a', change: { agentId: 54, email: 'ana.lopez@example.com', at: '2021-11-08T16:20:48Z', available: false } },
      { k: 'a', change: { agentId: 54, email: 'ana.lopez@example.com', at: '2021-11-08T16:20:48Z', available: false, statusId: 7 } },
      expect.objectContaining({ k: 'u', resolved: true, at: Date.parse('2026-11-21T09:59:00Z'), ticket: expect.objectContaining({ id: 171 }) }),
    ]);
  });

  it('keeps no email when agents are identified by id', async () => {
    const p = await load({ ...ON, agent_identifier: 'id' });
    await p.trigger('onAgentUpdate', fixture('support_agent', 'onAgentUpdate'));
    const records = await readOutboxSlot(p.globals().db as unknown as KeyValueStore, slotOf(T0));
    expect(records).toEqual([{ k: 'a', change: { agentId: 54, email: '', at: '2021-11-08T16:20:48Z', available: false } }]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['onTimeEntryCreate', { time_entry: { id: 2, ticket_id: 171 } }, 'time_entry.time_spent must be a whole number of seconds'],
    ['onTimeEntryUpdate', { time_entry: { id: 2, ticket_id: 171, time_spent: -5 } }, 'time_entry.time_spent must be >= 0'],
    ['onTimeEntryDelete', { time_entry: { ticket_id: 171 } }, 'time_entry.id is required but missing'],
    ['onAgentUpdate', { agent: { id: 54, available: 'yes' } }, 'agent.available must be a boolean'],
    ['onAgentUpdate', { agent: { id: 54, available: true } }, 'agent.contact.email is required to identify agents by email'],
  ])('%s with an unreadable payload is logged once with the field, counted, and keeps nothing (%j)', async (event, data, message) => {
    const p = await load(ON);
    expect(await p.trigger(event, data)).toMatchObject({ ok: true });
    expect(p.logs.map((l) => l.message)).toEqual([expect.stringContaining(`INVALID_PAYLOAD: ${event} payload rejected: ${message}`)]);
    const db = p.globals().db as unknown as KeyValueStore;
    expect(await db.get(COUNTERS_KEY)).toMatchObject({ invalid_payloads: 1 });
    expect(await readOutboxSlot(db, slotOf(T0))).toEqual([]);
  });
});
