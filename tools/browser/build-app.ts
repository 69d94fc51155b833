/**
 * Builds the browser code of the two admin pages:
 *   src/app/status-page.ts  → app/scripts/status-page.js   (full-page app)
 *   src/app/install-page.ts → config/assets/iparams.js     (custom settings page)
 *
 * `fdk validate` lints app/ with rules that include no-var, prefer-const, eqeqeq, no-eq-null and
 * no-unused-vars (SPEC §5). esbuild turns top-level const/let into `var` when it bundles, so the
 * output goes through ESLint's own safe fixes for no-var/prefer-const and is then linted with
 * those rules; the build fails rather than write a file the FDK would refuse.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { Linter } from 'eslint';
import globals from 'globals';

export const repoRoot = path.resolve(__dirname, '..', '..');

export interface BuiltFile {
  /** Absolute path written. */
  file: string;
  bytes: number;
}

export interface BuildAppOptions {
  /** Where app/ and config/ are written; default: the repository root. */
  outRoot?: string;
}

/** The custom settings page must define these three globals (errors/custom-iparams-errors.md). */
const SETTINGS_PAGE_FOOTER = `
/* exported getConfigs, postConfigs, validate */
// The platform calls these three globals of the custom settings page (runtime/custom-iparams-docs.md).
function getConfigs(configs) {
  return window.injixoSettingsPage.getConfigs(configs);
}
function postConfigs() {
  return window.injixoSettingsPage.postConfigs();
}
function validate() {
  return window.injixoSettingsPage.validate();
}
`;

const TARGETS = [
  { entry: 'src/app/status-page.ts', out: 'app/scripts/status-page.js', footer: '' },
  { entry: 'src/app/install-page.ts', out: 'config/assets/iparams.js', footer: SETTINGS_PAGE_FOOTER },
] as const;

/** The FDK's rules for front-end code that a bundle can break (SPEC §5). */
export const FDK_BROWSER_RULES: Linter.RulesRecord = {
  'no-var': 'error',
  'prefer-const': 'error',
  eqeqeq: 'error',
  'no-eq-null': 'error',
  'no-unused-vars': 'error',
  'no-undef': 'error',
};

function lintConfig(rules: Linter.RulesRecord): Linter.Config[] {
  return [
    {
      languageOptions: { ecmaVersion: 2022, sourceType: 'script', globals: { ...globals.browser } },
      rules,
    },
  ];
}

/** Rewrites var → let/const where ESLint can prove it safe, then reports what still breaks a rule. */
export function fixAndLint(code: string, fileName: string): { code: string; problems: string[] } {
  const linter = new Linter();
  const fixed = linter.verifyAndFix(code, lintConfig({ 'no-var': 'error', 'prefer-const': 'error' }), { filename: fileName });
  const problems = linter
    .verify(fixed.output, lintConfig(FDK_BROWSER_RULES), { filename: fileName })
    .map((m) => `${fileName}:${m.line}:${m.column} ${m.ruleId ?? 'parse'}: ${m.message}`);
  return { code: fixed.output, problems };
}

export async function buildApp(options: BuildAppOptions = {}): Promise<BuiltFile[]> {
  const outRoot = path.resolve(options.outRoot ?? repoRoot);
  const written: BuiltFile[] = [];
  for (const target of TARGETS) {
    const result = await build({
      entryPoints: [path.join(repoRoot, target.entry)],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      // `fdk validate` parses app/ at .fdk/configs.json javascript.ecma_version (FDK default 2020):
      // class fields and other later syntax must be lowered (SPEC §5).
      target: 'es2020',
      charset: 'utf8',
      legalComments: 'none',
      write: false,
      logLevel: 'silent',
    });
    const bundled = result.outputFiles[0]?.text ?? '';
    const header = `// Built by tools/browser/build-app.ts from ${target.entry}; edit the TypeScript, not this file.\n`;
    const { code, problems } = fixAndLint(header + bundled + target.footer, target.out);
    if (problems.length > 0) throw new Error(`build-app: ${target.out} would fail the FDK lint rules:\n${problems.join('\n')}`);
    const file = path.join(outRoot, target.out);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, code);
    written.push({ file, bytes: Buffer.byteLength(code) });
  }
  return written;
}
