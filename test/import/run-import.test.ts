/**
 * The CLI's run in this process (so coverage sees src/cli), against the local servers over
 * real HTTP: options, the journal, posting and the summary.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT, parseOptions, runImport } from '../../src/cli/import';
import { readState } from '../../src/cli/state-file';
import { importOracle, injixoCounts, KEYS, startStack, total, windowArgs, type Stack } from './cli-harness';

describe('runImport in process', () => {
  let stack: Stack;
  let out: string;
  let tmp: string;

  beforeAll(async () => {
    stack = await startStack({ days: 3, ticketsPerDay: 60, seed: 5 });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'run-import-'));
  });

  afterAll(async () => {
    await stack.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  beforeEach(() => {
    out = '';
    stack.injixo.store.clear();
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('imports a window, journals it, and a rerun with the same state sends nothing more', async () => {
    const state = path.join(tmp, 'run.json');
    const env = { FRESHDESK_API_KEY: KEYS.admin, INJIXO_API_KEY: KEYS.injixo };
    expect(await runImport(windowArgs(stack, ['--state', state, '--integration-id', '7']), env)).toBe(EXIT.OK);
    expect(out).toContain('import done');
    expect(injixoCounts(stack)).toEqual(importOracle(stack));
    const saved = readState(state);
    expect(saved).toMatchObject({ pending: [], inFlight: null, sent: total(importOracle(stack)) });
    expect(saved?.cursor.phase).toBe('done');
    expect(await runImport(windowArgs(stack, ['--state', state, '--integration-id', '7', '--json']), env)).toBe(EXIT.OK);
    expect(stack.injixo.store.duplicates()).toEqual([]);
    expect(injixoCounts(stack)).toEqual(importOracle(stack));
  }, 120_000);

  it('refuses a state file of another run', async () => {
    const state = path.join(tmp, 'other.json');
    const env = { FRESHDESK_API_KEY: KEYS.admin, INJIXO_API_KEY: KEYS.injixo };
    expect(await runImport(windowArgs(stack, ['--state', state, '--reply-scope', 'all_public']), env)).toBe(EXIT.OK);
    expect(await runImport(windowArgs(stack, ['--state', state]), env)).toBe(EXIT.USAGE);
  }, 120_000);

  it.each([
    [['--from', '2025-13-01'], /--from/],
    [['--reply-scope', 'everyone'], /--reply-scope/],
    [['--rate-share', '0'], /--rate-share/],
    [['--rate-share', '1.5'], /--rate-share/],
    [['--integration-id', 'x'], /--integration-id/],
    [['--per-page', '101'], /--per-page/],
    [['--dry-run', '--state', 'f'], /--dry-run/],
    [['--domain', 'bad domain'], /--domain/],
  ])('refuses %j with a message naming the flag', (extra, message) => {
    const base = ['--domain', 'a.freshdesk.com', '--from', '2025-01-01', '--to', '2025-02-01'];
    const args = [...base];
    for (let i = 0; i < extra.length; i += 1) {
      const flag = extra[i] ?? '';
      const at = args.indexOf(flag);
      const takesValue = extra[i + 1] !== undefined && !(extra[i + 1] ?? '').startsWith('--');
      if (at >= 0 && takesValue) args[at + 1] = extra[i + 1] ?? '';
      else args.push(...(takesValue ? [flag, extra[i + 1] ?? ''] : [flag]));
      if (takesValue) i += 1;
    }
    expect(() => parseOptions(args, Date.parse('2026-11-28T00:00:00Z'))).toThrow(message);
  });

  it('refuses an empty window with the window exit code', () => {
    expect(() => parseOptions(['--domain', 'a.freshdesk.com', '--from', '2025-02-01', '--to', '2025-02-01'], Date.now())).toThrow(/empty/);
  });
});
