/**
 * `npm run bench`: the app's platform-call budget over a generated day, CPU per handler run,
 * and the highest sustained event rate with zero loss at the platform's default limits.
 * Prints a readable report, writes the same numbers to .artifacts/bench.json, and writes each
 * part's report into docs/measurements.md (bench/write-measurements.ts) with its command and date.
 *
 * `tsx bench/run.ts --rate 120 [--in-process]` runs one load-test probe and prints only it;
 * `tsx bench/run.ts --day-only` runs only the day budget (calls per contact, KV operations by key family);
 * `tsx bench/run.ts --import-only` runs only the history-import section (bench/run-import.ts);
 * `tsx bench/run.ts --in-app-import-only` only the in-app import's wall time (bench/run-in-app-import.ts);
 * `tsx bench/run.ts --simulate-only [--simulate-seeds N]` only the fault simulator (default 1,000 seeds, bench/run-simulator.ts);
 * `tsx bench/run.ts --check-only [--only day,loss,cost,huge]` only the daily check (issue 20, bench/run-check.ts);
 * `tsx bench/run.ts --overload-check-only` only the overload at 120 and 160 events/min followed by the next daily check;
 * `tsx bench/run.ts --during-check-only [--rates 79,90]` only one-hour probes while the daily check walks.
 * Progress goes to stderr, the report to stdout.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MAX_ONE_TIME_SCHEDULES } from '../tools/local-platform/scheduler';
import { DEFAULT_LIMITS } from '../tools/local-platform';
import { analyzeCalls } from './analyze-calls';
import { daySection, formatProbe, formatReport, type BenchResults, type BenchSettings } from './format-report';
import { runAtRate, searchMaxRate, type LoadResult } from './run-at-rate';
import { runDay, type DayResult } from './run-day';
import { formatInAppImport, runInAppImport } from './run-in-app-import';
import { formatImportBench, runImportBench } from './run-import';
import { formatOptInCost, runOptInCost } from './run-opt-in';
import { formatSimulatorBench, runSimulatorBench } from './run-simulator';
import { formatCheckRun, runCheckBench } from './run-check';
import { formatAfterCheck } from './format-report';
import { type BenchSection, writeMeasurements } from './write-measurements';

/** Issue 19: seeds of the fault simulator the bench runs (`--simulate-seeds N` to change). */
const SIMULATOR_SEEDS = 1000;

const SETTINGS: BenchSettings = {
  day: { seed: 11, ticketsPerDay: 2000, settleMinutes: 30 },
  // 13,000 tickets/day is about the densest world the generator accepts on a Monday (it refuses
  // more than 1,200 tickets in one hour); the search takes a prefix of its timeline.
  // The built server.js is fast enough for the whole search (about a minute); the in-process
  // handlers re-run the two boundary rates as a cross-check.
  load: { seed: 11, ticketsPerDay: 13_000, feedMinutes: 60, drainMinutes: 120, low: 20, high: 400, tolerance: 1, goal: 90, searchMode: 'built', crossCheckMode: 'in-process' },
  limits: { requestsPerMinute: DEFAULT_LIMITS.requestsPerMinute, kvOpsPerMinute: DEFAULT_LIMITS.kvOpsPerMinute, oneTimeSchedules: MAX_ONE_TIME_SCHEDULES },
  targetCallsPerContact: 1.5,
};

/** The in-app import's wall time (issue 12 item 6): 30 days of the default world, capped at 40 simulated days. */
const IN_APP_IMPORT = { days: 30, ticketsPerDay: 2000, capDays: 40 };

const ARTIFACT = path.resolve(__dirname, '..', '.artifacts', 'bench.json');

/** How a reader runs this bench again: `npm run bench` builds first, then passes the flags on. */
const COMMAND = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const MACHINE = `node ${process.version}, ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model.trim() ?? ''}`;

/** Writes the parts just measured into docs/measurements.md. */
function record(at: string, parts: ReadonlyArray<readonly [BenchSection, string]>): void {
  writeMeasurements(parts.map(([section, report]) => ({ section, command: COMMAND, at, environment: MACHINE, report })));
  progress(`wrote ${parts.map(([section]) => section).join(', ')} into docs/measurements.md`);
}

function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** `--opt-in`: probes with both issue-14 features on (bench/run-at-rate.ts LoadOptions.optIn). */
const OPT_IN = process.argv.includes('--opt-in');

/** Issue 20: the two-day world of a probe while the check walks (13,000 a day overflows an hour of its second day in the generator). */
const DURING_CHECK_TICKETS = 12_000;

/** `--unfed-day`: the during-check probe's first day is never fed (LoadOptions.duringCheck). */
const DURING_CHECK_FIRST_DAY = process.argv.includes('--unfed-day') ? 'unfed-day' : 'fed-day';

/** Issue 20: after an overload at a fixed rate, the clock runs on this long at most for the next daily check to make injixo whole. */
const AFTER_CHECK_HOURS = 48;

function probe(rate: number, mode: LoadResult['mode'], afterCheckHours?: number): Promise<LoadResult> {
  const { seed, ticketsPerDay, feedMinutes, drainMinutes } = SETTINGS.load;
  return runAtRate({ rate, mode, seed, ticketsPerDay, feedMinutes, drainMinutes, optIn: OPT_IN, ...(afterCheckHours ? { afterCheckHours } : {}) });
}

/**
 * `--opt-in-only`: issue 14's section: calls per event with the features off and on, then the
 * highest zero-loss rate with both on (search from 20/min, to 5 events/min).
 */
async function runOptInOnly(): Promise<void> {
  const at = new Date().toISOString();
  const cost = await runOptInCost({ seed: 11, ticketsPerDay: 2000, hours: 12, progress });
  const costReport = formatOptInCost(cost);
  process.stdout.write(`${costReport}\n`);
  const search = await searchMaxRate(
    (rate) => runAtRate({ rate, mode: 'built', seed: SETTINGS.load.seed, ticketsPerDay: SETTINGS.load.ticketsPerDay, feedMinutes: SETTINGS.load.feedMinutes, drainMinutes: SETTINGS.load.drainMinutes, optIn: true }),
    { low: 20, high: 400, tolerance: 5 },
    (p) => progress(`  opt-in ${describeProbe(p)}${p.optIn ? `, handled ${p.optIn.handledDelivered}/${p.optIn.handledExpected} (${p.optIn.durationsDiffer} durations differ), agent intervals ${p.optIn.agentIntervals}` : ''}`),
  );
  const failing = search.probes.find((p) => p.rate === search.firstFailing);
  const rateReport =
    `zero-loss rate with both features on: ${String(search.maxZeroLoss)} events/min (first failing ${String(search.firstFailing)}: ${failing ? failing.verdict.join('; ') : 'none'})\n` +
    search.probes.map((p) => `  ${describeProbe(p)}; events ${JSON.stringify(p.byEvent)}; rejected ${JSON.stringify(p.rejections)}`).join('\n');
  process.stdout.write(`${rateReport}\n`);
  record(at, [['opt-in', `${costReport}\n\n${rateReport}`]]);
}

function describeProbe(p: LoadResult): string {
  return `${p.rate}/min ${p.mode}: ${p.zeroLoss ? 'zero loss' : `LOSS (${p.verdict.join('; ')})`}, gaps ${p.gapsRecorded} (${p.gapContactsKnownLost} known lost) in ${p.wallSeconds.toFixed(1)} s`;
}

/** Profiles (one per handler run) are for the analysis only; the JSON keeps the summaries. */
function withoutProfiles(day: DayResult): Omit<DayResult, 'profiles'> {
  const { profiles: _profiles, ...rest } = day;
  return rest;
}

/** `--rate-only`: main() stops after the day-and-rate section (about an hour less). */
const RATE_ONLY = process.argv.includes('--rate-only');

/** The parts of `npm run bench` after the rate and overload probes. */
async function measureTheRest(): Promise<{ importBench: Awaited<ReturnType<typeof runImportBench>>; inAppImport: Awaited<ReturnType<typeof runInAppImport>>; simulator: Awaited<ReturnType<typeof runSimulatorBench>>; check: Awaited<ReturnType<typeof runCheckBench>> }> {
  const importBench = await runImportBench(progress);
  progress('in-app import: 30 days of the default world (2,000 tickets a day), simulated clock…');
  const inAppImport = await runInAppImport({ ...IN_APP_IMPORT, progress: () => undefined });
  const simulatorSeeds = numberArgument('--simulate-seeds') ?? SIMULATOR_SEEDS;
  progress(`fault simulator: ${simulatorSeeds} seeds…`);
  const simulator = await runSimulatorBench(simulatorSeeds, progress);
  progress('daily check (issue 20): a 2,000-ticket day, silent loss, a 13,000-ticket day, the largest profile…');
  const check = await runCheckBench(undefined, progress);
  return { importBench, inAppImport, simulator, check };
}

async function main(): Promise<void> {
  const started = performance.now();
  const startedAt = new Date().toISOString();

  progress('day budget with the built server.js…');
  const dayBuilt = await runDay({ mode: 'built', ...SETTINGS.day });
  progress(`  ${dayBuilt.contacts.delivered} contacts, ${dayBuilt.perContact.total.toFixed(3)} calls/contact, ${dayBuilt.wallSeconds.toFixed(1)} s`);
  progress('same day in-process (CPU comparison)…');
  const dayInProcess = await runDay({ mode: 'in-process', ...SETTINGS.day });
  progress(`  ${dayInProcess.wallSeconds.toFixed(1)} s`);

  const { high, searchMode, crossCheckMode } = SETTINGS.load;
  // `--low N --tolerance N --no-cross-check` shorten the search on a busy machine; the report prints the settings used.
  const low = numberArgument('--low') ?? SETTINGS.load.low;
  const tolerance = numberArgument('--tolerance') ?? SETTINGS.load.tolerance;
  SETTINGS.load.low = low;
  SETTINGS.load.tolerance = tolerance;
  progress(`rate search (${searchMode})…`);
  const searchStarted = performance.now();
  const search = await searchMaxRate((rate) => probe(rate, searchMode), { low, high, tolerance }, (p) => progress(`  ${describeProbe(p)}`));
  const searchSeconds = (performance.now() - searchStarted) / 1000;
  progress(`cross-check of the boundary rates (${crossCheckMode})…`);
  const crossChecks: LoadResult[] = [];
  for (const rate of process.argv.includes('--no-cross-check') ? [] : [search.maxZeroLoss, search.firstFailing]) {
    if (rate === undefined) continue;
    const result = await probe(rate, crossCheckMode);
    progress(`  ${describeProbe(result)}`);
    crossChecks.push(result);
  }

  progress('overload (1.5x and 2x the zero-loss rate, 120/min, 160/min)…');
  const overload: BenchResults['overload'] = [];
  const best = search.maxZeroLoss;
  const loads: [string, number][] = best === undefined ? [] : [['1.5x zero-loss', Math.round(best * 1.5)], ['2x zero-loss', best * 2]];
  loads.push(['fixed', 120], ['fixed', 160]);
  for (const [label, rate] of loads) {
    // The fixed rates run again with the next daily check after the drain (issue 20 item 6).
    const result = label === 'fixed' ? await probe(rate, searchMode, AFTER_CHECK_HOURS) : (search.probes.find((p) => p.rate === rate) ?? (await probe(rate, searchMode)));
    progress(`  ${label}: ${describeProbe(result)}, ${result.duplicates} duplicates, ${result.gapsRecorded} gaps`);
    overload.push({ label, probe: result });
  }

  // Issue 20 item 1: the zero-loss rate while the daily check walks, probed at the rate found without it.
  const duringCheck = search.maxZeroLoss === undefined ? undefined : await runAtRate({ rate: search.maxZeroLoss, mode: searchMode, seed: SETTINGS.load.seed, ticketsPerDay: DURING_CHECK_TICKETS, feedMinutes: SETTINGS.load.feedMinutes, drainMinutes: SETTINGS.load.drainMinutes, duringCheck: DURING_CHECK_FIRST_DAY });
  if (duringCheck) progress(`  while the daily check walks: ${describeProbe(duringCheck)}, ${duringCheck.duplicates} duplicates`);

  const results: BenchResults = {
    settings: SETTINGS,
    startedAt,
    wallSeconds: 0,
    environment: MACHINE,
    dayBuilt,
    dayInProcess,
    search,
    searchSeconds,
    crossChecks,
    overload,
    calls: analyzeCalls(dayBuilt.profiles, dayBuilt.contacts.delivered),
  };
  // `--rate-only`: the day, the rate search, overload and the during-check probe; nothing after.
  const rest = RATE_ONLY ? undefined : await measureTheRest();
  results.wallSeconds = (performance.now() - started) / 1000;
  const during = duringCheck ? `\n\nWhile the daily check walks (${duringCheck.rate}/min for an hour, the check of the 12,000-ticket day before reading Freshdesk, ${duringCheck.duringCheck?.firstDay ?? ''}): ${describeProbe(duringCheck)}, ${duringCheck.duplicates} duplicates` : '';
  const parts: Array<[BenchSection, string]> = [
    ['day-and-rate', `${formatReport(results)}${during}`],
    ...(rest
      ? ([
          ['import', formatImportBench(rest.importBench)],
          ['in-app-import', formatInAppImport(rest.inAppImport)],
          ['simulator', formatSimulatorBench(rest.simulator)],
          ['check', `Daily check\n${rest.check.map(formatCheckRun).join('\n\n')}`],
        ] as Array<[BenchSection, string]>)
      : []),
  ];
  const report = parts.map(([, text]) => text).join('\n\n');
  process.stdout.write(`${report}\n`);
  record(startedAt, parts);
  fs.mkdirSync(path.dirname(ARTIFACT), { recursive: true });
  const json = { ...results, dayBuilt: withoutProfiles(dayBuilt), dayInProcess: withoutProfiles(dayInProcess), ...rest, report };
  fs.writeFileSync(ARTIFACT, `${JSON.stringify(json, null, 2)}\n`);
  progress(`wrote ${path.relative(process.cwd(), ARTIFACT)}`);
}

async function runOneProbe(rate: number, mode: LoadResult['mode']): Promise<void> {
  progress(`one probe: ${rate}/min ${mode}…`);
  const result = await probe(rate, mode);
  process.stdout.write(`${formatProbe(result, SETTINGS.limits)}\n`);
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

/** Runs one part of the bench, prints its report and writes it into its section. */
async function runOnly(section: BenchSection, measure: () => Promise<string>): Promise<void> {
  const at = new Date().toISOString();
  const report = await measure();
  process.stdout.write(`${report}\n`);
  record(at, [[section, report]]);
}

async function runCheckOnly(): Promise<void> {
  const only = argument('--only')?.split(',');
  const at = new Date().toISOString();
  const runs = await runCheckBench(only, progress);
  const report = `Daily check\n${runs.map(formatCheckRun).join('\n\n')}`;
  process.stdout.write(`${report}\n`);
  // Only the whole check bench replaces its section; `--only` prints a part.
  if (!only) record(at, [['check', report]]);
}

/** Issue 20 item 6: 120 and 160 events/min for an hour, the drain, then the next daily check. */
async function runOverloadCheckOnly(): Promise<void> {
  for (const rate of [120, 160]) {
    progress(`overload ${rate}/min, then the next daily check…`);
    const result = await probe(rate, 'built', AFTER_CHECK_HOURS);
    process.stdout.write(`${describeProbe(result)}, ${result.duplicates} duplicates after the drain\n${formatAfterCheck(rate, result)}\n`);
  }
}

/**
 * Issue 20 item 1: one-hour probes while the daily check walks the 12,000-ticket day before
 * (`--rates 60,79`, default the zero-loss rate without a check, 79, and the goal, 90). That day's
 * events were delivered as they happened; `--unfed-day` never feeds it (the check then sends all
 * of it while the events flow). `--check-off` is the control: the same probe with the check off.
 */
async function runDuringCheckOnly(): Promise<void> {
  const rates = (argument('--rates') ?? '79,90').split(',').map(Number);
  const { seed, feedMinutes, drainMinutes } = SETTINGS.load;
  for (const rate of rates) {
    progress(`${rate}/min while the daily check walks…`);
    const result = await runAtRate({ rate, mode: 'built', seed, ticketsPerDay: DURING_CHECK_TICKETS, feedMinutes, drainMinutes, duringCheck: DURING_CHECK_FIRST_DAY, checkOff: process.argv.includes('--check-off') });
    process.stdout.write(`${describeProbe(result)}, ${result.duplicates} duplicates; check ${JSON.stringify(result.duringCheck)}; refused kv/req/sch ${result.rejections.kv}/${result.rejections.request}/${result.rejections.schedule}\n`);
  }
}

const runInAppImportOnly = (): Promise<void> => runOnly('in-app-import', async () => formatInAppImport(await runInAppImport({ ...IN_APP_IMPORT, progress })));
const runSimulateOnly = (): Promise<void> => runOnly('simulator', async () => formatSimulatorBench(await runSimulatorBench(numberArgument('--simulate-seeds') ?? SIMULATOR_SEEDS, progress)));
const runImportOnly = (): Promise<void> => runOnly('import', async () => formatImportBench(await runImportBench(progress)));

/** `--day-only`: the day budget alone (issue 19 item 6: calls per contact, KV operations by key family). */
const runDayOnly = (): Promise<void> =>
  runOnly('day', async () => {
    progress('day budget with the built server.js…');
    const dayBuilt = await runDay({ mode: 'built', ...SETTINGS.day });
    return daySection({ dayBuilt, settings: SETTINGS });
  });

function numberArgument(name: string): number | undefined {
  const value = argument(name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!(parsed > 0)) throw new Error(`bench: ${name} needs a positive number, got '${value}'`);
  return parsed;
}

const rateArgument = argument('--rate');
const rate = rateArgument === undefined ? undefined : Number(rateArgument);
if (rate !== undefined && !(rate > 0)) throw new Error(`bench: --rate needs a positive number of events per minute, got '${String(rateArgument)}'`);
const ONLY: [string, () => Promise<void>][] = [
  ['--check-only', runCheckOnly],
  ['--overload-check-only', runOverloadCheckOnly],
  ['--day-only', runDayOnly],
  ['--during-check-only', runDuringCheckOnly],
];
const only = ONLY.find(([flag]) => process.argv.includes(flag))?.[1];
const job = only ? only() : process.argv.includes('--simulate-only') ? runSimulateOnly() : process.argv.includes('--opt-in-only') ? runOptInOnly() : process.argv.includes('--in-app-import-only') ? runInAppImportOnly() : process.argv.includes('--import-only') ? runImportOnly() : rate === undefined ? main() : runOneProbe(rate, process.argv.includes('--in-process') ? 'in-process' : 'built');
job.catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
