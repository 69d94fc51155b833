/** The README states the Node versions once, and they are the ones package.json and manifest.json declare. */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const read = (file: string): string => fs.readFileSync(path.join(root, file), 'utf8');

describe('README', () => {
  const readme = read('README.md');
  const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };
  const manifest = JSON.parse(read('manifest.json')) as { engines: { node: string } };

  it('names Node versions in one sentence only, matching package.json and manifest.json engines', () => {
    const sentences = readme.replace(/\s+/g, ' ').split(/(?<=\.) (?=[A-Z`])/).filter((s) => /Node(?:\.js)? \d/.test(s));
    expect(sentences).toHaveLength(1);
    const sentence = sentences[0] ?? '';
    expect(sentence).toContain(`Node.js ${pkg.engines.node.replace(/^>=/, '')} or newer`);
    expect(sentence).toContain(`\`${pkg.engines.node}\``);
    expect(sentence).toContain(`Node.js ${manifest.engines.node}`);
  });
});
