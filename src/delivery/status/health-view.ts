import { isoOf } from '../../core/time';
import type { KeyValueStore } from '../../platform/types';
import type { FailureCode } from '../../remote/errors';
import { DELIVERY_PERIOD_MINUTES } from '../../storage/keys';
import { gapList } from '../accounting/gaps';
import { waitingIds } from '../accounting/missing-tickets';
import { GUIDANCE } from './messages';
import { renamedQueues } from '../accounting/queue-names';
import { type RecentVolumeView, volumeView } from '../accounting/recent-volume';
import { chunkListSize, readState } from '../commit/state';
import type { Settings } from '../../schemas/iparams';
import { emptyHandledState } from '../opt-in/handled-contacts';
import type { AppState, Gap } from '../stored/stored-data';

export type FlowState = 'flowing' | 'key_rejected' | 'injixo_unavailable' | 'backlog_draining' | 'waiting_for_first_delivery';

/** What the status page shows. Built from the state record (and the agents record): no keys. */
export interface HealthView {
  state: FlowState;
  installedAt: string;
  lastSuccessAt: string | null;
  lastFailure: { code: FailureCode; message: string; status: number | null; at: string; guidance: string } | null;
  consecutiveFailures: number;
  keyRejectedSince: string | null;
  backlog: number;
  setAside: number;
  dropped: number;
  invalidPayloads: number;
  /** Contacts posted that injixo never confirmed, since install (never sent again). */
  unconfirmed: number;
  /** When a delivery run last committed: the snapshot's time. */
  lastRunAt?: string;
  /** When the next delivery run is due at the latest (the recurring schedule, a period after the last). */
  nextRunAt?: string;
  /** Offered contacts per queue and hour over the last 24 hours (recent-volume.ts). */
  recent: RecentVolumeView;
  /** Queues whose Freshdesk group or source was renamed: injixo keeps receiving `keptName` (SPEC §2 rule 4). */
  renamedQueues: RenamedQueue[];
  /** Periods the app knows or suspects it missed contacts in, newest first (gaps.ts). */
  gaps: Gap[];
  /** Tickets whose creation event never came, found by their ids and counted (missing-tickets.ts), and those still awaited. */
  missingTickets: { repaired: number; waiting: number };
  /** Handled contacts (issue 14): present while the feature is on. */
  handled?: HandledView;
  /** Agent statuses (issue 14): present while the feature is on. */
  agents?: AgentsView;
}

export interface HandledView {
  sent: number;
  /** Resolved tickets waiting for their settle time. */
  waiting: number;
  /** Sent before their settle time because too many waited. */
  early: number;
  /** Time-entry changes after the handled contact was sent (injixo cannot correct them), and their seconds. */
  lateChanges: number;
  lateSeconds: number;
}

export interface AgentsView {
  sent: number;
  pending: number;
  /** The identifiers injixo receives, so the admin can map each to a person in injixo. */
  identifiers: string[];
  /** How many more identifiers there are than the list shows. */
  moreIdentifiers: number;
  /** Changes left out: older than a status already sent. */
  stale: number;
  dropped: number;
  /** Intervals posted without an answer from injixo, never posted again. */
  unconfirmed: number;
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

function failureView(failure: AppState['health']['lastFailure']): HealthView['lastFailure'] {
  return failure ? { code: failure.code, message: failure.message, status: failure.status ?? null, at: failure.at, guidance: GUIDANCE[failure.code] } : null;
}

export function toHealthView(state: AppState, nowMs: number): HealthView {
  const h = state.health;
  const counters = state.counters ?? { lostEvents: 0, invalidPayloads: 0 };
  return {
    state: flowStateOf(state),
    installedAt: state.installedAt,
    lastSuccessAt: h.lastSuccessAt ?? null,
    lastFailure: failureView(h.lastFailure),
    consecutiveFailures: h.consecutiveFailures,
    keyRejectedSince: h.keyRejectedSince ?? null,
    backlog: chunkListSize(state.backlog),
    setAside: chunkListSize(state.setAside),
    dropped: h.dropped + counters.lostEvents,
    invalidPayloads: counters.invalidPayloads,
    unconfirmed: h.unconfirmedTotal ?? 0,
    recent: volumeView(h.recent, nowMs),
    renamedQueues: renamedQueues(state),
    gaps: gapList(state),
    missingTickets: missingView(state),
    ...lastRunView(state),
  };
}

function missingView(state: AppState): HealthView['missingTickets'] {
  return { repaired: state.missing?.repaired ?? 0, waiting: waitingIds(state.missing) };
}

/** When a run last committed, and when the next one is due at the latest (the recurring schedule). */
function lastRunView(state: AppState): Pick<HealthView, 'lastRunAt' | 'nextRunAt'> {
  if (state.lastRunAt === undefined) return {};
  return { lastRunAt: isoOf(state.lastRunAt), nextRunAt: isoOf(state.lastRunAt + DELIVERY_PERIOD_MINUTES * 60_000) };
}

/**
 * The health view from the state record alone (status/snapshot.ts): one KV read a page load.
 * Each opt-in feature's part only while it is on.
 */
export function healthViewOf(state: AppState, nowMs: number, settings: Pick<Settings, 'handledContacts' | 'agentStatuses'> = { handledContacts: false, agentStatuses: false }): HealthView {
  const view = toHealthView(state, nowMs);
  if (settings.handledContacts) view.handled = handledView(state.handled);
  if (settings.agentStatuses) view.agents = state.agentsView ?? { sent: 0, pending: 0, identifiers: [], moreIdentifiers: 0, stale: 0, dropped: 0, unconfirmed: 0 };
  return view;
}

/** Reads the state record and builds the health view from it. */
export async function readHealthView(db: KeyValueStore, nowMs: number, settings?: Pick<Settings, 'handledContacts' | 'agentStatuses'>): Promise<HealthView> {
  return healthViewOf(await readState(db, nowMs), nowMs, settings);
}

function handledView(handled: AppState['handled']): HandledView {
  const h = handled ?? emptyHandledState();
  return { sent: h.sent, waiting: h.waiting.length / 3, early: h.early, lateChanges: h.late.changes, lateSeconds: h.late.seconds };
}
