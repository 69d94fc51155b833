/**
 * Server method invocations (SMI) the status page calls. Each answers with renderData, never a
 * secret: the health view is built from the state record only.
 */
import { healthViewOf, type HealthView } from '../delivery/status/health-view';
import { readState } from '../delivery/commit/state';
import { runDelivery } from '../delivery/run/run';
import { gapCommand, historyCommand, pauseImport, resumeImport, type ImportView } from '../import/in-app';
import { checkViewOfState } from '../import/check-view';
import { ledgerStart, startReplay } from '../import/replay';
import { FRESHDESK_HOST_KEY } from '../storage/keys';
import { log } from '../platform/log';
import type { HandlerArgs, Platform } from '../platform/types';
import { checkConnection } from '../remote/connection-check';
import { readSettings, type Settings } from '../schemas/iparams';

function messageOf(error: unknown): string {
  return (error as { message?: string } | undefined)?.message ?? 'unknown error';
}

export async function getStatus(args: HandlerArgs, platform: Platform): Promise<void> {
  try {
    platform.renderData(null, await statusAnswer(platform, readSettings(args.iparams)));
  } catch (error) {
    platform.renderData({ message: `Status unavailable: ${messageOf(error)}`, status: 503 });
  }
}

/**
 * Everything the status page shows, from the state record alone (issue 22 item 1): ONE KV read a
 * load, whatever the account does. The record is the snapshot delivery runs write anyway (the
 * health view, folded-in counters, each walk's view, the host); `asOf` is when a run last wrote it.
 */
async function statusAnswer(platform: Platform, settings: Settings): Promise<Record<string, unknown>> {
  const nowMs = platform.now();
  const state = await readState(platform.db, nowMs);
  const view = healthViewOf(state, nowMs, settings);
  const importView = shownWalk(state.walks?.import, nowMs) as ImportView | undefined;
  const replayView = shownWalk(state.walks?.replay, nowMs);
  const check = checkViewOfState(state, { nowMs, installedAt: view.installedAt, settings });
  const running = shownWalk(check.running as Record<string, unknown> | undefined, nowMs) as typeof check.running;
  if (running) check.running = running;
  return {
    ...view,
    ...optional('import', importView),
    ...optional('replay', replayView),
    check,
    ...commandsFor(state.host, view, importView),
    ledgerFrom: new Date(ledgerStart(nowMs)).toISOString(),
    answeredAt: new Date(nowMs).toISOString(),
    ...(state.lastRunAt !== undefined ? { asOf: new Date(state.lastRunAt).toISOString() } : {}),
  };
}

/**
 * A walk's view as the walk kept it, with its refusal's `past` said at this answer's time (the
 * view may have been kept before the retry time came).
 */
function shownWalk(view: Record<string, unknown> | undefined, nowMs: number): Record<string, unknown> | undefined {
  const refusal = view?.refusal as { retryAt?: string } | undefined;
  if (!view || refusal?.retryAt === undefined) return view;
  return { ...view, refusal: { ...refusal, past: Date.parse(refusal.retryAt) <= nowMs } };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** Without an import, the history before the install is the CLI's to fetch; each gap has its command too. */
function commandsFor(host: string | undefined, view: HealthView, importView: ImportView | undefined): { history?: { cliCommand: string }; gapCommands?: string[] } {
  if (!host) return {};
  const history = importView ? {} : { history: { cliCommand: historyCommand(host, Date.parse(view.installedAt)) } };
  return { ...history, gapCommands: view.gaps.map((g) => gapCommand(host, g.from, g.to)) };
}

async function rememberedHost(db: Platform['db']): Promise<string | undefined> {
  try {
    const stored = await db.get(FRESHDESK_HOST_KEY);
    return typeof stored.host === 'string' ? stored.host : undefined;
  } catch {
    return undefined;
  }
}

export async function testConnection(_args: HandlerArgs, platform: Platform): Promise<void> {
  platform.renderData(null, await checkConnection(platform.request));
}

export async function deliverNow(args: HandlerArgs, platform: Platform): Promise<void> {
  try {
    platform.renderData(null, await runDelivery({ ...platform, nowMs: platform.now(), settings: readSettings(args.iparams) }));
  } catch (error) {
    platform.renderData({ message: `Delivery failed: ${messageOf(error)}`, status: 503 });
  }
}

/** The status page's import buttons; both answer with the import's new view (null: no import). */
export async function pauseImportFn(_args: HandlerArgs, platform: Platform): Promise<void> {
  try {
    platform.renderData(null, { import: (await pauseImport(platform)) ?? null });
  } catch (error) {
    platform.renderData({ message: `Pause failed: ${messageOf(error)}`, status: 503 });
  }
}

export async function resumeImportFn(_args: HandlerArgs, platform: Platform): Promise<void> {
  try {
    platform.renderData(null, { import: (await resumeImport(platform)) ?? null });
  } catch (error) {
    platform.renderData({ message: `Resume failed: ${messageOf(error)}`, status: 503 });
  }
}

/**
 * The status page's "Replay a period": `{ from, to }` as ISO times with a zone. Answers
 * `{ replay }` when it started or `{ refused: { code, message, … } }` saying why not.
 */
export async function replayPeriod(args: HandlerArgs, platform: Platform): Promise<void> {
  try {
    const host = await rememberedHost(platform.db);
    if (!host) {
      platform.renderData(null, { refused: { code: 'no_host', message: 'the Freshdesk address is not known yet; open the status page again in a minute' } });
      return;
    }
    // An SMI receives the page's payload at the top level of its arguments.
    platform.renderData(null, await startReplay(platform, host, args.from, args.to));
  } catch (error) {
    // A refusal of the platform is a sentence with the time to try again, never its own message.
    const retryAt = new Date(platform.now() + 60_000).toISOString();
    log('warn', 'PLATFORM_LIMIT', `a replay asked from the status page was refused by the platform (${messageOf(error)}); the page says to ask again at ${retryAt}`);
    platform.renderData(null, { refused: { code: 'busy_platform', message: `the platform is busy right now; ask again at ${retryAt}`, retryAt } });
  }
}
