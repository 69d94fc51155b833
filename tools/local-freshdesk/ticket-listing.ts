/**
 * `GET /api/v2/tickets` over a world that may hold a million tickets, without building them
 * all: ticket ids rise with created_at, and a ticket's activity is bounded in time, so the
 * candidates of a query are an id range (or a slice of the timeline) walked lazily.
 * Semantics from the Freshdesk API v2 reference, "List All Tickets".
 */
import type { FreshdeskTicket, TicketFacts, World, WorldEventKind } from './world';

export const TICKET_ORDER_FIELDS = ['created_at', 'due_by', 'updated_at', 'status'] as const;
export type TicketOrderField = (typeof TICKET_ORDER_FIELDS)[number];

/** "By default, only tickets that have been created within the past 30 days will be returned." */
export const DEFAULT_WINDOW_MS = 30 * 24 * 3600 * 1000;

export interface TicketListQuery {
  /** spam / deleted show only those; otherwise spam and deleted tickets are left out. */
  filter: 'spam' | 'deleted' | undefined;
  /** ms; when absent only tickets created in the last 30 days are listed. */
  updatedSince: number | undefined;
  orderBy: TicketOrderField;
  orderType: 'asc' | 'desc';
  perPage: number;
  page: number;
}

export interface TicketListPage {
  tickets: FreshdeskTicket[];
  /** Whether a next page has at least one ticket. */
  hasMore: boolean;
}

function passesFilter(ticket: TicketFacts, filter: TicketListQuery['filter']): boolean {
  if (filter === 'deleted') return ticket.deleted;
  if (filter === 'spam') return ticket.spam && !ticket.deleted;
  return !ticket.spam && !ticket.deleted;
}

function* idsBetween(low: number, high: number, ascending: boolean): Generator<number> {
  if (ascending) for (let id = low; id <= high; id += 1) yield id;
  else for (let id = high; id >= low; id -= 1) yield id;
}

const TICKET_STEP_KINDS: ReadonlySet<WorldEventKind> = new Set(['ticketCreated', 'conversationCreated', 'ticketUpdated']);

/** The ids of the tickets the query selects, in the query's order, lazily. */
function* selectTicketIds(world: World, now: number, query: TicketListQuery): Generator<number> {
  const { updatedSince } = query;
  const matches = (ticket: TicketFacts | undefined): ticket is TicketFacts => {
    if (!ticket || !passesFilter(ticket, query.filter)) return false;
    return updatedSince !== undefined ? ticket.updatedAt >= updatedSince : ticket.createdAt >= now - DEFAULT_WINDOW_MS;
  };
  const highId = world.latestTicketIdAt(now);
  const lowId =
    updatedSince !== undefined ? world.earliestTicketActiveAt(updatedSince) : world.latestTicketIdAt(now - DEFAULT_WINDOW_MS - 1) + 1;
  const ascending = query.orderType === 'asc';

  if (query.orderBy === 'created_at') {
    for (const id of idsBetween(lowId, highId, ascending)) {
      if (matches(world.ticketFactsAsOf(id, now))) yield id;
    }
    return;
  }
  if (query.orderBy === 'updated_at' && ascending && updatedSince !== undefined) {
    // A ticket's updated_at is its last event up to now: walking the timeline from
    // updated_since yields each ticket exactly once, at that event, already in order.
    for (const event of world.timeline(updatedSince, now + 1)) {
      // Time entries share their step's second and agents have no ticket: one event per ticket step.
      if (!TICKET_STEP_KINDS.has(event.kind)) continue;
      const ticket = world.ticketFactsAsOf(event.ticketId, now);
      if (matches(ticket) && ticket.updatedAt === event.at) yield ticket.id;
    }
    return;
  }
  // Other orders are not monotone in id: sort (id, key) pairs; only the page is built.
  const keyed: { id: number; key: number }[] = [];
  for (const id of idsBetween(lowId, highId, true)) {
    const ticket = world.ticketFactsAsOf(id, now);
    if (!matches(ticket)) continue;
    const key = query.orderBy === 'status' ? ticket.status : query.orderBy === 'due_by' ? ticket.dueBy : ticket.updatedAt;
    keyed.push({ id, key });
  }
  const direction = ascending ? 1 : -1;
  keyed.sort((left, right) => direction * (left.key - right.key || left.id - right.id));
  for (const { id } of keyed) yield id;
}

/** One page of `GET /api/v2/tickets` as of `now`. */
export function listTickets(world: World, now: number, query: TicketListQuery): TicketListPage {
  const skip = (query.page - 1) * query.perPage;
  const tickets: FreshdeskTicket[] = [];
  let seen = 0;
  for (const id of selectTicketIds(world, now, query)) {
    seen += 1;
    if (seen <= skip) continue;
    if (tickets.length === query.perPage) return { tickets, hasMore: true };
    const ticket = world.ticketAsOf(id, now);
    if (ticket) tickets.push(ticket);
  }
  return { tickets, hasMore: false };
}
