import { ManualClock } from '../../tools/clock';
import { AGENT_STATUSES_PATH } from '../../tools/local-injixo/agent-statuses';
import { ACCEPTED_STATUS, startLocalInjixo, type LocalInjixo } from '../../tools/local-injixo/server';
import { send } from './http-helpers';

const KEY = 'test-key-1';
const status = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  agentIdentifier: 'ada@example.com',
  activityIdentifier: 'available',
  startTime: '2026-11-21T08:00:00Z',
  endTime: '2026-11-21T08:05:00Z',
  ...overrides,
});

function post(injixo: LocalInjixo, body: unknown, key = KEY): ReturnType<typeof send> {
  return send(`${injixo.url}${AGENT_STATUSES_PATH}`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

describe('local injixo agent-statuses endpoint', () => {
  let injixo: LocalInjixo;

  beforeAll(async () => {
    injixo = await startLocalInjixo({ apiKey: KEY, clock: new ManualClock('2026-11-21T11:00:00Z') });
  });
  afterAll(() => injixo.close());

  it('accepts closed intervals with 202 and keeps them, with the external system named in meta', async () => {
    const answer = await post(injixo, { data: [status(), status({ activityIdentifier: 'unavailable', startTime: '2026-11-21T08:05:00Z', endTime: '2026-11-21T09:00:00Z' })], meta: { integrationConfigurationId: 12, externalSystem: 'freshdesk' } });
    expect(answer.status).toBe(ACCEPTED_STATUS);
    expect(answer.json).toMatchObject({ accepted: 2 });
    expect(injixo.agentStatuses.list().map((s) => s.activityIdentifier)).toEqual(['available', 'unavailable']);
    expect(injixo.agentStatuses.overlaps()).toEqual([]);
  });

  it.each([
    [{ data: [] }, 'data must NOT have fewer than 1 items'],
    [{ data: [status({ startTime: '2026-11-21T09:00:00Z' })] }, 'data.0.startTime must be before endTime'],
    [{ data: [status({ endTime: '2026-11-21 09:00' })] }, 'data.0.endTime must be a UTC ISO-8601 time ending in Z'],
    [{ data: [status({ agentIdentifier: '' })] }, 'data.0.agentIdentifier must NOT have fewer than 1 characters'],
    [{ data: [status({ extra: 1 })] }, 'data.0 must NOT have additional properties'],
  ])('refuses %#: %s, with 400 and the field, storing nothing', async (body, text) => {
    const before = injixo.agentStatuses.list().length;
    const answer = await post(injixo, body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ message: text });
    expect(injixo.agentStatuses.list()).toHaveLength(before);
  });

  it('refuses a body over the 100 KB limit with 413, like the contact-events endpoint', async () => {
    const answer = await post(injixo, { data: Array.from({ length: 1200 }, () => status()) });
    expect(answer.status).toBe(413);
  });

  it('answers a wrong key with 401 "Invalid token", like the contact-events endpoint', async () => {
    const answer = await post(injixo, { data: [status()] }, 'old-key');
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ message: 'Invalid token' });
  });

  it('reports intervals of one agent that overlap, a duplicate included', async () => {
    await post(injixo, { data: [status({ agentIdentifier: 'bob@example.com' }), status({ agentIdentifier: 'bob@example.com', startTime: '2026-11-21T08:04:00Z', endTime: '2026-11-21T08:10:00Z' })] });
    expect(injixo.agentStatuses.overlaps()).toEqual([[expect.objectContaining({ agentIdentifier: 'bob@example.com', startTime: '2026-11-21T08:00:00Z' }), expect.objectContaining({ startTime: '2026-11-21T08:04:00Z' })]]);
  });
});
