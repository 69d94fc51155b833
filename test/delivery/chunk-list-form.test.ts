import { compactChunkLists, expandList } from '../../src/delivery/commit/chunk-list-form';
import { newState } from '../../src/delivery/commit/state';
import { showWalk, VIEW_BYTES } from '../../src/delivery/status/walk-views';

describe('the chunk lists as stored', () => {
  it('keep consecutive ids as the first id and the sizes, and read back every chunk', () => {
    const state = newState(0);
    state.backlog = { chunks: [{ id: 7, n: 150 }, { id: 8, n: 3 }, { id: 9, n: 150 }], next: 10 };
    const stored = compactChunkLists(state);
    expect(stored.backlog).toEqual({ f: 7, s: [150, 3, 150], next: 10 });
    expect(expandList(stored.backlog)).toEqual(state.backlog);
  });

  it('keep ids with holes (chunks taken from the middle) as steps, in ~2 KB for 420 chunks', () => {
    const state = newState(0);
    const chunks = Array.from({ length: 420 }, (_, i) => ({ id: 1_000_000 + i * 2 + (i > 200 ? 5 : 0), n: 150 }));
    state.backlog = { chunks, next: 1_001_000 };
    const stored = compactChunkLists(state);
    expect(expandList(stored.backlog)).toEqual(state.backlog);
    expect(JSON.stringify(stored.backlog).length).toBeLessThan(3_000);
    expect(JSON.stringify(state.backlog).length).toBeGreaterThan(9_000);
    expect(expandList({ chunks: [], next: 1 })).toEqual({ chunks: [], next: 1 });
  });
});

describe('a walk view in the state', () => {
  it('stays within its bytes: the longest lists lose items first, then texts are cut, and a view never grows the record unbounded', () => {
    const state = newState(0);
    const long = 'é'.repeat(400);
    showWalk(state, 'replay', { state: 'done', result: { queues: Array.from({ length: 40 }, (_, i) => ({ name: `${long}${i}`, missing: i })) }, problems: [long, long] });
    const view = state.walks?.replay as { state: string; result: { queues: unknown[] }; problems: unknown[] };
    expect(JSON.stringify(view).length).toBeLessThanOrEqual(VIEW_BYTES);
    expect(view.state).toBe('done');
    expect(view.result.queues.length).toBeGreaterThan(0);
    showWalk(state, 'import', { state: 'running', nested: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, 'x'.repeat(30)])) });
    expect(state.walks?.import).toEqual({ state: 'running', tooLarge: true });
  });
});
