import * as fs from 'node:fs';
import * as path from 'node:path';
import { ZipFile } from 'yazl';
import { formatReport } from '../validate/format-report';
import { validateApp, type ValidationReport } from '../validate/index';
import { listFiles } from '../validate/list-files';

/** Thrown when the app does not validate: the FDK never packs an app with validation errors. */
export class PackRefusedError extends Error {
  override readonly name = 'PackRefusedError';

  constructor(readonly report: ValidationReport) {
    super(`Refusing to pack: the app does not validate.\n${formatReport(report)}`);
  }
}

/**
 * What ships, relative to the app root: the FDK's package layout (manifest, config, frontend,
 * serverless entry point, its helpers and test payloads). Sources, tooling and tests never ship.
 */
const SHIPPED_FILES = ['manifest.json', 'server/server.js'];
const SHIPPED_TREES = ['config', 'app', 'server/lib', 'server/test_data'];

/** TypeScript sources are built into the shipped JavaScript; they are not part of the package. */
const TYPESCRIPT = /\.(ts|tsx|mts|cts)$/;

// A fixed timestamp makes two packs of the same files byte-identical.
const ENTRY_MTIME = new Date(Date.UTC(2020, 0, 1));

function isShipped(relative: string): boolean {
  const segments = relative.split('/');
  if (segments.some((s) => s.startsWith('.') || s === 'node_modules')) return false;
  return !TYPESCRIPT.test(relative);
}

/** Files to put in the zip, as sorted forward-slash paths relative to `appDir`. */
export function listPackEntries(appDir: string): string[] {
  const entries = new Set<string>();
  for (const file of SHIPPED_FILES) {
    if (fs.existsSync(path.join(appDir, file))) entries.add(file);
  }
  for (const tree of SHIPPED_TREES) {
    for (const abs of listFiles(path.join(appDir, tree))) {
      entries.add(path.relative(appDir, abs).split(path.sep).join('/'));
    }
  }
  return [...entries].filter(isShipped).sort();
}

function readPackageName(appDir: string): string {
  const file = path.join(appDir, 'package.json');
  if (!fs.existsSync(file)) return path.basename(appDir);
  const { name } = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown };
  return typeof name === 'string' && name !== '' ? name.replace(/^@[^/]+\//, '') : path.basename(appDir);
}

/**
 * Validates the app, then writes `<outDir>/<package name>.zip` with the files that ship, and
 * returns its path. Refuses (PackRefusedError) when validation finds errors.
 */
export async function packApp(appDir: string, outDir = path.join(appDir, 'dist')): Promise<string> {
  const report = await validateApp(appDir);
  if (report.errors.length > 0) throw new PackRefusedError(report);
  fs.mkdirSync(outDir, { recursive: true });
  const zipPath = path.join(outDir, `${readPackageName(appDir)}.zip`);
  const zip = new ZipFile();
  for (const entry of listPackEntries(appDir)) {
    zip.addFile(path.join(appDir, entry), entry, { mtime: ENTRY_MTIME, mode: 0o100644 });
  }
  await new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(zipPath);
    out.on('close', resolve);
    out.on('error', reject);
    zip.outputStream.on('error', reject).pipe(out);
    zip.end();
  });
  return zipPath;
}
