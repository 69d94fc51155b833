import type { Handler } from '../platform/types';
import { withFreshdeskHost } from '../remote/with-freshdesk-host';
import { deliverNow, getStatus, pauseImportFn, replayPeriod, resumeImportFn, testConnection } from './functions';
import { afterAppUpdate, onAppInstall, onAppUninstall } from './lifecycle';
import {
  onAgentAvailabilityUpdate,
  onAgentUpdate,
  onConversationCreate,
  onTicketCreate,
  onTicketUpdate,
  onTimeEntryCreate,
  onTimeEntryDelete,
  onTimeEntryUpdate,
} from './product-events';
import { onScheduledEvent } from './schedules';

/**
 * Every handler named in manifest.json, keyed by that name. tools/build generates the
 * literal `exports = { … }` of server/server.js from this object and the manifest.
 */
export const handlers: Record<string, Handler> = withFreshdeskHost({
  onTicketCreateHandler: onTicketCreate,
  onConversationCreateHandler: onConversationCreate,
  onTicketUpdateHandler: onTicketUpdate,
  onTimeEntryCreateHandler: onTimeEntryCreate,
  onTimeEntryUpdateHandler: onTimeEntryUpdate,
  onTimeEntryDeleteHandler: onTimeEntryDelete,
  onAgentUpdateHandler: onAgentUpdate,
  onAgentAvailabilityUpdateHandler: onAgentAvailabilityUpdate,
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
