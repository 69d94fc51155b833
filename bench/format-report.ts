/** The benchmark's printed report, section by section, from the measured results only. */
import { HOLD_DELAY_MS } from '../src/delivery/intake/outbox';
import type { CallAnalysis } from './analyze-calls';
import type { CpuRow, LedgerBreakdown } from './break-down-ledger';
import { formatNumber, formatTable } from './format-table';
import type { LoadResult, RateSearch } from './run-at-rate';
import type { DayResult, Mode } from './run-day';

export interface BenchSettings {
  day: { seed: number; ticketsPerDay: number; settleMinutes: number };
  load: {
    seed: number;
    ticketsPerDay: number;
    feedMinutes: number;
    drainMinutes: number;
    low: number;
    high: number;
    tolerance: number;
    goal: number;
    searchMode: Mode;
    crossCheckMode: Mode;
  };
  limits: { requestsPerMinute: number; kvOpsPerMinute: number; oneTimeSchedules: number };
  targetCallsPerContact: number;
}

export interface BenchResults {
  settings: BenchSettings;
  startedAt: string;
  wallSeconds: number;
  environment: string;
  dayBuilt: DayResult;
  dayInProcess: DayResult;
  search: RateSearch;
  searchSeconds: number;
  /** The boundary rates again in the other mode. */
  crossChecks: LoadResult[];
  /** Sustained overload (issue 11): multiples of the zero-loss rate and fixed high rates, then a drain. */
  overload: { label: string; probe: LoadResult }[];
  calls: CallAnalysis;
}

const n = formatNumber;

function joinCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

function budgetTable(b: LedgerBreakdown, contacts: number): string {
  const per = (x: number): number => x / Math.max(1, contacts);
  const rows: (string | number)[][] = [['$request', b.requests.calls, per(b.requests.calls), b.requests.rejected]];
  for (const [service, counts] of Object.entries(b.requests.byService).sort()) {
    const templates = Object.entries(b.requests.byTemplate)
      .filter(([name]) => (service === 'Freshdesk look-ups' ? name.startsWith('freshdesk') : service === 'injixo posts' ? name.startsWith('injixo') : !/^(freshdesk|injixo)/.test(name)))
      .map(([name, c]) => `${name} ${c.calls}`)
      .join(', ');
    rows.push([`  ${service} (${templates})`, counts.calls, per(counts.calls), counts.rejected]);
  }
  rows.push(['$db', b.kv.calls, per(b.kv.calls), b.kv.rejected]);
  for (const [family, ops] of Object.entries(b.kv.byKeyFamily).sort(([, x], [, y]) => sum(y) - sum(x))) {
    rows.push([`  ${family} (${joinCounts(ops)})`, sum(ops), per(sum(ops)), '']);
  }
  rows.push(['$schedule', b.schedules.calls, per(b.schedules.calls), b.schedules.rejected]);
  for (const [family, ops] of Object.entries(b.schedules.byNameFamily).sort()) rows.push([`  ${family} (${joinCounts(ops)})`, sum(ops), per(sum(ops)), '']);
  const all = b.requests.calls + b.kv.calls + b.schedules.calls;
  rows.push(['all platform calls', all, per(all), b.requests.rejected + b.kv.rejected + b.schedules.rejected]);
  return formatTable(['platform calls', 'calls', 'per contact', 'refused'], rows);
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function statusLine(status: unknown): string {
  if (typeof status !== 'object' || status === null) return String(status);
  const s = status as Record<string, unknown>;
  return ['state', 'backlog', 'setAside', 'dropped', 'invalidPayloads'].map((k) => `${k} ${String(s[k])}`).join(', ');
}

export function daySection(r: Pick<BenchResults, 'dayBuilt' | 'settings'>): string {
  const d = r.dayBuilt;
  const target = r.settings.targetCallsPerContact;
  const calls = d.breakdown.requests.calls + d.breakdown.kv.calls + d.breakdown.schedules.calls;
  const lines = [
    `1. DAY BUDGET — seed ${d.seed}, ${d.ticketsPerDay} tickets/day, built server.js, default limits (${r.settings.limits.requestsPerMinute} req/min, ${r.settings.limits.kvOpsPerMinute} KV ops/min); replay + settle ${r.settings.day.settleMinutes} min; ${n(d.wallSeconds)} s wall`,
    `  events replayed: ${d.replay.events} (${joinCounts(d.replay.byEvent)}); failed handler runs ${d.replay.failedInvocations}`,
    `  contacts delivered: ${d.contacts.delivered}; oracle expects ${d.contacts.expected}: ${d.contacts.matchesOracle ? 'EQUAL per queue and 15-minute interval' : `DIFFERENT (${d.contacts.mismatches.length}+ queue/intervals differ, e.g. ${JSON.stringify(d.contacts.mismatches.slice(0, 3))})`}; duplicates ${d.contacts.duplicates}`,
    `  status after settle: ${statusLine(d.status)}`,
    budgetTable(d.breakdown, d.contacts.delivered),
    `  => ${n(calls / Math.max(1, d.contacts.delivered))} platform calls per contact ($request ${n(d.perContact.requests)} + $db ${n(d.perContact.kv)} + $schedule ${n(d.perContact.schedules)}); target ≤ ${target}: ${d.perContact.total <= target ? 'MET' : 'MISSED'}`,
    `  one-time schedules created: ${d.breakdown.schedules.oneTimeCreated}; platform refusals: kv ${d.breakdown.rejections.kv}, request ${d.breakdown.rejections.request}, schedule ${d.breakdown.rejections.schedule}; handler runs ${d.breakdown.invocations}`,
  ];
  return lines.join('\n');
}

function cpuTable(rows: readonly CpuRow[]): string {
  return formatTable(
    ['handler / activity', 'runs', 'calls/run', 'cpu µs mean', 'p50', 'p95', 'wall ms mean', 'p50', 'p95'],
    rows.map((row) => [
      row.activity === '*' ? row.handler : `  · ${row.activity}`,
      row.count,
      row.callsPerRun,
      Math.round(row.cpuMicros.mean),
      Math.round(row.cpuMicros.p50),
      Math.round(row.cpuMicros.p95),
      row.wallMs.mean,
      row.wallMs.p50,
      row.wallMs.p95,
    ]),
  );
}

function cpuSection(r: BenchResults): string {
  const product = (d: DayResult): CpuRow[] => d.cpu.filter((row) => row.activity === '*' && /^onTicket|^onConversation/.test(row.handler));
  const ratio = product(r.dayBuilt)
    .map((b) => {
      const i = product(r.dayInProcess).find((row) => row.handler === b.handler);
      return i ? `${b.handler} ×${n(b.cpuMicros.mean / Math.max(1, i.cpuMicros.mean))}` : '';
    })
    .filter(Boolean)
    .join(', ');
  return [
    '2. CPU PER HANDLER RUN (ledger "invocation" entries of the day above; process CPU user+system and wall clock)',
    `  built server.js in the vm sandbox (day replay ${n(r.dayBuilt.wallSeconds)} s wall):`,
    cpuTable(r.dayBuilt.cpu),
    `  in-process TypeScript handlers (same day, ${n(r.dayInProcess.wallSeconds)} s wall; contacts ${r.dayInProcess.contacts.delivered}, oracle ${r.dayInProcess.contacts.matchesOracle ? 'equal' : 'DIFFERENT'}):`,
    cpuTable(r.dayInProcess.cpu),
    `  built / in-process CPU per event (mean): ${ratio}`,
    `  Whole replay wall per handler run: built ${n((r.dayBuilt.wallSeconds * 1000) / Math.max(1, r.dayBuilt.breakdown.invocations))} ms, in-process ${n((r.dayInProcess.wallSeconds * 1000) / Math.max(1, r.dayInProcess.breakdown.invocations))} ms.`,
    '  Notes: the ledger measures from the handler call on; creating the vm context and evaluating server.js + server/lib',
    '  (LocalPlatform.invoke → AppSandbox.instantiate) happens before, so that per-run set-up shows only in the replay wall time.',
    '  Inside the measured window the built code runs as fresh closures in a new realm each time, and args are copied into it.',
    '  CPU is the whole process: a run that waits for the local Freshdesk/injixo (same process) includes their work too.',
  ].join('\n');
}

function probeRow(p: LoadResult): (string | number)[] {
  const lost = Object.entries(p.eventLostByKind).map(([k, v]) => `${k}${v}`).join(' ') || '0';
  return [
    p.rate,
    p.mode,
    p.eventsFed,
    p.writingShare,
    p.expected,
    p.delivered,
    p.missing,
    p.duplicates,
    lost,
    `${p.rejections.kv}/${p.rejections.request}/${p.rejections.schedule}`,
    p.oneTimeSchedulesCreated,
    p.maxPendingOneTime,
    p.failedDeliveryRuns,
    p.drainedAfterMinutes === null ? '-' : Math.round(p.drainedAfterMinutes),
    p.zeroLoss ? 'zero loss' : 'LOSS',
    p.wallSeconds,
  ];
}

const PROBE_HEADER = ['rate/min', 'mode', 'events', 'writing', 'expected', 'delivered', 'missing', 'dups', 'EVENT_LOST', 'refused kv/req/sch', 'one-time sch', 'max pending', 'failed runs', 'drain min', 'result', 'wall s'];

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function failureDetail(p: LoadResult, limits: BenchSettings['limits']): string[] {
  const binding: string[] = [];
  if (p.rejections.kv > 0) binding.push(`KV ${limits.kvOpsPerMinute} ops/min (${p.rejections.kv} refusals)`);
  if (p.rejections.request > 0) binding.push(`requests ${limits.requestsPerMinute}/min (${p.rejections.request} refusals)`);
  if (p.rejections.schedule > 0 || p.maxPendingOneTime >= limits.oneTimeSchedules - 5) {
    binding.push(`one-time schedules cap ${limits.oneTimeSchedules} (max pending ${p.maxPendingOneTime}, ${p.rejections.schedule} refusals)`);
  }
  const top = Object.entries(p.rejectionsByCall)
    .sort(([, a], [, b]) => b - a)
    .slice(0, 8)
    .map(([what, count]) => `      ${count} × ${what}`);
  const contactsLostAtHandler = (p.eventLostByKind['t'] ?? 0) + (p.eventLostByKind['c'] ?? 0);
  return [
    `    binding limit(s): ${binding.join('; ') || 'none refused a call'}`,
    '    refused calls (top):',
    ...top,
    `    lost: ${p.missing} of ${p.expected} expected contacts missing at injixo, ${p.extra} extra, ${p.duplicates} duplicates; status ${JSON.stringify(p.status)}`,
    ...(p.missing > 0 && p.expected === p.delivered - p.duplicates
      ? [`      the totals agree: ${plural(p.missing, 'contact')} reached a different queue than the oracle's (attribution), none vanished:`]
      : []),
    ...p.queueMismatches.slice(0, 4).map((m) => `        ${m.queue}: expected ${m.expected}, delivered ${m.delivered}`),
    `      held in one-time schedules (KV refused the append): ${plural(p.platformLimitLines, 'record')}${p.heldRecords.length > 0 ? `, first ${p.heldRecords.join(' ')}` : ''}`,
    `      at the handler (EVENT_LOST, KV full and one-time schedules at the cap): ${plural(p.eventLostLines, 'record')} (${joinCounts(p.eventLostByKind) || '-'}) = ${plural(contactsLostAtHandler, 'contact')}`,
    `      in delivery: ${plural(p.failedDeliveryRuns, 'delivery run')} failed (${joinCounts(p.failedDeliveryCauses) || '-'}), ${p.failedAfterDeletingSlots} of them after deleting outbox slots:`,
    ...p.failedDeliveryTraces.map((t) => `        ${t}`),
    `        left in KV after the drain: ${p.orphanedBacklogContacts} contacts in backlog chunks no state lists, ${p.strandedOutboxRecords} outbox records behind the cursor, ${p.waitingOutboxRecords} ahead of it`,
    ...(p.otherErrorLines.length > 0 ? [`      other error lines: ${p.otherErrorLines.join(' | ')}`] : []),
    `    largest outbox slot seen: ${p.maxOutboxSlotBytes} bytes (KV limit 40 KB)`,
  ];
}

function rateSection(r: BenchResults): string {
  const s = r.settings.load;
  const probes = [...r.search.probes, ...r.crossChecks];
  const best = r.search.maxZeroLoss;
  const lead = r.search.probes.map((p) => p.clockLeadMinutes);
  const lines = [
    `3. SUSTAINED RATE — world seed ${s.seed}, ${s.ticketsPerDay} tickets/day, its timeline from the start re-timed to R events/min for ${s.feedMinutes} simulated min, then ${s.drainMinutes} min drain; default limits`,
    `  search: ${s.searchMode === 'built' ? 'built server.js' : 'in-process handlers'} (${n(r.searchSeconds)} s for ${r.search.probes.length} probes), doubling from ${s.low} then bisecting to ±${s.tolerance}/min; ${s.crossCheckMode} re-runs the boundary rates`,
    `  re-timing: each event is fed at or after its own world time (the local Freshdesk answers as of the clock), so the feed clock starts ${n(Math.min(...lead))}–${n(Math.max(...lead))} min after the world's first event`,
    '  writing = share of fed events whose handler wrote (or tried to write) a record; refused = platform refusals by kind; drain min = last contact at injixo after the feed ended',
    formatTable(PROBE_HEADER, probes.map(probeRow)),
  ];
  if (best === undefined) lines.push(`  => even ${s.low} events/min lost contacts`);
  else if (r.search.firstFailing === undefined) lines.push(`  => zero loss up to the search ceiling ${best} events/min`);
  else lines.push(`  => highest zero-loss rate: ${best} events/min (fails at ${r.search.firstFailing}); issue 5 goal ≥ ${s.goal}/min: ${best >= s.goal ? 'MET' : 'MISSED'}`);
  for (const check of r.crossChecks) {
    const searched = r.search.probes.find((p) => p.rate === check.rate);
    const same = searched !== undefined && searched.zeroLoss === check.zeroLoss && searched.delivered === check.delivered;
    lines.push(`     ${check.mode} at ${check.rate}/min: ${check.zeroLoss ? 'zero loss' : 'LOSS'}, ${check.delivered} delivered — ${same ? 'same as' : 'DIFFERS from'} ${s.searchMode}`);
  }
  const failing = r.search.probes.find((p) => p.rate === r.search.firstFailing);
  if (failing) {
    lines.push(`  first failing rate ${failing.rate}/min (${failing.mode}): ${failing.verdict.join('; ')}`);
    lines.push(...failureDetail(failing, r.settings.limits));
  }
  const others = r.search.probes.filter((p) => !p.zeroLoss && p !== failing);
  for (const p of others) {
    lines.push(`  also failing: ${p.rate}/min: ${p.verdict.join('; ')}; refused kv ${p.rejections.kv}, request ${p.rejections.request} (${joinCounts(pickRequests(p.rejectionsByCall)) || '-'}), schedule ${p.rejections.schedule}; failed delivery runs ${p.failedDeliveryRuns}`);
  }
  const passing = r.search.probes.find((p) => p.rate === best);
  if (passing) {
    const kv = r.settings.limits.kvOpsPerMinute;
    const w = Math.max(0.001, passing.writingShare);
    const run = passing.deliveryRunKv;
    lines.push(
      `  KV arithmetic (from the ${passing.rate}/min run): ${n(passing.writingShare * 100)}% of events write one record (one KV op); delivery runs average ${n(passing.deliveryKvPerMinute)} KV ops/min,`,
      `    so on average the KV limit allows ≈ (${kv} − ${n(passing.deliveryKvPerMinute)}) / ${n(w)} = ${n((kv - passing.deliveryKvPerMinute) / w)} events/min;`,
      `    but a delivery run makes its ${n(run.mean)} KV ops (p95 ${n(run.p95)}, max ${n(run.max)}) within the same sliding minute as the appends, and any refusal there can fail the run,`,
      `    so appends must leave that much free: ≈ (${kv} − ${n(run.p95)}) / ${n(w)} = ${n((kv - run.p95) / w)} events/min. Above the average bound, records queue in one-time schedules (retried after ${HOLD_DELAY_MS / 60_000} min), which only bridges a burst.`,
    );
  }
  return lines.join('\n');
}

function pickRequests(byCall: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(byCall).filter(([what]) => what.includes(': request ')));
}

function callsSection(r: BenchResults): string {
  const a = r.calls;
  const d = a.deliveryRuns;
  const w = a.eventWrites;
  const top = a.shares.slice(0, 14).map((s) => [s.what, s.calls, s.perContact, `${n(s.share * 100)}%`]);
  const rest = a.shares.slice(14).reduce((sum2, s) => sum2 + s.calls, 0);
  if (rest > 0) top.push([`(${a.shares.length - 14} smaller lines)`, rest, rest / Math.max(1, a.contacts), `${n((rest / Math.max(1, a.totalCalls)) * 100)}%`]);
  return [
    `4. WHERE THE CALLS GO (day of section 1: ${a.totalCalls} calls for ${a.contacts} contacts = ${n(a.perContact)} per contact)`,
    formatTable(['who: call', 'calls', 'per contact', 'share'], top),
    `  event handlers: ${a.eventCalls} calls (${n(a.eventCalls / Math.max(1, a.contacts))}/contact): appends for ticket created ${w.tickets}, reply ${w.replies}, ticket update ${w.updates}; overflow schedules ${w.overflowSchedules}.`,
    `    The floor of this design is one append per contact (1.000/contact); attribution updates add ${n(w.updates / Math.max(1, a.contacts))}/contact.`,
    `  delivery runs: ${a.deliveryCalls} calls (${n(a.deliveryCalls / Math.max(1, a.contacts))}/contact) in ${d.runs} runs (${d.posted} posted, ${d.nothingPosted} posted nothing, ${d.leaseRefused} lease refused, ${d.failed} failed);`,
    `    ${n(d.meanCalls)} calls per run (${n(d.meanCallsPosted)} when posting, ${n(d.meanCallsNothingPosted)} when not); ${n(d.contactsPerPost)} contacts per injixo post.`,
    '  what would bring them down (estimates from the numbers above):',
    ...a.whatIfs.map((x) => `    - ${x.idea}: −${Math.round(x.savedCalls)} calls → ${n(x.perContactAfter)}/contact (${x.note})`),
  ].join('\n');
}

const OVERLOAD_HEADER = ['load', 'rate/min', 'expected', 'delivered', 'missing', 'surplus', 'dups', 'gaps', 'gap reasons', 'known lost', 'unnoticed', 'EVENT_LOST', 'refused kv/req/sch', 'max pending', 'result'];

function overloadRow(label: string, p: LoadResult): (string | number)[] {
  return [
    label,
    p.rate,
    p.expected,
    p.delivered,
    p.missing,
    p.extra,
    p.duplicates,
    p.gapsRecorded,
    joinCounts(p.gapReasons) || '-',
    p.gapContactsKnownLost,
    p.unnoticedMissing,
    p.eventLostLines,
    `${p.rejections.kv}/${p.rejections.request}/${p.rejections.schedule}`,
    p.maxPendingOneTime,
    p.zeroLoss ? 'zero loss' : 'LOSS',
  ];
}

/**
 * Issue 11: above the zero-loss rate nothing may be sent twice, and what is lost must show up
 * as a gap. "known lost" sums the gaps' counts; "unnoticed" is what is missing beyond that.
 */
function overloadSection(r: BenchResults): string {
  const s = r.settings.load;
  if (r.overload.length === 0) return 'Overload: no zero-loss rate was found, so no multiples of it were run';
  return [
    `Overload: ${s.feedMinutes} simulated minutes at each rate, then ${s.drainMinutes} minutes of drain (built server.js)`,
    formatTable(OVERLOAD_HEADER, r.overload.map((o) => overloadRow(o.label, o.probe))),
    `  => duplicates at injixo over all overload runs: ${r.overload.reduce((sum, o) => sum + o.probe.duplicates, 0)}`,
    ...r.overload.filter((o) => o.probe.afterCheck).map((o) => formatAfterCheck(o.probe.rate, o.probe)),
  ].join('\n');
}

/** Issue 20 item 6: the overload's outcome after the next daily check. */
export function formatAfterCheck(rate: number, p: LoadResult): string {
  const a = p.afterCheck;
  if (!a) return `  after the next check (${rate}/min): not run`;
  const hours = (h: number | null): string => (h === null ? 'not within the cap' : `${h.toFixed(1)} h after the feed`);
  return `  after the next check (${rate}/min): missing ${a.missing} (${a.paired} beside a surplus in another queue of their quarter hour, i.e. under a ticket's former group; ${a.missing - a.paired} unpaired), surplus ${a.extra}, duplicates ${a.duplicates}; whole ${hours(a.hoursUntilWhole)}; nothing unpaired missing ${hours(a.hoursUntilNothingLost)}; day checked ${hours(a.hoursUntilDayChecked)}; ${a.daysChecked} DAY_CHECKED, ${a.gapsRepaired} GAP_REPAIRED, ${a.sentByCheck} contacts sent by them, ${a.formerGroup} held under a ticket's former group (never taken back), ${a.heldBack} held back; ${a.lostMoved} lost contacts expected in the group Freshdesk shows`;
}

/** One probe on its own (`bench/run.ts --rate N`). */
export function formatProbe(p: LoadResult, limits: BenchSettings['limits']): string {
  return [formatTable(PROBE_HEADER, [probeRow(p)]), formatTable(OVERLOAD_HEADER, [overloadRow('probe', p)]), ...(p.zeroLoss ? [] : [`  ${p.verdict.join('; ')}`, ...failureDetail(p, limits)])].join('\n');
}

export function formatReport(r: BenchResults): string {
  return [
    `npm run bench — ${r.startedAt}; ${r.environment}; total ${n(r.wallSeconds)} s wall`,
    '',
    daySection(r),
    '',
    cpuSection(r),
    '',
    rateSection(r),
    '',
    overloadSection(r),
    '',
    callsSection(r),
  ].join('\n');
}
