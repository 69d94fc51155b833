/**
 * A walk job that repairs by difference (SPEC §9, §10): a replay of a period and the daily check
 * share it. The walk keeps what it finds in chunks (found-chunks.ts); once the walk has ended and
 * delivery has caught up, the comparison (compare.ts) sends per (queue, interval) what the ledger
 * lacks; then the job's own `finish` reports the outcome.
 *
 * Why the comparison waits: the ledger counts what injixo accepted. Contacts still in the backlog
 * or the outbox (an injixo outage, events of the last minutes) are delivered but not yet counted;
 * comparing then would send them twice. So it starts once the backlog is empty and the delivery
 * cursor has passed the end of the walk.
 */
import type { OfferedContact } from '../core/types';
import { readState } from '../delivery/commit/state';
import { slotOf } from '../delivery/intake/outbox';
import { scheduleDeliverySoon } from '../delivery/run/schedule-runs';
import type { AppState, WalkKind } from '../delivery/stored/stored-data';
import type { Platform } from '../platform/types';
import { beginCompare, compareStep, type CompareJob } from './compare';
import { FOUND_PER_CHUNK, readFoundChunk, writeFoundChunks, type ChunkKeyOf } from './found-chunks';
import type { FoundChunks, ImportRecord, ReplayResult } from './import-record';
import type { SliceWalk, StepEnd, WalkJob } from './in-app';
import type { FoundContact } from './replay-difference';
import { LANE_PERIOD_MS, WALK_LANES, type WalkScheduleKind } from './walk-chain';

/** Lanes while comparing: a step of at most COMPARE_KV_PER_STEP every LANE_PERIOD_MS / 3 (~7 a minute). */
export const COMPARE_LANES = 3;

export interface DifferenceJobSpec {
  kind: WalkScheduleKind & WalkKind;
  recordKey: string;
  takenKey: string;
  scheduleName: (nowMs: number) => string;
  chunkKey: ChunkKeyOf;
  /** The comparison is done: `record.result` holds its outcome, the record is about to be stored as done. */
  finish: (platform: Platform, record: ImportRecord, result: ReplayResult) => Promise<void>;
  /** What the status page shows of this walk (in-app.ts publishWalk). */
  view: (record: ImportRecord, nowMs: number) => Record<string, unknown>;
}

export function differenceJob(spec: DifferenceJobSpec): WalkJob {
  const compareJob: CompareJob = { kind: spec.kind, chunkKey: spec.chunkKey };
  return {
    kind: spec.kind,
    recordKey: spec.recordKey,
    takenKey: spec.takenKey,
    scheduleName: spec.scheduleName,
    view: spec.view,
    watchesTickets: true,
    takenAfterRecord: true,
    keep: (platform, record, walked) => keepFound(platform, record, walked, spec.chunkKey),
    walkDone: (platform, record) => {
      record.walkedAtMs = platform.now();
      record.ticketsRead = record.cursor?.counters.ticketsRead ?? 0;
      return Promise.resolve();
    },
    instead: (platform, record) => afterWalk(platform, record, compareJob, spec),
    lanesFor: (record) => (record.walkedAtMs === undefined ? WALK_LANES : record.compare ? COMPARE_LANES : 1),
    // Its mark went with its last view (in-app.ts endWalk).
    ended: async (platform, record) => {
      if (record.state === 'done') await scheduleDeliverySoon(platform.schedule, platform.now());
    },
  };
}

/**
 * Keeps a slice's contacts with their tickets in found chunks. The chunk ids come from the
 * record, which stores the new list only with the cursor: a slice repeated after a refusal writes
 * the same ids again.
 */
async function keepFound(platform: Platform, record: ImportRecord, walked: SliceWalk, chunkKey: ChunkKeyOf): Promise<boolean> {
  const found = walked.contacts.map((contact) => walked.witness?.found(contact) ?? unknownTicket(contact));
  if (found.length === 0) return true;
  const list: FoundChunks = JSON.parse(JSON.stringify(record.found ?? { chunks: [], next: 1 })) as FoundChunks;
  // A slice finds a few dozen contacts: they fill the last chunk (one read more) rather than start a
  // small one, so the comparison reads a few full chunks instead of one per slice. A slice repeated
  // after a refused save appends its contacts again: the comparison counts a contact once.
  const last = list.chunks[list.chunks.length - 1];
  const items = last && last.n < FILL_BELOW ? [...(await readFoundChunk(platform.db, last.id, chunkKey)), ...found] : found;
  if (items !== found && last) {
    list.chunks.pop();
    list.next = last.id;
  }
  await writeFoundChunks(platform.db, list, items, chunkKey);
  record.found = list;
  return true;
}

/** A last chunk with fewer contacts than this is filled by the next slice. */
const FILL_BELOW = FOUND_PER_CHUNK - 50;

/** Not expected (the witness sees every answer the walk reads): counted, never claimed. */
function unknownTicket(contact: OfferedContact): FoundContact {
  return { contact, ticket: { id: 0, group_id: null, source: 0, spam: false, deleted: false, created_at: contact.timestamp } };
}

/** Delivery has sent everything that arrived up to the walk's end: the ledger can be compared. */
export function deliveryCaughtUp(state: AppState, walkedAtMs: number): boolean {
  return state.backlog.chunks.length === 0 && state.cursor >= slotOf(walkedAtMs);
}

/** A slice after the walk: wait for delivery, then the comparison's steps, then the job's finish. */
async function afterWalk(platform: Platform, record: ImportRecord, compareJob: CompareJob, spec: DifferenceJobSpec): Promise<StepEnd | undefined> {
  if (record.walkedAtMs === undefined) return undefined;
  const nowMs = platform.now();
  if (!record.compare) {
    const state = await readState(platform.db, nowMs);
    if (!deliveryCaughtUp(state, record.walkedAtMs)) return { at: nowMs + LANE_PERIOD_MS };
    beginCompare(record);
    return { at: nowMs };
  }
  const progress = await compareStep(platform, record, compareJob);
  if (progress !== 'done') return { at: nowMs };
  const result = record.compare.result;
  record.result = result;
  record.state = 'done';
  record.finishedAtMs = platform.now();
  delete record.compare;
  delete record.cursor;
  delete record.found;
  await spec.finish(platform, record, result);
  return { at: nowMs };
}
