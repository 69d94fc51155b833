/**
 * The in-app import's one KV record (IMPORT_KEY): where the walk stands (the cursor of
 * cursor.ts), what it has done, and whether a person paused it. Narrowed by a schema like every
 * stored value: an import record an older or newer version wrote is reported, never guessed at.
 */
import type { JSONSchemaType } from 'ajv';
import { createValidator, type Validated } from '../schemas/create-validator';
import type { ImportCursor } from './cursor';

export type ImportRunState = 'running' | 'paused' | 'done' | 'failed';

/** Something the walk could not read, kept short for the status page (the log has the rest). */
export interface ImportProblem {
  at: string;
  message: string;
}

/** A replay's outcome per queue (only queues where something was sent or a surplus was found). */
export interface ReplayQueueResult {
  queueIdentifier: string;
  queueName: string;
  /** Contacts Freshdesk says the window holds in this queue. */
  found: number;
  /** What the ledger says was already delivered for the same intervals. */
  delivered: number;
  sent: number;
  /** Delivered beyond what Freshdesk says (never taken back: injixo cannot delete). */
  surplus: number;
  /** Missing here per the ledger but claimed as counted: delivered under the ticket's former queue, so not sent again. */
  claimedElsewhere: number;
}

/** What a replay compared and sent, once it is done. */
export interface ReplayResult {
  found: number;
  alreadyDelivered: number;
  sent: number;
  surplus: number;
  claimedElsewhere: number;
  queues: ReplayQueueResult[];
  /** Queues left out of `queues` to keep the record small (their counts are in the totals). */
  moreQueues: number;
  /** Ledger hours in the window whose counts may be off (ledger.ts uncertainHours): nothing was guessed there. */
  uncertainHours?: string[];
  /** Contacts missing in their queue but not sent: their interval's totals could not tell them from a copy (replay-difference.ts capInterval). */
  heldBack?: number;
}

/** Ids and sizes of the chunks a replay's walk stored what it found in. */
export interface FoundChunks {
  chunks: { id: number; n: number }[];
  next: number;
}

/** What the platform last refused a walk, and when it tries again (the status page's sentence). */
export interface WalkRefusal {
  /** Which store said no: the KV store, the scheduler, or the platform's request limit. */
  what: 'kv' | 'schedule' | 'request';
  at: number;
  retryAt: number;
  /** Refusals in a row: each doubles the wait (walk-chain.ts backoffMs). */
  n: number;
}

/**
 * The incremental comparison of a replay or check (compare.ts): what the walk found is sorted
 * into groups of partitions — (six-hour ledger bucket, ledger shard, quarter hour) — small enough
 * to compare in one step, then compared group by group, then its chunks are deleted.
 */
export interface CompareState {
  stage: 'sort' | 'compare' | 'clean';
  /** Ledger shards per bucket as the last step read them from the state (a group over several buckets too wide for them is cut at bucket boundaries). */
  shards: number;
  /** The first six-hour bucket of the window (ms / 6 h). */
  first: number;
  /** Groups still to sort or compare, front first: `[lo, hi, items, chunk id…]` over partition indices [lo, hi). */
  groups: number[][];
  /** The front group being split: how many of its chunks were read, and per sub-range `[items, chunk id…]`. */
  split?: { read: number; parts: number[][] };
  /** The front group's claims read so far in earlier steps: ticket-book shards done, and the contacts found counted. */
  claims?: { shards: number[]; counted: string[] };
  /** Chunks no longer referenced: deleted a few per step. */
  cleanup: number[];
  result: ReplayResult;
  /** Uncertain buckets met in the window (six-hour names). */
  uncertain: string[];
}

/** What a daily-check walk covers: a settled UTC day, or recorded gaps inside its window. */
export interface CheckScope {
  day?: string;
  /** Keys of the gaps this walk repairs (check-days.ts gapKey). */
  gaps?: string[];
}

/**
 * One record shape for every walk job: the initial import (no `kind`, as records written
 * before replays existed) and a replay of a period (`kind: 'replay'`, with the fields below).
 */
export interface ImportRecord {
  v: 1;
  kind?: 'replay' | 'check';
  /** Lanes of slices in flight (walk-chain.ts): per lane its generation and when its next slice is due (0: idle). */
  lanes?: [number, number][];
  /** No slice works before this (ms): a Freshdesk Retry-After, or the back-off after a refusal. */
  notBefore?: number;
  /** The Freshdesk pacing carried from slice to slice (rate-pacer.ts). */
  pacer?: { total: number; nextAt: number; nextListAt: number; lastSentAt: number; lastListSentAt: number };
  refusal?: WalkRefusal;
  /** Lanes the watchdog re-armed after they lost their schedule (shown as a problem). */
  resumed?: number;
  /** Replay and check: the comparison after the walk. */
  compare?: CompareState;
  /** Check: what this walk covers. */
  scope?: CheckScope;
  /** Group names and source labels read by a slice, kept when small (in-app.ts directoryFor), and when. */
  directory?: { d: { groups: Record<string, string>; sourceChoices?: Record<string, number> }; at: number };
  /** Replay: what the walk found so far, stored in chunks until the comparison. */
  found?: FoundChunks;
  /** Replay: when the walk ended; the comparison with the ledger waits for delivery to catch up. */
  walkedAtMs?: number;
  /** Replay: the outcome, once compared and handed to delivery. */
  result?: ReplayResult;
  state: ImportRunState;
  /** The account's bare Freshdesk host, given by the install event (schedules may lack it). */
  host: string;
  /** The counted window [from, to): the chosen days before the install, up to the install. */
  from: string;
  to: string;
  /** The walk's position; absent once it is done. */
  cursor?: ImportCursor;
  /** The schedule token of the one slice allowed to run next (see ScheduleData). */
  token: string;
  /** When the next slice is due (ms): the status page's "next slice" and the ETA. */
  nextAt: number;
  startedAtMs: number;
  slices: number;
  requests: number;
  /** Contacts handed to delivery (into the backlog). */
  contacts: number;
  /** Slices that found the backlog too full and waited. */
  waitedForBacklog: number;
  problems: ImportProblem[];
  /** Problems beyond the kept ones (counted only). */
  moreProblems: number;
  failure?: string;
  finishedAtMs?: number;
  /** Tickets read, kept when the cursor is dropped at the end. */
  ticketsRead?: number;
  /** When the walk's view was last kept in the state record for the status page (in-app.ts publishWalk). */
  shownAtMs?: number;
  /** What the view last kept there showed (in-app.ts phaseOf): a change is shown at once. */
  shownPhase?: string;
}

const counters = ['listCalls', 'conversationCalls', 'rateLimited', 'ticketsRead', 'ticketContacts', 'replyContacts', 'unreadable', 'vanished'];
const int = { type: 'integer' };
const str = { type: 'string' };
const intArray = { type: 'array', items: int };

const cursorSchema = {
  type: 'object',
  required: ['version', 'from', 'to', 'startedAt', 'perPage', 'phase', 'since', 'page', 'skipIds', 'lastUpdatedAt', 'lastIds', 'pending', 'counters'],
  properties: {
    version: { type: 'integer', const: 1 },
    from: str,
    to: str,
    startedAt: str,
    perPage: int,
    phase: { type: 'string', enum: ['tickets', 'spam', 'deleted', 'done'] },
    since: str,
    page: int,
    skipIds: intArray,
    lastUpdatedAt: { type: 'string', nullable: true },
    lastIds: intArray,
    pending: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'group_id', 'source', 'spam', 'deleted', 'created_at', 'page'],
        properties: {
          id: int,
          group_id: { type: 'integer', nullable: true },
          source: int,
          spam: { type: 'boolean' },
          deleted: { type: 'boolean' },
          created_at: str,
          page: int,
          resolvedAt: { type: 'string', nullable: true },
          stage: { type: 'string', enum: ['time'], nullable: true },
          seconds: { type: 'integer', nullable: true },
          entries: { type: 'integer', nullable: true },
        },
      },
    },
    counters: { type: 'object', required: counters, properties: { ...Object.fromEntries(counters.map((c) => [c, int])), timeEntryCalls: int, handledContacts: int } },
  },
};

const resultSchema = {
  type: 'object',
  required: ['found', 'alreadyDelivered', 'sent', 'surplus', 'claimedElsewhere', 'queues', 'moreQueues'],
  properties: {
    found: int,
    alreadyDelivered: int,
    sent: int,
    surplus: int,
    claimedElsewhere: int,
    moreQueues: int,
    uncertainHours: { type: 'array', nullable: true, items: str },
    heldBack: { type: 'integer', nullable: true },
    queues: {
      type: 'array',
      items: {
        type: 'object',
        required: ['queueIdentifier', 'queueName', 'found', 'delivered', 'sent', 'surplus', 'claimedElsewhere'],
        properties: { queueIdentifier: str, queueName: str, found: int, delivered: int, sent: int, surplus: int, claimedElsewhere: int },
      },
    },
  },
};

const recordSchema = {
  type: 'object',
  required: ['v', 'state', 'host', 'from', 'to', 'token', 'nextAt', 'startedAtMs', 'slices', 'requests', 'contacts', 'waitedForBacklog', 'problems', 'moreProblems'],
  properties: {
    v: { type: 'integer', const: 1 },
    state: { type: 'string', enum: ['running', 'paused', 'done', 'failed'] },
    host: str,
    from: str,
    to: str,
    cursor: { ...cursorSchema, nullable: true },
    token: str,
    nextAt: int,
    startedAtMs: int,
    slices: int,
    requests: int,
    contacts: int,
    waitedForBacklog: int,
    problems: { type: 'array', items: { type: 'object', required: ['at', 'message'], properties: { at: str, message: str } } },
    moreProblems: int,
    failure: { type: 'string', nullable: true },
    finishedAtMs: { type: 'integer', nullable: true },
    ticketsRead: { type: 'integer', nullable: true },
    shownAtMs: { type: 'number', nullable: true },
    shownPhase: { type: 'string', nullable: true },
    kind: { type: 'string', enum: ['replay', 'check'], nullable: true },
    lanes: { type: 'array', nullable: true, items: { type: 'array', items: int, minItems: 2, maxItems: 2 } },
    notBefore: { type: 'integer', nullable: true },
    pacer: {
      type: 'object',
      nullable: true,
      required: ['total', 'nextAt', 'nextListAt', 'lastSentAt', 'lastListSentAt'],
      properties: { total: { type: 'number' }, nextAt: { type: 'number' }, nextListAt: { type: 'number' }, lastSentAt: { type: 'number' }, lastListSentAt: { type: 'number' } },
    },
    refusal: {
      type: 'object',
      nullable: true,
      required: ['what', 'at', 'retryAt', 'n'],
      properties: { what: { type: 'string', enum: ['kv', 'schedule', 'request'] }, at: int, retryAt: int, n: int },
    },
    resumed: { type: 'integer', nullable: true },
    compare: {
      type: 'object',
      nullable: true,
      required: ['stage', 'shards', 'first', 'groups', 'cleanup', 'result', 'uncertain'],
      properties: {
        stage: { type: 'string', enum: ['sort', 'compare', 'clean'] },
        shards: int,
        first: int,
        groups: { type: 'array', items: intArray },
        split: { type: 'object', nullable: true, required: ['read', 'parts'], properties: { read: int, parts: { type: 'array', items: intArray } } },
        claims: { type: 'object', nullable: true, required: ['shards', 'counted'], properties: { shards: intArray, counted: { type: 'array', items: str } } },
        cleanup: intArray,
        result: resultSchema,
        uncertain: { type: 'array', items: str },
      },
    },
    scope: { type: 'object', nullable: true, properties: { day: str, gaps: { type: 'array', items: str } } },
    directory: {
      type: 'object',
      nullable: true,
      required: ['d', 'at'],
      properties: {
        d: { type: 'object', required: ['groups'], properties: { groups: { type: 'object', additionalProperties: str }, sourceChoices: { type: 'object', additionalProperties: int } } },
        at: int,
      },
    },
    found: {
      type: 'object',
      nullable: true,
      required: ['chunks', 'next'],
      properties: { chunks: { type: 'array', items: { type: 'object', required: ['id', 'n'], properties: { id: int, n: int } } }, next: int },
    },
    walkedAtMs: { type: 'integer', nullable: true },
    result: { ...resultSchema, nullable: true },
  },
} as unknown as JSONSchemaType<ImportRecord>;

const checkRecord = createValidator(recordSchema, 'import');

export function validateImportRecord(input: unknown): Validated<ImportRecord> {
  return checkRecord(input);
}

const checkTaken = createValidator({ type: 'object', required: ['r'], properties: { r: { type: 'array', items: { type: 'integer' } } } } as unknown as JSONSchemaType<{ r: number[] }>, 'taken');

export function validateTakenRanges(input: unknown): Validated<{ r: number[] }> {
  return checkTaken(input);
}
