import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { formatReport } from '../../tools/validate/format-report';
import { validateApp } from '../../tools/validate/index';
import { REPO_ROOT, copyApp, editJson, removeApp } from './app-copy';

const TSX = path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

describe('the real app', () => {
  it('validates with no errors', async () => {
    const report = await validateApp(REPO_ROOT);
    expect(formatReport({ errors: report.errors, warnings: [] })).toBe('Validation Successful');
  });
});

describe('formatReport', () => {
  it('prints errors then warnings the way fdk validate does', () => {
    const text = formatReport({
      errors: [
        { file: 'server/server.js', line: 7, rule: 'no-var', message: 'Unexpected var, use let or const instead.' },
        { file: 'manifest.json', rule: 'manifest-schema', message: "must have required property 'engines' in manifest.json" },
      ],
      warnings: [{ file: 'server/lib/a.js', line: 3, rule: 'complexity', message: "Function 'f' has a complexity of 8. Maximum allowed is 7." }],
    });
    expect(text).toBe([
      'Validation failed due to the following issue(s):',
      '[ERROR] server/server.js::7: Unexpected var, use let or const instead. (no-var)',
      "[ERROR] manifest.json: must have required property 'engines' in manifest.json (manifest-schema)",
      'Warnings:',
      "[WARNING] server/lib/a.js::3: Function 'f' has a complexity of 8. Maximum allowed is 7. (complexity)",
    ].join('\n'));
  });

  it('says the validation succeeded when there are only warnings', () => {
    const text = formatReport({ errors: [], warnings: [{ file: 'app', rule: 'r', message: 'm' }] });
    expect(text).toBe('Warnings:\n[WARNING] app: m (r)\nValidation Successful');
  });
});

describe('npm run validate (tools/validate/cli.ts)', () => {
  it('prints the findings and exits 1 when the app has errors', () => {
    const dir = copyApp();
    try {
      editJson(dir, 'manifest.json', (m) => { m['platform-version'] = '2.3'; });
      const run = spawnSync(process.execPath, [TSX, path.join(REPO_ROOT, 'tools', 'validate', 'cli.ts'), dir], { encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('Validation failed due to the following issue(s):');
      expect(run.stderr).toContain('[ERROR] manifest.json: /platform-version must be equal to constant: "3.0" (manifest-schema)');
    } finally {
      removeApp(dir);
    }
  });
});
