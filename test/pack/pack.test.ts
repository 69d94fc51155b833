import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yauzl from 'yauzl';
import { PackRefusedError, listPackEntries, packApp } from '../../tools/pack/index';
import { REPO_ROOT, writeFile } from '../validate/app-copy';

/**
 * A small app that validates, surrounded by everything a repo holds that must never ship.
 * It is written here rather than copied from the repo so these tests do not depend on the
 * state of the real app's build.
 */
function makeApp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fdk-pack-'));
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: '@acme/sample-app', version: '1.0.0' }),
    'manifest.json': JSON.stringify({
      'platform-version': '3.0',
      modules: {
        common: {
          location: { full_page_app: { url: 'index.html', icon: 'styles/images/icon.svg' } },
          events: { onAppInstall: { handler: 'onAppInstallHandler' } },
          requests: { ping: {} },
        },
        support_ticket: { events: { onTicketCreate: { handler: 'onTicketCreateHandler' } } },
      },
      engines: { node: '24.11.0', fdk: '10.0.0' },
      dependencies: { ajv: '8.20.0' },
    }),
    'config/iparams.json': JSON.stringify({ api_key: { display_name: 'API key', type: 'text', secure: true, required: true } }),
    'config/requests.json': JSON.stringify({
      ping: { schema: { method: 'GET', host: 'api.example.com', path: '/ping', headers: { Authorization: 'Bearer <%= iparam.api_key %>' } } },
    }),
    'app/index.html': '<html><body><script src="scripts/app.js"></script></body></html>',
    'app/styles/images/icon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'app/scripts/app.js': 'document.title = "sample";\n',
    'app/scripts/app.ts': 'document.title = "sample";\n',
    'app/.DS_Store': 'x',
    'server/server.js': [
      "const lib = require('./lib/helpers');",
      'exports = {',
      '  onAppInstallHandler: function () { renderData(); },',
      '  onTicketCreateHandler: function (args) { return lib.handle(args); }',
      '};',
      '',
    ].join('\n'),
    'server/lib/helpers.js': "'use strict';\nconst Ajv = require('ajv');\nexports.handle = function (args) {\n  return $request.invokeTemplate('ping', { context: { id: new Ajv() && args.id } });\n};\n",
    'server/lib/helpers.d.ts': 'export {};\n',
    'server/test_data/support_ticket/onTicketCreate.json': '{"data": {}}',
    'server/node_modules/ajv/index.js': 'module.exports = {};\n',
    'server/.env': 'SECRET=1\n',
    'src/core/count.ts': 'export const x = 1;\n',
    'tools/build.ts': 'export {};\n',
    'test/a.test.ts': 'export {};\n',
    'bench/run.ts': 'export {};\n',
    'node_modules/yazl/index.js': 'module.exports = {};\n',
    '.gitignore': 'dist\n',
    'README.md': '# sample\n',
  };
  for (const [file, content] of Object.entries(files)) writeFile(dir, file, content);
  return dir;
}

function readZipEntries(zipPath: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names.sort()));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const SHIPPED = [
  'app/index.html',
  'app/scripts/app.js',
  'app/styles/images/icon.svg',
  'config/iparams.json',
  'config/requests.json',
  'manifest.json',
  'server/lib/helpers.js',
  'server/server.js',
  'server/test_data/support_ticket/onTicketCreate.json',
];

describe('packApp', () => {
  let dir: string;
  let outDir: string;

  beforeEach(() => {
    dir = makeApp();
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fdk-pack-out-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('writes <package name>.zip with exactly the files the FDK ships', async () => {
    const zipPath = await packApp(dir, outDir);
    expect(zipPath).toBe(path.join(outDir, 'sample-app.zip'));
    expect(await readZipEntries(zipPath)).toEqual(SHIPPED);
  });

  it('leaves out sources, tests, tooling, node_modules, TypeScript files and dotfiles', async () => {
    const entries = await readZipEntries(await packApp(dir, outDir));
    for (const forbidden of [/^src\//, /^tools\//, /^test\//, /^bench\//, /node_modules\//, /\.ts$/, /(^|\/)\./, /^package\.json$/, /^README/]) {
      expect(entries.filter((e) => forbidden.test(e))).toEqual([]);
    }
  });

  it('writes to dist/ by default and produces the same bytes twice', async () => {
    const first = await packApp(dir);
    expect(first).toBe(path.join(dir, 'dist', 'sample-app.zip'));
    const bytes = fs.readFileSync(first);
    const second = await packApp(dir);
    expect(fs.readFileSync(second).equals(bytes)).toBe(true);
    expect(await readZipEntries(second)).toEqual(SHIPPED);
  });

  it('names the zip after the folder when package.json has no name or is missing', async () => {
    writeFile(dir, 'package.json', '{"version": "1.0.0"}');
    expect(await packApp(dir, outDir)).toBe(path.join(outDir, `${path.basename(dir)}.zip`));
    fs.rmSync(path.join(dir, 'package.json'));
    expect(await packApp(dir, outDir)).toBe(path.join(outDir, `${path.basename(dir)}.zip`));
  });

  it('refuses to pack an app that does not validate, with the validator message', async () => {
    writeFile(dir, 'config/requests.json', JSON.stringify({
      ping: { schema: { method: 'GET', host: 'api.example.com', path: '/ping', body: '{}' } },
    }));
    const refusal = packApp(dir, outDir);
    await expect(refusal).rejects.toThrow(PackRefusedError);
    await expect(refusal).rejects.toThrow(
      "Refusing to pack: the app does not validate.\nValidation failed due to the following issue(s):\n" +
      "[ERROR] config/requests.json: Request template 'ping' schema must NOT have additional properties 'body' (requests-schema)",
    );
    expect(fs.readdirSync(outDir)).toEqual([]);
  });

  it('lists entries without a server.js when there is none', () => {
    fs.rmSync(path.join(dir, 'server', 'server.js'));
    expect(listPackEntries(dir)).not.toContain('server/server.js');
  });
});

describe('npm run pack (tools/pack/cli.ts)', () => {
  const TSX = path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const CLI = path.join(REPO_ROOT, 'tools', 'pack', 'cli.ts');

  it('prints the zip path and size, or the validation errors with exit code 1', () => {
    const dir = makeApp();
    try {
      const ok = spawnSync(process.execPath, [TSX, CLI, dir], { encoding: 'utf8', cwd: dir });
      expect(ok.status).toBe(0);
      expect(ok.stdout).toMatch(/^Packed dist\/sample-app\.zip \(\d+\.\d KB\)\n$/);
      fs.rmSync(path.join(dir, 'manifest.json'));
      const refused = spawnSync(process.execPath, [TSX, CLI, dir], { encoding: 'utf8', cwd: dir });
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('[ERROR] manifest.json: Mandatory file(s) missing: manifest.json (manifest)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
