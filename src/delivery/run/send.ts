import type { OfferedContact } from '../../core/types';
import { log } from '../../platform/log';
import type { RequestClient } from '../../platform/types';
import { AppError, isAppError } from '../../remote/errors';
import { buildBatches, halveBatch, type InjixoBatch, postBatch } from '../../remote/injixo-client';
import type { StoredContact } from '../stored/stored-data';

/** injixo requests per run, leaving most of the 50/min for handlers and Freshdesk look-ups. */
export const MAX_REQUESTS_PER_RUN = 15;

export interface SendResult {
  sent: OfferedContact[];
  unsent: OfferedContact[];
  setAside: StoredContact[];
  /** Posted, but injixo never confirmed (no answer, or an answer the platform refused): never sent again. */
  unconfirmed: OfferedContact[];
  failure?: AppError;
}

/**
 * Sends in bodies under 100 KB. A body injixo calls invalid (400/413/422) is halved until the
 * offending contacts are alone, and those are set aside with injixo's reason, so one bad contact
 * never holds back the rest. Anything transient or a key problem stops the run: the rest waits.
 */
export async function sendAll(
  request: RequestClient,
  contacts: readonly OfferedContact[],
  integrationId: number | undefined,
  requestBudget: number,
): Promise<SendResult> {
  const result: SendResult = { sent: [], unsent: [], setAside: [], unconfirmed: [] };
  const pending = buildBatches(contacts, integrationId);
  let budget = requestBudget;
  for (let batch = pending.shift(); batch !== undefined; batch = pending.shift()) {
    if (budget <= 0 || result.failure) {
      result.unsent.push(...batch.contacts);
      continue;
    }
    budget -= 1;
    const failure = await tryPost(request, batch);
    if (failure === undefined) result.sent.push(...batch.contacts);
    else if (failure.code === 'INJIXO_BAD_REQUEST' && !isTooLargeAlone(batch, failure)) pending.unshift(...isolate(result, batch, failure, integrationId));
    else stop(result, batch, failure);
  }
  return result;
}

async function tryPost(request: RequestClient, batch: InjixoBatch): Promise<AppError | undefined> {
  try {
    await postBatch(request, batch);
    return undefined;
  } catch (error) {
    return isAppError(error) ? error : new AppError('INJIXO_UNAVAILABLE', String(error), { cause: error });
  }
}

/**
 * 413 for a body of one contact (a few hundred bytes) cannot be about that contact: injixo (or a
 * proxy before it) refuses every body for now. Setting contacts aside one by one would lose them
 * for good; they wait in the backlog and the next run tries again (issue 19: the simulator's
 * injixo answering 413 for a while set aside every contact of that while).
 */
function isTooLargeAlone(batch: InjixoBatch, failure: AppError): boolean {
  return failure.status === 413 && batch.contacts.length === 1;
}

/** A body injixo called invalid: its halves go back to the queue, or its one contact is set aside. */
function isolate(result: SendResult, batch: InjixoBatch, failure: AppError, integrationId: number | undefined): InjixoBatch[] {
  if (batch.contacts.length > 1) return halveBatch(batch, integrationId);
  setAsideOne(result, batch, failure);
  return [];
}

/** Anything else ends the run's sending: a batch injixo may have stored is unconfirmed, the rest waits. */
function stop(result: SendResult, batch: InjixoBatch, failure: AppError): void {
  result.failure = failure;
  (failure.unconfirmed ? result.unconfirmed : result.unsent).push(...batch.contacts);
}

function setAsideOne(result: SendResult, batch: InjixoBatch, failure: AppError): void {
  result.setAside.push(...batch.contacts.map((c) => ({ ...c, reason: failure.message })));
  log('error', failure.code, `injixo refused contact ${batch.contacts[0]?.contactId ?? '?'}; it is set aside and not retried`, { status: failure.status, reason: failure.message });
}
