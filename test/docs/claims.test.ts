/**
 * Claims are checked (issue 21): a paragraph, list item or table row of the README or docs/
 * that says the app "never" or "always" does something names what shows it — a test file, a
 * command, a source file or a named constant, the measurements page or the SPEC section it
 * comes from. The generated log-code tables and code blocks are left out.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { docFiles } from '../../tools/docs/check-links';

const root = path.resolve(__dirname, '..', '..');

/** What counts as showing a claim. */
const EVIDENCE = /`(?:test\/[^`]+|npm [^`]+|npx [^`]+|src\/[^`]+|tools\/[^`]+|[A-Z][A-Z0-9_]{3,})`|measurements\.md|SPEC §\d/;
const ABSOLUTE = /\b(?:never|always)\b/i;

/** Paragraphs, list items and table rows, outside code blocks and generated tables. */
function claimBlocks(text: string): string[] {
  const prose = text.replace(/<!-- log-codes:start[\s\S]*?<!-- log-codes:end -->/g, '').replace(/```[\s\S]*?```/g, '');
  return prose.split(/\n\s*\n|\n(?=\s*(?:[-*] |\d+\. |\|))/).map((block) => block.replace(/\s+/g, ' ').trim());
}

function unshownClaims(text: string): string[] {
  return claimBlocks(text).filter((block) => ABSOLUTE.test(block) && !EVIDENCE.test(block));
}

describe('claims in the docs', () => {
  it.each(docFiles(root).map((file) => [path.relative(root, file)]))('%s: every "never" or "always" names its test, command or source', (file) => {
    expect(unshownClaims(fs.readFileSync(path.join(root, file), 'utf8'))).toEqual([]);
  });

  it('catches a bare claim and lets one with its test through', () => {
    const text = ['Redelivered copies are never counted twice.', '', '- A copy is never counted twice (`test/delivery/faults.test.ts`).', '| row | always |', '```', 'never in code', '```'].join('\n');
    expect(unshownClaims(text)).toEqual(['Redelivered copies are never counted twice.', '| row | always |']);
  });
});

describe('the drifted sentences of issue 21', () => {
  const all = docFiles(root).map((file) => fs.readFileSync(file, 'utf8')).join('\n');

  it('are gone: the opt-in features are wired, and a redelivered copy counts once', () => {
    expect(all).not.toMatch(/not wired into the app/);
    expect(all).not.toMatch(/is counted twice \(`test\/delivery\/faults\.test\.ts`\)/);
    expect(all).not.toMatch(/pinQueueName/);
  });
});
