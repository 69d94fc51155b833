/**
 * Issue 19: 40 seeds of the fault simulator (20 small, 20 large accounts) through the built
 * server/server.js, on two worker processes. Every invariant must hold on every seed, except the
 * (invariant, profile) pairs KNOWN_BROKEN lists for the current app — empty them as fixes land.
 * Prints the wall time and what broke where.
 */
import { performance } from 'node:perf_hooks';
import { INVARIANTS, type InvariantId } from '../../tools/simulator/invariants';
import { isKnownBroken, KNOWN_BROKEN } from '../../tools/simulator/known-broken';
import { runPool, type SeedJob } from '../../tools/simulator/pool';
import { formatTotals, totals, type SeedSummary } from '../../tools/simulator/report';

/** Seeds 1–20 of each profile: the same forty every run; large ones first, so the two workers end together. */
const JOBS: SeedJob[] = [
  ...Array.from({ length: 20 }, (_, i) => ({ seed: i + 1, profile: 'large' as const })),
  ...Array.from({ length: 20 }, (_, i) => ({ seed: i + 1, profile: 'small' as const })),
];
/**
 * How long the pool may take before jest gives up. The three minutes issue 19 asks for are a
 * speed target: measured and printed here (and by `npm run simulate -- --seeds 40`), not asserted,
 * since a busy machine would fail a correct app.
 */
const TIMEOUT_MS = 15 * 60_000;

let summaries: SeedSummary[] = [];
let wallMs = 0;

beforeAll(async () => {
  const started = performance.now();
  summaries = await runPool(JOBS, { workers: 2, strict: false });
  wallMs = performance.now() - started;
  process.stdout.write(`fault simulator, 40 seeds on 2 workers:\n${formatTotals(totals(summaries), wallMs / 1000)}\n`);
}, TIMEOUT_MS);

describe('the fault simulator over 40 seeds', () => {
  it('runs every seed, small and large', () => {
    expect(summaries).toHaveLength(40);
    expect(wallMs).toBeGreaterThan(0);
  });

  it.each(Object.keys(INVARIANTS) as InvariantId[])('%s holds on every seed where it is not known broken', (id) => {
    const unexpected = summaries.filter((s) => s.failed.includes(id) && !isKnownBroken(id, s.profile)).map((s) => s.repro);
    expect(unexpected).toEqual([]);
  });

  it('names only invariants and profiles that exist in KNOWN_BROKEN', () => {
    for (const [id, profiles] of Object.entries(KNOWN_BROKEN)) {
      expect(Object.keys(INVARIANTS)).toContain(id);
      expect(profiles.every((p) => ['small', 'large', 'huge'].includes(p))).toBe(true);
    }
  });
});
