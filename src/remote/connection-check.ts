import type { RequestClient } from '../platform/types';
import { classifyTemplateFailure } from './classify';
import { FRESHDESK_TEMPLATES } from './freshdesk-client';
import { INJIXO_TEMPLATE } from './injixo-client';

export type InjixoKeyState = 'ok' | 'rejected' | 'unavailable';
export type FreshdeskKeyState = 'ok' | 'rejected' | 'not_admin' | 'unavailable';

export interface ConnectionCheck {
  injixo: InjixoKeyState;
  freshdesk: FreshdeskKeyState;
}

/**
 * A body injixo must refuse for its content, after authenticating the caller: it proves the
 * key without creating any queue (injixo creates a queue for every new identifier and name,
 * and queues cannot be deleted). [assumption: injixo authenticates before validating the body,
 * as the local injixo does; SPEC §3 documents 401 for a bad key and 400 for a bad body.]
 */
export const KEY_PROBE_BODY = JSON.stringify({ data: [] });

/** Checks the saved injixo key: 401/403 rejected, any other answer proves the key. */
export async function checkInjixoKey(request: RequestClient): Promise<InjixoKeyState> {
  try {
    await request.invokeTemplate(INJIXO_TEMPLATE, { body: KEY_PROBE_BODY });
    return 'ok';
  } catch (error) {
    const failure = classifyTemplateFailure(error);
    if (failure.kind === 'auth' || failure.kind === 'forbidden') return 'rejected';
    return failure.kind === 'bad_request' ? 'ok' : 'unavailable';
  }
}

/** Checks the saved Freshdesk key against an admin-only API, so an agent's key is caught. */
export async function checkFreshdeskKey(request: RequestClient): Promise<FreshdeskKeyState> {
  try {
    await request.invokeTemplate(FRESHDESK_TEMPLATES.groups, { context: { page: 1 } });
    return 'ok';
  } catch (error) {
    const kind = classifyTemplateFailure(error).kind;
    if (kind === 'auth') return 'rejected';
    if (kind === 'forbidden') return 'not_admin';
    return 'unavailable';
  }
}

export async function checkConnection(request: RequestClient): Promise<ConnectionCheck> {
  return { injixo: await checkInjixoKey(request), freshdesk: await checkFreshdeskKey(request) };
}
