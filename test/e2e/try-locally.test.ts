/**
 * The README's "Try it locally" (issue 22): its keys are the ones npm start installs with, its
 * domain is the local account's, and its lines — run exactly as written, the servers in the
 * background — import the generated day into the local injixo.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { SANDBOX_KEYS } from '../../tools/sandbox';
import { generateWorld } from '../../tools/local-freshdesk/world';

const root = path.resolve(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

function section(): string {
  const start = readme.indexOf('\n## Try it locally\n');
  const end = readme.indexOf('\n## ', start + 5);
  return readme.slice(start, end);
}

function commandLines(): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(section())?.[1] ?? '';
  return block.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Runs one README line with bash, in its own process group (so it can be stopped with its children). */
function runLine(line: string): { child: ChildProcess; output: () => string; done: Promise<number | null> } {
  const child = spawn('bash', ['-c', line], { cwd: root, detached: true, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? root }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output, done: new Promise((resolve) => child.on('close', (code) => resolve(code))) };
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('README: Try it locally', () => {
  it('lists the keys npm start installs with and the local account’s domain', () => {
    const text = section();
    for (const key of Object.values(SANDBOX_KEYS)) expect(text).toContain(`\`${key}\``);
    expect(text).toContain(`\`${generateWorld({ seed: 7, start: '2026-11-02T00:00:00Z', days: 1, ticketsPerDay: 1 }).account.domain}\``);
  });

  it('starts the local Freshdesk and injixo and imports the day into injixo with exactly the README’s lines', async () => {
    const lines = commandLines();
    expect(lines).toHaveLength(3);
    const servers = lines.filter((line) => line.endsWith('&'));
    expect(servers).toHaveLength(2);
    for (const port of [8701, 8702]) expect(await portFree(port)).toBe(true);
    const started = servers.map((line) => runLine(line.replace(/&$/, '').trim()));
    try {
      for (const server of started) await waitFor(() => /^http:\/\/127\.0\.0\.1:\d+$/m.test(server.output()), 'a server address');
      const importLine = lines.find((line) => !line.endsWith('&')) ?? '';
      const run = runLine(importLine);
      const code = await run.done;
      expect(run.output()).toMatch(/import done: window 2026-11-02T00:00:00Z – 2026-11-03T00:00:00Z/);
      expect(code).toBe(0);
      const sent = Number(/contacts (\d+), sent (\d+)/.exec(run.output())?.[2]);
      expect(sent).toBeGreaterThan(100);
      const page = await fetch('http://127.0.0.1:8702/');
      expect(page.status).toBe(200);
    } finally {
      for (const server of started) if (server.child.pid) process.kill(-server.child.pid, 'SIGTERM');
      await Promise.all(started.map((server) => server.done));
    }
  }, 240_000);
});
