import { expectedAgentStatuses, expectedHandledContacts, expectedOfferedContacts, type ExpectedHandled } from '../../tools/local-freshdesk/oracle';
import { toProductEvent, toProductEvents } from '../../tools/local-freshdesk/product-events';
import { generateWorld, type World, type WorldOptions } from '../../tools/local-freshdesk/world';
import { applyChange, splitOpen, type AgentIdentifierChoice, type AgentStatusInterval, type AgentTimeline } from '../../src/core/agent-status';
import { isResolution, ticketDuration, type TimeEntryChange } from '../../src/core/handled';
import { START } from './world-helpers';

type Json = Record<string, unknown>;
const SETTLE_MS = 30 * 60_000;
const FIVE_MINUTES = 5 * 60_000;

function world(options: Partial<WorldOptions> = {}): World {
  return generateWorld({ seed: 21, start: START, days: 4, ticketsPerDay: 250, ...options });
}

/**
 * What a consumer of the emitted product events sees, read with the app's own pure rules
 * (src/core/handled.ts): the oracle is written from the world's facts, this from the payloads,
 * so agreement checks the world, its events and the oracle against each other.
 */
function handledFromEvents(subject: World, from = subject.start, to = subject.end): ExpectedHandled[] {
  const queues = new Map<number, string | undefined>();
  const resolved = new Map<number, { at: number; skipped: boolean }>();
  const entryChanges = new Map<number, { at: number; change: TimeEntryChange }[]>();
  for (const event of subject.timeline(subject.start, to + SETTLE_MS + 1000)) {
    const [fired] = toProductEvents(subject, event);
    if (!fired) continue;
    const { event: name, data } = fired;
    const ticket = data['ticket'] as Json | undefined;
    if (name === 'onTicketCreate' && ticket) {
      const spam = ticket['spam'] === true;
      const group = ticket['group_id'] as number | null;
      queues.set(event.ticketId, spam ? undefined : `freshdesk/${group === null ? 'none' : String(group)}/${String(ticket['source'])}/tickets`);
    } else if (name === 'onTicketUpdate' && ticket && !resolved.has(event.ticketId) && isResolution(ticket['changes'] as Record<string, [unknown, unknown]>)) {
      resolved.set(event.ticketId, { at: Date.parse(ticket['updated_at'] as string), skipped: ticket['spam'] === true || ticket['deleted'] === true });
    } else if (name.startsWith('onTimeEntry')) {
      const entry = data['time_entry'] as { id: number; ticket_id: number; time_spent: number };
      const change: TimeEntryChange = name === 'onTimeEntryDelete' ? { kind: 'delete', id: entry.id } : { kind: 'upsert', entry };
      entryChanges.set(entry.ticket_id, [...(entryChanges.get(entry.ticket_id) ?? []), { at: event.at, change }]);
    }
  }
  const handled: ExpectedHandled[] = [];
  for (const [ticketId, resolution] of resolved) {
    const queueIdentifier = queues.get(ticketId);
    if (resolution.skipped || queueIdentifier === undefined || resolution.at < from || resolution.at >= to) continue;
    const standing = (entryChanges.get(ticketId) ?? []).filter((item) => item.at <= resolution.at + SETTLE_MS).map((item) => item.change);
    const duration = ticketDuration(standing);
    const contact = { queueIdentifier, queueName: '', timestamp: new Date(resolution.at).toISOString().replace('.000Z', 'Z'), ticketId };
    handled.push(duration === undefined ? contact : { ...contact, duration });
  }
  return handled;
}

const comparable = (contacts: readonly ExpectedHandled[]): string[] =>
  contacts.map((contact) => `${contact.ticketId} ${contact.queueIdentifier} ${contact.timestamp} ${String(contact.duration)}`).sort();

describe('the oracle for handled contacts', () => {
  let rich: World;
  let handled: ExpectedHandled[];

  beforeAll(() => {
    rich = world({ resolutions: true, timeTracking: true, agents: { customStatuses: true } });
    handled = expectedHandledContacts(rich);
  });

  it('agrees with the handled contacts a consumer reads from the emitted events, durations included', () => {
    expect(handled.length).toBeGreaterThan(500);
    expect(comparable(handled)).toEqual(comparable(handledFromEvents(rich)));
  });

  it('counts a ticket once, at its first resolution, even when it is reopened and resolved again', () => {
    const twice = handled.filter((contact) => rich.statusChangesOf(contact.ticketId).filter((change) => change.to >= 4 && change.from < 4).length > 1);
    expect(twice.length).toBeGreaterThan(20);
    for (const contact of twice.slice(0, 20)) {
      const first = rich.statusChangesOf(contact.ticketId).find((change) => change.to >= 4 && change.from < 4);
      expect(contact.timestamp).toBe(new Date(first?.at ?? 0).toISOString().replace('.000Z', 'Z'));
    }
    expect(new Set(handled.map((contact) => contact.ticketId)).size).toBe(handled.length);
  });

  it('leaves out spam and trashed tickets and puts each contact in the queue of its ticket’s offered contact', () => {
    const offered = expectedOfferedContacts(rich, { replyScope: 'customer' }).filter((contact) => contact.kind === 'tickets');
    const offeredQueue = new Map(offered.map((contact) => [contact.ticketId, `${contact.queueIdentifier}|${contact.queueName}`]));
    expect(handled.filter((contact) => offeredQueue.get(contact.ticketId) !== `${contact.queueIdentifier}|${contact.queueName}`)).toEqual([]);
    expect(handled.filter((contact) => contact.queueIdentifier.startsWith('freshdesk/unknown'))).toEqual([]);
    const handledIds = new Set(handled.map((contact) => contact.ticketId));
    let spamResolved = 0;
    for (let id = 1; id <= rich.ticketCount; id += 1) {
      const first = rich.statusChangesOf(id).find((change) => change.to >= 4 && change.from < 4);
      const state = first ? rich.ticketAsOf(id, first.at) : undefined;
      if (state && (state.spam || state.deleted)) {
        spamResolved += 1;
        expect(handledIds.has(id)).toBe(false);
      }
    }
    expect(spamResolved).toBeGreaterThan(3);
  });

  it('takes the time logged up to 30 minutes after the resolution and nothing later; no duration without entries', () => {
    expect(handled.filter((contact) => contact.duration === undefined).length).toBeGreaterThan(20);
    expect(handled.filter((contact) => contact.duration !== undefined).length).toBeGreaterThan(20);
    let changedLater = 0;
    for (const contact of handled) {
      const final = rich.timeEntriesAsOf(contact.ticketId, rich.end).reduce((sum, entry) => sum + entry.time_spent, 0);
      if (final !== (contact.duration ?? 0)) changedLater += 1;
    }
    // Entries logged, edited or deleted after the settle time make the final total differ.
    expect(changedLater).toBeGreaterThan(10);
  });

  it('keeps to a window, like the events do', () => {
    const from = rich.start + 86_400_000;
    const to = from + 86_400_000;
    const windowed = expectedHandledContacts(rich, { from, to });
    expect(windowed.length).toBeGreaterThan(50);
    expect(comparable(windowed)).toEqual(comparable(handled.filter((contact) => Date.parse(contact.timestamp) >= from && Date.parse(contact.timestamp) < to)));
    expect(comparable(windowed)).toEqual(comparable(handledFromEvents(rich, from, to)));
  });

  it('counts the resolutions a world without the options already has, and gives them no duration', () => {
    const plain = world();
    const plainHandled = expectedHandledContacts(plain);
    expect(plainHandled.filter((contact) => contact.duration !== undefined)).toEqual([]);
    expect(comparable(plainHandled)).toEqual(comparable(handledFromEvents(plain)));
  });

  it('keeps the offered contacts of a world when time tracking and agents are added', () => {
    const plain = expectedOfferedContacts(world(), { replyScope: 'all_public' });
    expect(expectedOfferedContacts(world({ timeTracking: true, agents: { customStatuses: true } }), { replyScope: 'all_public' })).toEqual(plain);
  });
});

/**
 * The agent events as the app's pure rules (src/core/agent-status.ts) read them, with a delivery
 * run every 5 minutes splitting the open intervals, as injixo receives them.
 */
function intervalsFromEvents(subject: World, choice: AgentIdentifierChoice, from: number, to: number): AgentStatusInterval[] {
  const timelines = new Map<number, AgentTimeline | undefined>();
  const received: AgentStatusInterval[] = [];
  let nextRun = Math.ceil((from + 1) / FIVE_MINUTES) * FIVE_MINUTES;
  const runUntil = (at: number): void => {
    for (; nextRun <= at; nextRun += FIVE_MINUTES) {
      for (const [agentId, timeline] of timelines) {
        if (!timeline) continue;
        const split = splitOpen(timeline, nextRun, 0);
        if (split.interval) received.push(split.interval);
        timelines.set(agentId, split.timeline);
      }
    }
  };
  for (const event of subject.timeline(from, to)) {
    if (event.kind !== 'agentUpdated') continue;
    runUntil(event.at);
    const agent = toProductEvent(subject, event).data['agent'] as { id: number; available: boolean; status_id: number | null; status_updated_at: string; contact: { email: string } };
    const change = { agentId: agent.id, email: agent.contact.email, at: agent.status_updated_at, available: agent.available, ...(agent.status_id === null ? {} : { statusId: agent.status_id }) };
    const outcome = applyChange(timelines.get(agent.id), change, choice);
    if (outcome.kind === 'closed' && outcome.interval) received.push(outcome.interval);
    timelines.set(agent.id, outcome.timeline);
  }
  runUntil(to);
  return received;
}

/** Seconds per `agent activity` of intervals, clipped to [from, to). */
function secondsPerActivity(intervals: readonly { agentIdentifier: string; activityIdentifier: string; start: number; end: number }[], from: number, to: number): Map<string, number> {
  const seconds = new Map<string, number>();
  for (const interval of intervals) {
    const inside = Math.min(interval.end, to) - Math.max(interval.start, from);
    if (inside <= 0) continue;
    const key = `${interval.agentIdentifier} ${interval.activityIdentifier}`;
    seconds.set(key, (seconds.get(key) ?? 0) + inside / 1000);
  }
  return seconds;
}

describe('the oracle for agent statuses', () => {
  it.each([
    ['email', false],
    ['id', true],
  ] as const)('gives each (agent, activity) the seconds injixo receives in 5-minute pieces (identifier %s, custom statuses %s)', (choice, customStatuses) => {
    const subject = world({ agents: { customStatuses } });
    const to = subject.start + 2 * 86_400_000;
    const { closed, open } = expectedAgentStatuses(subject, choice, to);
    const expected = secondsPerActivity([...closed, ...open], subject.start, to);
    const received = intervalsFromEvents(subject, choice, subject.start, to).map((interval) => ({
      ...interval,
      start: Date.parse(interval.startTime),
      end: Date.parse(interval.endTime),
    }));
    expect(received.filter((interval) => interval.end - interval.start > FIVE_MINUTES)).toEqual([]);
    expect(expected.size).toBeGreaterThan(subject.agentIds.length);
    expect(secondsPerActivity(received, subject.start, to)).toEqual(expected);
    const activities = new Set([...expected.keys()].map((key) => key.split(' ')[1] ?? ''));
    expect(activities.has(customStatuses ? 'status-1' : 'available')).toBe(true);
  });
});
