/**
 * Import benchmark (issue 12 item 6): the CLI, spawned as a person runs it, against the local
 * Freshdesk (real HTTP, the plan's per-minute limits on the real clock) and the local injixo.
 *  - throughput: Freshdesk calls per minute the CLI achieved against the share it is allowed
 *    (goal ≥ 90 %), and every 429 it met (goal 0: none was planned);
 *  - requests per imported contact;
 *  - the CLI's peak RSS (its own getrusage maxRSS, in the child) while walking a 1,000,000-ticket
 *    account (the local Freshdesk's lazy world), goal < 150 MB.
 * Each run is bounded in time and stopped with SIGINT (which the CLI answers by saving and
 * printing its summary), so the bench takes minutes, not the days a real import of 1M takes.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { startLocalFreshdesk, type FreshdeskPlan } from '../tools/local-freshdesk/server';
import { generateWorld } from '../tools/local-freshdesk/world';
import { startLocalInjixo } from '../tools/local-injixo/server';

const root = path.resolve(__dirname, '..');
const KEYS = { admin: 'bench-fd-admin', injixo: 'bench-injixo' };

export interface ImportRun {
  label: string;
  tickets: number;
  seconds: number;
  summary: {
    requests: number;
    contacts: number;
    handled?: { contacts: number; timeEntryCalls: number };
    sent: number;
    ticketsRead: number;
    rateLimited: number;
    callsPerMinute: number;
    allowedCallsPerMinute: number;
    peakRssMb: number;
    elapsedMs: number;
    status: string;
  };
  /** 429 answers the local Freshdesk logged for this run. */
  refused: number;
}

interface RunOptions {
  label: string;
  days: number;
  ticketsPerDay: number;
  /** Issue 14: a world with resolutions and time entries. */
  facts?: boolean;
  /** Issue 14: walk with --handled. */
  handled?: boolean;
  plan?: FreshdeskPlan;
  limits?: { total: number; ticketList: number };
  rateShare: number;
  seconds: number;
}

async function runCliFor(options: RunOptions): Promise<ImportRun> {
  const start = Date.UTC(2025, 0, 6);
  const facts = options.facts === true ? { resolutions: true, timeTracking: true } : {};
  const world = generateWorld({ seed: 7, start: new Date(start).toISOString(), days: options.days, ticketsPerDay: options.ticketsPerDay, ...facts });
  const freshdesk = await startLocalFreshdesk({ world, adminApiKey: KEYS.admin, plan: options.plan ?? 'enterprise', ...(options.limits ? { limits: options.limits } : {}) });
  const injixo = await startLocalInjixo({ apiKey: KEYS.injixo });
  try {
    const args = [
      path.join(root, 'src', 'cli', 'import.ts'),
      '--domain', 'bench.freshdesk.com',
      '--from', new Date(world.start).toISOString(),
      '--to', new Date(world.end).toISOString(),
      '--freshdesk-url', freshdesk.url,
      '--injixo-url', injixo.url,
      '--rate-share', String(options.rateShare),
      '--json',
      ...(options.handled === true ? ['--handled'] : []),
    ];
    const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), args, {
      env: { PATH: process.env['PATH'] ?? '', FRESHDESK_API_KEY: KEYS.admin, INJIXO_API_KEY: KEYS.injixo },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), options.seconds * 1000);
    await new Promise<void>((resolve) => child.on('close', () => resolve()));
    clearTimeout(timer);
    const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ImportRun['summary'];
    return { label: options.label, tickets: world.ticketCount, seconds: options.seconds, summary, refused: freshdesk.requestLog.filter((e) => e.status === 429).length };
  } finally {
    await freshdesk.close();
    await injixo.close();
  }
}

export interface ImportBench {
  throughput: ImportRun;
  /** The same 1M-ticket walk stopped early and late: flat memory shows as (nearly) equal peaks. */
  memoryEarly: ImportRun;
  memory: ImportRun;
}

export async function runImportBench(progress: (message: string) => void): Promise<ImportBench> {
  progress('import throughput: Enterprise plan (700/min, ticket list 200/min), rate share 0.5, 150 s…');
  const throughput = await runCliFor({ label: 'throughput', days: 30, ticketsPerDay: 400, plan: 'enterprise', rateShare: 0.5, seconds: 150 });
  progress(`  ${throughput.summary.callsPerMinute.toFixed(1)} of ${throughput.summary.allowedCallsPerMinute} calls/min, ${throughput.refused} × 429`);
  progress('import memory: 1,000,000-ticket account, limits raised so the walk goes as fast as the local servers allow, 20 s and 90 s…');
  const memoryEarly = await runCliFor({ label: 'memory-early', days: 125, ticketsPerDay: 8000, limits: { total: 600_000, ticketList: 170_000 }, rateShare: 1, seconds: 20 });
  const memory = await runCliFor({ label: 'memory', days: 125, ticketsPerDay: 8000, limits: { total: 600_000, ticketList: 170_000 }, rateShare: 1, seconds: 90 });
  progress(`  peak RSS ${memory.summary.peakRssMb} MB after ${memory.summary.ticketsRead} tickets`);
  return { throughput, memoryEarly, memory };
}

export function formatImportBench(bench: ImportBench): string {
  const t = bench.throughput.summary;
  const m = bench.memory.summary;
  const share = t.allowedCallsPerMinute > 0 ? (100 * t.callsPerMinute) / t.allowedCallsPerMinute : 0;
  return [
    'History import (CLI child process, local Freshdesk + local injixo over HTTP)',
    `  throughput          ${t.callsPerMinute.toFixed(1)} Freshdesk calls/min of ${t.allowedCallsPerMinute} allowed (0.5 × X-RateLimit-Total 700) = ${share.toFixed(1)} % (goal ≥ 90 %)`,
    `                      over ${(t.elapsedMs / 1000).toFixed(0)} s incl. start-up and posting; ${bench.throughput.tickets} tickets in the world, ${t.ticketsRead} read`,
    `  429 answers         ${bench.throughput.refused} (goal 0 unplanned)`,
    `  requests/contact    ${t.contacts > 0 ? (t.requests / t.contacts).toFixed(3) : 'n/a'} (${t.requests} calls for ${t.contacts} contacts)`,
    `  peak RSS            ${m.peakRssMb} MB (goal < 150 MB) walking a ${bench.memory.tickets.toLocaleString('en')}-ticket account: ${m.ticketsRead} tickets read, ${m.sent} contacts sent in ${(m.elapsedMs / 1000).toFixed(0)} s`,
    `                      (stopped after ${(bench.memoryEarly.summary.elapsedMs / 1000).toFixed(0)} s and ${bench.memoryEarly.summary.ticketsRead} tickets: ${bench.memoryEarly.summary.peakRssMb} MB — the difference is what the walk's length adds)`,
  ].join('\n');
}

/**
 * Issue 14: what --handled adds to an import. The same world (resolutions and time entries on)
 * walked to the end without and with --handled: calls per contact, the time-entry pages, and
 * the handled contacts per extra call.
 */
export async function runHandledBench(progress: (message: string) => void): Promise<string> {
  const base = { days: 14, ticketsPerDay: 300, facts: true, limits: { total: 600_000, ticketList: 170_000 }, rateShare: 1, seconds: 600 };
  progress('import with --handled: 14 days × 300 tickets, walked to the end without and with it…');
  const without = await runCliFor({ ...base, label: 'offered only', handled: false });
  const withHandled = await runCliFor({ ...base, label: 'with --handled', handled: true });
  const a = without.summary;
  const b = withHandled.summary;
  const handled = b.handled ?? { contacts: 0, timeEntryCalls: 0 };
  return [
    'History import with handled contacts (CLI child process, local Freshdesk + local injixo over HTTP)',
    `  offered only        ${a.requests} calls for ${a.contacts} contacts = ${(a.requests / Math.max(1, a.contacts)).toFixed(3)} calls/contact (${a.status})`,
    `  with --handled      ${b.requests} calls for ${b.contacts} offered + ${handled.contacts} handled contacts = ${(b.requests / Math.max(1, b.contacts + handled.contacts)).toFixed(3)} calls/contact (${b.status})`,
    `  extra calls         ${b.requests - a.requests} (time-entry pages ${handled.timeEntryCalls}; include=stats costs 2 more credits per list page, not more calls)`,
  ].join('\n');
}

if (require.main === module && process.argv.includes('--handled')) {
  runHandledBench((message) => process.stderr.write(`[bench] ${message}\n`)).then(
    (text) => process.stdout.write(`${text}\n`),
    (error: unknown) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
} else if (require.main === module) {
  runImportBench((message) => process.stderr.write(`[bench] ${message}\n`)).then(
    (bench) => process.stdout.write(`${formatImportBench(bench)}\n`),
    (error: unknown) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
