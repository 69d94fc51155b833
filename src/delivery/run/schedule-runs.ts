import { SCHEDULE_LEAD_MS } from '../../platform/schedule-lead';
import type { Scheduler } from '../../platform/types';
import { DELIVERY_PERIOD_MINUTES, DELIVERY_SCHEDULE, FOLLOW_UP_SCHEDULE, SCHEDULE_KINDS } from '../../storage/keys';

/**
 * A follow-up run when work remains, sooner than the recurring schedule: as soon as the
 * platform allows a schedule (5 minutes) plus a margin, see SCHEDULE_LEAD_MS.
 */
export const FOLLOW_UP_DELAY_MS = SCHEDULE_LEAD_MS;
/** The recurring run's first firing after install: the platform refuses a first run sooner than 5 minutes. */
export const FIRST_RUN_DELAY_MS = SCHEDULE_LEAD_MS;

/** The recurring delivery run, created once on install. */
export async function scheduleRecurringDelivery(schedule: Scheduler, nowMs: number): Promise<void> {
  await schedule.create({
    name: DELIVERY_SCHEDULE,
    data: { kind: SCHEDULE_KINDS.deliver },
    schedule_at: new Date(nowMs + FIRST_RUN_DELAY_MS).toISOString(),
    repeat: { time_unit: 'minutes', frequency: DELIVERY_PERIOD_MINUTES },
  });
}

/**
 * Asks for an extra delivery run soon; at most one such run is ever pending. `limitAtMs`: the KV
 * limit refused this run (its lease) then, so the intake's records are being held in one-time
 * schedules and the outbox slots the next run reads may lack them; the run it starts is told
 * (DeliveryDeps.kvLimitAt), since this one could store nothing.
 */
export async function scheduleDeliverySoon(schedule: Scheduler, nowMs: number, limitAtMs?: number): Promise<void> {
  try {
    // Marked, so the run it starts knows its data is not the recurring schedule's (pending-commit.ts).
    const data = { kind: SCHEDULE_KINDS.deliver, followUp: true, ...(limitAtMs !== undefined ? { kvLimitAt: limitAtMs } : {}) };
    await schedule.create({ name: FOLLOW_UP_SCHEDULE, data, schedule_at: new Date(nowMs + FOLLOW_UP_DELAY_MS).toISOString() });
  } catch {
    // Already scheduled (names are unique) or the scheduler is busy: the recurring run follows anyway.
  }
}

/** On uninstall; never throws, since an uninstall must never be blocked. */
export async function cancelDeliverySchedules(schedule: Scheduler): Promise<void> {
  await schedule.delete({ name: DELIVERY_SCHEDULE }).catch(() => undefined);
}
