/**
 * Small deterministic randomness for the world generator. Every fact of the world is derived
 * from (seed, a few integers), so any ticket can be rebuilt on demand without keeping the
 * world in memory.
 */

/** A random number generator returning floats in [0, 1). */
export type Random = () => number;

/** Mixes a list of 32-bit integers into one well-spread 32-bit hash (murmur3 finaliser). */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    // Split values above 2^32 (timestamps, big ids) so no bits are dropped.
    const low = value >>> 0;
    const high = Math.floor(value / 4294967296) >>> 0;
    h = Math.imul(h ^ low, 0x85ebca6b);
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h ^ high, 0xc2b2ae35);
    h = (h ^ (h >>> 16)) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: tiny, fast and good enough for synthetic data. */
export function createRandom(...key: number[]): Random {
  let state = hashInts(...key);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One float in [0, 1) for a key, without creating a generator. */
export function unitFor(...key: number[]): number {
  return hashInts(...key) / 4294967296;
}

/** Picks an index with probability proportional to its weight. */
export function pickWeighted(random: Random, weights: readonly number[]): number {
  let total = 0;
  for (const weight of weights) total += weight;
  let roll = random() * total;
  for (let index = 0; index < weights.length; index += 1) {
    roll -= weights[index] ?? 0;
    if (roll < 0) return index;
  }
  return weights.length - 1;
}

/** A Poisson draw (Knuth); fine for the small means used here. */
export function drawPoisson(random: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let count = 0;
  let product = random();
  while (product > limit) {
    count += 1;
    product *= random();
  }
  return count;
}
