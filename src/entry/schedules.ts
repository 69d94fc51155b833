/**
 * Entry point for every schedule the app creates (the platform fires them all through the one
 * onScheduledEvent handler): delivery runs, import slices, and records the KV limit refused at
 * event time.
 */
import { keepRecord } from '../delivery/intake/keep-record';
import { unpackRecord } from '../delivery/intake/outbox';
import { runDelivery } from '../delivery/run/run';
import { validateScheduleData } from '../delivery/stored/stored-data';
import type { AppState } from '../delivery/stored/stored-data';
import { runCheckSlice } from '../import/check';
import { runImportSlice, type SliceData } from '../import/in-app';
import { runReplaySlice } from '../import/replay';
import { askForTending, runTend, wantsTending } from '../import/tend';
import { freshdeskHostFrom } from '../remote/freshdesk-host';
import { log } from '../platform/log';
import type { HandlerArgs, Platform } from '../platform/types';
import { readSettings, type Settings } from '../schemas/iparams';

export async function onScheduledEvent(args: HandlerArgs, platform: Platform): Promise<void> {
  const data = validateScheduleData(args.data);
  if (!data.ok) {
    // A schedule of an older or newer version, or a corrupt payload: nothing to retry.
    log('warn', 'UNKNOWN_SCHEDULE', `a schedule fired with data this version cannot read (${data.error.message}); ignored`);
    return;
  }
  const value = data.value;
  const settings = (): Settings => readSettings(args.iparams);
  if (value.kind === 'deliver') return await deliverAndTend(args, platform);
  // A record the KV store refused at intake, held in this schedule ('overflow' before the word).
  if ('record' in value) return await keepRecord(platform, args.event, unpackRecord(value.record), true);
  if (value.kind === 'tend') return await runTend(platform, settings(), freshdeskHostFrom(args.currentHost, args.domain));
  // A hand-off's page is storage, read when the hand-off is applied; firing, it outlived it.
  if (value.kind === 'hand-off-page') return;
  await WALK_SLICES[value.kind](platform, settings(), value);
}

/** The walk jobs' slices, by the kind their schedule carries. */
const WALK_SLICES: Record<'import' | 'replay' | 'check', (platform: Platform, settings: Settings, data: SliceData) => Promise<void>> = {
  import: runImportSlice,
  replay: runReplaySlice,
  check: runCheckSlice,
};

/**
 * A delivery run, then — only when the state it committed marks a walk active, a daily check
 * due or a new gap — the ask for the walks' watchdog (src/import/tend.ts): a quiet account pays
 * nothing for it.
 */
async function deliverAndTend(args: HandlerArgs, platform: Platform): Promise<void> {
  const extras = deliveryExtras(args);
  const isRecurring = extras.recurringScheduleData !== undefined;
  const settings = readSettings(args.iparams);
  let committed: AppState | undefined;
  const nowMs = platform.now();
  await runDelivery({ ...platform, nowMs, settings, ...extras, onCommitted: (state) => (committed = state) });
  // Only the recurring run asks (once a period), so the tend schedules' names never meet.
  if (isRecurring && committed && wantsTending(committed, settings, nowMs)) await askForTending(platform, nowMs);
}

/** The recurring schedule's data (it may carry a handed-off commit; a follow-up's says followUp), and the account's host. */
function deliveryExtras(args: HandlerArgs): { recurringScheduleData?: Record<string, unknown>; host?: string; kvLimitAt?: number } {
  const data = args.data as Record<string, unknown>;
  const host = freshdeskHostFrom(args.currentHost, args.domain);
  const kvLimitAt = typeof data.kvLimitAt === 'number' ? { kvLimitAt: data.kvLimitAt } : {};
  return { ...(data.followUp === undefined ? { recurringScheduleData: data } : {}), ...(host !== undefined ? { host } : {}), ...kvLimitAt };
}
