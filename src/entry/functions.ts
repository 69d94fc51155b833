/**
 * Server method invocations (SMI) the status page calls. Each answers with renderData, never a
 * secret: the health view is built from the state record only.
 */
import { readHealthView } from '../delivery/health-view';
import { runDelivery } from '../delivery/run';
import { gapCommand, historyCommand, pauseImport, readImportView, resumeImport } from '../import/in-app';
import { FRESHDESK_HOST_KEY } from '../storage/keys';
import type { HandlerArgs, Platform } from '../platform/types';
import { checkConnection } from '../remote/connection-check';
import { readSettings } from '../schemas/iparams';

function messageOf(error: unknown): string {
  return (error as { message?: string } | undefined)?.message ?? 'unknown error';
}

export async function getStatus(_args: HandlerArgs, platform: Platform): Promise<void> {
  try {
    const view = await readHealthView(platform.db, platform.now());
    const importView = await readImportView(platform.db, platform.now());
    const host = importView && view.gaps.length === 0 ? undefined : await rememberedHost(platform.db);
    // Without an import, the history before the install is the CLI's to fetch.
    const history = host && !importView ? { cliCommand: historyCommand(host, Date.parse(view.installedAt)) } : undefined;
    const gapCommands = host ? view.gaps.map((g) => gapCommand(host, g.from, g.to)) : undefined;
    platform.renderData(null, { ...view, ...(importView ? { import: importView } : {}), ...(history ? { history } : {}), ...(gapCommands ? { gapCommands } : {}) });
  } catch (error) {
    platform.renderData({ message: `Status unavailable: ${messageOf(error)}`, status: 503 });
  }
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
