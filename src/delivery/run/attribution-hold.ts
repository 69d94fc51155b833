import { DELIVERY_PERIOD_MINUTES } from '../../storage/keys';
import { HOLD_DELAY_MS } from '../intake/outbox';
import type { AppState } from '../stored/stored-data';
import { DECIDES_ATTRIBUTION, type RecordKind } from '../stored/record-kinds';

/**
 * Attribution under load (issue 11 item 5). A reply is attributed with its ticket's facts as of
 * the reply (ticket-book.ts), but only with the facts the run has seen. When the KV limit
 * refuses a ticket update's record, the record waits in a one-time schedule and reaches the
 * outbox at least HOLD_DELAY_MS later, possibly in a slot after the one of a reply that
 * came after the update: that reply was then attributed to the group the ticket had left
 * (the benchmark's misattributions from 83 events/min).
 *
 * So while records are arriving late, a run holds back the replies of the last
 * HOLD_DELAY_MS + LATE_MARGIN_MS of its window (they go back to the outbox as carried
 * records, one append) and attributes them one run later, when the updates that preceded them
 * have had time to arrive. Without late records nothing is held: the normal day pays nothing.
 * An update refused more than once in a row can still arrive after the hold: that residue is
 * what the benchmark's overload section reports as surplus/missing per queue.
 */

/** A record found this long before the start of its slot came through a one-time schedule. */
export const LATE_MARGIN_MS = 60_000;
/**
 * …unless it is older than this: retries through one-time schedules take minutes, not hours
 * (the benchmark saw creation records up to ~20 minutes late), and an update dated long ago
 * (an old ticket's stale updated_at) says nothing about the KV limit.
 */
export const MAX_HOLD_LATENESS_MS = 60 * 60_000;
/** After late records were seen, replies are held for this long (overload comes in stretches). */
export const HOLD_AFTER_LATE_MS = 60 * 60_000;

const SLOT_MS = DELIVERY_PERIOD_MINUTES * 60_000;

/** How long before the start of its slot a record's fact became true. */
export function latenessOf(recordTimeMs: number, slot: number): number {
  return slot * SLOT_MS - recordTimeMs;
}

/** Whether a ticket record (creation or update) in `slot` is that late. */
export function isLateFact(recordTimeMs: number, kind: RecordKind, slot: number): boolean {
  const lateness = latenessOf(recordTimeMs, slot);
  // Only ticket facts decide how replies are attributed.
  return DECIDES_ATTRIBUTION[kind] && lateness > LATE_MARGIN_MS && lateness < MAX_HOLD_LATENESS_MS;
}

/**
 * The time after which this run's replies wait for the next run, or undefined when nothing is
 * held. Notes in the state when late ticket records were last seen and how late they came: under
 * sustained overload a record is refused again at its retry, so the hold stretches to the
 * lateness seen within the last HOLD_AFTER_LATE_MS (at least one retry, at most an hour) — a
 * reply then waits for updates that came before it rather than take the group they left (the
 * simulator's misattributions at large accounts, issue 19).
 *
 * `heldByLimit`: the KV limit refused an earlier run's lease (its follow-up says so, since that
 * run could store nothing). The intake's records are then being held too, but the slots read may
 * not show one late yet — every retry refused so far (small seeds 80, 96, 48: a time entry held
 * from before a handled contact's settle time, which went out without it). Noted like late
 * records, so replies and settled resolutions wait for them (handled-contacts.ts).
 */
export function holdRepliesAfter(state: AppState, window: { slots: readonly number[]; lateFacts: number; maxLatenessMs?: number; heldByLimit?: boolean }, nowMs: number): number | undefined {
  if (recordsAreLate(window)) noteLateness(state, window.maxLatenessMs ?? 0, nowMs);
  const last = window.slots[window.slots.length - 1];
  if (last === undefined || state.lateFactsSeenAt === undefined || nowMs - state.lateFactsSeenAt > HOLD_AFTER_LATE_MS) return undefined;
  const hold = Math.min(MAX_HOLD_LATENESS_MS, Math.max(HOLD_DELAY_MS, state.latenessMs ?? 0) + LATE_MARGIN_MS);
  return (last + 1) * SLOT_MS - hold;
}

/** Late records in the slots read, or the KV limit holding the intake's records (`heldByLimit`). */
function recordsAreLate(window: { lateFacts: number; heldByLimit?: boolean }): boolean {
  return window.lateFacts > 0 || window.heldByLimit === true;
}

/** The largest lateness of the last HOLD_AFTER_LATE_MS (an older one is forgotten when a newer stretch begins). */
function noteLateness(state: AppState, latenessMs: number, nowMs: number): void {
  const recent = state.lateFactsSeenAt !== undefined && nowMs - state.lateFactsSeenAt <= HOLD_AFTER_LATE_MS;
  state.latenessMs = Math.max(recent ? (state.latenessMs ?? 0) : 0, latenessMs);
  state.lateFactsSeenAt = nowMs;
}
