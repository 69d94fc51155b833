import type { OfferedContact } from '../core/types';
import { injixoBodyFrom } from '../schemas/injixo-body';
import type { RequestClient } from '../platform/types';
import { classifyTemplateFailure } from './classify';
import { AppError } from './errors';

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
 * Splits contacts into request bodies of at most `maxBytes` each, keeping order. A single
 * contact larger than the limit still gets its own body (injixo will judge it).
 */
export function splitIntoBodies(
  contacts: readonly OfferedContact[],
  integrationId: number | undefined,
  maxBytes = MAX_BODY_BYTES,
): OfferedContact[][] {
  const envelope = utf8Length(JSON.stringify(injixoBodyFrom([], integrationId)));
  const batches: OfferedContact[][] = [];
  let current: OfferedContact[] = [];
  let size = envelope;
  for (const contact of contacts) {
    const itemSize = utf8Length(JSON.stringify(injixoBodyFrom([contact], integrationId).data[0])) + 1;
    if (current.length > 0 && size + itemSize > maxBytes) {
      batches.push(current);
      current = [];
      size = envelope;
    }
    current.push(contact);
    size += itemSize;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Posts one batch; resolves on any 2xx, otherwise throws one AppError (see classify.ts). */
export async function postContacts(
  request: RequestClient,
  contacts: readonly OfferedContact[],
  integrationId: number | undefined,
): Promise<void> {
  try {
    await request.invokeTemplate(INJIXO_TEMPLATE, { body: JSON.stringify(injixoBodyFrom(contacts, integrationId)) });
  } catch (error) {
    throw injixoError(error);
  }
}

export function injixoError(error: unknown): AppError {
  const failure = classifyTemplateFailure(error);
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
      // injixo received the batch and may have stored it. Losing it is worse than a possible
      // duplicate, so it stays in the backlog and is sent again, like a POST that timed out.
      return new AppError(
        'UNACCEPTED_ANSWER',
        `the platform refused injixo's answer (HTTP 415, content type not accepted); the batch is kept and sent again, and may be counted twice if injixo stored it`,
        options,
      );
    case 'transient':
      if (failure.byPlatform) return new AppError('PLATFORM_LIMIT', 'the platform request limit (50/min) was reached', options);
      return new AppError(
        'INJIXO_UNAVAILABLE',
        failure.noAnswer ? `injixo did not answer (${failure.detail || 'network error or timeout'})` : `injixo is unavailable (HTTP ${failure.status})`,
        options,
      );
  }
}
