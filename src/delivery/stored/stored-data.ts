/**
 * Schemas for what the app reads back from the platform: its own KV records and the `data` of
 * its schedules. They were written by this app, but perhaps by an older version, by a run that
 * died half-way, or edited by support: like any other input they are `unknown` until a schema
 * narrows them (STYLE habit 12), and a value that does not fit is logged and handled, never
 * cast and trusted.
 *
 * ajv's JSONSchemaType cannot express a tuple with an optional last item or a union keyed by a
 * const, so those two schemas are typed by hand; the tests run corrupt values through each.
 */
import type { JSONSchemaType } from 'ajv';
import { createValidator, type Validated } from '../../schemas/create-validator';
import { LEGACY_HOLD_KIND, SCHEDULE_KINDS } from '../../storage/keys';
import type { OfferedContact } from '../../core/types';
import type { FailureCode } from '../../remote/errors';
import { RECORD_KIND_LETTERS, type RecordKind } from './record-kinds';

// The shapes the app stores, beside the schemas that read them back.

/**
 * Records are stored as short tuples: a 10-minute key may hold hundreds of them and the KV
 * store caps key+value at 40 KB, so ~45 bytes a record instead of ~130 matters.
 *   ticket:       ['t', id, group_id (-1 = none), source, flags (1 spam, 2 deleted), created_at seconds]
 *   update:       ['u', …same…, update time seconds]
 *   conversation: ['c', id, ticket_id, source, flags (1 private, 2 incoming), created_at seconds]
 *   update flags also carry 4: the update is the ticket's first resolution (issue 14).
 *   time entry:   ['e', entry id, ticket_id, seconds (-1 = deleted), 0, event time seconds]
 *   agent status: ['a', agent id, custom status id (-1 = none), flags (1 available), 0,
 *                  changed-at seconds, email (only when agents are identified by email)]
 */
export type PackedRecord = [RecordKind, number, number, number, number, number, (number | string)?];

export interface StoredContact extends OfferedContact {
  /** Why injixo refused it (set-aside chunks only). */
  reason?: string;
}

export interface CachedDirectory {
  groups: Record<string, string>;
  sourceChoices?: Record<string, number>;
  /** ms when groups / sources were last read from Freshdesk. */
  groupsAt: number;
  sourcesAt: number;
}

export interface FailureRecord {
  code: FailureCode;
  message: string;
  status?: number;
  at: string;
}

export interface Health {
  lastSuccessAt?: string;
  lastFailure?: FailureRecord;
  consecutiveFailures: number;
  /** Set while injixo refuses the key; cleared by the first success. */
  keyRejectedSince?: string;
  /** Last time the "key rejected" line was logged: once an hour, not once an event. */
  keyAlertLoggedAt?: string;
  /** Do not call injixo before this time (it answered 429 with Retry-After). */
  retryAfterUntil?: string;
  /** Contacts sent per queue and hour over the last 24 hours, by their own timestamps. */
  recent?: RecentVolume;
  sentTotal: number;
  dropped: number;
  setAsideTotal: number;
  /** Contacts posted that injixo never confirmed, since install (accounting/gaps.ts noteUnconfirmed). */
  unconfirmedTotal?: number;
}

/** Offered contacts per queue and hour over the last 24 hours (accounting/recent-volume.ts). */
export interface RecentVolume {
  /** Index (ms / BUCKET_MS) of the newest bucket; `counts[i]` belongs to bucket `hour - BUCKETS + 1 + i`. */
  hour: number;
  queues: Record<string, { name: string; counts: number[] }>;
  /** The quieter queues beyond the chart's budget, summed per hour (commit/budgets.ts CHART_QUEUES). */
  others?: number[];
}

/** Ids and sizes of stored chunks, oldest first; `next` is the id the next chunk gets. */
export interface ChunkList {
  chunks: { id: number; n: number }[];
  next: number;
}

/**
 * Counts frozen for one ledger shard by the run with this commit id, written after that commit
 * is stored (accounting/ledger.ts): `[commit id, bucket hour, shard, attribute → count]`.
 */
export type LedgerFlush = [number, string, number, Record<string, number>];

/** Ledger counts not yet written (hour → attribute → count) and the first hour still kept. */
export interface LedgerState {
  pending: Record<string, Record<string, number>>;
  /** Counts a committed run froze for writing; a later run finding one still here checks the shard's marker first. */
  flushing?: LedgerFlush[];
  /** Six-hour buckets since the epoch: keys before this one have been deleted. */
  keptFrom: number;
  /**
   * No bucket before this one was ever written (an install starts it at its own bucket; a flush of
   * an older one, the import's, moves it back): pruning deletes nothing below it. Absent in
   * records written before it was kept: every expired bucket is deleted.
   */
  writtenFrom?: number;
  /** Buckets (`2026-11-21T06`) whose counts may be off: a replay there warns (ledger.ts uncertainHours). */
  uncertain?: string[];
  /** Shards per bucket (a power of two, growing with the queues; absent: 1). */
  shards?: number;
  /** Frozen counts too many for this record, kept in keys of their own: `[commit id, parts]` (ledger.ts). */
  frozenOut?: [number, number][];
}

/** A map kept beside the state record (commit/spill.ts): its shard count and a digest of what was written. */
export interface SpilledMap {
  n: number;
  h: string;
}

/**
 * A period in which the app knows or suspects it missed contacts (issue 11): the import's
 * replay of that window by difference repairs it. Times are ISO-8601 UTC.
 */
export type GapReason = 'event_lost' | 'backlog_full' | 'commit_refused' | 'no_delivery_runs' | 'ticket_events_missing' | 'delivery_unconfirmed';
export interface Gap {
  from: string;
  to: string;
  reason: GapReason;
  /** Contacts the app knows it let go in that period; absent when it only suspects a loss. */
  contactsKnownLost?: number;
  /**
   * Contacts posted that injixo never confirmed (`delivery_unconfirmed`): at injixo or lost, the app
   * cannot tell, and it does not send them again (a second copy could never be taken back).
   */
  contactsMaybeLost?: number;
}

/**
 * Ticket ids whose creation record has not arrived (missing-tickets.ts), as ranges of
 * consecutive ids `[firstId, lastId, fromS, toS, noticedS]`: the creation times (s) of the known
 * tickets on either side bound when the missing ones were created; `noticedS` is when a run saw
 * the hole.
 */
export type MissingRange = [number, number, number, number, number];

export interface MissingTickets {
  /** The highest ticket id whose creation record a run has seen, and its creation time (s). */
  high: number;
  highS: number;
  /** Oldest first. */
  ranges: MissingRange[];
  /** Tickets found and counted this way since install (shown on the status page). */
  repaired: number;
  /** An id far above the sequence, and its creation time (s): the highest id moves to it only if the next ids follow it. */
  outlier?: [number, number];
  /** The lowest id the count covers, and its creation time (s): a ticket below it created after the install is a hole too (missing-tickets.ts). */
  low?: [number, number];
}

export interface AppState {
  v: 1;
  installedAt: string;
  /** Last outbox slot fully processed (see outbox.ts). */
  cursor: number;
  directory?: CachedDirectory;
  backlog: ChunkList;
  setAside: ChunkList;
  health: Health;
  /** groupId → UTC day it was last warned about as unknown (one warning per id per day). */
  warnedGroups: Record<string, string>;
  /** Rule 4: queue identifier → the name it was first delivered with (src/delivery/queue-names.ts). */
  pins?: Record<string, string>;
  /** Queue identifier → the name Freshdesk spells now, where it differs from the pin. */
  renamed?: Record<string, string>;
  /** The delivered ledger's bookkeeping (src/delivery/ledger.ts). */
  ledger?: LedgerState;
  /** Id (run time, ms) of the last commit this state includes: a handed-off commit older than it is stale (commit/hand-off.ts). */
  commitId?: number;
  /** The ids of the last commits that took effect, as stored by commit/commit-ring.ts (first id, then differences). */
  commits?: number[];
  /** When a delivery run last committed (ms): a long silence is recorded as a gap (gaps.ts). */
  lastRunAt?: number;
  /** When a run last saw ticket records arrive late through one-time schedules (attribution-hold.ts). */
  lateFactsSeenAt?: number;
  /** How late the latest of them came (ms), within the last hour: how long replies are held. */
  latenessMs?: number;
  /** Newest last, at most MAX_STATE_GAPS (gaps.ts). */
  gaps?: Gap[];
  /** Ticket ids whose creation record has not arrived (missing-tickets.ts). */
  missing?: MissingTickets;
  /** Handled contacts (issue 14, opt-in; handled-contacts.ts). */
  handled?: HandledState;
  /** The account's bare Freshdesk host (the status page's CLI commands); given by the platform to install and delivery runs. */
  host?: string;
  /**
   * The event handlers' counters (COUNTERS_KEY) as last folded in by a delivery run (status/snapshot.ts),
   * so the status page reads this one record: lost events and unreadable payloads, and when.
   */
  counters?: { lostEvents: number; invalidPayloads: number; foldedAt: number };
  /** The agents record's summary for the status page, kept by the runs that read the record (agent statuses on). */
  agentsView?: { sent: number; pending: number; identifiers: string[]; moreIdentifiers: number; stale: number; dropped: number; unconfirmed: number };
  /** Each walk's status-page view (import, replay, check), kept by the walk itself when its phase changes and every half hour. */
  walks?: Record<string, Record<string, unknown>>;
  /** What the last run's posts of agent intervals came to (opt-in/agent-statuses.ts AgentsOutcome). */
  agentsPosted?: [number, number, number, number];
  /** Maps kept beside the record because they outgrew it (commit/spill.ts); absent while everything fits inside. */
  spilled?: { pins?: SpilledMap; groups?: SpilledMap };
  /** The walks' marks (issue 20; src/import/tend.ts): read from the state a delivery run has anyway, so a quiet account pays nothing. */
  walk?: WalkMarks;
}

/** Walk jobs of src/import/ (the initial import, a replay, the daily check). */
export type WalkKind = 'import' | 'replay' | 'check';

/**
 * What the delivery runs need to know of the walks, ~150 bytes at most (commit/budgets.ts): which
 * walks are active (the watchdog then looks at their records), when the next daily check is due,
 * how far recorded gaps were queued for repair, and the last walk step this state committed.
 */
export interface WalkMarks {
  a?: WalkKind[];
  /** When the next daily check is due (ms). */
  c?: number;
  /** Gaps ending up to here (ms) were queued for repair. */
  g?: number;
  /** The id of the last walk step whose contacts this state's backlog took: a step repeated after a refused save does not hand them over twice. */
  s?: string;
}

export interface HandledState {
  /** Resolutions waiting for their settle time: flat triples [ticket id, resolved-at seconds, flags (1 spam, 2 deleted)]. */
  waiting: number[];
  /** Time-entry changes after their ticket's handled contact was sent, and the seconds they logged. */
  late: { changes: number; seconds: number };
  /** Handled contacts sent before their settle time because too many waited. */
  early: number;
  /** Resolutions of spam or deleted tickets, or of tickets gone from Freshdesk: no handled contact. */
  skipped: number;
  /** Handled contacts built for sending (they then go through the backlog like any contact). */
  sent: number;
}

const packedNumbers = [{ type: 'integer' }, { type: 'integer' }, { type: 'integer' }, { type: 'integer' }, { type: 'integer' }];
const packedPrefix = [{ type: 'string', enum: RECORD_KIND_LETTERS }, ...packedNumbers];
const packedRecordSchema = {
  // An update record carries its update time as a seventh number; an agent record may carry an email.
  anyOf: [
    { type: 'array', items: packedPrefix, minItems: 6, maxItems: 6 },
    { type: 'array', items: [...packedPrefix, { type: 'integer' }], minItems: 7, maxItems: 7 },
    { type: 'array', items: [{ const: 'a' }, ...packedNumbers, { type: 'string', maxLength: 254 }], minItems: 7, maxItems: 7 },
  ],
} as unknown as JSONSchemaType<PackedRecord>;

/**
 * An import slice carries the token of the chain it belongs to: only the slice the import record
 * expects runs, so a pause followed by a resume never leaves two chains walking at once.
 */
export type ScheduleData =
  | { kind: typeof SCHEDULE_KINDS.deliver }
  | { kind: typeof SCHEDULE_KINDS.hold | typeof LEGACY_HOLD_KIND; record: PackedRecord }
  | { kind: typeof SCHEDULE_KINDS.import; token: string; retry?: number; at?: number }
  | { kind: typeof SCHEDULE_KINDS.replay; token: string; retry?: number; at?: number }
  | { kind: typeof SCHEDULE_KINDS.check; token: string; retry?: number; at?: number }
  | { kind: typeof SCHEDULE_KINDS.tend }
  | { kind: typeof SCHEDULE_KINDS.handOffPage; counts?: Record<string, unknown>; added?: number[]; removed?: number[] };

const scheduleDataSchema = {
  type: 'object',
  required: ['kind'],
  oneOf: [
    { type: 'object', required: ['kind'], properties: { kind: { const: SCHEDULE_KINDS.deliver } } },
    { type: 'object', required: ['kind', 'record'], properties: { kind: { enum: [SCHEDULE_KINDS.hold, LEGACY_HOLD_KIND] }, record: packedRecordSchema } },
    // A walk slice's lane token and, after a refusal, how many in a row (its back-off grows even when the KV store refuses to record it).
    { type: 'object', required: ['kind', 'token'], properties: { kind: { const: SCHEDULE_KINDS.import }, token: { type: 'string', maxLength: 40 }, retry: { type: 'integer', minimum: 0 }, at: { type: 'integer' } } },
    { type: 'object', required: ['kind', 'token'], properties: { kind: { const: SCHEDULE_KINDS.replay }, token: { type: 'string', maxLength: 40 }, retry: { type: 'integer', minimum: 0 }, at: { type: 'integer' } } },
    { type: 'object', required: ['kind', 'token'], properties: { kind: { const: SCHEDULE_KINDS.check }, token: { type: 'string', maxLength: 40 }, retry: { type: 'integer', minimum: 0 }, at: { type: 'integer' } } },
    { type: 'object', required: ['kind'], properties: { kind: { const: SCHEDULE_KINDS.tend } } },
    // Storage only: read by the writer that applies its hand-off; one that fires was left behind.
    { type: 'object', required: ['kind'], properties: { kind: { const: SCHEDULE_KINDS.handOffPage }, counts: { type: 'object', nullable: true }, added: { type: 'array', nullable: true, items: { type: 'integer' } }, removed: { type: 'array', nullable: true, items: { type: 'integer' } } } },
  ],
} as unknown as JSONSchemaType<ScheduleData>;

const chunkListSchema = {
  type: 'object',
  required: ['chunks', 'next'],
  properties: {
    chunks: { type: 'array', items: { type: 'object', required: ['id', 'n'], properties: { id: { type: 'integer' }, n: { type: 'integer', minimum: 0 } } } },
    next: { type: 'integer' },
  },
} as const;

const gapSchema = {
  type: 'object',
  required: ['from', 'to', 'reason'],
  properties: {
    from: { type: 'string' },
    to: { type: 'string' },
    reason: { type: 'string', enum: ['event_lost', 'backlog_full', 'commit_refused', 'no_delivery_runs', 'ticket_events_missing', 'delivery_unconfirmed'] },
    contactsKnownLost: { type: 'integer', minimum: 0 },
    contactsMaybeLost: { type: 'integer', minimum: 0 },
  },
} as const;

const stateSchema = {
  type: 'object',
  required: ['v', 'installedAt', 'cursor', 'backlog', 'setAside', 'health', 'warnedGroups'],
  properties: {
    v: { const: 1 },
    installedAt: { type: 'string' },
    cursor: { type: 'integer' },
    directory: {
      type: 'object',
      required: ['groups', 'groupsAt', 'sourcesAt'],
      properties: {
        groups: { type: 'object', additionalProperties: { type: 'string' } },
        sourceChoices: { type: 'object', additionalProperties: { type: 'integer' } },
        groupsAt: { type: 'number' },
        sourcesAt: { type: 'number' },
      },
    },
    backlog: chunkListSchema,
    setAside: chunkListSchema,
    health: {
      type: 'object',
      required: ['consecutiveFailures', 'sentTotal', 'dropped', 'setAsideTotal'],
      properties: {
        consecutiveFailures: { type: 'integer' },
        recent: {
          type: 'object',
          required: ['hour', 'queues'],
          properties: {
            hour: { type: 'integer' },
            queues: {
              type: 'object',
              additionalProperties: { type: 'object', required: ['name', 'counts'], properties: { name: { type: 'string' }, counts: { type: 'array', items: { type: 'integer' } } } },
            },
            others: { type: 'array', items: { type: 'integer' } },
          },
        },
        sentTotal: { type: 'integer' },
        dropped: { type: 'integer' },
        setAsideTotal: { type: 'integer' },
        unconfirmedTotal: { type: 'integer', minimum: 0 },
      },
    },
    warnedGroups: { type: 'object', additionalProperties: { type: 'string' } },
    pins: { type: 'object', additionalProperties: { type: 'string' } },
    renamed: { type: 'object', additionalProperties: { type: 'string' } },
    ledger: {
      type: 'object',
      required: ['pending', 'keptFrom'],
      properties: {
        pending: { type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: 'integer' } } },
        flushing: {
          type: 'array',
          items: { type: 'array', items: [{ type: 'integer' }, { type: 'string' }, { type: 'integer', minimum: 0 }, { type: 'object', additionalProperties: { type: 'integer' } }], minItems: 4, maxItems: 4 },
        },
        keptFrom: { type: 'integer' },
        writtenFrom: { type: 'integer' },
        uncertain: { type: 'array', items: { type: 'string' } },
        shards: { type: 'integer', minimum: 1 },
        frozenOut: { type: 'array', items: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 } },
      },
    },
    commitId: { type: 'number' },
    commits: { type: 'array', items: { type: 'integer' } },
    lastRunAt: { type: 'number' },
    lateFactsSeenAt: { type: 'number' },
    latenessMs: { type: 'number' },
    gaps: { type: 'array', items: gapSchema },
    handled: {
      type: 'object',
      required: ['waiting', 'late', 'early', 'skipped', 'sent'],
      properties: {
        waiting: { type: 'array', items: { type: 'integer' } },
        late: { type: 'object', required: ['changes', 'seconds'], properties: { changes: { type: 'integer' }, seconds: { type: 'integer' } } },
        early: { type: 'integer' },
        skipped: { type: 'integer' },
        sent: { type: 'integer' },
      },
    },
    agentsPosted: { type: 'array', items: { type: 'integer' }, minItems: 4, maxItems: 4 },
    host: { type: 'string', maxLength: 255 },
    counters: { type: 'object', required: ['lostEvents', 'invalidPayloads', 'foldedAt'], properties: { lostEvents: { type: 'integer' }, invalidPayloads: { type: 'integer' }, foldedAt: { type: 'number' } } },
    agentsView: {
      type: 'object',
      required: ['sent', 'pending', 'identifiers', 'moreIdentifiers', 'stale', 'dropped', 'unconfirmed'],
      properties: {
        sent: { type: 'integer' },
        pending: { type: 'integer' },
        identifiers: { type: 'array', items: { type: 'string' } },
        moreIdentifiers: { type: 'integer' },
        stale: { type: 'integer' },
        dropped: { type: 'integer' },
        unconfirmed: { type: 'integer' },
      },
    },
    walks: { type: 'object', additionalProperties: { type: 'object' } },
    spilled: {
      type: 'object',
      properties: {
        pins: { type: 'object', required: ['n', 'h'], properties: { n: { type: 'integer', minimum: 1 }, h: { type: 'string' } } },
        groups: { type: 'object', required: ['n', 'h'], properties: { n: { type: 'integer', minimum: 1 }, h: { type: 'string' } } },
      },
    },
    walk: {
      type: 'object',
      properties: {
        a: { type: 'array', items: { type: 'string', enum: ['import', 'replay', 'check'] }, maxItems: 3 },
        c: { type: 'number' },
        g: { type: 'number' },
        s: { type: 'string', maxLength: 80 },
      },
    },
    missing: {
      type: 'object',
      required: ['high', 'highS', 'ranges', 'repaired'],
      properties: {
        high: { type: 'integer' },
        highS: { type: 'integer' },
        ranges: { type: 'array', items: { type: 'array', items: { type: 'integer' }, minItems: 5, maxItems: 5 } },
        repaired: { type: 'integer', minimum: 0 },
        outlier: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 },
        low: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 },
      },
    },
  },
} as unknown as JSONSchemaType<AppState>;

const storedContactsSchema: JSONSchemaType<StoredContact[]> = {
  type: 'array',
  items: {
    type: 'object',
    required: ['contactId', 'queueName', 'queueIdentifier', 'timestamp', 'channel'],
    properties: {
      contactId: { type: 'string' },
      queueName: { type: 'string' },
      queueIdentifier: { type: 'string' },
      timestamp: { type: 'string' },
      channel: { type: 'string', const: 'cases' },
      handled: { type: 'boolean', nullable: true, enum: [true] },
      duration: { type: 'integer', minimum: 0, nullable: true },
      reason: { type: 'string', nullable: true },
    },
  },
};

const checkPackedRecord = createValidator(packedRecordSchema, 'record');
const checkScheduleData = createValidator(scheduleDataSchema, 'data');
const checkState = createValidator(stateSchema, 'state');
const checkStoredContacts = createValidator(storedContactsSchema, 'items');

export function validatePackedRecord(input: unknown): Validated<PackedRecord> {
  return checkPackedRecord(input);
}

export function validateScheduleData(input: unknown): Validated<ScheduleData> {
  return checkScheduleData(input);
}

export function validateState(input: unknown): Validated<AppState> {
  return checkState(input);
}

export function validateStoredContacts(input: unknown): Validated<StoredContact[]> {
  return checkStoredContacts(input);
}

/**
 * Agent statuses (issue 14; agent-statuses.ts), one KV record: per agent id its open status
 * `[identifier, activity, since seconds, changed-at seconds]` (the time of the change that opened
 * it, absent in records written before it was kept: then `since`), and the intervals injixo has
 * not taken yet `[identifier, activity, start seconds, end seconds]`, oldest first.
 */
export interface AgentsRecord {
  v: 1;
  open: Record<string, [string, string, number] | [string, string, number, number]>;
  pending: Array<[string, string, number, number]>;
  /** The first `count` pending intervals, stored before the run with this commit id posted them (opt-in/agent-statuses.ts). */
  inFlight?: [number, number];
  sent: number;
  stale: number;
  duplicates: number;
  dropped: number;
  /** Posted without an answer from injixo, never posted again. */
  unconfirmed?: number;
}

const agentsRecordSchema = {
  type: 'object',
  required: ['v', 'open', 'pending', 'sent', 'stale', 'duplicates', 'dropped'],
  properties: {
    v: { const: 1 },
    open: {
      type: 'object',
      additionalProperties: {
        anyOf: [
          { type: 'array', items: [{ type: 'string' }, { type: 'string' }, { type: 'integer' }], minItems: 3, maxItems: 3 },
          { type: 'array', items: [{ type: 'string' }, { type: 'string' }, { type: 'integer' }, { type: 'integer' }], minItems: 4, maxItems: 4 },
        ],
      },
    },
    pending: { type: 'array', items: { type: 'array', items: [{ type: 'string' }, { type: 'string' }, { type: 'integer' }, { type: 'integer' }], minItems: 4, maxItems: 4 } },
    sent: { type: 'integer' },
    stale: { type: 'integer' },
    duplicates: { type: 'integer' },
    dropped: { type: 'integer' },
    inFlight: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 },
    unconfirmed: { type: 'integer', minimum: 0 },
  },
} as unknown as JSONSchemaType<AgentsRecord>;

const checkAgentsRecord = createValidator(agentsRecordSchema, 'agents');

export function validateAgentsRecord(input: unknown): Validated<AgentsRecord> {
  return checkAgentsRecord(input);
}
