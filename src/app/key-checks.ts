import type { FieldMessage } from './settings-fields';

/** Request templates of config/requests.json used by the install page. */
export const INJIXO_CHECK_TEMPLATE = 'injixoCheckKey';
export const FRESHDESK_CHECK_TEMPLATE = 'freshdeskCheckKey';

/**
 * The check sends `{"data":[]}`: an empty list carries no contact, so it cannot create a queue
 * in injixo (queues can never be deleted, SPEC §2 rule 10), while the Authorization header is
 * still checked. [assumption] injixo authenticates before it validates the body: 401/403 mean
 * the key is rejected and any other answer (2xx, 400 for the empty list, …) means it was accepted.
 */
export const INJIXO_CHECK_BODY = JSON.stringify({ data: [] });

export type InjixoKeyCheck = 'ok' | 'rejected' | 'unavailable';
export type FreshdeskKeyCheck = 'ok' | 'rejected' | 'not_admin' | 'unavailable';

export interface TemplateInvoker {
  invokeTemplate(name: string, options: { context: Record<string, string>; body?: string }): Promise<unknown>;
}

/** No answer at all, or one that says "later" (SPEC §3: 408/429/5xx and timeouts are transient). */
function isTransient(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

export function classifyInjixoAnswer(status: number): InjixoKeyCheck {
  if (status === 401 || status === 403) return 'rejected';
  return isTransient(status) ? 'unavailable' : 'ok';
}

/** SPEC §4: the Groups API is for admins only; Freshdesk answers 403 to an agent's key. */
export function classifyFreshdeskAnswer(status: number): FreshdeskKeyCheck {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 401) return 'rejected';
  if (status === 403) return 'not_admin';
  return 'unavailable';
}

/** The HTTP status of a template answer or rejection (`{status, headers, response}`); 0 when there is none. */
export function statusOf(answer: unknown): number {
  const status = typeof answer === 'object' && answer !== null ? (answer as { status?: unknown }).status : undefined;
  return typeof status === 'number' && Number.isFinite(status) ? status : 0;
}

/** A non-2xx answer rejects (api/request-method-docs.md); both ways end in a status. */
async function answerStatus(request: TemplateInvoker, name: string, options: { context: Record<string, string>; body?: string }): Promise<number> {
  try {
    return statusOf(await request.invokeTemplate(name, options));
  } catch (error) {
    return statusOf(error);
  }
}

/** The keys are not saved yet, so they travel in `context` (architecture/request-templates-latest.md). */
export async function checkInjixoKey(request: TemplateInvoker, key: string): Promise<{ result: InjixoKeyCheck; status: number }> {
  const status = await answerStatus(request, INJIXO_CHECK_TEMPLATE, { context: { injixo_api_key: key }, body: INJIXO_CHECK_BODY });
  return { result: classifyInjixoAnswer(status), status };
}

export async function checkFreshdeskKey(request: TemplateInvoker, key: string): Promise<{ result: FreshdeskKeyCheck; status: number }> {
  const status = await answerStatus(request, FRESHDESK_CHECK_TEMPLATE, { context: { freshdesk_api_key: key } });
  return { result: classifyFreshdeskAnswer(status), status };
}

/** The message next to each key field; an unreachable injixo warns but does not block saving. */
export function keyCheckMessages(
  injixo: { result: InjixoKeyCheck; status: number },
  freshdesk: { result: FreshdeskKeyCheck; status: number },
): FieldMessage[] {
  const messages: FieldMessage[] = [];
  if (injixo.result === 'rejected') messages.push({ field: 'injixoKey', severity: 'error', key: 'error.injixoKeyRejected', params: { status: injixo.status } });
  if (injixo.result === 'unavailable') messages.push({ field: 'injixoKey', severity: 'warning', key: 'warning.injixoUnavailable' });
  if (freshdesk.result === 'rejected') messages.push({ field: 'freshdeskKey', severity: 'error', key: 'error.freshdeskKeyRejected' });
  if (freshdesk.result === 'not_admin') messages.push({ field: 'freshdeskKey', severity: 'error', key: 'error.freshdeskNotAdmin' });
  if (freshdesk.result === 'unavailable') {
    messages.push({ field: 'freshdeskKey', severity: 'error', key: 'error.freshdeskUnavailable', params: { status: freshdesk.status } });
  }
  return messages;
}
