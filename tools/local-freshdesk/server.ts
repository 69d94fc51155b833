/**
 * A local Freshdesk: a real HTTP server answering the subset of the Freshdesk REST API v2 the
 * app reads (SPEC §4), from a generated world as of the clock's now. Behaviour and error bodies
 * follow the Freshdesk API v2 reference (Authentication, Errors, Pagination, Rate Limit, List
 * All Tickets); where the reference is silent the choice is marked [assumption].
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../clock';
import { MinuteRateLimiter, type FreshdeskPlan, type PlanLimits } from './rate-limiter';
import { agentJson, CREDITS_PER_INCLUDE, LIST_INCLUDES, readIncludes, ticketStats, VIEW_INCLUDES } from './activity-api';
import { listTickets, TICKET_ORDER_FIELDS, type TicketListQuery, type TicketOrderField } from './ticket-listing';
import type { FreshdeskTimeEntry, World } from './world';

export type { FreshdeskPlan } from './rate-limiter';

export interface LocalFreshdeskOptions {
  world: World;
  /** Default 0: a free port. */
  port?: number;
  /** Default 'growth', the plan with the tightest limits. */
  plan?: FreshdeskPlan;
  /** Per-minute limits no real plan has, in place of the plan's (tests of long walks). */
  limits?: PlanLimits;
  /** Key of an account administrator: may read groups. */
  adminApiKey: string;
  /** Key of a plain agent: everything but the admin-only Groups API. */
  agentApiKey?: string;
  clock?: Clock;
  /** The clock the per-minute rate limit counts on (default `clock`): a world frozen at a moment still has minutes passing. */
  limitClock?: Clock;
}

export interface FreshdeskRequestLogEntry {
  method: string;
  /** Path with its query string. */
  path: string;
  status: number;
  /** Clock time the request arrived. */
  at: number;
}

export interface LocalFreshdesk {
  url: string;
  port: number;
  close(): Promise<void>;
  setPlan(plan: FreshdeskPlan): void;
  setLimits(limits: PlanLimits): void;
  /**
   * The next `count` requests are refused with 429 and `Retry-After: retryAfterSeconds`, as
   * when other integrations of the account use up its limit (a 429 storm the client cannot
   * foresee from the X-RateLimit headers).
   */
  rateLimitStorm(count: number, retryAfterSeconds: number): void;
  requestLog: FreshdeskRequestLogEntry[];
}

interface FieldError {
  field: string;
  message: string;
  code: string;
}

export const INVALID_CREDENTIALS_BODY = { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' };
export const ACCESS_DENIED_BODY = { code: 'access_denied', message: 'You are not authorized to perform this action.' };
/**
 * [assumption] Freshdesk answers an unknown or hard-deleted ticket with a bare 404 and no body
 * (its API controllers `head 404`); clients must decide on the status, not on a body.
 */
export const NOT_FOUND_BODY = '';
/** [assumption] The reference documents the 429 status and Retry-After, not the body. */
export const RATE_LIMITED_BODY = { code: 'rate_limit_exceeded', message: 'You have exceeded the limit of requests per minute.' };
export const MAX_TICKET_PAGES = 300;
const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;
const TICKET_FILTERS = ['spam', 'deleted'] as const;

/** The date formats the reference accepts for date inputs (Schema > Date Fields). */
const DATE_INPUT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;

/** Reads a date query parameter in one of the formats the reference accepts; undefined if invalid. */
export function parseDateInput(value: string): number | undefined {
  if (!DATE_INPUT.test(value)) return undefined;
  const [date, time] = value.split('T');
  // No zone means UTC (reference: "If the time zone information is not present, it will be assumed to be in UTC").
  let iso = `${date}T00:00:00Z`;
  if (time !== undefined) {
    const zone = /(Z|[+-]\d{2}(:?\d{2})?)$/.exec(time)?.[0] ?? 'Z';
    const clock = time.slice(0, time.length - (zone === 'Z' && !time.endsWith('Z') ? 0 : zone.length));
    const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3).replace(':', '') || '00'}`;
    iso = `${date}T${clock.length === 5 ? `${clock}:00` : clock}${offset}`;
  }
  const parsed = Date.parse(iso);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function parsePositiveInteger(value: string | null, fallback: number): number | undefined {
  if (value === null) return fallback;
  if (!/^\d+$/.test(value)) return undefined;
  const parsed = Number(value);
  return parsed >= 1 ? parsed : undefined;
}

interface Pagination {
  perPage: number;
  page: number;
}

function readPagination(query: URLSearchParams, errors: FieldError[], maxPage: number | undefined): Pagination {
  const perPage = parsePositiveInteger(query.get('per_page'), DEFAULT_PER_PAGE);
  if (perPage === undefined || perPage > MAX_PER_PAGE) {
    errors.push({ field: 'per_page', message: `It should be a/an Positive Integer less than or equal to ${MAX_PER_PAGE}`, code: 'invalid_value' });
  }
  const page = parsePositiveInteger(query.get('page'), 1);
  if (page === undefined) {
    errors.push({ field: 'page', message: 'It should be a/an Positive Integer', code: 'invalid_value' });
  } else if (maxPage !== undefined && page > maxPage) {
    errors.push({
      field: 'page',
      message: `You cannot access tickets beyond the ${maxPage}th page. Please provide a smaller page number.`,
      code: 'invalid_value',
    });
  }
  return { perPage: perPage ?? DEFAULT_PER_PAGE, page: page ?? 1 };
}

function readTicketListQuery(query: URLSearchParams, errors: FieldError[]): TicketListQuery {
  const { perPage, page } = readPagination(query, errors, MAX_TICKET_PAGES);
  const filterValue = query.get('filter');
  const filter = TICKET_FILTERS.find((candidate) => candidate === filterValue);
  if (filterValue !== null && !filter) {
    errors.push({ field: 'filter', message: `It should be one of these values: '${TICKET_FILTERS.join(',')}'`, code: 'invalid_value' });
  }
  const orderByValue = query.get('order_by') ?? 'created_at';
  const orderBy = TICKET_ORDER_FIELDS.find((candidate) => candidate === orderByValue);
  if (!orderBy) {
    errors.push({ field: 'order_by', message: `It should be one of these values: '${TICKET_ORDER_FIELDS.join(',')}'`, code: 'invalid_value' });
  }
  const orderTypeValue = query.get('order_type') ?? 'desc';
  if (orderTypeValue !== 'asc' && orderTypeValue !== 'desc') {
    errors.push({ field: 'order_type', message: "It should be one of these values: 'asc,desc'", code: 'invalid_value' });
  }
  const updatedSinceValue = query.get('updated_since');
  const updatedSince = updatedSinceValue === null ? undefined : parseDateInput(updatedSinceValue);
  if (updatedSinceValue !== null && updatedSince === undefined) {
    errors.push({ field: 'updated_since', message: "It should be in the 'valid date time' format", code: 'invalid_value' });
  }
  return {
    filter,
    updatedSince,
    orderBy: orderBy ?? ('created_at' satisfies TicketOrderField),
    orderType: orderTypeValue === 'asc' ? 'asc' : 'desc',
    perPage,
    page,
  };
}

/**
 * `include=stats` adds the ticket's `stats` (Freshdesk API v2, View a Ticket / List All Tickets:
 * "stats" embeds resolved_at, closed_at, first_responded_at, …), all derived from the world as
 * of `now` (activity-api.ts ticketStats: resolved_at is the latest resolution).
 */
function withIncludes<T extends { id: number; status: number }>(world: World, ticket: T, query: URLSearchParams, now: number): T | (T & { stats: ReturnType<typeof ticketStats> }) {
  if (!(query.get('include') ?? '').split(',').includes('stats')) return ticket;
  return { ...ticket, stats: ticketStats(world, ticket.id, now) };
}

/** An optional date query parameter (ms), with the reference's validation error when malformed. */
function readDateParameter(query: URLSearchParams, field: string, errors: FieldError[]): number | undefined {
  const value = query.get(field);
  if (value === null) return undefined;
  const parsed = parseDateInput(value);
  if (parsed === undefined) errors.push({ field, message: "It should be in the 'valid date time' format", code: 'invalid_value' });
  return parsed;
}

/** The REST API gives `time_spent` as "hh:mm" (Freshdesk API v2, Time Entries), unlike the events' seconds. */
function asRestTimeEntry(entry: FreshdeskTimeEntry): Record<string, unknown> {
  const minutes = Math.floor(entry.time_spent / 60);
  const hhmm = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return { ...entry, time_spent: hhmm };
}

function readApiKey(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // The API key is the user name; any password is accepted (reference: "Authentication").
  return colon === -1 ? decoded : decoded.slice(0, colon);
}

type Route =
  | { name: 'groups' }
  | { name: 'ticketFields' }
  | { name: 'tickets' }
  | { name: 'ticket'; id: number }
  | { name: 'conversations'; id: number }
  | { name: 'timeEntries'; id: number }
  | { name: 'accountTimeEntries' }
  | { name: 'agents' };

function matchRoute(pathname: string): Route | undefined {
  if (pathname === '/api/v2/groups') return { name: 'groups' };
  if (pathname === '/api/v2/ticket_fields') return { name: 'ticketFields' };
  if (pathname === '/api/v2/tickets') return { name: 'tickets' };
  const ticket = /^\/api\/v2\/tickets\/(\d+)$/.exec(pathname);
  if (ticket) return { name: 'ticket', id: Number(ticket[1]) };
  const conversations = /^\/api\/v2\/tickets\/(\d+)\/conversations$/.exec(pathname);
  if (conversations) return { name: 'conversations', id: Number(conversations[1]) };
  const timeEntries = /^\/api\/v2\/tickets\/(\d+)\/time_entries$/.exec(pathname);
  if (timeEntries) return { name: 'timeEntries', id: Number(timeEntries[1]) };
  if (pathname === '/api/v2/time_entries') return { name: 'accountTimeEntries' };
  if (pathname === '/api/v2/agents') return { name: 'agents' };
  return undefined;
}

function sourceField(world: World): Record<string, unknown> {
  const since = new Date(world.start - 90 * 86_400_000).toISOString().replace('.000Z', 'Z');
  return {
    id: 48_000_000_310,
    name: 'source',
    label: 'Source',
    description: 'Ticket source',
    position: 10,
    required_for_closure: false,
    required_for_agents: false,
    type: 'default_source',
    default: true,
    customers_can_edit: false,
    label_for_customers: 'Source',
    required_for_customers: false,
    displayed_to_customers: false,
    created_at: since,
    updated_at: since,
    choices: world.sourceChoices(),
  };
}

function statusField(world: World): Record<string, unknown> {
  const since = new Date(world.start - 90 * 86_400_000).toISOString().replace('.000Z', 'Z');
  return {
    id: 48_000_000_311,
    name: 'status',
    label: 'Status',
    description: 'Ticket status',
    position: 11,
    required_for_closure: false,
    required_for_agents: true,
    type: 'default_status',
    default: true,
    customers_can_edit: false,
    label_for_customers: 'Status',
    required_for_customers: false,
    displayed_to_customers: true,
    created_at: since,
    updated_at: since,
    choices: { '2': ['Open', 'Being Processed'], '3': ['Pending', 'Awaiting your Reply'], '4': ['Resolved', 'This ticket has been Resolved'], '5': ['Closed', 'This ticket has been Closed'] },
  };
}

/** Starts the local Freshdesk on 127.0.0.1. */
export async function startLocalFreshdesk(options: LocalFreshdeskOptions): Promise<LocalFreshdesk> {
  const { world } = options;
  const clock = options.clock ?? systemClock;
  const limitClock = options.limitClock ?? clock;
  const limiter = new MinuteRateLimiter(options.plan ?? 'growth');
  if (options.limits) limiter.setLimits(options.limits);
  const requestLog: FreshdeskRequestLogEntry[] = [];
  let baseUrl = '';
  let storm = { left: 0, retryAfterSeconds: 1 };

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const now = clock.now();
    const url = new URL(request.url ?? '/', baseUrl);
    const method = request.method ?? 'GET';
    const route = matchRoute(url.pathname);
    const headers: Record<string, string> = { 'X-Freshdesk-API-Version': 'latest=v2; requested=v2' };

    const send = (status: number, body: unknown): void => {
      requestLog.push({ method, path: `${url.pathname}${url.search}`, status, at: now });
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      if (text !== '') headers['Content-Type'] = 'application/json; charset=utf-8';
      response.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(text)) });
      response.end(text);
    };
    const sendPage = (items: unknown[], hasMore: boolean): void => {
      if (hasMore) {
        const next = new URL(url.toString());
        next.searchParams.set('page', String(Number(url.searchParams.get('page') ?? '1') + 1));
        headers.link = `<${next.toString()}>; rel="next"`;
      }
      send(200, items);
    };
    const sendValidation = (errors: FieldError[]): void => send(400, { description: 'Validation failed', errors });

    if (storm.left > 0) {
      storm.left -= 1;
      headers['Retry-After'] = String(storm.retryAfterSeconds);
      headers['X-RateLimit-Remaining'] = '0';
      send(429, RATE_LIMITED_BODY);
      return;
    }
    const includeAllowed = route?.name === 'tickets' ? LIST_INCLUDES : route?.name === 'ticket' ? VIEW_INCLUDES : [];
    const include = readIncludes(url.searchParams.get('include'), includeAllowed);
    const decision = limiter.take(limitClock.now(), route?.name === 'tickets', 1 + CREDITS_PER_INCLUDE * (include.invalid === undefined ? include.includes.length : 0));
    headers['X-RateLimit-Total'] = String(decision.total);
    headers['X-RateLimit-Remaining'] = String(decision.remaining);
    headers['X-RateLimit-Used-CurrentRequest'] = String(decision.usedByThisRequest);
    if (!decision.allowed) {
      headers['Retry-After'] = String(decision.retryAfterSeconds);
      send(429, RATE_LIMITED_BODY);
      return;
    }

    const key = readApiKey(request);
    const isAdmin = key === options.adminApiKey;
    const isAgent = options.agentApiKey !== undefined && key === options.agentApiKey;
    if (!isAdmin && !isAgent) {
      send(401, INVALID_CREDENTIALS_BODY);
      return;
    }
    if (!route) {
      send(404, NOT_FOUND_BODY);
      return;
    }
    if (method !== 'GET') {
      // The local server is read-only: Freshdesk answers a verb a resource does not take with 405.
      headers.Allow = 'GET';
      send(405, { code: 'method_not_allowed', message: `${method} method is not allowed. It should be one of these method(s): GET` });
      return;
    }

    const errors: FieldError[] = [];
    if (include.invalid !== undefined) {
      return sendValidation([{ field: 'include', message: `It should be one of these values: '${includeAllowed.join(',')}'`, code: 'invalid_value' }]);
    }
    switch (route.name) {
      case 'accountTimeEntries': {
        const { perPage, page } = readPagination(url.searchParams, errors, undefined);
        const after = readDateParameter(url.searchParams, 'executed_after', errors);
        const before = readDateParameter(url.searchParams, 'executed_before', errors);
        if (errors.length > 0) return sendValidation(errors);
        const entries = world.accountTimeEntriesAsOf(now, after, before).map(asRestTimeEntry);
        sendPage(entries.slice((page - 1) * perPage, page * perPage), entries.length > page * perPage);
        return;
      }
      case 'agents': {
        const { perPage, page } = readPagination(url.searchParams, errors, undefined);
        if (errors.length > 0) return sendValidation(errors);
        const agents = world.agentIds.slice((page - 1) * perPage, page * perPage).map((id) => agentJson(world, id, now));
        sendPage(agents, world.agentIds.length > page * perPage);
        return;
      }
      case 'groups': {
        if (!isAdmin) {
          send(403, ACCESS_DENIED_BODY);
          return;
        }
        const { perPage, page } = readPagination(url.searchParams, errors, undefined);
        if (errors.length > 0) return sendValidation(errors);
        const groups = world.groupsAsOf(now);
        sendPage(groups.slice((page - 1) * perPage, page * perPage), groups.length > page * perPage);
        return;
      }
      case 'ticketFields': {
        const type = url.searchParams.get('type');
        const fields = [sourceField(world), statusField(world)].filter((field) => type === null || field.type === type);
        send(200, fields);
        return;
      }
      case 'ticket': {
        const ticket = world.ticketAsOf(route.id, now);
        if (!ticket) return send(404, NOT_FOUND_BODY);
        send(200, withIncludes(world, ticket, url.searchParams, now));
        return;
      }
      case 'timeEntries': {
        const { perPage, page } = readPagination(url.searchParams, errors, undefined);
        if (errors.length > 0) return sendValidation(errors);
        if (!world.ticketAsOf(route.id, now)) return send(404, NOT_FOUND_BODY);
        const entries = world.timeEntriesAsOf(route.id, now).map(asRestTimeEntry);
        sendPage(entries.slice((page - 1) * perPage, page * perPage), entries.length > page * perPage);
        return;
      }
      case 'conversations': {
        const { perPage, page } = readPagination(url.searchParams, errors, undefined);
        if (errors.length > 0) return sendValidation(errors);
        const conversations = world.conversationsAsOf(route.id, now);
        if (!conversations) return send(404, NOT_FOUND_BODY);
        sendPage(conversations.slice((page - 1) * perPage, page * perPage), conversations.length > page * perPage);
        return;
      }
      case 'tickets': {
        const query = readTicketListQuery(url.searchParams, errors);
        if (errors.length > 0) return sendValidation(errors);
        const { tickets, hasMore } = listTickets(world, now, query);
        // The list leaves out the description unless include=description is asked for (reference, November 2018).
        const listed = tickets.map(({ description: _description, description_text: _text, ...rest }) => withIncludes(world, rest, url.searchParams, now));
        sendPage(listed, hasMore);
        return;
      }
    }
  };

  const server = http.createServer((request, response) => {
    try {
      handle(request, response);
    } catch (error) {
      response.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ code: 'internal_error', message: error instanceof Error ? error.message : String(error) }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;
  return {
    url: baseUrl,
    port,
    requestLog,
    setPlan: (plan) => limiter.setPlan(plan),
    setLimits: (limits) => limiter.setLimits(limits),
    rateLimitStorm: (count, retryAfterSeconds) => {
      storm = { left: count, retryAfterSeconds };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
