import type { OfferedContact } from '../core/types';
import {
  agentStatusesBodyFrom,
  type InjixoAgentStatus,
  type InjixoContactEvent,
  type InjixoContactEventsBody,
  injixoEventFrom,
  validateAgentStatusesBody,
  validateInjixoBody,
} from '../schemas/injixo-body';
import type { RequestClient } from '../platform/types';
import { type ClassifiedFailure, classifyTemplateFailure } from './classify';
import { AppError, type AppErrorOptions } from './errors';

/**
 * The request template that posts to injixo (config/requests.json). It has maxAttempts 1 on
 * purpose: injixo's API has no contact id, so a POST that timed out after injixo stored it
 * would be stored again by every platform retry — and three 15 s attempts do not fit in a
 * 20 s invocation anyway. Failed batches wait in the backlog for the next run instead.
 */
export const INJIXO_TEMPLATE = 'injixoPostContacts';

/**
 * injixo caps a request body at 100 KB (SPEC §3); we stay well below so a batch never
 * bounces with 413 because of header overhead or a long queue name.
 */
export const MAX_BODY_BYTES = 90_000;

/** UTF-8 byte length without TextEncoder/Buffer, which the sandbox lacks. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * One POST's worth of contacts, with its body built once: the same object is measured, checked
 * against the strict schema and serialized for sending. Its `json` is exactly
 * `JSON.stringify(body)`, assembled from each contact's serialized event so that measuring a
 * batch does not serialize it twice.
 */
export interface InjixoBatch {
  contacts: readonly OfferedContact[];
  body: InjixoContactEventsBody;
  json: string;
}

interface Item {
  contact: OfferedContact;
  event: InjixoContactEvent;
  json: string;
}

function batchOf(items: readonly Item[], integrationId: number | undefined): InjixoBatch {
  const body: InjixoContactEventsBody =
    integrationId === undefined ? { data: items.map((i) => i.event) } : { data: items.map((i) => i.event), meta: { integrationConfigurationId: integrationId } };
  const meta = body.meta === undefined ? '' : `,"meta":${JSON.stringify(body.meta)}`;
  return { contacts: items.map((i) => i.contact), body, json: `{"data":[${items.map((i) => i.json).join(',')}]${meta}}` };
}

function itemsOf(contacts: readonly OfferedContact[]): Item[] {
  return contacts.map((contact) => {
    const event = injixoEventFrom(contact);
    return { contact, event, json: JSON.stringify(event) };
  });
}

/**
 * Splits contacts into batches whose body is at most `maxBytes`, keeping order. A single
 * contact larger than the limit still gets its own batch (injixo will judge it).
 */
export function buildBatches(contacts: readonly OfferedContact[], integrationId: number | undefined, maxBytes = MAX_BODY_BYTES): InjixoBatch[] {
  const envelope = utf8Length(batchOf([], integrationId).json);
  const batches: InjixoBatch[] = [];
  let current: Item[] = [];
  let size = envelope;
  for (const item of itemsOf(contacts)) {
    const itemSize = utf8Length(item.json) + 1;
    if (current.length > 0 && size + itemSize > maxBytes) {
      batches.push(batchOf(current, integrationId));
      current = [];
      size = envelope;
    }
    current.push(item);
    size += itemSize;
  }
  if (current.length > 0) batches.push(batchOf(current, integrationId));
  return batches;
}

/** The two halves of a batch injixo refused, to find the contact it refused (see delivery/run/send.ts). */
export function halveBatch(batch: InjixoBatch, integrationId: number | undefined): [InjixoBatch, InjixoBatch] {
  const items = itemsOf(batch.contacts);
  const half = Math.ceil(items.length / 2);
  return [batchOf(items.slice(0, half), integrationId), batchOf(items.slice(half), integrationId)];
}

/**
 * Posts one batch; resolves on any 2xx, otherwise throws one AppError (see classify.ts). The
 * body is checked against the strict schema right before it leaves: injixo would create a
 * queue, forever, for a malformed name or identifier, so such a body is refused here as injixo
 * would refuse a bad request, and the caller isolates and sets aside the contact at fault.
 */
export async function postBatch(request: RequestClient, batch: InjixoBatch): Promise<void> {
  const checked = validateInjixoBody(batch.body);
  if (!checked.ok) {
    throw new AppError('INJIXO_BAD_REQUEST', `not sent: the contact fails the app's own injixo schema (${checked.error.message})`);
  }
  try {
    await request.invokeTemplate(INJIXO_TEMPLATE, { body: batch.json });
  } catch (error) {
    throw injixoError(error);
  }
}

/** The template for agent statuses (issue 14); maxAttempts 1 for the same reason as contacts. */
export const INJIXO_AGENT_STATUSES_TEMPLATE = 'injixoPostAgentStatuses';

/** Posts one batch of agent status intervals; resolves on any 2xx, otherwise throws one AppError. */
export async function postAgentStatuses(request: RequestClient, intervals: readonly InjixoAgentStatus[], integrationId: number | undefined): Promise<void> {
  const body = agentStatusesBodyFrom(intervals, integrationId);
  const checked = validateAgentStatusesBody(body);
  if (!checked.ok) throw new AppError('INJIXO_BAD_REQUEST', `not sent: the agent statuses fail the app's own injixo schema (${checked.error.message})`);
  try {
    await request.invokeTemplate(INJIXO_AGENT_STATUSES_TEMPLATE, { body: JSON.stringify(body) });
  } catch (error) {
    throw injixoError(error);
  }
}

export function injixoError(error: unknown): AppError {
  const failure = classifyTemplateFailure(error, 'injixo');
  const options = { status: failure.status, retryAfterSeconds: failure.retryAfterSeconds, cause: error };
  switch (failure.kind) {
    case 'auth':
    case 'forbidden':
      return new AppError('INJIXO_KEY_REJECTED', `injixo rejected the API key (HTTP ${failure.status})`, options);
    case 'bad_request':
      return new AppError('INJIXO_BAD_REQUEST', `injixo refused the request (HTTP ${failure.status}): ${failure.detail}`, options);
    case 'not_found':
      return new AppError('INJIXO_NOT_FOUND', 'injixo answered 404: the API address is wrong', options);
    case 'unaccepted_answer':
      // injixo received the batch and may have stored it: unconfirmed, like a POST that timed out.
      return new AppError('UNACCEPTED_ANSWER', `the platform refused injixo's answer (HTTP 415, content type not accepted); injixo may have stored the batch`, { ...options, unconfirmed: true });
    case 'transient':
      return transientInjixoError(failure, options);
  }
}

function transientInjixoError(failure: ClassifiedFailure, options: AppErrorOptions): AppError {
  if (failure.byPlatform) return new AppError('PLATFORM_LIMIT', 'the platform request limit (50/min) was reached', options);
  if (failure.noAnswer) return new AppError('INJIXO_UNAVAILABLE', `injixo did not answer (${failure.detail || 'network error or timeout'})`, { ...options, unconfirmed: true });
  return new AppError('INJIXO_UNAVAILABLE', `injixo is unavailable (HTTP ${failure.status})`, options);
}
