import { expandLedger, expandList, storedForm } from '../../src/delivery/commit/stored-form';
import { newState } from '../../src/delivery/commit/state';
import { showWalk, VIEW_BYTES } from '../../src/delivery/status/walk-views';

describe('the chunk lists as stored', () => {
  it('keep consecutive ids as the first id and the sizes, and read back every chunk', () => {
    const state = newState(0);
    state.backlog = { chunks: [{ id: 7, n: 150 }, { id: 8, n: 3 }, { id: 9, n: 150 }], next: 10 };
    const stored = storedForm(state);
    expect(stored.backlog).toEqual({ f: 7, s: [150, 3, 150], next: 10 });
    expect(expandList(stored.backlog)).toEqual(state.backlog);
  });

  it('keep ids with holes (chunks taken from the middle) as steps, in ~2 KB for 420 chunks', () => {
    const state = newState(0);
    const chunks = Array.from({ length: 420 }, (_, i) => ({ id: 1_000_000 + i * 2 + (i > 200 ? 5 : 0), n: 150 }));
    state.backlog = { chunks, next: 1_001_000 };
    const stored = storedForm(state);
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

describe('the ledger counts as stored', () => {
  it('are grouped by queue in the record and read back exactly; counts stored one per attribute (older records) read as they are', () => {
    const state = newState(0);
    state.ledger = {
      pending: { '2026-11-21T06': { '48000000101/1/t|16': 3, '48000000101/1/t|17': 1, 'none/2/r|0': 2 } },
      flushing: [[900, '2026-11-21T00', 1, { '48000000101/1/t|3': 5 }]],
      keptFrom: 1,
    };
    const stored = storedForm(state) as { ledger: Record<string, unknown> };
    expect(stored.ledger.pending).toEqual({ '2026-11-21T06': { '48000000101/1/t': [16, 3, 17, 1], 'none/2/r': [0, 2] } });
    expect(stored.ledger.flushing).toEqual([[900, '2026-11-21T00', 1, { '48000000101/1/t': [3, 5] }]]);
    expect(expandLedger(stored.ledger)).toEqual(state.ledger);
    expect(expandLedger({ pending: state.ledger.pending, flushing: state.ledger.flushing, keptFrom: 1 })).toEqual(state.ledger);
  });
});
