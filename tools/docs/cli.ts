import * as path from 'node:path';
import * as fs from 'node:fs';
import { fillEventTable } from './events';
import { findLogCodeDocs, writeLogCodeDoc } from './log-codes';

/**
 * `npm run docs [file.md …]`: refills the log-code sections of the files named, or of every
 * Markdown file of the top folder and docs/ that has one; and the product-event list of
 * docs/delivery.md from src/entry/events.ts.
 */
function main(): void {
  const root = path.resolve(__dirname, '..', '..');
  const named = process.argv.slice(2).map((file) => path.resolve(file));
  const files = named.length > 0 ? named : findLogCodeDocs(root);
  if (files.length === 0) throw new Error('docs: no Markdown file holds <!-- log-codes:start --> … <!-- log-codes:end -->');
  for (const file of files) console.log(`docs: ${path.relative(root, file)} ${writeLogCodeDoc(file) ? 'updated' : 'unchanged'}`);
  const delivery = path.join(root, 'docs', 'delivery.md');
  const before = fs.readFileSync(delivery, 'utf8');
  const after = fillEventTable(before);
  if (after !== before) fs.writeFileSync(delivery, after);
  console.log(`docs: docs/delivery.md events ${after === before ? 'unchanged' : 'updated'}`);
}

try {
  main();
} catch (err: unknown) {
  console.error(err);
  process.exitCode = 1;
}
