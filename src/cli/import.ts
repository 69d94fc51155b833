/**
 * `npm run import -- --domain acme.freshdesk.com --from 2025-01-01 --to 2026-11-01`
 *
 * The history import from a workstation (issue 12, SPEC §8): walks the Freshdesk API with the
 * import core and posts the contacts to injixo. Keys come only from the environment
 * (FRESHDESK_API_KEY, INJIXO_API_KEY) and are never printed. Exit codes: see EXIT below and
 * docs/import-and-replay.md.
 */
import { parseArgs } from 'node:util';
import { parseFreshdeskTime, toUtcIso } from '../core/time';
import { REPLY_SCOPES, type ReplyScope } from '../core/types';
import { startCursor, type ImportCursor } from '../import/cursor';
import { DEFAULT_RATE_SHARE, RatePacer } from '../import/rate-pacer';
import { readDirectory, walkStep, type WalkProblem } from '../import/walk';
import { AppError as AppErrorClass, isAppError, type AppError } from '../remote/errors';
import { parseJsonBody, type FreshdeskTransport } from '../import/transport';
import { buildBatches } from '../remote/injixo-client';
import { createAxiosTransport } from './axios-transport';
import { createInjixoPoster, InjixoPostFailed, networkFailure } from './injixo-poster';
import { formatProgressLine, ProgressMeter } from './progress';
import { bareHost } from '../remote/freshdesk-host';
import { describeAmbiguous, readState, writeStateAtomically, type ImportState, type RunIdentity } from './state-file';

export const EXIT = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  WINDOW: 3,
  FRESHDESK_KEY_REJECTED: 4,
  FRESHDESK_NOT_ADMIN: 5,
  FRESHDESK_ADDRESS: 6,
  INJIXO_KEY_REJECTED: 7,
  INTERRUPTED: 8,
  UNAVAILABLE: 9,
  INJIXO_REFUSED: 10,
  DONE_WITH_PROBLEMS: 11,
} as const;

/** Contacts kept before a flush: a few bodies' worth, so memory stays flat. */
const FLUSH_AT = 400;
/** Freshdesk calls per walk step (one journal write per step). */
const STEP_REQUESTS = 5;
const PLAIN_PROGRESS_EVERY_MS = 10_000;

/** `--help`: not an error, the usage on stdout and exit 0. */
class HelpAsked extends Error {}

class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.USAGE,
  ) {
    super(message);
  }
}

interface Options {
  domain: string;
  from: string;
  to: string;
  integrationId: number | undefined;
  replyScope: ReplyScope;
  rateShare: number;
  dryRun: boolean;
  stateFile: string | undefined;
  freshdeskUrl: string;
  injixoUrl: string;
  json: boolean;
  perPage: number;
  /** Also handled contacts and their logged time (issue 14); the install page's switch for the app. */
  handled: boolean;
}

export const USAGE = `usage: npm run import -- --domain DOMAIN --from DATE --to DATE [options]
  --domain DOMAIN             the account, e.g. acme.freshdesk.com (https:// and a trailing / are dropped)
  --from DATE --to DATE       the window [from, to): YYYY-MM-DD (midnight UTC) or an ISO time with a zone
  --integration-id N          injixo integration configuration id (optional)
  --reply-scope customer|all_public   default customer
  --rate-share 0.5            share of the account's Freshdesk limit to use (0 < x <= 1)
  --dry-run                   read Freshdesk, print per-queue totals, send nothing
  --state FILE                journal; rerun with the same FILE to resume without sending twice
  --freshdesk-url URL         default https://DOMAIN
  --injixo-url URL            default https://api.injixo.com
  --json                      machine-readable summary on stdout
  --handled                   also send handled contacts (resolved tickets, with their logged
                              time); injixo keeps them for good: only with the app's switch on
  --help                      this text
keys from the environment only: FRESHDESK_API_KEY, INJIXO_API_KEY (spaces around them are dropped)
exit codes: 0 done, 2 usage, 3 window, 4/5 Freshdesk key, 6 Freshdesk address, 7 injixo key,
  8 interrupted (npm run shows 130), 9 unavailable, 10 injixo refused a body, 11 done with problems`;

/**
 * `https://Acme.freshdesk.com/` → `acme.freshdesk.com`: what an admin copies from the browser's
 * address bar is the account's host once the scheme and the slash are dropped.
 */
export function normalizeDomain(value: string): string {
  const host = bareHost(value) ?? '';
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host)) {
    throw new UsageError(`--domain must be the account's host such as acme.freshdesk.com, got ${JSON.stringify(value)}`);
  }
  return host;
}

/** `2025-01-01` is midnight UTC; a full ISO instant with a zone is taken as it is. */
export function parseWindowDate(value: string, flag: string): string {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  try {
    return toUtcIso(iso);
  } catch {
    throw new UsageError(`${flag} ${JSON.stringify(value)} is not a date (YYYY-MM-DD) or an ISO-8601 time with a zone`);
  }
}

export function parseOptions(argv: readonly string[], nowMs: number): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        domain: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        'integration-id': { type: 'string' },
        'reply-scope': { type: 'string' },
        'rate-share': { type: 'string' },
        'dry-run': { type: 'boolean' },
        state: { type: 'string' },
        'freshdesk-url': { type: 'string' },
        'injixo-url': { type: 'string' },
        json: { type: 'boolean' },
        handled: { type: 'boolean' },
        // For tests of the page-300 restart on small worlds; Freshdesk's maximum is the default.
        'per-page': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    if (argv.includes('--help') || argv.includes('-h')) throw new HelpAsked();
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  if (parsed.help === true) throw new HelpAsked();
  const { from, to } = parsed;
  if (parsed.domain === undefined || from === undefined || to === undefined) throw new UsageError(`--domain, --from and --to are required\n${USAGE}`);
  const domain = normalizeDomain(parsed.domain);
  const fromIso = parseWindowDate(from, '--from');
  const toIso = parseWindowDate(to, '--to');
  if (parseFreshdeskTime(fromIso) >= parseFreshdeskTime(toIso)) throw new UsageError(`the window is empty: --from ${fromIso} is not before --to ${toIso}`, EXIT.WINDOW);
  if (parseFreshdeskTime(fromIso) >= nowMs) throw new UsageError(`the window is in the future: --from ${fromIso} is after now; there is nothing to import yet`, EXIT.WINDOW);
  if (parseFreshdeskTime(toIso) > nowMs) {
    throw new UsageError(
      `the window ends in the future (--to ${toIso}): what happens from now on is the app's to count, and the CLI must not overlap what the app delivers. Use --to at most now.`,
      EXIT.WINDOW,
    );
  }
  const scope = parsed['reply-scope'] ?? 'customer';
  const replyScope = REPLY_SCOPES.find((s) => s === scope);
  if (replyScope === undefined) throw new UsageError(`--reply-scope must be one of ${REPLY_SCOPES.join(', ')}`);
  const rateShare = Number(parsed['rate-share'] ?? DEFAULT_RATE_SHARE);
  if (!(rateShare > 0 && rateShare <= 1)) throw new UsageError('--rate-share must be a number above 0 and at most 1');
  const idText = parsed['integration-id'];
  const integrationId = idText === undefined ? undefined : Number(idText);
  if (integrationId !== undefined && !(Number.isInteger(integrationId) && integrationId >= 1)) throw new UsageError('--integration-id must be a positive whole number');
  const perPage = Number(parsed['per-page'] ?? 100);
  if (!(Number.isInteger(perPage) && perPage >= 1 && perPage <= 100)) throw new UsageError('--per-page must be 1–100');
  if (parsed['dry-run'] === true && parsed.state !== undefined) throw new UsageError('--dry-run sends nothing, so it keeps no --state');
  return {
    domain,
    from: fromIso,
    to: toIso,
    integrationId,
    replyScope,
    rateShare,
    dryRun: parsed['dry-run'] === true,
    stateFile: parsed.state,
    freshdeskUrl: parsed['freshdesk-url'] ?? `https://${domain}`,
    injixoUrl: parsed['injixo-url'] ?? 'https://api.injixo.com',
    json: parsed.json === true,
    perPage,
    handled: parsed.handled === true,
  };
}

/** Exit code and the one message a person reads for an error of the remotes. */
export function exitFor(error: AppError): { code: number; message: string } {
  switch (error.code) {
    case 'FRESHDESK_KEY_REJECTED':
      return { code: EXIT.FRESHDESK_KEY_REJECTED, message: `${error.message}. Set FRESHDESK_API_KEY to the API key of a Freshdesk Account Administrator (Profile settings > View API key).` };
    case 'FRESHDESK_NOT_ADMIN':
      return { code: EXIT.FRESHDESK_NOT_ADMIN, message: `${error.message}. The Groups API needs the "Manage groups" admin permission: use an Account Administrator's key.` };
    case 'FRESHDESK_UNAVAILABLE':
      if (error.status === 404) {
        return { code: EXIT.FRESHDESK_ADDRESS, message: `${error.message}. Check --domain (and --freshdesk-url): it must be the account's Freshdesk address, e.g. acme.freshdesk.com.` };
      }
      return { code: EXIT.UNAVAILABLE, message: `${error.message}. Run again later with the same --state file to continue.` };
    case 'FRESHDESK_RATE_LIMITED':
    case 'INJIXO_UNAVAILABLE':
    case 'UNACCEPTED_ANSWER':
    case 'PLATFORM_LIMIT':
      return { code: EXIT.UNAVAILABLE, message: `${error.message}. Run again later with the same --state file to continue.` };
    case 'INJIXO_KEY_REJECTED':
      return { code: EXIT.INJIXO_KEY_REJECTED, message: error.message };
    case 'INJIXO_NOT_FOUND':
      return { code: EXIT.UNAVAILABLE, message: `${error.message}. Check --injixo-url.` };
    case 'INJIXO_BAD_REQUEST':
    case 'INVALID_PAYLOAD':
      return { code: EXIT.INJIXO_REFUSED, message: `${error.message}. Nothing more was sent; report this to support.` };
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface Summary {
  status: 'done' | 'interrupted' | 'failed';
  exitCode: number;
  window: { from: string; to: string };
  dryRun: boolean;
  ticketsRead: number;
  contacts: number;
  /** Issue 14, with --handled: handled contacts found and time-entry pages read (in `requests` too). */
  handled?: { contacts: number; timeEntryCalls: number };
  sent: number;
  requests: number;
  rateLimited: number;
  unreadable: number;
  problems: WalkProblem[];
  ambiguous: ImportState['ambiguous'];
  possibleDuplicatesFromTimeouts: number;
  perQueue: Record<string, number>;
  elapsedMs: number;
  callsPerMinute: number;
  allowedCallsPerMinute: number;
  /** --rate-share: the share of the account's Freshdesk limit the pacing allows itself. */
  rateShare: number;
  peakRssMb: number;
  message?: string;
}

/** Below this much time a "per minute" figure says more about start-up than about the pace. */
const MIN_RATE_SPAN_MS = 60_000;

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${(ms / 1000).toFixed(1)} s`;
  return seconds >= 3600 ? `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/**
 * The Freshdesk line: the calls, over what time, their pace beside the pace the import allows
 * itself. A run shorter than a minute (a resume that only posted) gives no per-minute figure:
 * 3 calls in 0.1 s are not "1538/min".
 */
function callsLine(result: Summary): string {
  const allowed = `the pacing allows ${result.allowedCallsPerMinute.toFixed(0)} a minute (--rate-share ${result.rateShare} of the account's ${Math.round(result.allowedCallsPerMinute / result.rateShare)})`;
  const pace = result.elapsedMs >= MIN_RATE_SPAN_MS ? `${result.callsPerMinute.toFixed(0)} a minute; ` : '';
  const refused = result.rateLimited > 0 ? `, ${result.rateLimited} answered 429 and retried` : '';
  return `  Freshdesk calls ${result.requests} in ${formatDuration(result.elapsedMs)} (${pace}${allowed})${refused}`;
}

/** The summary a person reads; only sections that have something to say. */
export function summaryText(result: Summary): string {
  const lines = [
    `import ${result.status}: window ${result.window.from} – ${result.window.to}${result.dryRun ? ' (dry run: nothing sent)' : ''}`,
    `  tickets read ${result.ticketsRead}, contacts ${result.contacts}, sent ${result.sent}`,
    callsLine(result),
  ];
  if (result.handled) lines.push(`  handled contacts ${result.handled.contacts} (time entries read with ${result.handled.timeEntryCalls} calls)`);
  if (result.unreadable > 0) lines.push(`  could not read ${result.unreadable} tickets or pages (listed above)`);
  if (result.possibleDuplicatesFromTimeouts > 0) lines.push(`  ${result.possibleDuplicatesFromTimeouts} posts timed out and were sent again: injixo may count those bodies twice`);
  for (const body of result.ambiguous) lines.push(`  ambiguous: ${body.contacts} contacts may be missing at injixo (queues ${Object.keys(body.queues).join(', ')})`);
  const queues = Object.entries(result.perQueue);
  if (queues.length > 0) {
    lines.push(result.dryRun ? '  per queue (would be sent):' : '  per queue (sent by this run):');
    for (const [queue, count] of queues) lines.push(`    ${queue.padEnd(48)} ${count}`);
  }
  if (result.message !== undefined) lines.push(`import: ${result.message}`);
  return `${lines.join('\n')}\n`;
}

class Progress {
  private lastPlain = 0;
  private readonly meter = new ProgressMeter();
  constructor(private readonly tty: boolean) {}

  show(cursor: ImportCursor, requests: number, sent: number, force = false): void {
    const now = Date.now();
    const reading = this.meter.read(cursor, now, requests);
    const { ticketsRead, ticketContacts, replyContacts } = cursor.counters;
    const text = formatProgressLine(reading, { ticketsRead, contacts: ticketContacts + replyContacts, sent });
    if (this.tty) {
      const width = 24;
      const filled = Math.round(reading.share * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
    } else if (force || now - this.lastPlain >= PLAIN_PROGRESS_EVERY_MS) {
      this.lastPlain = now;
      process.stderr.write(`import: ${text}\n`);
    }
  }

  end(): void {
    if (this.tty) process.stderr.write('\n');
  }
}

export async function runImport(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = Date.now();
  let options: Options;
  try {
    options = parseOptions(argv, started);
  } catch (error) {
    if (error instanceof HelpAsked) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT.OK;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`import: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
  // A key pasted with a space or a line break around it is the same key (the install page trims too).
  const freshdeskKey = (env['FRESHDESK_API_KEY'] ?? '').trim();
  const injixoKey = (env['INJIXO_API_KEY'] ?? '').trim();
  if (freshdeskKey === '' || (!options.dryRun && injixoKey === '')) {
    process.stderr.write(`import: set ${freshdeskKey === '' ? 'FRESHDESK_API_KEY' : 'INJIXO_API_KEY'} in the environment (keys are never taken from the command line)\n`);
    return EXIT.USAGE;
  }

  const run: RunIdentity = { domain: options.domain, from: options.from, to: options.to, replyScope: options.replyScope, integrationId: options.integrationId ?? null };
  let state: ImportState = {
    version: 1,
    run,
    cursor: startCursor({ from: options.from, to: options.to }, toUtcIso(new Date(started).toISOString()), options.perPage),
    pending: [],
    inFlight: null,
    sent: 0,
    ambiguous: [],
    problems: 0,
  };
  if (options.stateFile !== undefined) {
    const saved = readState(options.stateFile);
    if (saved !== undefined) {
      if (JSON.stringify(saved.run) !== JSON.stringify(run)) {
        process.stderr.write(`import: ${options.stateFile} belongs to another run (${JSON.stringify(saved.run)}); use a new --state file\n`);
        return EXIT.USAGE;
      }
      state = saved;
      if (state.inFlight !== null) {
        // See state-file.ts: not sent again; reported so a person can check those intervals.
        state.ambiguous.push(describeAmbiguous(state.inFlight));
        process.stderr.write(
          `import: the previous run stopped while posting ${state.inFlight.length} contacts; injixo may or may not have them. They are not sent again (see "ambiguous" in the summary).\n`,
        );
        state.inFlight = null;
      }
    }
  }
  const save = (): void => {
    if (options.stateFile !== undefined) writeStateAtomically(options.stateFile, state);
  };

  let stopping = false;
  const onSignal = (): void => {
    stopping = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const pacer = new RatePacer(options.rateShare);
  const transport = createAxiosTransport(options.freshdeskUrl, freshdeskKey);
  const poster = createInjixoPoster(options.injixoUrl, injixoKey, sleep);
  const wait = async (ms: number): Promise<boolean> => {
    await sleep(ms);
    return true;
  };
  const deps = { transport, pacer, now: () => Date.now(), wait };
  const progress = new Progress(process.stderr.isTTY === true);
  const problems: WalkProblem[] = [];
  const perQueue = new Map<string, number>();
  let requests = 0;
  let timedOut = 0;

  const flush = async (all: boolean): Promise<void> => {
    if (options.dryRun) {
      for (const contact of state.pending) perQueue.set(contact.queueName, (perQueue.get(contact.queueName) ?? 0) + 1);
      state.pending = [];
      return;
    }
    while (state.pending.length >= FLUSH_AT || (all && state.pending.length > 0)) {
      const [batch] = buildBatches(state.pending, options.integrationId);
      if (batch === undefined) break;
      state.inFlight = [...batch.contacts];
      state.pending = state.pending.slice(batch.contacts.length);
      save();
      let outcome;
      try {
        outcome = await poster.post(batch);
      } catch (error) {
        // A refusal proves injixo stored nothing: the body waits in `pending` for the resumed run.
        if (error instanceof InjixoPostFailed && error.storedNothing) {
          state.pending = [...batch.contacts, ...state.pending];
          state.inFlight = null;
          save();
        }
        throw error;
      }
      timedOut += outcome.timedOut;
      for (const contact of batch.contacts) perQueue.set(contact.queueName, (perQueue.get(contact.queueName) ?? 0) + 1);
      state.sent += batch.contacts.length;
      state.inFlight = null;
      save();
    }
  };

  const summary = (status: Summary['status'], exitCode: number, message?: string): Summary => {
    const elapsedMs = Date.now() - started;
    const base: Summary = {
      status,
      exitCode,
      window: { from: options.from, to: options.to },
      dryRun: options.dryRun,
      ticketsRead: state.cursor.counters.ticketsRead,
      contacts: state.cursor.counters.ticketContacts + state.cursor.counters.replyContacts,
      sent: state.sent,
      requests,
      rateLimited: pacer.counters.rateLimited,
      unreadable: state.cursor.counters.unreadable,
      problems,
      ambiguous: state.ambiguous,
      possibleDuplicatesFromTimeouts: timedOut,
      perQueue: Object.fromEntries([...perQueue.entries()].sort(([a], [b]) => a.localeCompare(b))),
      elapsedMs,
      callsPerMinute: elapsedMs > 0 ? (requests / elapsedMs) * 60_000 : 0,
      allowedCallsPerMinute: pacer.callsPerMinute(),
      rateShare: options.rateShare,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    const { handledContacts, timeEntryCalls } = state.cursor.counters;
    const withHandled = options.handled ? { ...base, handled: { contacts: handledContacts ?? 0, timeEntryCalls: timeEntryCalls ?? 0 } } : base;
    return message === undefined ? withHandled : { ...withHandled, message };
  };

  let result: Summary;
  try {
    const preflight = await checkFreshdesk(transport, options.freshdeskUrl);
    requests += 1;
    if (preflight !== undefined) {
      result = summary('failed', preflight.code, preflight.message);
      report(result, options.json);
      return result.exitCode;
    }
    const directory = await readDirectory(deps);
    requests += 2;
    if (!options.dryRun) await poster.checkKey();
    save();
    let status: 'more' | 'paused' | 'done' = 'more';
    while (status !== 'done' && !stopping) {
      const step = await walkStep(state.cursor, { ...deps, directory, replyScope: options.replyScope, handled: options.handled }, STEP_REQUESTS);
      requests += step.requests;
      status = step.status;
      for (const problem of step.problems) {
        problems.push(problem);
        process.stderr.write(`\nimport: skipped ${problem.kind}${problem.id === undefined ? '' : ` ${problem.id}`}: ${problem.message}\n`);
      }
      state.cursor = step.cursor;
      state.pending.push(...step.contacts);
      state.problems += step.problems.length;
      save();
      await flush(status === 'done');
      progress.show(state.cursor, requests, state.sent);
    }
    progress.show(state.cursor, requests, state.sent, true);
    progress.end();
    if (stopping) {
      await flush(true);
      result = summary('interrupted', EXIT.INTERRUPTED, options.stateFile === undefined ? 'interrupted; without --state a new run starts over' : `interrupted; run again with --state ${options.stateFile} to continue`);
    } else {
      result = summary('done', state.cursor.counters.unreadable > 0 ? EXIT.DONE_WITH_PROBLEMS : EXIT.OK);
    }
  } catch (error) {
    progress.end();
    if (!isAppError(error)) throw error;
    const { code, message } = exitFor(error);
    // A walk error names the path; without an answer, say which address was tried (never a key).
    const unanswered = error.code.startsWith('FRESHDESK_') && (error.status ?? 0) === 0;
    save();
    result = summary('failed', code, unanswered ? `${message} (address tried: ${options.freshdeskUrl})` : message);
  }
  // After a Ctrl-C the handlers stay: tsx relays the terminal's SIGINT to this process a second
  // time, and that copy can come after the summary; without a handler it would end the process
  // with 130 instead of the documented 8.
  if (!stopping) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  report(result, options.json);
  return result.exitCode;
}

/**
 * One call that tells a wrong address, a wrong key and an agent's key apart before anything
 * else (the Groups API is admin-only: SPEC §4), each with its exit code.
 */
export async function checkFreshdesk(transport: FreshdeskTransport, baseUrl: string): Promise<{ code: number; message: string } | undefined> {
  let answer;
  const url = `${baseUrl.replace(/\/+$/, '')}/api/v2/groups`;
  try {
    answer = await transport.get('/api/v2/groups', { per_page: 1 });
  } catch (error) {
    return { code: EXIT.FRESHDESK_ADDRESS, message: `no Freshdesk answered: ${networkFailure(url, error)}. Check --domain (and --freshdesk-url).` };
  }
  if (answer.status === 401) return exitFor(new AppErrorClass('FRESHDESK_KEY_REJECTED', 'Freshdesk rejected the API key (HTTP 401)', { status: 401 }));
  if (answer.status === 403) return exitFor(new AppErrorClass('FRESHDESK_NOT_ADMIN', 'Freshdesk refused the Groups API (HTTP 403): the key is not an Account Administrator\'s', { status: 403 }));
  const looksLikeFreshdesk = answer.status === 429 || (answer.status >= 200 && answer.status < 300 && Array.isArray(parseJsonBody(answer.body)));
  if (!looksLikeFreshdesk && answer.status < 500) {
    return { code: EXIT.FRESHDESK_ADDRESS, message: `${url} answered HTTP ${answer.status} without a Freshdesk group list: check --domain (and --freshdesk-url).` };
  }
  return undefined;
}

function report(result: Summary, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (result.message !== undefined) process.stderr.write(`import: ${result.message}\n`);
    return;
  }
  process.stdout.write(summaryText(result));
}

if (require.main === module) {
  runImport(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // Never a stack trace alone, and never the environment (the keys live there).
      process.stderr.write(`import: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT.UNEXPECTED;
    },
  );
}
