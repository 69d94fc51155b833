/** The README's quick start: `npm start` runs the main job. `--once` exits after the report. */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');

describe('npm start', () => {
  it('replays a generated day, prints the injixo queue table and a clean delivery summary, and the page URLs', async () => {
    const { stdout } = await run(process.execPath, [require.resolve('tsx/cli'), 'tools/start.ts', '--once', '--tickets=200'], { cwd: root, timeout: 240_000 });
    expect(stdout).toMatch(/Replayed \d+ Freshdesk events of 2026-11-02/);
    expect(stdout).toMatch(/^offered contacts per hour \(UTC\) on 2026-11-02$/m);
    expect(stdout).toMatch(/^queue +0 +1 +2 .* 23 +total$/m);
    expect(stdout).toMatch(/^all queues +(\d+ +){24}\d+$/m);
    expect(stdout).toMatch(/contacts at injixo: +\d+ \(duplicates received: 0\)/);
    expect(stdout).toContain('app state:               flowing, backlog 0, set aside 0, dropped 0');
    expect(stdout).toMatch(/install page \(settings\): +http:\/\/127\.0\.0\.1:\d+\/config\/iparams\.html/);
    expect(stdout).toMatch(/status page: +http:\/\/127\.0\.0\.1:\d+\/app\/index\.html/);
    expect(stdout).toMatch(/local injixo: +http:\/\/127\.0\.0\.1:\d+\//);
  }, 300_000);
});
