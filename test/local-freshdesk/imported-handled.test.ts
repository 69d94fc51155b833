import type { Clock } from '../../tools/clock';
import { countPerQueueInterval, expectedHandledContacts, type ExpectedHandled } from '../../tools/local-freshdesk/oracle';
import { startLocalFreshdesk, type LocalFreshdesk } from '../../tools/local-freshdesk/server';
import { generateWorld, type World } from '../../tools/local-freshdesk/world';
import { basicAuth, START } from './world-helpers';

const KEY = 'admin-key-123';
type Json = Record<string, unknown>;
const iso = (at: number): string => new Date(at).toISOString().replace('.000Z', 'Z');

/** Every page of a listing, following the link header; with the number of calls it took. */
async function walk(freshdesk: LocalFreshdesk, path: string): Promise<{ items: Json[]; calls: number }> {
  const items: Json[] = [];
  let next: string | undefined = `${freshdesk.url}${path}`;
  let calls = 0;
  while (next !== undefined) {
    const response: Response = await fetch(next, { headers: { Authorization: basicAuth(KEY) } });
    calls += 1;
    if (response.status !== 200) throw new Error(`${next} answered ${response.status}`);
    items.push(...((await response.json()) as Json[]));
    next = /^<([^>]+)>; rel="next"$/.exec(response.headers.get('link') ?? '')?.[1];
  }
  return { items, calls };
}

/**
 * A reference reading of issue 14's import over the REST API, written from the API reference
 * alone: tickets resolved now from `include=stats` on the ticket list, their time from the
 * ACCOUNT-WIDE time entries list ("hh:mm", 100 a page) instead of one call per ticket.
 */
async function importHandled(freshdesk: LocalFreshdesk, from: number, to: number, entriesSince: number): Promise<{ handled: ExpectedHandled[]; listCalls: number; entryCalls: number; entries: number }> {
  const listing = await walk(freshdesk, `/api/v2/tickets?include=stats&updated_since=${iso(from)}&order_by=updated_at&order_type=asc&per_page=100`);
  const times = await walk(freshdesk, `/api/v2/time_entries?executed_after=${iso(entriesSince)}&per_page=100`);
  const seconds = new Map<number, number>();
  for (const entry of times.items) {
    const [hours, minutes] = String(entry['time_spent']).split(':').map(Number);
    seconds.set(entry['ticket_id'] as number, (seconds.get(entry['ticket_id'] as number) ?? 0) + (hours ?? 0) * 3600 + (minutes ?? 0) * 60);
  }
  const handled: ExpectedHandled[] = [];
  for (const ticket of listing.items) {
    const resolvedAt = (ticket['stats'] as Json)['resolved_at'] as string | null;
    // Resolved now: a ticket reopened since keeps its old resolved_at but is not done.
    if (ticket['status'] !== 4 && ticket['status'] !== 5) continue;
    if (resolvedAt === null || Date.parse(resolvedAt) < from || Date.parse(resolvedAt) >= to) continue;
    const group = ticket['group_id'] as number | null;
    const contact: ExpectedHandled = {
      queueIdentifier: `freshdesk/${group === null ? 'none' : String(group)}/${String(ticket['source'])}/tickets`,
      queueName: '',
      timestamp: resolvedAt,
      ticketId: ticket['id'] as number,
    };
    const duration = seconds.get(contact.ticketId);
    handled.push(duration === undefined ? contact : { ...contact, duration });
  }
  return { handled, listCalls: listing.calls, entryCalls: times.calls, entries: times.items.length };
}

const key = (contact: ExpectedHandled): string => `${contact.ticketId} ${contact.queueIdentifier} ${contact.timestamp} ${String(contact.duration)}`;

describe('handled contacts an import can read from the local Freshdesk', () => {
  let world: World;
  let freshdesk: LocalFreshdesk;
  const clock: Clock = { now: () => importAt };
  let importAt = 0;

  beforeAll(async () => {
    world = generateWorld({ seed: 13, start: START, days: 3, ticketsPerDay: 300, resolutions: true, timeTracking: true });
    importAt = world.end - 1000;
    freshdesk = await startLocalFreshdesk({ world, adminApiKey: KEY, clock, plan: 'enterprise' });
  });

  afterAll(async () => {
    await freshdesk.close();
  });

  it('equals the import-mode oracle with the account-wide time entries: one call per 100 entries, not one per resolved ticket', async () => {
    const from = world.start + 86_400_000;
    const to = from + 86_400_000;
    const read = await importHandled(freshdesk, from, to, world.start);
    const expected = expectedHandledContacts(world, { from, to, importAt });
    expect(expected.length).toBeGreaterThan(150);
    expect(expected.filter((contact) => contact.duration !== undefined).length).toBeGreaterThan(50);
    expect(read.handled.map(key).sort()).toEqual(expected.map(key).sort());
    expect(countPerQueueInterval(read.handled)).toEqual(countPerQueueInterval(expected));
    // One call per 100 time entries, and the ticket list the import reads anyway.
    expect(read.entryCalls).toBe(Math.max(1, Math.ceil(read.entries / 100)));
    expect(read.listCalls).toBeLessThan(20);
    expect(read.entryCalls).toBeLessThan(expected.length / 5);
  });

  it('agrees with the events’ handled contacts on most tickets but not all: the API cannot tell first resolutions, reopens, later edits or seconds', () => {
    const from = world.start + 86_400_000;
    const to = from + 86_400_000;
    const imported = new Map(expectedHandledContacts(world, { from, to, importAt }).map((contact) => [contact.ticketId, contact]));
    const fromEvents = expectedHandledContacts(world, { from, to });
    let sameTime = 0;
    for (const contact of fromEvents) if (imported.get(contact.ticketId)?.timestamp === contact.timestamp) sameTime += 1;
    // Most tickets are resolved once and stay resolved: the two agree on them.
    expect(sameTime / fromEvents.length).toBeGreaterThan(0.5);
    expect(sameTime).toBeLessThan(fromEvents.length);
  });
});
