import { MAX_TAKEN_RANGES, TakenTickets } from '../../src/import/taken-tickets';

describe('the set of tickets an import has taken', () => {
  it('answers false for a ticket taken before and keeps consecutive ids as one range', () => {
    const taken = new TakenTickets();
    for (const id of [5, 7, 6, 1, 3, 2, 10]) expect(taken.take(id)).toBe(true);
    expect(taken.take(6)).toBe(false);
    expect(taken.pairs()).toEqual([1, 3, 5, 7, 10, 10]);
    expect(taken.take(4)).toBe(true);
    expect(taken.pairs()).toEqual([1, 7, 10, 10]);
    expect(taken.take(9)).toBe(true);
    expect(taken.pairs()).toEqual([1, 7, 9, 10]);
  });

  it('agrees with a plain set on a random sequence', () => {
    const taken = new TakenTickets();
    const plain = new Set<number>();
    let seed = 7;
    for (let i = 0; i < 3000; i += 1) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const id = seed % 500;
      expect(taken.take(id)).toBe(!plain.has(id));
      plain.add(id);
    }
    const restored = new TakenTickets(taken.pairs());
    for (let id = -1; id < 502; id += 1) expect(restored.has(id)).toBe(plain.has(id));
  });
});

describe('the size guard of the taken tickets', () => {
  it('keeps at most MAX_TAKEN_RANGES ranges, forgetting the lowest ids first, and says how many tickets it forgot', () => {
    const taken = new TakenTickets();
    // Every other id: each one its own range, as a walk by updated_at can leave them.
    for (let i = 0; i < MAX_TAKEN_RANGES + 5; i += 1) taken.take(48_000_000_000 + 2 * i);
    taken.take(48_000_000_001);
    expect(taken.pairs().length / 2).toBe(MAX_TAKEN_RANGES + 4);
    // The joined range 0..2 (3 tickets) and the next 3 single ones go: 6 tickets.
    expect(taken.trim()).toBe(6);
    expect(taken.pairs().length / 2).toBe(MAX_TAKEN_RANGES);
    expect(taken.has(48_000_000_000)).toBe(false);
    expect(taken.has(48_000_000_000 + 2 * (MAX_TAKEN_RANGES + 4))).toBe(true);
    // What is kept fits the KV store's 40 KB value with the key and its JSON wrapping.
    expect(JSON.stringify({ r: taken.pairs() }).length).toBeLessThan(40 * 1024 - 100);
    expect(taken.trim()).toBe(0);
  });

  it('leaves a record under the limit untouched', () => {
    const taken = new TakenTickets([1, 5, 9, 9]);
    expect(taken.trim(2)).toBe(0);
    expect(taken.pairs()).toEqual([1, 5, 9, 9]);
    expect(taken.trim(1)).toBe(5);
    expect(taken.pairs()).toEqual([9, 9]);
  });
});
