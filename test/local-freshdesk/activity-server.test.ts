import type { Clock } from '../../tools/clock';
import { startLocalFreshdesk, type LocalFreshdesk } from '../../tools/local-freshdesk/server';
import { generateWorld, type World, type WorldEvent } from '../../tools/local-freshdesk/world';
import { basicAuth, START } from './world-helpers';

const ADMIN = 'admin-key-123';
const AGENT = 'agent-key-456';
type Json = Record<string, unknown>;

interface Answer {
  status: number;
  headers: Headers;
  json: unknown;
}

async function get(freshdesk: LocalFreshdesk, path: string, key = ADMIN): Promise<Answer> {
  const response = await fetch(path.startsWith('http') ? path : `${freshdesk.url}${path}`, { headers: { Authorization: basicAuth(key) } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text === '' ? undefined : JSON.parse(text) };
}

function nextLink(answer: Answer): string | undefined {
  const link = answer.headers.get('link');
  return link === null ? undefined : /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
}

async function walk(freshdesk: LocalFreshdesk, path: string): Promise<{ items: Json[]; calls: number }> {
  const items: Json[] = [];
  let next: string | undefined = path;
  let calls = 0;
  while (next !== undefined) {
    const answer = await get(freshdesk, next);
    calls += 1;
    if (answer.status !== 200) throw new Error(`${next} answered ${answer.status}`);
    items.push(...(answer.json as Json[]));
    next = nextLink(answer);
  }
  return { items, calls };
}

const iso = (at: number): string => new Date(at).toISOString().replace('.000Z', 'Z');
// Written here again on purpose: the REST API drops the seconds the events carry.
const hhmm = (seconds: number): string => `${String(Math.floor(seconds / 3600)).padStart(2, '0')}:${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}`;

describe('the local Freshdesk API for resolutions, time entries and agents', () => {
  let world: World;
  // A clock tests may set back and forth: the server answers as of whatever it says.
  let clock: Clock & { set(at: number): void };
  let freshdesk: LocalFreshdesk;

  beforeAll(async () => {
    world = generateWorld({ seed: 9, start: START, days: 2, ticketsPerDay: 200, resolutions: true, timeTracking: true, agents: { customStatuses: false } });
    let current = world.end - 1000;
    clock = { now: () => current, set: (at) => { current = at; } };
    freshdesk = await startLocalFreshdesk({ world, adminApiKey: ADMIN, agentApiKey: AGENT, clock, plan: 'enterprise' });
  });

  afterAll(async () => {
    await freshdesk.close();
  });

  /** A ticket resolved, reopened and resolved again by now. */
  function twiceResolved(): { id: number; first: number; last: number } {
    for (let id = 1; id <= world.ticketCount; id += 1) {
      const resolutions = world.statusChangesOf(id).filter((change) => change.to >= 4 && change.from < 4 && change.at <= clock.now());
      const [first] = resolutions;
      const last = resolutions[resolutions.length - 1];
      if (first && last && resolutions.length > 1 && world.ticketAsOf(id, clock.now())) return { id, first: first.at, last: last.at };
    }
    throw new Error('the world has no ticket resolved twice');
  }

  it('embeds stats with the latest resolution time in a ticket on include=stats, for 2 more credits', async () => {
    const { id, first, last } = twiceResolved();
    const answer = await get(freshdesk, `/api/v2/tickets/${id}?include=stats`);
    expect(answer.status).toBe(200);
    const stats = (answer.json as Json)['stats'] as Json;
    expect(stats['resolved_at']).toBe(iso(last));
    expect(stats['resolved_at']).not.toBe(iso(first));
    expect(Object.keys(stats).sort()).toEqual(
      ['agent_responded_at', 'closed_at', 'first_responded_at', 'pending_since', 'reopened_at', 'requester_responded_at', 'resolved_at', 'status_updated_at'],
    );
    expect(answer.headers.get('x-ratelimit-used-currentrequest')).toBe('3');
    const plain = await get(freshdesk, `/api/v2/tickets/${id}`);
    expect((plain.json as Json)['stats']).toBeUndefined();
    expect(plain.headers.get('x-ratelimit-used-currentrequest')).toBe('1');
  });

  it('embeds stats in every listed ticket on include=stats and refuses an include the endpoint does not take', async () => {
    const answer = await get(freshdesk, `/api/v2/tickets?include=stats&updated_since=${iso(world.start)}&per_page=100&order_by=created_at&order_type=asc`);
    const tickets = answer.json as Json[];
    expect(tickets).toHaveLength(100);
    const wrong = tickets.filter((ticket) => {
      const resolutions = world.statusChangesOf(ticket['id'] as number).filter((change) => change.to >= 4 && change.from < 4);
      const latest = resolutions[resolutions.length - 1];
      return ((ticket['stats'] as Json)['resolved_at'] ?? null) !== (latest ? iso(latest.at) : null);
    });
    expect(wrong).toEqual([]);
    expect(tickets.filter((ticket) => (ticket['stats'] as Json)['resolved_at'] !== null).length).toBeGreaterThan(50);
    const refused = await get(freshdesk, '/api/v2/tickets?include=conversations');
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      description: 'Validation failed',
      errors: [{ field: 'include', message: "It should be one of these values: 'stats,requester,description'", code: 'invalid_value' }],
    });
  });

  it('lists each ticket once by updated_at although its time entries share its steps’ seconds', async () => {
    const { items } = await walk(freshdesk, `/api/v2/tickets?updated_since=${iso(world.start)}&order_by=updated_at&order_type=asc&per_page=100`);
    const ids = items.map((ticket) => ticket['id'] as number);
    expect(ids.length).toBeGreaterThan(200);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lists the account time entries executed in a window, 100 a page with a next link, time_spent as "hh:mm"', async () => {
    const after = world.start + 6 * 3_600_000;
    const before = world.start + 30 * 3_600_000;
    const { items, calls } = await walk(freshdesk, `/api/v2/time_entries?executed_after=${iso(after)}&executed_before=${iso(before)}&per_page=100`);
    // From the time-entry events: what stands now of the entries created in the window.
    const standing = new Map<number, number>();
    for (const event of world.timeline(world.start, clock.now() + 1)) {
      if (!event.kind.startsWith('timeEntry') || event.timeEntryId === undefined) continue;
      if (event.kind === 'timeEntryDeleted') standing.delete(event.timeEntryId);
      else if (event.kind === 'timeEntryUpdated' || (event.at >= after && event.at <= before)) {
        standing.set(event.timeEntryId, world.timeEntryAsOf(event.ticketId, event.timeEntryId, event.at)?.time_spent ?? -1);
      }
    }
    const ticketOf = new Map<number, number>();
    for (const event of world.timeline()) if (event.timeEntryId !== undefined) ticketOf.set(event.timeEntryId, event.ticketId);
    const expected = [...standing]
      .filter(([id]) => world.ticketAsOf(ticketOf.get(id) ?? 0, clock.now()) !== undefined && world.timeEntryAsOf(ticketOf.get(id) ?? 0, id, clock.now()) !== undefined)
      .filter(([id]) => {
        const created = world.timeEntryAsOf(ticketOf.get(id) ?? 0, id, clock.now())?.created_at ?? '';
        return Date.parse(created) >= after && Date.parse(created) <= before;
      })
      .map(([id, seconds]) => ({ id, seconds }));
    expect(expected.length).toBeGreaterThan(100);
    expect(calls).toBe(Math.ceil(expected.length / 100));
    expected.sort((left, right) => left.id - right.id);
    expect(items.map((item) => [item['id'], item['time_spent']])).toEqual(expected.map((entry) => [entry.id, hhmm(entry.seconds)]));
    expect(Object.keys(items[0] ?? {}).sort()).toEqual(
      ['agent_id', 'billable', 'created_at', 'executed_at', 'id', 'note', 'start_time', 'ticket_id', 'time_spent', 'timer_running', 'updated_at'],
    );
  });

  it('shows a time entry as it stood at the clock time: edits and deletions appear when they happen', async () => {
    const events = [...world.timeline()];
    const deletions = new Map(events.filter((event) => event.kind === 'timeEntryDeleted').map((event) => [event.timeEntryId, event]));
    const edit = events.find(
      (event): event is WorldEvent & { timeEntryId: number } =>
        event.kind === 'timeEntryUpdated' && deletions.has(event.timeEntryId) && world.hardDeletedAt(event.ticketId) === undefined,
    );
    const deletion = edit && deletions.get(edit.timeEntryId);
    if (!edit || !deletion) throw new Error('the world has no edited and then deleted time entry');
    const before = world.timeEntryAsOf(edit.ticketId, edit.timeEntryId, edit.at - 1000);
    const after = world.timeEntryAsOf(edit.ticketId, edit.timeEntryId, edit.at);
    if (!before || !after) throw new Error('unreachable');
    const shown = async (at: number): Promise<Json | undefined> => {
      clock.set(at);
      const answer = await get(freshdesk, `/api/v2/tickets/${edit.ticketId}/time_entries`, AGENT);
      return (answer.json as Json[]).find((item) => item['id'] === edit.timeEntryId);
    };
    const end = clock.now();
    try {
      expect((await shown(edit.at - 1000))?.['time_spent']).toBe(hhmm(before.time_spent));
      expect((await shown(edit.at))?.['time_spent']).toBe(hhmm(after.time_spent));
      expect(await shown(deletion.at)).toBeUndefined();
    } finally {
      clock.set(end);
    }
  });

  it('answers 404 for the time entries of an unknown ticket and 400 for a malformed executed_after', async () => {
    expect((await get(freshdesk, '/api/v2/tickets/999999/time_entries')).status).toBe(404);
    const refused = await get(freshdesk, '/api/v2/time_entries?executed_after=yesterday');
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      description: 'Validation failed',
      errors: [{ field: 'executed_after', message: "It should be in the 'valid date time' format", code: 'invalid_value' }],
    });
  });

  it('lists agents page by page with their availability as of the clock time', async () => {
    const { items, calls } = await walk(freshdesk, '/api/v2/agents?per_page=5');
    expect(calls).toBe(Math.ceil(world.agentIds.length / 5));
    expect(items.map((agent) => agent['id'])).toEqual([...world.agentIds]);
    const change = world.agentChanges().find((candidate) => candidate.available);
    if (!change) throw new Error('no agent comes online');
    const end = clock.now();
    try {
      clock.set(change.at);
      const agents = (await get(freshdesk, '/api/v2/agents?per_page=100')).json as Json[];
      const agent = agents.find((candidate) => candidate['id'] === change.agentId);
      expect(agent).toMatchObject({ available: true, available_since: iso(change.at), contact: { email: `agent${change.agentId % 1000}@example.com` } });
      clock.set(change.at - 1000);
      const earlier = ((await get(freshdesk, '/api/v2/agents?per_page=100')).json as Json[]).find((candidate) => candidate['id'] === change.agentId);
      expect(earlier).toMatchObject({ available: false, available_since: null });
    } finally {
      clock.set(end);
    }
  });
});
