import { gapsFromCounters, lostBucketOf } from '../../src/delivery/accounting/gaps';

const AT = Date.parse('2026-11-21T10:05:00Z');

describe('events lost at intake, counted per 15-minute interval', () => {
  it.each([
    ['t', 1],
    ['c', 1],
    ['u', 'no'],
    ['e', 'no'],
    ['a', 'no'],
  ] as const)('a lost %s record counts as %s lost contact(s) in its interval', (kind, contacts) => {
    const gaps = gapsFromCounters({ [lostBucketOf(kind, AT)]: 1 });
    expect(gaps).toEqual([{ from: '2026-11-21T10:00:00Z', to: '2026-11-21T10:15:00Z', reason: 'event_lost', ...(contacts === 'no' ? {} : { contactsKnownLost: contacts }) }]);
  });
});
