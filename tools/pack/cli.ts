import * as fs from 'node:fs';
import * as path from 'node:path';
import { PackRefusedError, packApp } from './index';

/** `npm run pack [appDir]`: validates, writes dist/<name>.zip, prints its path and size. */
async function main(): Promise<void> {
  const appDir = path.resolve(process.argv[2] ?? process.cwd());
  const zipPath = await packApp(appDir);
  const kb = (fs.statSync(zipPath).size / 1024).toFixed(1);
  console.log(`Packed ${path.relative(process.cwd(), zipPath) || zipPath} (${kb} KB)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof PackRefusedError ? err.message : err);
  process.exitCode = 1;
});
