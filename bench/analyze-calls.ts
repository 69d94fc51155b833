/**
 * "Where the calls go": every platform call of the day, attributed to who made it and why,
 * and a few what-ifs computed from those numbers (never from the app's constants, so the
 * section stays true when the app changes).
 */
import type { InvocationProfile } from './break-down-ledger';

export interface CallShare {
  what: string;
  calls: number;
  perContact: number;
  share: number;
}

export interface DeliveryRunCost {
  runs: number;
  posted: number;
  nothingPosted: number;
  leaseRefused: number;
  failed: number;
  /** Mean platform calls per run, all runs / runs that posted / runs that posted nothing. */
  meanCalls: number;
  meanCallsPosted: number;
  meanCallsNothingPosted: number;
  /** Mean contacts per injixo post. */
  contactsPerPost: number;
}

export interface WhatIf {
  idea: string;
  savedCalls: number;
  perContactAfter: number;
  note: string;
}

export interface CallAnalysis {
  contacts: number;
  totalCalls: number;
  /** Calls made by event handlers (incl. overflow retries) and by delivery runs. */
  eventCalls: number;
  deliveryCalls: number;
  perContact: number;
  shares: CallShare[];
  eventWrites: { tickets: number; replies: number; updates: number; overflowSchedules: number };
  deliveryRuns: DeliveryRunCost;
  whatIfs: WhatIf[];
}

const EVENT_ROLE: Record<string, string> = {
  onTicketCreate: 'ticket created',
  onConversationCreate: 'reply',
  onTicketUpdate: 'ticket update',
};

function roleOf(p: InvocationProfile): string {
  const eventRole = EVENT_ROLE[p.event];
  if (eventRole) return `event handler (${eventRole})`;
  if (p.activity.startsWith('delivery run')) return 'delivery run';
  if (p.activity.startsWith('overflow retry')) return 'overflow retry';
  return p.event;
}

function callsOf(p: InvocationProfile): number {
  return p.calls.request + p.calls.kv + p.calls.schedule;
}

function sumDetail(profiles: readonly InvocationProfile[], match: (detail: string) => boolean): number {
  let n = 0;
  for (const p of profiles) for (const [detail, count] of Object.entries(p.detail)) if (match(detail)) n += count;
  return n;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

export function analyzeCalls(profiles: readonly InvocationProfile[], contacts: number): CallAnalysis {
  const byWhat = new Map<string, number>();
  for (const p of profiles) {
    const role = roleOf(p);
    for (const [detail, count] of Object.entries(p.detail)) byWhat.set(`${role}: ${detail}`, (byWhat.get(`${role}: ${detail}`) ?? 0) + count);
  }
  const totalCalls = [...byWhat.values()].reduce((a, b) => a + b, 0);
  const per = (n: number): number => n / Math.max(1, contacts);
  const shares = [...byWhat.entries()]
    .map(([what, calls]) => ({ what, calls, perContact: per(calls), share: calls / Math.max(1, totalCalls) }))
    .sort((a, b) => b.calls - a.calls || a.what.localeCompare(b.what));

  const eventProfiles = (event: string): InvocationProfile[] => profiles.filter((p) => p.event === event);
  const appends = (event: string): number => eventProfiles(event).filter((p) => p.activity === 'outbox append').length;
  const eventWrites = {
    tickets: appends('onTicketCreate'),
    replies: appends('onConversationCreate'),
    updates: appends('onTicketUpdate'),
    overflowSchedules: sumDetail(
      profiles.filter((p) => EVENT_ROLE[p.event] !== undefined),
      (d) => d === 'schedule overflow create',
    ),
  };

  const runs = profiles.filter((p) => p.activity.startsWith('delivery run'));
  const posted = runs.filter((p) => p.activity === 'delivery run (posted)');
  const nothingPosted = runs.filter((p) => p.activity === 'delivery run (nothing posted)');
  const posts = sumDetail(runs, (d) => d === 'request injixoPostContacts');
  const deliveryRuns: DeliveryRunCost = {
    runs: runs.length,
    posted: posted.length,
    nothingPosted: nothingPosted.length,
    leaseRefused: runs.filter((p) => p.activity === 'delivery run (lease refused)').length,
    failed: runs.filter((p) => !p.ok).length,
    meanCalls: mean(runs.map(callsOf)),
    meanCallsPosted: mean(posted.map(callsOf)),
    meanCallsNothingPosted: mean(nothingPosted.map(callsOf)),
    contactsPerPost: contacts / Math.max(1, posts),
  };

  const deliveryCalls = runs.reduce((sum, p) => sum + callsOf(p), 0);
  const eventCalls = profiles.filter((p) => EVENT_ROLE[p.event] !== undefined || p.activity.startsWith('overflow retry')).reduce((sum, p) => sum + callsOf(p), 0);
  // Calls a run makes whatever it carries: lease, state read and write, ticket-book shard read
  // and write, and its first post. Measured as the per-run mean of those lines.
  const fixedPerRun = (sumDetail(runs, (d) => /^kv (lease|state) /.test(d) || /^kv tickets /.test(d)) + posted.length) / Math.max(1, runs.length);
  const whatIf = (idea: string, saved: number, note: string): WhatIf => ({ idea, savedCalls: saved, perContactAfter: per(totalCalls - saved), note });
  const completed = runs.filter((p) => p.ok && (p.detail['kv outbox delete'] ?? 0) > 0);
  const emptySlotDeletes = completed.reduce((sum, p) => sum + Math.min(p.missingOutboxReads, p.detail['kv outbox delete'] ?? 0), 0);
  const idle = completed.filter((p) => p.missingOutboxReads === (p.detail['kv outbox get'] ?? 0) && p.activity === 'delivery run (nothing posted)');
  const whatIfs: WhatIf[] = [
    whatIf(
      'skip the delete of an outbox slot whose read was a 404',
      emptySlotDeletes,
      `${emptySlotDeletes} deletes of slots nothing was appended to; exact saving, no behaviour change`,
    ),
    whatIf(
      'also skip the state write of a run that found every slot empty (advance the cursor lazily)',
      emptySlotDeletes + idle.length,
      `${idle.length} runs read only empty slots; the next busy run then reads the skipped empty slots again, so this is an upper bound`,
    ),
    whatIf(
      'deliver every 20 minutes instead of 10',
      (runs.length / 2) * fixedPerRun,
      `per-run fixed part ≈ ${fixedPerRun.toFixed(1)} calls (lease, state get/set, ticket-book shard get/update, first post); a slot must still fit the 40 KB KV value limit`,
    ),
    whatIf(
      'deliver every 30 minutes instead of 10',
      ((runs.length * 2) / 3) * fixedPerRun,
      'same estimate; one hour of backlog per run (12 slots) stays within the per-run caps',
    ),
    whatIf(
      'no outbox append for ticket updates (attribution then read from Freshdesk at delivery)',
      eventWrites.updates,
      `${eventWrites.updates} appends today; they buy correct attribution of later replies without a Freshdesk look-up (SPEC §2 rule 3), so removing them moves cost to $request, not away`,
    ),
  ];
  return { contacts, totalCalls, eventCalls, deliveryCalls, perContact: per(totalCalls), shares, eventWrites, deliveryRuns: { ...deliveryRuns }, whatIfs: whatIfs.filter((w) => w.savedCalls > 0) };
}
