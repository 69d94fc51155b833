import * as fs from 'node:fs';
import * as path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import globals from 'globals';
import { fdkPlugin } from './fdk-eslint-plugin';
import type { FindingSink } from './findings';
import { listFiles } from './list-files';

/**
 * The rules `fdk validate` applies to the app's JavaScript (SPEC §5; marketplace skills
 * errors/error-catalog.md, "Code Quality Errors"). Complexity is the one the FDK only warns about.
 */
const FDK_RULES: Linter.RulesRecord = {
  'no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', caughtErrors: 'none' }],
  eqeqeq: 'error',
  'no-eq-null': 'error',
  'require-await': 'error',
  'no-var': 'error',
  'prefer-const': 'error',
  'no-process-env': 'error',
  complexity: ['warn', 7],
  'no-undef': 'error',
  'fdk/no-unhandled-promise': 'error',
};

/** Exactly the names the serverless sandbox provides: no process, Buffer or timers (SPEC §6). */
const SERVER_GLOBALS: Linter.Globals = {
  $request: 'readonly',
  $db: 'readonly',
  $schedule: 'readonly',
  renderData: 'readonly',
  generateTargetUrl: 'readonly',
  exports: 'writable',
  require: 'readonly',
  module: 'readonly',
  console: 'readonly',
};

/** The built JavaScript the FDK lints: server/*.js, server/lib/**, app/scripts/**. */
export function listLintTargets(appDir: string): string[] {
  const server = path.join(appDir, 'server');
  const topLevel = fs.existsSync(server)
    ? fs.readdirSync(server).filter((f) => f.endsWith('.js')).map((f) => path.join(server, f))
    : [];
  return [
    ...topLevel,
    ...listFiles(path.join(server, 'lib'), (f) => f.endsWith('.js')),
    ...listFiles(path.join(appDir, 'app', 'scripts'), (f) => f.endsWith('.js')),
  ].filter((f) => fs.statSync(f).isFile());
}

/** Runs ESLint with the FDK's rules; `dependencies` are the packages manifest.json declares. */
export async function lintApp(appDir: string, dependencies: string[], sink: FindingSink): Promise<void> {
  const targets = listLintTargets(appDir);
  if (targets.length === 0) return;
  const eslint = new ESLint({
    cwd: appDir,
    overrideConfigFile: true,
    errorOnUnmatchedPattern: false,
    overrideConfig: [
      {
        files: ['server/**/*.js'],
        plugins: { fdk: fdkPlugin },
        languageOptions: { ecmaVersion: 'latest', sourceType: 'script', globals: SERVER_GLOBALS },
        rules: { ...FDK_RULES, 'fdk/no-dependency-mismatch': ['error', { dependencies }] },
      },
      {
        files: ['app/**/*.js'],
        plugins: { fdk: fdkPlugin },
        languageOptions: {
          ecmaVersion: 'latest',
          sourceType: 'script',
          globals: { ...globals.browser, app: 'readonly', client: 'writable' },
        },
        rules: FDK_RULES,
      },
    ],
  });
  for (const result of await eslint.lintFiles(targets)) {
    const file = path.relative(appDir, result.filePath).split(path.sep).join('/');
    for (const m of result.messages) {
      const rule = m.ruleId ?? (m.fatal === true ? 'parsing-error' : 'eslint');
      if (m.severity === 2) sink.error(file, rule, m.message, m.line);
      else sink.warn(file, rule, m.message, m.line);
    }
  }
}
