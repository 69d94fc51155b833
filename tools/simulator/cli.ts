/**
 * `npm run simulate -- --seeds N [--seed S] [--profile small|large|huge] [--strict] [--jobs J] [--json FILE]`
 *
 * Runs seeds S … S+N−1 (S defaults to 1) of the deterministic fault simulator through the built
 * server/server.js. Without --profile, odd seeds are small accounts and even seeds large ones.
 * `--seed S` alone runs that one seed and prints it in full. A failing seed prints its profile,
 * the first broken invariant with its first differences, and the command that reproduces it;
 * the exit code is 1 when any seed fails.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { runPool, type SeedJob } from './pool';
import { PROFILES, type ProfileName } from './profile';
import { formatSeed, formatTotals, summarize, totals } from './report';
import { runSeed } from './run-seed';

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

function wholeNumber(name: string, fallback: number | undefined): number | undefined {
  const value = argument(name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`simulate: ${name} needs a whole number, got '${value}'`);
  return Number(value);
}

export function jobsFor(first: number, count: number, profile: ProfileName | undefined): SeedJob[] {
  return Array.from({ length: count }, (_, i) => ({ seed: first + i, profile: profile ?? ((first + i) % 2 === 1 ? 'small' : 'large') }));
}

async function main(): Promise<void> {
  const profileArg = argument('--profile');
  if (profileArg !== undefined && !PROFILES.includes(profileArg as ProfileName)) throw new Error(`simulate: --profile must be one of ${PROFILES.join(', ')}`);
  const profile = profileArg as ProfileName | undefined;
  const strict = process.argv.includes('--strict');
  const count = wholeNumber('--seeds', undefined);
  const first = wholeNumber('--seed', 1) ?? 1;
  const started = performance.now();
  if (count === undefined) {
    const run = await runSeed(first, profile ?? (first % 2 === 1 ? 'small' : 'large'));
    const summary = summarize(run, strict);
    process.stdout.write(`${formatSeed(summary)}\n`);
    process.exitCode = summary.ok ? 0 : 1;
    return;
  }
  const workers = wholeNumber('--jobs', os.cpus().length) ?? 1;
  const summaries = await runPool(jobsFor(first, count, profile), {
    workers,
    strict,
    onSummary: (s) => {
      if (!s.ok) process.stdout.write(`${formatSeed(s)}\n`);
      else process.stderr.write(`seed ${s.seed} (${s.profile}) ok in ${(s.wallMs / 1000).toFixed(1)} s\n`);
    },
  });
  const t = totals(summaries);
  process.stdout.write(`${formatTotals(t, (performance.now() - started) / 1000)}\n`);
  const json = argument('--json');
  if (json !== undefined) fs.writeFileSync(json, `${JSON.stringify({ totals: t, summaries }, null, 2)}\n`);
  process.exitCode = t.failing === 0 ? 0 : 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`simulate failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  });
}
