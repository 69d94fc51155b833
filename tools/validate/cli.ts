import * as path from 'node:path';
import { formatReport } from './format-report';
import { validateApp } from './index';

/** `npm run validate [appDir]`: prints findings like `fdk validate`, exits 1 on errors. */
async function main(): Promise<void> {
  const appDir = path.resolve(process.argv[2] ?? process.cwd());
  const report = await validateApp(appDir);
  const output = formatReport(report);
  if (report.errors.length > 0) console.error(output);
  else console.log(output);
  process.exitCode = report.errors.length > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
