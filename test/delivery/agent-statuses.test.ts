/**
 * Agent statuses in the delivery run (issue 14; docs/design/handled-and-agent-statuses.md §2):
 * the local platform's KV store, and the local injixo over real HTTP (its validation, its
 * outage faults). The world-level day is in test/e2e.
 */
import { type AgentsOutcome, deliverAgentStatuses, MAX_PENDING_INTERVALS } from '../../src/delivery/opt-in/agent-statuses';
import { allCommitted, type CommitView } from '../../src/delivery/memory/commit-view';
import type { OutboxRecord } from '../../src/delivery/intake/outbox';
import type { AgentStatusChange } from '../../src/core/agent-status';
import type { InvokeOptions, KeyValueStore, RequestClient, TemplateResponse } from '../../src/platform/types';
import { readSettings, type Settings } from '../../src/schemas/iparams';
import { handlers } from '../../src/entry/handlers';
import { ManualClock } from '../../tools/clock';
import { LocalPlatform } from '../../tools/local-platform';
import { AGENT_STATUSES_PATH } from '../../tools/local-injixo/agent-statuses';
import { startLocalInjixo, type LocalInjixo } from '../../tools/local-injixo/server';

const KEY = 'agents-test-key';
const T0 = Date.parse('2026-11-02T09:00:00Z');
const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The request template's job, over real HTTP to the local injixo (the platform rejects non-2xx). */
class InjixoOverHttp implements RequestClient {
  posts = 0;
  constructor(private readonly injixo: LocalInjixo) {}
  async invokeTemplate(name: string, options?: InvokeOptions): Promise<TemplateResponse> {
    if (name !== 'injixoPostAgentStatuses') throw new Error(`unexpected template ${name}`);
    this.posts += 1;
    const answer = await fetch(`${this.injixo.url}${AGENT_STATUSES_PATH}`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' }, body: options?.body ?? '' });
    const response = await answer.text();
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the platform rejects with plain objects
    if (answer.status >= 300) return Promise.reject({ status: answer.status, headers: {}, response, errorSource: 'APP' });
    return { status: answer.status, headers: {}, response };
  }
}

let platform: LocalPlatform;
let db: KeyValueStore;
let injixo: LocalInjixo;
let request: InjixoOverHttp;
let clock: ManualClock;

beforeEach(async () => {
  lastOutcome = undefined;
  clock = new ManualClock(T0);
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  platform = await LocalPlatform.load({ iparams: {}, clock, inProcessHandlers: handlers, limits: { kvOpsPerMinute: 100_000, requestsPerMinute: 100_000 } });
  db = platform.globals().db as unknown as KeyValueStore;
  injixo = await startLocalInjixo({ apiKey: KEY, clock });
  request = new InjixoOverHttp(injixo);
});

afterEach(async () => {
  jest.restoreAllMocks();
  await injixo.close();
  await platform.close();
});

const ON: Settings = { ...readSettings(undefined), agentStatuses: true };

function change(agentId: number, atMs: number, available: boolean, extra: Partial<AgentStatusChange> = {}): OutboxRecord {
  return { k: 'a', change: { agentId, email: `Agent${agentId}@Example.com`, at: iso(atMs), available, ...extra } };
}

let lastOutcome: AgentsOutcome | undefined;

/** One run, as the delivery run calls it: its commit id is its time, and it hands its outcome to the next run (the state record does). */
async function run(nowMs: number, records: OutboxRecord[], settings: Settings = ON, commits: CommitView = allCommitted(nowMs)): Promise<Awaited<ReturnType<typeof deliverAgentStatuses>>> {
  const report = await deliverAgentStatuses({ db, request, factsUntilMs: nowMs, settings, mayPost: true, commits, ...(lastOutcome ? { lastOutcome } : {}) }, records);
  lastOutcome = report.outcome;
  return report;
}

/** Seconds per (agent, activity) that injixo received. */
function totals(): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const s of injixo.agentStatuses.list()) {
    const key = `${s.agentIdentifier} ${s.activityIdentifier}`;
    sums[key] = (sums[key] ?? 0) + (Date.parse(s.endTime) - Date.parse(s.startTime)) / 1000;
  }
  return sums;
}

describe('status changes become closed intervals', () => {
  it('closes an interval at each change, splits open ones at every run, and injixo gets contiguous, non-overlapping time', async () => {
    await run(T0 + 10 * MIN, [change(1, T0 + MIN, true), change(2, T0 + 2 * MIN, true, { statusId: 7 }), change(1, T0 + 6 * MIN, false)]);
    await run(T0 + 20 * MIN, [change(1, T0 + 14 * MIN, true)]);
    await run(T0 + 30 * MIN, []);
    const received = injixo.agentStatuses.list();
    expect(injixo.agentStatuses.overlaps()).toEqual([]);
    // Agent 1: available 1→6, unavailable 6→14, available 14→30 (split at the runs at 20 and 30).
    expect(totals()).toEqual({ 'agent1@example.com available': 5 * 60 + 16 * 60, 'agent1@example.com unavailable': 8 * 60, 'agent2@example.com status-7': 28 * 60 });
    expect(received.filter((s) => s.agentIdentifier === 'agent1@example.com').map((s) => [s.startTime, s.endTime])).toEqual([
      [iso(T0 + MIN), iso(T0 + 6 * MIN)],
      [iso(T0 + 6 * MIN), iso(T0 + 10 * MIN)],
      [iso(T0 + 10 * MIN), iso(T0 + 14 * MIN)],
      [iso(T0 + 14 * MIN), iso(T0 + 20 * MIN)],
      [iso(T0 + 20 * MIN), iso(T0 + 30 * MIN)],
    ]);
  });

  it('names agents by id where the admin prefers, storing no email', async () => {
    await run(T0 + 10 * MIN, [{ k: 'a', change: { agentId: 5, email: '', at: iso(T0 + MIN), available: true } }], { ...ON, agentIdentifier: 'id' });
    expect(injixo.agentStatuses.list().map((s) => s.agentIdentifier)).toEqual(['5']);
    expect(JSON.stringify(await db.get('agents'))).not.toContain('@');
  });

  it('leaves out a change older than the agent\'s latest one once that was sent, and a change delivered twice, counting both', async () => {
    await run(T0 + 10 * MIN, [change(1, T0 + MIN, true), change(1, T0 + MIN, true), change(1, T0 + 6 * MIN, false)]);
    await run(T0 + 20 * MIN, [change(1, T0 + 5 * MIN, true), change(1, T0 + 6 * MIN, false)]);
    expect(await db.get('agents')).toMatchObject({ stale: 1, duplicates: 2 });
    expect(totals()).toEqual({ 'agent1@example.com available': 5 * 60, 'agent1@example.com unavailable': 14 * 60 });
    expect(injixo.agentStatuses.overlaps()).toEqual([]);
  });
});

// Simulator seeds 5, 11 and 28 (small): the KV limit held an agent's change in a one-time
// schedule; its record reached the outbox after a run had sent the agent's open status past the
// change, and was dropped as stale — injixo kept the agent in the old activity for hours.
describe('a change whose record reaches the outbox late (held by the KV limit)', () => {
  it('takes effect from the end of what was already sent, counted and said', async () => {
    const info = jest.spyOn(console, 'info');
    await run(T0 + 10 * MIN, [change(1, T0 + MIN, false)]);
    await run(T0 + 20 * MIN, []);
    await run(T0 + 30 * MIN, [change(1, T0 + 15 * MIN, true)]);
    await run(T0 + 40 * MIN, []);
    expect(injixo.agentStatuses.overlaps()).toEqual([]);
    expect(totals()).toEqual({ 'agent1@example.com unavailable': 19 * 60, 'agent1@example.com available': 20 * 60 });
    expect(await db.get('agents')).toMatchObject({ stale: 1, open: { 1: ['agent1@example.com', 'available', (T0 + 40 * MIN) / 1000, (T0 + 15 * MIN) / 1000] } });
    expect(info.mock.calls.flat().join('\n')).toMatch(/AGENT_STATUS_STALE: a status change of agent 1 at 2026-11-02T09:15:00Z came after its time was sent; .* takes effect from 2026-11-02T09:20:00Z/);
  });

  it('takes effect at its own time while that time is still waiting for injixo', async () => {
    injixo.addFault({ from: T0, to: T0 + 25 * MIN, kind: 'outage', status: 503 });
    await run(T0 + 10 * MIN, [change(1, T0 + MIN, false)]);
    clock.advanceTo(T0 + 20 * MIN);
    await run(T0 + 20 * MIN, []);
    clock.advanceTo(T0 + 30 * MIN);
    await run(T0 + 30 * MIN, [change(1, T0 + 15 * MIN, true)]);
    expect(injixo.agentStatuses.list().map((s) => [s.activityIdentifier, s.startTime, s.endTime])).toEqual([
      ['unavailable', iso(T0 + MIN), iso(T0 + 15 * MIN)],
      ['available', iso(T0 + 15 * MIN), iso(T0 + 30 * MIN)],
    ]);
    expect(await db.get('agents')).toMatchObject({ stale: 0 });
  });

  it('is left out when a newer change of the agent came first', async () => {
    await run(T0 + 10 * MIN, [change(1, T0 + MIN, false)]);
    await run(T0 + 20 * MIN, [change(1, T0 + 12 * MIN, true, { statusId: 3 })]);
    await run(T0 + 30 * MIN, [change(1, T0 + 11 * MIN, true)]);
    expect(totals()).toEqual({ 'agent1@example.com unavailable': 11 * 60, 'agent1@example.com status-3': 18 * 60 });
    expect(await db.get('agents')).toMatchObject({ stale: 1 });
  });
});

describe('an injixo outage', () => {
  it('keeps the intervals, rejoins the unsent pieces of one status, and sends them once injixo is back', async () => {
    injixo.addFault({ from: T0, to: T0 + 60 * MIN, kind: 'outage', status: 503 });
    await run(T0 + 10 * MIN, [change(1, T0 + MIN, true)]);
    clock.advanceTo(T0 + 20 * MIN);
    const during = await run(T0 + 20 * MIN, []);
    expect(during).toMatchObject({ sent: 0, pending: 1, failure: { code: 'INJIXO_UNAVAILABLE' } });
    clock.advanceTo(T0 + 70 * MIN);
    const after = await run(T0 + 70 * MIN, [change(1, T0 + 65 * MIN, false)]);
    expect(after).toMatchObject({ sent: 2, pending: 0 });
    expect(totals()).toEqual({ 'agent1@example.com available': 64 * 60, 'agent1@example.com unavailable': 5 * 60 });
  });

  it(`keeps at most ${MAX_PENDING_INTERVALS} intervals, dropping the oldest and counting them`, async () => {
    injixo.addFault({ from: T0, to: T0 + 10_000 * MIN, kind: 'outage', status: 503 });
    const records = Array.from({ length: MAX_PENDING_INTERVALS + 11 }, (_, i) => change(1, T0 + i * 1000, i % 2 === 0));
    await run(T0 + 10_000 * MIN - 1, records);
    expect(await db.get('agents')).toMatchObject({ dropped: 11 });
  });
});

// Simulator seed 58 (large): injixo answered 413 for a few minutes, to every body; the run dropped
// six intervals of a few hundred bytes as "invalid", and injixo's adherence lost that time.
describe('injixo answering 413 (too large) to a body far under its limit', () => {
  it('keeps the intervals and sends them once injixo takes bodies again', async () => {
    injixo.addFault({ from: T0 + 15 * MIN, to: T0 + 25 * MIN, kind: 'refuse', status: 413 });
    await run(T0 + 10 * MIN, [change(1, T0 + MIN, true)]);
    clock.advanceTo(T0 + 20 * MIN);
    const during = await run(T0 + 20 * MIN, [change(1, T0 + 14 * MIN, false)]);
    expect(during).toMatchObject({ sent: 0, pending: 2, failure: { code: 'INJIXO_BAD_REQUEST', status: 413 } });
    clock.advanceTo(T0 + 30 * MIN);
    expect(await run(T0 + 30 * MIN, [])).toMatchObject({ sent: 2, pending: 0 });
    expect(await db.get('agents')).toMatchObject({ dropped: 0 });
    expect(totals()).toEqual({ 'agent1@example.com available': 13 * 60, 'agent1@example.com unavailable': 16 * 60 });
    expect(injixo.agentStatuses.overlaps()).toEqual([]);
  });
});

describe('the commit protocol (issue 19): an interval is never posted twice', () => {
  it('says a refused read of the record (large seed 492: invariant (f)), posts nothing and carries the changes', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const refusing: KeyValueStore = { ...db, get: () => Promise.reject(Object.assign(new Error('You have exceeded the limit of 50 requests per minute'), { status: 429 })) };
    const report = await deliverAgentStatuses({ db: refusing, request, factsUntilMs: T0 + 10 * MIN, settings: ON, mayPost: true }, [change(1, T0 + MIN, true)]);
    expect(report).toMatchObject({ sent: 0, carry: [change(1, T0 + MIN, true)] });
    expect(request.posts).toBe(0);
    expect(warn.mock.calls.map((args) => String(args[0]))).toContainEqual(expect.stringContaining('PLATFORM_LIMIT: the agents record could not be read now'));
  });

  it('posts nothing when the record cannot be stored first, and applies the changes again next run', async () => {
    const refusing: KeyValueStore = { ...db, get: (k) => db.get(k), set: () => Promise.reject(Object.assign(new Error('limit'), { status: 429 })) };
    const report = await deliverAgentStatuses({ db: refusing, request, factsUntilMs: T0 + 10 * MIN, settings: ON, mayPost: true }, [change(1, T0 + MIN, true)]);
    expect(report).toMatchObject({ sent: 0, carry: [change(1, T0 + MIN, true)] });
    expect(request.posts).toBe(0);
    await run(T0 + 20 * MIN, report.carry);
    expect(totals()).toEqual({ 'agent1@example.com available': 19 * 60 });
  });

  it('counts the intervals of a run that posted and then died (its commit never took effect) as unconfirmed, never posting them again', async () => {
    const dying = 5_000;
    await run(T0 + 10 * MIN, [change(1, T0 + MIN, true)], ON, allCommitted(dying));
    // The next run's commit view does not know run 5000: it died after its post, before its commit.
    lastOutcome = undefined;
    const next = await run(T0 + 20 * MIN, [], ON, { current: T0 + 20 * MIN, isCommitted: (id) => id !== dying });
    expect(next.sent).toBe(1);
    expect(await db.get('agents')).toMatchObject({ unconfirmed: 1 });
    expect(injixo.agentStatuses.overlaps()).toEqual([]);
    expect(totals()).toEqual({ 'agent1@example.com available': 19 * 60 });
  });

  it('never posts again what injixo received without answering in time', async () => {
    injixo.addFault({ from: T0, to: T0 + 15 * MIN, kind: 'slow', delayMs: 400 });
    const slow: RequestClient = {
      invokeTemplate: (name, options) =>
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the platform rejects with plain objects
        request.invokeTemplate(name, options).then(() => Promise.reject({ status: 504, message: 'Timeout', errorSource: 'PLATFORM' })),
    };
    const first = await deliverAgentStatuses({ db, request: slow, factsUntilMs: T0 + 10 * MIN, settings: ON, mayPost: true, commits: allCommitted(T0 + 10 * MIN) }, [change(1, T0 + MIN, true)]);
    expect(first.outcome).toEqual([T0 + 10 * MIN, 0, 1, 0]);
    lastOutcome = first.outcome;
    clock.advanceTo(T0 + 20 * MIN);
    await run(T0 + 20 * MIN, []);
    expect(injixo.agentStatuses.overlaps()).toEqual([]);
    expect(totals()).toEqual({ 'agent1@example.com available': 19 * 60 });
  });
});

describe('switched off', () => {
  it('costs no KV operation and no request, whatever the outbox holds', async () => {
    const before = platform.counts();
    const report = await run(T0 + 10 * MIN, [change(1, T0 + MIN, true)], readSettings(undefined));
    expect(report).toEqual({ sent: 0, pending: 0, carry: [] });
    expect(platform.counts()).toEqual(before);
    expect(request.posts).toBe(0);
  });
});
