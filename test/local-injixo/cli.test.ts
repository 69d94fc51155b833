import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContactStore } from '../../tools/local-injixo/contact-store';
import { contact, postContacts } from './http-helpers';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const CLI = path.join(ROOT, 'tools/local-injixo/cli.ts');

function runCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(TSX, [CLI, ...args], { cwd: ROOT });
}

function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const end = out.indexOf('\n');
      if (end >= 0) resolve(out.slice(0, end));
    });
    child.on('exit', (code) => reject(new Error(`cli exited with ${String(code)} before printing a URL`)));
  });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('local injixo CLI', () => {
  it('prints the URL of a running server, which accepts contacts, and stops cleanly on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-injixo-cli-'));
    const dbPath = path.join(dir, 'cli.sqlite');
    const child = runCli(['--port', '0', '--key', 'cli-key', '--db', dbPath]);
    const done = exited(child);
    try {
      const url = await firstLine(child);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await postContacts(url, 'cli-key', { data: [contact()] })).status).toBe(202);
    } finally {
      child.kill('SIGTERM');
    }
    expect((await done).code).toBe(0);
    const store = new ContactStore(dbPath);
    try {
      expect(store.total()).toBe(1);
    } finally {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['--port', '0'], '--key is required: the injixo API key clients must send as "Authorization: Bearer <key>"'],
    [['--port', 'abc', '--key', 'k'], '--port must be a port number, got abc'],
  ])('exits 1 explaining the mistake for %j', async (args, message) => {
    const { code, stderr } = await exited(runCli(args));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(message);
  });
});
