/**
 * The log-code table (src/platform/log-codes.ts) against the code that logs and the docs made
 * from it: every code logged in src/ has a row at the level it is logged at, every row is logged
 * somewhere, and the generated doc sections are current. tsc checks the type tests below.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findLogCalls, type LogCall } from '../../tools/docs/find-log-calls';
import { fillLogCodes, findLogCodeDocs, renderLogCodeTables, writeLogCodeDoc } from '../../tools/docs/log-codes';
import { log } from '../../src/platform/log';
import { LOG_CODES, isLogCode, type LogCode, type LogCodeEntry, type LogCodeOf } from '../../src/platform/log-codes';
import type { FailureCode } from '../../src/remote/errors';

const root = path.resolve(__dirname, '..', '..');

/**
 * Rows written ahead of the code that logs them, which is on another branch (issue 21): exempt
 * from "logged somewhere" until that branch is merged. Remove a code here once src/ logs it.
 */
const AWAITED: ReadonlySet<string> = new Set([]);

function sourceFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => path.join(dir, name))
    .sort();
}

const entries = Object.entries(LOG_CODES) as Array<[LogCode, LogCodeEntry]>;

describe('the log codes logged in src/', () => {
  let calls: LogCall[] = [];
  beforeAll(() => {
    calls = findLogCalls({ root, files: sourceFiles(path.join(root, 'src')), logModule: path.join(root, 'src/platform/log.ts') });
  }, 180_000);

  it('are found, literal or through a FailureCode', () => {
    expect(calls.length).toBeGreaterThan(50);
    const viaFailure = calls.find((call) => call.where.startsWith('src/delivery/run/send.ts:'));
    expect(viaFailure?.codes).toEqual(expect.arrayContaining(['INJIXO_BAD_REQUEST', 'FRESHDESK_UNAVAILABLE']));
  });

  it('each name their codes: a literal or a narrow union, never `string` or every LogCode', () => {
    expect(calls.filter((call) => call.wide !== undefined || call.codes.length === 0 || call.codes.length === entries.length).map((c) => c.where)).toEqual([]);
  });

  it('each have a row in the table (a code used but not documented fails here)', () => {
    const missing = calls.flatMap((call) => call.codes.filter((code) => !isLogCode(code)).map((code) => `${code} (${call.where})`));
    expect(missing).toEqual([]);
  });

  it('each row is logged somewhere (no dead docs)', () => {
    const used = new Set(calls.flatMap((call) => call.codes));
    expect(entries.map(([code]) => code).filter((code) => !used.has(code) && !AWAITED.has(code))).toEqual([]);
  });

  it('are logged at the levels their row lists, and each listed level is used', () => {
    const wrongLevel = calls
      .filter((call) => call.codes.length === 1)
      .flatMap((call) => call.levels.filter((level) => !levelsOf(call.codes[0] ?? '').includes(level)).map((level) => `${call.codes[0]} at ${level} (${call.where})`));
    expect(wrongLevel).toEqual([]);
    // A union (failure.code) may reach a level only some of its codes are logged at; a row's level must still be reachable.
    const unused = entries.flatMap(([code, entry]) =>
      AWAITED.has(code) ? [] : entry.levels.filter((level) => !calls.some((call) => call.codes.includes(code) && call.levels.includes(level))).map((level) => `${code} at ${level}`),
    );
    expect(unused).toEqual([]);
  });
});

function levelsOf(code: string): readonly string[] {
  return isLogCode(code) ? LOG_CODES[code].levels : [];
}

describe('the log-code table', () => {
  it.each(entries)('%s has an upper-case name, its levels highest first, and texts in English and French', (code, entry) => {
    expect(code).toMatch(/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/);
    const rank = { error: 0, warn: 1, info: 2 } as const;
    expect([...entry.levels].sort((a, b) => rank[a] - rank[b])).toEqual([...new Set(entry.levels)]);
    for (const text of [entry.meaning, entry.action]) {
      expect(text.en.trim()).not.toBe('');
      expect(text.fr.trim()).not.toBe('');
      expect(text.fr).not.toBe(text.en);
    }
  });

  it('holds every FailureCode: a failure is logged under its code', () => {
    const failures: Record<FailureCode, true> = {
      INJIXO_KEY_REJECTED: true,
      INJIXO_BAD_REQUEST: true,
      INJIXO_NOT_FOUND: true,
      INJIXO_UNAVAILABLE: true,
      FRESHDESK_KEY_REJECTED: true,
      FRESHDESK_NOT_ADMIN: true,
      FRESHDESK_RATE_LIMITED: true,
      FRESHDESK_UNAVAILABLE: true,
      PLATFORM_LIMIT: true,
      UNACCEPTED_ANSWER: true,
      INVALID_PAYLOAD: true,
    };
    expect(Object.keys(failures).filter((code) => !isLogCode(code))).toEqual([]);
  });
});

describe('type tests (checked by tsc in npm test)', () => {
  it('log() does not compile with a code missing from the table', () => {
    const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    // @ts-expect-error 'NOT_A_CODE' has no row in LOG_CODES
    log('info', 'NOT_A_CODE', 'a code nobody documented');
    log('info', 'DELIVERY', 'a documented code');
    expect(info.mock.calls).toEqual([['[injixo-connect] NOT_A_CODE: a code nobody documented'], ['[injixo-connect] DELIVERY: a documented code']]);
    info.mockRestore();
  });

  it('FailureCode is a subset of LogCode, and LogCodeOf refuses a code without a row', () => {
    type Assert<T extends true> = T;
    const failureCodesAreLogCodes: Assert<[FailureCode] extends [LogCode] ? true : false> = true;
    // @ts-expect-error 'NOT_A_CODE' does not satisfy the LogCode constraint
    const notACode: LogCodeOf<'NOT_A_CODE'> = 'NOT_A_CODE';
    expect([failureCodesAreLogCodes, notACode]).toEqual([true, 'NOT_A_CODE']);
  });
});

describe('the generated docs', () => {
  it('are current in every file with a log-code section (npm run docs rewrites them)', () => {
    const docs = findLogCodeDocs(root).map((file) => path.relative(root, file).split(path.sep).join('/'));
    expect(docs).toEqual(expect.arrayContaining(['docs/admin.md', 'docs/admin.fr.md']));
    const stale = docs.filter((file) => {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      return fillLogCodes(text, file) !== text;
    });
    expect(stale).toEqual([]);
  });

  it('list every code once, in English and in French', () => {
    for (const lang of ['en', 'fr'] as const) {
      const rows = renderLogCodeTables(lang).split('\n').filter((line) => line.startsWith('| `'));
      expect(rows.map((line) => /^\| `([A-Z0-9_]+)`/.exec(line)?.[1])).toEqual(entries.filter(([, e]) => e.audience === 'admin').concat(entries.filter(([, e]) => e.audience === 'support')).map(([code]) => code));
    }
    expect(renderLogCodeTables('fr')).toContain(`| \`INJIXO_KEY_REJECTED\` | error | ${LOG_CODES.INJIXO_KEY_REJECTED.meaning.fr} |`);
  });

  it('fill every marked section, whatever was there, and keep the text around them', () => {
    const table = { A_CODE: { levels: ['warn', 'info'], audience: 'admin', meaning: { en: 'a | b', fr: 'un\nsens' }, action: { en: 'do', fr: 'faire' } } } as const;
    const text = 'before\n<!-- log-codes:start -->\nold\n<!-- log-codes:end -->\nmiddle\n<!-- log-codes:start fr -->\n<!-- log-codes:end -->\nafter\n';
    const filled = fillLogCodes(text, 'x.md', table);
    expect(filled).toContain('before\n<!-- log-codes:start -->\n<!-- generated by');
    expect(filled).toContain('| `A_CODE` | warn / info | a \\| b | do |\n<!-- log-codes:end -->\nmiddle\n');
    expect(filled).toContain('| `A_CODE` | warn / info | un sens | faire |\n<!-- log-codes:end -->\nafter\n');
    expect(filled).not.toContain('old');
    expect(fillLogCodes(filled, 'x.md', table)).toBe(filled);
    expect(fillLogCodes('no markers', 'x.md', table)).toBe('no markers');
  });

  it('refuse a start marker without its end', () => {
    expect(() => fillLogCodes('<!-- log-codes:start -->\n', 'x.md')).toThrow('x.md: "<!-- log-codes:start -->" has no "<!-- log-codes:end -->" after it');
    expect(() => fillLogCodes('<!-- log-codes:start -->\n<!-- log-codes:start fr -->\n<!-- log-codes:end -->', 'x.md')).toThrow('has no "<!-- log-codes:end -->"');
  });

  it('are written to any file path, which reports whether it changed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-codes-'));
    try {
      const file = path.join(dir, 'guide.md');
      fs.writeFileSync(file, '# guide\n<!-- log-codes:start fr -->\n<!-- log-codes:end -->\n');
      expect(writeLogCodeDoc(file)).toBe(true);
      expect(writeLogCodeDoc(file)).toBe(false);
      expect(fs.readFileSync(file, 'utf8')).toContain('| code | niveau | signification | que faire |');
      expect(findLogCodeDocs(dir)).toEqual([file]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('findLogCalls', () => {
  it('reports a code no table has, a union through a typed field, and a code typed `string`', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-calls-'));
    try {
      fs.mkdirSync(path.join(dir, 'platform'));
      const logFile = path.join(dir, 'platform', 'log.ts');
      fs.writeFileSync(logFile, 'export function log(level: string, code: string, text: string): void { void [level, code, text]; }\n');
      const user = path.join(dir, 'user.ts');
      fs.writeFileSync(
        user,
        [
          "import { log as say } from './platform/log';",
          "interface Failure { code: 'A_FAILED' | 'B_FAILED' }",
          'export function f(failure: Failure, anything: string): void {',
          "  say('warn', 'NOT_A_CODE', 'x');",
          "  say('error', failure.code, 'x');",
          "  say('info', anything, 'x');",
          '}',
          "function log(code: string): void { void code; } log('NOT_THE_LOG');",
        ].join('\n'),
      );
      expect(findLogCalls({ root: dir, files: [user], logModule: logFile })).toEqual([
        { where: 'user.ts:4', codes: ['NOT_A_CODE'], levels: ['warn'] },
        { where: 'user.ts:5', codes: ['A_FAILED', 'B_FAILED'], levels: ['error'] },
        { where: 'user.ts:6', codes: [], levels: ['info'], wide: 'string' },
      ]);
      expect(() => findLogCalls({ root: dir, files: [path.join(dir, 'absent.ts')], logModule: logFile })).toThrow('absent.ts is not in the program');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
