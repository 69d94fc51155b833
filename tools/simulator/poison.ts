/**
 * Poison payloads (issue 19): product events the platform may hand the app that no healthy
 * Freshdesk account produces, built from a real event of the world so everything else in them
 * looks right. None may throw, stop delivery or disable the missing-ticket repair.
 */
import { queueIdentifierOf } from '../local-freshdesk/oracle';
import { toProductEvent, type ProductEventName } from '../local-freshdesk/product-events';
import type { World } from '../local-freshdesk/world';
import type { PoisonDelivery } from './faults';

/** A ticket created at 10000-01-01T04:30Z, written the way a bad clock or import would. */
export const YEAR_10000_CREATED_AT = '9999-12-31T23:30:00-05:00';
/** A ticket id no account reaches, yet an integer JSON carries exactly. */
export const HUGE_TICKET_ID = 1e15;

export interface PoisonEvent {
  at: number;
  kind: PoisonDelivery['kind'];
  event: ProductEventName;
  data: Record<string, unknown>;
  /**
   * A contact injixo may hold for it, or not: the 1e15 ticket looks like any ticket to the app
   * (only Freshdesk, asked later, says 404). Every other poison must add nothing.
   */
  optionalContact?: { queueIdentifier: string; timestamp: string };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** A real ticket created at or before `at` (the first one when none is), and the time to deliver the poison. */
function realTicket(world: World, at: number): { id: number; at: number } {
  const id = Math.max(1, world.latestTicketIdAt(at));
  return { id, at: Math.max(at, (world.ticketCreatedAt(id) ?? at) + 1000) };
}

function ticketCreation(world: World, id: number): Record<string, unknown> {
  const createdAt = world.ticketCreatedAt(id) ?? world.start;
  return toProductEvent(world, { at: createdAt, kind: 'ticketCreated', ticketId: id }).data;
}

const MALFORMED: readonly ((world: World, id: number) => { event: ProductEventName; data: Record<string, unknown> })[] = [
  // A ticket id that is not a number, and a created_at that is not a date.
  () => ({ event: 'onTicketCreate', data: { ticket: { id: 'abc', created_at: 'yesterday', group_id: null, source: 1 }, actor: {} } }),
  // A conversation without its ticket id or time.
  (world, id) => {
    const data = ticketCreation(world, id);
    return { event: 'onConversationCreate', data: { conversation: { id: 99_999_999_999, incoming: true, private: false, source: 0 }, actor: data['actor'] } };
  },
  // An update with no ticket at all.
  () => ({ event: 'onTicketUpdate', data: {} }),
  // A real ticket whose group id and created_at have the wrong types.
  (world, id) => {
    const data = ticketCreation(world, id);
    return { event: 'onTicketCreate', data: { ...data, ticket: { ...(data['ticket'] as Record<string, unknown>), group_id: 'support', created_at: 1_767_225_600 } } };
  },
];

export function poisonEvent(world: World, poison: PoisonDelivery): PoisonEvent {
  const real = realTicket(world, poison.at);
  const data = ticketCreation(world, real.id);
  const ticket = data['ticket'] as Record<string, unknown>;
  switch (poison.kind) {
    case 'year10000':
      // The real ticket's creation again, after the real one, with an impossible time.
      return { at: real.at, kind: poison.kind, event: 'onTicketCreate', data: { ...data, ticket: { ...ticket, created_at: YEAR_10000_CREATED_AT, updated_at: YEAR_10000_CREATED_AT } } };
    case 'hugeTicketId': {
      const timestamp = iso(Math.floor(real.at / 1000) * 1000);
      const queueIdentifier = queueIdentifierOf(
        { group_id: ticket['group_id'] as number | null, spam: ticket['spam'] === true, deleted: ticket['deleted'] === true },
        ticket['source'] as number,
        'tickets',
      );
      return {
        at: real.at,
        kind: poison.kind,
        event: 'onTicketCreate',
        data: { ...data, ticket: { ...ticket, id: HUGE_TICKET_ID, created_at: timestamp, updated_at: timestamp } },
        optionalContact: { queueIdentifier, timestamp },
      };
    }
    case 'malformed': {
      const build = MALFORMED[poison.variant % MALFORMED.length] as (typeof MALFORMED)[number];
      return { at: real.at, kind: poison.kind, ...build(world, real.id) };
    }
  }
}
