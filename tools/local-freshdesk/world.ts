/**
 * A synthetic Freshdesk account ("world") derived entirely from a seed, for the local Freshdesk
 * server, the FDK product-event payloads and the counting oracle.
 *
 * Scale without memory: a world of a million tickets is never held in memory. Every fact is a
 * pure function of (seed, a few integers), built on demand and cached in small LRU blocks:
 *
 * - Ticket i (1…N) is created at `ticketSecond(i)`: tickets per hour follow a weekly and daily
 *   profile (weekday business hours busiest), and within an hour they are spread with a small
 *   jitter, so creation times rise strictly with the id. Only the per-hour prefix counts are
 *   kept (O(days)).
 * - The seconds strictly between ticket j and ticket j+1 ("gap j") are where follow-up activity
 *   happens. Gap j draws, from (seed, j) alone, a few "demands": which earlier ticket acts there
 *   (log-uniformly 0…reach tickets back) and at which second. Distinct demands get distinct
 *   seconds inside the gap, and gaps never overlap tickets, so every ticket and every
 *   conversation of the world has its own created_at second (a duplicate (queue, timestamp) at
 *   injixo is therefore always a real duplicate), and conversation ids rise with time.
 * - What a demand *is* (customer reply, agent reply, note, group change, spam, delete, …) is
 *   decided by the owning ticket's own story, generated in time order from (seed, i), so every
 *   ticket tells a consistent story: no reply after a hard delete, reopen only after resolve.
 *
 * A ticket's story needs the demands of the gaps up to `reach` tickets after it; stories are
 * built per block of ids at once so that scanning gaps is shared.
 */
import { type AgentChange, agentChangesIn, agentEmail } from './agents';
import { createRandom, drawPoisson, pickWeighted, unitFor, type Random } from './random';

export type WorldEventKind =
  | 'ticketCreated'
  | 'conversationCreated'
  | 'ticketUpdated'
  /** Issue 14, with `timeTracking`: agents log, edit and delete time on tickets. */
  | 'timeEntryCreated'
  | 'timeEntryUpdated'
  | 'timeEntryDeleted'
  /** Issue 14, with `agents`: an agent's availability (or custom status) changes. */
  | 'agentUpdated';

export interface WorldEvent {
  /** Milliseconds since the epoch (always a whole second). */
  at: number;
  kind: WorldEventKind;
  ticketId: number;
  conversationId?: number;
  /** For ticketUpdated: `{ attribute: [old, new] }`, as Freshdesk's `ticket.changes`. */
  changes?: Record<string, [unknown, unknown]>;
  /** For time-entry events. */
  timeEntryId?: number;
  /** For agentUpdated (ticketId is 0 then). */
  agentId?: number;
}

/** A time entry as Freshdesk's events carry it (`time_spent` in seconds; the REST API says "hh:mm"). */
export interface FreshdeskTimeEntry {
  id: number;
  ticket_id: number;
  agent_id: number;
  billable: boolean;
  note: string;
  timer_running: boolean;
  time_spent: number;
  start_time: string;
  executed_at: string;
  created_at: string;
  updated_at: string;
}

export type { AgentChange } from './agents';

export interface WorldAccount {
  /** Freshdesk domain, e.g. `localdesk.freshdesk.com`. */
  domain: string;
  accountId: number;
  region: 'US' | 'EU' | 'EUC' | 'AUS' | 'IND';
  /** label → id, as the ticket_fields API returns the `default_source` choices. */
  sourceChoices: Record<string, number>;
}

export interface WorldOptions {
  seed: number;
  /** ISO-8601 start of the world (the first hour starts here). */
  start: string;
  /** Whole days of activity. */
  days: number;
  /** Average new tickets per day (the total is days × ticketsPerDay). */
  ticketsPerDay: number;
  account?: Partial<WorldAccount>;
  /**
   * Issue 14 (off by default, so existing worlds are unchanged): agents log time entries on the
   * tickets they work on, and edit or delete some later. Drawn from their own random stream.
   */
  timeTracking?: boolean;
  /**
   * Issue 14 (off by default): tickets get resolved (2 → 4) a while after creation, some are
   * then closed (4 → 5), a few reopened (→ 2) and resolved again; spam and trashed tickets too.
   * Extra status changes on seconds of their own, drawn from their own random streams.
   */
  resolutions?: boolean;
  /** Issue 14 (off by default): agents' shifts and breaks as availability changes. */
  agents?: { customStatuses: boolean };
  /**
   * Issue 19 (off by default: the six fixed groups): `count` groups (1–500) drawn from the seed,
   * with ids of up to 11 digits and names of up to 100 characters, `renames` of them renamed and
   * `deletions` deleted at seconds within the first `changeHours` hours (default: the world).
   */
  groups?: GroupsOption;
  /**
   * Issue 19 (off by default): each ticket draws a cap of 0…max replies (customer, agent and
   * channel replies, forwards); the story's replies beyond it do not happen. Its own stream.
   */
  maxRepliesPerTicket?: number;
  /**
   * Issue 19: `flat` spreads tickets evenly over every hour of every weekday, so 20,000 tickets
   * a day fit the 1,200 an hour that keep distinct seconds. Default `business` (quiet nights
   * and weekends).
   */
  hourlyProfile?: 'business' | 'flat';
}

export interface GroupsOption {
  count: number;
  renames?: number;
  deletions?: number;
  changeHours?: number;
}

/** Ticket JSON as the Freshdesk API v2 returns it from `GET /api/v2/tickets/{id}`. */
export interface FreshdeskTicket {
  id: number;
  subject: string;
  description: string;
  description_text: string;
  group_id: number | null;
  source: number;
  spam: boolean;
  deleted: boolean;
  status: number;
  priority: number;
  requester_id: number;
  responder_id: number | null;
  company_id: number | null;
  product_id: number | null;
  email_config_id: number | null;
  type: string | null;
  cc_emails: string[];
  fwd_emails: string[];
  reply_cc_emails: string[];
  to_emails: string[] | null;
  fr_escalated: boolean;
  is_escalated: boolean;
  due_by: string;
  fr_due_by: string;
  tags: string[];
  custom_fields: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

/** Conversation JSON as `GET /api/v2/tickets/{id}/conversations` returns it. */
export interface FreshdeskConversation {
  id: number;
  ticket_id: number;
  body: string;
  body_text: string;
  incoming: boolean;
  private: boolean;
  source: number;
  user_id: number;
  support_email: string | null;
  from_email: string | null;
  to_emails: string[];
  cc_emails: string[];
  bcc_emails: string[];
  attachments: unknown[];
  created_at: string;
  updated_at: string;
  last_edited_at: string | null;
  last_edited_user_id: number | null;
  source_additional_info: null;
}

/** Group JSON as `GET /api/v2/groups` returns it. */
export interface FreshdeskGroup {
  id: number;
  name: string;
  description: string;
  escalate_to: number | null;
  unassigned_for: string | null;
  business_hour_id: number | null;
  group_type: string;
  auto_ticket_assign: number;
  created_at: string;
  updated_at: string;
}

/** The few facts the ticket listing filters and sorts on, without building the ticket JSON. */
export interface TicketFacts {
  id: number;
  /** ms */
  createdAt: number;
  /** ms: the last event of the ticket up to the time asked. */
  updatedAt: number;
  /** ms */
  dueBy: number;
  status: number;
  spam: boolean;
  deleted: boolean;
}

/** What kind of conversation a story produced (the FDK payload names it). */
export type ConversationKind =
  | 'customer_reply'
  | 'agent_reply'
  | 'private_note'
  | 'public_note'
  | 'survey_feedback'
  | 'forward'
  | 'channel_reply';

export interface World {
  readonly seed: number;
  /** ms of the first hour and the end (exclusive) of the world. */
  readonly start: number;
  readonly end: number;
  readonly ticketCount: number;
  readonly account: WorldAccount;
  /** Ids of the agents who act in the world (for actor payloads). */
  readonly agentIds: readonly number[];
  /** Every event with from ≤ at < to, in time order (default: the whole world). */
  timeline(from?: number, to?: number): Iterable<WorldEvent>;
  /** The ticket as of `at`, or undefined when not created yet or hard-deleted by then. */
  ticketAsOf(id: number, at: number): FreshdeskTicket | undefined;
  /** The ticket's listing facts as of `at` (undefined like ticketAsOf): cheap enough to scan. */
  ticketFactsAsOf(id: number, at: number): TicketFacts | undefined;
  /** The ticket's conversations created up to `at`, oldest first; undefined when the ticket is not there. */
  conversationsAsOf(id: number, at: number): FreshdeskConversation[] | undefined;
  /** One conversation and what kind it is, regardless of time; undefined if unknown. */
  conversation(ticketId: number, conversationId: number): { json: FreshdeskConversation; kind: ConversationKind } | undefined;
  /** Groups that exist at `at`, with their names as of then. */
  groupsAsOf(at: number): FreshdeskGroup[];
  /** label → id of the account's ticket sources (defaults and custom ones). */
  sourceChoices(): Record<string, number>;
  /** When the ticket was created (ms), undefined for an unknown id. */
  ticketCreatedAt(id: number): number | undefined;
  /** When the ticket was hard-deleted (ms), if it ever is. */
  hardDeletedAt(id: number): number | undefined;
  /** The highest ticket id created at or before `at` (0 when none). */
  latestTicketIdAt(at: number): number;
  /** The lowest ticket id that can have any activity at or after `at` (stories are bounded). */
  earliestTicketActiveAt(at: number): number;
  /**
   * Freshdesk's `stats.resolved_at` as of `at`: the time of the ticket's latest change into
   * Resolved or Closed (ms), undefined when it was never resolved.
   */
  resolvedAtAsOf(ticketId: number, at: number): number | undefined;
  /** The ticket's time entries as they stand at `at` (deleted ones gone), oldest first. */
  timeEntriesAsOf(ticketId: number, at: number): FreshdeskTimeEntry[];
  /** One time entry as it stands at `at`, undefined once deleted or before it exists. */
  timeEntryAsOf(ticketId: number, entryId: number, at: number): FreshdeskTimeEntry | undefined;
  /** The agents' (or one agent's) status changes in [from, to), in time order (empty without the `agents` option). */
  agentChanges(from?: number, to?: number, agentId?: number): AgentChange[];
  /** Whether agents have custom statuses (then onAgentAvailabilityUpdate fires too). */
  readonly customStatuses: boolean;
  /** The ticket's status changes in time order (ms), for the API's `stats`; empty for an unknown id. */
  statusChangesOf(ticketId: number): { at: number; from: number; to: number }[];
  /**
   * Every time entry as it stands at `at` whose executed_at is in [after, before] (ms, either
   * bound optional), of tickets that exist then, by id: `GET /api/v2/time_entries`.
   */
  accountTimeEntriesAsOf(at: number, after?: number, before?: number): FreshdeskTimeEntry[];
}

const HOUR = 3600;
const DAY = 86_400;
const GAP_SLOTS = 16;
const MAX_DEMANDS_PER_GAP = 12;
const MEAN_DEMANDS_PER_GAP = 5;
/** Stories end within about this many days of ticket creation. */
const REACH_DAYS = 3;
/** A ticket needs its own second plus room for follow-ups before the next ticket. */
const MAX_TICKETS_PER_HOUR = 1200;
const BLOCK_SIZE = 2048;
export const CONVERSATION_ID_BASE = 40_000_000_000;
const GROUP_ID_BASE = 48_000_000_100;
const AGENT_ID_BASE = 48_000_001_000;
const REQUESTER_ID_BASE = 48_010_000_000;

const TAG_DAY_NOISE = 1;
const TAG_TICKET_JITTER = 2;
const TAG_GAP = 3;
const TAG_STORY = 4;
const TAG_TIME = 5;
// 6 is the agents' stream (agents.ts).
const TAG_RESOLUTION_GAP = 8;
const TAG_RESOLUTION_STORY = 9;
const TAG_GROUPS = 11;
const TAG_REPLY_CAP = 12;
/** Issue 19's drawn groups: at most this many, names at most this long. */
export const MAX_GROUPS = 500;
export const MAX_GROUP_NAME_LENGTH = 100;
/** Conversation kinds `maxRepliesPerTicket` caps (notes and survey feedback are not replies). */
const CAPPED_REPLY_KINDS: ReadonlySet<ConversationKind> = new Set(['customer_reply', 'agent_reply', 'channel_reply', 'forward']);
/** `resolutions` demands per gap: each ticket gets about this many chances to be resolved, closed or reopened. */
const MEAN_RESOLUTION_DEMANDS_PER_GAP = 4;
/** Time entries get ids of their own range (entries of one ticket at distinct seconds). */
const TIME_ENTRY_ID_BASE = 70_000_000_000;

/** UTC hour-of-day profile: quiet nights, busy business hours. */
const HOUR_WEIGHTS = [
  0.2, 0.15, 0.12, 0.12, 0.15, 0.3, 0.6, 1.1, 1.7, 2.1, 2.2, 2.1, 1.8, 1.9, 2.0, 1.9, 1.6, 1.2, 0.85, 0.6, 0.45, 0.35,
  0.3, 0.25,
];
/** Day-of-week profile, Sunday first: weekends are quiet. */
const WEEKDAY_WEIGHTS = [0.35, 1.15, 1.1, 1.05, 1.0, 0.9, 0.4];

/**
 * Freshdesk's default ticket sources with the labels the ticket_fields API shows for an account
 * (Freshdesk API v2 reference "Ticket Properties" lists Email 1, Portal 2, Phone 3, Chat 7,
 * Feedback Widget 9, Outbound Email 10; a real account's default_source field adds Forum 4,
 * Twitter 5, Facebook 6, MobiHelp 8, Ecommerce 11, Bot 12), plus custom sources whose labels the
 * admin chose — these must come from the account, never from a built-in table.
 */
export const DEFAULT_SOURCE_CHOICES: Readonly<Record<string, number>> = {
  Email: 1,
  Portal: 2,
  Phone: 3,
  Forum: 4,
  Twitter: 5,
  Facebook: 6,
  Chat: 7,
  MobiHelp: 8,
  'Feedback Widget': 9,
  'Outbound Email': 10,
  Ecommerce: 11,
  Bot: 12,
  'WhatsApp Business': 101,
  'Walk-in / Kiosk': 102,
};
const SOURCE_WEIGHTS: Readonly<Record<number, number>> = {
  1: 34, 2: 14, 3: 12, 4: 1, 5: 3, 6: 3, 7: 11, 8: 1, 9: 4, 10: 4, 11: 2, 12: 3, 101: 6, 102: 2,
};
/** Conversation sources of channel replies per ticket source (Freshdesk API v2, Conversations). */
const CHANNEL_REPLY_SOURCE: Readonly<Record<number, number>> = { 3: 9, 5: 5, 6: 7, 8: 10, 11: 11 };

/** Freshdesk API v2, Conversations: source 0 reply, 2 note, 6 survey feedback, 8 forwarded email. */
const CONVERSATION_SHAPES: Record<Exclude<ConversationKind, 'channel_reply'>, { source: number; incoming: boolean; private: boolean }> = {
  customer_reply: { source: 0, incoming: true, private: false },
  agent_reply: { source: 0, incoming: false, private: false },
  private_note: { source: 2, incoming: false, private: true },
  public_note: { source: 2, incoming: false, private: false },
  survey_feedback: { source: 6, incoming: true, private: false },
  forward: { source: 8, incoming: false, private: false },
};

interface GroupDefinition {
  id: number;
  names: { fromSecond: number; name: string }[];
  createdSecond: number;
  deletedSecond: number | undefined;
  weight: number;
}

interface TicketState {
  groupId: number | null;
  status: number;
  spam: boolean;
  deleted: boolean;
  responderId: number | null;
}

interface Demand {
  owner: number;
  second: number;
  gap: number;
  slot: number;
  /** A `resolutions` demand: only ever a status change (extraStep), never a base step. */
  extra?: true;
}

interface StoryConversation {
  id: number;
  kind: ConversationKind;
  source: number;
  incoming: boolean;
  private: boolean;
  userId: number;
}

interface StoryStep {
  second: number;
  /** State after the step. */
  state: TicketState;
  conversation?: StoryConversation;
  changes?: Record<string, [unknown, unknown]>;
}

/** One time-entry event of a ticket: the entry as it stands after it (deleted: as it was). */
interface TimeEntryStep {
  second: number;
  op: 'create' | 'update' | 'delete';
  id: number;
  seconds: number;
  agentId: number;
  timerRunning: boolean;
  createdSecond: number;
}

interface Story {
  id: number;
  /** Issue 14, with timeTracking: the ticket's time-entry events in time order. */
  timeEntries: TimeEntryStep[];
  createdSecond: number;
  source: number;
  priority: number;
  subject: string;
  type: string;
  requesterId: number;
  initial: TicketState;
  steps: StoryStep[];
  hardDeletedSecond: number | undefined;
}

const SUBJECTS = [
  'Cannot log in to my account',
  'Where is my order?',
  'Invoice shows the wrong amount',
  'Request for a refund',
  'App crashes on start',
  'How do I change my plan?',
  'Delivery arrived damaged',
  'Password reset email never came',
  'Question about opening hours',
  'Feature request: export to CSV',
];
const TICKET_TYPES = ['Question', 'Incident', 'Problem', 'Feature Request', 'Refund'];
const GROUP_NAMES = ['Customer Service', 'Billing', 'Technical Support', 'Sales', 'Returns', 'Partner Desk'];
const GROUP_WEIGHTS = [30, 20, 20, 12, 10, 8];
const RENAMED_GROUP_INDEX = 2;
const RENAMED_GROUP_NAME = 'Product Support';
const DELETED_GROUP_INDEX = 5;
const AGENT_COUNT = 12;

/** Resolution due time by priority (Low … Urgent), a plausible SLA policy. */
function dueHours(priority: number): number {
  return [72, 48, 24, 8][priority - 1] ?? 72;
}

function isoFromSecond(second: number): string {
  return new Date(second * 1000).toISOString().replace('.000Z', 'Z');
}

export function assertWorldOptions(options: WorldOptions): void {
  if (!Number.isInteger(options.seed)) throw new Error(`generateWorld: seed must be an integer, got ${options.seed}`);
  if (Number.isNaN(Date.parse(options.start))) throw new Error(`generateWorld: start is not an ISO date: ${options.start}`);
  if (!Number.isInteger(options.days) || options.days < 1) throw new Error(`generateWorld: days must be a whole number ≥ 1, got ${options.days}`);
  if (!(options.ticketsPerDay > 0)) throw new Error(`generateWorld: ticketsPerDay must be > 0, got ${options.ticketsPerDay}`);
  const groups = options.groups;
  if (groups && (!Number.isInteger(groups.count) || groups.count < 1 || groups.count > MAX_GROUPS)) {
    throw new Error(`generateWorld: groups.count must be a whole number from 1 to ${MAX_GROUPS}, got ${groups.count}`);
  }
  if (groups && (groups.deletions ?? 0) >= groups.count) throw new Error('generateWorld: groups.deletions must leave at least one group');
  const cap = options.maxRepliesPerTicket;
  if (cap !== undefined && (!Number.isInteger(cap) || cap < 0)) throw new Error(`generateWorld: maxRepliesPerTicket must be a whole number ≥ 0, got ${cap}`);
}

class GeneratedWorld implements World {
  readonly seed: number;
  readonly start: number;
  readonly end: number;
  readonly ticketCount: number;
  readonly account: WorldAccount;
  readonly agentIds: readonly number[];
  private readonly startSecond: number;
  private readonly endSecond: number;
  private readonly hours: number;
  /** ticketsBeforeHour[h] = tickets created before hour h; length hours + 1. */
  private readonly ticketsBeforeHour: Float64Array;
  private readonly reach: number;
  private readonly groups: GroupDefinition[];
  private readonly sourceIds: number[];
  private readonly sourceWeights: number[];
  private readonly blocks = new Map<number, Story[]>();
  private readonly maxBlocks: number;
  private readonly timeTracking: boolean;
  private readonly resolutions: boolean;
  private readonly agentOptions: { customStatuses: boolean } | undefined;
  private readonly options: WorldOptions;

  constructor(options: WorldOptions) {
    this.options = options;
    assertWorldOptions(options);
    this.seed = options.seed;
    this.startSecond = Math.floor(Date.parse(options.start) / 1000);
    this.hours = options.days * 24;
    this.endSecond = this.startSecond + options.days * DAY;
    this.start = this.startSecond * 1000;
    this.end = this.endSecond * 1000;
    this.ticketCount = Math.round(options.days * options.ticketsPerDay);
    this.reach = Math.max(1, Math.round(REACH_DAYS * options.ticketsPerDay));
    this.maxBlocks = Math.ceil(this.reach / BLOCK_SIZE) + 4;
    this.account = {
      domain: options.account?.domain ?? 'localdesk.freshdesk.com',
      accountId: options.account?.accountId ?? 1_000_123,
      region: options.account?.region ?? 'US',
      sourceChoices: { ...(options.account?.sourceChoices ?? DEFAULT_SOURCE_CHOICES) },
    };
    this.sourceIds = Object.values(this.account.sourceChoices);
    this.sourceWeights = this.sourceIds.map((id) => SOURCE_WEIGHTS[id] ?? 2);
    this.agentIds = Array.from({ length: AGENT_COUNT }, (_, index) => AGENT_ID_BASE + index + 1);
    this.ticketsBeforeHour = this.spreadTicketsOverHours();
    this.groups = this.defineGroups();
    this.timeTracking = options.timeTracking === true;
    this.resolutions = options.resolutions === true;
    this.agentOptions = options.agents;
  }

  get customStatuses(): boolean {
    return this.agentOptions?.customStatuses === true;
  }

  agentChanges(from: number = this.start, to: number = this.end, agentId?: number): AgentChange[] {
    if (!this.agentOptions) return [];
    return agentChangesIn({ seed: this.seed, agentIds: this.agentIds, start: this.start, end: this.end, customStatuses: this.agentOptions.customStatuses }, from, to, agentId);
  }

  private spreadTicketsOverHours(): Float64Array {
    const weights = new Float64Array(this.hours);
    let total = 0;
    for (let hour = 0; hour < this.hours; hour += 1) {
      const date = new Date((this.startSecond + hour * HOUR) * 1000);
      const day = Math.floor(hour / 24);
      const noise = 0.9 + 0.2 * unitFor(this.seed, TAG_DAY_NOISE, day);
      const profile = this.options.hourlyProfile === 'flat' ? 1 : (HOUR_WEIGHTS[date.getUTCHours()] ?? 1) * (WEEKDAY_WEIGHTS[date.getUTCDay()] ?? 1);
      const weight = profile * noise;
      weights[hour] = weight;
      total += weight;
    }
    const before = new Float64Array(this.hours + 1);
    let cumulative = 0;
    for (let hour = 0; hour < this.hours; hour += 1) {
      cumulative += weights[hour] ?? 0;
      before[hour + 1] = hour + 1 === this.hours ? this.ticketCount : Math.round((this.ticketCount * cumulative) / total);
      const inHour = (before[hour + 1] ?? 0) - (before[hour] ?? 0);
      if (inHour > MAX_TICKETS_PER_HOUR) {
        throw new Error(
          `generateWorld: ${inHour} tickets in one hour is more than the ${MAX_TICKETS_PER_HOUR} that fit with distinct seconds; lower ticketsPerDay`,
        );
      }
    }
    return before;
  }

  private defineGroups(): GroupDefinition[] {
    if (this.options.groups) return drawGroups(this.seed, this.options.groups, this.startSecond, this.endSecond);
    const span = this.endSecond - this.startSecond;
    return GROUP_NAMES.map((name, index) => ({
      id: GROUP_ID_BASE + index + 1,
      names:
        index === RENAMED_GROUP_INDEX
          ? [
              { fromSecond: -Infinity, name },
              { fromSecond: this.startSecond + Math.floor(span / 2), name: RENAMED_GROUP_NAME },
            ]
          : [{ fromSecond: -Infinity, name }],
      createdSecond: this.startSecond - 90 * DAY + index * HOUR,
      deletedSecond: index === DELETED_GROUP_INDEX ? this.startSecond + Math.floor(span * 0.6) : undefined,
      weight: GROUP_WEIGHTS[index] ?? 1,
    }));
  }

  // ---- ticket creation times ----

  private ticketSecond(id: number): number {
    // The hour h with ticketsBeforeHour[h] < id ≤ ticketsBeforeHour[h + 1].
    let low = 0;
    let high = this.hours - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.ticketsBeforeHour[middle] ?? 0) < id) low = middle;
      else high = middle - 1;
    }
    const before = this.ticketsBeforeHour[low] ?? 0;
    const inHour = (this.ticketsBeforeHour[low + 1] ?? 0) - before;
    const spacing = HOUR / inHour;
    // Jitter below half a spacing (spacing ≥ 3 s) keeps seconds strictly increasing.
    const offset = Math.floor((id - before - 1 + 0.5 * unitFor(this.seed, TAG_TICKET_JITTER, id)) * spacing);
    return this.startSecond + low * HOUR + offset;
  }

  private latestTicketIdAtSecond(second: number): number {
    let low = 0;
    let high = this.ticketCount;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.ticketSecond(middle) <= second) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  latestTicketIdAt(at: number): number {
    return this.latestTicketIdAtSecond(Math.floor(at / 1000));
  }

  earliestTicketActiveAt(at: number): number {
    // Ticket i acts only in gaps i … i + reach, which end before ticket i + reach + 1 is created.
    return Math.max(1, this.latestTicketIdAt(at) - this.reach);
  }

  ticketCreatedAt(id: number): number | undefined {
    return this.isTicketId(id) ? this.ticketSecond(id) * 1000 : undefined;
  }

  private isTicketId(id: number): boolean {
    return Number.isInteger(id) && id >= 1 && id <= this.ticketCount;
  }

  // ---- demands (follow-up slots) ----

  private gapEnd(gap: number): number {
    return gap === this.ticketCount ? this.endSecond : this.ticketSecond(gap + 1);
  }

  /** The demands of gap `gap`, which runs from ticket `gap` (at `from`) to `to` (both exclusive). */
  private gapDemands(gap: number, from: number, to: number): Demand[] {
    const free = to - from - 1;
    const random = createRandom(this.seed, TAG_GAP, gap);
    const count = Math.min(drawPoisson(random, MEAN_DEMANDS_PER_GAP), free, MAX_DEMANDS_PER_GAP);
    const demands: Demand[] = [];
    const logReach = Math.log(this.reach + 1);
    for (let slot = 0; slot < count; slot += 1) {
      const back = Math.floor(Math.exp(random() * logReach)) - 1;
      const owner = gap - back;
      if (owner < 1) continue;
      demands.push({ owner, gap, slot, second: from + 1 + Math.floor((slot * free) / count) });
    }
    return demands;
  }

  /**
   * The `resolutions` demands of a gap: a stream of their own (TAG_RESOLUTION_GAP), on seconds
   * the base demands leave free, so every ticket event keeps its own second and the base
   * demands are exactly those of a world without the option.
   */
  private gapExtraDemands(gap: number, from: number, to: number, base: readonly Demand[]): Demand[] {
    const taken = new Set(base.map((demand) => demand.second));
    const span = to - from - 1;
    const random = createRandom(this.seed, TAG_RESOLUTION_GAP, gap);
    const count = Math.min(drawPoisson(random, MEAN_RESOLUTION_DEMANDS_PER_GAP), span - taken.size, MAX_DEMANDS_PER_GAP);
    const demands: Demand[] = [];
    const logReach = Math.log(this.reach + 1);
    for (let slot = 0; slot < count; slot += 1) {
      const owner = gap - (Math.floor(Math.exp(random() * logReach)) - 1);
      const second = freeSecondNear(taken, from + 1 + Math.floor(((slot + 0.5) * span) / count), from, to);
      taken.add(second);
      if (owner >= 1) demands.push({ owner, gap, slot, second, extra: true });
    }
    return demands;
  }

  /** Base demands, and with `resolutions` the extra ones, in time order. */
  private allGapDemands(gap: number, from: number, to: number): Demand[] {
    const base = this.gapDemands(gap, from, to);
    if (!this.resolutions) return base;
    return [...base, ...this.gapExtraDemands(gap, from, to, base)].sort((left, right) => left.second - right.second);
  }

  /**
   * A `resolutions` step: resolve an open ticket (spam and trashed ones too: agents resolve
   * them), close or reopen a resolved one. Status only: what the base story counts is untouched.
   */
  private extraStep(random: Random, state: TicketState, demand: Demand): StoryStep | undefined {
    const roll = random();
    if ((state.status === 2 || state.status === 3) && roll < 0.3) return this.updateStep(demand, state, { status: 4 });
    if (state.status === 4 && roll < 0.25) return this.updateStep(demand, state, { status: 5 });
    if (state.status === 4 && roll < 0.31) return this.updateStep(demand, state, { status: 2 });
    return undefined;
  }

  // ---- stories ----

  private story(id: number): Story {
    const block = Math.floor((id - 1) / BLOCK_SIZE);
    let stories = this.blocks.get(block);
    if (stories) {
      this.blocks.delete(block);
    } else {
      stories = this.buildBlock(block);
      if (this.blocks.size >= this.maxBlocks) {
        const oldest = this.blocks.keys().next().value;
        if (oldest !== undefined) this.blocks.delete(oldest);
      }
    }
    this.blocks.set(block, stories);
    const story = stories[id - 1 - block * BLOCK_SIZE];
    if (!story) throw new Error(`local Freshdesk world: no story for ticket ${id}`);
    return story;
  }

  private buildBlock(block: number): Story[] {
    const first = block * BLOCK_SIZE + 1;
    const last = Math.min(this.ticketCount, first + BLOCK_SIZE - 1);
    const demandsByTicket: Demand[][] = Array.from({ length: last - first + 1 }, () => []);
    const lastGap = Math.min(this.ticketCount, last + this.reach);
    let from = this.ticketSecond(first);
    for (let gap = first; gap <= lastGap; gap += 1) {
      const to = this.gapEnd(gap);
      const demands = this.allGapDemands(gap, from, to);
      from = to;
      for (const demand of demands) {
        if (demand.owner >= first && demand.owner <= last) demandsByTicket[demand.owner - first]?.push(demand);
      }
    }
    return demandsByTicket.map((demands, index) => this.buildStory(first + index, demands));
  }

  private activeGroups(second: number): GroupDefinition[] {
    return this.groups.filter((group) => group.createdSecond <= second && (group.deletedSecond === undefined || second < group.deletedSecond));
  }

  private pickGroup(random: Random, second: number, except: number | null): number | null {
    const candidates = this.activeGroups(second).filter((group) => group.id !== except);
    const index = pickWeighted(random, candidates.map((group) => group.weight));
    return candidates[index]?.id ?? null;
  }

  private pickAgent(random: Random): number {
    return this.agentIds[Math.floor(random() * this.agentIds.length)] ?? AGENT_ID_BASE + 1;
  }

  private buildStory(id: number, demands: Demand[]): Story {
    const random = createRandom(this.seed, TAG_STORY, id);
    const createdSecond = this.ticketSecond(id);
    const source = this.sourceIds[pickWeighted(random, this.sourceWeights)] ?? 1;
    const priority = 1 + pickWeighted(random, [50, 30, 15, 5]);
    const subject = SUBJECTS[Math.floor(random() * SUBJECTS.length)] ?? 'Help needed';
    const type = TICKET_TYPES[Math.floor(random() * TICKET_TYPES.length)] ?? 'Question';
    const requesterId = REQUESTER_ID_BASE + Math.floor(random() * 50_000);
    const spam = random() < 0.02;
    const unassigned = random() < 0.2;
    const groupId = this.pickGroup(random, createdSecond, null);
    const responderId = random() < 0.4 ? this.pickAgent(random) : null;
    const initial: TicketState = {
      groupId: unassigned ? null : groupId,
      status: 2,
      spam,
      deleted: false,
      responderId: unassigned ? null : responderId,
    };
    const story: Story = { id, createdSecond, source, priority, subject, type, requesterId, initial, steps: [], timeEntries: [], hardDeletedSecond: undefined };
    // Created only with the option: a stream of its own, so the base draws stay in place.
    const extraRandom = this.resolutions ? createRandom(this.seed, TAG_RESOLUTION_STORY, id) : random;
    // Drawn only with the option, from a stream of its own: a world without it is unchanged.
    const maxReplies = this.options.maxRepliesPerTicket;
    let repliesLeft = maxReplies === undefined ? Infinity : Math.floor(unitFor(this.seed, TAG_REPLY_CAP, id) * (maxReplies + 1));
    let state = initial;
    for (const demand of demands) {
      if (story.hardDeletedSecond !== undefined) break;
      const step = demand.extra ? this.extraStep(extraRandom, state, demand) : this.nextStep(random, story, state, demand);
      if (step && step !== 'hardDelete' && step.conversation && CAPPED_REPLY_KINDS.has(step.conversation.kind)) {
        if (repliesLeft <= 0) continue;
        repliesLeft -= 1;
      }
      if (step === 'hardDelete') {
        story.hardDeletedSecond = demand.second;
      } else if (step) {
        story.steps.push(step);
        state = step.state;
      }
    }
    if (this.timeTracking) story.timeEntries = this.timeEntriesOf(story);
    return story;
  }

  /**
   * Agents log time when they work a ticket (a reply, a note, a forward, a resolution): about
   * half the time, 2–40 minutes, a few with the timer still running. At a later step an earlier
   * entry is sometimes corrected or deleted — also long after the ticket was resolved.
   */
  private timeEntriesOf(story: Story): TimeEntryStep[] {
    const random = createRandom(this.seed, TAG_TIME, story.id);
    const steps: TimeEntryStep[] = [];
    const live: TimeEntryStep[] = [];
    for (const step of story.steps) {
      const roll = random();
      const earlier = live[Math.floor(random() * live.length)];
      if (earlier && roll < 0.1) {
        const updated = { ...earlier, second: step.second, op: 'update' as const, seconds: 60 * (1 + Math.floor(random() * 45)), timerRunning: false };
        live.splice(live.indexOf(earlier), 1, updated);
        steps.push(updated);
      } else if (earlier && roll < 0.15) {
        live.splice(live.indexOf(earlier), 1);
        steps.push({ ...earlier, second: step.second, op: 'delete' });
      }
      if (isAgentWork(step) && random() < 0.55) {
        const entry: TimeEntryStep = {
          second: step.second,
          op: 'create',
          id: TIME_ENTRY_ID_BASE + step.second,
          seconds: 60 * (2 + Math.floor(random() * 38)) + Math.floor(random() * 60),
          agentId: step.conversation?.userId ?? this.pickAgent(random),
          timerRunning: random() < 0.05,
          createdSecond: step.second,
        };
        live.push(entry);
        steps.push(entry);
      }
    }
    return steps;
  }

  private conversationStep(random: Random, story: Story, state: TicketState, demand: Demand, kind: ConversationKind): StoryStep {
    const id = CONVERSATION_ID_BASE + demand.gap * GAP_SLOTS + demand.slot;
    const agent = state.responderId ?? this.pickAgent(random);
    const shape =
      kind === 'channel_reply'
        ? { source: CHANNEL_REPLY_SOURCE[story.source] ?? 0, incoming: random() < 0.6, private: false }
        : CONVERSATION_SHAPES[kind];
    return {
      second: demand.second,
      state,
      conversation: { id, kind, ...shape, userId: shape.incoming ? story.requesterId : agent },
    };
  }

  private updateStep(demand: Demand, state: TicketState, next: Partial<TicketState>): StoryStep | undefined {
    const after: TicketState = { ...state, ...next };
    const names: Record<keyof TicketState, string> = {
      groupId: 'group_id',
      status: 'status',
      spam: 'spam',
      deleted: 'deleted',
      responderId: 'responder_id',
    };
    const changes: Record<string, [unknown, unknown]> = {};
    for (const key of Object.keys(next) as (keyof TicketState)[]) {
      if (state[key] !== after[key]) changes[names[key]] = [state[key], after[key]];
    }
    // A change to the same value is no change: Freshdesk fires no update for it.
    if (Object.keys(changes).length === 0) return undefined;
    return { second: demand.second, state: after, changes };
  }

  private nextStep(random: Random, story: Story, state: TicketState, demand: Demand): StoryStep | 'hardDelete' | undefined {
    const roll = random();
    if (state.deleted) {
      // Trashed tickets are sometimes deleted forever; customers may still write to them.
      if (roll < 0.35) return 'hardDelete';
      if (roll < 0.6) return this.conversationStep(random, story, state, demand, 'customer_reply');
      return undefined;
    }
    if (state.spam) {
      if (roll < 0.5) return this.conversationStep(random, story, state, demand, 'customer_reply');
      if (roll < 0.6) return this.updateStep(demand, state, { deleted: true });
      return undefined;
    }
    if (state.groupId === null && roll < 0.45) {
      return this.updateStep(demand, state, { groupId: this.pickGroup(random, demand.second, null), responderId: this.pickAgent(random) });
    }
    const choice = pickWeighted(random, [30, 24, 9, 4, 2, 2, 6, 5, 9, 1, 1.5]);
    const resolved = state.status === 4 || state.status === 5;
    switch (choice) {
      case 0:
        return this.conversationStep(random, story, state, demand, 'customer_reply');
      case 1:
        return this.conversationStep(random, story, state, demand, 'agent_reply');
      case 2:
        return this.conversationStep(random, story, state, demand, 'private_note');
      case 3:
        return this.conversationStep(random, story, state, demand, 'public_note');
      case 4:
        return this.conversationStep(random, story, state, demand, resolved ? 'survey_feedback' : 'customer_reply');
      case 5:
        return this.conversationStep(random, story, state, demand, 'forward');
      case 6:
        return this.conversationStep(random, story, state, demand, story.source in CHANNEL_REPLY_SOURCE ? 'channel_reply' : 'agent_reply');
      case 7: {
        const groupId = random() < 0.08 ? null : this.pickGroup(random, demand.second, state.groupId);
        return this.updateStep(demand, state, { groupId });
      }
      case 8:
        // Resolved or closed tickets get reopened; open ones move on.
        return this.updateStep(demand, state, { status: resolved ? 2 : ([3, 4, 4, 5][Math.floor(random() * 4)] ?? 4) });
      case 9:
        return this.updateStep(demand, state, { spam: true });
      default:
        return this.updateStep(demand, state, { deleted: true });
    }
  }

  // ---- public views ----

  /** Ticket events and agent changes merged in time order (agents first within a second). */
  *timeline(from: number = this.start, to: number = this.end): Iterable<WorldEvent> {
    const agents = this.agentChanges(from, to);
    let next = 0;
    for (const event of this.ticketTimeline(from, to)) {
      for (; next < agents.length && (agents[next]?.at ?? Infinity) <= event.at; next += 1) yield agentEvent(agents[next] as AgentChange);
      yield event;
    }
    for (; next < agents.length; next += 1) yield agentEvent(agents[next] as AgentChange);
  }

  private *ticketTimeline(from: number, to: number): Iterable<WorldEvent> {
    const fromSecond = Math.ceil(from / 1000);
    const toSecond = Math.ceil(to / 1000);
    const firstGap = Math.max(1, this.latestTicketIdAtSecond(fromSecond));
    let createdSecond = this.ticketSecond(firstGap);
    for (let gap = firstGap; gap <= this.ticketCount; gap += 1) {
      if (createdSecond >= toSecond) return;
      if (createdSecond >= fromSecond) yield { at: createdSecond * 1000, kind: 'ticketCreated', ticketId: gap };
      const nextSecond = this.gapEnd(gap);
      const demands = this.allGapDemands(gap, createdSecond, nextSecond);
      createdSecond = nextSecond;
      for (const demand of demands) {
        if (demand.second >= toSecond) return;
        if (demand.second < fromSecond) continue;
        const story = this.story(demand.owner);
        const step = story.steps.find((candidate) => candidate.second === demand.second);
        if (!step) continue;
        if (step.conversation) {
          yield { at: step.second * 1000, kind: 'conversationCreated', ticketId: demand.owner, conversationId: step.conversation.id };
        } else {
          yield { at: step.second * 1000, kind: 'ticketUpdated', ticketId: demand.owner, changes: { ...step.changes } };
        }
        for (const entry of story.timeEntries) {
          if (entry.second === step.second) yield { at: step.second * 1000, kind: TIME_ENTRY_KINDS[entry.op], ticketId: demand.owner, timeEntryId: entry.id };
        }
      }
    }
  }

  private storyAsOf(id: number, second: number): { story: Story; state: TicketState; updatedSecond: number } | undefined {
    if (!this.isTicketId(id)) return undefined;
    const story = this.story(id);
    if (story.createdSecond > second) return undefined;
    if (story.hardDeletedSecond !== undefined && story.hardDeletedSecond <= second) return undefined;
    let state = story.initial;
    let updatedSecond = story.createdSecond;
    for (const step of story.steps) {
      if (step.second > second) break;
      state = step.state;
      updatedSecond = step.second;
    }
    return { story, state, updatedSecond };
  }

  ticketFactsAsOf(id: number, at: number): TicketFacts | undefined {
    const found = this.storyAsOf(id, Math.floor(at / 1000));
    if (!found) return undefined;
    const { story, state, updatedSecond } = found;
    return {
      id,
      createdAt: story.createdSecond * 1000,
      updatedAt: updatedSecond * 1000,
      dueBy: (story.createdSecond + dueHours(story.priority) * HOUR) * 1000,
      status: state.status,
      spam: state.spam,
      deleted: state.deleted,
    };
  }

  ticketAsOf(id: number, at: number): FreshdeskTicket | undefined {
    const found = this.storyAsOf(id, Math.floor(at / 1000));
    if (!found) return undefined;
    const { story, state, updatedSecond } = found;
    const firstResponseHours = [24, 12, 4, 1][story.priority - 1] ?? 24;
    const text = `Synthetic ticket ${story.id}: ${story.subject}.`;
    return {
      id: story.id,
      subject: story.subject,
      description: `<div>${text}</div>`,
      description_text: text,
      group_id: state.groupId,
      source: story.source,
      spam: state.spam,
      deleted: state.deleted,
      status: state.status,
      priority: story.priority,
      requester_id: story.requesterId,
      responder_id: state.responderId,
      company_id: null,
      product_id: null,
      email_config_id: null,
      type: story.type,
      cc_emails: [],
      fwd_emails: [],
      reply_cc_emails: [],
      to_emails: null,
      fr_escalated: false,
      is_escalated: false,
      due_by: isoFromSecond(story.createdSecond + dueHours(story.priority) * HOUR),
      fr_due_by: isoFromSecond(story.createdSecond + firstResponseHours * HOUR),
      tags: [],
      custom_fields: {},
      created_at: isoFromSecond(story.createdSecond),
      updated_at: isoFromSecond(updatedSecond),
    };
  }

  private conversationJson(story: Story, step: StoryStep, conversation: StoryConversation): FreshdeskConversation {
    const supportEmail = `support@${this.account.domain}`;
    const customerEmail = `requester${story.requesterId % 100_000}@example.com`;
    const agentAddress = agentEmail(conversation.userId);
    const text = `Synthetic ${conversation.kind.replace('_', ' ')} ${conversation.id} on ticket ${story.id}.`;
    return {
      id: conversation.id,
      ticket_id: story.id,
      body: `<div>${text}</div>`,
      body_text: text,
      incoming: conversation.incoming,
      private: conversation.private,
      source: conversation.source,
      user_id: conversation.userId,
      support_email: conversation.source === 0 ? supportEmail : null,
      from_email: conversation.source === 0 ? (conversation.incoming ? customerEmail : agentAddress) : null,
      to_emails: conversation.source === 0 ? [conversation.incoming ? supportEmail : customerEmail] : [],
      cc_emails: [],
      bcc_emails: [],
      attachments: [],
      created_at: isoFromSecond(step.second),
      updated_at: isoFromSecond(step.second),
      last_edited_at: null,
      last_edited_user_id: null,
      source_additional_info: null,
    };
  }

  conversationsAsOf(id: number, at: number): FreshdeskConversation[] | undefined {
    const second = Math.floor(at / 1000);
    const found = this.storyAsOf(id, second);
    if (!found) return undefined;
    const conversations: FreshdeskConversation[] = [];
    for (const step of found.story.steps) {
      if (step.second > second) break;
      if (step.conversation) conversations.push(this.conversationJson(found.story, step, step.conversation));
    }
    return conversations;
  }

  conversation(ticketId: number, conversationId: number): { json: FreshdeskConversation; kind: ConversationKind } | undefined {
    if (!this.isTicketId(ticketId)) return undefined;
    const story = this.story(ticketId);
    const step = story.steps.find((candidate) => candidate.conversation?.id === conversationId);
    if (!step?.conversation) return undefined;
    return { json: this.conversationJson(story, step, step.conversation), kind: step.conversation.kind };
  }

  resolvedAtAsOf(ticketId: number, at: number): number | undefined {
    const found = this.storyAsOf(ticketId, Math.floor(at / 1000));
    if (!found) return undefined;
    let resolvedSecond: number | undefined;
    for (const step of found.story.steps) {
      if (step.second > Math.floor(at / 1000)) break;
      const status = step.changes?.['status'];
      if (status !== undefined && isResolvedStatus(status[1]) && !isResolvedStatus(status[0])) resolvedSecond = step.second;
    }
    return resolvedSecond === undefined ? undefined : resolvedSecond * 1000;
  }

  timeEntriesAsOf(ticketId: number, at: number): FreshdeskTimeEntry[] {
    if (!this.isTicketId(ticketId)) return [];
    const second = Math.floor(at / 1000);
    const standing = new Map<number, TimeEntryStep>();
    for (const entry of this.story(ticketId).timeEntries) {
      if (entry.second > second) break;
      if (entry.op === 'delete') standing.delete(entry.id);
      else standing.set(entry.id, entry);
    }
    return [...standing.values()].map((entry) => timeEntryJson(ticketId, entry));
  }

  statusChangesOf(ticketId: number): { at: number; from: number; to: number }[] {
    if (!this.isTicketId(ticketId)) return [];
    const changes: { at: number; from: number; to: number }[] = [];
    for (const step of this.story(ticketId).steps) {
      const status = step.changes?.['status'];
      if (status) changes.push({ at: step.second * 1000, from: status[0] as number, to: status[1] as number });
    }
    return changes;
  }

  accountTimeEntriesAsOf(at: number, after?: number, before?: number): FreshdeskTimeEntry[] {
    if (!this.timeTracking) return [];
    // Entries are executed when created, within their ticket's bounded story: only tickets
    // active from `after` on and created by the earlier of `before` and `at` can hold one.
    const first = after === undefined ? 1 : this.earliestTicketActiveAt(after);
    const last = this.latestTicketIdAt(Math.min(at, before ?? at));
    const entries: FreshdeskTimeEntry[] = [];
    for (let id = first; id <= last; id += 1) {
      if (!this.ticketFactsAsOf(id, at)) continue;
      for (const entry of this.timeEntriesAsOf(id, at)) {
        const executed = Date.parse(entry.executed_at);
        if ((after === undefined || executed >= after) && (before === undefined || executed <= before)) entries.push(entry);
      }
    }
    return entries.sort((left, right) => left.id - right.id);
  }

  timeEntryAsOf(ticketId: number, entryId: number, at: number): FreshdeskTimeEntry | undefined {
    return this.timeEntriesAsOf(ticketId, at).find((entry) => entry.id === entryId);
  }

  hardDeletedAt(id: number): number | undefined {
    if (!this.isTicketId(id)) return undefined;
    const second = this.story(id).hardDeletedSecond;
    return second === undefined ? undefined : second * 1000;
  }

  groupsAsOf(at: number): FreshdeskGroup[] {
    const second = Math.floor(at / 1000);
    return this.activeGroups(second).map((group) => {
      const names = group.names.filter((entry) => entry.fromSecond <= second);
      const current = names[names.length - 1];
      const updatedSecond = Math.max(group.createdSecond, current?.fromSecond ?? -Infinity);
      return {
        id: group.id,
        name: current?.name ?? `Group ${group.id}`,
        description: `${current?.name ?? 'Group'} team (synthetic)`,
        escalate_to: null,
        unassigned_for: null,
        business_hour_id: null,
        group_type: 'support_agent_group',
        auto_ticket_assign: 0,
        created_at: isoFromSecond(group.createdSecond),
        updated_at: isoFromSecond(updatedSecond),
      };
    });
  }

  sourceChoices(): Record<string, number> {
    return { ...this.account.sourceChoices };
  }
}

const TIME_ENTRY_KINDS: Record<TimeEntryStep['op'], WorldEventKind> = { create: 'timeEntryCreated', update: 'timeEntryUpdated', delete: 'timeEntryDeleted' };

function isResolvedStatus(status: unknown): boolean {
  return status === 4 || status === 5;
}

/** A reply, note or forward by an agent, or a resolution: work an agent may log time for. */
function isAgentWork(step: StoryStep): boolean {
  if (step.conversation) return !step.conversation.incoming;
  const status = step.changes?.['status'];
  return status !== undefined && (status[1] === 4 || status[1] === 5);
}

function agentEvent(change: AgentChange): WorldEvent {
  return { at: change.at, kind: 'agentUpdated', ticketId: 0, agentId: change.agentId };
}

function timeEntryJson(ticketId: number, entry: TimeEntryStep): FreshdeskTimeEntry {
  return {
    id: entry.id,
    ticket_id: ticketId,
    agent_id: entry.agentId,
    billable: entry.id % 3 === 0,
    note: 'Synthetic work log',
    timer_running: entry.timerRunning,
    time_spent: entry.seconds,
    start_time: isoFromSecond(entry.createdSecond),
    executed_at: isoFromSecond(entry.createdSecond),
    created_at: isoFromSecond(entry.createdSecond),
    updated_at: isoFromSecond(entry.second),
  };
}

/** The free second of (from, to) nearest above `wanted` (else below): one exists while count ≤ free. */
function freeSecondNear(taken: ReadonlySet<number>, wanted: number, from: number, to: number): number {
  for (let second = wanted; second < to; second += 1) if (!taken.has(second)) return second;
  for (let second = wanted - 1; second > from; second -= 1) if (!taken.has(second)) return second;
  throw new Error(`local Freshdesk world: no free second between ${from} and ${to}`);
}

const GROUP_BASES = ['Customer Service', 'Billing', 'Technical Support', 'Sales', 'Returns', 'Partner Desk', 'Onboarding', 'Escalations', 'Logistics', 'Key Accounts', 'Warranty Claims', 'Retail Stores'];
const GROUP_LEVELS = ['', ' L1', ' L2', ' L3', ' Tier 2'];
const GROUP_REGIONS = ['', ' Americas', ' EMEA', ' APAC', ' DACH', ' Nordics', ' LATAM'];
const LONG_NAME_TAIL = ' – escalation desk for enterprise customers with premium support contracts, weekdays and weekends';

/** An id of 1 to 11 digits, most of them 11 (Freshdesk's ids are opaque integers; SPEC §9 says never assume short). */
function drawGroupId(random: Random): number {
  const digits = random() < 0.7 ? 11 : 1 + Math.floor(random() * 10);
  const low = digits === 1 ? 1 : 10 ** (digits - 1);
  return low + Math.floor(random() * (10 ** digits - low));
}

/** A name like `Technical Support L2 Americas 117`; about one in ten is exactly 100 characters long. */
function drawGroupName(random: Random, index: number): string {
  const base = `${GROUP_BASES[Math.floor(random() * GROUP_BASES.length)] ?? 'Support'}${GROUP_LEVELS[Math.floor(random() * GROUP_LEVELS.length)] ?? ''}${GROUP_REGIONS[Math.floor(random() * GROUP_REGIONS.length)] ?? ''} ${index + 1}`;
  return random() < 0.1 ? `${base}${LONG_NAME_TAIL}`.slice(0, MAX_GROUP_NAME_LENGTH) : base;
}

/**
 * Issue 19's groups: `count` of them with distinct ids, weights falling off like a real account's
 * (a few busy groups, a long tail), `renames` renamed and `deletions` deleted at seconds inside
 * the change window. All from the seed's own stream (TAG_GROUPS).
 */
function drawGroups(seed: number, option: GroupsOption, startSecond: number, endSecond: number): GroupDefinition[] {
  const random = createRandom(seed, TAG_GROUPS);
  const ids = new Set<number>();
  const groups: GroupDefinition[] = [];
  for (let index = 0; index < option.count; index += 1) {
    let id = drawGroupId(random);
    while (ids.has(id)) id = drawGroupId(random);
    ids.add(id);
    groups.push({
      id,
      names: [{ fromSecond: -Infinity, name: drawGroupName(random, index) }],
      createdSecond: startSecond - 90 * DAY,
      deletedSecond: undefined,
      weight: (0.5 + random()) / (index + 1) ** 0.8,
    });
  }
  const changeEnd = Math.min(endSecond, startSecond + Math.round((option.changeHours ?? (endSecond - startSecond) / HOUR) * HOUR));
  const changeSecond = (): number => startSecond + 1 + Math.floor(random() * Math.max(1, changeEnd - startSecond - 1));
  const order = groups.map((_, index) => ({ index, key: random() })).sort((left, right) => left.key - right.key);
  for (const { index } of order.slice(0, Math.min(option.renames ?? 0, groups.length))) {
    const group = groups[index] as GroupDefinition;
    const name = `${group.names[0]?.name ?? 'Group'} (renamed)`;
    group.names.push({ fromSecond: changeSecond(), name: name.length <= MAX_GROUP_NAME_LENGTH ? name : `Renamed ${name}`.slice(0, MAX_GROUP_NAME_LENGTH) });
  }
  // Deleted groups come from the other end of the shuffled order (a group may be renamed and later deleted, too).
  const deletions = Math.min(option.deletions ?? 0, groups.length - 1);
  for (const { index } of order.slice(order.length - deletions)) (groups[index] as GroupDefinition).deletedSecond = changeSecond();
  return groups;
}

/** Builds the world for a seed; cheap (O(days)) — tickets are derived when asked for. */
export function generateWorld(options: WorldOptions): World {
  return new GeneratedWorld(options);
}
