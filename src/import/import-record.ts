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

export interface ImportRecord {
  v: 1;
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
        },
      },
    },
    counters: { type: 'object', required: counters, properties: Object.fromEntries(counters.map((c) => [c, int])) },
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
