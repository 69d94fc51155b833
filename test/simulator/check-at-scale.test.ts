/**
 * The daily check of a large account under the platform's 50 KV operations a minute (issue 20
 * item 4), through the built server.js: large seed 482 has 325 active queues, so its ledger
 * keeps 16 shards a six-hour bucket. Its check window (10:00 to midnight) spans three buckets; the
 * comparison used to read all 51 ledger keys in one step, was refused every time and never ended.
 * Now a group too wide for its step is cut at bucket boundaries first.
 */
import { checkInvariants } from '../../tools/simulator/invariants';
import { runSeed, type SeedRun } from '../../tools/simulator/run-seed';

jest.setTimeout(180_000);

/** KV operations per invocation that read or wrote the check's own record. */
function checkInvocationKvOps(run: SeedRun): number[] {
  const perInvocation = new Map<number, { kv: number; check: boolean }>();
  for (const call of run.calls) {
    if (call.kind !== 'kv') continue;
    const entry = perInvocation.get(call.invocationId) ?? { kv: 0, check: false };
    entry.kv += 1;
    if (call.key === 'check') entry.check = true;
    perInvocation.set(call.invocationId, entry);
  }
  return [...perInvocation.values()].filter((e) => e.check).map((e) => e.kv);
}

describe('the daily check of an account with 325 active queues (large seed 482)', () => {
  let run: SeedRun;
  beforeAll(async () => {
    run = await runSeed(482, 'large');
  });

  it('ends and says DAY_CHECKED', () => {
    expect(run.checkedAt).toBeDefined();
    expect(run.logs.some((l) => l.message.includes('DAY_CHECKED: 2026-11-02'))).toBe(true);
  });

  it('never spends the minute’s 50 KV operations in one invocation of the check', () => {
    const ops = checkInvocationKvOps(run);
    expect(ops.length).toBeGreaterThan(10);
    expect(Math.max(...ops)).toBeLessThan(50);
  });

  it('leaves every invariant holding', () => {
    expect(checkInvariants(run).results.filter((r) => !r.ok).map((r) => r.id)).toEqual([]);
  });
});
