/**
 * What a run keeps after its post when the KV store refuses (commit/keep-unsent.ts): contacts it
 * could not keep become a gap (COMMIT_REFUSED); records it carries back to the outbox that are
 * not contacts (an agent's status change whose agents record could not be read) are said lost,
 * one by one, so support and the simulator know which agent's intervals are off.
 */
import { CARRY_PIECE_RECORDS, keepUnsent, MAX_CARRIED_RECORDS } from '../../src/delivery/commit/keep-unsent';
import { newState } from '../../src/delivery/commit/state';
import { type OutboxRecord, packRecord, readOutboxSlot, recordId, recordTime } from '../../src/delivery/intake/outbox';
import type { KeyValueStore } from '../../src/platform/types';
import { ManualClock } from '../../tools/clock';
import { LocalPlatform } from '../../tools/local-platform';
import { KV_MAX_ENTRY_BYTES } from '../../tools/local-platform/kv-store';

const T0 = Date.parse('2026-11-02T10:15:00Z');

function refusingStore(): KeyValueStore {
  const refuse = (): Promise<never> => Promise.reject(Object.assign(new Error('429 You have exceeded the limit of 50 requests per minute'), { status: 429 }));
  return { get: refuse, set: refuse, update: refuse, delete: refuse };
}

let errors: jest.SpyInstance;
beforeEach(() => {
  errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

// Simulator seed 61 (large): the run posted contacts, found the agents record refused (429) and
// carried agent 9's change back; the append of it was refused too, and the change vanished
// without a word — injixo kept agent 9 in no status for the rest of the day.
describe('an agent change carried back after a post, when the KV store refuses it', () => {
  const change: OutboxRecord = { k: 'a', change: { agentId: 48000001009, email: 'agent9@example.com', at: '2026-11-02T10:07:34Z', available: true } };

  it('is said lost (EVENT_LOST, with its record id), not dropped silently', async () => {
    const state = newState(T0);
    const lost = await keepUnsent(refusingStore(), state, { contacts: [], setAside: [], carry: [change], slot: 1 }, true);
    expect(lost).toBe(0);
    const said = errors.mock.calls.map((c) => String(c[0])).join('\n');
    expect(said).toMatch(/EVENT_LOST: onScheduledEvent a48000001009 could not be stored \(429 You have exceeded/);
    expect(said).not.toContain('COMMIT_REFUSED');
  });

  it('before any post, is left to the next run (the refusal is thrown; the outbox still holds it)', async () => {
    await expect(keepUnsent(refusingStore(), newState(T0), { contacts: [], setAside: [], carry: [change], slot: 1 }, false)).rejects.toThrow('429');
    expect(errors).not.toHaveBeenCalled();
  });
});

// The largest profile, installed on a running account: 2,222 replies of the first day to tickets
// from before the install wait for Freshdesk look-ups (10 a run). Carried back in one append they
// passed a key's 40 KB; the refusal came before the post, so it was thrown, and every run after
// it was refused the same way (npm run bench -- --check-only --only huge, 2026-12-07).
describe('records carried back to the outbox, more than one key holds', () => {
  const reply = (i: number): OutboxRecord => ({
    k: 'c',
    conversation: { id: 40_000_000_000 + i, ticket_id: 10_000_000_000 + i, source: 0, private: false, incoming: true, created_at: new Date(T0 - 86_400_000 + i * 1000).toISOString().replace('.000Z', 'Z') },
  });
  let platform: LocalPlatform;
  let db: KeyValueStore;
  beforeEach(async () => {
    platform = await LocalPlatform.load({ iparams: {}, clock: new ManualClock(T0), limits: { kvOpsPerMinute: 100_000, requestsPerMinute: 100_000 } });
    db = platform.globals().db as unknown as KeyValueStore;
  });
  afterEach(() => platform.close());

  it(`are kept in pieces of ${CARRY_PIECE_RECORDS} in the current slot and the next ones, every key under 40 KB`, async () => {
    const carry = Array.from({ length: MAX_CARRIED_RECORDS - 7 }, (_, i) => reply(i));
    expect(JSON.stringify(carry.map(packRecord)).length).toBeGreaterThan(KV_MAX_ENTRY_BYTES);
    expect(await keepUnsent(db, newState(T0), { contacts: [], setAside: [], carry, slot: 100 }, false)).toBe(0);
    const kept = await Promise.all([100, 101, 102, 103].map((slot) => readOutboxSlot(db, slot)));
    expect(kept.map((records) => records.length)).toEqual([CARRY_PIECE_RECORDS, CARRY_PIECE_RECORDS, CARRY_PIECE_RECORDS, CARRY_PIECE_RECORDS - 7]);
    expect(kept.flat().map(recordId)).toEqual(carry.map(recordId));
  });

  it(`beyond ${MAX_CARRIED_RECORDS}, give the oldest up as a gap with their count, said once (CARRY_GIVEN_UP), never silently`, async () => {
    const warnings = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const carry = Array.from({ length: MAX_CARRIED_RECORDS + 30 }, (_, i) => reply(i));
    const state = newState(T0);
    expect(await keepUnsent(db, state, { contacts: [], setAside: [], carry, slot: 100 }, true)).toBe(30);
    const kept = (await Promise.all([100, 101, 102, 103, 104].map((slot) => readOutboxSlot(db, slot)))).flat();
    expect(kept.map(recordId)).toEqual(carry.slice(30).map(recordId));
    expect(state.gaps).toEqual([expect.objectContaining({ reason: 'event_lost', contactsKnownLost: 30, from: new Date(recordTime(carry[0] as OutboxRecord)).toISOString().replace('.000Z', 'Z') })]);
    expect(state.health.dropped).toBe(30);
    expect(warnings.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('CARRY_GIVEN_UP'))).toHaveLength(1);
  });
});
