/**
 * The app's delivered ledger as invariant (b) reads it: the ONE place the simulator knows how the
 * ledger is stored. It calls the app's own `readLedger` (src/delivery/accounting/ledger.ts) over a
 * read-only KeyValueStore built on the local platform's snapshot — no platform call, no limit —
 * and takes the uncertain hours from the state record's `ledger.uncertain`. When the ledger's
 * storage changes, this function is what changes with it.
 */
import { readLedger } from '../../src/delivery/accounting/ledger';
import { readState } from '../../src/delivery/commit/state';
import type { KeyValueStore } from '../../src/platform/types';

export interface LedgerView {
  /** queue identifier → 15-minute interval start (ISO, `…Z`) → contacts the ledger says were delivered. */
  counts: Map<string, Map<string, number>>;
  /** Six-hour buckets (`2026-11-02T06`) whose counts the app marked uncertain. */
  uncertainHours: string[];
  /** The same bucket boundaries as the app's, for deciding whether an interval is uncertain. */
  hourOfInterval(intervalStart: string): string;
}

const BUCKET_MS = 6 * 60 * 60_000;

function snapshotStore(snapshot: Record<string, unknown>): KeyValueStore {
  const refuse = (): Promise<never> => Promise.reject(new Error('ledger view: read-only'));
  return {
    get: (key) => (key in snapshot ? Promise.resolve(snapshot[key] as Record<string, unknown>) : Promise.reject(Object.assign(new Error('Record not found'), { status: 404 }))),
    set: refuse,
    delete: refuse,
    update: refuse,
  };
}

export async function readLedgerView(snapshot: Record<string, unknown>, fromMs: number, toMs: number, nowMs: number): Promise<LedgerView> {
  const db = snapshotStore(snapshot);
  const state = await readState(db, nowMs);
  const counts = await readLedger(db, state, fromMs, toMs);
  return {
    counts,
    uncertainHours: [...(state.ledger?.uncertain ?? [])],
    hourOfInterval: (intervalStart) => new Date(Math.floor(Date.parse(intervalStart) / BUCKET_MS) * BUCKET_MS).toISOString().slice(0, 13),
  };
}
