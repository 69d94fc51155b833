import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildApp, fixAndLint } from '../../tools/browser/build-app';

describe('buildApp', () => {
  let outRoot: string;
  beforeAll(() => {
    outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'build-app-'));
  });
  afterAll(() => {
    fs.rmSync(outRoot, { recursive: true, force: true });
  });

  it('writes both pages as scripts that pass the FDK rules and keep French text readable', async () => {
    const files = await buildApp({ outRoot });
    expect(files.map((f) => path.relative(outRoot, f.file))).toEqual([path.join('app', 'scripts', 'status-page.js'), path.join('config', 'assets', 'iparams.js')]);
    for (const f of files) {
      const code = fs.readFileSync(f.file, 'utf8');
      expect(f.bytes).toBe(Buffer.byteLength(code));
      expect(code).not.toMatch(/\bvar\s/);
      expect(code).toContain('Relier Freshdesk à injixo');
      expect(fixAndLint(code, 'built.js').problems).toEqual([]);
    }
  });

  it('gives the settings page the three top-level functions the platform calls', () => {
    const code = fs.readFileSync(path.join(outRoot, 'config', 'assets', 'iparams.js'), 'utf8');
    expect(code).toMatch(/^function getConfigs\(configs\) \{$/m);
    expect(code).toMatch(/^function postConfigs\(\) \{$/m);
    expect(code).toMatch(/^function validate\(\) \{$/m);
    expect(code).toContain('/* exported getConfigs, postConfigs, validate */');
  });
});

describe('fixAndLint', () => {
  it('turns var into const or let inside the bundle function, where that is safe', () => {
    const { code, problems } = fixAndLint('(() => {\n  var a = 1;\n  var b = 2;\n  b += a;\n  window.x = b;\n})();\n', 'x.js');
    expect(code).toBe('(() => {\n  const a = 1;\n  let b = 2;\n  b += a;\n  window.x = b;\n})();\n');
    expect(problems).toEqual([]);
  });

  it('leaves a global var alone (it would stop being a window property) and reports it', () => {
    expect(fixAndLint('var shared = 1;\nwindow.y = shared;\n', 'x.js').problems).toEqual(['x.js:1:1 no-var: Unexpected var, use let or const instead.']);
  });

  it('reports what it cannot fix, by file, line, column and rule', () => {
    const { problems } = fixAndLint('const a = 1;\nif (a == 2) { window.y = null; }\nconst unused = 3;\n', 'x.js');
    expect(problems).toEqual(["x.js:2:7 eqeqeq: Expected '===' and instead saw '=='.", "x.js:3:7 no-unused-vars: 'unused' is assigned a value but never used."]);
  });

  it('reports code that does not parse', () => {
    expect(fixAndLint('const = 1;', 'broken.js').problems).toEqual(['broken.js:1:7 parse: Parsing error: Unexpected token =']);
  });
});
