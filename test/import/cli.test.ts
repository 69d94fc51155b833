/**
 * Issue 12 items 3 and 5: the import CLI, spawned as a person runs it, against the local
 * Freshdesk and local injixo over real HTTP. injixo must end up with exactly what the
 * independent oracle (import mode: current group, hard-deleted tickets absent) expects, per
 * queue and 15-minute interval.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importOracle, injixoCounts, KEYS, runCli, spawnCli, startStack, total, until, windowArgs, type Stack } from './cli-harness';

interface JsonSummary {
  status: string;
  exitCode: number;
  sent: number;
  rateLimited: number;
  requests: number;
  ambiguous: { contacts: number }[];
  perQueue: Record<string, number>;
}

function summaryOf(stdout: string): JsonSummary {
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as JsonSummary;
}

describe('the import CLI over a 30-day history', () => {
  let stack: Stack;
  let tmp: string;

  beforeAll(async () => {
    stack = await startStack({ ticketsPerDay: 70 });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'import-cli-'));
  });

  afterAll(async () => {
    await stack.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  beforeEach(() => {
    stack.injixo.store.clear();
    stack.freshdesk.requestLog.length = 0;
  });

  it('sends exactly the oracle’s contacts per queue and interval, walking more than 300 pages with restarts', async () => {
    const run = await runCli(windowArgs(stack, ['--json', '--per-page', '5']));
    expect(run.code).toBe(0);
    const expected = importOracle(stack);
    expect(total(expected)).toBeGreaterThan(3000);
    expect(injixoCounts(stack)).toEqual(expected);
    expect(stack.injixo.store.duplicates()).toEqual([]);
    const lists = stack.freshdesk.requestLog.filter((entry) => entry.path.startsWith('/api/v2/tickets?'));
    // Page 300 was read and the walk went on from a later updated_since, never asking page 301.
    expect(lists.some((entry) => /[?&]page=300(&|$)/.test(entry.path))).toBe(true);
    expect(lists.some((entry) => /[?&]page=301(&|$)/.test(entry.path))).toBe(false);
    const from = encodeURIComponent(new Date(stack.world.start).toISOString().replace('.000Z', 'Z'));
    expect(lists.some((entry) => entry.path.includes('page=1') && !entry.path.includes(`updated_since=${from}`))).toBe(true);
    expect(lists.some((entry) => entry.path.includes('filter=spam'))).toBe(true);
    expect(lists.some((entry) => entry.path.includes('filter=deleted'))).toBe(true);
    expect(summaryOf(run.stdout)).toMatchObject({ status: 'done', rateLimited: 0 });
  }, 300_000);

  it('covers spam, deleted and hard-deleted tickets, renamed and deleted groups and custom sources', () => {
    const expected = importOracle(stack);
    const queues = Object.keys(expected);
    expect(queues).toEqual(expect.arrayContaining(['freshdesk/unknown/unknown/tickets', 'freshdesk/unknown/unknown/replies']));
    const hardDeleted = Array.from({ length: stack.world.ticketCount }, (_, i) => stack.world.hardDeletedAt(i + 1)).filter((at) => at !== undefined);
    expect(hardDeleted.length).toBeGreaterThan(0);
    const names = new Set(stack.world.groupsAsOf(stack.world.start).map((g) => g.name));
    const namesNow = new Set(stack.world.groupsAsOf(stack.world.end).map((g) => g.name));
    expect([...names].some((n) => !namesNow.has(n))).toBe(true);
    expect(Object.keys(stack.world.sourceChoices())).toEqual(expect.arrayContaining(['WhatsApp Business']));
  });

  it('prints per-queue totals on a dry run and sends nothing', async () => {
    const run = await runCli(windowArgs(stack, ['--dry-run']), { FRESHDESK_API_KEY: KEYS.admin });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('dry run: nothing sent');
    expect(run.stdout).toMatch(/Unknown group\/source Tickets\s+\d+/);
    expect(stack.injixo.store.list()).toHaveLength(0);
  }, 300_000);

  it('resumes after Ctrl-C from its --state file without sending anything twice or missing anything', async () => {
    const state = path.join(tmp, 'sigint.json');
    const first = spawnCli(windowArgs(stack, ['--json', '--state', state]));
    await until(() => stack.injixo.store.list().length > 500);
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code).toBe(8);
    expect(summaryOf(stopped.stdout).status).toBe('interrupted');
    const sentBefore = stack.injixo.store.list().length;
    expect(sentBefore).toBeLessThan(total(importOracle(stack)));
    const second = await runCli(windowArgs(stack, ['--json', '--state', state]));
    expect(second.code).toBe(0);
    expect(summaryOf(second.stdout).ambiguous).toEqual([]);
    expect(stack.injixo.store.duplicates()).toEqual([]);
    expect(injixoCounts(stack)).toEqual(importOracle(stack));
  }, 300_000);

  it('after a hard kill sends nothing twice, and what is missing is at most the one body it reports as ambiguous', async () => {
    const state = path.join(tmp, 'sigkill.json');
    const first = spawnCli(windowArgs(stack, ['--json', '--state', state]));
    await until(() => stack.injixo.store.list().length > 800);
    first.child.kill('SIGKILL');
    await first.done;
    const second = await runCli(windowArgs(stack, ['--json', '--state', state]));
    expect(second.code).toBe(0);
    expect(stack.injixo.store.duplicates()).toEqual([]);
    const ambiguous = summaryOf(second.stdout).ambiguous.reduce((sum, body) => sum + body.contacts, 0);
    expect(total(importOracle(stack)) - total(injixoCounts(stack))).toBe(ambiguous);
  }, 300_000);

  it('resends the body injixo refused with 401 after the documented resume with a new key: a refusal proves nothing was stored (issue 19 item 6)', async () => {
    const state = path.join(tmp, 'key-regenerated.json');
    const first = spawnCli(windowArgs(stack, ['--json', '--state', state]));
    await until(() => stack.injixo.store.list().length > 300);
    stack.injixo.regenerateKey(`${KEYS.injixo}-new`);
    const stopped = await first.done;
    expect(stopped.code).toBe(7);
    const second = await runCli(windowArgs(stack, ['--json', '--state', state]), { FRESHDESK_API_KEY: KEYS.admin, INJIXO_API_KEY: `${KEYS.injixo}-new` });
    expect(second.code).toBe(0);
    expect(summaryOf(second.stdout).ambiguous).toEqual([]);
    expect(second.stderr).not.toContain('may or may not have them');
    expect(stack.injixo.store.duplicates()).toEqual([]);
    expect(injixoCounts(stack)).toEqual(importOracle(stack));
    stack.injixo.regenerateKey(KEYS.injixo);
  }, 300_000);

  it('rides out a 429 storm from Freshdesk, honouring Retry-After, and still sends exactly the oracle', async () => {
    const run = spawnCli(windowArgs(stack, ['--json']));
    await until(() => stack.freshdesk.requestLog.length > 100);
    stack.freshdesk.rateLimitStorm(25, 1);
    const result = await run.done;
    expect(result.code).toBe(0);
    const refused = stack.freshdesk.requestLog.filter((entry) => entry.status === 429);
    expect(refused.length).toBe(25);
    expect(summaryOf(result.stdout).rateLimited).toBe(25);
    // Retry-After: 1 was honoured: the storm's refusals are spread over at least ~25 s.
    const spread = (refused.at(-1)?.at ?? 0) - (refused[0]?.at ?? 0);
    expect(spread).toBeGreaterThanOrEqual(23_000);
    expect(injixoCounts(stack)).toEqual(importOracle(stack));
    expect(stack.injixo.store.duplicates()).toEqual([]);
  }, 300_000);
});

describe('the import CLI’s errors', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ days: 2, ticketsPerDay: 20 });
  });

  afterAll(async () => {
    await stack.close();
  });

  function expectNoKeys(run: { stdout: string; stderr: string }): void {
    for (const key of Object.values(KEYS)) expect(`${run.stdout}${run.stderr}`).not.toContain(key);
  }

  it('exits 4 and says which key to set when Freshdesk rejects the key', async () => {
    const run = await runCli(windowArgs(stack), { FRESHDESK_API_KEY: 'wrong', INJIXO_API_KEY: KEYS.injixo });
    expect(run.code).toBe(4);
    expect(run.stdout).toContain('Freshdesk rejected the API key (HTTP 401)');
    expect(run.stdout).toContain('Account Administrator');
  }, 60_000);

  it('exits 5 and names the Groups API when the key is an agent’s', async () => {
    const run = await runCli(windowArgs(stack), { FRESHDESK_API_KEY: KEYS.agent, INJIXO_API_KEY: KEYS.injixo });
    expect(run.code).toBe(5);
    expect(run.stdout).toContain('Groups API');
    expectNoKeys(run);
  }, 60_000);

  it('exits 6 when no Freshdesk answers at the address', async () => {
    const args = windowArgs(stack);
    args[args.indexOf('--freshdesk-url') + 1] = 'http://127.0.0.1:9';
    const run = await runCli(args);
    expect(run.code).toBe(6);
    expect(run.stdout).toContain('Check --domain');
  }, 60_000);

  it('exits 6 when the address answers but is not Freshdesk', async () => {
    const args = windowArgs(stack);
    args[args.indexOf('--freshdesk-url') + 1] = stack.injixo.url;
    const run = await runCli(args);
    expect(run.code).toBe(6);
  }, 60_000);

  it('exits 3 for a window in the future or reaching into it', async () => {
    const future = await runCli(['--domain', 'a.freshdesk.com', '--from', '2099-01-01', '--to', '2099-02-01']);
    expect(future.code).toBe(3);
    expect(future.stderr).toContain('in the future');
    const reaching = await runCli(['--domain', 'a.freshdesk.com', '--from', '2025-01-01', '--to', '2099-02-01']);
    expect(reaching.code).toBe(3);
    expect(reaching.stderr).toContain('must not overlap what the app delivers');
  }, 60_000);

  it('exits 7 with the SPEC message when injixo rejects its key, before reading history', async () => {
    const run = await runCli(windowArgs(stack), { FRESHDESK_API_KEY: KEYS.admin, INJIXO_API_KEY: 'wrong' });
    expect(run.code).toBe(7);
    expect(run.stdout).toContain('injixo rejected the API key (HTTP 401). It may have been regenerated in injixo.');
    expect(stack.injixo.store.list()).toHaveLength(0);
  }, 60_000);

  it('exits 2 when a key is missing from the environment, and never takes one from argv', async () => {
    const run = await runCli(windowArgs(stack), { INJIXO_API_KEY: KEYS.injixo });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('FRESHDESK_API_KEY');
    const argvKey = await runCli([...windowArgs(stack), '--api-key', KEYS.admin]);
    expect(argvKey.code).toBe(2);
    expectNoKeys(argvKey);
  }, 60_000);
});
