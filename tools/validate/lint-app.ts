import * as fs from 'node:fs';
import * as path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import globals from 'globals';
import { readEcmaVersion } from './ecma-version';
import { fdkPlugin, requiredPackage } from './fdk-eslint-plugin';
import type { FindingSink } from './findings';
import { listFiles } from './list-files';
import { parseScript, walkNodes } from './parse-script';

/**
 * The rules `fdk validate` applies to the app's JavaScript, with the FDK's severities (SPEC §5;
 * marketplace skills errors/error-catalog.md, "Code Quality Errors"; the FDK lint configuration
 * as found in public copies): `complexity`, `no-process-env` and `fdk/no-unhandled-promise` only
 * warn, everything else is an error.
 */
export const FDK_RULES: Linter.RulesRecord = {
  'no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', caughtErrors: 'none' }],
  eqeqeq: 'error',
  'no-eq-null': 'error',
  'require-await': 'error',
  'no-var': 'error',
  'prefer-const': 'error',
  'no-eval': 'error',
  'no-alert': 'error',
  'no-debugger': 'error',
  'no-unreachable': 'error',
  'no-empty-function': 'error',
  'no-process-env': 'warn',
  complexity: ['warn', 7],
  'no-undef': 'error',
  'fdk/no-unhandled-promise': 'warn',
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
  const ecmaVersion = readEcmaVersion(appDir);
  const eslint = new ESLint({
    cwd: appDir,
    overrideConfigFile: true,
    errorOnUnmatchedPattern: false,
    overrideConfig: [
      {
        files: ['server/**/*.js'],
        plugins: { fdk: fdkPlugin },
        languageOptions: { ecmaVersion: ecmaVersion, sourceType: 'script', globals: SERVER_GLOBALS },
        rules: { ...FDK_RULES, 'fdk/no-dependency-mismatch': ['error', { dependencies }] },
      },
      {
        files: ['app/**/*.js'],
        plugins: { fdk: fdkPlugin },
        languageOptions: {
          ecmaVersion: ecmaVersion,
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
  checkUnusedDependencies(targets.filter((f) => isServerFile(appDir, f)), dependencies, ecmaVersion, sink);
}

function isServerFile(appDir: string, file: string): boolean {
  return path.relative(appDir, file).split(path.sep)[0] === 'server';
}

/**
 * The other half of `fdk/no-dependency-mismatch`: a package manifest.json declares but no server
 * file requires is reported too (SPEC §5) — the platform would install it for nothing. It needs
 * every server file at once, so it runs after ESLint instead of inside a per-file rule.
 */
export function checkUnusedDependencies(serverFiles: string[], dependencies: string[], ecmaVersion: number, sink: FindingSink): void {
  const required = new Set<string>();
  for (const file of serverFiles) {
    const parsed = parseScript(fs.readFileSync(file, 'utf8'), 'script', ecmaVersion);
    if (!parsed.ok) continue; // ESLint has already reported the parsing error
    walkNodes(parsed.program, (node) => {
      const name = requiredPackage(node);
      if (name !== undefined) required.add(name);
    });
  }
  for (const name of dependencies) {
    if (!required.has(name)) {
      sink.error('manifest.json', 'fdk/no-dependency-mismatch', `'${name}' is declared in manifest.json dependencies but no server file requires it.`);
    }
  }
}
