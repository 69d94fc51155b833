import { type FreshdeskKeyState, freshdeskKeyStateOf, type InjixoKeyState, injixoKeyStateOf, KEY_PROBE_BODY } from '../remote/key-check';
import { FRESHDESK_HOST_CONTEXT } from '../remote/freshdesk-host';
import type { FieldMessage } from './settings-fields';

export type InjixoKeyCheck = InjixoKeyState;
export type FreshdeskKeyCheck = FreshdeskKeyState;

/** Request templates of config/requests.json used by the install page. */
export const INJIXO_CHECK_TEMPLATE = 'injixoCheckKey';
export const FRESHDESK_CHECK_TEMPLATE = 'freshdeskCheckKey';

export interface TemplateInvoker {
  invokeTemplate(name: string, options: { context: Record<string, string>; body?: string }): Promise<unknown>;
}

/** The same meaning the server gives a check's answer (src/remote/key-check.ts). */
export const classifyInjixoAnswer = injixoKeyStateOf;
export const classifyFreshdeskAnswer = freshdeskKeyStateOf;

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
  const status = await answerStatus(request, INJIXO_CHECK_TEMPLATE, { context: { injixo_api_key: key }, body: KEY_PROBE_BODY });
  return { result: classifyInjixoAnswer(status), status };
}

/**
 * `host` is the bare Freshdesk host (src/remote/freshdesk-host.ts) from the page's
 * `client.data.get('currentHost')`: the template takes it from `context`, never from a URL.
 */
export async function checkFreshdeskKey(request: TemplateInvoker, key: string, host: string): Promise<{ result: FreshdeskKeyCheck; status: number }> {
  const status = await answerStatus(request, FRESHDESK_CHECK_TEMPLATE, { context: { freshdesk_api_key: key, [FRESHDESK_HOST_CONTEXT]: host } });
  return { result: classifyFreshdeskAnswer(status), status };
}

/**
 * The message next to each key field; an unreachable injixo warns but does not block saving.
 * A key that was not checked (left empty: the required-field message covers it) is `undefined`.
 */
export function keyCheckMessages(
  injixo: { result: InjixoKeyCheck; status: number } | undefined,
  freshdesk: { result: FreshdeskKeyCheck; status: number } | undefined,
  { firstInstall }: { firstInstall: boolean } = { firstInstall: false },
): FieldMessage[] {
  const messages: FieldMessage[] = [];
  if (injixo) messages.push(...injixoMessages(injixo, firstInstall));
  if (freshdesk) messages.push(...freshdeskMessages(freshdesk));
  return messages;
}

/** On a first install no key can have been "regenerated": that message is for Edit Settings only. */
function injixoMessages(injixo: { result: InjixoKeyCheck; status: number }, firstInstall: boolean): FieldMessage[] {
  const messages: FieldMessage[] = [];
  const rejected = firstInstall ? 'error.injixoKeyRejectedFirst' : 'error.injixoKeyRejected';
  if (injixo.result === 'rejected') messages.push({ field: 'injixoKey', severity: 'error', key: rejected, params: { status: injixo.status } });
  if (injixo.result === 'unavailable') messages.push({ field: 'injixoKey', severity: 'warning', key: 'warning.injixoUnavailable' });
  return messages;
}

function freshdeskMessages(freshdesk: { result: FreshdeskKeyCheck; status: number }): FieldMessage[] {
  const messages: FieldMessage[] = [];
  if (freshdesk.result === 'rejected') messages.push({ field: 'freshdeskKey', severity: 'error', key: 'error.freshdeskKeyRejected' });
  if (freshdesk.result === 'not_admin') messages.push({ field: 'freshdeskKey', severity: 'error', key: 'error.freshdeskNotAdmin' });
  if (freshdesk.result === 'unavailable') {
    messages.push({ field: 'freshdeskKey', severity: 'error', key: 'error.freshdeskUnavailable', params: { status: freshdesk.status } });
  }
  return messages;
}
