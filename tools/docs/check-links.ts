/**
 * Relative links between the README and docs/: every `[text](path)` and `[text](path#anchor)`
 * must name a file that exists and, for a Markdown file, a heading it has, slugged as GitHub
 * does (github-slugger: lower case, punctuation dropped, spaces to hyphens, repeats numbered).
 * test/docs/links.test.ts runs it over the repository's docs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface BrokenLink {
  /** The file the link is in, relative to the root, and its 1-based line. */
  where: string;
  target: string;
  why: 'no such file' | 'no such anchor';
}

/** GitHub's anchor for a heading's text (github-slugger's rule). */
export function slugOf(heading: string): string {
  const text = heading
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_]{1,3}([^*_]+)[*_]{1,3}/g, '$1');
  return text.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** Lines outside fenced code blocks, with their 1-based numbers. */
function proseLines(text: string): Array<[number, string]> {
  const lines: Array<[number, string]> = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced) lines.push([i + 1, line]);
  });
  return lines;
}

/** Every anchor a Markdown text offers: its headings' slugs, repeats numbered -1, -2, … */
export function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, line] of proseLines(text)) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = slugOf(heading);
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  return anchors;
}

/** The link targets of a Markdown text with their lines, inline code left out. */
export function linksOf(text: string): Array<{ line: number; target: string }> {
  const links: Array<{ line: number; target: string }> = [];
  for (const [line, content] of proseLines(text)) {
    const prose = content.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) links.push({ line, target: match[1] ?? '' });
  }
  return links;
}

const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

function checkLink(root: string, file: string, link: { line: number; target: string }): BrokenLink | undefined {
  if (EXTERNAL.test(link.target)) return undefined;
  const [filePart = '', anchor] = link.target.split('#', 2);
  const targetFile = filePart === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(filePart));
  const where = `${path.relative(root, file).split(path.sep).join('/')}:${link.line}`;
  if (!fs.existsSync(targetFile)) return { where, target: link.target, why: 'no such file' };
  if (anchor === undefined || !targetFile.endsWith('.md')) return undefined;
  return anchorsOf(fs.readFileSync(targetFile, 'utf8')).has(anchor) ? undefined : { where, target: link.target, why: 'no such anchor' };
}

/** Broken relative links and anchors in the given Markdown files. */
export function findBrokenLinks(root: string, files: readonly string[]): BrokenLink[] {
  return files.flatMap((file) => linksOf(fs.readFileSync(file, 'utf8')).flatMap((link) => checkLink(root, file, link) ?? []));
}

/** The README and every Markdown file under docs/. */
export function docFiles(root: string): string[] {
  const docs = path.join(root, 'docs');
  const under = (fs.readdirSync(docs, { recursive: true }) as string[]).filter((name) => name.endsWith('.md')).map((name) => path.join(docs, name));
  return [path.join(root, 'README.md'), ...under.sort()];
}
