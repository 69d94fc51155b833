/**
 * The app's Freshdesk transport: each import call goes through a request template
 * (config/requests.json), since the platform allows HTTP only that way (SPEC §5). The import's
 * templates take the bare Freshdesk host from `context.freshdesk_host` (derived in code from the
 * platform's currentHost; SPEC §5 explains why a host must not rely on current_host).
 */
import { isPlatformRequestLimit } from '../platform/refusals';
import type { RequestClient, TemplateError } from '../platform/types';
import type { FreshdeskAnswer, FreshdeskTransport, QueryValue } from './transport';

export const IMPORT_TEMPLATES = {
  tickets: 'freshdeskImportTickets',
  /** A separate template: an empty `filter=` would be refused, and templates have no conditionals. */
  filteredTickets: 'freshdeskImportFilteredTickets',
  /** The same two listings with `include=stats` (handled contacts, issue 14). */
  ticketsWithStats: 'freshdeskImportTicketsWithStats',
  filteredTicketsWithStats: 'freshdeskImportFilteredTicketsWithStats',
  conversations: 'freshdeskImportConversations',
  timeEntries: 'freshdeskImportTimeEntries',
  groups: 'freshdeskListGroups',
  sourceField: 'freshdeskSourceField',
} as const;

const CONVERSATIONS_PATH = /^\/api\/v2\/tickets\/(\d+)\/conversations$/;
const TIME_ENTRIES_PATH = /^\/api\/v2\/tickets\/(\d+)\/time_entries$/;

type Call = { template: string; context: Record<string, string | number> };

function ticketListCall(query: Readonly<Record<string, QueryValue>>): Call {
  const { filter, updated_since, per_page, page, include } = query;
  const context = { updated_since: String(updated_since), per_page: Number(per_page), page: Number(page) };
  const stats = include === 'stats';
  if (filter === undefined) return { template: stats ? IMPORT_TEMPLATES.ticketsWithStats : IMPORT_TEMPLATES.tickets, context };
  return { template: stats ? IMPORT_TEMPLATES.filteredTicketsWithStats : IMPORT_TEMPLATES.filteredTickets, context: { ...context, filter: String(filter) } };
}

function callFor(path: string, query: Readonly<Record<string, QueryValue>>): Call {
  if (path === '/api/v2/tickets') return ticketListCall(query);
  const page = Number(query['page'] ?? 1);
  const conversations = CONVERSATIONS_PATH.exec(path);
  if (conversations) return { template: IMPORT_TEMPLATES.conversations, context: { ticket_id: Number(conversations[1]), page } };
  const timeEntries = TIME_ENTRIES_PATH.exec(path);
  if (timeEntries) return { template: IMPORT_TEMPLATES.timeEntries, context: { ticket_id: Number(timeEntries[1]), page } };
  if (path === '/api/v2/groups') return { template: IMPORT_TEMPLATES.groups, context: { page } };
  if (path === '/api/v2/ticket_fields') return { template: IMPORT_TEMPLATES.sourceField, context: {} };
  throw new Error(`template transport: no request template reads ${path}`);
}

/**
 * A non-2xx answer rejects `invokeTemplate`; it is turned back into an answer so the walk
 * classifies it. A failure with no status at all (no answer) is rethrown.
 */
function answerFromRefusal(error: unknown): FreshdeskAnswer {
  const e = templateErrorOf(error);
  if (typeof e.status !== 'number' || e.status === 0) throw error;
  const answer: FreshdeskAnswer = { status: e.status, headers: e.headers ?? {}, body: typeof e.response === 'string' ? e.response : '' };
  // SPEC §5: the platform's own 429 says errorSource APP like a remote's; refusals.ts tells them apart.
  return isPlatformRequestLimit(error) ? { ...answer, refusedByPlatform: true } : answer;
}

function templateErrorOf(error: unknown): TemplateError {
  return (typeof error === 'object' && error !== null ? error : {}) as TemplateError;
}

/** `freshdeskHost` is the bare FQDN (no scheme), e.g. `acme.freshdesk.com`. */
export function createTemplateTransport(request: RequestClient, freshdeskHost: string): FreshdeskTransport {
  return {
    async get(path, query) {
      const { template, context } = callFor(path, query);
      try {
        const answer = await request.invokeTemplate(template, { context: { ...context, freshdesk_host: freshdeskHost } });
        return { status: answer.status, headers: answer.headers, body: answer.response };
      } catch (error) {
        return answerFromRefusal(error);
      }
    },
  };
}
