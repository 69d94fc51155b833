/** Plain-text tables for `npm start` and the benchmark: what a planner would look at. */
import type { LedgerEntry } from '../local-platform';

export interface QueueRow {
  queueName: string;
  intervalStart: string;
  offered: number;
}

/** One row per queue: offered contacts per UTC hour of `day`, then the total. */
export function formatQueueTable(rows: readonly QueueRow[], day: string): string {
  const byQueue = new Map<string, number[]>();
  for (const row of rows) {
    if (!row.intervalStart.startsWith(day)) continue;
    const hours = byQueue.get(row.queueName) ?? new Array<number>(24).fill(0);
    const hour = Number(row.intervalStart.slice(11, 13));
    hours[hour] = (hours[hour] ?? 0) + row.offered;
    byQueue.set(row.queueName, hours);
  }
  const names = [...byQueue.keys()].sort();
  const width = Math.max(5, ...names.map((n) => n.length));
  // Hourly counts of a busy queue reach the hundreds: four columns each keeps them apart.
  const cell = (n: number): string => String(n).padStart(4);
  const header = `${'queue'.padEnd(width)} ${Array.from({ length: 24 }, (_, h) => cell(h)).join('')}  total`;
  const lines = names.map((name) => {
    const hours = byQueue.get(name) ?? [];
    const total = hours.reduce((a, b) => a + b, 0);
    return `${name.padEnd(width)} ${hours.map(cell).join('')} ${String(total).padStart(6)}`;
  });
  const totals = Array.from({ length: 24 }, (_, h) => names.reduce((sum, n) => sum + (byQueue.get(n)?.[h] ?? 0), 0));
  const grand = totals.reduce((a, b) => a + b, 0);
  lines.push(`${'all queues'.padEnd(width)} ${totals.map(cell).join('')} ${String(grand).padStart(6)}`);
  return [`offered contacts per hour (UTC) on ${day}`, header, ...lines].join('\n');
}

export interface PlatformUsage {
  requests: number;
  kvOps: number;
  schedules: number;
  invocations: number;
  rejected: number;
  requestsByTemplate: Record<string, number>;
  kvByOp: Record<string, number>;
}

export function summarizeLedger(ledger: readonly LedgerEntry[]): PlatformUsage {
  const usage: PlatformUsage = { requests: 0, kvOps: 0, schedules: 0, invocations: 0, rejected: 0, requestsByTemplate: {}, kvByOp: {} };
  for (const entry of ledger) {
    if (entry.outcome === 'rejected') usage.rejected += 1;
    if (entry.kind === 'request') {
      usage.requests += 1;
      const name = entry.name ?? '?';
      usage.requestsByTemplate[name] = (usage.requestsByTemplate[name] ?? 0) + 1;
    } else if (entry.kind === 'kv') {
      usage.kvOps += 1;
      const op = entry.op ?? '?';
      usage.kvByOp[op] = (usage.kvByOp[op] ?? 0) + 1;
    } else if (entry.kind === 'schedule') usage.schedules += 1;
    else usage.invocations += 1;
  }
  return usage;
}
