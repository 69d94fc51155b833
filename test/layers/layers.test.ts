import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/** Runs the project's own layer check (the same command `npm test` runs) on a folder. */
function cruise(folder: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'), folder, '--config', '.dependency-cruiser.cjs'], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the layer check', () => {
  it('passes on src/, whose every import points down', () => {
    const { status, output } = cruise('src');
    expect(output).toContain('no dependency violations found');
    expect(status).toBe(0);
  });

  it('fails on an upward import, an import cycle and a folder outside the layers, naming each', () => {
    const { status, output } = cruise('test/fixtures/layers/src');
    expect(status).not.toBe(0);
    expect(output).toContain('layer-core: test/fixtures/layers/src/core/rule.ts → test/fixtures/layers/src/delivery/run.ts');
    expect(output).toMatch(/no-circular: test\/fixtures\/layers\/src\/remote\/a\.ts →\s+test\/fixtures\/layers\/src\/remote\/b\.ts/);
    expect(output).toContain('no-unknown-folder: test/fixtures/layers/src/misc/helper.ts');
    expect(output).toContain('3 dependency violations');
  });
});
