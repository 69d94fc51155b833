import { countsInImport, mapConversationCreated, mapTicketCreated } from '../../core/counting';
import type { ConversationFacts, Decision, Directory, OfferedContact } from '../../core/types';
import { log } from '../../platform/log';
import type { KeyValueStore, RequestClient } from '../../platform/types';
import { AppError, isAppError } from '../../remote/errors';
import type { Settings } from '../../schemas/iparams';
import { asCoreDirectory, refreshDirectory } from './directory';
import { bookTicketOf, type OutboxRecord, type RecordOf, recordId, recordTime } from '../intake/outbox';
import type { RecordKind } from '../stored/record-kinds';
import { InvalidTimestamp } from '../../core/invalid-timestamp';
import { dayOf } from '../commit/state';
import type { AppState } from '../stored/stored-data';
import { type CreationSeen, repairMissingTickets, repairsDue } from './repair-tickets';
import { type HandledChange, HandledStep } from '../opt-in/handled-contacts';
import { allCommitted, type CommitView } from '../memory/commit-view';
import { MAX_BOOK_READS_PER_RUN, TicketBook } from '../memory/ticket-book';
import { TimeBook } from '../memory/time-book';

export interface BuildDeps {
  db: KeyValueStore;
  request: RequestClient;
  nowMs: number;
  settings: Settings;
  /** Which commits took effect and this run's id: the books tag this run's claims with it (commit/commit.ts). */
  commits?: CommitView;
}

export interface Built {
  contacts: OfferedContact[];
  /** Replies held for the next run while ticket records arrive late (attribution-hold.ts). */
  held: number;
  /** Records that could not be processed now (Freshdesk unavailable); they go back in the outbox. */
  carry: OutboxRecord[];
  /** Freshdesk requests spent on ticket look-ups (they share the run's request budget). */
  lookups: number;
  /** Updates and replies put off because the ticket book's read budget was spent: back to the outbox after the window (commit/keep-unsent.ts PutOff). */
  putOff: OutboxRecord[];
  /** No group names at all: nothing may be named, so the outbox stays as it is. */
  directoryMissing: boolean;
  /** Records of contacts counted before (rule 12: a redelivered event), left out. */
  redelivered: number;
  /**
   * Contacts a run that never committed had claimed: it saves its claims right before it posts,
   * so it may have posted them before it died. They are not posted again (a second copy could
   * never be taken back): unconfirmed, like a post injixo never answered.
   */
  unconfirmed: OfferedContact[];
  /**
   * Writes what the run learned about tickets, including which contacts are now counted. The
   * run calls it only after committing its state: claims saved before a commit that then
   * failed would make the re-run skip contacts it never delivered.
   */
  saveFacts: () => Promise<void>;
  failure?: AppError;
  /** How the run changed the waiting resolutions (handled contacts on): travels with a handed-off commit. */
  handledChange?: () => HandledChange;
}

/**
 * Turns a window of outbox records into contacts with the counting rules. Ticket facts are
 * remembered in the ticket book as they go by, so a reply is attributed as its ticket was when
 * the reply came in. Within the window a contact id counts once.
 */
/**
 * `factsUntilMs`: the end of the outbox slots read so far — every event before it has reached a
 * run, so a resolution settled before it will learn of no more time logged in its settle time.
 */
export async function buildContacts(deps: BuildDeps, state: AppState, records: readonly OutboxRecord[], holdRepliesAfterMs?: number, factsUntilMs = deps.nowMs): Promise<Built> {
  const built: Built = { contacts: [], held: 0, carry: [], lookups: 0, putOff: [], directoryMissing: false, redelivered: 0, unconfirmed: [], saveFacts: () => Promise.resolve() };
  if (records.length === 0 && !repairsDue(state, deps.nowMs) && !handledDue(state)) return built;
  const refreshed = await refreshDirectory(state.directory, deps.request, deps.nowMs, groupIdsIn(records));
  if (refreshed.failure) built.failure = refreshed.failure;
  if (!refreshed.directory) return { ...built, directoryMissing: true };
  state.directory = refreshed.directory;
  const { context, times } = booksFor(deps, state, refreshed.directory, holdRepliesAfterMs);
  const handled = handledStepFor(context, times, factsUntilMs);
  await countRecords(context, built, records, handled);
  return withFacts(built, context.book, times, handled);
}

/** The run's books: claims tagged with its commit id (commit/commit.ts; without a commit view, every earlier claim counts). */
function booksFor(deps: BuildDeps, state: AppState, directory: NonNullable<AppState['directory']>, holdRepliesAfterMs: number | undefined): { context: RecordContext; times: TimeBook } {
  const commits = deps.commits ?? allCommitted(deps.nowMs);
  const book = new TicketBook(deps.db, deps.request, deps.nowMs, commits, MAX_BOOK_READS_PER_RUN);
  return { context: { deps, state, directory: asCoreDirectory(directory), book, holdRepliesAfterMs }, times: new TimeBook(deps.db, commits) };
}

/** What the run learned, for after its commit: tickets, logged time, and its change of the waiting resolutions. */
function withFacts(built: Built, book: TicketBook, times: TimeBook, handled: HandledStep | undefined): Built {
  built.lookups = book.lookups;
  built.saveFacts = async () => {
    await book.save();
    await times.save();
  };
  if (handled) built.handledChange = () => handled.change();
  return built;
}

/** The records in order, then the missing tickets found, then the handled contacts due. */
async function countRecords(context: RecordContext, built: Built, records: readonly OutboxRecord[], handled: HandledStep | undefined): Promise<void> {
  const seen = new Set<string>();
  // The run's creations are the newest ticket ids: their one or two ranges are read whatever the budget.
  context.book.alwaysRead(creationsIn(records).map((c) => c.id));
  const counted: OutboxRecord[] = [];
  for (const record of records) {
    if (putOff(context.book, built, record)) continue;
    counted.push(record);
    if (handled && (await handled.take(record))) continue;
    addContact(context, built, seen, await decideSafely(context, record, built));
  }
  const sinceInstall = await createdSinceInstall(context, counted);
  built.contacts.push(...(await repairMissingTickets({ ...context, nowMs: context.deps.nowMs, unconfirmed: built.unconfirmed }, creationsIn(records), sinceInstall)));
  if (!handled) return;
  built.contacts.push(...(await handled.due()));
  built.unconfirmed.push(...handled.unconfirmed);
  built.carry.push(...handled.carried);
}

/**
 * An update or reply whose ticket's key the book may not read in this run goes back to the
 * outbox (ticket-book.ts MAX_BOOK_READS_PER_RUN): whole ranges are served or put off, so every
 * record of a key read is counted in the run that read it.
 */
function putOff(book: TicketBook, built: Built, record: OutboxRecord): boolean {
  // Creations are never put off: their ranges are always read.
  const ticketId = record.k === 't' ? undefined : bookTicketOf(record);
  if (ticketId === undefined || book.mayRead(ticketId)) return false;
  built.putOff.push(record.k === 'u' ? { ...record, carried: true } : record);
  return true;
}

/**
 * The handled-contact step while the feature is on. Switched off, resolutions still waiting are
 * dropped (said once): the admin chose not to send them any more.
 */
function handledStepFor(context: RecordContext, times: TimeBook, factsUntilMs: number): HandledStep | undefined {
  const { state, deps } = context;
  if (deps.settings.handledContacts) return new HandledStep({ state, book: context.book, times, directory: context.directory, factsUntilMs });
  const waiting = (state.handled?.waiting.length ?? 0) / 3;
  if (state.handled && waiting > 0) {
    log('info', 'HANDLED_CONTACTS_OFF', `handled contacts were switched off; ${waiting} resolved tickets waiting for their settle time are not sent`);
    state.handled.waiting = [];
  }
  return undefined;
}

/** Whether resolutions wait in the state (they fall due with time alone, or are dropped when switched off). */
function handledDue(state: AppState): boolean {
  return (state.handled?.waiting.length ?? 0) > 0;
}

/**
 * The tickets of this run's updates and replies below the lowest id the count covers (all, before
 * it started) that were created after the install, as the ticket book knows them (every one was
 * loaded while its record was counted; no extra call). missing-tickets.ts startCount, extendDown.
 */
async function createdSinceInstall(context: RecordContext, records: readonly OutboxRecord[]): Promise<CreationSeen[]> {
  const installedS = Math.floor(Date.parse(context.state.installedAt) / 1000);
  // Only ids below the lowest one counted can start or extend the count (a count without `low` cannot extend).
  const missing = context.state.missing;
  const below = missing === undefined ? Infinity : (missing.low?.[0] ?? -Infinity);
  const ids = new Set(records.flatMap((r) => (r.k === 'u' || r.k === 'c' ? [bookTicketOf(r) as number] : [])).filter((id) => id < below));
  const known: CreationSeen[] = [];
  for (const id of ids) {
    const facts = (await context.book.creation(id)).facts;
    const createdS = facts ? Math.floor(Date.parse(facts.created_at) / 1000) : NaN;
    if (createdS >= installedS) known.push({ id, createdS });
  }
  return known;
}

/** The ticket creations among the records: their ids tell which tickets never came (missing-tickets.ts). */
function creationsIn(records: readonly OutboxRecord[]): CreationSeen[] {
  const creations = records.flatMap((r) => (r.k === 't' ? [{ id: r.ticket.id, createdS: Math.floor(Date.parse(r.ticket.created_at) / 1000) }] : []));
  return creations.filter((c) => Number.isFinite(c.createdS));
}

/** Group ids the records name, so the directory can be refreshed early for a new group. */
function groupIdsIn(records: readonly OutboxRecord[]): number[] {
  return records.flatMap((r) => ((r.k === 't' || r.k === 'u') && r.ticket.group_id !== null ? [r.ticket.group_id] : []));
}

function addContact(context: RecordContext, built: Built, seen: Set<string>, decided: Decided | undefined): void {
  const decision = decided?.decision;
  if (decision?.kind !== 'contact' || seen.has(decision.contact.contactId)) return;
  seen.add(decision.contact.contactId);
  if (isRedelivered(context, built, decided)) return;
  built.contacts.push(decision.contact);
  for (const notice of decision.notices) warnUnknownGroup(context.state, notice.groupId, context.deps.nowMs);
}

/** Rule 12: a contact the ticket book has counted before is a redelivered event's, left out; one a void run claimed is unconfirmed. */
function isRedelivered(context: RecordContext, built: Built, decided: Decided | undefined): boolean {
  if (decided === undefined || decided.decision.kind !== 'contact') return false;
  const claim = context.book.claim(decided.claim);
  if (claim === 'voided') built.unconfirmed.push(decided.decision.contact);
  if (claim === 'counted') built.redelivered += 1;
  return claim === 'counted' || claim === 'voided';
}

interface RecordContext {
  deps: BuildDeps;
  state: AppState;
  directory: Directory;
  book: TicketBook;
  holdRepliesAfterMs: number | undefined;
}

/** A decision and the contact it would claim in the ticket book (rule 12). */
interface Decided {
  decision: Decision;
  claim: { ticketId: number; conversationId?: number };
}

/**
 * One record whose facts no contact can be made of (a time injixo cannot take, written by an
 * older version that validated less) is said and skipped: before, it threw in every run, so the
 * cursor never moved and nothing after it was ever sent (issue 19, item 8).
 */
async function decideSafely(context: RecordContext, record: OutboxRecord, built: Built): Promise<Decided | undefined> {
  try {
    return await decide(context, record, built);
  } catch (error) {
    if (!(error instanceof InvalidTimestamp)) throw error;
    log('error', 'STORED_RECORD_UNREADABLE', `the outbox record ${recordId(record)} cannot be counted (${error.message}); it is skipped`);
    return undefined;
  }
}

/** The counting rules' decision for one record, or undefined when it counts nothing now. */
function decide(context: RecordContext, record: OutboxRecord, built: Built): Promise<Decided | undefined> {
  return (DECIDE[record.k] as Decide<OutboxRecord>)(context, record, built);
}

type Decide<R> = (context: RecordContext, record: R, built: Built) => Promise<Decided | undefined>;

/** What each kind of record counts: every kind says so, so a new kind cannot pass for a ticket. */
const DECIDE: { readonly [K in RecordKind]: Decide<RecordOf<K>> } = {
  t: (context, record) => decideTicket(context, record),
  u: (context, record) => decideTicket(context, record),
  c: (context, record, built) => decideReply(context, record.conversation, recordTime(record), built),
  // Time entries and agent changes are not contacts of the counting rules (their own steps take them).
  e: () => Promise.resolve(undefined),
  a: () => Promise.resolve(undefined),
};

/** A ticket's facts are remembered; its creation counts once, unless the import counts it. */
async function decideTicket(context: RecordContext, record: RecordOf<'t' | 'u'>): Promise<Decided | undefined> {
  await context.book.remember(record.ticket, recordTime(record));
  const counts = record.k === 't' && !countsInImport(record.ticket.created_at, context.state.installedAt);
  return counts ? { decision: mapTicketCreated(record.ticket, context.directory), claim: { ticketId: record.ticket.id } } : undefined;
}

/** A reply, attributed as its ticket was when the reply came in; kept for later when that is not known yet. */
async function decideReply(context: RecordContext, conversation: ConversationFacts, atMs: number, built: Built): Promise<Decided | undefined> {
  if (countsInImport(conversation.created_at, context.state.installedAt)) return undefined;
  if (context.holdRepliesAfterMs !== undefined && atMs > context.holdRepliesAfterMs) {
    built.held += 1;
    built.carry.push({ k: 'c', conversation });
    return undefined;
  }
  try {
    // As of the reply, not as of now: its record may come after later changes of the ticket.
    const ticket = await context.book.lookup(conversation.ticket_id, atMs);
    if (ticket !== 'deferred') {
      const decision = mapConversationCreated(conversation, ticket, context.directory, context.deps.settings.replyScope);
      return { decision, claim: { ticketId: conversation.ticket_id, conversationId: conversation.id } };
    }
  } catch (error) {
    built.failure = isAppError(error) ? error : new AppError('FRESHDESK_UNAVAILABLE', String(error), { cause: error });
  }
  built.carry.push({ k: 'c', conversation });
  return undefined;
}

/** Rule 6: one warning per unknown group id per day, not one per event. */
function warnUnknownGroup(state: AppState, groupId: number, nowMs: number): void {
  const day = dayOf(nowMs);
  if (state.warnedGroups[String(groupId)] === day) return;
  state.warnedGroups[String(groupId)] = day;
  log('warn', 'UNKNOWN_GROUP', `Freshdesk does not know group ${groupId} (deleted?); its contacts go to queues named "Group ${groupId}"`, { group: groupId });
}
