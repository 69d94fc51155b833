/**
 * Issue 20's bench: the daily check over the built server.js in the local platform, the local
 * Freshdesk and injixo over HTTP, on the simulated clock, with every platform limit on.
 *
 *   day     a 2,000-ticket day of the default world delivered by its events, then its check:
 *           how long the check takes (goal ≤ 3 h), Freshdesk calls per checked contact, KV
 *           operations its invocations spend (most in one), and nothing sent when nothing is missing.
 *   loss    the same day with 10 % of reply events and 2 % of ticket updates silently dropped by
 *           the platform: after the next day's check injixo must equal the oracle per (queue,
 *           interval), a lost reply whose ticket changed group afterwards counting in the group the
 *           API shows (counted); replies misattributed after a lost update are counted too.
 *   cost    a 13,000-ticket day walked with no events delivered: Freshdesk requests a day.
 *   huge    one day of the largest simulator profile (20,000 tickets, 500 groups, 11-digit ids,
 *           100-character names) checked while the next day's events keep flowing.
 *
 * `tsx bench/run-check.ts [--only day|loss|cost|huge]`.
 */
import { performance } from 'node:perf_hooks';
import type { CheckView } from '../src/import/check-view';
import { expectedOfferedContacts } from '../tools/local-freshdesk/oracle';
import type { WorldEvent, WorldOptions } from '../tools/local-freshdesk/world';
import type { LedgerEntry } from '../tools/local-platform';
import { startSandbox, type Sandbox } from '../tools/sandbox';
import { compareCounts, expectedAfterCheck, identity } from './after-check';
import { injixoCounts, total } from '../test/helpers/oracle-compare';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = '2026-11-02T00:00:00Z';
const S = Date.parse(START);

export interface CheckRun {
  label: string;
  ticketsPerDay: number;
  tickets: number;
  /** Simulated minutes from CHECK_STARTED to DAY_CHECKED. */
  minutes: number | null;
  checked: boolean;
  found: number;
  delivered: number;
  sent: number;
  surplus: number;
  formerGroup: number;
  requests: number;
  requestsPerContact: number;
  /** KV operations of the check's own invocations: all, and the most one invocation spent. */
  kvOps: number;
  kvMaxPerInvocation: number;
  /** The most KV operations of the whole installation in any one minute while the check ran. */
  kvMaxPerMinute: number;
  /** The most Freshdesk requests of the check in any one minute. */
  requestsMaxPerMinute: number;
  refusals: number;
  expected: number;
  held: number;
  missing: number;
  extra: number;
  /** Of the missing, those beside a surplus in another queue of their quarter hour (after-check.ts compareCounts). */
  paired: number;
  duplicates: number;
  /** Lost replies whose ticket moved afterwards: expected in the group the API shows. */
  lostMoved: number;
  /** Replies the events attributed with a stale group after a lost update: the check cannot move them (never taken back). */
  misattributed: number;
  eventsFed: number;
  realSeconds: number;
}

function parseNumber(line: string | undefined, name: string): number {
  const match = new RegExp(`${name}=(\\d+)`).exec(line ?? '');
  return match ? Number(match[1]) : 0;
}

/** The invocations of the check's lanes and the tend: those that read its record. */
function checkInvocations(ledger: readonly LedgerEntry[], from: number, to: number): Set<number> {
  return new Set(ledger.filter((e) => e.kind === 'kv' && (e.key === 'check' || e.key === 'check-days') && e.at >= from && e.at <= to).map((e) => e.invocationId));
}

function maxPerMinute(entries: readonly LedgerEntry[]): number {
  let max = 0;
  let start = 0;
  for (let end = 0; end < entries.length; end += 1) {
    while ((entries[start]?.at ?? 0) < (entries[end]?.at ?? 0) - 60_000) start += 1;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

interface Loss {
  replies: number;
  updates: number;
}

/** Deterministic by id: the same events are lost in every run. */
function lostBy(loss: Loss | undefined): ((e: WorldEvent) => boolean) | undefined {
  if (!loss) return undefined;
  return (e) => (e.kind === 'conversationCreated' && ((e.conversationId ?? 0) * 7919) % 1000 < loss.replies * 1000) || (e.kind === 'ticketUpdated' && ((e.ticketId * 104_729 + e.at / 1000) % 1000) < loss.updates * 1000);
}



export interface CheckOptions {
  label: string;
  ticketsPerDay: number;
  seed?: number;
  /** Feed the day's events (with this loss) before the check; without, the check finds everything missing. */
  feed: boolean;
  loss?: Loss;
  world?: Pick<WorldOptions, 'groups' | 'maxRepliesPerTicket' | 'hourlyProfile'>;
  /** Feed the next day's events while the check runs (the world has two days then). */
  nextDayEvents?: boolean;
  capHours?: number;
  progress: (m: string) => void;
}

export async function runCheck(options: CheckOptions): Promise<CheckRun> {
  const started = performance.now();
  const sandbox = await startSandbox({ seed: options.seed ?? 11, start: START, days: options.nextDayEvents ? 2 : 1, ticketsPerDay: options.ticketsPerDay, ...(options.world ? { world: options.world } : {}) });
  try {
    const dayEnd = S + DAY;
    const lost = lostBy(options.loss);
    const lostIds = new Set<string>();
    let eventsFed = 0;
    if (options.feed) {
      const stats = await sandbox.replay(S, dayEnd, lost ? { lost: (e) => lost(e) && lostIds.add(e.kind === 'conversationCreated' ? `c:${e.conversationId ?? -1}` : `u:${e.ticketId}:${e.at}`) !== undefined } : {});
      eventsFed = stats.events;
      options.progress(`  ${options.label}: ${stats.events} events fed, ${stats.lost} lost`);
    } else {
      for (const c of expectedOfferedContacts(sandbox.world, { replyScope: 'customer', from: S, to: dayEnd })) lostIds.add(identity(c));
    }
    // What Freshdesk shows is the day as it ended (a second day's events never reach the first day's contacts).
    if (!options.nextDayEvents) sandbox.freezeFreshdesk(dayEnd);
    const done = (): boolean => sandbox.platform.logs.some((l) => l.message.includes('DAY_CHECKED: 2026-11-02'));
    const cap = dayEnd + (options.capHours ?? 30) * HOUR;
    if (options.nextDayEvents) {
      for (const event of sandbox.world.timeline(dayEnd, dayEnd + DAY)) {
        if (done()) break;
        if (event.at > sandbox.clock.now()) await sandbox.platform.advance(event.at - sandbox.clock.now());
        await sandbox.replay(event.at, event.at + 1);
        eventsFed += 1;
      }
    }
    while (!done() && sandbox.clock.now() < cap) {
      await sandbox.platform.advance(10 * 60_000);
      if (sandbox.clock.now() % (2 * HOUR) < 10 * 60_000) options.progress(`  ${options.label}: ${new Date(sandbox.clock.now()).toISOString()} ${(await checkView(sandbox))?.running?.phase ?? ''}`);
    }
    const startedAt = sandbox.platform.logs.find((l) => l.message.includes('CHECK_STARTED'))?.at ?? sandbox.clock.now();
    const doneLine = sandbox.platform.logs.find((l) => l.message.includes('DAY_CHECKED: 2026-11-02'));
    const endedAt = doneLine?.at ?? sandbox.clock.now();
    await sandbox.settle(90);
    const ledger = sandbox.platform.ledger;
    const mine = checkInvocations(ledger, startedAt - 60_000, endedAt);
    const checkCalls = ledger.filter((e) => mine.has(e.invocationId));
    const perInvocation = new Map<number, number>();
    for (const e of checkCalls) if (e.kind === 'kv') perInvocation.set(e.invocationId, (perInvocation.get(e.invocationId) ?? 0) + 1);
    const during = ledger.filter((e) => e.kind === 'kv' && e.at >= startedAt && e.at <= endedAt);
    const requests = checkCalls.filter((e) => e.kind === 'request');
    const held = injixoCounts(sandbox);
    const { expected, lostMoved } = options.nextDayEvents ? { expected: held, lostMoved: 0 } : expectedAfterCheck(sandbox, { from: S, to: dayEnd }, new Set([...lostIds].filter((id) => !id.startsWith('u:'))));
    const { missing, extra, paired } = compareCounts(expected, held);
    const found = parseNumber(doneLine?.message, 'found');
    return {
      label: options.label,
      ticketsPerDay: options.ticketsPerDay,
      tickets: sandbox.world.ticketCount,
      minutes: doneLine ? Math.round((endedAt - startedAt) / 60_000) : null,
      checked: doneLine !== undefined,
      found,
      delivered: parseNumber(doneLine?.message, 'delivered'),
      sent: parseNumber(doneLine?.message, 'sent'),
      surplus: parseNumber(doneLine?.message, 'surplus'),
      formerGroup: parseNumber(doneLine?.message, 'formerGroup'),
      requests: requests.length,
      requestsPerContact: found > 0 ? requests.length / found : 0,
      kvOps: checkCalls.filter((e) => e.kind === 'kv').length,
      kvMaxPerInvocation: Math.max(0, ...perInvocation.values()),
      kvMaxPerMinute: maxPerMinute(during),
      requestsMaxPerMinute: maxPerMinute(requests),
      refusals: sandbox.platform.logs.filter((l) => l.message.includes('WALK_REFUSED')).length,
      expected: total(expected),
      held: total(held),
      missing,
      extra,
      paired,
      duplicates: sandbox.injixo.store.duplicates().reduce((sum, d) => sum + d.received - 1, 0),
      lostMoved,
      misattributed: options.loss && options.loss.updates > 0 ? Math.max(0, extra) : 0,
      eventsFed,
      realSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    await sandbox.close();
  }
}

async function checkView(sandbox: Sandbox): Promise<CheckView | undefined> {
  const answer = await sandbox.platform.callFunction('getStatus', {});
  return answer.ok ? (answer.data as { check?: CheckView }).check : undefined;
}

export function formatCheckRun(r: CheckRun): string {
  const per = r.requestsPerContact.toFixed(3);
  return [
    `${r.label} (${r.tickets.toLocaleString('en')} tickets, ${r.ticketsPerDay.toLocaleString('en')} a day; ${r.eventsFed.toLocaleString('en')} events fed)`,
    `  check               ${r.checked ? `${r.minutes ?? '?'} min of platform time (CHECK_STARTED → DAY_CHECKED)` : 'NOT finished in time'}`,
    `  DAY_CHECKED         Freshdesk ${r.found.toLocaleString('en')}, delivered ${r.delivered.toLocaleString('en')}, sent ${r.sent.toLocaleString('en')}, surplus ${r.surplus}, under a former group ${r.formerGroup}`,
    `  Freshdesk calls     ${r.requests.toLocaleString('en')} (${per} per checked contact; at most ${r.requestsMaxPerMinute} in one minute); a day of this account costs ~${r.requests.toLocaleString('en')} calls`,
    `  KV operations       ${r.kvOps.toLocaleString('en')} by the check's invocations, at most ${r.kvMaxPerInvocation} in one; the installation's busiest minute while it ran: ${r.kvMaxPerMinute} (limit 50); WALK_REFUSED lines ${r.refusals}`,
    `  injixo after        ${r.held.toLocaleString('en')} held, ${r.expected.toLocaleString('en')} expected: missing ${r.missing} (${r.paired} beside a surplus in another queue of their quarter hour), extra ${r.extra}, duplicates ${r.duplicates}; lost replies counted in the group the API shows ${r.lostMoved}`,
    `  simulation          ${r.realSeconds.toFixed(0)} s real time`,
  ].join('\n');
}

const SECTIONS: Record<string, (progress: (m: string) => void) => Promise<CheckRun>> = {
  day: (progress) => runCheck({ label: 'Check of one day of the default world, events delivered', ticketsPerDay: 2000, feed: true, progress }),
  loss: (progress) => runCheck({ label: 'Silent loss: 10 % of replies and 2 % of ticket updates never delivered, then the check', ticketsPerDay: 2000, feed: true, loss: { replies: 0.1, updates: 0.02 }, progress }),
  cost: (progress) => runCheck({ label: 'Check of one 13,000-ticket day with nothing delivered before (cost of a big day)', ticketsPerDay: 13_000, feed: false, capHours: 40, progress }),
  huge: (progress) => runCheck({
    label: 'Largest simulator profile: one day of 20,000 tickets, 500 groups, nothing delivered, checked while the next day’s events flow',
    ticketsPerDay: 20_000,
    feed: false,
    nextDayEvents: true,
    world: { groups: { count: 500 }, hourlyProfile: 'flat', maxRepliesPerTicket: 2 },
    // The next day's events flow for 24 h; then how long the check still needs is the figure.
    capHours: 96,
    progress,
  }),
};

export async function runCheckBench(only: string[] | undefined, progress: (m: string) => void): Promise<CheckRun[]> {
  const runs: CheckRun[] = [];
  for (const [name, run] of Object.entries(SECTIONS)) {
    if (only && !only.includes(name)) continue;
    progress(`check bench: ${name}…`);
    const result = await run(progress);
    progress(formatCheckRun(result));
    runs.push(result);
  }
  return runs;
}

if (require.main === module) {
  const at = process.argv.indexOf('--only');
  const only = at === -1 ? undefined : (process.argv[at + 1] ?? '').split(',');
  const progress = (m: string): void => void process.stderr.write(`[bench] ${m}\n`);
  runCheckBench(only, progress).then(
    (runs) => process.stdout.write(`${runs.map(formatCheckRun).join('\n\n')}\n${JSON.stringify(runs)}\n`),
    (error: unknown) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
