/** What a seed's run comes to (JSON-safe, so worker processes can send it), and how it is printed. */
import { INVARIANTS, checkInvariants, type InvariantId, type InvariantResult } from './invariants';
import type { ProfileName } from './profile';
import type { SeedRun } from './run-seed';

export interface SeedSummary {
  seed: number;
  profile: ProfileName;
  strict: boolean;
  ok: boolean;
  failed: InvariantId[];
  /** The first broken invariant with its first differences. */
  first?: InvariantResult;
  repro: string;
  wallMs: number;
  events: number;
  account: { ticketsPerDay: number; groups: number; sources: number; activeQueues: number; handled: boolean; agents: boolean };
  faults: string;
  tolerated: { invisibleReplies: number; ambiguous: number; handled: number };
  uncertainHours: number;
  appendsAtLimit: number;
  /** The largest write attempted per key family (`state`, `ledger:`, `tickets:`, schedule data…), bytes. */
  largest: Record<string, number>;
}

export function reproCommand(seed: number, profile: ProfileName, strict: boolean): string {
  return `npm run simulate -- --seed ${seed} --profile ${profile}${strict ? ' --strict' : ''}`;
}

function describeFaults(run: SeedRun): string {
  const f = run.faults;
  const parts = [
    f.kvBursts.length > 0 ? `${f.kvBursts.length} KV burst(s)` : '',
    f.kvWriteOutages.length > 0 ? `KV write outage ${Math.round(((f.kvWriteOutages[0]?.to ?? 0) - (f.kvWriteOutages[0]?.from ?? 0)) / 60_000)} min` : '',
    f.requestBursts.length > 0 ? `${f.requestBursts.length} request-429 burst(s)` : '',
    f.scheduleBursts.length > 0 ? `${f.scheduleBursts.length} schedule refusal burst(s)` : '',
    f.injixo.length > 0 ? `injixo ${f.injixo.map((w) => (w.kind === 'outage' ? String(w.status ?? 503) : w.kind === 'refuse' ? String(w.status) : w.kind)).join('/')}` : '',
    f.keyRegenerated ? `401 for ${Math.round((f.keyRegenerated.pastedAt - f.keyRegenerated.at) / 60_000)} min` : '',
    f.crashHazard > 0 ? `crash ${(f.crashHazard * 100).toFixed(2)}%/call` : '',
    f.delivery.neverShare > 0 ? `never ${(f.delivery.neverShare * 100).toFixed(1)}%` : '',
    f.delivery.twiceShare > 0 ? `twice ${(f.delivery.twiceShare * 100).toFixed(1)}% ≤${Math.round(f.delivery.maxRedeliveryMs / 3_600_000)}h` : '',
    f.delivery.outOfOrder.length > 0 ? `${f.delivery.outOfOrder.length} out-of-order window(s)` : '',
    f.delivery.poison.length > 0 ? `poison ${f.delivery.poison.map((p) => p.kind).join('/')}` : '',
    `${(f.coldStartShare * 100).toFixed(1)}% cold starts`,
  ];
  return parts.filter((p) => p !== '').join(', ');
}

export function summarize(run: SeedRun, strict: boolean): SeedSummary {
  const check = checkInvariants(run, { strict });
  const failed = check.results.filter((r) => !r.ok);
  return {
    seed: run.seed,
    profile: run.profile,
    strict,
    ok: failed.length === 0,
    failed: failed.map((r) => r.id),
    ...(failed[0] ? { first: failed[0] } : {}),
    repro: reproCommand(run.seed, run.profile, strict),
    wallMs: Math.round(run.wallMs),
    events: run.events,
    account: {
      ticketsPerDay: run.account.ticketsPerDay,
      groups: run.account.groups.count,
      sources: Object.keys(run.account.sourceChoices).length,
      activeQueues: check.activeQueues,
      handled: run.account.handledContacts,
      agents: run.account.agentStatuses,
    },
    faults: describeFaults(run),
    tolerated: { invisibleReplies: check.expectation.invisibleReplies, ambiguous: check.expectation.ambiguous, handled: check.expectation.handledTolerated },
    uncertainHours: check.uncertainHours,
    appendsAtLimit: check.appendsAtLimit,
    largest: { ...run.hooks.largest },
  };
}

function describeAccount(s: SeedSummary): string {
  const a = s.account;
  return `${s.profile}: ${a.ticketsPerDay} tickets/day, ${a.groups} groups × ${a.sources} sources, ${a.activeQueues} queues active${a.handled ? ', handled contacts' : ''}${a.agents ? ', agent statuses' : ''}`;
}

/** One seed, as a failing seed prints it: profile, first broken invariant and its differences, the command. */
export function formatSeed(s: SeedSummary): string {
  const head = `seed ${s.seed} (${describeAccount(s)}; ${s.events} events, ${(s.wallMs / 1000).toFixed(1)} s)`;
  const faults = `  faults: ${s.faults}`;
  const tolerated = `  tolerated: ${s.tolerated.invisibleReplies} replies invisible to the app, ${s.tolerated.ambiguous} ambiguous contacts, ${s.tolerated.handled} handled unchecked; ${s.uncertainHours} ledger hours uncertain; ${s.appendsAtLimit} appends refused at 40 KB`;
  if (s.ok) return `${head}: all invariants hold\n${faults}\n${tolerated}`;
  const first = s.first as InvariantResult;
  return [
    `${head}: FAILED ${s.failed.join(', ')}`,
    faults,
    tolerated,
    `  first broken: ${INVARIANTS[first.id]}`,
    ...first.details.map((d) => `    ${d}`),
    `  reproduce: ${s.repro}`,
  ].join('\n');
}

export interface Totals {
  seeds: number;
  failing: number;
  byInvariant: Partial<Record<InvariantId, { profiles: Partial<Record<ProfileName, number>>; smallestSeeds: number[] }>>;
  wallMs: { total: number; byProfile: Partial<Record<ProfileName, { seeds: number; meanMs: number; maxMs: number }>> };
  /** Over every seed: the largest write attempted per key family, and the seed that attempted it. */
  largest: Record<string, { bytes: number; seed: number }>;
}

export function totals(summaries: readonly SeedSummary[]): Totals {
  const byInvariant: Totals['byInvariant'] = {};
  const byProfile: Totals['wallMs']['byProfile'] = {};
  const largest: Totals['largest'] = {};
  for (const s of [...summaries].sort((a, b) => a.seed - b.seed)) {
    for (const [family, bytes] of Object.entries(s.largest)) if (bytes > (largest[family]?.bytes ?? 0)) largest[family] = { bytes, seed: s.seed };
    for (const id of s.failed) {
      const entry = (byInvariant[id] ??= { profiles: {}, smallestSeeds: [] });
      entry.profiles[s.profile] = (entry.profiles[s.profile] ?? 0) + 1;
      if (entry.smallestSeeds.length < 3) entry.smallestSeeds.push(s.seed);
    }
    const p = (byProfile[s.profile] ??= { seeds: 0, meanMs: 0, maxMs: 0 });
    p.meanMs = (p.meanMs * p.seeds + s.wallMs) / (p.seeds + 1);
    p.seeds += 1;
    p.maxMs = Math.max(p.maxMs, s.wallMs);
  }
  return {
    seeds: summaries.length,
    failing: summaries.filter((s) => !s.ok).length,
    byInvariant,
    wallMs: { total: summaries.reduce((sum, s) => sum + s.wallMs, 0), byProfile },
    largest,
  };
}

export function formatTotals(t: Totals, wallSeconds: number): string {
  const lines = [`seeds run: ${t.seeds}, failing: ${t.failing} (${wallSeconds.toFixed(1)} s wall)`];
  for (const [profile, p] of Object.entries(t.wallMs.byProfile)) lines.push(`  ${profile}: ${p.seeds} seeds, ${(p.meanMs / 1000).toFixed(1)} s a seed on average, ${(p.maxMs / 1000).toFixed(1)} s at most`);
  const sizes = Object.entries(t.largest).sort(([, a], [, b]) => b.bytes - a.bytes).slice(0, 6);
  if (sizes.length > 0) lines.push(`  largest writes attempted (limit 40,960 B a KV value, 4,096 B schedule data): ${sizes.map(([family, l]) => `${family} ${l.bytes} B (seed ${l.seed})`).join(', ')}`);
  for (const [id, entry] of Object.entries(t.byInvariant)) {
    const profiles = Object.entries(entry.profiles).map(([profile, n]) => `${profile} ${n}`).join(', ');
    lines.push(`  ${INVARIANTS[id as InvariantId]}: broken in ${profiles}; smallest seeds ${entry.smallestSeeds.join(', ')}`);
  }
  return lines.join('\n');
}
