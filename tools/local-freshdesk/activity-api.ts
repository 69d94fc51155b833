/**
 * What the local Freshdesk answers about issue 14's facts: a ticket's `stats` (`include=stats`),
 * agents (`GET /api/v2/agents`). Shapes from the Freshdesk API v2 reference ("View a Ticket" /
 * "List All Tickets" with include=stats, "List All Agents"); choices the reference does not
 * settle are marked [assumption].
 */
import { agentEmail } from './agents';
import type { World } from './world';

/** `include` values per endpoint (reference: list takes stats, requester, description; view also conversations, company). */
export const LIST_INCLUDES = ['stats', 'requester', 'description'] as const;
export const VIEW_INCLUDES = ['conversations', 'requester', 'company', 'stats'] as const;
/** Reference ("List All Tickets"): each include consumes 2 more API credits. */
export const CREDITS_PER_INCLUDE = 2;

export interface TicketStats {
  agent_responded_at: string | null;
  requester_responded_at: string | null;
  first_responded_at: string | null;
  status_updated_at: string | null;
  reopened_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  pending_since: string | null;
}

function isoOrNull(at: number | undefined): string | null {
  return at === undefined ? null : new Date(at).toISOString().replace('.000Z', 'Z');
}

/** The `include` values asked for, or the first value the endpoint does not take. */
export function readIncludes(value: string | null, allowed: readonly string[]): { includes: string[]; invalid?: string } {
  if (value === null) return { includes: [] };
  const includes = value.split(',').map((part) => part.trim());
  const invalid = includes.find((part) => !allowed.includes(part));
  return invalid === undefined ? { includes } : { includes, invalid };
}

function lastAt<T extends { at: number }>(items: readonly T[], predicate: (item: T) => boolean): number | undefined {
  let found: number | undefined;
  for (const item of items) if (predicate(item)) found = item.at;
  return found;
}

/**
 * The ticket's stats as of `now`. `resolved_at` is the LATEST resolution (a reopened ticket
 * resolved again shows the second time) and stays set once the ticket is closed: Freshdesk's
 * ticket states keep one resolved_at that each resolution overwrites (the FDK onTicketUpdate
 * sample carries `resolved_at` next to `last_resolved_at`, and the reference documents no
 * first-resolution time). [assumption] Whoever needs the FIRST resolution must not read it from
 * here for reopened tickets.
 */
export function ticketStats(world: World, ticketId: number, now: number): TicketStats {
  const changes = world.statusChangesOf(ticketId).filter((change) => change.at <= now);
  const conversations = (world.conversationsAsOf(ticketId, now) ?? []).map((conversation) => ({
    at: Date.parse(conversation.created_at),
    incoming: conversation.incoming,
    public: !conversation.private && conversation.source !== 2,
  }));
  const status = changes[changes.length - 1]?.to;
  const agentReply = conversations.find((item) => !item.incoming && item.public);
  return {
    agent_responded_at: isoOrNull(lastAt(conversations, (item) => !item.incoming && item.public)),
    requester_responded_at: isoOrNull(lastAt(conversations, (item) => item.incoming)),
    first_responded_at: isoOrNull(agentReply?.at),
    status_updated_at: isoOrNull(changes[changes.length - 1]?.at),
    reopened_at: isoOrNull(lastAt(changes, (change) => change.from >= 4 && change.to < 4)),
    resolved_at: isoOrNull(lastAt(changes, (change) => change.to >= 4 && change.from < 4)),
    closed_at: isoOrNull(lastAt(changes, (change) => change.to === 5)),
    pending_since: status === 3 ? isoOrNull(lastAt(changes, (change) => change.to === 3)) : null,
  };
}

/**
 * An agent as `GET /api/v2/agents` returns it, with its availability as of `now` (the last
 * change up to then; unavailable before any, and always without the agents option).
 */
export function agentJson(world: World, agentId: number, now: number): Record<string, unknown> {
  const changes = world.agentChanges(world.start, now + 1, agentId);
  const last = changes[changes.length - 1];
  const available = last?.available === true;
  const created = isoOrNull(world.start - 90 * 86_400_000);
  return {
    id: agentId,
    available,
    available_since: available ? isoOrNull(last?.at) : null,
    occasional: false,
    signature: null,
    ticket_scope: 1,
    type: 'support_agent',
    created_at: created,
    updated_at: isoOrNull(last?.at ?? world.start - 90 * 86_400_000),
    contact: {
      active: true,
      email: agentEmail(agentId),
      job_title: null,
      language: 'en',
      last_login_at: null,
      mobile: null,
      name: `Agent ${agentId % 1000}`,
      phone: null,
      time_zone: 'UTC',
      created_at: created,
      updated_at: created,
    },
  };
}
