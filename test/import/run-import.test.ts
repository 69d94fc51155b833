/**
 * The CLI's run in this process (so coverage sees src/cli), against the local servers over
 * real HTTP: options, the journal, posting and the summary.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT, parseOptions, runImport, summaryText, USAGE, type Summary } from '../../src/cli/import';
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

  it('answers --help with the usage on stdout and exit 0, before any check of the other flags', async () => {
    expect(await runImport(['--help'], {})).toBe(EXIT.OK);
    expect(out).toBe(`${USAGE}\n`);
    out = '';
    expect(await runImport(['--domain', 'x', '-h', '--bogus'], {})).toBe(EXIT.OK);
    expect(out).toContain('usage: npm run import');
  });

  it.each([
    ['https://Acme.freshdesk.com/', 'acme.freshdesk.com'],
    ['acme.freshdesk.com/', 'acme.freshdesk.com'],
    [' http://acme.freshdesk.com/a/tickets ', 'acme.freshdesk.com'],
    ['acme.freshdesk.com', 'acme.freshdesk.com'],
  ])('normalizes --domain %j to %s, and takes it as the default Freshdesk address', (domain, host) => {
    const options = parseOptions(['--domain', domain, '--from', '2025-01-01', '--to', '2025-02-01'], Date.parse('2026-11-28T00:00:00Z'));
    expect(options.domain).toBe(host);
    expect(options.freshdeskUrl).toBe(`https://${host}`);
  });

  it.each(['acme', 'https://', 'acme freshdesk.com'])('still refuses --domain %j', (domain) => {
    expect(() => parseOptions(['--domain', domain, '--from', '2025-01-01', '--to', '2025-02-01'], Date.now())).toThrow(/--domain must be the account's host/);
  });

  it('takes keys with spaces and a line break around them as the keys', async () => {
    const env = { FRESHDESK_API_KEY: `  ${KEYS.admin}\n`, INJIXO_API_KEY: ` ${KEYS.injixo} ` };
    expect(await runImport(windowArgs(stack), env)).toBe(EXIT.OK);
    expect(injixoCounts(stack)).toEqual(importOracle(stack));
  }, 120_000);

  it('names the address it tried when no injixo answers there, before reading any history', async () => {
    const args = windowArgs(stack);
    args[args.indexOf('--injixo-url') + 1] = 'http://127.0.0.1:9';
    expect(await runImport(args, { FRESHDESK_API_KEY: KEYS.admin, INJIXO_API_KEY: KEYS.injixo })).toBe(EXIT.UNAVAILABLE);
    expect(out).toContain('injixo could not be reached: no answer from http://127.0.0.1:9/external-systems/contact-events (ECONNREFUSED)');
    expect(out).not.toContain(KEYS.injixo);
  }, 60_000);

  it('names the address it tried when no Freshdesk answers there', async () => {
    const args = windowArgs(stack);
    args[args.indexOf('--freshdesk-url') + 1] = 'http://127.0.0.1:9';
    expect(await runImport(args, { FRESHDESK_API_KEY: KEYS.admin, INJIXO_API_KEY: KEYS.injixo })).toBe(EXIT.FRESHDESK_ADDRESS);
    expect(out).toContain('no Freshdesk answered: no answer from http://127.0.0.1:9/api/v2/groups (ECONNREFUSED)');
  }, 60_000);
});

describe('the summary a person reads', () => {
  const base: Summary = {
    status: 'done', exitCode: 0, window: { from: '2026-10-01T00:00:00Z', to: '2026-10-02T00:00:00Z' }, dryRun: false,
    ticketsRead: 0, contacts: 0, sent: 0, requests: 3, rateLimited: 0, unreadable: 0, problems: [], ambiguous: [],
    possibleDuplicatesFromTimeouts: 0, perQueue: {}, elapsedMs: 117, callsPerMinute: 1538.5, allowedCallsPerMinute: 100, rateShare: 0.5, peakRssMb: 90,
  };

  it('gives no per-minute pace for a run shorter than a minute (a resume that only posted), and no empty per-queue list', () => {
    const text = summaryText(base);
    expect(text).toContain('Freshdesk calls 3 in 0.1 s (the pacing allows 100 a minute (--rate-share 0.5 of the account\'s 200))');
    expect(text).not.toContain('1538');
    expect(text).not.toContain('per queue');
    expect(text).not.toContain('429');
  });

  it('gives the pace of a long run beside the allowed one, the 429s, and the queues sent', () => {
    const text = summaryText({ ...base, requests: 700, elapsedMs: 125_000, callsPerMinute: 336, allowedCallsPerMinute: 350, rateLimited: 2, sent: 12, perQueue: { 'Sales email Tickets': 12 } });
    expect(text).toContain('Freshdesk calls 700 in 2 min 5 s (336 a minute; the pacing allows 350 a minute (--rate-share 0.5 of the account\'s 700)), 2 answered 429 and retried');
    expect(text).toContain('  per queue (sent by this run):\n    Sales email Tickets');
  });
});
