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

/** Appends `found` as new chunks at the end of the list; one KV set per chunk. */
export async function writeFoundChunks(db: KeyValueStore, list: FoundChunks, found: readonly FoundContact[]): Promise<void> {
  for (let start = 0; start < found.length; start += FOUND_PER_CHUNK) {
    const part = found.slice(start, start + FOUND_PER_CHUNK);
    await db.set(replayFoundKey(list.next), encode(part) as unknown as Record<string, unknown>);
    list.chunks.push({ id: list.next, n: part.length });
    list.next += 1;
  }
}

/**
 * A chunk's contacts; an absent or unreadable chunk is reported and read as empty (the
 * comparison then sends less, never twice). Any other refusal (the KV limit) throws: the
 * comparison is tried again later.
 */
export async function readFoundChunk(db: KeyValueStore, id: number): Promise<FoundContact[]> {
  let value: unknown;
  try {
    value = await db.get(replayFoundKey(id));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    log('error', 'REPLAY_FOUND_MISSING', `${replayFoundKey(id)} is missing; its contacts are left out of this replay`);
    return [];
  }
  const checked = checkFound(value);
  if (checked.ok) return decode(checked.value);
  log('error', 'STORED_RECORD_UNREADABLE', `${replayFoundKey(id)} cannot be read (${checked.error.message}); its contacts are left out of this replay`);
  return [];
}
