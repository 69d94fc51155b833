import type { Finding, ValidationReport } from '../../tools/validate/index';
import { editJson, removeFile, validateBroken, writeFile } from './app-copy';

const LIB = 'server/lib/zz-broken.js';
const APP = 'app/scripts/zz-broken.js';

/** Validates a copy with one extra JavaScript file and returns the lint findings for that file. */
async function lintExtraFile(file: string, source: string, edit?: (dir: string) => void): Promise<{ errors: Finding[]; warnings: Finding[] }> {
  const report: ValidationReport = await validateBroken((dir) => {
    // Only the added file is looked at, so the copy's own built code is dropped to keep ESLint quick.
    removeFile(dir, 'server/lib');
    removeFile(dir, 'app/scripts');
    writeFile(dir, file, source);
    edit?.(dir);
  }, { lint: true });
  // Template names in these snippets are placeholders; only lint findings matter here.
  const mine = (f: Finding): boolean => f.file === file && f.rule !== 'request-templates';
  return { errors: report.errors.filter(mine), warnings: report.warnings.filter(mine) };
}

const serverModule = (body: string): string => `'use strict';\n${body}\nexports.run = run;\n`;

describe('ESLint with the FDK rules', () => {
  it.each([
    ['no-var', 'function run() {\n  var count = 1;\n  return count;\n}', 3, 'Unexpected var, use let or const instead.'],
    ['prefer-const', 'function run() {\n  let count = 1;\n  return count;\n}', 3, "'count' is never reassigned. Use 'const' instead."],
    ['eqeqeq', 'function run(a) {\n  return a == 1;\n}', 3, "Expected '===' and instead saw '=='."],
    ['no-unused-vars', 'function run() {\n  const unused = 1;\n  return 2;\n}', 3, "'unused' is assigned a value but never used."],
    ['require-await', 'async function run() {\n  return 1;\n}', 2, "Async function 'run' has no 'await' expression."],
    ['no-eval', 'function run(code) {\n  return eval(code);\n}', 3, '`eval` can be harmful.'],
    ['no-alert', 'function run() {\n  return alert("x");\n}', 3, "Unexpected alert."],
    ['no-debugger', 'function run() {\n  debugger;\n  return 1;\n}', 3, "Unexpected 'debugger' statement."],
    ['no-unreachable', 'function run() {\n  return 1;\n  run();\n}', 4, 'Unreachable code.'],
    ['no-empty-function', 'function run() {\n  return () => {};\n}', 3, 'Unexpected empty arrow function.'],
    ['no-undef', 'function run(f) {\n  return setTimeout(f, 10);\n}', 3, "'setTimeout' is not defined."],
  ])('reports %s as an error with its line', async (rule, body, line, message) => {
    const { errors } = await lintExtraFile(LIB, serverModule(body));
    expect(errors).toContainEqual({ file: LIB, line, rule, message });
  });

  it('reports == null under both eqeqeq and no-eq-null', async () => {
    const { errors } = await lintExtraFile(LIB, serverModule('function run(a) {\n  return a == null;\n}'));
    expect(errors.map((f) => f.rule).sort()).toEqual(['eqeqeq', 'no-eq-null']);
    expect(errors).toContainEqual({ file: LIB, line: 3, rule: 'no-eq-null', message: "Use '===' to compare with null." });
  });

  it('only warns about process.env, as the FDK does', async () => {
    const { errors, warnings } = await lintExtraFile(LIB, serverModule('function run() {\n  return process.env.KEY;\n}'));
    expect(errors.filter((f) => f.rule === 'no-process-env')).toEqual([]);
    expect(warnings).toContainEqual({ file: LIB, line: 3, rule: 'no-process-env', message: 'Unexpected use of process.env.' });
  });

  it('only warns when a function is more complex than 7', async () => {
    const branches = Array.from({ length: 7 }, (_, i) => `  if (a === ${i}) return ${i};`).join('\n');
    const { errors, warnings } = await lintExtraFile(LIB, serverModule(`function run(a) {\n${branches}\n  return -1;\n}`));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([{ file: LIB, line: 2, rule: 'complexity', message: "Function 'run' has a complexity of 8. Maximum allowed is 7." }]);
  });

  it('knows the sandbox globals and ignores unused arguments before used ones or named with _', async () => {
    const body = 'function run(_args, payload) {\n  return $db.get(payload.key).then(() => $schedule.fetch({ name: "x" })).catch(() => renderData());\n}';
    const { errors } = await lintExtraFile(LIB, serverModule(body));
    expect(errors).toEqual([]);
  });

  it('honours eslint-disable comments', async () => {
    const body = 'function run() {\n  // eslint-disable-next-line no-var\n  var count = 1;\n  return count;\n}';
    const { errors } = await lintExtraFile(LIB, serverModule(body));
    expect(errors).toEqual([]);
  });

  it('reports a parsing error with its line', async () => {
    const { errors } = await lintExtraFile(APP, 'const a = {\n  b: ,\n};\n');
    expect(errors).toEqual([{ file: APP, line: 2, rule: 'parsing-error', message: 'Parsing error: Unexpected token ,' }]);
  });

  it('lints frontend scripts with browser globals and the app SDK', async () => {
    const source = 'document.addEventListener("DOMContentLoaded", async () => {\n  const c = await app.initialized();\n  window.console.log(c);\n});\n';
    const { errors } = await lintExtraFile(APP, source);
    expect(errors).toEqual([]);
  });
});

describe('fdk/no-unhandled-promise', () => {
  const MESSAGE = (call: string): string => `The promise returned by '${call}' is not handled: await it, return it, or chain .then()/.catch().`;

  it.each([
    ['a bare statement', '$db.set("k", { v: 1 });', '$db.set', 3],
    ['void', 'void $request.invokeTemplate("t", {});', '$request.invokeTemplate', 3],
    ['a short-circuit', 'payload && $schedule.delete({ name: "x" });', '$schedule.delete', 3],
    ['.finally only', '$db.delete("k").finally(() => undefined);', '$db.delete', 3],
    ['a comma expression', '($db.get("a"), 1);', '$db.get', 3],
    ['a computed member call', '$db["set"]("k", 1);', '$db["set"]', 3],
    ['an optional call', '$db?.set("k", 1);', '$db?.set', 3],
    ['a chained entity call', '$db.entity("e").create({});', '$db.entity("e").create', 3],
  ])('warns about a platform call left floating in %s (a warning, as in the FDK)', async (_what, statement, call, line) => {
    const { errors, warnings } = await lintExtraFile(LIB, serverModule(`function run(payload) {\n  ${statement}\n  return payload;\n}`));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([{ file: LIB, line, rule: 'fdk/no-unhandled-promise', message: MESSAGE(call) }]);
  });

  it('warns about a floating client.request call in a frontend script', async () => {
    const { warnings } = await lintExtraFile(APP, 'function load() {\n  client.request.invoke("getStatus", {});\n}\nload();\n');
    expect(warnings).toEqual([{ file: APP, line: 2, rule: 'fdk/no-unhandled-promise', message: MESSAGE('client.request.invoke') }]);
  });

  it('accepts awaited, returned, chained, assigned and passed-on calls', async () => {
    const body = [
      'async function run(payload) {',
      '  await $db.set("a", {});',
      '  const pending = $db.get("b");',
      '  $db.get("c").then(() => undefined, () => undefined);',
      '  $db.get("d").catch(() => undefined);',
      '  await Promise.all([$db.get("e"), $request.invokeTemplate("t", {})]);',
      '  const later = () => $schedule.fetch({ name: "x" });',
      '  const picked = payload ? $db.get("g") : null;',
      '  if (!$db.get("h")) return picked;',
      '  console.log(payload ? pending : later);',
      '  return $db.update("f", "increment", { n: 1 });',
      '}',
    ].join('\n');
    const { errors, warnings } = await lintExtraFile(LIB, serverModule(body));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

describe('the FDK parser level (.fdk/configs.json javascript.ecma_version, default 2020)', () => {
  const ES2022_CLASS_FIELD = "'use strict';\nclass Box {\n  size = 1;\n}\nexports.run = Box;\n";

  it('refuses built code with syntax newer than ES2020 when no level is configured', async () => {
    const { errors } = await lintExtraFile(LIB, ES2022_CLASS_FIELD);
    expect(errors).toEqual([{ file: LIB, line: 3, rule: 'parsing-error', message: 'Parsing error: Unexpected token =' }]);
  });

  it('accepts that syntax when .fdk/configs.json raises the level', async () => {
    const { errors } = await lintExtraFile(LIB, ES2022_CLASS_FIELD, (dir) => writeFile(dir, '.fdk/configs.json', JSON.stringify({ javascript: { ecma_version: 2022 } })));
    expect(errors).toEqual([]);
  });

  it('reads server.js exports at the configured level too', async () => {
    const report = await validateBroken((dir) => writeFile(dir, 'server/server.js', 'exports = {\n  onAppInstall(args) { return args?.x ?? (args.y ||= 1); }\n};\n'));
    expect(report.errors).toContainEqual(expect.objectContaining({ file: 'server/server.js', rule: 'server-exports', line: 2 }));
  });
});

describe('fdk/no-dependency-mismatch', () => {
  it('reports a package manifest.json declares that no server file requires', async () => {
    const report = await validateBroken((dir) => editJson(dir, 'manifest.json', (m) => {
      m['dependencies'] = { ...(m['dependencies'] ?? {}), 'left-pad': '1.3.0' };
    }), { lint: true });
    expect(report.errors.filter((f) => f.file === 'manifest.json')).toEqual([
      { file: 'manifest.json', rule: 'fdk/no-dependency-mismatch', message: "'left-pad' is declared in manifest.json dependencies but no server file requires it." },
    ]);
  });

  it('reports a required package that manifest.json does not declare', async () => {
    const { errors } = await lintExtraFile(LIB, "'use strict';\nconst _ = require('lodash/fp');\nexports.run = _;\n");
    expect(errors).toEqual([{ file: LIB, line: 2, rule: 'fdk/no-dependency-mismatch', message: "'lodash' is required but not declared in manifest.json dependencies." }]);
  });

  it('accepts declared packages, scoped ones included, and relative requires', async () => {
    const source = "'use strict';\nconst a = require('@acme/util/x');\nconst b = require('./platform-handlers');\nexports.run = [a, b];\n";
    const { errors } = await lintExtraFile(LIB, source, (dir) => editJson(dir, 'manifest.json', (m) => {
      m['dependencies'] = { ...(m['dependencies'] ?? {}), '@acme/util': '1.0.0' };
    }));
    expect(errors).toEqual([]);
  });

  it('treats Node built-ins as undeclared packages, since the sandbox has none', async () => {
    const { errors } = await lintExtraFile(LIB, "'use strict';\nconst c = require('node:crypto');\nexports.run = c;\n");
    expect(errors).toEqual([{ file: LIB, line: 2, rule: 'fdk/no-dependency-mismatch', message: "'node:crypto' is required but not declared in manifest.json dependencies." }]);
  });
});
