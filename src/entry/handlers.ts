import type { Handler } from '../platform/types';
import { withFreshdeskHost } from '../remote/with-freshdesk-host';
import { deliverNow, getStatus, pauseImportFn, replayPeriod, resumeImportFn, testConnection } from './functions';
import { afterAppUpdate, onAppInstall, onAppUninstall } from './lifecycle';
import { productEventHandlers } from './events';
import { onScheduledEvent } from './schedules';

/**
 * Every handler named in manifest.json, keyed by that name. tools/build generates the
 * literal `exports = { … }` of server/server.js from this object and the manifest.
 */
export const handlers: Record<string, Handler> = withFreshdeskHost({
  // The product events, from their one table (events.ts).
  ...productEventHandlers(),
  onScheduledEventHandler: onScheduledEvent,
  onAppInstallHandler: onAppInstall,
  onAppUninstallHandler: onAppUninstall,
  afterAppUpdateHandler: afterAppUpdate,
  getStatus,
  deliverNow,
  testConnection,
  pauseImport: pauseImportFn,
  resumeImport: resumeImportFn,
  replayPeriod,
});
