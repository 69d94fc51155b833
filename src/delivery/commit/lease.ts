import { isTooManyRequests } from '../../platform/refusals';
import type { KeyValueStore } from '../../platform/types';
import { LEASE_KEY } from '../../storage/keys';

/** A run lasts at most 20 s; a lease outliving that would only block the next run. */
export const LEASE_TTL_SECONDS = 25;

/**
 * 'taken': this run may work. 'busy': another run holds the lease. 'refused': the KV limit
 * refused the call — then no run may be under way at all, so the caller asks for one later
 * rather than wait a whole period.
 */
export type LeaseOutcome = 'taken' | 'busy' | 'refused';

/** Two runs must never read and send the same outbox: a conditional set is the lock. */
export async function takeLease(db: KeyValueStore, nowMs: number): Promise<LeaseOutcome> {
  try {
    await db.set(LEASE_KEY, { at: nowMs }, { setIf: 'not_exist', ttl: LEASE_TTL_SECONDS });
    return 'taken';
  } catch (error) {
    return isTooManyRequests(error) ? 'refused' : 'busy';
  }
}

/** Gives the lease back early (a writer that is done); its TTL frees it anyway. */
export async function releaseLease(db: KeyValueStore): Promise<void> {
  await db.delete(LEASE_KEY).catch(() => undefined);
}
