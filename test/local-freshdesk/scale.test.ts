import v8 from 'node:v8';
import vm from 'node:vm';
import { ManualClock } from '../../tools/clock';
import { startLocalFreshdesk, type LocalFreshdesk } from '../../tools/local-freshdesk/server';
import { generateWorld, type FreshdeskTicket, type World } from '../../tools/local-freshdesk/world';
import { basicAuth } from './world-helpers';

const ADMIN = 'admin';
const MB = 1024 * 1024;

/** The heap that is still reachable: garbage collected first (exposed for this check only). */
function retainedHeap(): number {
  v8.setFlagsFromString('--expose-gc');
  const collect = vm.runInNewContext('gc') as () => void;
  collect();
  return process.memoryUsage().heapUsed;
}

/** A year of a large account: a million tickets, never all in memory at once. */
describe('a world of a million tickets', () => {
  let world: World;
  let freshdesk: LocalFreshdesk;
  let heapAtStart: number;

  beforeAll(async () => {
    heapAtStart = retainedHeap();
    const started = Date.now();
    world = generateWorld({ seed: 99, start: '2026-01-01T00:00:00Z', days: 365, ticketsPerDay: 2740 });
    expect(Date.now() - started).toBeLessThan(3000);
    freshdesk = await startLocalFreshdesk({ world, adminApiKey: ADMIN, clock: new ManualClock(world.end - 1000), plan: 'enterprise' });
  });

  afterAll(async () => {
    await freshdesk.close();
  });

  const get = async (path: string): Promise<{ status: number; tickets: FreshdeskTicket[]; link: string | null }> => {
    const response = await fetch(`${freshdesk.url}${path}`, { headers: { Authorization: basicAuth(ADMIN) } });
    return { status: response.status, tickets: (await response.json()) as FreshdeskTicket[], link: response.headers.get('link') };
  };

  it('has a million tickets and streams the start of its timeline quickly', () => {
    expect(world.ticketCount).toBe(1_000_100);
    const started = Date.now();
    let events = 0;
    let last = 0;
    for (const event of world.timeline()) {
      if (event.at <= last) throw new Error('timeline out of order');
      last = event.at;
      events += 1;
      if (events === 100_000) break;
    }
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('answers any ticket by id without building the world', () => {
    const started = Date.now();
    for (const id of [1, 500_000, 999_999, 1_000_100]) expect(world.ticketAsOf(id, world.end)?.id ?? id).toBe(id);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('lists page 300 of the default 30-day window quickly', async () => {
    const started = Date.now();
    const answer = await get('/api/v2/tickets?per_page=100&page=300');
    expect(answer.status).toBe(200);
    expect(answer.tickets).toHaveLength(100);
    expect(answer.link).toContain('page=301');
    const ids = answer.tickets.map((ticket) => ticket.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect((await get('/api/v2/tickets?per_page=100&page=301')).status).toBe(400);
  });

  it('lists page 300 of an updated_since query in updated_at order quickly', async () => {
    const started = Date.now();
    const answer = await get('/api/v2/tickets?updated_since=2026-06-01T00:00:00Z&order_by=updated_at&order_type=asc&per_page=100&page=300');
    expect(answer.status).toBe(200);
    const updated = answer.tickets.map((ticket) => Date.parse(ticket.updated_at));
    expect(updated).toEqual([...updated].sort((a, b) => a - b));
    expect(updated[0]).toBeGreaterThanOrEqual(Date.parse('2026-06-01T00:00:00Z'));
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('keeps what stays on the heap small while doing all that', () => {
    expect((retainedHeap() - heapAtStart) / MB).toBeLessThan(60);
  });
});
