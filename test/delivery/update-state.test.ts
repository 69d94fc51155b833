/**
 * A writer of the state other than a delivery run (an import slice, a walk's marks, the check's
 * days) goes through updateState; when the KV limit refuses the lease it needs, the refusal is
 * said (invariant (f); small seed 3: a check's slice met a full minute and logged nothing).
 */
import { updateState } from '../../src/delivery/commit/commit';
import { newState, writeState } from '../../src/delivery/commit/state';
import type { KeyValueStore } from '../../src/platform/types';
import { LEASE_KEY } from '../../src/storage/keys';
import { ManualClock } from '../../tools/clock';
import { LocalPlatform } from '../../tools/local-platform';
import { handlers } from '../../src/entry/handlers';

const T0 = Date.parse('2026-11-02T09:00:00Z');

describe('a change of the state record whose lease the KV limit refuses', () => {
  it('is said (PLATFORM_LIMIT), changes nothing, and answers busy', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const platform = await LocalPlatform.load({ iparams: {}, clock: new ManualClock(T0), inProcessHandlers: handlers });
    const g = platform.globals();
    const db = g.db as unknown as KeyValueStore;
    await writeState(db, newState(T0), T0);
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the platform rejects with plain objects
    const refusing: KeyValueStore = { ...db, set: (key, value, options) => (key === LEASE_KEY ? Promise.reject({ status: 429, message: 'You have exceeded the limit of 50 requests per minute' }) : db.set(key, value, options)) };
    const change = jest.fn(() => Promise.resolve());
    expect(await updateState({ db: refusing, schedule: g.schedule as never }, T0, change)).toBe('busy');
    expect(change).not.toHaveBeenCalled();
    expect(warn.mock.calls.map((args) => String(args[0]))).toContainEqual(expect.stringContaining('PLATFORM_LIMIT: the KV limit refused the lease a change of the state record needs'));
  });
});
