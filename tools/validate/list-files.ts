import * as fs from 'node:fs';
import * as path from 'node:path';

/** Absolute paths of the files under `dir` (recursively) that `keep` accepts; [] when `dir` is missing. */
export function listFiles(dir: string, keep: (relative: string) => boolean = () => true): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const visit = (current: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const abs = path.join(current, entry.name);
      if (entry.isDirectory()) visit(abs);
      else if (keep(path.relative(dir, abs))) out.push(abs);
    }
  };
  visit(dir);
  return out.sort();
}
