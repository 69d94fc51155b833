/**
 * What a run keeps after its post when the KV store refuses (commit/keep-unsent.ts): contacts it
 * could not keep become a gap (COMMIT_REFUSED); records it carries back to the outbox that are
 * not contacts (an agent's status change whose agents record could not be read) are said lost,
 * one by one, so support and the simulator know which agent's intervals are off.
 */
import { keepUnsent } from '../../src/delivery/commit/keep-unsent';
import { newState } from '../../src/delivery/commit/state';
import type { OutboxRecord } from '../../src/delivery/intake/outbox';
import type { KeyValueStore } from '../../src/platform/types';

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
