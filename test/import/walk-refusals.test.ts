/**
 * Issue 19 defect 7, issue 20 item A: one KV refusal, or an invocation dying at any platform call,
 * must never end a walk (the initial import, a replay, the daily check) silently. Before the fix
 * a refused save of the walk record left the record 'running' with a token no schedule carried:
 * the page said "running" for hours, no problem was listed, and replays were refused until
 * someone pressed Resume. Here every such walk finishes by itself, the refusal is logged with a
 * documented code, and the page shows it with the time the walk tries again.
 */
import type { ReplayView } from '../../src/import/replay';
import type { ImportView } from '../../src/import/in-app';
import { isDocumentedLogCode } from '../../tools/simulator/invariants';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../tools/sandbox';
import { extraCopies } from '../helpers/oracle-compare';
import { askReplay, status } from '../helpers/sandbox-calls';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = '2026-11-02T00:00:00Z';
const S = Date.parse(START);

const opened: Sandbox[] = [];
afterAll(async () => {
  for (const sandbox of opened) await sandbox.close();
});

async function open(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ start: START, inProcess: true, seed: 31, days: 1, ticketsPerDay: 80, ...options });
  opened.push(sandbox);
  return sandbox;
}

/** Advances ten minutes at a time until `done` says so, or `hours` have passed; returns the last status. */
async function until(sandbox: Sandbox, done: (s: Record<string, unknown>) => boolean, hours: number): Promise<Record<string, unknown>> {
  for (let i = 0; i < hours * 6; i += 1) {
    const now = await status(sandbox);
    if (done(now)) return now;
    await sandbox.platform.advance(10 * 60_000);
  }
  return status(sandbox);
}

function replayOf(s: Record<string, unknown>): ReplayView | undefined {
  return s.replay as ReplayView | undefined;
}

function failedInvocations(sandbox: Sandbox): string[] {
  return sandbox.platform.ledger.filter((e) => e.kind === 'invocation' && e.outcome !== 'ok').map((e) => `${e.name ?? ''} ${e.handler}`);
}

/** Log codes of lines that mention a refusal, and whether each is in the README's table. */
function refusalCodes(sandbox: Sandbox): string[] {
  return sandbox.platform.logs.flatMap((l) => [...l.message.matchAll(/\[injixo-connect\] ([A-Z0-9_]+):/g)].map((m) => m[1] ?? '')).filter((code) => code.startsWith('WALK_'));
}

describe('a KV refusal during a replay', () => {
  it('never ends the walk: the refusal is logged and shown with its retry time, and the replay finishes by itself', async () => {
    const sandbox = await open();
    await sandbox.replay(S, S + 8 * HOUR);
    await sandbox.settle(20);
    expect(await askReplay(sandbox, S + 2 * HOUR, S + 5 * HOUR)).toMatchObject({ replay: { phase: 'walking' } });
    // Other invocations use up the minute's KV budget for the walk's own record for 25 minutes.
    sandbox.platform.refuseKvWhile((op, key) => op !== 'get' && key === 'replay');
    await sandbox.platform.advance(14 * 60_000);
    const during = replayOf(await status(sandbox));
    sandbox.platform.refuseKvWhile(undefined);
    await sandbox.platform.advance(11 * 60_000);
    const last = await until(sandbox, (s) => replayOf(s)?.state === 'done', 12);
    await sandbox.settle(30);

    expect(replayOf(last)).toMatchObject({ state: 'done', phase: 'done' });
    expect(failedInvocations(sandbox)).toEqual([]);
    expect(refusalCodes(sandbox).length).toBeGreaterThan(0);
    expect(refusalCodes(sandbox).every(isDocumentedLogCode)).toBe(true);
    // While refused, the page had a sentence's facts: what was refused, when, and when it tries again.
    const refusal = (during as ReplayView & { refusal?: { at: string; retryAt: string } } | undefined)?.refusal;
    expect(refusal).toEqual({ what: 'kv', at: expect.any(String) as string, retryAt: expect.any(String) as string, past: false });
    expect(Date.parse(refusal?.retryAt ?? '')).toBeGreaterThan(Date.parse(refusal?.at ?? ''));
    expect(extraCopies(sandbox)).toBe(0);
    // And a new replay is taken at once.
    expect(await askReplay(sandbox, S + 6 * HOUR, S + 7 * HOUR)).toMatchObject({ replay: { phase: 'walking' } });
  }, 600_000);
});

describe('an invocation that dies during a replay slice', () => {
  /** A replay of 09:00–12:00 with the replies of 10:00–11:00 never delivered; returns the sandbox, the calls its first slice made, and whether it crashed. */
  async function prepared(crashAt?: number): Promise<{ sandbox: Sandbox; calls: number; crashed: boolean }> {
    const sandbox = await open({ ticketsPerDay: 200, seed: 33 });
    await sandbox.replay(S, S + 14 * HOUR, { lost: (e) => e.at >= S + 10 * HOUR && e.at < S + 11 * HOUR && e.kind === 'conversationCreated' });
    await sandbox.settle(20);
    await askReplay(sandbox, S + 9 * HOUR, S + 12 * HOUR);
    const firstAt = Math.min(...sandbox.platform.schedulesSnapshot().filter((s) => s.name.startsWith('replay-')).map((s) => s.nextRunAt));
    let slice: number | undefined;
    let crashed = false;
    const callsOf = (id: number): number => sandbox.platform.ledger.filter((e) => e.invocationId === id && e.kind !== 'invocation').length;
    sandbox.platform.crashOn((entry) => {
      if (crashed || entry.kind === 'invocation' || entry.at !== firstAt || !/onScheduledEvent/.test(entry.handler)) return false;
      slice ??= entry.invocationId;
      if (entry.invocationId !== slice || crashAt === undefined || callsOf(slice) !== crashAt) return false;
      crashed = true;
      return true;
    });
    await sandbox.platform.advance(firstAt - sandbox.clock.now());
    return { sandbox, calls: slice === undefined ? 0 : callsOf(slice), crashed };
  }

  it('after any one of its platform calls: the replay still finishes with what a replay without the crash sends, and nothing twice', async () => {
    const clean = await prepared();
    const cleanDone = await until(clean.sandbox, (s) => replayOf(s)?.state === 'done', 12);
    await clean.sandbox.settle(30);
    const sent = replayOf(cleanDone)?.result?.sent;
    expect(sent).toBeGreaterThan(0);
    expect(clean.calls).toBeGreaterThan(8);
    for (let k = 1; k <= clean.calls; k += 1) {
      const run = await prepared(k);
      expect([k, run.crashed]).toEqual([k, true]);
      const last = await until(run.sandbox, (s) => replayOf(s)?.state === 'done', 12);
      await run.sandbox.settle(30);
      expect([k, replayOf(last)?.state, replayOf(last)?.result?.sent, extraCopies(run.sandbox)]).toEqual([k, 'done', sent, 0]);
      await run.sandbox.close();
      opened.splice(opened.indexOf(run.sandbox), 1);
    }
  }, 1_200_000);
});

describe('a KV refusal during the initial import', () => {
  it('never ends the import: it continues by itself and imports everything once', async () => {
    const install = S + 3 * DAY + 9 * HOUR;
    const sandbox = await open({ seed: 32, days: 4, ticketsPerDay: 40, installAt: install, iparams: { import_window_days: 7 } });
    await sandbox.platform.advance(8 * 60_000);
    sandbox.platform.refuseKvWhile((op, key) => op !== 'get' && key === 'import');
    await sandbox.platform.advance(20 * 60_000);
    sandbox.platform.refuseKvWhile(undefined);
    const last = await until(sandbox, (s) => (s.import as ImportView | undefined)?.state === 'done', 24);
    await sandbox.settle(30);
    expect(last.import).toMatchObject({ state: 'done' });
    expect(failedInvocations(sandbox)).toEqual([]);
    expect(refusalCodes(sandbox).length).toBeGreaterThan(0);
    expect(extraCopies(sandbox)).toBe(0);
  }, 600_000);
});
