/**
 * What a replay's walk found, kept between its slices until the comparison (replay.ts): in
 * numbered chunks like the backlog's, each contact as a flat list with its ticket's facts (the
 * ticket book needs them to claim it), queue names once per chunk. ~80 bytes a contact, so
 * FOUND_PER_CHUNK contacts stay well under the 40 KB KV value limit.
 */
import { log } from '../platform/log';
import { isNotFound } from '../platform/refusals';
import type { KeyValueStore } from '../platform/types';
import type { JSONSchemaType } from 'ajv';
import { createValidator } from '../schemas/create-validator';
import { replayFoundKey } from '../storage/keys';
import type { FoundChunks } from './import-record';
import type { FoundContact } from './replay-difference';

export const FOUND_PER_CHUNK = 300;
/**
 * Bytes of a chunk's value at most: the queue names it carries (100 characters at the largest
 * profile) count too, so a chunk holds fewer than FOUND_PER_CHUNK contacts when they come from
 * many queues (test/delivery/budgets.test.ts proves 40 KB key + value at 500 queues).
 */
export const FOUND_CHUNK_BYTES = 36 * 1024;

/** [queue index, contact id, timestamp, ticket id (0 unknown), group id (-1 none), source, flags (1 spam, 2 deleted), ticket created_at] */
type FoundItem = [number, string, string, number, number, number, number, string];

interface StoredFound {
  /** Queue identifier and name, indexed by the items. */
  q: [string, string][];
  i: FoundItem[];
}

const int = { type: 'integer' };
const str = { type: 'string' };
const foundSchema = {
  type: 'object',
  required: ['q', 'i'],
  properties: {
    q: { type: 'array', items: { type: 'array', items: [str, str], minItems: 2, maxItems: 2 } },
    i: { type: 'array', items: { type: 'array', items: [int, str, str, int, int, int, int, str], minItems: 8, maxItems: 8 } },
  },
} as unknown as JSONSchemaType<StoredFound>;

const checkFound = createValidator(foundSchema, 'found');

function encode(found: readonly FoundContact[]): StoredFound {
  const queues = new Map<string, number>();
  const stored: StoredFound = { q: [], i: [] };
  // A reply's conversation id is in its contact id (c:<id>), so it is not stored twice.
  for (const { contact, ticket } of found) {
    let index = queues.get(contact.queueIdentifier);
    if (index === undefined) {
      index = stored.q.length;
      queues.set(contact.queueIdentifier, index);
      stored.q.push([contact.queueIdentifier, contact.queueName]);
    }
    const flags = (ticket.spam ? 1 : 0) | (ticket.deleted ? 2 : 0);
    stored.i.push([index, contact.contactId, contact.timestamp, ticket.id, ticket.group_id ?? -1, ticket.source, flags, ticket.created_at]);
  }
  return stored;
}

function decode(stored: StoredFound): FoundContact[] {
  return stored.i.map(([index, contactId, timestamp, ticketId, group, source, flags, createdAt]) => {
    const [queueIdentifier, queueName] = stored.q[index] ?? ['?', '?'];
    const ticket = { id: ticketId, group_id: group === -1 ? null : group, source, spam: (flags & 1) !== 0, deleted: (flags & 2) !== 0, created_at: createdAt };
    const contact = { contactId, queueIdentifier, queueName, timestamp, channel: 'cases' as const };
    return contactId.startsWith('c:') ? { contact, ticket, conversationId: Number(contactId.slice(2)) } : { contact, ticket };
  });
}

/** The KV key of a job's found chunk `id` (replay-found:, check-found:). */
export type ChunkKeyOf = (id: number) => string;

/** Appends `found` as new chunks at the end of the list; one KV set per chunk. */
export async function writeFoundChunks(db: KeyValueStore, list: FoundChunks, found: readonly FoundContact[], keyOf: ChunkKeyOf = replayFoundKey): Promise<void> {
  for (const part of packFound(found)) {
    await db.set(keyOf(list.next), encode(part) as unknown as Record<string, unknown>);
    list.chunks.push({ id: list.next, n: part.length });
    list.next += 1;
  }
}

/** Splits contacts into chunks of at most FOUND_PER_CHUNK contacts and FOUND_CHUNK_BYTES bytes as stored. */
export function packFound(found: readonly FoundContact[]): FoundContact[][] {
  const parts: FoundContact[][] = [];
  let part: FoundContact[] = [];
  let bytes = 20;
  let queues = new Set<string>();
  for (const f of found) {
    const more = queueSize(queues, f) + itemSize(f);
    if (part.length > 0 && (part.length >= FOUND_PER_CHUNK || bytes + more > FOUND_CHUNK_BYTES)) {
      parts.push(part);
      part = [];
      queues = new Set();
      bytes = 20 + queueSize(queues, f) + itemSize(f);
    } else {
      bytes += more;
    }
    queues.add(f.contact.queueIdentifier);
    part.push(f);
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/** The bytes a contact's queue adds to a chunk that does not list it yet. */
function queueSize(queues: ReadonlySet<string>, f: FoundContact): number {
  return queues.has(f.contact.queueIdentifier) ? 0 : JSON.stringify([f.contact.queueIdentifier, f.contact.queueName]).length + 1;
}

function itemSize(f: FoundContact): number {
  const { contact, ticket } = f;
  return JSON.stringify([999, contact.contactId, contact.timestamp, ticket.id, ticket.group_id ?? -1, ticket.source, 3, ticket.created_at]).length + 1;
}

/** The stored value of one chunk (budgets and tests measure it). */
export function encodeFound(found: readonly FoundContact[]): Record<string, unknown> {
  return encode(found) as unknown as Record<string, unknown>;
}

/**
 * A chunk's contacts; an absent or unreadable chunk is reported and read as empty (the
 * comparison then sends less, never twice). Any other refusal (the KV limit) throws: the
 * comparison is tried again later.
 */
export async function readFoundChunk(db: KeyValueStore, id: number, keyOf: ChunkKeyOf = replayFoundKey): Promise<FoundContact[]> {
  let value: unknown;
  try {
    value = await db.get(keyOf(id));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    log('error', 'REPLAY_FOUND_MISSING', `${keyOf(id)} is missing; its contacts are left out of this comparison`);
    return [];
  }
  const checked = checkFound(value);
  if (checked.ok) return decode(checked.value);
  log('error', 'STORED_RECORD_UNREADABLE', `${keyOf(id)} cannot be read (${checked.error.message}); its contacts are left out of this comparison`);
  return [];
}
