import { isNotFound } from '../../platform/refusals';
import type { KeyValueStore } from '../../platform/types';
import { COUNTERS_KEY } from '../../storage/keys';
import type { FailureCode } from '../../remote/errors';
import { gapList } from '../accounting/gaps';
import { waitingIds } from '../accounting/missing-tickets';
import { GUIDANCE } from './messages';
import { renamedQueues } from '../accounting/queue-names';
import { type RecentVolumeView, volumeView } from '../accounting/recent-volume';
import { chunkListSize, readState } from '../commit/state';
import type { Settings } from '../../schemas/iparams';
import { emptyAgents, readAgents } from '../opt-in/agent-statuses';
import { emptyHandledState } from '../opt-in/handled-contacts';
import type { AgentsRecord, AppState, Gap } from '../stored/stored-data';

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
}

/** Identifiers listed on the page at most. */
export const MAX_LISTED_AGENTS = 30;

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

/** The health view; each opt-in feature's part only while it is on (the agents part costs one KV read). */
export async function readHealthView(db: KeyValueStore, nowMs: number, settings: Pick<Settings, 'handledContacts' | 'agentStatuses'> = { handledContacts: false, agentStatuses: false }): Promise<HealthView> {
  const state = await readState(db, nowMs);
  let counters: Record<string, unknown> = {};
  try {
    counters = await db.get(COUNTERS_KEY);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const view = toHealthView(state, counters, nowMs);
  if (settings.handledContacts) view.handled = handledView(state.handled);
  if (settings.agentStatuses) view.agents = agentsView(await readAgents(db));
  return view;
}

function handledView(handled: AppState['handled']): HandledView {
  const h = handled ?? emptyHandledState();
  return { sent: h.sent, waiting: h.waiting.length / 3, early: h.early, lateChanges: h.late.changes, lateSeconds: h.late.seconds };
}

function agentsView(agents: AgentsRecord | undefined): AgentsView {
  const a = agents ?? emptyAgents();
  const identifiers = [...new Set(Object.values(a.open).map(([identifier]) => identifier))].sort();
  return { sent: a.sent, pending: a.pending.length, identifiers: identifiers.slice(0, MAX_LISTED_AGENTS), moreIdentifiers: Math.max(0, identifiers.length - MAX_LISTED_AGENTS), stale: a.stale, dropped: a.dropped };
}
