import type { RequestClient } from '../platform/types';
import { classifyTemplateFailure } from './classify';
import { FRESHDESK_TEMPLATES } from './freshdesk-client';
import { INJIXO_TEMPLATE } from './injixo-client';
import { type ConnectionCheck, type FreshdeskKeyState, freshdeskKeyStateOf, type InjixoKeyState, injixoKeyStateOf, KEY_PROBE_BODY } from './key-check';

export type { ConnectionCheck } from './key-check';

/** Checks the saved injixo key: 401/403 rejected, any other answer proves the key. */
export async function checkInjixoKey(request: RequestClient): Promise<InjixoKeyState> {
  try {
    await request.invokeTemplate(INJIXO_TEMPLATE, { body: KEY_PROBE_BODY });
    return 'ok';
  } catch (error) {
    return injixoKeyStateOf(classifyTemplateFailure(error, 'injixo').status);
  }
}

/** Checks the saved Freshdesk key against an admin-only API, so an agent's key is caught. */
export async function checkFreshdeskKey(request: RequestClient): Promise<FreshdeskKeyState> {
  try {
    await request.invokeTemplate(FRESHDESK_TEMPLATES.groups, { context: { page: 1 } });
    return 'ok';
  } catch (error) {
    return freshdeskKeyStateOf(classifyTemplateFailure(error, 'freshdesk').status);
  }
}

export async function checkConnection(request: RequestClient): Promise<ConnectionCheck> {
  return { injixo: await checkInjixoKey(request), freshdesk: await checkFreshdeskKey(request) };
}
