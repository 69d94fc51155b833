/**
 * Issue 19's invariants, checked after the feed and the drain:
 *   (a) injixo holds exactly the oracle's contacts per (queue, 15-minute interval), none lost and
 *       none twice, except contacts the app recorded as lost in a gap carrying their count (and
 *       the tolerances expectation.ts lists); handled contacts (queue, second, duration) and
 *       agent-status intervals too.
 *   (b) the ledger equals what injixo holds, except hours marked uncertain (counted).
 *   (c) one name per queue identifier.
 *   (d) no unhandled throw from any handler.
 *   (e) no KV write over 40 KB and no schedule data over 4 KB is ever attempted.
 *   (f) every refusal is logged with a code a support person can act on.
 */
import { isLogCode } from '../../src/platform/log-codes';
import { intervalStartOf } from '../local-injixo/contact-store';
import { buildExpectation, handledKey, type Expectation } from './expectation';
import { FlowNetwork } from './max-flow';
import type { SeedRun } from './run-seed';

export type InvariantId = 'a-offered' | 'a-handled' | 'a-agents' | 'b-ledger' | 'c-one-name' | 'd-no-throw' | 'e-sizes' | 'f-refusals-logged';

export const INVARIANTS: Readonly<Record<InvariantId, string>> = {
  'a-offered': '(a) injixo holds exactly the expected offered contacts per (queue, 15-minute interval), except what a gap counts as lost',
  'a-handled': '(a) injixo holds exactly the expected handled contacts (queue, second, duration)',
  'a-agents': '(a) injixo holds exactly the agents\' status intervals, none overlapping',
  'b-ledger': '(b) the ledger equals what injixo holds, except hours marked uncertain',
  'c-one-name': '(c) one name per queue identifier',
  'd-no-throw': '(d) no unhandled throw from any handler',
  'e-sizes': '(e) no KV write over 40 KB and no schedule data over 4 KB is ever attempted',
  'f-refusals-logged': '(f) every invocation the platform refused a call of logs a documented code',
};

export interface InvariantResult {
  id: InvariantId;
  ok: boolean;
  /** The first few concrete differences. */
  details: string[];
}

export interface CheckSummary {
  results: InvariantResult[];
  expectation: Pick<Expectation, 'invisibleReplies' | 'ambiguous' | 'handledTolerated'>;
  uncertainHours: number;
  appendsAtLimit: number;
  activeQueues: number;
}

export interface CheckOptions {
  strict?: boolean;
  /** How many differences a failing invariant lists (default 5). */
  limit?: number;
}

const LOG_CODE = /\[injixo-connect\] ([A-Z0-9_]+):/g;
const SIMULATED_CRASH = 'local platform: simulated crash';

// ---- (f)'s documented codes -------------------------------------------------------------------

/** A code a support person can act on: one with a row in the log-code table (src/platform/log-codes.ts). */
export function isDocumentedLogCode(code: string): boolean {
  return isLogCode(code);
}

// ---- helpers ----------------------------------------------------------------------------------

function intervalOf(timestamp: string): string {
  return Number.isNaN(Date.parse(timestamp)) ? `invalid:${timestamp}` : intervalStartOf(timestamp);
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

interface Gap {
  from: string;
  to: string;
  reason: string;
  contactsKnownLost?: number;
  /** `delivery_unconfirmed`: posted, never confirmed by injixo; at injixo or missing. */
  contactsMaybeLost?: number;
}

/** How many contacts a gap says may be missing at injixo: those it knows lost and those it could not confirm. */
function gapCount(gap: Gap): number {
  return Math.max(0, gap.contactsKnownLost ?? 0) + Math.max(0, gap.contactsMaybeLost ?? 0);
}

function gapsOf(status: unknown): Gap[] {
  const gaps = (status as { gaps?: unknown } | undefined)?.gaps;
  return Array.isArray(gaps) ? (gaps as Gap[]).filter((g) => typeof g.from === 'string' && typeof g.to === 'string') : [];
}

// ---- (a) offered ------------------------------------------------------------------------------

/**
 * Feasible iff every expected contact can be put in one of its allowed (queue, interval) cells,
 * or in a gap covering its timestamp up to the gap's count, or (optional ones) nowhere, so that
 * every injixo cell is exactly filled: a max-flow where source → contact classes → cells / gaps
 * → sink, cells with injixo's counts, gaps and "not delivered" with the expected − held surplus.
 */
export function checkOffered(expected: Expectation['offered'], held: ReadonlyMap<string, number>, gaps: readonly Gap[], limit = 5): InvariantResult {
  const net = new FlowNetwork();
  const source = net.addNode();
  const sink = net.addNode();
  const notDelivered = net.addNode();
  const cells = new Map<string, number>();
  const cellEdges = new Map<string, number>();
  const cellOf = (key: string): number => {
    let node = cells.get(key);
    if (node === undefined) {
      node = net.addNode();
      cells.set(key, node);
      cellEdges.set(key, net.addEdge(node, sink, held.get(key) ?? 0));
    }
    return node;
  };
  for (const key of held.keys()) cellOf(key);
  const gapNodes = gaps.map((gap) => {
    const node = net.addNode();
    net.addEdge(node, notDelivered, gapCount(gap));
    return { node, from: Date.parse(gap.from), to: Date.parse(gap.to) };
  });
  const drop = net.addNode();
  net.addEdge(drop, notDelivered, Infinity);
  const classes = new Map<string, { count: number; contact: Expectation['offered'][number]; gaps: number[] }>();
  for (const contact of expected) {
    const at = Date.parse(contact.timestamp);
    const covering = gapNodes.flatMap((g, index) => (g.from <= at && at <= g.to ? [index] : []));
    const key = `${contact.allowed.join(',')}|${intervalOf(contact.timestamp)}|${covering.join(',')}|${String(contact.optional)}`;
    const known = classes.get(key);
    if (known) known.count += 1;
    else classes.set(key, { count: 1, contact, gaps: covering });
  }
  let total = 0;
  for (const { count, contact, gaps: covering } of classes.values()) {
    total += count;
    const node = net.addNode();
    net.addEdge(source, node, count);
    for (const queue of contact.allowed) net.addEdge(node, cellOf(`${queue}|${intervalOf(contact.timestamp)}`), Infinity);
    for (const index of covering) net.addEdge(node, gapNodes[index]?.node ?? drop, Infinity);
    if (contact.optional) net.addEdge(node, drop, Infinity);
  }
  const heldTotal = [...held.values()].reduce((a, b) => a + b, 0);
  net.addEdge(notDelivered, sink, Math.max(0, total - heldTotal));
  const flow = net.maxFlow(source, sink);
  if (heldTotal <= total && flow === total) return { id: 'a-offered', ok: true, details: [] };
  return { id: 'a-offered', ok: false, details: describeOfferedDifferences(expected, held, gaps, limit, total, heldTotal) };
}

function describeOfferedDifferences(expected: Expectation['offered'], held: ReadonlyMap<string, number>, gaps: readonly Gap[], limit: number, total: number, heldTotal: number): string[] {
  const most = new Map<string, number>();
  const least = new Map<string, number>();
  const covered = (timestamp: string): boolean => gaps.some((g) => gapCount(g) > 0 && Date.parse(g.from) <= Date.parse(timestamp) && Date.parse(timestamp) <= Date.parse(g.to));
  for (const contact of expected) {
    for (const queue of contact.allowed) bump(most, `${queue}|${intervalOf(contact.timestamp)}`);
    if (contact.allowed.length === 1 && !contact.optional && !covered(contact.timestamp)) bump(least, `${contact.queueIdentifier}|${intervalOf(contact.timestamp)}`);
  }
  const lines: string[] = [`expected ${total} contacts (after tolerances), injixo holds ${heldTotal}`];
  for (const key of [...new Set([...most.keys(), ...held.keys()])].sort()) {
    const got = held.get(key) ?? 0;
    const [queue, interval] = key.split('|');
    if (got > (most.get(key) ?? 0)) lines.push(`${queue} ${interval}: injixo holds ${got}, at most ${most.get(key) ?? 0} expected (surplus: sent twice or to a wrong queue)`);
    else if (got < (least.get(key) ?? 0)) lines.push(`${queue} ${interval}: injixo holds ${got}, at least ${least.get(key) ?? 0} expected and no gap counts the rest (lost)`);
    if (lines.length > limit) break;
  }
  if (lines.length === 1) lines.push('no single cell is out of bounds: the allowed queues and the gaps\' counts cannot explain the per-interval totals together');
  return lines;
}

// ---- the checker ------------------------------------------------------------------------------

export function checkInvariants(run: SeedRun, options: CheckOptions = {}): CheckSummary {
  const strict = options.strict === true;
  const limit = options.limit ?? 5;
  const expectation = buildExpectation(run, strict);
  const results: InvariantResult[] = [];
  const offeredHeld = new Map<string, number>();
  for (const c of run.injixo.contacts) if (c.offered) bump(offeredHeld, `${c.queueIdentifier}|${intervalOf(c.timestamp)}`);

  // Strict (after the daily check): no gap excuses a loss any more.
  results.push(checkOffered(expectation.offered, offeredHeld, strict ? [] : gapsOf(run.status), limit));
  if (expectation.handled) results.push(checkHandled(expectation.handled, expectation.handledToleratedAt, run, limit));
  if (expectation.agents) results.push(checkAgents(expectation.agents.closed, run, limit));

  // (b)
  const uncertain = new Set(run.ledger.uncertainHours);
  const ledger = new Map<string, number>();
  for (const [queue, intervals] of run.ledger.counts) for (const [interval, count] of intervals) bump(ledger, `${queue}|${intervalOf(interval)}`, count);
  const ledgerDiffs: string[] = [];
  for (const key of [...new Set([...ledger.keys(), ...offeredHeld.keys()])].sort()) {
    const [queue, interval] = key.split('|') as [string, string];
    if (uncertain.has(run.ledger.hourOfInterval(interval))) continue;
    const inLedger = ledger.get(key) ?? 0;
    const atInjixo = offeredHeld.get(key) ?? 0;
    if (inLedger !== atInjixo && ledgerDiffs.length < limit) ledgerDiffs.push(`${queue} ${interval}: ledger ${inLedger}, injixo ${atInjixo}`);
  }
  results.push({ id: 'b-ledger', ok: ledgerDiffs.length === 0, details: ledgerDiffs });

  // (c)
  const names = new Map<string, Set<string>>();
  for (const c of run.injixo.contacts) names.set(c.queueIdentifier, (names.get(c.queueIdentifier) ?? new Set()).add(c.queueName));
  const split = [...names].filter(([, set]) => set.size > 1);
  results.push({ id: 'c-one-name', ok: split.length === 0, details: split.slice(0, limit).map(([queue, set]) => `${queue}: ${[...set].map((n) => JSON.stringify(n)).join(', ')}`) });

  // (d)
  const threw = run.invocations.filter((i) => !i.ok && !(i.error?.message ?? '').startsWith(SIMULATED_CRASH));
  results.push({ id: 'd-no-throw', ok: threw.length === 0, details: threw.slice(0, limit).map((i) => `invocation ${i.invocationId} ${i.event}: ${i.error?.message ?? 'failed'}`) });

  // (e) An append is refused at 40 KB by design (SPEC §5's one call per handler cannot read the
  // key first; the outbox then overflows into one-time schedules): counted, and a failure only
  // with --strict. Every other write over its limit is a failure.
  const appendsAtLimit = run.hooks.oversize.filter((w) => w.op === 'update:append').length;
  const oversize = run.hooks.oversize.filter((w) => strict || w.op !== 'update:append');
  results.push({ id: 'e-sizes', ok: oversize.length === 0, details: oversize.slice(0, limit).map((w) => `${w.kind} ${w.op} ${w.key}: ${w.bytes} bytes > ${w.limit} (${w.handler}, ${new Date(w.at).toISOString()})`) });

  // (f)
  const crashed = new Set(run.invocations.filter((i) => (i.error?.message ?? '').startsWith(SIMULATED_CRASH)).map((i) => i.invocationId));
  const refusedIn = new Map<number, string>();
  for (const call of run.calls) {
    if (call.outcome !== 'rejected' || call.invocationId === 0 || crashed.has(call.invocationId) || refusedIn.has(call.invocationId)) continue;
    refusedIn.set(call.invocationId, `${call.handler}: ${call.kind} ${call.op ?? call.name ?? ''} ${call.key ?? ''} refused (${String(call.status)})`);
  }
  const codesIn = new Map<number, string[]>();
  for (const line of run.logs) {
    if (!refusedIn.has(line.invocationId)) continue;
    codesIn.set(line.invocationId, [...(codesIn.get(line.invocationId) ?? []), ...[...line.message.matchAll(LOG_CODE)].map((m) => m[1] ?? '')]);
  }
  const silent = [...refusedIn].filter(([id]) => !(codesIn.get(id) ?? []).some(isDocumentedLogCode));
  results.push({
    id: 'f-refusals-logged',
    ok: silent.length === 0,
    details: silent.slice(0, limit).map(([id, what]) => `invocation ${id} ${what}; logged ${(codesIn.get(id) ?? []).join(', ') || 'nothing'}`),
  });

  const activeQueues = new Set(expectation.offered.map((c) => c.queueIdentifier)).size;
  return {
    results,
    expectation: { invisibleReplies: expectation.invisibleReplies, ambiguous: expectation.ambiguous, handledTolerated: expectation.handledTolerated },
    uncertainHours: uncertain.size,
    appendsAtLimit,
    activeQueues,
  };
}

function checkHandled(expected: ReadonlyMap<string, number>, tolerated: ReadonlySet<string>, run: SeedRun, limit: number): InvariantResult {
  const held = new Map<string, number>();
  for (const c of run.injixo.contacts) if (c.handled === true && !tolerated.has(c.timestamp)) bump(held, handledKey(c.queueIdentifier, c.timestamp, c.duration));
  const details: string[] = [];
  for (const key of [...new Set([...expected.keys(), ...held.keys()])].sort()) {
    const want = expected.get(key) ?? 0;
    const got = held.get(key) ?? 0;
    if (want !== got && details.length < limit) details.push(`${key.replaceAll('|', ' ')}: expected ${want}, injixo holds ${got}`);
  }
  return { id: 'a-handled', ok: details.length === 0, details };
}

function checkAgents(expected: readonly { agentIdentifier: string; activityIdentifier: string; start: number; end: number; open?: true }[], run: SeedRun, limit: number): InvariantResult {
  const byAgent = new Map<string, { activity: string; start: number; end: number }[]>();
  for (const s of run.injixo.agentStatuses) {
    const list = byAgent.get(s.agentIdentifier) ?? [];
    list.push({ activity: s.activityIdentifier, start: Date.parse(s.startTime), end: Date.parse(s.endTime) });
    byAgent.set(s.agentIdentifier, list);
  }
  const details: string[] = [];
  const merged = new Map<string, { activity: string; start: number; end: number }[]>();
  for (const [agent, list] of byAgent) {
    list.sort((a, b) => a.start - b.start);
    const out: { activity: string; start: number; end: number }[] = [];
    for (const item of list) {
      const last = out.at(-1);
      if (last && item.start < last.end && details.length < limit) details.push(`${agent}: ${item.activity} from ${new Date(item.start).toISOString()} overlaps ${last.activity} until ${new Date(last.end).toISOString()}`);
      if (last && last.activity === item.activity && item.start === last.end) last.end = item.end;
      else out.push({ ...item });
    }
    merged.set(agent, out);
  }
  for (const interval of expected) {
    const held = (merged.get(interval.agentIdentifier) ?? []).some(
      (i) => i.activity === interval.activityIdentifier && i.start === interval.start && (interval.open ? i.end >= interval.end : i.end === interval.end),
    );
    if (!held && details.length < limit) {
      details.push(`${interval.agentIdentifier}: ${interval.activityIdentifier} ${new Date(interval.start).toISOString()} – ${interval.open ? 'still open at ' : ''}${new Date(interval.end).toISOString()} not held as one interval`);
    }
  }
  return { id: 'a-agents', ok: details.length === 0, details };
}
