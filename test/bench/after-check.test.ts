/**
 * The overload and silent-loss benches (issue 20 item 6) tell a lost contact from one injixo holds
 * under its ticket's former group: the latter leaves a surplus in another queue of the same
 * quarter hour, the former leaves nothing.
 */
import { compareCounts } from '../../bench/after-check';

const AT = '2026-12-01T10:15:00Z';
const NEXT = '2026-12-01T10:30:00Z';

describe('compareCounts', () => {
  it('pairs a contact missing in one queue with a surplus in another queue of its quarter hour', () => {
    const expected = { 'billing-email-tickets': { [AT]: 3 }, 'sales-email-tickets': { [AT]: 1 } };
    const held = { 'billing-email-tickets': { [AT]: 2 }, 'sales-email-tickets': { [AT]: 2 } };
    expect(compareCounts(expected, held)).toEqual({ missing: 1, extra: 1, paired: 1 });
  });

  it('does not pair a missing contact with a surplus of another quarter hour: that one is lost', () => {
    const expected = { 'billing-email-tickets': { [AT]: 3 }, 'sales-email-tickets': { [NEXT]: 1 } };
    const held = { 'billing-email-tickets': { [AT]: 2 }, 'sales-email-tickets': { [NEXT]: 2 } };
    expect(compareCounts(expected, held)).toEqual({ missing: 1, extra: 1, paired: 0 });
  });

  it('pairs no more than the smaller side of a quarter hour', () => {
    const expected = { 'billing-email-tickets': { [AT]: 5 }, 'sales-email-tickets': { [AT]: 1 } };
    const held = { 'billing-email-tickets': { [AT]: 1 }, 'sales-email-tickets': { [AT]: 2 } };
    expect(compareCounts(expected, held)).toEqual({ missing: 4, extra: 1, paired: 1 });
  });

  it('counts nothing when injixo holds what was expected', () => {
    const counts = { 'billing-email-tickets': { [AT]: 3 } };
    expect(compareCounts(counts, counts)).toEqual({ missing: 0, extra: 0, paired: 0 });
  });
});
