/** The README's quick start: `npm start` runs the main job. `--once` exits after the report. */
import { execFile } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { assertPortFree, PortBusyError, portFromEnv } from '../../tools/port-check';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');

function occupy(): Promise<net.Server> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const portOf = (server: net.Server): number => (server.address() as net.AddressInfo).port;

describe('npm start', () => {
  it('replays a generated day, prints the injixo queue table and a clean delivery summary, and with --once no address of a closed server', async () => {
    const { stdout } = await run(process.execPath, [require.resolve('tsx/cli'), 'tools/start.ts', '--once', '--tickets=200'], { cwd: root, timeout: 240_000 });
    expect(stdout).toMatch(/Replayed \d+ Freshdesk events of 2026-11-02/);
    // Progress while the day replays, every three simulated hours, before the table (no long silence).
    const progress = stdout.match(/^ {2}up to \d\d:00: \d+ events, \d+ contacts at injixo \(\d+ s\)$/gm) ?? [];
    expect(progress.map((line) => line.slice(8, 13))).toEqual(['03:00', '06:00', '09:00', '12:00', '15:00', '18:00', '21:00', '24:00']);
    expect(stdout.indexOf('up to 03:00')).toBeLessThan(stdout.indexOf('offered contacts per hour'));
    expect(stdout).toMatch(/^offered contacts per hour \(UTC\) on 2026-11-02$/m);
    expect(stdout).toMatch(/^queue +0 +1 +2 .* 23 +total$/m);
    expect(stdout).toMatch(/^all queues +(\d+ +){24}\d+$/m);
    expect(stdout).toMatch(/contacts at injixo: +\d+ \(duplicates received: 0\)/);
    expect(stdout).toContain('app state:               flowing, backlog 0, set aside 0, dropped 0');
    expect(stdout).not.toMatch(/https?:\/\//);
    expect(stdout).toContain('--once: the install page, the status page and the local injixo page are not served; run `npm start` to open them.');
  }, 300_000);

  it.each([['--tickets=abc'], ['300'], ['--tickets', 'many']])('refuses %j in one line with exit code 2, before starting anything', async (...argv) => {
    const failure = await run(process.execPath, [require.resolve('tsx/cli'), 'tools/start.ts', ...argv], { cwd: root, timeout: 60_000 }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    const lines = failure?.stderr.trim().split('\n') ?? [];
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^npm start: .*usage: npm start -- --tickets=300 \[--once\]$/);
    expect(failure?.stdout).toBe('');
  }, 90_000);

  it('reports a busy port at once, in one line with the PORT fix, before replaying anything, and exits non-zero', async () => {
    const busy = await occupy();
    try {
      const port = portOf(busy);
      const failure = await run(process.execPath, [require.resolve('tsx/cli'), 'tools/start.ts', '--tickets=200'], { cwd: root, timeout: 60_000, env: { ...process.env, PORT: String(port) } }).then(
        () => undefined,
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(failure).toBeDefined();
      expect(failure?.code).toBe(1);
      expect(failure?.stderr.trim().split('\n')).toEqual([`npm start: port ${port} is already in use. Stop what is using it, or pick another port: PORT=${port + 1} npm start`]);
      expect(failure?.stdout).not.toContain('Replayed');
      expect(failure?.stdout).not.toContain('Starting local Freshdesk');
    } finally {
      busy.close();
    }
  }, 90_000);
});

describe('port check', () => {
  it('accepts a free port and leaves it free', async () => {
    const server = await occupy();
    const port = portOf(server);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(assertPortFree(port)).resolves.toBeUndefined();
    await expect(assertPortFree(port)).resolves.toBeUndefined();
  });

  it('refuses a taken port with the fix in the message', async () => {
    const server = await occupy();
    try {
      const port = portOf(server);
      const error = await assertPortFree(port).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortBusyError);
      expect((error as Error).message).toBe(`port ${port} is already in use. Stop what is using it, or pick another port: PORT=${port + 1} npm start`);
    } finally {
      server.close();
    }
  });

  it.each([
    [undefined, 3000],
    ['', 3000],
    ['4000', 4000],
  ])('reads PORT=%p as %i', (value, port) => {
    expect(portFromEnv(value)).toBe(port);
  });

  it.each(['abc', '0', '70000', '3.5'])('refuses PORT=%s with an example', (value) => {
    expect(() => portFromEnv(value)).toThrow(`PORT=${value} is not a port number (1–65535), e.g. PORT=4000 npm start`);
  });
});
