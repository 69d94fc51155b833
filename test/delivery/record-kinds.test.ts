/**
 * Record kinds are a tagged union, and every per-kind table is a Record over the kinds (issue 21):
 * adding a kind fails to compile until each place handles it. The `@ts-expect-error` lines are
 * checked by `npm run typecheck` (tsc over test/): each would compile, and so fail tsc, if a table
 * accepted a kind it has no entry for. Before, an unknown kind was unpacked as a ticket creation.
 */
import { packRecord, unpackRecord, type OutboxRecord, type RecordOf } from '../../src/delivery/intake/outbox';
import { DECIDES_ATTRIBUTION, isRecordKind, LOSS_CLASS, RECORD_KINDS, type LossClass, type RecordKind } from '../../src/delivery/stored/record-kinds';
import { lostBucketOf } from '../../src/delivery/accounting/gaps';
import type { PackedRecord } from '../../src/delivery/stored/stored-data';

/** A kind someone adds: 'x'. */
type WithNewKind = RecordKind | 'x';

describe('type tests (checked by tsc in npm run typecheck)', () => {
  it('a per-kind table without the new kind does not compile as a table over the kinds', () => {
    // @ts-expect-error LOSS_CLASS has no entry for 'x'
    const loss: Readonly<Record<WithNewKind, LossClass>> = LOSS_CLASS;
    // @ts-expect-error DECIDES_ATTRIBUTION has no entry for 'x'
    const attribution: Readonly<Record<WithNewKind, boolean>> = DECIDES_ATTRIBUTION;
    // @ts-expect-error a table over the kinds needs every kind: 'a' is missing
    const partial: Record<RecordKind, LossClass> = { t: 'contact', u: 'fact', c: 'contact', e: 'fact' };
    expect([loss, attribution, partial]).toHaveLength(3);
  });

  it('the union and the kinds are the same set, both ways', () => {
    type Assert<T extends true> = T;
    type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
    const same: Assert<Same<OutboxRecord['k'], RecordKind>> = true;
    // @ts-expect-error RecordOf takes only the kinds there are
    const none: RecordOf<'x'> = { k: 'x' };
    expect([same, none]).toHaveLength(2);
  });

  it('a stored tuple names a known kind', () => {
    // @ts-expect-error 'x' is not a RecordKind
    const packed: PackedRecord = ['x', 1, 2, 3, 0, 1_700_000_000];
    expect(packed[0]).toBe('x');
  });
});

describe('unpackRecord', () => {
  it('refuses a kind it does not know instead of reading it as a ticket creation', () => {
    expect(() => unpackRecord(['x', 1, 2, 3, 0, 1_700_000_000] as unknown as PackedRecord)).toThrow("unknown record kind 'x'");
  });

  it.each(Object.keys(RECORD_KINDS) as RecordKind[])('reads back kind %s as that kind', (kind) => {
    const records: Record<RecordKind, OutboxRecord> = {
      t: { k: 't', ticket: { id: 1, group_id: 2, source: 1, spam: false, deleted: false, created_at: '2026-11-21T10:00:00Z' } },
      u: { k: 'u', ticket: { id: 1, group_id: null, source: 1, spam: true, deleted: false, created_at: '2026-11-21T10:00:00Z' }, at: Date.parse('2026-11-21T10:05:00Z'), resolved: true },
      c: { k: 'c', conversation: { id: 5, ticket_id: 1, source: 0, private: false, incoming: true, created_at: '2026-11-21T10:01:00Z' } },
      e: { k: 'e', entry: { id: 9, ticketId: 1, seconds: 600 }, at: Date.parse('2026-11-21T10:02:00Z') },
      a: { k: 'a', change: { agentId: 3, email: 'a@b.c', at: '2026-11-21T10:03:00Z', available: true, statusId: 7 } },
    };
    expect(unpackRecord(packRecord(records[kind]))).toEqual(records[kind]);
  });
});

describe('the per-kind tables', () => {
  it('count only ticket creations and replies as lost contacts, and only ticket facts as attribution', () => {
    expect(LOSS_CLASS).toEqual({ t: 'contact', c: 'contact', u: 'fact', e: 'fact', a: 'fact' });
    expect(lostBucketOf('t', 0)).not.toBe(lostBucketOf('u', 0));
    expect(lostBucketOf('c', 0)).toBe(lostBucketOf('t', 0));
    expect(Object.entries(DECIDES_ATTRIBUTION).filter(([, decides]) => decides).map(([kind]) => kind)).toEqual(['t', 'u']);
  });

  it('know exactly the stored letters', () => {
    expect(['t', 'u', 'c', 'e', 'a', 'x', 1, undefined].map(isRecordKind)).toEqual([true, true, true, true, true, false, false, false]);
  });
});
