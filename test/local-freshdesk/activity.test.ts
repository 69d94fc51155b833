import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectedOfferedContacts } from '../../tools/local-freshdesk/oracle';
import { toProductEvent, toProductEventArgs, toProductEvents } from '../../tools/local-freshdesk/product-events';
import { generateWorld, type World, type WorldEvent, type WorldOptions } from '../../tools/local-freshdesk/world';
import { validateAgentUpdatedData, validateTimeEntryData } from '../../src/schemas/product-events';
import { START } from './world-helpers';

type Json = Record<string, unknown>;
const ALL_ON = { resolutions: true, timeTracking: true, agents: { customStatuses: true } } as const;

function world(options: Partial<WorldOptions> = {}): World {
  return generateWorld({ seed: 7, start: START, days: 7, ticketsPerDay: 300, ...options });
}

/** A digest of everything a world shows: its timeline and a sample of tickets at the end. */
function fingerprint(subject: World): string {
  const hash = createHash('sha256');
  for (const event of subject.timeline()) hash.update(JSON.stringify(event));
  for (let id = 1; id <= subject.ticketCount; id += 97) hash.update(JSON.stringify(subject.ticketAsOf(id, subject.end)));
  return hash.digest('hex').slice(0, 16);
}

function readFixture(module: string, event: string): Json {
  const file = path.join(__dirname, '..', '..', 'server', 'test_data', module, `${event}.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
}

function keysOf(value: unknown): string {
  return Object.keys(value as Json)
    .sort()
    .join();
}

const isBase = (event: WorldEvent): boolean => ['ticketCreated', 'conversationCreated', 'ticketUpdated'].includes(event.kind);
const firstResolutions = (subject: World, id: number): { at: number; from: number; to: number }[] =>
  subject.statusChangesOf(id).filter((change) => change.to >= 4 && change.from < 4);

describe('world options of issue 14 (resolutions, time tracking, agents)', () => {
  let plain: World;
  let rich: World;
  let richEvents: WorldEvent[];

  beforeAll(() => {
    plain = world();
    rich = world(ALL_ON);
    richEvents = [...rich.timeline()];
  });

  it('leaves a world without the options exactly as the code before them made it', () => {
    // Digest and offered counts of seed 7 computed with tools/local-freshdesk at commit a1de790
    // (before issue 14's options existed); a shifted random stream would change them.
    expect(fingerprint(plain)).toBe('5f8921c59b2fe382');
    expect(expectedOfferedContacts(plain, { replyScope: 'customer' })).toHaveLength(5253);
    expect(expectedOfferedContacts(plain, { replyScope: 'all_public' })).toHaveLength(8178);
    expect(plain.agentChanges()).toEqual([]);
    expect(plain.accountTimeEntriesAsOf(plain.end)).toEqual([]);
  });

  it('is the same world again for the same seed and options', () => {
    expect([...world(ALL_ON).timeline()]).toEqual(richEvents);
    expect(world(ALL_ON).accountTimeEntriesAsOf(rich.end)).toEqual(rich.accountTimeEntriesAsOf(rich.end));
  });

  it('keeps every ticket and its Tickets contact with resolutions on; only the stories react to the added status changes', () => {
    const resolving = world({ resolutions: true });
    const created = (subject: World): WorldEvent[] => [...subject.timeline()].filter((event) => event.kind === 'ticketCreated');
    expect(created(resolving)).toEqual(created(plain));
    const ticketsContacts = (subject: World): unknown[] => expectedOfferedContacts(subject, { replyScope: 'customer' }).filter((contact) => contact.kind === 'tickets');
    expect(ticketsContacts(resolving)).toEqual(ticketsContacts(plain));
    // A base step that reads the status (reopen rather than resolve, survey feedback after a
    // resolution) may differ: the option adds facts, it does not promise the same replies.
    const statusOnly = (subject: World): number => [...subject.timeline()].filter((event) => event.kind === 'ticketUpdated' && event.changes?.['status'] !== undefined).length;
    expect(statusOnly(resolving)).toBeGreaterThan(1.5 * statusOnly(plain));
  });

  it('keeps every ticket event on its own second and the whole timeline in time order', () => {
    const ticketSeconds = [...new Set(richEvents.filter(isBase).map((event) => event.at))];
    expect(ticketSeconds).toHaveLength(richEvents.filter(isBase).length);
    expect(richEvents.filter((event, index) => index > 0 && event.at < (richEvents[index - 1]?.at ?? 0))).toEqual([]);
    const from = rich.start + 2 * 86_400_000;
    const to = from + 86_400_000;
    expect([...rich.timeline(from, to)]).toEqual(richEvents.filter((event) => event.at >= from && event.at < to));
  });

  it('resolves most tickets after their creation, closes some, reopens a few and resolves them again, spam and trashed ones too', () => {
    const count = (subject: World, predicate: (id: number) => boolean): number => {
      let found = 0;
      for (let id = 1; id <= subject.ticketCount; id += 1) if (predicate(id)) found += 1;
      return found;
    };
    const resolved = count(rich, (id) => firstResolutions(rich, id).length > 0);
    expect(resolved / rich.ticketCount).toBeGreaterThan(0.6);
    expect(resolved).toBeGreaterThan(2 * count(plain, (id) => firstResolutions(plain, id).length > 0));
    expect(count(rich, (id) => firstResolutions(rich, id).length > 1)).toBeGreaterThan(30);
    expect(count(rich, (id) => rich.statusChangesOf(id).some((change) => change.from === 4 && change.to === 5))).toBeGreaterThan(100);
    expect(count(rich, (id) => rich.statusChangesOf(id).some((change) => change.at <= (rich.ticketCreatedAt(id) ?? 0)))).toBe(0);
    const spamOrTrash = count(rich, (id) => {
      const first = firstResolutions(rich, id)[0];
      const state = first ? rich.ticketAsOf(id, first.at) : undefined;
      return state !== undefined && (state.spam || state.deleted);
    });
    expect(spamOrTrash).toBeGreaterThan(5);
  });
});

describe('product events of issue 14', () => {
  let rich: World;
  let richEvents: WorldEvent[];

  beforeAll(() => {
    rich = world(ALL_ON);
    richEvents = [...rich.timeline()];
  });

  it.each([
    ['onTimeEntryCreate', 'timeEntryCreated'],
    ['onTimeEntryUpdate', 'timeEntryUpdated'],
    ['onTimeEntryDelete', 'timeEntryDeleted'],
  ] as const)('gives every %s payload the time_entry keys of the FDK sample, and the app schema accepts it', (name, kind) => {
    const fixture = readFixture('support_ticket', name);
    const sampleEntry = (fixture['data'] as Json)['time_entry'] as Json;
    const matching = richEvents.filter((event) => event.kind === kind).slice(0, 200);
    expect(matching.length).toBeGreaterThan(50);
    const mismatches: string[] = [];
    for (const event of matching) {
      const payload = toProductEventArgs(rich, event) as unknown as Json;
      const data = payload['data'] as Json;
      if (payload['event'] !== name || keysOf(payload) !== keysOf(fixture)) mismatches.push(`top of ${event.at}`);
      if (keysOf(data['time_entry']) !== keysOf(sampleEntry)) mismatches.push(`time_entry of ${event.at}: ${keysOf(data['time_entry'])}`);
      const checked = validateTimeEntryData(data, kind !== 'timeEntryDeleted');
      if (!checked.ok) mismatches.push(`schema of ${event.at}: ${checked.error.message}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('sends a status-only update as onTicketUpdate with changes.status, the new status and updated_at', () => {
    const update = richEvents.find((event) => event.kind === 'ticketUpdated' && Object.keys(event.changes ?? {}).join() === 'status' && event.changes?.['status']?.[1] === 4);
    if (!update) throw new Error('no resolution');
    const { event, data } = toProductEvent(rich, update);
    const ticket = data['ticket'] as Json;
    expect(event).toBe('onTicketUpdate');
    expect(ticket['changes']).toEqual({ status: [update.changes?.['status']?.[0], 4] });
    expect(ticket['status']).toBe(4);
    expect(ticket['updated_at']).toBe(new Date(update.at).toISOString().replace('.000Z', 'Z'));
  });

  it('sends every availability change as onAgentUpdate and, with custom statuses, onAgentAvailabilityUpdate too, in the app schema and the sample keys', () => {
    const sample = readFixture('support_agent', 'onAgentUpdate');
    const problems: string[] = [];
    const changes = richEvents.filter((event) => event.kind === 'agentUpdated').slice(0, 80);
    expect(changes.length).toBeGreaterThan(50);
    for (const change of changes) {
      const fired = toProductEvents(rich, change);
      if (fired.map((item) => item.event).join() !== 'onAgentUpdate,onAgentAvailabilityUpdate') problems.push(`${change.at}: fired ${fired.map((item) => item.event).join()}`);
      const data = fired[0]?.data ?? {};
      const checked = validateAgentUpdatedData(data);
      if (!checked.ok) problems.push(`${change.at}: ${checked.error.message}`);
      if (keysOf(data['agent']) !== keysOf((sample['data'] as Json)['agent'])) problems.push(`${change.at}: agent keys`);
      const agent = data['agent'] as Json;
      const modelChanges = (data['changes'] as Json)['model_changes'] as Record<string, unknown[]>;
      if (agent['status_updated_at'] !== new Date(change.at).toISOString().replace('.000Z', 'Z')) problems.push(`${change.at}: status_updated_at`);
      if (modelChanges['available']?.[1] !== agent['available']) problems.push(`${change.at}: available change`);
    }
    expect(problems).toEqual([]);
  });

  it('sends onAgentUpdate alone, with a null status_id, without custom statuses', () => {
    const basic = world({ agents: { customStatuses: false } });
    const change = [...basic.timeline(basic.start, basic.start + 86_400_000)].find((event) => event.kind === 'agentUpdated');
    if (!change) throw new Error('no agent change');
    const fired = toProductEvents(basic, change);
    expect(fired.map((item) => item.event)).toEqual(['onAgentUpdate']);
    expect((fired[0]?.data['agent'] as Json)['status_id']).toBeNull();
    expect(validateAgentUpdatedData(fired[0]?.data).ok).toBe(true);
  });
});
