/**
 * The README is the front door and docs/ holds one file per reader (issue 21): a link or an
 * anchor between them that leads nowhere fails here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { anchorsOf, docFiles, findBrokenLinks, linksOf, slugOf } from '../../tools/docs/check-links';

const root = path.resolve(__dirname, '..', '..');

describe('links between the README and docs/', () => {
  const files = docFiles(root);

  it('cover the README and every doc', () => {
    const names = files.map((file) => path.relative(root, file).split(path.sep).join('/'));
    expect(names).toEqual(expect.arrayContaining(['README.md', 'docs/admin.md', 'docs/admin.fr.md', 'docs/delivery.md', 'docs/import-and-replay.md', 'docs/platform-assumptions.md', 'docs/measurements.md']));
  });

  it('each lead to a file that exists and, with an #anchor, to a heading it has', () => {
    expect(findBrokenLinks(root, files)).toEqual([]);
  });

  it('from the README reach every doc', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const linked = new Set(linksOf(readme).map((link) => link.target.split('#')[0]));
    for (const doc of ['docs/admin.md', 'docs/delivery.md', 'docs/import-and-replay.md', 'docs/platform-assumptions.md', 'docs/measurements.md']) expect(linked).toContain(doc);
  });
});

describe('the README', () => {
  it('is the front door: at most 200 lines', () => {
    expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8').trimEnd().split('\n').length).toBeLessThanOrEqual(200);
  });
});

describe('slugOf (GitHub heading anchors)', () => {
  it.each([
    ['Settings (the install page)', 'settings-the-install-page'],
    ['Import and replay (Freshdesk API → contacts)', 'import-and-replay-freshdesk-api--contacts'],
    ['En français', 'en-français'],
    ['Exactly once, and the delivered ledger', 'exactly-once-and-the-delivered-ledger'],
    ['The `run/` stretch', 'the-run-stretch'],
    ['What is counted (SPEC §2 in short)', 'what-is-counted-spec-2-in-short'],
  ])('%p → %p', (heading, slug) => {
    expect(slugOf(heading)).toBe(slug);
  });

  it('numbers repeated headings as GitHub does, and ignores headings inside code blocks', () => {
    expect([...anchorsOf('# Tests\n## Tests\n```\n# not a heading\n```\n### Tests\n')]).toEqual(['tests', 'tests-1', 'tests-2']);
  });
});

describe('findBrokenLinks', () => {
  it('reports a missing file and a missing anchor with file and line, and passes good and external links', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'links-'));
    try {
      fs.mkdirSync(path.join(dir, 'docs'));
      fs.writeFileSync(path.join(dir, 'docs', 'a.md'), '# A\n## Good part\n');
      fs.writeFileSync(
        path.join(dir, 'README.md'),
        [
          '# Top',
          '[ok](docs/a.md#good-part) [web](https://example.com/#x) [self](#top)',
          '[gone](docs/missing.md)',
          '[bad anchor](docs/a.md#bad-part) `[in code](docs/nowhere.md)`',
          '```',
          '[in a block](docs/nowhere.md)',
          '```',
          '[self, wrong](#bottom)',
        ].join('\n'),
      );
      expect(findBrokenLinks(dir, docFiles(dir))).toEqual([
        { where: 'README.md:3', target: 'docs/missing.md', why: 'no such file' },
        { where: 'README.md:4', target: 'docs/a.md#bad-part', why: 'no such anchor' },
        { where: 'README.md:8', target: '#bottom', why: 'no such anchor' },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
