/**
 * One generated day through the app, as the end-to-end test runs it (startSandbox → replay →
 * settle), measured: what injixo received against the oracle, and every platform call and
 * handler run from the ledger.
 */
import { performance } from 'node:perf_hooks';
import { startSandbox, type ReplayStats } from '../tools/sandbox';
import { injixoCounts, oracleCounts, total, type Counts } from '../test/helpers/oracle-compare';
import { breakDownLedger, cpuByHandler, profileInvocations, type CpuRow, type InvocationProfile, type LedgerBreakdown } from './break-down-ledger';

export type Mode = 'built' | 'in-process';

export interface DayOptions {
  mode: Mode;
  seed: number;
  ticketsPerDay: number;
  settleMinutes: number;
}

export interface CountMismatch {
  queue: string;
  interval: string;
  expected: number;
  delivered: number;
}

export interface DayResult {
  mode: Mode;
  seed: number;
  ticketsPerDay: number;
  wallSeconds: number;
  replay: ReplayStats;
  contacts: {
    delivered: number;
    expected: number;
    duplicates: number;
    /** Per queue identifier and 15-minute interval, exactly as the e2e test compares. */
    matchesOracle: boolean;
    mismatches: CountMismatch[];
  };
  status: unknown;
  breakdown: LedgerBreakdown;
  perContact: { requests: number; kv: number; schedules: number; total: number };
  cpu: CpuRow[];
  /** Kept out of the JSON file (one entry per handler run). */
  profiles: InvocationProfile[];
}

/** Differences between two per-queue, per-interval count maps, at most `limit` of them. */
export function compareCounts(expected: Counts, delivered: Counts, limit = 10): CountMismatch[] {
  const out: CountMismatch[] = [];
  const queues = [...new Set([...Object.keys(expected), ...Object.keys(delivered)])].sort();
  for (const queue of queues) {
    const e = expected[queue] ?? {};
    const d = delivered[queue] ?? {};
    for (const interval of [...new Set([...Object.keys(e), ...Object.keys(d)])].sort()) {
      const want = e[interval] ?? 0;
      const got = d[interval] ?? 0;
      if (want !== got) out.push({ queue, interval, expected: want, delivered: got });
      if (out.length >= limit) return out;
    }
  }
  return out;
}

export async function runDay(options: DayOptions): Promise<DayResult> {
  const started = performance.now();
  const sandbox = await startSandbox({ seed: options.seed, ticketsPerDay: options.ticketsPerDay, inProcess: options.mode === 'in-process' });
  try {
    const replay = await sandbox.replay();
    await sandbox.settle(options.settleMinutes);
    const expected = oracleCounts(sandbox, sandbox.world.start, sandbox.world.end);
    const delivered = injixoCounts(sandbox);
    const mismatches = compareCounts(expected, delivered);
    const status = await sandbox.platform.callFunction('getStatus', {});
    const breakdown = breakDownLedger(sandbox.platform.ledger);
    const profiles = profileInvocations(sandbox.platform.ledger);
    const contacts = total(delivered);
    const per = (n: number): number => n / Math.max(1, contacts);
    return {
      mode: options.mode,
      seed: options.seed,
      ticketsPerDay: options.ticketsPerDay,
      wallSeconds: (performance.now() - started) / 1000,
      replay,
      contacts: {
        delivered: contacts,
        expected: total(expected),
        duplicates: sandbox.injixo.store.duplicates().length,
        matchesOracle: mismatches.length === 0,
        mismatches,
      },
      status: status.ok ? status.data : status.error,
      breakdown,
      perContact: {
        requests: per(breakdown.requests.calls),
        kv: per(breakdown.kv.calls),
        schedules: per(breakdown.schedules.calls),
        total: per(breakdown.requests.calls + breakdown.kv.calls + breakdown.schedules.calls),
      },
      cpu: cpuByHandler(profiles),
      profiles,
    };
  } finally {
    await sandbox.close();
  }
}
