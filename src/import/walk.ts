/**
 * The import walk (SPEC §8): lists tickets updated since the window start, ordered by
 * updated_at, page by page; at page 300 (Freshdesk's last) restarts from the last updated_at
 * seen and drops the ids already taken at that second; then does the same with filter=spam and
 * filter=deleted. For every listed ticket created before the window end (the only ones that can
 * hold a reply in it: a reply moves updated_at, and every listed ticket has updated_at ≥ the
 * window start) it reads the conversations. Contacts come from the same counting core as the
 * events; replies are attributed to the ticket's *current* group and source, the only ones the
 * API tells.
 *
 * A step makes at most `maxRequests` calls and returns the contacts and the next cursor, so the
 * app can run the walk in ≤ 20 s slices and the CLI can journal every step.
 */
import { countsInImport, mapConversationCreated, mapTicketCreated } from '../core/counting';
import { mapTicketResolved, RESOLVED_STATUSES, timeSpentSeconds } from '../core/handled';
import { parseFreshdeskTime, toUtcIso } from '../core/time';
import type { ConversationFacts, Directory, Notice, OfferedContact, ReplyScope, TicketFacts } from '../core/types';
import { AppError } from '../remote/errors';
import {
  type FreshdeskConversation,
  type FreshdeskListedTicket,
  validateFreshdeskConversations,
  validateFreshdeskGroups,
  validateFreshdeskListedTicket,
  validateFreshdeskTimeEntries,
  validateSourceChoices,
} from '../schemas/freshdesk-api';
import { conversationFactsFrom, ticketFactsFrom } from '../schemas/product-events';
import { backoffMs, isTransient, mayRetry } from '../remote/retry-policy';
import { nextPhase, zeroCounters, type ImportCursor, type PendingTicket } from './cursor';
import type { CallKind, RatePacer } from './rate-pacer';
import { hasNextPage, parseJsonBody, type FreshdeskAnswer, type FreshdeskTransport, type QueryValue } from './transport';

/** "You cannot access tickets beyond the 300th page" (Freshdesk API v2 reference, List All Tickets). */
export const MAX_LIST_PAGES = 300;
/** The platform's own limit is per minute: continue after it. */
const PLATFORM_LIMIT_PAUSE_MS = 60_000;

export interface WalkDeps {
  transport: FreshdeskTransport;
  directory: Directory;
  replyScope: ReplyScope;
  pacer: RatePacer;
  now(): number;
  /**
   * Waits `ms` and resolves true (the CLI sleeps), or resolves false when the caller cannot
   * wait (the app has no timers): the step then ends and says when to continue.
   */
  wait(ms: number): Promise<boolean>;
  /** Rule 4: a queue keeps the name it was first delivered with (the app's pinned names). */
  pinQueueName?: (contact: OfferedContact) => OfferedContact;
  /**
   * A walk of a live account lists a ticket again when it is updated after it was listed (its
   * updated_at moves past the listing's position, or it moves to spam or deleted). A caller that
   * remembers the tickets it took answers false for such a second listing, and the ticket is
   * skipped; without it, a ticket updated during a long walk counts twice.
   */
  takeOnce?: (ticketId: number) => boolean;
  /**
   * List every next page from the newest updated_at read (as at page 300) instead of by page
   * number. A live account moves updated tickets to the end of the listing while it is walked,
   * which shifts the later pages and makes page-number paging skip tickets; a walk that lasts
   * hours (the app's) needs this, with `takeOnce` for the tickets that come again.
   */
  restartEveryPage?: boolean;
  /**
   * Handled contacts (issue 14, opt-in): the listing asks `include=stats`, and a ticket resolved
   * now whose `stats.resolved_at` falls in the window gets one handled contact, with its time
   * entries (read after its conversations, one call per 100 entries) as the duration.
   */
  handled?: boolean;
}

/** Something that could not be read: reported with its id; the walk went on without it. */
export interface WalkProblem {
  kind: 'page' | 'ticket' | 'conversations' | 'time_entries';
  /** The ticket id, when there is one. */
  id?: number;
  phase: string;
  page: number;
  message: string;
}

export type StepStatus = 'more' | 'paused' | 'done';

export interface StepResult {
  cursor: ImportCursor;
  contacts: OfferedContact[];
  notices: Notice[];
  problems: WalkProblem[];
  /** Calls made by this step, 429 answers included. */
  requests: number;
  /** Calls the platform's own request limit refused (the walk paused for its minute). */
  refusedByPlatform: number;
  status: StepStatus;
  /** With status `paused`: the clock ms after which the walk may continue. */
  resumeAt?: number;
}

type CallOutcome = { answer: FreshdeskAnswer } | { pausedUntil: number };

/** Attempts of one call so far, by kind of failure. */
interface Tries {
  transient: number;
  limited: number;
}

export class Step {
  cursor: ImportCursor;
  readonly contacts: OfferedContact[] = [];
  readonly notices: Notice[] = [];
  readonly problems: WalkProblem[] = [];
  requests = 0;
  refusedByPlatform = 0;

  constructor(
    start: ImportCursor,
    private readonly deps: WalkDeps,
  ) {
    this.cursor = { ...start, counters: { ...start.counters } };
  }

  private inWindow(createdAt: string): boolean {
    // Rule 13 through the core's own boundary test: [from, to), to the millisecond.
    return countsInImport(createdAt, this.cursor.to) && !countsInImport(createdAt, this.cursor.from);
  }

  private emit(contact: OfferedContact, notices: readonly Notice[]): void {
    this.contacts.push(this.deps.pinQueueName ? this.deps.pinQueueName(contact) : contact);
    this.notices.push(...notices);
  }

  async call(kind: CallKind, path: string, query: Readonly<Record<string, QueryValue>>): Promise<CallOutcome> {
    const tries: Tries = { transient: 0, limited: 0 };
    for (;;) {
      const paused = await this.paceBefore(kind);
      if (paused) return paused;
      const next = await this.afterAnswer(await this.send(kind, path, query), path, tries);
      if (next !== 'again') return next;
    }
  }

  /** Waits for the pacer (CLI), or pauses the walk when the caller cannot wait (app). */
  private async paceBefore(kind: CallKind): Promise<CallOutcome | undefined> {
    const { pacer } = this.deps;
    const delay = pacer.delayBefore(kind, this.deps.now());
    if (delay <= 0) return undefined;
    if (!(await this.deps.wait(delay))) return { pausedUntil: this.deps.now() + delay };
    pacer.counters.waitedMs += delay;
    return undefined;
  }

  /** One request; undefined when no answer came at all. */
  private async send(kind: CallKind, path: string, query: Readonly<Record<string, QueryValue>>): Promise<FreshdeskAnswer | undefined> {
    const { pacer, transport } = this.deps;
    pacer.onSend(kind, this.deps.now());
    this.requests += 1;
    let answer: FreshdeskAnswer;
    try {
      answer = await transport.get(path, query);
    } catch {
      return undefined;
    }
    pacer.onAnswer(answer, this.deps.now());
    return answer;
  }

  /** What follows an answer: the answer itself, a pause of the walk, or the same call again. */
  private afterAnswer(answer: FreshdeskAnswer | undefined, path: string, tries: Tries): Promise<CallOutcome | 'again'> {
    if (answer?.status === 429) return Promise.resolve(this.afterRateLimit(answer, path, tries));
    if (answer === undefined || isTransient('freshdesk', answer.status)) return this.afterTransient(answer, path, tries);
    return Promise.resolve({ answer });
  }

  /** The platform's own limit pauses the walk for its minute; Freshdesk's 429 is retried (the pacer honours Retry-After). */
  private afterRateLimit(answer: FreshdeskAnswer, path: string, tries: Tries): CallOutcome | 'again' {
    if (answer.refusedByPlatform) {
      this.refusedByPlatform += 1;
      return { pausedUntil: this.deps.now() + PLATFORM_LIMIT_PAUSE_MS };
    }
    this.cursor.counters.rateLimited += 1;
    tries.limited += 1;
    if (!mayRetry('freshdesk', 429, tries.limited)) {
      throw new AppError('FRESHDESK_RATE_LIMITED', `Freshdesk answered 429 ${tries.limited} times in a row while reading ${path}`, { status: 429 });
    }
    return 'again';
  }

  /** No answer, 408 or 5xx: back off and try again, as often as Freshdesk's retry policy says. */
  private async afterTransient(answer: FreshdeskAnswer | undefined, path: string, tries: Tries): Promise<CallOutcome | 'again'> {
    tries.transient += 1;
    const status = answer?.status ?? 0;
    if (!mayRetry('freshdesk', status, tries.transient)) {
      throw new AppError('FRESHDESK_UNAVAILABLE', `Freshdesk did not answer ${path} after ${tries.transient} attempts (HTTP ${status || 'none'})`, { status });
    }
    const backoff = backoffMs('freshdesk', tries.transient);
    if (!(await this.deps.wait(backoff))) return { pausedUntil: this.deps.now() + backoff };
    return 'again';
  }

  /** A call that must succeed: pausing is not offered (the caller waits), 4xx throws. */
  async callOrThrow(path: string, query: Readonly<Record<string, QueryValue>>, what: string): Promise<FreshdeskAnswer> {
    const outcome = await this.call('other', path, query);
    if (!('answer' in outcome)) {
      throw new AppError('FRESHDESK_RATE_LIMITED', `reading ${what} has to wait until ${new Date(outcome.pausedUntil).toISOString()}`, { status: 429 });
    }
    this.refuseKey(outcome.answer, what);
    if (outcome.answer.status < 200 || outcome.answer.status >= 300) {
      throw new AppError('FRESHDESK_UNAVAILABLE', `reading ${what} was answered HTTP ${outcome.answer.status}: the Freshdesk address is wrong`, { status: outcome.answer.status });
    }
    return outcome.answer;
  }

  /** 401/403 stop the walk: no other call can succeed with that key. */
  private refuseKey(answer: FreshdeskAnswer, what: string): void {
    if (answer.status === 401) throw new AppError('FRESHDESK_KEY_REJECTED', `Freshdesk rejected the API key while reading ${what} (HTTP 401)`, { status: 401 });
    if (answer.status === 403) {
      throw new AppError('FRESHDESK_NOT_ADMIN', `Freshdesk refused ${what} (HTTP 403): the API key must belong to an Account Administrator`, { status: 403 });
    }
  }

  /** The conversations (or time entries) of the next pending ticket, else the next page of the listing. */
  readNext(): Promise<CallOutcome | undefined> {
    const next = this.cursor.pending[0];
    if (next === undefined) return this.readListPage();
    return next.stage === 'time' ? this.readTimeEntries(next) : this.readConversations(next);
  }

  /** One page of a resolved ticket's time entries; after the last, its handled contact. */
  async readTimeEntries(ticket: PendingTicket): Promise<CallOutcome | undefined> {
    const outcome = await this.call('other', `/api/v2/tickets/${ticket.id}/time_entries`, { per_page: 100, page: ticket.page });
    if (!('answer' in outcome)) return outcome;
    const { answer } = outcome;
    const counters = this.cursor.counters;
    counters.timeEntryCalls = (counters.timeEntryCalls ?? 0) + 1;
    this.refuseKey(answer, `the time entries of ticket ${ticket.id}`);
    const rest = this.cursor.pending.slice(1);
    const entries = this.timeEntriesIn(answer, ticket);
    if (entries === undefined) {
      this.cursor.pending = rest;
      return undefined;
    }
    const read = { ...ticket, page: ticket.page + 1, seconds: (ticket.seconds ?? 0) + entries.seconds, entries: (ticket.entries ?? 0) + entries.count };
    if (hasNextPage(answer)) this.cursor.pending = [read, ...rest];
    else {
      this.cursor.pending = rest;
      this.countHandled(read);
    }
    return undefined;
  }

  /** Seconds and count of a time entries page; undefined when there is nothing to read (gone, or unreadable: reported). */
  private timeEntriesIn(answer: FreshdeskAnswer, ticket: PendingTicket): { seconds: number; count: number } | undefined {
    if (answer.status === 404) {
      this.cursor.counters.vanished += 1;
      return undefined;
    }
    const parsed = isSuccess(answer) ? validateFreshdeskTimeEntries(parseJsonBody(answer.body)) : undefined;
    if (parsed?.ok === true) return { seconds: parsed.value.reduce((sum, e) => sum + (timeSpentSeconds(e.time_spent) ?? 0), 0), count: parsed.value.length };
    this.problem('time_entries', `the time entries of ticket ${ticket.id} (page ${ticket.page}) could not be read: ${parsed === undefined ? `HTTP ${answer.status}` : parsed.error.message}`, ticket.id, ticket.page);
    return undefined;
  }

  /** The handled contact of a ticket resolved in the window, as the API tells it now. */
  private countHandled(ticket: PendingTicket): void {
    if (ticket.resolvedAt === undefined) return;
    const facts = ticketOf(ticket);
    const decision = mapTicketResolved(facts, facts, ticket.resolvedAt, this.deps.directory, (ticket.entries ?? 0) > 0 ? ticket.seconds : undefined);
    if (decision.kind !== 'handled') return;
    this.cursor.counters.handledContacts = (this.cursor.counters.handledContacts ?? 0) + 1;
    this.emit(decision.contact, []);
  }

  async readConversations(ticket: PendingTicket): Promise<CallOutcome | undefined> {
    const outcome = await this.call('other', `/api/v2/tickets/${ticket.id}/conversations`, { per_page: 100, page: ticket.page });
    if (!('answer' in outcome)) return outcome;
    const { answer } = outcome;
    this.cursor.counters.conversationCalls += 1;
    this.refuseKey(answer, `the conversations of ticket ${ticket.id}`);
    const rest = this.cursor.pending.slice(1);
    const conversations = this.conversationsIn(answer, ticket);
    if (conversations !== undefined) this.countReplies(ticket, conversations);
    const more = conversations !== undefined && hasNextPage(answer);
    this.cursor.pending = more ? [{ ...ticket, page: ticket.page + 1 }, ...rest] : [...this.timeEntriesNext(ticket, conversations !== undefined), ...rest];
    return undefined;
  }

  /** A resolved ticket's time entries come after its conversations (not for a ticket gone meanwhile). */
  private timeEntriesNext(ticket: PendingTicket, found: boolean): PendingTicket[] {
    return found && ticket.resolvedAt !== undefined ? [{ ...ticket, stage: 'time', page: 1 }] : [];
  }

  /** The conversations an answer holds; undefined when there are none to read (gone, or unreadable: reported). */
  private conversationsIn(answer: FreshdeskAnswer, ticket: PendingTicket): FreshdeskConversation[] | undefined {
    if (answer.status === 404) {
      // Hard-deleted since it was listed: its replies cannot be read any more.
      this.cursor.counters.vanished += 1;
      return undefined;
    }
    const parsed = isSuccess(answer) ? validateFreshdeskConversations(parseJsonBody(answer.body)) : undefined;
    if (parsed?.ok === true) return parsed.value;
    const why = parsed === undefined ? `HTTP ${answer.status}` : parsed.error.message;
    this.problem('conversations', `the conversations of ticket ${ticket.id} (page ${ticket.page}) could not be read: ${why}`, ticket.id, ticket.page);
    return undefined;
  }

  /** Rules 2 and 8 for the replies in the window, attributed to the ticket as the API tells it now. */
  private countReplies(ticket: PendingTicket, conversations: readonly FreshdeskConversation[]): void {
    const facts = ticketOf(ticket);
    for (const payload of conversations) {
      const conversation: ConversationFacts = conversationFactsFrom(payload);
      if (!this.inWindow(conversation.created_at)) continue;
      const decision = mapConversationCreated(conversation, facts, this.deps.directory, this.deps.replyScope);
      if (decision.kind !== 'contact') continue;
      this.cursor.counters.replyContacts += 1;
      this.emit(decision.contact, decision.notices);
    }
  }

  private problem(kind: WalkProblem['kind'], message: string, id: number | undefined, page: number): void {
    this.cursor.counters.unreadable += 1;
    this.problems.push(id === undefined ? { kind, phase: this.cursor.phase, page, message } : { kind, id, phase: this.cursor.phase, page, message });
  }

  async readListPage(): Promise<CallOutcome | undefined> {
    const c = this.cursor;
    const outcome = await this.call('list', '/api/v2/tickets', this.listQuery());
    if (!('answer' in outcome)) return outcome;
    const { answer } = outcome;
    c.counters.listCalls += 1;
    this.refuseListAnswer(answer);
    const items = isSuccess(answer) ? parseJsonBody(answer.body) : undefined;
    if (!Array.isArray(items)) {
      this.problem('page', `ticket list page ${c.page} (${c.phase}, updated since ${c.since}) could not be read: HTTP ${answer.status}, not a list of tickets`, undefined, c.page);
      this.advancePage(true);
      return undefined;
    }
    for (const item of items) this.takeListedTicket(item);
    this.advancePage(hasNextPage(answer));
    return undefined;
  }

  private listQuery(): Record<string, QueryValue> {
    const c = this.cursor;
    const query: Record<string, QueryValue> = { updated_since: c.since, order_by: 'updated_at', order_type: 'asc', per_page: c.perPage, page: c.page };
    if (c.phase === 'spam' || c.phase === 'deleted') query['filter'] = c.phase;
    if (this.deps.handled === true) query['include'] = 'stats';
    return query;
  }

  /** 401/403 (the key), 404 (the address) and any other 4xx (the query, refused again on every page) stop the walk. */
  private refuseListAnswer(answer: FreshdeskAnswer): void {
    this.refuseKey(answer, 'the ticket list');
    if (answer.status === 404) {
      throw new AppError('FRESHDESK_UNAVAILABLE', 'Freshdesk answered 404 for the ticket list: the Freshdesk address is wrong', { status: 404 });
    }
    if (answer.status >= 400 && answer.status < 500) {
      throw new AppError('FRESHDESK_UNAVAILABLE', `Freshdesk refused the ticket list query (HTTP ${answer.status}): ${answer.body.replace(/\s+/g, ' ').slice(0, 200)}`, { status: answer.status });
    }
  }

  private takeListedTicket(item: unknown): void {
    const c = this.cursor;
    const listed = this.readListedTicket(item);
    if (listed === undefined || c.skipIds.includes(listed.id)) return;
    this.notePosition(listed.id, listed.updated_at);
    c.counters.ticketsRead += 1;
    const facts = ticketFactsFrom(listed);
    // Tickets created at or after the window end hold nothing to import: not remembered either.
    if (!countsInImport(facts.created_at, c.to)) return;
    if (this.deps.takeOnce && !this.deps.takeOnce(listed.id)) return;
    if (this.inWindow(facts.created_at)) this.countTicket(facts);
    // Only tickets created before the window end can hold a reply inside it (see above).
    c.pending.push(this.pendingOf(listed, facts));
  }

  private pendingOf(listed: FreshdeskListedTicket, facts: TicketFacts): PendingTicket {
    const resolvedAt = this.resolutionInWindow(listed);
    return resolvedAt === undefined ? { ...facts, page: 1 } : { ...facts, page: 1, resolvedAt };
  }

  /**
   * With handled contacts on: the ticket's resolution when it is resolved now (4, 5) and its
   * `stats.resolved_at` lies in the window. The API tells the latest resolution only, so a
   * ticket reopened and resolved again counts at its last resolution (events: at its first).
   */
  private resolutionInWindow(listed: FreshdeskListedTicket): string | undefined {
    const resolvedAt = listed.stats?.resolved_at;
    if (this.deps.handled !== true || typeof resolvedAt !== 'string' || !RESOLVED_STATUSES.includes(listed.status ?? 0)) return undefined;
    return this.inWindow(resolvedAt) ? toUtcIso(resolvedAt) : undefined;
  }

  /** A list item as a ticket, or undefined when it cannot be read (reported with its id, the walk goes on). */
  private readListedTicket(item: unknown): FreshdeskListedTicket | undefined {
    const parsed = validateFreshdeskListedTicket(item);
    if (parsed.ok) return parsed.value;
    const id = (item as { id?: unknown } | null)?.id;
    this.problem('ticket', `a listed ticket could not be read: ${parsed.error.message}`, typeof id === 'number' ? id : undefined, this.cursor.page);
    return undefined;
  }

  /** The newest updated_at read so far and the ids listed at it: where a restart of the listing begins. */
  private notePosition(id: number, updatedAtText: string): void {
    const c = this.cursor;
    const updatedAt = parseFreshdeskTime(updatedAtText);
    const last = c.lastUpdatedAt === null ? Number.NEGATIVE_INFINITY : parseFreshdeskTime(c.lastUpdatedAt);
    if (updatedAt > last) {
      c.lastUpdatedAt = updatedAtText;
      c.lastIds = [id];
    } else if (updatedAt === last) {
      c.lastIds.push(id);
    }
  }

  /** Rule 1 for a ticket created in the window. */
  private countTicket(facts: TicketFacts): void {
    const decision = mapTicketCreated(facts, this.deps.directory);
    if (decision.kind !== 'contact') return;
    this.cursor.counters.ticketContacts += 1;
    this.emit(decision.contact, decision.notices);
  }

  /** At page 300, or at every page for a walk that restarts each page (once the listing has moved on). */
  private restartsHere(): boolean {
    const c = this.cursor;
    const canRestart = c.lastUpdatedAt !== null && c.lastUpdatedAt !== c.since;
    return c.page >= MAX_LIST_PAGES || (this.deps.restartEveryPage === true && canRestart);
  }

  private advancePage(more: boolean): void {
    const c = this.cursor;
    if (!more) {
      this.cursor = { ...nextPhase(c), pending: c.pending };
      return;
    }
    if (!this.restartsHere()) {
      c.page += 1;
      return;
    }
    // Page 301 is refused: list again from the newest updated_at seen. Tickets with exactly that
    // updated_at come again, and the ids already taken at that second are dropped.
    const restartAt = c.lastUpdatedAt ?? c.since;
    if (restartAt === c.since) {
      // 300 full pages within one second cannot be walked by updated_since; say so and move on.
      this.problem('page', `more than ${MAX_LIST_PAGES} pages of tickets were updated at ${restartAt}; the rest of that second is skipped`, undefined, c.page);
      this.cursor = { ...nextPhase(c), pending: c.pending };
      return;
    }
    c.since = restartAt;
    c.page = 1;
    c.skipIds = [...c.lastIds];
  }
}

/**
 * One slice of the walk: at most `maxRequests` Freshdesk calls (≥ 1). Throws an `AppError`
 * for what no retry can fix (401, 403, 404 on the list) and when Freshdesk stays unavailable;
 * the caller keeps its previous cursor then, nothing of the failed step having been sent.
 */
/** A pending ticket's facts alone, as the counting rules take them (its walk bookkeeping left out). */
function ticketOf(ticket: PendingTicket): TicketFacts {
  return { id: ticket.id, group_id: ticket.group_id, source: ticket.source, spam: ticket.spam, deleted: ticket.deleted, created_at: ticket.created_at };
}

export async function walkStep(cursor: ImportCursor, deps: WalkDeps, maxRequests: number): Promise<StepResult> {
  const step = new Step(cursor, deps);
  const finish = (status: StepStatus, resumeAt?: number): StepResult => {
    const { cursor: c, contacts, notices, problems, requests, refusedByPlatform } = step;
    const result = { cursor: c, contacts, notices, problems, requests, refusedByPlatform, status };
    return resumeAt === undefined ? result : { ...result, resumeAt };
  };
  while (step.requests < maxRequests) {
    if (isFinished(step.cursor)) return finish('done');
    const outcome = await step.readNext();
    if (outcome !== undefined && 'pausedUntil' in outcome) return finish('paused', outcome.pausedUntil);
  }
  return finish(isFinished(step.cursor) ? 'done' : 'more');
}

function isFinished(cursor: ImportCursor): boolean {
  return cursor.phase === 'done' && cursor.pending.length === 0;
}

function isSuccess(answer: FreshdeskAnswer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

export type DirectoryDeps = Pick<WalkDeps, 'transport' | 'pacer' | 'now' | 'wait'>;

/** [assumption] Accounts with more than 1,000 groups are not expected; the rest would be `Group <id>`. */
const MAX_GROUP_PAGES = 10;

/**
 * Group names and the account's source labels (rules 6 and 7), read once per walk through the
 * same transport and pacing. Throws an `AppError` a person can act on: 401 (wrong key), 403 (not
 * an admin: the Groups API is admin-only), 404 or not JSON (not a Freshdesk address).
 */
export async function readDirectory(deps: DirectoryDeps): Promise<Directory> {
  const step = new Step(startStub(), { ...deps, directory: { groups: {} }, replyScope: 'customer' });
  const groups: Record<string, string> = {};
  for (let page = 1; page <= MAX_GROUP_PAGES; page += 1) {
    const answer = await step.callOrThrow('/api/v2/groups', { per_page: 100, page }, 'the group list (Groups API)');
    const parsed = validateFreshdeskGroups(parseJsonBody(answer.body));
    if (!parsed.ok) throw new AppError('FRESHDESK_UNAVAILABLE', `the address did not answer like Freshdesk's Groups API: ${parsed.error.message}`, { status: answer.status });
    for (const group of parsed.value) groups[String(group.id)] = group.name;
    if (!hasNextPage(answer)) break;
  }
  const fields = await step.callOrThrow('/api/v2/ticket_fields', { type: 'default_source' }, 'the ticket source field');
  const choices = validateSourceChoices(parseJsonBody(fields.body));
  // Rule 7: without the account's labels the documented fallback table applies.
  return choices.ok ? { groups, sourceChoices: choices.value } : { groups };
}

function startStub(): ImportCursor {
  return { version: 1, from: '', to: '', startedAt: '', perPage: 1, phase: 'done', since: '', page: 1, skipIds: [], lastUpdatedAt: null, lastIds: [], pending: [], counters: zeroCounters() };
}
