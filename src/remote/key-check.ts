/**
 * What a key check means, shared by the install page (keys not saved yet, sent in `context`)
 * and the server (saved keys, on install and from the status page). Pure: no platform, no
 * schemas, so the browser bundle can use it as it is.
 */
import { isTransient } from './retry-policy';

export type InjixoKeyState = 'ok' | 'rejected' | 'unavailable';
export type FreshdeskKeyState = 'ok' | 'rejected' | 'not_admin' | 'unavailable';

export interface ConnectionCheck {
  injixo: InjixoKeyState;
  freshdesk: FreshdeskKeyState;
}

/**
 * A body injixo must refuse for its content, after authenticating the caller: an empty list
 * carries no contact, so it proves the key without creating any queue (injixo creates a queue
 * for every new identifier and name, and queues cannot be deleted). [assumption: injixo
 * authenticates before validating the body, as the local injixo does; SPEC §3 documents 401
 * for a bad key and 400 for a bad body.]
 */
export const KEY_PROBE_BODY = JSON.stringify({ data: [] });

/**
 * 401/403 reject the key; 404 means the address is wrong, which proves nothing about the key;
 * any other definite answer (2xx, 400 for the empty list) proves it.
 */
export function injixoKeyStateOf(status: number): InjixoKeyState {
  if (status === 401 || status === 403) return 'rejected';
  return status === 404 || isTransient('injixo', status) ? 'unavailable' : 'ok';
}

/** SPEC §4: the Groups API is for admins only; Freshdesk answers 403 to an agent's key. */
export function freshdeskKeyStateOf(status: number): FreshdeskKeyState {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 401) return 'rejected';
  if (status === 403) return 'not_admin';
  return 'unavailable';
}
