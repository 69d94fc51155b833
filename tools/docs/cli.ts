import * as path from 'node:path';
import { findLogCodeDocs, writeLogCodeDoc } from './log-codes';

/**
 * `npm run docs [file.md …]`: refills the log-code sections of the files named, or of every
 * Markdown file of the top folder and docs/ that has one.
 */
function main(): void {
  const root = path.resolve(__dirname, '..', '..');
  const named = process.argv.slice(2).map((file) => path.resolve(file));
  const files = named.length > 0 ? named : findLogCodeDocs(root);
  if (files.length === 0) throw new Error('docs: no Markdown file holds <!-- log-codes:start --> … <!-- log-codes:end -->');
  for (const file of files) console.log(`docs: ${path.relative(root, file)} ${writeLogCodeDoc(file) ? 'updated' : 'unchanged'}`);
}

try {
  main();
} catch (err: unknown) {
  console.error(err);
  process.exitCode = 1;
}
