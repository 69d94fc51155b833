/**
 * In-app import wall time (issue 12 item 6): the app installed at the end of the default world
 * (2,000 tickets a day) with a 30-day import window walks Freshdesk in its scheduled slices —
 * the built server.js in the local platform, the local Freshdesk and injixo over HTTP, on the
 * simulated clock. Reported: how long the import takes in platform time (the figure an admin
 * waits), slices, Freshdesk requests, contacts, requests per contact, and the real seconds the
 * simulation took. `tsx bench/run-in-app-import.ts [--days 30] [--tickets-per-day 2000]`.
 */
import { performance } from 'node:perf_hooks';
import type { ImportView } from '../src/import/in-app';
import { startSandbox } from '../tools/sandbox';

export interface InAppImportResult {
  days: number;
  ticketsPerDay: number;
  tickets: number;
  /** Simulated ms from the install to the import's end (or to the cap when it did not end). */
  wallMs: number;
  finished: boolean;
  slices: number;
  requests: number;
  contacts: number;
  received: number;
  realSeconds: number;
  /** What kept slices from walking (issue 20 item 5, "say what binds"): log lines by code, and slice invocations by the Freshdesk calls they made. */
  binds?: { lines: Record<string, number>; slicesByCalls: Record<string, number>; walkLeaseBusy: number };
}

/** Log codes that mean a slice did not walk or was repeated. */
const BINDING_CODES = ['IMPORT_BUSY', 'IMPORT_WAITING', 'WALK_REFUSED', 'WALK_RESUMED', 'PLATFORM_LIMIT', 'FRESHDESK_RATE_LIMITED'];

function bindsOf(sandbox: Awaited<ReturnType<typeof startSandbox>>): NonNullable<InAppImportResult['binds']> {
  const lines: Record<string, number> = {};
  for (const code of BINDING_CODES) lines[code] = sandbox.platform.logs.filter((l) => l.message.includes(`] ${code}:`)).length;
  const calls = new Map<number, number>();
  const slices = new Set<number>();
  for (const e of sandbox.platform.ledger) {
    if (e.kind === 'kv' && e.key === 'walk-lease' && e.outcome === 'ok') slices.add(e.invocationId);
    if (e.kind === 'request' && /^freshdeskImport/.test(e.name ?? '')) calls.set(e.invocationId, (calls.get(e.invocationId) ?? 0) + 1);
  }
  const slicesByCalls: Record<string, number> = {};
  for (const id of slices) {
    const n = calls.get(id) ?? 0;
    const band = n === 0 ? '0' : n < 12 ? '1-11' : n < 24 ? '12-23' : '24';
    slicesByCalls[band] = (slicesByCalls[band] ?? 0) + 1;
  }
  const walkLeaseBusy = sandbox.platform.ledger.filter((e) => e.kind === 'kv' && e.key === 'walk-lease' && e.outcome !== 'ok').length;
  return { lines, slicesByCalls, walkLeaseBusy };
}

const HOUR = 3_600_000;
/** Simulated time is advanced this much between looks at the import's progress. */
const STEP_MS = 6 * HOUR;

interface ImportStatus extends ImportView {
  slices?: number;
}

export async function runInAppImport(options: { days: number; ticketsPerDay: number; capDays: number; progress: (m: string) => void }): Promise<InAppImportResult> {
  const started = performance.now();
  const start = '2026-09-07T00:00:00Z';
  const installAt = Date.parse(start) + options.days * 24 * HOUR + 60_000;
  const sandbox = await startSandbox({ seed: 11, start, days: options.days, ticketsPerDay: options.ticketsPerDay, installAt, iparams: { import_window_days: options.days } });
  try {
    let view = await importStatus(sandbox);
    while (view.state !== 'done' && sandbox.clock.now() - installAt < options.capDays * 24 * HOUR) {
      await sandbox.platform.advance(STEP_MS);
      view = await importStatus(sandbox);
      options.progress(`  day ${((sandbox.clock.now() - installAt) / (24 * HOUR)).toFixed(2)}: ${view.state}, ${(view.progress * 100).toFixed(1)} %, ${view.tickets} tickets, ${view.requests} requests`);
    }
    await sandbox.settle(30);
    const slices = countSlices(sandbox.platform.ledger);
    const end = view.finishedAt ? Date.parse(view.finishedAt) : sandbox.clock.now();
    return {
      days: options.days,
      ticketsPerDay: options.ticketsPerDay,
      tickets: sandbox.world.ticketCount,
      wallMs: end - installAt,
      finished: view.state === 'done',
      slices,
      requests: view.requests,
      contacts: view.contacts,
      received: sandbox.injixo.store.list().length,
      realSeconds: (performance.now() - started) / 1000,
      binds: bindsOf(sandbox),
    };
  } finally {
    await sandbox.close();
  }
}

/**
 * The import's view as the status page gets it. getStatus reads the state record, one KV
 * operation that the walk's own minute may have used up: asked again a minute later, as the page
 * does (its 'as of' answer), at most ten times.
 */
async function importStatus(sandbox: Awaited<ReturnType<typeof startSandbox>>): Promise<ImportStatus> {
  let answer = await sandbox.platform.callFunction('getStatus', {});
  for (let again = 0; !answer.ok && again < 10; again += 1) {
    await sandbox.platform.advance(60_000);
    answer = await sandbox.platform.callFunction('getStatus', {});
  }
  if (!answer.ok) throw new Error(`getStatus failed: ${JSON.stringify(answer.error)}`);
  const view = (answer.data as { import?: ImportStatus }).import;
  if (!view) throw new Error('no import is running');
  return view;
}

/** Import slices scheduled (each runs once): one-time schedules named import-…. */
function countSlices(ledger: readonly { kind: string; op?: string; key?: string; outcome: string }[]): number {
  return ledger.filter((e) => e.kind === 'schedule' && e.op === 'create' && e.outcome === 'ok' && (e.key ?? '').startsWith('import-')).length;
}

export function formatInAppImport(r: InAppImportResult): string {
  const days = r.wallMs / (24 * HOUR);
  return [
    `In-app import (built server.js in the local platform, simulated clock; ${r.days} days × ${r.ticketsPerDay} tickets = ${r.tickets.toLocaleString('en')} tickets)`,
    `  wall time           ${days.toFixed(2)} days of platform time${r.finished ? '' : ' (NOT finished: capped)'} in ${r.slices.toLocaleString('en')} slices (≤ 24 Freshdesk calls each, six lanes: one slice a minute)`,
    `  requests            ${r.requests.toLocaleString('en')} Freshdesk calls, ${r.contacts > 0 ? (r.requests / r.contacts).toFixed(3) : 'n/a'} per contact; ${r.contacts.toLocaleString('en')} contacts handed to delivery, ${r.received.toLocaleString('en')} received by injixo`,
    ...(r.binds ? [`  what binds          slices by Freshdesk calls made ${JSON.stringify(r.binds.slicesByCalls)}; lines ${JSON.stringify(r.binds.lines)}; walk lease busy ${r.binds.walkLeaseBusy}`] : []),
    `  simulation          ${r.realSeconds.toFixed(0)} s real time`,
  ].join('\n');
}

function numberArgument(name: string): number | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : Number(process.argv[at + 1]);
}

if (require.main === module) {
  const progress = (m: string): void => void process.stderr.write(`[bench] ${m}\n`);
  runInAppImport({ days: numberArgument('--days') ?? 30, ticketsPerDay: numberArgument('--tickets-per-day') ?? 2000, capDays: numberArgument('--cap-days') ?? 40, progress }).then(
    (r) => process.stdout.write(`${formatInAppImport(r)}\n${JSON.stringify(r)}\n`),
    (error: unknown) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
