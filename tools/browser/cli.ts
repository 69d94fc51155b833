/** `tsx tools/browser/cli.ts`: builds the two admin pages (see build-app.ts). */
import * as path from 'node:path';
import { buildApp, repoRoot } from './build-app';

buildApp().then(
  (files) => {
    for (const f of files) console.log(`build-app: wrote ${path.relative(repoRoot, f.file)} (${f.bytes} bytes)`);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
