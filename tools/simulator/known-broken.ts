/**
 * The invariants the current app is KNOWN to break, and in which profiles (issue 19, first found by
 * `npm run simulate -- --seeds 40` on 2026-12-06; emptied as fixes landed, last on 2026-12-07). The 40-seed
 * test in `npm test` (test/simulator/seeds.test.ts) asserts every other (invariant, profile)
 * pair on every seed. Empty an entry as its fix lands: the test then holds the app to it.
 */
import type { InvariantId } from './invariants';
import type { ProfileName } from './profile';

export const KNOWN_BROKEN: Readonly<Partial<Record<InvariantId, readonly ProfileName[]>>> = {
  // Offered contacts per interval off by a few in 6 of 40 seeds (2, 15, 27, 30, 32, 40 on 2026-12-07),
  // under investigation; the rest of issue 19's defects are fixed and held by the other entries' absence.
  'a-offered': ['small', 'large', 'huge'],
  // Seed 28 (large): an invocation the platform refused a call of ends without a documented code.
  'f-refusals-logged': ['large', 'huge'],
};

export function isKnownBroken(id: InvariantId, profile: ProfileName): boolean {
  return (KNOWN_BROKEN[id] ?? []).includes(profile);
}
