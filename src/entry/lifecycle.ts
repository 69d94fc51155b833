/**
 * Entry points for the app's own life: install, uninstall, and settings saved (afterAppUpdate).
 */
import { cancelDeliverySchedules, scheduleDeliverySoon, scheduleRecurringDelivery } from '../delivery/run/schedule-runs';
import { newState, writeState } from '../delivery/commit/state';
import { en } from '../i18n/en';
import { log } from '../platform/log';
import type { HandlerArgs, Platform } from '../platform/types';
import { startInitialImport } from '../import/in-app';
import { checkConnection } from '../remote/connection-check';
import { freshdeskHostFrom } from '../remote/freshdesk-host';
import { readImportWindowDays } from '../schemas/iparams';
import type { ConnectionCheck } from '../remote/key-check';
import { CHECK_DAYS_KEY, CHECK_KEY, CHECK_TAKEN_KEY, IMPORT_KEY, IMPORT_STEP_KEY, IMPORT_TAKEN_KEY, REPLAY_KEY, REPLAY_TAKEN_KEY, STATE_KEY } from '../storage/keys';

/**
 * The install page checks both keys live before saving; the server checks again, because a
 * settings page can be bypassed and keys can change between the check and the install. A
 * wrong key blocks the install with a message (60 characters at most, bilingual because the
 * platform tells the server no locale); an unreachable service does not, since the backlog
 * keeps everything until it answers.
 */
export function installBlocker(check: ConnectionCheck): string | undefined {
  if (check.injixo === 'rejected') return en['install.blocked.injixoKey'];
  if (check.freshdesk === 'rejected') return en['install.blocked.freshdeskKey'];
  if (check.freshdesk === 'not_admin') return en['install.blocked.notAdmin'];
  return undefined;
}

export async function onAppInstall(args: HandlerArgs, platform: Platform): Promise<void> {
  const nowMs = platform.now();
  const check = await checkConnection(platform.request);
  const blocker = installBlocker(check);
  if (blocker) {
    log('error', 'INSTALL_BLOCKED', blocker, { injixo: check.injixo, freshdesk: check.freshdesk });
    platform.renderData({ message: blocker });
    return;
  }
  try {
    const host = freshdeskHostFrom(args.currentHost, args.domain);
    await writeState(platform.db, { ...newState(nowMs), ...(host !== undefined ? { host } : {}) }, nowMs);
    await scheduleRecurringDelivery(platform.schedule, nowMs);
    await startImportIfChosen(args, platform, nowMs);
  } catch (error) {
    log('error', 'INSTALL_FAILED', `could not prepare delivery: ${(error as { message?: string }).message ?? String(error)}`);
    platform.renderData({ message: en['install.blocked.setup'] });
    return;
  }
  log('info', 'INSTALLED', 'installed; contacts created from now on are delivered every few minutes', {
    installedAt: new Date(nowMs).toISOString(),
    injixo: check.injixo,
    freshdesk: check.freshdesk,
  });
  platform.renderData();
}

/** Issue 12: the days chosen on the install page are imported in the background (src/import/in-app.ts). */
async function startImportIfChosen(args: HandlerArgs, platform: Platform, nowMs: number): Promise<void> {
  const days = readImportWindowDays(args.iparams);
  const host = freshdeskHostFrom(args.currentHost, args.domain);
  if (days === 0) return;
  if (host === undefined) {
    log('warn', 'IMPORT_NOT_STARTED', 'the platform did not tell the Freshdesk host; the initial import cannot run (use the import CLI)');
    return;
  }
  await startInitialImport(platform, host, days, nowMs);
}

export async function onAppUninstall(_args: HandlerArgs, platform: Platform): Promise<void> {
  // Never block an uninstall: clean up what we can and always answer.
  await cancelDeliverySchedules(platform.schedule);
  await platform.db.delete(STATE_KEY).catch(() => undefined);
  await platform.db.delete(IMPORT_KEY).catch(() => undefined);
  await platform.db.delete(IMPORT_TAKEN_KEY).catch(() => undefined);
  await platform.db.delete(REPLAY_KEY).catch(() => undefined);
  await platform.db.delete(REPLAY_TAKEN_KEY).catch(() => undefined);
  for (const key of [CHECK_KEY, CHECK_TAKEN_KEY, CHECK_DAYS_KEY, IMPORT_STEP_KEY]) await platform.db.delete(key).catch(() => undefined);
  platform.renderData();
}

export async function afterAppUpdate(_args: HandlerArgs, platform: Platform): Promise<void> {
  // New settings may carry a new injixo key: drain the backlog as soon as a schedule may fire
  // (SCHEDULE_LEAD_MS, about 6 minutes) rather than at the next recurring run. Set-up events
  // must answer within 10 s, so the run itself happens in its own invocation.
  log('info', 'SETTINGS_UPDATED', 'settings saved; waiting contacts will be delivered within about 6 minutes');
  await scheduleDeliverySoon(platform.schedule, platform.now());
  platform.renderData();
}
