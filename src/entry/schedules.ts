/**
 * Entry point for every schedule the app creates (the platform fires them all through the one
 * onScheduledEvent handler): delivery runs, import slices, and records the KV limit refused at
 * event time.
 */
import { keepRecord } from '../delivery/intake/keep-record';
import { unpackRecord } from '../delivery/intake/outbox';
import { runDelivery } from '../delivery/run/run';
import { validateScheduleData } from '../delivery/stored/stored-data';
import { runImportSlice } from '../import/in-app';
import { runReplaySlice } from '../import/replay';
import { log } from '../platform/log';
import type { HandlerArgs, Platform } from '../platform/types';
import { readSettings } from '../schemas/iparams';
import { freshdeskHostFrom } from '../remote/freshdesk-host';

export async function onScheduledEvent(args: HandlerArgs, platform: Platform): Promise<void> {
  const data = validateScheduleData(args.data);
  if (!data.ok) {
    // A schedule of an older or newer version, or a corrupt payload: nothing to retry.
    log('warn', 'UNKNOWN_SCHEDULE', `a schedule fired with data this version cannot read (${data.error.message}); ignored`);
    return;
  }
  switch (data.value.kind) {
    case 'deliver':
      await runDelivery({ ...platform, nowMs: platform.now(), settings: readSettings(args.iparams), ...deliveryExtras(args) });
      return;
    case 'import':
      await runImportSlice(platform, readSettings(args.iparams), data.value.token);
      return;
    case 'replay':
      await runReplaySlice(platform, readSettings(args.iparams), data.value.token);
      return;
    case 'hold':
    case 'overflow':
      // A record the KV store refused at intake, held in this schedule ('overflow' before the word).
      await keepRecord(platform, args.event, unpackRecord(data.value.record));
      return;
  }
}

/** The recurring schedule's data (it may carry a handed-off commit; a follow-up's says followUp), and the account's host. */
function deliveryExtras(args: HandlerArgs): { recurringScheduleData?: Record<string, unknown>; host?: string } {
  const data = args.data as Record<string, unknown>;
  const host = freshdeskHostFrom(args.currentHost, args.domain);
  return { ...(data.followUp === undefined ? { recurringScheduleData: data } : {}), ...(host !== undefined ? { host } : {}) };
}
