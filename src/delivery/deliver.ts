import { countsInImport, mapConversationCreated, mapTicketCreated } from '../core/counting';
import type { Decision, OfferedContact, ReplyScope } from '../core/types';
import type { KeyValueStore, RequestClient, Scheduler } from '../platform/types';
import { log } from '../platform/log';
import { isNotFound, isTooManyRequests } from '../platform/refusals';
import { AppError, isAppError } from '../remote/errors';
import { postContacts, splitIntoBodies } from '../remote/injixo-client';
import { CHUNK_CONTACTS, chunkKey, readChunk, type StoredContact, trimOldest, writeChunks } from './chunks';
import { asCoreDirectory, refreshDirectory } from './directory';
import { GUIDANCE } from './messages';
import { lastSettledSlot, outboxKey, type OutboxRecord, packRecord, readOutboxSlot, recordTime, slotOf } from './outbox';
import { type AppState, chunkListSize, countSent, dayOf, readState, writeState } from './state';
import { TicketBook } from './ticket-book';
import { SCHEDULE_LEAD_MS } from '../platform/schedule-lead';

/**
 * The delivery run: outbox → contacts (counting rules) → injixo, with the backlog for what
 * could not be sent. It runs from the recurring schedule, after settings change, and on demand
 * from the status page. Every bound below keeps one run inside the platform's limits
 * (20 s, 50 requests/min, 50 KV operations/min — SPEC §5) with room left for event handlers.
 */
export const BACKLOG_PREFIX = 'backlog:';
export const PARKED_PREFIX = 'parked:';
export const LEASE_KEY = 'delivery-lease';
/** A run lasts at most 20 s; a lease outliving that would only block the next run. */
export const LEASE_TTL_SECONDS = 25;
/** Outbox slots read per run: an hour of backlog when catching up. */
export const MAX_SLOTS_PER_RUN = 12;
/** Backlog chunks read per run (~900 contacts, two or three requests). */
export const MAX_BACKLOG_CHUNKS_PER_RUN = 6;
/** injixo requests per run, leaving most of the 50/min for handlers and Freshdesk look-ups. */
export const MAX_REQUESTS_PER_RUN = 15;
/** 400 chunks × 150 = 60,000 contacts: weeks of a busy account's traffic. */
export const MAX_BACKLOG_CHUNKS = 400;
export const MAX_PARKED_CHUNKS = 20;
/** "Key rejected" is logged at most this often, not once per event. */
export const KEY_ALERT_EVERY_MS = 60 * 60_000;
/** A follow-up run when work remains, sooner than the recurring schedule. */
export const FOLLOW_UP_SCHEDULE = 'deliver-soon';
/** As soon as the platform allows (5 minutes) plus a margin: see SCHEDULE_LEAD_MS. */
export const FOLLOW_UP_DELAY_MS = SCHEDULE_LEAD_MS;

export interface Settings {
  replyScope: ReplyScope;
  integrationId: number | undefined;
}

export interface DeliveryDeps {
  db: KeyValueStore;
  request: RequestClient;
  schedule: Scheduler;
  nowMs: number;
  settings: Settings;
}

export interface DeliveryReport {
  outcome: 'delivered' | 'busy' | 'waiting_for_directory';
  records: number;
  newContacts: number;
  sent: number;
  backlog: number;
  parked: number;
  dropped: number;
  failure?: { code: string; message: string };
  moreToDo: boolean;
}

interface SendResult {
  sent: OfferedContact[];
  unsent: OfferedContact[];
  parked: StoredContact[];
  failure?: AppError;
}

export async function runDelivery(deps: DeliveryDeps): Promise<DeliveryReport> {
  const { db, nowMs } = deps;
  try {
    await db.set(LEASE_KEY, { at: nowMs }, { setIf: 'not_exist', ttl: LEASE_TTL_SECONDS });
  } catch (error) {
    // Another run holds the lease, or the KV limit refused the call. In the second case no
    // run may be under way at all, so ask for one shortly rather than wait for the next period.
    if (!isTooManyRequests(error)) return emptyReport('busy');
    await scheduleDeliverySoon(deps.schedule, nowMs);
    return { ...emptyReport('busy'), moreToDo: true };
  }
  const state = await readState(db, nowMs);
  const lastSlot = Math.min(lastSettledSlot(nowMs), state.cursor + MAX_SLOTS_PER_RUN);
  const slots: number[] = [];
  for (let slot = state.cursor + 1; slot <= lastSlot; slot += 1) slots.push(slot);
  const records: OutboxRecord[] = [];
  const filledSlots: number[] = [];
  for (const slot of slots) {
    const found = await readOutboxSlot(db, slot);
    if (found.length > 0) filledSlots.push(slot);
    records.push(...found);
  }
  // Stable sort: facts in the order they became true (see recordTime).
  records.sort((a, b) => recordTime(a) - recordTime(b));

  const built = await buildContacts(deps, state, records);
  if (built.directoryMissing) {
    // Keep the outbox as it is (cursor unchanged) until group names can be read.
    recordFailure(state, built.failure, nowMs);
    await writeState(db, state);
    return { ...emptyReport('waiting_for_directory'), records: records.length, backlog: chunkListSize(state.backlog), moreToDo: true, ...failureOf(built.failure) };
  }

  // After a 429 with Retry-After, injixo is not called at all until that time has passed.
  const waiting = state.health.retryAfterUntil !== undefined && Date.parse(state.health.retryAfterUntil) > nowMs;
  const fromBacklog = waiting ? { contacts: [], chunkIds: [] } : await loadBacklogHead(db, state);
  const queue = [...fromBacklog.contacts, ...built.contacts];
  const requestBudget = Math.max(0, MAX_REQUESTS_PER_RUN - built.lookups);
  const result: SendResult = waiting ? { sent: [], unsent: queue, parked: [] } : await sendAll(deps, queue, requestBudget);

  // Bookkeeping, in an order that never loses a contact when a KV call is refused or the run
  // dies: first store what is still unsent, then commit the state (cursor and chunk lists) in
  // one write, and only then delete what the committed state no longer refers to. A failure
  // before the commit leaves the previous state intact, so the next run redoes this one:
  // what was posted is posted again (a duplicate, measured in the crash test), never lost.
  state.backlog.chunks = state.backlog.chunks.filter((c) => !fromBacklog.chunkIds.includes(c.id));
  await writeChunks(db, BACKLOG_PREFIX, state.backlog, result.unsent);
  await writeChunks(db, PARKED_PREFIX, state.parked, result.parked);
  if (built.carry.length > 0) {
    await db.update(outboxKey(slotOf(nowMs)), 'append', { items: built.carry.map(packRecord) });
  }
  const trimmed = [...trimOldest(BACKLOG_PREFIX, state.backlog, MAX_BACKLOG_CHUNKS), ...trimOldest(PARKED_PREFIX, state.parked, MAX_PARKED_CHUNKS)];
  const dropped = trimmed.reduce((sum, c) => sum + c.n, 0);
  if (slots.length > 0) state.cursor = slots[slots.length - 1] ?? state.cursor;
  updateHealth(state, result, dropped, built.failure, nowMs);
  await writeState(db, state);

  const garbage = [
    ...fromBacklog.chunkIds.map((id) => chunkKey(BACKLOG_PREFIX, id)),
    ...trimmed.map((c) => c.key),
    ...filledSlots.map((slot) => outboxKey(slot)),
  ];
  for (const key of garbage) await db.delete(key).catch(() => undefined);

  const moreToDo = lastSettledSlot(nowMs) > state.cursor || (state.backlog.chunks.length > 0 && result.failure === undefined && !waiting);
  if (moreToDo) await scheduleDeliverySoon(deps.schedule, nowMs);
  const report: DeliveryReport = {
    outcome: 'delivered',
    records: records.length,
    newContacts: built.contacts.length,
    sent: result.sent.length,
    backlog: chunkListSize(state.backlog),
    parked: result.parked.length,
    dropped,
    moreToDo,
    ...failureOf(result.failure ?? built.failure),
  };
  if (report.sent > 0 || report.records > 0) {
    log('info', 'DELIVERY', `sent ${report.sent} contacts to injixo`, { new: report.newContacts, backlog: report.backlog, parked: report.parked });
  }
  return report;
}

function emptyReport(outcome: DeliveryReport['outcome']): DeliveryReport {
  return { outcome, records: 0, newContacts: 0, sent: 0, backlog: 0, parked: 0, dropped: 0, moreToDo: false };
}

function failureOf(error: AppError | undefined): { failure?: { code: string; message: string } } {
  return error ? { failure: { code: error.code, message: error.message } } : {};
}

interface Built {
  contacts: OfferedContact[];
  /** Records that could not be processed now (Freshdesk unavailable); they go back in the outbox. */
  carry: OutboxRecord[];
  lookups: number;
  directoryMissing: boolean;
  failure?: AppError;
}

async function buildContacts(deps: DeliveryDeps, state: AppState, records: OutboxRecord[]): Promise<Built> {
  const built: Built = { contacts: [], carry: [], lookups: 0, directoryMissing: false };
  if (records.length === 0) return built;
  const groupIds = records.flatMap((r) => (r.k === 'c' || r.ticket.group_id === null ? [] : [r.ticket.group_id]));
  const refreshed = await refreshDirectory(state.directory, deps.request, deps.nowMs, groupIds);
  if (refreshed.failure) built.failure = refreshed.failure;
  if (!refreshed.directory) return { ...built, directoryMissing: true };
  state.directory = refreshed.directory;
  const directory = asCoreDirectory(refreshed.directory);
  const book = new TicketBook(deps.db, deps.request, deps.nowMs);
  const seen = new Set<string>();
  for (const record of records) {
    let decision: Decision | undefined;
    if (record.k !== 'c') {
      await book.remember(record.ticket, recordTime(record));
      if (record.k === 't' && !countsInImport(record.ticket.created_at, state.installedAt)) decision = mapTicketCreated(record.ticket, directory);
    } else if (!countsInImport(record.conversation.created_at, state.installedAt)) {
      try {
        // As of the reply, not as of now: its record may come after later changes of the ticket.
        const ticket = await book.lookup(record.conversation.ticket_id, recordTime(record));
        if (ticket === 'deferred') built.carry.push(record);
        else decision = mapConversationCreated(record.conversation, ticket, directory, deps.settings.replyScope);
      } catch (error) {
        built.failure = isAppError(error) ? error : new AppError('FRESHDESK_UNAVAILABLE', String(error), { cause: error });
        built.carry.push(record);
      }
    }
    if (decision?.kind !== 'contact' || seen.has(decision.contact.contactId)) continue;
    seen.add(decision.contact.contactId);
    built.contacts.push(decision.contact);
    for (const notice of decision.notices) warnUnknownGroup(state, notice.groupId, deps.nowMs);
  }
  built.lookups = book.lookups;
  await book.save();
  return built;
}

function warnUnknownGroup(state: AppState, groupId: number, nowMs: number): void {
  const day = dayOf(nowMs);
  if (state.warnedGroups[String(groupId)] === day) return;
  state.warnedGroups[String(groupId)] = day;
  log('warn', 'UNKNOWN_GROUP', `Freshdesk does not know group ${groupId} (deleted?); its contacts go to queues named "Group ${groupId}"`, { group: groupId });
}

async function loadBacklogHead(db: KeyValueStore, state: AppState): Promise<{ contacts: OfferedContact[]; chunkIds: number[] }> {
  // While the key is rejected, one chunk is enough to find out whether it works again.
  const take = state.health.keyRejectedSince ? 1 : MAX_BACKLOG_CHUNKS_PER_RUN;
  const contacts: OfferedContact[] = [];
  const chunkIds: number[] = [];
  for (const chunk of state.backlog.chunks.slice(0, take)) {
    try {
      contacts.push(...(await readChunk(db, BACKLOG_PREFIX, chunk.id)));
      chunkIds.push(chunk.id);
    } catch (error) {
      // A chunk the state lists but the store does not have was already delivered by a run
      // that died before committing; anything else (the KV limit) means: try again next run.
      if (isNotFound(error)) chunkIds.push(chunk.id);
      else break;
    }
  }
  return { contacts, chunkIds };
}

/**
 * Sends in bodies under 100 KB. A body injixo calls invalid (400/413/422) is halved until the
 * offending contacts are alone, and those are parked with injixo's reason, so one bad contact
 * never holds back the rest. Anything transient or a key problem stops the run: the rest waits.
 */
async function sendAll(deps: DeliveryDeps, contacts: OfferedContact[], requestBudget: number): Promise<SendResult> {
  const result: SendResult = { sent: [], unsent: [], parked: [] };
  const pending = splitIntoBodies(contacts, deps.settings.integrationId);
  let budget = requestBudget;
  while (pending.length > 0) {
    const body = pending.shift() ?? [];
    if (budget <= 0 || result.failure) {
      result.unsent.push(...body);
      continue;
    }
    budget -= 1;
    try {
      await postContacts(deps.request, body, deps.settings.integrationId);
      result.sent.push(...body);
    } catch (error) {
      const failure = isAppError(error) ? error : new AppError('INJIXO_UNAVAILABLE', String(error), { cause: error });
      if (failure.code === 'INJIXO_BAD_REQUEST') {
        if (body.length > 1) {
          const half = Math.ceil(body.length / 2);
          pending.unshift(body.slice(0, half), body.slice(half));
        } else {
          result.parked.push(...body.map((c) => ({ ...c, reason: failure.message })));
          log('error', failure.code, `injixo refused contact ${body[0]?.contactId ?? '?'}; it is set aside and not retried`, { status: failure.status, reason: failure.message });
        }
        continue;
      }
      result.failure = failure;
      result.unsent.push(...body);
    }
  }
  return result;
}

function recordFailure(state: AppState, failure: AppError | undefined, nowMs: number): void {
  if (!failure) return;
  const at = new Date(nowMs).toISOString();
  state.health.lastFailure = { code: failure.code, message: failure.message, at, ...(failure.status !== undefined ? { status: failure.status } : {}) };
  state.health.consecutiveFailures += 1;
}

function updateHealth(state: AppState, result: SendResult, dropped: number, directoryFailure: AppError | undefined, nowMs: number): void {
  const health = state.health;
  const at = new Date(nowMs).toISOString();
  if (result.sent.length > 0) {
    countSent(health, result.sent, nowMs);
    health.lastSuccessAt = at;
    health.consecutiveFailures = 0;
    delete health.keyRejectedSince;
    delete health.retryAfterUntil;
  }
  health.parkedTotal += result.parked.length;
  if (dropped > 0) {
    health.dropped += dropped;
    log('error', 'BACKLOG_FULL', `the backlog exceeded ${MAX_BACKLOG_CHUNKS * CHUNK_CONTACTS} contacts; the oldest ${dropped} were dropped`, { dropped, droppedTotal: health.dropped });
  }
  const failure = result.failure ?? directoryFailure;
  if (!failure) return;
  recordFailure(state, failure, nowMs);
  if (failure.retryAfterSeconds !== undefined) health.retryAfterUntil = new Date(nowMs + failure.retryAfterSeconds * 1000).toISOString();
  if (failure.code === 'INJIXO_KEY_REJECTED') {
    health.keyRejectedSince ??= at;
    const lastAlert = health.keyAlertLoggedAt ? Date.parse(health.keyAlertLoggedAt) : 0;
    if (nowMs - lastAlert >= KEY_ALERT_EVERY_MS) {
      health.keyAlertLoggedAt = at;
      log('error', failure.code, `injixo rejected the API key (HTTP ${failure.status ?? 401}). ${GUIDANCE.INJIXO_KEY_REJECTED}`, {
        since: health.keyRejectedSince,
        waiting: chunkListSize(state.backlog),
      });
    }
  } else if (health.consecutiveFailures === 1 || health.consecutiveFailures % 6 === 0) {
    // First failure, then about twice an hour while it lasts (runs are 10 minutes apart).
    log('warn', failure.code, `${failure.message}. ${GUIDANCE[failure.code]}`, { failures: health.consecutiveFailures });
  }
}

/** Asks for a delivery run FOLLOW_UP_DELAY_MS (about 6 minutes) from now; at most one such run is ever pending. */
export async function scheduleDeliverySoon(schedule: Scheduler, nowMs: number): Promise<void> {
  try {
    await schedule.create({ name: FOLLOW_UP_SCHEDULE, data: { kind: 'deliver' }, schedule_at: new Date(nowMs + FOLLOW_UP_DELAY_MS).toISOString() });
  } catch {
    // Already scheduled (names are unique) or the scheduler is busy: the recurring run follows anyway.
  }
}
