/**
 * Reads the local platform's ledger (tools/local-platform/types.ts: one entry per `$request`,
 * `$db` and `$schedule` call, plus one 'invocation' entry per handler run) into the numbers
 * the benchmark reports: calls by template, KV operation and key family, schedules, refusals,
 * and what each invocation did and cost.
 */
import type { LedgerEntry } from '../tools/local-platform';
import { describeDistribution, type Distribution } from './describe-distribution';

export type CallKind = 'request' | 'kv' | 'schedule';

export interface CallCounts {
  calls: number;
  ok: number;
  rejected: number;
  error: number;
}

export interface LedgerBreakdown {
  requests: CallCounts & { byTemplate: Record<string, CallCounts>; byService: Record<string, CallCounts> };
  /** `byKeyFamily`: family (outbox, state, lease, tickets, backlog, …) → operation → calls. */
  kv: CallCounts & { byOp: Record<string, number>; byKeyFamily: Record<string, Record<string, number>> };
  /** `byNameFamily`: family (overflow, deliver, deliver-soon) → operation → calls. */
  schedules: CallCounts & { byOp: Record<string, number>; byNameFamily: Record<string, Record<string, number>>; oneTimeCreated: number };
  /** Calls the platform refused before they had any effect (rate limit, schedule cap, validation). */
  rejections: Record<CallKind, number>;
  invocations: number;
}

/** Key families of the app's KV records (src/delivery/*.ts): the part before ':' or the whole key. */
export function keyFamilyOf(key: string | undefined): string {
  if (key === undefined) return '?';
  if (key === 'delivery-lease') return 'lease';
  const colon = key.indexOf(':');
  return colon === -1 ? key : key.slice(0, colon);
}

/** One-time overflow schedules carry the record id and time in their names (src/delivery/intake/outbox.ts). */
export function scheduleFamilyOf(name: string | undefined): string {
  if (name === undefined) return '?';
  return name.startsWith('overflow-') ? 'overflow' : name;
}

/** Request templates are named after the service they call (config/requests.json). */
export function serviceOf(template: string): string {
  if (template.startsWith('freshdesk')) return 'Freshdesk look-ups';
  if (template.startsWith('injixo')) return 'injixo posts';
  return 'other';
}

function emptyCounts(): CallCounts {
  return { calls: 0, ok: 0, rejected: 0, error: 0 };
}

function tally(counts: CallCounts, entry: LedgerEntry): void {
  counts.calls += 1;
  counts[entry.outcome] += 1;
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

function nested(map: Record<string, Record<string, number>>, outer: string): Record<string, number> {
  const inner = map[outer] ?? {};
  map[outer] = inner;
  return inner;
}

export function breakDownLedger(ledger: readonly LedgerEntry[]): LedgerBreakdown {
  const out: LedgerBreakdown = {
    requests: { ...emptyCounts(), byTemplate: {}, byService: {} },
    kv: { ...emptyCounts(), byOp: {}, byKeyFamily: {} },
    schedules: { ...emptyCounts(), byOp: {}, byNameFamily: {}, oneTimeCreated: 0 },
    rejections: { request: 0, kv: 0, schedule: 0 },
    invocations: 0,
  };
  for (const entry of ledger) {
    if (entry.kind === 'invocation') {
      out.invocations += 1;
      continue;
    }
    if (entry.outcome === 'rejected') out.rejections[entry.kind] += 1;
    if (entry.kind === 'request') {
      const name = entry.name ?? '?';
      tally(out.requests, entry);
      tally((out.requests.byTemplate[name] ??= emptyCounts()), entry);
      tally((out.requests.byService[serviceOf(name)] ??= emptyCounts()), entry);
    } else if (entry.kind === 'kv') {
      const op = entry.op ?? '?';
      tally(out.kv, entry);
      bump(out.kv.byOp, op);
      bump(nested(out.kv.byKeyFamily, keyFamilyOf(entry.key)), op);
    } else {
      const op = entry.op ?? '?';
      const family = scheduleFamilyOf(entry.key);
      tally(out.schedules, entry);
      bump(out.schedules.byOp, op);
      bump(nested(out.schedules.byNameFamily, family), op);
      if (op === 'create' && entry.outcome === 'ok' && family === 'overflow') out.schedules.oneTimeCreated += 1;
    }
  }
  return out;
}

/** What one handler run did, read from its ledger entries. */
export interface InvocationProfile {
  invocationId: number;
  handler: string;
  event: string;
  /** What the run amounted to, e.g. 'outbox append', 'no platform call', 'delivery run'. */
  activity: string;
  ok: boolean;
  wallMs: number;
  cpuMicros: number;
  calls: Record<CallKind, number>;
  /** Calls per key family (kv) or template (request) or schedule family, e.g. 'kv outbox update'. */
  detail: Record<string, number>;
  /** Outbox slots read that did not exist (404): nothing was ever appended to them. */
  missingOutboxReads: number;
}

const PRODUCT_EVENTS = new Set(['onTicketCreate', 'onConversationCreate', 'onTicketUpdate', 'onTimeEntryCreate', 'onTimeEntryUpdate', 'onTimeEntryDelete', 'onAgentUpdate', 'onAgentAvailabilityUpdate']);

function isOutboxAppend(e: LedgerEntry): boolean {
  return e.kind === 'kv' && e.op === 'update' && keyFamilyOf(e.key) === 'outbox' && e.outcome === 'ok';
}

function isHoldCreate(e: LedgerEntry): boolean {
  return e.kind === 'schedule' && e.op === 'create' && scheduleFamilyOf(e.key) === 'overflow' && e.outcome === 'ok';
}

/** How an event handler's (or an overflow retry's) one write ended, per src/delivery/intake/outbox.ts. */
function recordingActivity(calls: readonly LedgerEntry[]): string {
  if (calls.length === 0) return 'no platform call';
  if (calls.some(isOutboxAppend)) return 'outbox append';
  if (calls.some(isHoldCreate)) return 'held in a one-time schedule';
  return 'refused (record lost)';
}

function activityOf(event: string, calls: readonly LedgerEntry[]): string {
  if (PRODUCT_EVENTS.has(event)) return recordingActivity(calls);
  if (event !== 'onScheduledEvent') return event;
  const lease = calls.find((e) => e.kind === 'kv' && e.key === 'delivery-lease');
  if (!lease) return `overflow retry: ${recordingActivity(calls)}`;
  if (lease.outcome !== 'ok') return 'delivery run (lease refused)';
  return calls.some((e) => e.kind === 'request' && e.name === 'injixoPostContacts') ? 'delivery run (posted)' : 'delivery run (nothing posted)';
}

export function profileInvocations(ledger: readonly LedgerEntry[]): InvocationProfile[] {
  const callsOf = new Map<number, LedgerEntry[]>();
  for (const entry of ledger) {
    if (entry.kind === 'invocation') continue;
    const list = callsOf.get(entry.invocationId);
    if (list) list.push(entry);
    else callsOf.set(entry.invocationId, [entry]);
  }
  const profiles: InvocationProfile[] = [];
  for (const entry of ledger) {
    if (entry.kind !== 'invocation') continue;
    const calls = callsOf.get(entry.invocationId) ?? [];
    const event = entry.name ?? entry.handler;
    const counts: Record<CallKind, number> = { request: 0, kv: 0, schedule: 0 };
    const detail: Record<string, number> = {};
    let missingOutboxReads = 0;
    for (const call of calls) {
      if (call.kind === 'invocation') continue;
      counts[call.kind] += 1;
      if (call.kind === 'kv' && call.op === 'get' && call.outcome === 'error' && keyFamilyOf(call.key) === 'outbox') missingOutboxReads += 1;
      const what =
        call.kind === 'request' ? `request ${call.name ?? '?'}` : call.kind === 'kv' ? `kv ${keyFamilyOf(call.key)} ${call.op ?? '?'}` : `schedule ${scheduleFamilyOf(call.key)} ${call.op ?? '?'}`;
      bump(detail, what);
    }
    profiles.push({
      invocationId: entry.invocationId,
      handler: entry.handler,
      event,
      activity: activityOf(event, calls),
      ok: entry.outcome === 'ok',
      wallMs: entry.wallMs ?? 0,
      cpuMicros: entry.cpuMicros ?? 0,
      calls: counts,
      detail,
      missingOutboxReads,
    });
  }
  return profiles;
}

export interface CpuRow {
  handler: string;
  /** '*' for the handler as a whole. */
  activity: string;
  count: number;
  cpuMicros: Distribution;
  wallMs: Distribution;
  /** Platform calls per run, mean. */
  callsPerRun: number;
}

function cpuRow(handler: string, activity: string, group: readonly InvocationProfile[]): CpuRow {
  return {
    handler,
    activity,
    count: group.length,
    cpuMicros: describeDistribution(group.map((p) => p.cpuMicros)),
    wallMs: describeDistribution(group.map((p) => p.wallMs)),
    callsPerRun: group.reduce((sum, p) => sum + p.calls.request + p.calls.kv + p.calls.schedule, 0) / Math.max(1, group.length),
  };
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** One row per handler, then one per (handler, activity) when a handler did more than one kind of thing. */
export function cpuByHandler(profiles: readonly InvocationProfile[]): CpuRow[] {
  const byHandler = new Map<string, InvocationProfile[]>();
  for (const p of profiles) pushTo(byHandler, p.handler, p);
  const rows: CpuRow[] = [];
  for (const handler of [...byHandler.keys()].sort()) {
    const group = byHandler.get(handler) ?? [];
    rows.push(cpuRow(handler, '*', group));
    const byActivity = new Map<string, InvocationProfile[]>();
    for (const p of group) pushTo(byActivity, p.activity, p);
    if (byActivity.size < 2) continue;
    for (const activity of [...byActivity.keys()].sort()) rows.push(cpuRow(handler, activity, byActivity.get(activity) ?? []));
  }
  return rows;
}
