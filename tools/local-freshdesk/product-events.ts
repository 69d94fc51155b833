/**
 * FDK product-event payloads for world events, in the shape of the platform's own samples
 * (server/test_data/support_ticket/onTicketCreate.json, onConversationCreate.json,
 * onTicketUpdate.json): `data.ticket` + `actor` + `requester` for ticket events,
 * `data.conversation` + `actor` — no ticket — for conversations, and `ticket.changes` as
 * `{attribute: [old, new]}` on updates. Names and emails are synthetic (example.com).
 */
import { agentEmail } from './agents';
import type { ConversationKind, FreshdeskTicket, World, WorldEvent } from './world';

export type ProductEventName =
  | 'onTicketCreate'
  | 'onConversationCreate'
  | 'onTicketUpdate'
  | 'onTimeEntryCreate'
  | 'onTimeEntryUpdate'
  | 'onTimeEntryDelete'
  | 'onAgentUpdate'
  | 'onAgentAvailabilityUpdate';

export interface ProductEvent {
  event: ProductEventName;
  data: Record<string, unknown>;
}

/** The full handler argument as the platform passes it (minus iparams and currentHost). */
export interface ProductEventArgs extends ProductEvent {
  region: string;
  account_id: string;
  domain: string;
  /** Seconds since the epoch, as in the FDK samples. */
  timestamp: number;
}

const EVENT_NAMES: Record<WorldEvent['kind'], ProductEventName> = {
  ticketCreated: 'onTicketCreate',
  conversationCreated: 'onConversationCreate',
  ticketUpdated: 'onTicketUpdate',
  timeEntryCreated: 'onTimeEntryCreate',
  timeEntryUpdated: 'onTimeEntryUpdate',
  timeEntryDeleted: 'onTimeEntryDelete',
  agentUpdated: 'onAgentUpdate',
};

/**
 * Conversation categories: the FDK sample shows `{id: 2, name: "agent_private_response"}` with
 * kind "private_note"; the other ids and names are [assumption] — the app must not read them.
 */
const CONVERSATION_CATEGORIES: Record<ConversationKind, { id: number; name: string; kind: string }> = {
  customer_reply: { id: 1, name: 'customer_response', kind: 'reply' },
  agent_reply: { id: 3, name: 'agent_response', kind: 'reply' },
  private_note: { id: 2, name: 'agent_private_response', kind: 'private_note' },
  public_note: { id: 4, name: 'agent_public_note', kind: 'public_note' },
  survey_feedback: { id: 5, name: 'survey_feedback', kind: 'feedback' },
  forward: { id: 6, name: 'agent_forward', kind: 'forward' },
  channel_reply: { id: 7, name: 'channel_response', kind: 'reply' },
};

/** Ticket sources an agent creates (phone, outbound email, walk-in) rather than the customer. */
const AGENT_CREATED_SOURCES = new Set([3, 10, 102]);

function iso(at: number): string {
  return new Date(at).toISOString().replace('.000Z', 'Z');
}

function describeUser(id: number, isAgent: boolean, world: World, at: number): Record<string, unknown> {
  const name = isAgent ? `Agent ${id % 1000}` : `Requester ${id % 100_000}`;
  return {
    sanitized_phone: null,
    company_id: null,
    first_name: name,
    org_contact_id: null,
    org_agent_id: isAgent ? String(id) : null,
    last_seen_at: null,
    city: null,
    name,
    failed_login_count: 0,
    blocked_at: null,
    customer_id: null,
    email: isAgent ? agentEmail(id) : `requester${id % 100_000}@example.com`,
    state: null,
    parent_id: 0,
    description: null,
    job_title: null,
    tags: [],
    current_login_ip: null,
    timezone: 'Etc/UTC',
    privileges: isAgent ? '1' : '0',
    whitelisted: false,
    visitor_id: null,
    twitter_id: null,
    country: null,
    user_role: null,
    current_login_at: isAgent ? iso(at) : null,
    fb_profile_id: null,
    last_login_at: isAgent ? iso(at) : null,
    other_emails: [],
    id,
    account_id: world.account.accountId,
    language: 'en',
    last_name: null,
    second_email: null,
    last_login_ip: null,
    other_company_ids: [],
    extn: null,
    login_count: isAgent ? 1 : 0,
    preferences: {
      agent_preferences: {},
      user_preferences: { was_agent: false, agent_deleted_forever: false, marked_for_hard_delete: false },
    },
    delta: true,
    external_id: null,
    address: null,
    blocked: false,
    created_at: iso(world.start - 90 * 86_400_000),
    import_id: null,
    posts_count: 0,
    type: isAgent ? 'agent' : 'contact',
    helpdesk_agent: isAgent,
    updated_at: iso(world.start - 90 * 86_400_000),
    mobile: null,
    deleted_at: null,
    time_zone: 'UTC',
    deleted: false,
    phone: null,
    unique_external_id: null,
    sanitized_mobile: null,
    active: true,
  };
}

function describeRequester(ticket: FreshdeskTicket): Record<string, unknown> {
  const handle = ticket.requester_id % 100_000;
  return {
    id: ticket.requester_id,
    name: `Requester ${handle}`,
    email: `requester${handle}@example.com`,
    mobile: null,
    phone: null,
    language: 'en',
    created_at: ticket.created_at,
  };
}

function describeTicket(world: World, ticket: FreshdeskTicket): Record<string, unknown> {
  return {
    model_id: 28_000_000 + ticket.id,
    subject: ticket.subject,
    description: ticket.description,
    is_description_truncated: false,
    description_text: ticket.description_text,
    is_description_text_truncated: false,
    due_by: ticket.due_by,
    first_response_by_bhrs: null,
    fr_due_by: ticket.fr_due_by,
    fr_escalated: ticket.fr_escalated,
    is_escalated: ticket.is_escalated,
    fwd_emails: ticket.fwd_emails,
    reply_cc_emails: ticket.reply_cc_emails,
    email_config_id: ticket.email_config_id,
    id: ticket.id,
    group_id: ticket.group_id,
    product_id: ticket.product_id,
    company_id: ticket.company_id,
    requester_id: ticket.requester_id,
    responder_id: ticket.responder_id,
    status: ticket.status,
    priority: ticket.priority,
    type: ticket.type,
    tags: ticket.tags,
    spam: ticket.spam,
    source: ticket.source,
    source_info: null,
    tweet_id: null,
    cc_emails: ticket.cc_emails,
    to_emails: ticket.to_emails,
    created_at: ticket.created_at,
    updated_at: ticket.updated_at,
    attachments: [],
    custom_fields: ticket.custom_fields,
    account_id: world.account.accountId,
    sla_policy_id: null,
    resolution_escalation_level: null,
    response_reminded: false,
    resolution_reminded: false,
    time_to_resolution_in_bhrs: null,
    time_to_resolution_in_chrs: null,
    inbound_count: 1,
    archive: false,
    internal_agent_id: null,
    internal_group_id: null,
    outbound_email: ticket.source === 10,
    watchers: [],
    urgent: ticket.priority === 4,
    trained: false,
    deleted: ticket.deleted,
    group_users: [],
    import_id: null,
    on_state_time: null,
    source_additional_info: null,
    status_stop_sla_timer: ticket.status >= 4,
    status_deleted: false,
    skill_id: null,
    nr_escalated: null,
    next_response_reminded: false,
    nr_due_by: null,
    attachment_ids: [],
    first_assign_by_bhrs: null,
    first_response_id: null,
    first_response_group_id: null,
    first_response_agent_id: null,
    first_assign_agent_id: ticket.responder_id,
    first_assign_group_id: ticket.group_id,
    agent_reassigned_count: null,
    group_reassigned_count: null,
    reopened_count: null,
    private_note_count: null,
    public_note_count: null,
    agent_reply_count: null,
    customer_reply_count: null,
    agent_assigned_flag: ticket.responder_id !== null,
    agent_reassigned_flag: null,
    group_assigned_flag: ticket.group_id !== null ? true : null,
    group_reassigned_flag: null,
    internal_agent_assigned_flag: null,
    internal_agent_reassigned_flag: null,
    internal_group_assigned_flag: null,
    internal_group_reassigned_flag: null,
    internal_agent_first_assign_in_bhrs: null,
    last_resolved_at: null,
    closed_at: null,
    resolved_at: null,
    first_response_time: null,
    first_assigned_at: ticket.responder_id !== null ? ticket.created_at : null,
    assigned_at: ticket.responder_id !== null ? ticket.created_at : null,
    bcc_emails: [],
    tkt_cc: [],
    associates: null,
    associates_rdb: null,
    parent_id: null,
    support_email: null,
    internal_agent_uid: null,
    responder_uid: ticket.responder_id === null ? null : String(ticket.responder_id),
    watchers_uid_list: [],
    group_users_uid_list: [],
    requester_responded_at: null,
    agent_responded_at: null,
  };
}

function requireTicket(world: World, event: WorldEvent): FreshdeskTicket {
  const ticket = world.ticketAsOf(event.ticketId, event.at);
  if (!ticket) throw new Error(`toProductEvent: ticket ${event.ticketId} does not exist at ${iso(event.at)}`);
  return ticket;
}

/**
 * Every product event a world event fires: one, except an agent's change where custom statuses
 * are on, which fires `onAgentUpdate` and `onAgentAvailabilityUpdate` with the same agent
 * ([assumption]: both; the app must take the pair as one change).
 */
export function toProductEvents(world: World, event: WorldEvent): ProductEvent[] {
  const first = toProductEvent(world, event);
  if (event.kind !== 'agentUpdated' || !world.customStatuses) return [first];
  return [first, { event: 'onAgentAvailabilityUpdate', data: first.data }];
}

/** The `{event, data}` the platform hands to the product-event handler for a world event. */
export function toProductEvent(world: World, event: WorldEvent): ProductEvent {
  const name = EVENT_NAMES[event.kind];
  switch (event.kind) {
    case 'timeEntryCreated':
    case 'timeEntryUpdated':
    case 'timeEntryDeleted':
      return { event: name, data: timeEntryData(world, event) };
    case 'agentUpdated':
      return { event: name, data: agentData(world, event) };
    case 'ticketCreated': {
      const ticket = requireTicket(world, event);
      const byAgent = AGENT_CREATED_SOURCES.has(ticket.source);
      const actor = byAgent
        ? describeUser(ticket.responder_id ?? world.agentIds[0] ?? 0, true, world, event.at)
        : describeUser(ticket.requester_id, false, world, event.at);
      return { event: name, data: { ticket: describeTicket(world, ticket), actor, requester: describeRequester(ticket) } };
    }
    case 'ticketUpdated': {
      const ticket = requireTicket(world, event);
      const actor = describeUser(ticket.responder_id ?? world.agentIds[0] ?? 0, true, world, event.at);
      const described = { ...describeTicket(world, ticket), changes: { ...event.changes } };
      return { event: name, data: { ticket: described, actor, requester: describeRequester(ticket) } };
    }
    case 'conversationCreated': {
      const found = event.conversationId === undefined ? undefined : world.conversation(event.ticketId, event.conversationId);
      if (!found) throw new Error(`toProductEvent: conversation ${String(event.conversationId)} of ticket ${event.ticketId} is unknown`);
      const { json, kind } = found;
      const category = CONVERSATION_CATEGORIES[kind];
      const conversation = {
        id: json.id,
        body: json.body,
        is_body_truncated: false,
        body_text: json.body_text,
        is_body_text_truncated: false,
        from_email: json.from_email,
        bcc_emails: json.bcc_emails,
        support_email: json.support_email,
        user_id: json.user_id,
        ticket_id: json.ticket_id,
        private: json.private,
        incoming: json.incoming,
        source: json.source,
        cc_emails: json.cc_emails,
        to_emails: json.to_emails,
        created_at: json.created_at,
        updated_at: json.updated_at,
        attachments: [],
        account_id: world.account.accountId,
        category: { id: category.id, name: category.name },
        deleted: false,
        archive: false,
        email_config_id: null,
        header_info: null,
        response_time_in_seconds: null,
        response_time_by_bhrs: null,
        response_violated: null,
        last_modified_user_id: null,
        to_email_user_ids: [],
        to_email_user_uids: null,
        last_modified_timestamp: null,
        notable_id: 28_000_000 + json.ticket_id,
        notable_type: 'Helpdesk::Ticket',
        attachment_ids: [],
        source_additional_info: null,
        kind: category.kind,
      };
      return { event: name, data: { conversation, actor: describeUser(json.user_id, !json.incoming, world, event.at) } };
    }
  }
}

/** The whole handler argument for a world event, as in the FDK samples' top level. */
export function toProductEventArgs(world: World, event: WorldEvent): ProductEventArgs {
  return {
    region: world.account.region,
    ...toProductEvent(world, event),
    account_id: String(world.account.accountId),
    domain: world.account.domain,
    timestamp: event.at / 1000,
  };
}

/**
 * A time entry event's data, shaped like the FDK samples (onTimeEntry*.json): the entry with
 * `time_spent` in seconds, `changes.time_spent` on an update, only `{id, ticket_id}` on a delete.
 */
function timeEntryData(world: World, event: WorldEvent): Record<string, unknown> {
  const id = event.timeEntryId ?? -1;
  if (event.kind === 'timeEntryDeleted') return { time_entry: { id, ticket_id: event.ticketId }, actor: describeUser(world.agentIds[0] ?? 0, true, world, event.at) };
  const entry = world.timeEntryAsOf(event.ticketId, id, event.at);
  if (!entry) throw new Error(`toProductEvent: time entry ${id} of ticket ${event.ticketId} does not exist at ${iso(event.at)}`);
  const before = world.timeEntryAsOf(event.ticketId, id, event.at - 1000);
  const changes = event.kind === 'timeEntryUpdated' && before ? { changes: { time_spent: [before.time_spent, entry.time_spent] } } : {};
  return { time_entry: { ...entry, ...changes }, actor: describeUser(entry.agent_id, true, world, event.at) };
}

/** An agent event's data ([assumption] shape, see src/schemas/product-events.ts and server/test_data/support_agent). */
function agentData(world: World, event: WorldEvent): Record<string, unknown> {
  const agentId = event.agentId ?? -1;
  const changes = world.agentChanges(world.start, event.at + 1000, agentId);
  const change = changes[changes.length - 1];
  if (!change || change.at !== event.at) throw new Error(`toProductEvent: agent ${agentId} has no change at ${iso(event.at)}`);
  const before = changes[changes.length - 2];
  const agent = {
    id: agentId,
    available: change.available,
    occasional: false,
    ticket_scope: 1,
    status_id: change.statusId,
    status_updated_at: iso(change.at),
    available_since: change.available ? iso(change.at) : null,
    created_at: iso(world.start - 90 * 86_400_000),
    updated_at: iso(change.at),
    contact: { name: `Agent ${agentId % 1000}`, email: agentEmail(agentId), active: true },
  };
  const modelChanges = change.statusId !== null || before?.statusId !== undefined && before.statusId !== null
    ? { status_id: [before?.statusId ?? null, change.statusId], available: [before?.available ?? !change.available, change.available] }
    : { available: [before?.available ?? !change.available, change.available] };
  return { agent, changes: { model_changes: modelChanges }, actor: describeUser(agentId, true, world, event.at) };
}
