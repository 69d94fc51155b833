import { TakenTickets } from '../../src/import/taken-tickets';

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
