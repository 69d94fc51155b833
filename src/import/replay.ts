/**
 * "Replay a period" (issue 12 items 2 and 4, SPEC §8 and §9): the status page asks for
 * [from, to); the app walks Freshdesk over it with the import's walk and slice machinery (a
 * walk job of kind `replay`, in-app.ts), keeps what it finds in REPLAY_FOUND chunks, and once
 * the walk has ended and delivery has caught up, compares per (queue, interval) with the
 * delivered ledger and hands ONLY the difference to the delivery backlog — so what it sends
 * goes through the ledger like everything else, and a second replay of the same window sends 0.
 *
 * Why the comparison waits: the ledger counts what injixo accepted. Contacts still in the
 * backlog or the outbox (an injixo outage, events of the last minutes) are delivered but not yet
 * counted; comparing then would send them twice. So the comparison runs once the backlog is
 * empty and the delivery cursor has passed the end of the walk.
 *
 * Limits: the window must end in the past, lie within the ledger's retention (older windows are
 * the CLI's, where nothing was delivered), and span at most MAX_REPLAY_HOURS so that the
 * comparison — one ledger read per six hours plus the found chunks — fits one invocation and
 * the KV budget shared with event intake.
 */
import { INTERVAL_MS, isoOf } from '../core/time';
import type { OfferedContact } from '../core/types';
import { writeChunks } from '../delivery/commit/chunks';
import { type OpenState, updateState } from '../delivery/commit/commit';
import { LEDGER_RETENTION_DAYS, readLedger, uncertainHours } from '../delivery/accounting/ledger';
import { slotOf } from '../delivery/intake/outbox';
import { applyPinnedNames } from '../delivery/accounting/queue-names';
import { scheduleDeliverySoon } from '../delivery/run/schedule-runs';
import { readState } from '../delivery/commit/state';
import type { AppState } from '../delivery/stored/stored-data';
import { TicketBook } from '../delivery/memory/ticket-book';
import { log } from '../platform/log';
import type { KeyValueStore, Platform } from '../platform/types';
import { isNotFound } from '../platform/refusals';
import { SCHEDULE_LEAD_MS } from '../platform/schedule-lead';
import type { Settings } from '../schemas/iparams';
import { BACKLOG_PREFIX, REPLAY_KEY, REPLAY_TAKEN_KEY, replayFoundKey, replayScheduleName, SCHEDULE_KINDS } from '../storage/keys';
import { readFoundChunk, writeFoundChunks } from './found-chunks';
import type { FoundChunks, ImportRecord, ReplayResult } from './import-record';
import { continueLater, gapCommand, saveTaken, IMPORT_JOB, isWalking, newWalkRecord, publishWalk, readWalkRecord, runWalkSlice, saveWalkRecord, walkView, type SliceWalk, type WalkJob, type WalkView } from './in-app';
import { differenceOf, type FoundContact } from './replay-difference';

/** The longest window one replay takes; longer periods are replayed in parts. */
export const MAX_REPLAY_HOURS = 24;
/** How long a finished walk waits before it looks again whether delivery has caught up. */
const COMPARE_RETRY_MS = 10 * 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export type ReplayPhase = 'walking' | 'waiting_for_delivery' | 'done' | 'failed';

export interface ReplayView extends WalkView {
  phase: ReplayPhase;
  result?: ReplayResult;
}

/** Why a replay was not started; `code` picks the status page's sentence, `message` is the log's. */
export interface ReplayRefusal {
  code: 'no_host' | 'invalid_time' | 'not_before' | 'in_future' | 'beyond_ledger' | 'too_long' | 'import_running' | 'replay_running';
  message: string;
  /** For a window older than the ledger: the CLI command that can fetch it. */
  cliCommand?: string;
  /** For too_long: the longest window in hours. */
  maxHours?: number;
}

export type ReplayAnswer = { replay: ReplayView } | { refused: ReplayRefusal };

/** ISO instants with a zone, as the status page sends them (the admin's zone converted to UTC). */
function parseInstant(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The oldest instant whose ledger counts are still kept. */
export function ledgerStart(nowMs: number): number {
  return nowMs - LEDGER_RETENTION_DAYS * DAY_MS;
}

/**
 * Checks a requested window and widens it to whole 15-minute intervals: injixo and the ledger
 * count per interval, so a window starting mid-interval would compare a part of Freshdesk's
 * interval with the whole of the ledger's. An end that would reach past now is rounded down
 * instead: the interval still under way is the events' to deliver.
 */
export function checkReplayWindow(fromText: unknown, toText: unknown, nowMs: number, host: string): { from: number; to: number } | ReplayRefusal {
  const asked = { from: parseInstant(fromText), to: parseInstant(toText) };
  if (asked.from === undefined || asked.to === undefined) return { code: 'invalid_time', message: 'from and to must be ISO-8601 times with a zone' };
  if (asked.from >= asked.to) return { code: 'not_before', message: 'from must be before to' };
  if (asked.to > nowMs) return { code: 'in_future', message: 'a replay cannot reach past now: to must not be in the future' };
  const from = Math.floor(asked.from / INTERVAL_MS) * INTERVAL_MS;
  const up = Math.ceil(asked.to / INTERVAL_MS) * INTERVAL_MS;
  const to = up <= nowMs ? up : Math.floor(asked.to / INTERVAL_MS) * INTERVAL_MS;
  return windowLimits(from, to, nowMs, host) ?? { from, to };
}

function windowLimits(from: number, to: number, nowMs: number, host: string): ReplayRefusal | undefined {
  if (from >= to) return { code: 'in_future', message: 'the window lies within the interval still under way; the events deliver it' };
  if (from < ledgerStart(nowMs)) {
    const message = `the ledger keeps ${LEDGER_RETENTION_DAYS} days, so a replay cannot tell what was delivered before ${isoOf(ledgerStart(nowMs))}; use the CLI for a window the app did not deliver`;
    return { code: 'beyond_ledger', message, cliCommand: gapCommand(host, isoOf(from), isoOf(to)) };
  }
  if (to - from > MAX_REPLAY_HOURS * HOUR_MS) return { code: 'too_long', message: `one replay covers at most ${MAX_REPLAY_HOURS} hours; replay longer periods in parts`, maxHours: MAX_REPLAY_HOURS };
  return undefined;
}

/**
 * The status page's "Replay a period". Refused, not queued, while the initial import or another
 * replay walks: a queued request would wait for an import that can take days, by when its
 * window may have left the ledger's retention; the admin sees why and asks again.
 */
export async function startReplay(platform: Platform, host: string, fromText: unknown, toText: unknown): Promise<ReplayAnswer> {
  const nowMs = platform.now();
  const window = checkReplayWindow(fromText, toText, nowMs, host);
  if ('code' in window) return { refused: window };
  const busy = await busyRefusal(platform.db, nowMs);
  if (busy) return { refused: busy };
  const previous = await readWalkRecord(platform.db, REPLAY_KEY);
  await deleteFound(platform.db, previous?.found);
  await platform.db.delete(REPLAY_TAKEN_KEY).catch(() => undefined);
  const record: ImportRecord = { ...newWalkRecord(host, isoOf(window.from), isoOf(window.to), nowMs), kind: 'replay', found: { chunks: [], next: 1 } };
  await continueLater(platform, REPLAY_JOB, record, nowMs, true);
  log('info', 'REPLAY_STARTED', `replaying ${record.from} to ${record.to}: Freshdesk is read, then only what the ledger lacks is sent`);
  return { replay: replayView(record, nowMs) };
}

async function busyRefusal(db: KeyValueStore, nowMs: number): Promise<ReplayRefusal | undefined> {
  const importRecord = await readWalkRecord(db, IMPORT_JOB.recordKey);
  if (importRecord?.state === 'running' || importRecord?.state === 'paused') {
    return { code: 'import_running', message: 'the initial import has not finished; replay once it is done (one walk of Freshdesk at a time)' };
  }
  if (isWalking(await readWalkRecord(db, REPLAY_KEY), nowMs)) return { code: 'replay_running', message: 'a replay is running; wait for its result before asking for another' };
  return undefined;
}

/** Keeps a slice's contacts with their tickets in found chunks, then the taken tickets, then the cursor. */
async function keepFound(platform: Platform, record: ImportRecord, walked: SliceWalk): Promise<boolean> {
  const found = walked.contacts.map((contact) => walked.witness?.found(contact) ?? unknownTicket(contact));
  const list: FoundChunks = record.found ?? { chunks: [], next: 1 };
  // The chunks first: a slice repeated after a crash writes them again under the same ids.
  await writeFoundChunks(platform.db, list, found);
  await saveTaken(platform, REPLAY_TAKEN_KEY, walked.taken, record);
  record.found = list;
  record.cursor = walked.step.cursor;
  record.contacts += found.length;
  await saveWalkRecord(platform.db, REPLAY_JOB, record);
  return true;
}

/** Not expected (the witness sees every answer the walk reads): counted, never claimed. */
function unknownTicket(contact: OfferedContact): FoundContact {
  return { contact, ticket: { id: 0, group_id: null, source: 0, spam: false, deleted: false, created_at: contact.timestamp } };
}

async function walkDone(platform: Platform, record: ImportRecord): Promise<void> {
  record.walkedAtMs = platform.now();
  record.ticketsRead = record.cursor?.counters.ticketsRead ?? 0;
  // The next slice compares; by then a delivery run has processed what arrived during the walk.
  await continueLater(platform, REPLAY_JOB, record, platform.now() + SCHEDULE_LEAD_MS, true);
}

/** Delivery has sent everything that arrived up to the walk's end: the ledger can be compared. */
function deliveryCaughtUp(state: AppState, walkedAtMs: number): boolean {
  return state.backlog.chunks.length === 0 && state.cursor >= slotOf(walkedAtMs);
}

/** A slice after the walk: compare and hand over, or wait for delivery. True: the slice is spent. */
async function compareWhenReady(platform: Platform, record: ImportRecord): Promise<boolean> {
  if (record.walkedAtMs === undefined) return false;
  const nowMs = platform.now();
  if (!deliveryCaughtUp(await readState(platform.db, nowMs), record.walkedAtMs)) {
    await continueLater(platform, REPLAY_JOB, record, nowMs + COMPARE_RETRY_MS);
    return true;
  }
  const compared = await compareUnderLease(platform, record, nowMs);
  if (compared === undefined) {
    await continueLater(platform, REPLAY_JOB, record, nowMs + COMPARE_RETRY_MS);
    return true;
  }
  finishReplay(record, compared.result, platform.now());
  await publishWalk(platform, REPLAY_JOB, record, true);
  await saveWalkRecord(platform.db, REPLAY_JOB, record);
  logResult(record, compared.result);
  await deleteFound(platform.db, record.found);
  await scheduleDeliverySoon(platform.schedule, platform.now());
  return true;
}

/**
 * Inside the commit protocol (under the lease, after any pending hand-off): the difference per
 * (queue, interval), its contacts claimed in the ticket book, named with the pins and appended to
 * the backlog; the state is committed by the caller.
 */
/** The comparison committed through the protocol, or undefined when it must be tried again later. */
async function compareUnderLease(platform: Platform, record: ImportRecord, nowMs: number): Promise<Compared | undefined> {
  let compared: Compared | undefined;
  try {
    const outcome = await updateState(platform, nowMs, async (opened) => {
      compared = await compareAndSend(platform, opened, record);
    });
    if (outcome === 'busy') return undefined;
    // Claims once the state holds what they claim (a refused commit must not leave them behind).
    await compared?.book.save();
    return compared;
  } catch (error) {
    // The KV limit refused a read or write: nothing was committed that a repeat would double.
    log('warn', 'REPLAY_COMPARE_LATER', `the replay's comparison is tried again later: ${(error as Error).message}`);
    return undefined;
  }
}

interface Compared {
  book: TicketBook;
  result: ReplayResult;
}

async function compareAndSend(platform: Platform, opened: OpenState, record: ImportRecord): Promise<Compared> {
  const { db } = platform;
  const nowMs = platform.now();
  const state = opened.state;
  const found = await readAllFound(db, record.found);
  const delivered = await readLedger(db, state, Date.parse(record.from), Date.parse(record.to));
  // The book is saved after the state it claims for: every earlier claim took effect.
  const book = new TicketBook(db, platform.request, nowMs, opened.commitView());
  const claims = await peekClaims(book, found);
  const difference = differenceOf(found, delivered, (f) => claims.get(f.contact.contactId) === 'counted');
  if (difference.send.length > 0) {
    await claimAll(book, difference.send, claims, nowMs);
    await writeChunks(db, BACKLOG_PREFIX, state.backlog, applyPinnedNames(state, difference.send.map((f) => f.contact)));
  }
  // A queue the walk did not meet has only its identifier; the pinned name is what injixo shows.
  for (const q of difference.result.queues) if (q.queueName === q.queueIdentifier) q.queueName = state.pins?.[q.queueIdentifier] ?? q.queueName;
  const uncertain = uncertainHours(state, Date.parse(record.from), Date.parse(record.to));
  if (uncertain.length > 0) difference.result.uncertainHours = uncertain;
  return { book, result: difference.result };
}

function finishReplay(record: ImportRecord, result: ReplayResult, nowMs: number): void {
  record.result = result;
  record.state = 'done';
  record.finishedAtMs = nowMs;
  delete record.cursor;
}

function logResult(record: ImportRecord, result: ReplayResult): void {
  log('info', 'REPLAY_DONE', `the replay of ${record.from} to ${record.to} found ${result.found} contacts, ${result.alreadyDelivered} already delivered: ${result.sent} handed to delivery`, { sent: result.sent });
  if (result.uncertainHours) {
    log('warn', 'LEDGER_UNCERTAIN', `the delivered ledger of ${result.uncertainHours.join(', ')} (UTC, six hours each) may be off: this replay may have sent contacts injixo already held`);
  }
  if (result.surplus > 0) {
    const queues = result.queues.filter((q) => q.surplus > 0).map((q) => `${q.queueIdentifier} +${q.surplus}`);
    log('warn', 'REPLAY_SURPLUS', `injixo holds ${result.surplus} contacts more than Freshdesk shows for ${record.from} to ${record.to} (not taken back: injixo cannot delete): ${queues.join(', ')}`);
  }
}

/** Each found contact's claim state, one shard read per thousand ticket ids. */
async function peekClaims(book: TicketBook, found: readonly FoundContact[]): Promise<Map<string, 'new' | 'counted' | 'unknown'>> {
  const claims = new Map<string, 'new' | 'counted' | 'unknown'>();
  for (const f of found) {
    if (f.ticket.id <= 0) continue;
    claims.set(f.contact.contactId, await book.peekClaim(claimOf(f)));
  }
  return claims;
}

function claimOf(f: FoundContact): { ticketId: number; conversationId?: number } {
  return f.conversationId === undefined ? { ticketId: f.ticket.id } : { ticketId: f.ticket.id, conversationId: f.conversationId };
}

/**
 * Rule 12 for what the replay sends: a redelivered event of the same contact arriving later is
 * then known as counted. A ticket the book does not know is remembered with the facts the walk
 * read (as a Freshdesk look-up would).
 */
async function claimAll(book: TicketBook, send: readonly FoundContact[], claims: ReadonlyMap<string, string>, nowMs: number): Promise<void> {
  for (const f of send) {
    if (f.ticket.id <= 0) continue;
    if (claims.get(f.contact.contactId) === 'unknown') await book.remember(f.ticket, nowMs);
    book.claim(claimOf(f));
  }
}

async function readAllFound(db: KeyValueStore, list: FoundChunks | undefined): Promise<FoundContact[]> {
  const found: FoundContact[] = [];
  for (const chunk of list?.chunks ?? []) found.push(...(await readFoundChunk(db, chunk.id)));
  return found;
}

/** Best effort: a chunk left behind is overwritten by the next replay's chunk of the same id. */
async function deleteFound(db: KeyValueStore, list: FoundChunks | undefined): Promise<void> {
  for (const chunk of list?.chunks ?? []) {
    await db.delete(replayFoundKey(chunk.id)).catch((error: unknown) => {
      if (!isNotFound(error)) log('info', 'REPLAY_CLEANUP', `${replayFoundKey(chunk.id)} could not be deleted now; the next replay overwrites it`);
    });
  }
}

export const REPLAY_JOB: WalkJob = {
  kind: SCHEDULE_KINDS.replay,
  recordKey: REPLAY_KEY,
  takenKey: REPLAY_TAKEN_KEY,
  scheduleName: replayScheduleName,
  watchesTickets: true,
  keep: keepFound,
  walkDone,
  instead: compareWhenReady,
  view: (record, nowMs) => ({ ...replayView(record, nowMs) }),
};

/** One slice of the replay, fired by a `replay` schedule carrying `token`. */
export function runReplaySlice(platform: Platform, settings: Settings, token: string): Promise<void> {
  return runWalkSlice(platform, settings, REPLAY_JOB, token);
}

function phaseOf(record: ImportRecord): ReplayPhase {
  if (record.state === 'done' || record.state === 'failed') return record.state;
  return record.walkedAtMs === undefined ? 'walking' : 'waiting_for_delivery';
}

export function replayView(record: ImportRecord, nowMs: number): ReplayView {
  const view: ReplayView = { ...walkView(record, nowMs), phase: phaseOf(record) };
  if (record.result) view.result = record.result;
  return view;
}

/** The status page's replay section, or undefined when no replay was asked for. */
export async function readReplayView(db: KeyValueStore, nowMs: number): Promise<ReplayView | undefined> {
  const record = await readWalkRecord(db, REPLAY_KEY);
  return record ? replayView(record, nowMs) : undefined;
}
