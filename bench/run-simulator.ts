/**
 * The fault simulator as a bench section (issue 19): `npm run simulate -- --seeds N` in process
 * form (odd seeds small, even seeds large, as the CLI), on one worker per core: seeds run, seeds
 * failing, and which invariant broke how often per profile, with the smallest failing seeds.
 */
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { jobsFor } from '../tools/simulator/cli';
import { KNOWN_BROKEN } from '../tools/simulator/known-broken';
import { runPool } from '../tools/simulator/pool';
import { formatTotals, totals, type Totals } from '../tools/simulator/report';

export interface SimulatorBench {
  seeds: number;
  workers: number;
  wallSeconds: number;
  totals: Totals;
}

export async function runSimulatorBench(seeds: number, progress: (message: string) => void): Promise<SimulatorBench> {
  const workers = os.cpus().length;
  const started = performance.now();
  let done = 0;
  const summaries = await runPool(jobsFor(1, seeds, undefined), {
    workers,
    strict: false,
    onSummary: () => {
      done += 1;
      if (done % 50 === 0) progress(`  simulator: ${done}/${seeds} seeds`);
    },
  });
  return { seeds, workers, wallSeconds: (performance.now() - started) / 1000, totals: totals(summaries) };
}

export function formatSimulatorBench(bench: SimulatorBench): string {
  return [
    `## Fault simulator (npm run simulate -- --seeds ${bench.seeds}; ${bench.workers} workers)`,
    formatTotals(bench.totals, bench.wallSeconds),
    `  known broken (tools/simulator/known-broken.ts): ${Object.entries(KNOWN_BROKEN).map(([id, profiles]) => `${id} [${profiles.join(', ')}]`).join('; ') || 'none'}`,
  ].join('\n');
}
