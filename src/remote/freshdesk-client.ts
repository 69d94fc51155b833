import type { TicketFacts } from '../core/types';
import type { RequestClient } from '../platform/types';
import { validateFreshdeskGroups, validateFreshdeskTicket, validateSourceChoices } from '../schemas/freshdesk-api';
import { type ClassifiedFailure, classifyTemplateFailure } from './classify';
import { AppError, type AppErrorOptions } from './errors';

export const FRESHDESK_TEMPLATES = {
  groups: 'freshdeskListGroups',
  sourceField: 'freshdeskSourceField',
  ticket: 'freshdeskGetTicket',
} as const;

/** Freshdesk lists at most 100 groups a page; accounts rarely have more than a few pages. */
const MAX_GROUP_PAGES = 10;

export function freshdeskError(error: unknown, what: string): AppError {
  const failure = classifyTemplateFailure(error, 'freshdesk');
  const options = { status: failure.status, retryAfterSeconds: failure.retryAfterSeconds, cause: error };
  switch (failure.kind) {
    case 'auth':
      return new AppError('FRESHDESK_KEY_REJECTED', `Freshdesk rejected the admin API key while reading ${what} (HTTP 401)`, options);
    case 'forbidden':
      return new AppError(
        'FRESHDESK_NOT_ADMIN',
        `Freshdesk refused ${what} (HTTP 403): the API key must belong to an Account Administrator (the Groups API needs the "Manage groups" admin permission)`,
        options,
      );
    case 'transient':
      return transientFreshdeskError(failure, what, options);
    case 'unaccepted_answer':
      return new AppError('UNACCEPTED_ANSWER', `the platform refused Freshdesk's answer while reading ${what} (HTTP 415, content type not accepted); it is read again later`, options);
    case 'bad_request':
    case 'not_found':
      return new AppError('FRESHDESK_UNAVAILABLE', `Freshdesk refused reading ${what} (HTTP ${failure.status}): ${failure.detail}`, options);
  }
}

/** Whose limit or outage it was: the platform's request limit, Freshdesk's rate limit, or Freshdesk being down. */
function transientFreshdeskError(failure: ClassifiedFailure, what: string, options: AppErrorOptions): AppError {
  if (failure.byPlatform) return new AppError('PLATFORM_LIMIT', 'the platform request limit (50/min) was reached', options);
  if (failure.status === 429) return new AppError('FRESHDESK_RATE_LIMITED', `Freshdesk rate limit reached while reading ${what}`, options);
  return new AppError('FRESHDESK_UNAVAILABLE', `Freshdesk did not answer while reading ${what} (HTTP ${failure.status || 'none'})`, options);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** id → name of every group (admin only: GET /api/v2/groups, paginated). */
export async function listGroups(request: RequestClient): Promise<Record<string, string>> {
  const groups: Record<string, string> = {};
  for (let page = 1, more = true; more && page <= MAX_GROUP_PAGES; page += 1) more = await readGroupPage(request, page, groups);
  return groups;
}

/** Adds one page of groups; whether Freshdesk says there is a next page (`link` header). */
async function readGroupPage(request: RequestClient, page: number, groups: Record<string, string>): Promise<boolean> {
  let response;
  try {
    response = await request.invokeTemplate(FRESHDESK_TEMPLATES.groups, { context: { page } });
  } catch (error) {
    throw freshdeskError(error, 'the group list');
  }
  const parsed = validateFreshdeskGroups(parseJson(response.response));
  if (!parsed.ok) throw new AppError('FRESHDESK_UNAVAILABLE', `Freshdesk sent an unexpected group list: ${parsed.error.message}`);
  for (const group of parsed.value) groups[String(group.id)] = group.name;
  const link = Object.entries(response.headers).find(([k]) => k.toLowerCase() === 'link')?.[1] ?? '';
  return link.includes('rel="next"');
}

/** The account's ticket source labels (label → id) from the default_source field. */
export async function readSourceChoices(request: RequestClient): Promise<Record<string, number>> {
  let response;
  try {
    response = await request.invokeTemplate(FRESHDESK_TEMPLATES.sourceField);
  } catch (error) {
    throw freshdeskError(error, 'the ticket source field');
  }
  const parsed = validateSourceChoices(parseJson(response.response));
  if (!parsed.ok) throw new AppError('FRESHDESK_UNAVAILABLE', `Freshdesk sent an unexpected ticket field list: ${parsed.error.message}`);
  return parsed.value;
}

/** A ticket's current facts, or 'gone' when Freshdesk answers 404 (hard-deleted). */
export async function getTicket(request: RequestClient, ticketId: number): Promise<TicketFacts | 'gone'> {
  let response;
  try {
    response = await request.invokeTemplate(FRESHDESK_TEMPLATES.ticket, { context: { ticket_id: ticketId } });
  } catch (error) {
    if (classifyTemplateFailure(error, 'freshdesk').kind === 'not_found') return 'gone';
    throw freshdeskError(error, `ticket ${ticketId}`);
  }
  const parsed = validateFreshdeskTicket(parseJson(response.response));
  if (!parsed.ok) throw new AppError('FRESHDESK_UNAVAILABLE', `Freshdesk sent an unexpected ticket ${ticketId}: ${parsed.error.message}`);
  const t = parsed.value;
  return { id: t.id, group_id: t.group_id, source: t.source, spam: t.spam === true, deleted: t.deleted === true, created_at: t.created_at };
}
