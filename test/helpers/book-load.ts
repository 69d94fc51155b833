/**
 * The ticket book under a large account's load, as the delivery runs use it: tickets created
 * at a steady rate with consecutive ids, each changed and replied to over the following days,
 * and some replies delivered again later (rule 12). Runs every `runMinutes` process what came
 * in since the run before — creations (remember + claim), updates (remember), replies (lookup
 * as of the reply + claim) — and save. Counts every KV call per run and measures every key.
 *
 * Used by test/delivery/ticket-book-budget.test.ts (the byte budget at the largest account) and
 * runnable on its own for the KV cost per run:
 *   npx tsx test/helpers/book-load.ts [--tickets-per-day 20000] [--days 3] [--run-minutes 10] [--conversation-step 50000]
 */
import { isoOf } from '../../src/core/time';
import type { TicketFacts } from '../../src/core/types';
import { allCommitted } from '../../src/delivery/memory/commit-view';
import { TicketBook } from '../../src/delivery/memory/ticket-book';
import type { KeyValueStore, RequestClient } from '../../src/platform/types';
import { ManualClock } from '../../tools/clock';
import { KvStore } from '../../tools/local-platform/kv-store';

export interface LoadOptions {
  ticketsPerDay: number;
  days: number;
  runMinutes: number;
  repliesPerTicket: number;
  /** Group or source changes per ticket (each a new version). */
  updatesPerTicket: number;
  /** 11 digits at the largest account. */
  firstTicketId: number;
  groups: number;
  /**
   * Mean step between two of the account's conversation ids. Freshdesk numbers conversations
   * across accounts, so a ticket's replies hours apart differ in many digits: 50,000 a reply
   * (4 × 10⁹ ids a day at 80,000 replies) keeps them 11-digit for the 3 days and is wider than
   * any account we know of. [assumption]
   */
  conversationStep: number;
  /** Share of replies delivered a second time, 30 minutes to `days` later. */
  redelivered: number;
  seed: number;
}

export const LARGEST: LoadOptions = {
  ticketsPerDay: 20_000,
  days: 3,
  runMinutes: 10,
  repliesPerTicket: 4,
  updatesPerTicket: 3,
  firstTicketId: 98_765_400_500,
  groups: 500,
  conversationStep: 50_000,
  redelivered: 0.01,
  seed: 19,
};

export interface RunCost {
  reads: number;
  /** Of the reads, those of a range's older pieces (`<base key>.<offset>`). */
  pieceReads: number;
  writes: number;
}

export interface LoadResult {
  runs: number;
  /** KV calls of the runs in the last day (the book at its full size). */
  steady: { meanReads: number; meanPieceReads: number; meanWrites: number; maxReads: number; maxWrites: number };
  keys: number;
  largest: { key: string; bytes: number };
  redeliveries: number;
  /** Redelivered replies the book did not know as counted (rule 12 broken). */
  countedTwice: number;
  /** Replies to tickets the book no longer knew (asked of Freshdesk, or deferred over the look-up budget). */
  forgottenTickets: number;
  /** Redelivered replies of tickets created ≥ `days` − 1 hour before. */
  oldestRedeliveryAgeHours: number;
  forgotten: TicketBook['forgotten'];
  /**
   * Every reply of the first tickets of the first hour delivered again after the last run,
   * `days` after those tickets were created: how many the book still knows as counted.
   */
  firstHourAgain: { replies: number; counted: number; ageHours: number };
}

type Event = { atMs: number; kind: 'create' | 'update' | 'reply' | 'again'; ticket: number; conversation: number; version: number };

/** A small seeded generator (mulberry32): the same seed, the same account. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Log-uniform between `min` and `max` ms: most activity soon after creation, a long tail over days. */
function delay(next: () => number, min: number, max: number): number {
  return Math.round(min * Math.exp(next() * Math.log(max / min)));
}

const START = Date.parse('2026-11-02T00:00:00Z');

function eventsOf(o: LoadOptions): Event[] {
  const next = random(o.seed);
  const spacing = 86_400_000 / o.ticketsPerDay;
  const total = Math.round(o.ticketsPerDay * o.days);
  const span = o.days * 86_400_000;
  const events: Event[] = [];
  let conversation = 40_000_000_000;
  for (let i = 0; i < total; i += 1) {
    const created = START + Math.round(i * spacing);
    const ticket = o.firstTicketId + i;
    events.push({ atMs: created, kind: 'create', ticket, conversation: 0, version: 0 });
    for (let u = 1; u <= o.updatesPerTicket; u += 1) events.push({ atMs: created + delay(next, 60_000, 86_400_000), kind: 'update', ticket, conversation: 0, version: u });
    for (let r = 0; r < o.repliesPerTicket; r += 1) {
      conversation += 1 + Math.floor(next() * 2 * o.conversationStep);
      const at = created + delay(next, 60_000, span);
      events.push({ atMs: at, kind: 'reply', ticket, conversation, version: 0 });
      if (next() < o.redelivered) events.push({ atMs: at + delay(next, 30 * 60_000, span), kind: 'again', ticket, conversation, version: 0 });
    }
  }
  return events.filter((e) => e.atMs < START + span).sort((a, b) => a.atMs - b.atMs);
}

function createdOf(o: LoadOptions, ticket: number): number {
  return START + Math.round(((ticket - o.firstTicketId) * 86_400_000) / o.ticketsPerDay);
}

function factsOf(o: LoadOptions, ticket: number, version: number): TicketFacts {
  const i = ticket - o.firstTicketId;
  const created = createdOf(o, ticket);
  return { id: ticket, group_id: 48_000_000_100 + ((i * 7 + version * 13) % o.groups) * 7919, source: 1 + ((i + version) % 12), spam: false, deleted: false, created_at: isoOf(created) };
}

/** Freshdesk's GET /tickets/{id}, answering with the ticket as it is at the end (asked only for a ticket the book forgot). */
function freshdesk(o: LoadOptions): RequestClient {
  return {
    invokeTemplate: (_name, options) => {
      const facts = factsOf(o, Number(options?.context?.ticket_id), o.updatesPerTicket);
      return Promise.resolve({ status: 200, headers: {}, response: JSON.stringify({ ...facts, updated_at: facts.created_at }) });
    },
  };
}

/** A KV store counting calls into `cost`, over the local platform's store (its 40 KB limit and update semantics). */
function countingStore(store: KvStore, cost: () => RunCost): KeyValueStore {
  // The platform rejects with a plain `{status, message}` (what the app reads), not the local store's error class.
  const call = <T>(f: () => T): Promise<T> =>
    Promise.resolve()
      .then(f)
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the platform rejects with plain objects
      .catch((error: unknown) => Promise.reject((error as { payload?: unknown }).payload ?? error));
  return {
    get: (key) => (cost().reads++, key.includes('.') && cost().pieceReads++, call(() => store.get(key))),
    set: (key, value, options) => (cost().writes++, call(() => store.set(key, value, options))),
    update: (key, action, attributes) => (cost().writes++, call(() => store.update(key, action, attributes))),
    delete: (key) => (cost().writes++, call(() => store.delete(key))),
  };
}

export async function simulateBook(o: LoadOptions): Promise<{ result: LoadResult; store: KvStore }> {
  const store = new KvStore(new ManualClock(START));
  const costs: RunCost[] = [];
  const db = countingStore(store, () => costs[costs.length - 1] as RunCost);
  const events = eventsOf(o);
  const runMs = o.runMinutes * 60_000;
  let cursor = 0;
  let redeliveries = 0;
  let countedTwice = 0;
  let oldest = 0;
  let forgottenTickets = 0;
  let forgotten: TicketBook['forgotten'];
  for (let now = START + runMs; cursor < events.length; now += runMs) {
    costs.push({ reads: 0, pieceReads: 0, writes: 0 });
    const book = new TicketBook(db, freshdesk(o), now, allCommitted(now));
    for (; cursor < events.length && (events[cursor] as Event).atMs < now; cursor += 1) {
      const e = events[cursor] as Event;
      if (e.kind === 'create' || e.kind === 'update') {
        await book.remember(factsOf(o, e.ticket, e.version), e.atMs);
        if (e.kind === 'create') book.claim({ ticketId: e.ticket });
        continue;
      }
      if ((await book.peekClaim({ ticketId: e.ticket })) === 'unknown') forgottenTickets += 1;
      const found = await book.lookup(e.ticket, e.atMs);
      const claim = typeof found === 'string' ? 'unknown' : book.claim({ ticketId: e.ticket, conversationId: e.conversation });
      if (e.kind === 'again') {
        redeliveries += 1;
        if (claim !== 'counted') countedTwice += 1;
        oldest = Math.max(oldest, e.atMs - createdOf(o, e.ticket));
      }
    }
    await book.save();
    forgotten = book.forgotten ?? forgotten;
  }
  const firstHourAgain = await redeliverFirstHour(o, db, events, START + Math.ceil((o.days * 86_400_000) / runMs) * runMs + runMs);
  const lastDay = costs.slice(-Math.round(1440 / o.runMinutes));
  const mean = (f: (c: RunCost) => number): number => lastDay.reduce((s, c) => s + f(c), 0) / Math.max(1, lastDay.length);
  const sizes = Object.entries(store.snapshot()).map(([key, value]) => ({ key, bytes: Buffer.byteLength(key) + Buffer.byteLength(JSON.stringify(value)) }));
  const largest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a), { key: '', bytes: 0 });
  return {
    store,
    result: {
      runs: costs.length,
      steady: { meanReads: mean((c) => c.reads), meanPieceReads: mean((c) => c.pieceReads), meanWrites: mean((c) => c.writes), maxReads: Math.max(...lastDay.map((c) => c.reads)), maxWrites: Math.max(...lastDay.map((c) => c.writes)) },
      keys: sizes.length,
      largest,
      redeliveries,
      countedTwice,
      forgottenTickets,
      oldestRedeliveryAgeHours: oldest / 3_600_000,
      forgotten,
      firstHourAgain,
    },
  };
}

/** A run after all others: the replies to tickets created in the first hour, delivered again. */
async function redeliverFirstHour(o: LoadOptions, db: KeyValueStore, events: readonly Event[], now: number): Promise<LoadResult['firstHourAgain']> {
  const book = new TicketBook(db, freshdesk(o), now, allCommitted(now));
  const replies = events.filter((e) => e.kind === 'reply' && createdOf(o, e.ticket) < START + 3_600_000);
  let counted = 0;
  for (const e of replies) {
    await book.lookup(e.ticket, e.atMs);
    if (book.claim({ ticketId: e.ticket, conversationId: e.conversation }) === 'counted') counted += 1;
  }
  return { replies: replies.length, counted, ageHours: (now - START) / 3_600_000 };
}

function numberArgument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

if (require.main === module) {
  const options: LoadOptions = {
    ...LARGEST,
    ticketsPerDay: numberArgument('--tickets-per-day', LARGEST.ticketsPerDay),
    days: numberArgument('--days', LARGEST.days),
    runMinutes: numberArgument('--run-minutes', LARGEST.runMinutes),
    conversationStep: numberArgument('--conversation-step', LARGEST.conversationStep),
  };
  void simulateBook(options).then(({ result }) => {
    process.stdout.write(`${JSON.stringify({ options, ...result }, null, 2)}\n`);
  });
}
