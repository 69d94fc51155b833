import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The ECMAScript level `fdk validate` parses the app's JavaScript at: `.fdk/configs.json`
 * `javascript.ecma_version`, 2020 when the file or the field is absent (SPEC §5, FDK lint
 * configuration as found in public copies). Built code with later syntax (class fields, `#x`,
 * top-level await…) fails there with a parsing error, so our validator parses at the same level.
 */
export const FDK_DEFAULT_ECMA_VERSION = 2020;

/** The versions espree accepts as a year; anything else falls back to the FDK default. */
const KNOWN_VERSIONS = new Set([2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025]);

export function readEcmaVersion(appDir: string): number {
  const file = path.join(appDir, '.fdk', 'configs.json');
  if (!fs.existsSync(file)) return FDK_DEFAULT_ECMA_VERSION;
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { javascript?: { ecma_version?: unknown } };
    const version = Number(parsed.javascript?.ecma_version);
    return KNOWN_VERSIONS.has(version) ? version : FDK_DEFAULT_ECMA_VERSION;
  } catch {
    return FDK_DEFAULT_ECMA_VERSION;
  }
}
