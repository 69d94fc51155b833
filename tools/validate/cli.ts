import * as path from 'node:path';
import { formatReport } from './format-report';
import { handlerNameOf, productEvents } from '../../src/entry/events';
import { validateApp } from './index';

const ROOT = path.resolve(__dirname, '..', '..');

/** This repository's event table, for the manifest cross-check (only when validating this repository). */
function tableEvents(appDir: string): Array<{ event: string; module: string; handler: string }> | undefined {
  if (appDir !== ROOT) return undefined;
  return productEvents().map(([event, row]) => ({ event, module: row.module, handler: handlerNameOf(event) }));
}

/** `npm run validate [appDir]`: prints findings like `fdk validate`, exits 1 on errors. */
async function main(): Promise<void> {
  const appDir = path.resolve(process.argv[2] ?? process.cwd());
  const productEvents = tableEvents(appDir);
  const report = await validateApp(appDir, productEvents ? { productEvents } : {});
  const output = formatReport(report);
  if (report.errors.length > 0) console.error(output);
  else console.log(output);
  process.exitCode = report.errors.length > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
