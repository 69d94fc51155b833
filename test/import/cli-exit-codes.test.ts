/**
 * What the shell sees after Ctrl-C (issue 22): a terminal's Ctrl-C interrupts the whole process
 * group. Run without npm, the CLI's own 8 reaches the shell; through `npm run import` npm is
 * interrupted too and exits 130 — docs/import-and-replay.md says so, and the CLI's summary still says 8.
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { KEYS, startStack, until, windowArgs, type Stack } from './cli-harness';

const root = path.resolve(__dirname, '..', '..');

/** What a shell reports for a child: its exit code, or 128 + the signal's number when a signal ended it. */
function shellStatus(code: number | null, signal: NodeJS.Signals | null): number | null {
  return code ?? (signal === null ? null : 128 + (os.constants.signals[signal] ?? 0));
}

function runInOwnGroup(command: string, args: string[]): { pid: number; done: Promise<{ status: number | null; stdout: string }> } {
  const child = spawn(command, args, {
    cwd: root,
    detached: true,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? root, FRESHDESK_API_KEY: KEYS.admin, INJIXO_API_KEY: KEYS.injixo },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return { pid: child.pid ?? 0, done: new Promise((resolve) => child.on('close', (code, signal) => resolve({ status: shellStatus(code, signal), stdout }))) };
}

describe('exit codes after Ctrl-C', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ ticketsPerDay: 70 });
  });
  afterAll(async () => {
    await stack.close();
  });
  beforeEach(() => stack.injixo.store.clear());

  it.each([
    { name: 'the CLI run by tsx', command: path.join(root, 'node_modules', '.bin', 'tsx'), prefix: ['src/cli/import.ts'], shellCode: 8 },
    { name: 'npm run import', command: 'npm', prefix: ['run', 'import', '--silent', '--'], shellCode: 130 },
  ])('$name: the shell sees $shellCode, the summary says 8', async ({ command, prefix, shellCode }) => {
    const run = runInOwnGroup(command, [...prefix, ...windowArgs(stack, ['--json'])]);
    await until(() => stack.injixo.store.list().length > 300, 120_000);
    // A terminal's Ctrl-C: SIGINT to every process of the foreground group.
    process.kill(-run.pid, 'SIGINT');
    const result = await run.done;
    expect(result.status).toBe(shellCode);
    const summary = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as { exitCode?: number; status?: string };
    expect(summary).toMatchObject({ status: 'interrupted', exitCode: 8 });
  }, 180_000);
});
