import { isNotFound } from '../platform/refusals';
import type { KeyValueStore } from '../platform/types';
import { COUNTERS_KEY } from '../storage/keys';
import type { FailureCode } from '../remote/errors';
import { gapList } from './gaps';
import { waitingIds } from './missing-tickets';
import { GUIDANCE } from './messages';
import { renamedQueues } from './queue-names';
import { type RecentVolumeView, volumeView } from './recent-volume';
import { chunkListSize, readState } from './state';
import type { AppState, Gap } from './stored-data';

export type FlowState = 'flowing' | 'key_rejected' | 'injixo_unavailable' | 'backlog_draining' | 'waiting_for_first_delivery';

/** What the status page shows. Built only from the state record: no settings, no keys. */
export interface HealthView {
  state: FlowState;
  installedAt: string;
  lastSuccessAt: string | null;
  lastFailure: { code: FailureCode; message: string; status: number | null; at: string; guidance: string } | null;
  consecutiveFailures: number;
  keyRejectedSince: string | null;
  backlog: number;
  parked: number;
  dropped: number;
  invalidPayloads: number;
  /** Offered contacts per queue and hour over the last 24 hours (recent-volume.ts). */
  recent: RecentVolumeView;
  /** Queues whose Freshdesk group or source was renamed: injixo keeps receiving `keptName` (SPEC §2 rule 4). */
  renamedQueues: RenamedQueue[];
  /** Periods the app knows or suspects it missed contacts in, newest first (gaps.ts). */
  gaps: Gap[];
  /** Tickets whose creation event never came, found by their ids and counted (missing-tickets.ts), and those still awaited. */
  missingTickets: { repaired: number; waiting: number };
}

export interface RenamedQueue {
  queueIdentifier: string;
  keptName: string;
  currentName: string;
}

export function flowStateOf(state: AppState): FlowState {
  const h = state.health;
  if (h.keyRejectedSince) return 'key_rejected';
  if (h.consecutiveFailures > 0 && h.lastFailure?.code === 'INJIXO_UNAVAILABLE') return 'injixo_unavailable';
  if (chunkListSize(state.backlog) > 0) return 'backlog_draining';
  if (!h.lastSuccessAt) return 'waiting_for_first_delivery';
  return 'flowing';
}

export function toHealthView(state: AppState, counters: Record<string, unknown>, nowMs: number): HealthView {
  const h = state.health;
  const failure = h.lastFailure;
  return {
    state: flowStateOf(state),
    installedAt: state.installedAt,
    lastSuccessAt: h.lastSuccessAt ?? null,
    lastFailure: failure
      ? { code: failure.code, message: failure.message, status: failure.status ?? null, at: failure.at, guidance: GUIDANCE[failure.code] }
      : null,
    consecutiveFailures: h.consecutiveFailures,
    keyRejectedSince: h.keyRejectedSince ?? null,
    backlog: chunkListSize(state.backlog),
    parked: chunkListSize(state.parked),
    dropped: h.dropped + numberOr0(counters.lost_events),
    invalidPayloads: numberOr0(counters.invalid_payloads),
    recent: volumeView(h.recent, nowMs),
    renamedQueues: renamedQueues(state),
    gaps: gapList(state, counters),
    missingTickets: { repaired: state.missing?.repaired ?? 0, waiting: waitingIds(state.missing) },
  };
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export async function readHealthView(db: KeyValueStore, nowMs: number): Promise<HealthView> {
  const state = await readState(db, nowMs);
  let counters: Record<string, unknown> = {};
  try {
    counters = await db.get(COUNTERS_KEY);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return toHealthView(state, counters, nowMs);
}
