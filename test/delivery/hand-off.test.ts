/**
 * What a handed-off commit keeps when it does not fit the schedule's 4 KB (commit/hand-off.ts
 * fitHandOff): the parts that matter least go first, and the gaps — whose list replaces the
 * state's — go only after the ledger counts, the new pins and the garbage keys.
 */
import { compactCounts } from '../../src/delivery/accounting/ledger';
import { COMMIT_DATA_BYTES, fitHandOff, type HandOff } from '../../src/delivery/commit/hand-off';

const T = '2026-11-02T10:';

function bigHandOff(): HandOff {
  // A run that posted to 150 queues over a few quarters: its ledger counts alone pass 4 KB.
  const hour: Record<string, number> = {};
  for (let q = 0; q < 150; q += 1) for (const quarter of [40, 41, 42]) hour[`freshdesk/${37_429_943_084 + q}/1/replies|${quarter}`] = 3;
  const counts = { '2026-11-02T06': hour };
  const pins = Object.fromEntries(Array.from({ length: 20 }, (_, q) => [`freshdesk/${26_733_498_952 + q}/1/tickets`, `Technical Support L2 Americas ${q} email Tickets`]));
  return {
    id: 1_793_615_100_000,
    ids: [1_793_615_100_000],
    cursor: 2_989_357,
    backlog: { chunks: [], next: 1 },
    setAside: { chunks: [], next: 1 },
    health: { consecutiveFailures: 0, dropped: 4, setAsideTotal: 0 },
    gaps: [
      // This run's: the KV store refused to keep 4 unsent contacts after its post.
      { from: `${T}15:10Z`, to: `${T}17:34Z`, reason: 'commit_refused', contactsKnownLost: 4 },
      { from: `${T}01:53Z`, to: `${T}17:00Z`, reason: 'ticket_events_missing', contactsKnownLost: 25 },
    ],
    ledger: compactCounts(counts),
    pins,
    deletes: ['outbox:2989356', 'outbox:2989357'],
  };
}

describe('a hand-off too big for the schedule', () => {
  beforeEach(() => {
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });

  it('turns ledger counts into uncertain hours and drops new pins before any gap (large seed 2: a refused commit\'s gap was lost)', () => {
    const full = bigHandOff();
    expect(JSON.stringify(full).length).toBeGreaterThan(COMMIT_DATA_BYTES);
    const fitted = fitHandOff(full);
    expect(JSON.stringify(fitted).length).toBeLessThanOrEqual(COMMIT_DATA_BYTES);
    expect(fitted.gaps).toEqual(full.gaps);
    expect(fitted.ledger).toBeUndefined();
    expect(fitted.uncertain).toEqual(['2026-11-02T06']);
  });

  it('drops the oldest gaps only when nothing else is left to drop, and says so', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const many = Array.from({ length: 60 }, (_, i) => ({ from: `${T}${String(i % 60).padStart(2, '0')}:00Z`, to: `${T}${String(i % 60).padStart(2, '0')}:30Z`, reason: 'delivery_unconfirmed' as const, contactsMaybeLost: 1 }));
    const fitted = fitHandOff({ ...bigHandOff(), gaps: many });
    expect(JSON.stringify(fitted).length).toBeLessThanOrEqual(COMMIT_DATA_BYTES);
    expect(fitted.gaps?.at(-1)).toEqual(many.at(-1));
    const forgotten = warn.mock.calls.filter((c) => String(c[0]).includes('GAP_FORGOTTEN')).length;
    expect(forgotten).toBe(many.length - (fitted.gaps?.length ?? 0));
  });
});
