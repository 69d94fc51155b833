/**
 * The counting oracle: what injixo should have received for a world, written straight from
 * SPEC §2 and deliberately independent of the app's own mapping code (src/ is never imported),
 * so a test comparing the two catches a bug in either.
 */
import { agentEmail } from './agents';
import type { FreshdeskTicket, World } from './world';

export type ReplyScope = 'customer' | 'all_public';

export interface ExpectedContact {
  queueIdentifier: string;
  queueName: string;
  /** UTC ISO-8601 with Z, whole seconds (SPEC §2 rule 11). */
  timestamp: string;
  kind: 'tickets' | 'replies';
  /** Ticket source for tickets, conversation source for replies. */
  sourceId: number;
  ticketId: number;
  conversationId?: number;
}

export interface OracleOptions {
  replyScope: ReplyScope;
  /** ms, inclusive; default the world's start. */
  from?: number;
  /** ms, exclusive; default the world's end. */
  to?: number;
  /**
   * Import mode (SPEC §8): what a walk of the Freshdesk API at `importAt` can know. Every
   * contact is attributed to its ticket's group, source and spam/deleted state as of then (the
   * API tells only the current ones), named with the groups as of then, and tickets
   * hard-deleted by then are absent (no listing returns them).
   */
  importAt?: number;
}

/**
 * SPEC §2 rule 8: conversation sources are their own enumeration; each channel's replies count
 * under the ticket source of the same channel: [conversation source, ticket source].
 */
const CHANNEL_PAIRS: ReadonlyArray<readonly [number, number]> = [
  [0, 1], // reply: email
  [5, 5], // tweet: twitter
  [7, 6], // facebook
  [8, 1], // forwarded email: email
  [9, 3], // phone
  [10, 8], // mobihelp
  [11, 11], // e-commerce
];

/** SPEC §2 rule 7's fallback names, for ticket sources the account does not label. */
const FALLBACK_NAMES = ['email', 'portal', 'phone', 'forum', 'twitter', 'facebook', 'chat', 'mobihelp', 'feedback widget', 'outbound email', 'e-commerce', 'bot'];

const NOTE_SOURCE = 2;
const SURVEY_FEEDBACK_SOURCE = 6;
const UNKNOWN_NAME = 'Unknown group/source';

function toTimestamp(at: number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Rule 10: a contact's queue identifier from its ticket's facts (undefined: the ticket is gone);
 * spam, deleted or gone tickets count as unknown (rule 5).
 */
export function queueIdentifierOf(ticket: Pick<FreshdeskTicket, 'group_id' | 'spam' | 'deleted'> | undefined, ticketSource: number, kind: 'tickets' | 'replies'): string {
  if (!ticket || ticket.spam || ticket.deleted) return `freshdesk/unknown/unknown/${kind}`;
  return `freshdesk/${ticket.group_id === null ? 'none' : String(ticket.group_id)}/${ticketSource}/${kind}`;
}

/** Rule 8: the ticket source a reply of this conversation source counts under. */
export function replyTicketSource(conversationSource: number, ticketSource: number): number {
  const pair = CHANNEL_PAIRS.find(([source]) => source === conversationSource);
  return pair ? pair[1] : ticketSource;
}

type QueueFor = (ticket: FreshdeskTicket | undefined, ticketSource: number, kind: 'tickets' | 'replies', at: number) => { queueIdentifier: string; queueName: string };

/** Rules 4, 5, 7 and 10: a contact's queue from its ticket's facts, named as of `at`. */
function queueNaming(world: World): QueueFor {
  const sourceNames = new Map<number, string>();
  for (const [label, id] of Object.entries(world.sourceChoices())) sourceNames.set(id, label.toLowerCase());
  // Rule 7: the account's label, else the fallback name (ids 1–12), else `source <id>`. A reply's
  // channel can land on a source the account does not label (an email reply on a chat-only account).
  const sourceName = (id: number): string => sourceNames.get(id) ?? FALLBACK_NAMES[id - 1] ?? `source ${id}`;

  const groupName = (groupId: number | null, at: number): string => {
    if (groupId === null) return 'No group';
    const group = world.groupsAsOf(at).find((candidate) => candidate.id === groupId);
    return group ? group.name : `Group ${groupId}`;
  };

  const queueFor = (
    ticket: FreshdeskTicket | undefined,
    ticketSource: number,
    kind: 'tickets' | 'replies',
    at: number,
  ): { queueIdentifier: string; queueName: string } => {
    const suffix = kind === 'tickets' ? 'Tickets' : 'Replies';
    if (!ticket || ticket.spam || ticket.deleted) {
      return { queueIdentifier: `freshdesk/unknown/unknown/${kind}`, queueName: `${UNKNOWN_NAME} ${suffix}` };
    }
    return {
      queueIdentifier: queueIdentifierOf(ticket, ticketSource, kind),
      queueName: `${groupName(ticket.group_id, at)} ${sourceName(ticketSource)} ${suffix}`,
    };
  };
  return queueFor;
}

/** Every offered contact the app should send for the world's events in [from, to). */
export function expectedOfferedContacts(world: World, options: OracleOptions): ExpectedContact[] {
  const queueFor = queueNaming(world);
  const contacts: ExpectedContact[] = [];
  for (const event of world.timeline(options.from, options.to)) {
    // Rule 3: updates never count; nor do time entries and agents' changes (issue 14).
    if (event.kind !== 'ticketCreated' && event.kind !== 'conversationCreated') continue;
    const asOf = options.importAt ?? event.at;
    const ticket = world.ticketAsOf(event.ticketId, asOf);
    if (options.importAt !== undefined && !ticket) continue;
    const timestamp = toTimestamp(event.at);
    if (event.kind === 'ticketCreated') {
      if (!ticket) throw new Error(`oracle: ticket ${event.ticketId} is missing at its own creation`);
      const queue = queueFor(ticket, ticket.source, 'tickets', asOf);
      contacts.push({ ...queue, timestamp, kind: 'tickets', sourceId: ticket.source, ticketId: event.ticketId });
      continue;
    }
    const conversationId = event.conversationId ?? -1;
    const found = world.conversation(event.ticketId, conversationId);
    if (!found) throw new Error(`oracle: conversation ${conversationId} of ticket ${event.ticketId} is unknown`);
    const conversation = found.json;
    // Rule 2: public, not a note, not survey feedback; customer scope also needs incoming.
    if (conversation.private || conversation.source === NOTE_SOURCE || conversation.source === SURVEY_FEEDBACK_SOURCE) continue;
    if (options.replyScope === 'customer' && !conversation.incoming) continue;
    const pair = CHANNEL_PAIRS.find(([conversationSource]) => conversationSource === conversation.source);
    // Outside the table the reply takes the ticket's own source; without a ticket it is Unknown anyway.
    const queue = queueFor(ticket, pair ? pair[1] : (ticket?.source ?? -1), 'replies', asOf);
    contacts.push({ ...queue, timestamp, kind: 'replies', sourceId: conversation.source, ticketId: event.ticketId, conversationId });
  }
  return contacts;
}

/** queueIdentifier → 15-minute UTC interval start (ISO) → count. */
export function countPerQueueInterval(contacts: readonly Pick<ExpectedContact, 'queueIdentifier' | 'timestamp'>[]): Map<string, Map<string, number>> {
  const counts = new Map<string, Map<string, number>>();
  const quarter = 15 * 60 * 1000;
  for (const contact of contacts) {
    const interval = toTimestamp(Math.floor(Date.parse(contact.timestamp) / quarter) * quarter);
    let perInterval = counts.get(contact.queueIdentifier);
    if (!perInterval) {
      perInterval = new Map();
      counts.set(contact.queueIdentifier, perInterval);
    }
    perInterval.set(interval, (perInterval.get(interval) ?? 0) + 1);
  }
  return counts;
}

/** A handled contact (issue 14): its offered contact's queue, the resolution time, the logged seconds. */
export interface ExpectedHandled {
  queueIdentifier: string;
  queueName: string;
  timestamp: string;
  ticketId: number;
  /** Undefined when no time entry stood at the settle time. */
  duration?: number;
}

/**
 * The design note's settle time (docs/design/handled-and-agent-statuses.md §1), written here
 * again on purpose: the oracle shares no code with the app.
 */
export const HANDLED_SETTLE_SECONDS = 30 * 60;

/**
 * Every handled contact the app should send for resolutions in [from, to): one per ticket, at
 * its first resolution (status from open to 4 or 5); none when the ticket is spam or deleted at
 * its creation or its resolution; in the Tickets queue of the ticket as created; with the sum
 * of its time entries as they stand 30 minutes after the resolution — or at `factsUntil` (ms,
 * inclusive: the last instant whose events were fed) when the feed stopped before that.
 */
export function expectedHandledContacts(world: World, options: { from?: number; to?: number; importAt?: number; factsUntil?: number } = {}): ExpectedHandled[] {
  if (options.importAt !== undefined) return expectedImportedHandled(world, { from: options.from ?? world.start, to: options.to ?? world.end, importAt: options.importAt });
  const queueFor = queueNaming(world);
  const handled: ExpectedHandled[] = [];
  const resolvedBefore = new Set<number>();
  for (const event of world.timeline(world.start, options.to)) {
    if (event.kind !== 'ticketUpdated' || !isFirstResolutionChange(event.changes) || resolvedBefore.has(event.ticketId)) continue;
    resolvedBefore.add(event.ticketId);
    if (event.at < (options.from ?? world.start)) continue;
    const createdAt = world.ticketCreatedAt(event.ticketId) ?? event.at;
    const asCreated = world.ticketAsOf(event.ticketId, createdAt);
    const atResolution = world.ticketAsOf(event.ticketId, event.at);
    if (!asCreated || !atResolution || asCreated.spam || asCreated.deleted || atResolution.spam || atResolution.deleted) continue;
    // A feed that stops early (the benchmark) has no time entries after its last event.
    const entries = world.timeEntriesAsOf(event.ticketId, Math.min(event.at + HANDLED_SETTLE_SECONDS * 1000, options.factsUntil ?? Infinity));
    const contact: ExpectedHandled = { ...queueFor(asCreated, asCreated.source, 'tickets', createdAt), timestamp: toTimestamp(event.at), ticketId: event.ticketId };
    handled.push(entries.length === 0 ? contact : { ...contact, duration: entries.reduce((sum, e) => sum + e.time_spent, 0) });
  }
  return handled;
}

/**
 * Import mode: what a walk at `importAt` can know. A ticket resolved then (status 4 or 5), not
 * spam or deleted, whose latest resolution (`stats.resolved_at`) lies in [from, to), in its
 * Tickets queue as it is then, with its time entries as they stand then — in whole minutes, as
 * the REST API gives them ("hh:mm").
 */
function expectedImportedHandled(world: World, window: { from: number; to: number; importAt: number }): ExpectedHandled[] {
  const queueFor = queueNaming(world);
  const handled: ExpectedHandled[] = [];
  for (let id = 1; id <= world.latestTicketIdAt(window.to); id += 1) {
    const ticket = world.ticketAsOf(id, window.importAt);
    const resolvedAt = world.resolvedAtAsOf(id, window.importAt);
    if (!ticket || ticket.spam || ticket.deleted || (ticket.status !== 4 && ticket.status !== 5) || resolvedAt === undefined) continue;
    if (resolvedAt < window.from || resolvedAt >= window.to) continue;
    const entries = world.timeEntriesAsOf(id, window.importAt);
    const contact: ExpectedHandled = { ...queueFor(ticket, ticket.source, 'tickets', window.importAt), timestamp: toTimestamp(resolvedAt), ticketId: id };
    handled.push(entries.length === 0 ? contact : { ...contact, duration: entries.reduce((sum, e) => sum + Math.floor(e.time_spent / 60) * 60, 0) });
  }
  return handled;
}

function isFirstResolutionChange(changes: Record<string, [unknown, unknown]> | undefined): boolean {
  const status = changes?.['status'];
  const resolved = (value: unknown): boolean => value === 4 || value === 5;
  return status !== undefined && resolved(status[1]) && !resolved(status[0]);
}

/** An agent's status between two of its changes, as injixo should hold it. */
export interface ExpectedStatusInterval {
  agentIdentifier: string;
  activityIdentifier: string;
  /** ms */
  start: number;
  end: number;
}

/**
 * The agents' closed status intervals for changes in [world start, to): from each change to the
 * agent's next one with another activity (`status-<id>` with custom statuses, else available /
 * unavailable), agents named by email (lower case) or id. The status still open at `to` is
 * returned separately: the app splits it at every delivery run.
 */
export function expectedAgentStatuses(world: World, identifyBy: 'email' | 'id', to: number = world.end): { closed: ExpectedStatusInterval[]; open: ExpectedStatusInterval[] } {
  const closed: ExpectedStatusInterval[] = [];
  const open = new Map<number, ExpectedStatusInterval>();
  for (const change of world.agentChanges(world.start, to)) {
    const activityIdentifier = change.statusId !== null ? `status-${change.statusId}` : change.available ? 'available' : 'unavailable';
    const current = open.get(change.agentId);
    if (current && current.activityIdentifier === activityIdentifier) continue;
    if (current) closed.push({ ...current, end: change.at });
    const agentIdentifier = identifyBy === 'email' ? agentEmail(change.agentId) : String(change.agentId);
    open.set(change.agentId, { agentIdentifier, activityIdentifier, start: change.at, end: to });
  }
  return { closed, open: [...open.values()] };
}
