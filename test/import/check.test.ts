/**
 * The daily check (issue 20 items 1–4, SPEC §10) over real HTTP: the local platform runs the app
 * (handlers in-process for coverage), which — with no click — walks the local Freshdesk for each
 * settled UTC day, compares with its delivered ledger and sends the difference through delivery.
 */
import type { CheckView } from '../../src/import/check-view';
import { isDocumentedLogCode } from '../../tools/simulator/invariants';
import { expectedOfferedContacts } from '../../tools/local-freshdesk/oracle';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../tools/sandbox';
import type { WorldEvent } from '../../tools/local-freshdesk/world';
import { beyond, expectAfterDifference, outsideBounds } from '../helpers/difference-expect';
import { extraCopies, injixoCounts, oracleCounts, total } from '../helpers/oracle-compare';
import { status } from '../helpers/sandbox-calls';

const HOUR = 3_600_000;
const START = '2026-11-02T00:00:00Z';
const S = Date.parse(START);
const DAY_END = S + 24 * HOUR;

const opened: Sandbox[] = [];
afterAll(async () => {
  for (const sandbox of opened) await sandbox.close();
});

async function open(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ start: START, inProcess: true, seed: 41, days: 1, ticketsPerDay: 300, ...options });
  opened.push(sandbox);
  return sandbox;
}

function checkOf(s: Record<string, unknown>): CheckView {
  return s.check as CheckView;
}

function dayOf(s: Record<string, unknown>, day: string): CheckView['days'][number] | undefined {
  return checkOf(s).days.find((d) => d.day === day);
}

/** Ten minutes at a time until the day is checked (or `hours` have passed). */
async function untilChecked(sandbox: Sandbox, day: string, hours: number): Promise<Record<string, unknown>> {
  for (let i = 0; i < hours * 6; i += 1) {
    const now = await status(sandbox);
    if (dayOf(now, day)?.status === 'checked') return now;
    await sandbox.platform.advance(10 * 60_000);
  }
  return status(sandbox);
}

/** 10 % of customer replies never reach the app (deterministic by conversation id). */
function silentlyLost(e: WorldEvent): boolean {
  return e.kind === 'conversationCreated' && (e.conversationId ?? 0) % 10 === 3;
}

describe('the daily check of a day whose reply events were partly lost', () => {
  it('two hours after the day ends, with no click, makes injixo equal to what Freshdesk shows: nothing missing, nothing twice', async () => {
    const sandbox = await open();
    const stats = await sandbox.replay(S, DAY_END, { lost: silentlyLost });
    expect(stats.lost).toBeGreaterThan(50);
    await sandbox.settle(30);
    const before = injixoCounts(sandbox);
    const oracle = oracleCounts(sandbox, S, DAY_END);
    expect(total(before)).toBeLessThan(total(oracle));
    const pending = await status(sandbox);
    expect(dayOf(pending, '2026-11-02')).toMatchObject({ status: 'pending', dueAt: '2026-11-03T02:00:00.000Z' });

    const checked = await untilChecked(sandbox, '2026-11-02', 8);
    await sandbox.settle(30);
    const day = dayOf(checked, '2026-11-02');
    // The API tells a ticket's group now: a lost reply whose ticket moved afterwards lands in the group it has now (SPEC §8).
    const walked = expectedOfferedContacts(sandbox.world, { replyScope: 'customer', from: S, to: DAY_END, importAt: sandbox.clock.now() });
    const expected = expectAfterDifference(before, walked, (c) => c.conversationId !== undefined && c.conversationId % 10 === 3);
    const held = injixoCounts(sandbox);
    expect(outsideBounds(held, expected)).toEqual([]);
    expect(beyond(held, expected.atMost)).toEqual([]);
    // Every lost reply the walk finds is sent, but for one whose own queue's difference a contact
    // deleted for good since hides (its ledger slot there looks like a copy).
    expect(day?.sent).toBe(total(held) - total(before));
    expect(day?.sent).toBeGreaterThanOrEqual(expected.sentAtLeast);
    expect(day?.sent).toBeGreaterThan(expected.sentAtMost * 0.9);
    expect(day?.sent).toBeLessThanOrEqual(expected.sentAtMost);
    expect(extraCopies(sandbox)).toBe(0);
    expect(day).toMatchObject({ status: 'checked' });
    expect(day?.found).toBeGreaterThan(400);
    expect(day?.sent).toBeGreaterThan(20);
    const line = sandbox.platform.logs.find((l) => l.message.includes('DAY_CHECKED: 2026-11-02'));
    expect(line?.message).toMatch(/Freshdesk shows \d+ contacts, \d+ were delivered, \d+ sent now, surplus \d+/);
    expect(isDocumentedLogCode('DAY_CHECKED')).toBe(true);
    // The cost the page states: requests a day from the requests per contact of this check.
    expect(checkOf(checked).cost?.requestsPerDay).toBeGreaterThan(100);
    // Checking the same day again would send nothing: a second check is never planned for it.
    expect(checkOf(await status(sandbox)).days.filter((d) => d.status === 'checked')).toHaveLength(1);
    // The page's answer, the check's 14 days included, costs one KV operation: the state record (issue 22).
    const calls = sandbox.platform.ledger.length;
    await status(sandbox);
    expect(sandbox.platform.ledger.slice(calls).filter((e) => e.kind === 'kv').map((e) => `${e.op ?? ''} ${e.key ?? ''}`)).toEqual(['get state']);
  }, 900_000);
});

describe('the daily check switched off', () => {
  it('checks nothing and says so for every settled day', async () => {
    const sandbox = await open({ ticketsPerDay: 60, iparams: { daily_check: false } });
    await sandbox.replay(S, DAY_END, { lost: silentlyLost });
    await sandbox.platform.advance(6 * HOUR);
    const s = await status(sandbox);
    expect(checkOf(s).enabled).toBe(false);
    expect(dayOf(s, '2026-11-02')).toMatchObject({ status: 'not_checked', why: 'switched_off' });
    expect(sandbox.platform.ledger.filter((e) => e.kind === 'request' && /^freshdeskImport/.test(e.name ?? ''))).toEqual([]);
  }, 600_000);
});

describe('a recorded gap in a day already checked', () => {
  it('is repaired by itself once delivery is quiet, and said so (GAP_REPAIRED)', async () => {
    const sandbox = await open({ ticketsPerDay: 120 });
    await sandbox.replay(S, DAY_END);
    await untilChecked(sandbox, '2026-11-02', 8);
    await sandbox.settle(20);
    const before = total(injixoCounts(sandbox));
    // A gap the app records after the day was checked (as a backlog overflow reads its span late).
    const db = sandbox.platform.globals().db;
    const state = (await db.get('state')) as { gaps?: unknown[] };
    state.gaps = [...(state.gaps ?? []), { from: '2026-11-02T13:00:00.000Z', to: '2026-11-02T14:00:00.000Z', reason: 'backlog_full', contactsKnownLost: 0 }];
    await db.set('state', state);
    for (let i = 0; i < 24 && !sandbox.platform.logs.some((l) => l.message.includes('GAP_REPAIRED')); i += 1) await sandbox.platform.advance(10 * 60_000);
    expect(sandbox.platform.logs.find((l) => l.message.includes('GAP_REPAIRED'))?.message).toContain('2026-11-02T13:00:00Z to 2026-11-02T14:00:00Z');
    await sandbox.settle(20);
    // Nothing was missing there: nothing sent, nothing twice.
    expect(total(injixoCounts(sandbox))).toBe(before);
    expect(extraCopies(sandbox)).toBe(0);
    // It is not repaired again.
    const repairs = sandbox.platform.logs.filter((l) => l.message.includes('GAP_REPAIRED')).length;
    await sandbox.platform.advance(3 * HOUR);
    expect(sandbox.platform.logs.filter((l) => l.message.includes('GAP_REPAIRED'))).toHaveLength(repairs);
  }, 900_000);
});
