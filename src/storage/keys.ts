/**
 * Every name the app keeps on the platform, in one place: key-value store keys, schedule names
 * and the delivery period they are built around. A newcomer (or a migration) finds here what
 * an installation holds; nothing else spells a key or a schedule name.
 *
 * KV keys are at most 60 characters (SPEC §5); every key below stays far under that.
 */

/**
 * The delivery period: one outbox key per period, and the recurring delivery schedule fires
 * once a period. Ten minutes keeps an outbox key under the 40 KB KV limit even when every one of
 * the 50 KV operations a minute is an append (500 × ~45 bytes), and halves the delivery runs'
 * fixed cost per contact compared with five (see the benchmark). The platform's minimum for a
 * recurring schedule is 5 minutes.
 */
export const DELIVERY_PERIOD_MINUTES = 10;

/** The delivery run's state: cursor, chunk lists, health, group directory (src/delivery/commit/state.ts). */
export const STATE_KEY = 'state';
/** Counters event handlers bump with one atomic `increment` (invalid payloads, lost events). */
export const COUNTERS_KEY = 'counters';
/** The account's bare Freshdesk host, saved by the set-up events for the SMI functions (src/remote/with-freshdesk-host.ts). */
export const FRESHDESK_HOST_KEY = 'freshdesk-host';
/**
 * Attributes of COUNTERS_KEY counting events lost in one 15-minute interval (name + interval
 * number): tickets and replies, and ticket updates (a lost update may misattribute replies).
 */
export const LOST_EVENTS_BUCKET_PREFIX = 'lost_';
export const LOST_UPDATES_BUCKET_PREFIX = 'lostu_';
/** The in-app initial import: its walk cursor, progress and pause state (src/import/in-app.ts). */
export const IMPORT_KEY = 'import';
/**
 * The import slice whose contacts are being handed over: its id and the cursor after it, written
 * before the commit that hands the contacts to the backlog, so a slice whose record save was
 * refused after that commit continues from exactly there (src/import/in-app.ts handOver).
 */
export const IMPORT_STEP_KEY = 'import-step';
/** The ticket ids that import has taken, as id ranges (src/import/taken-tickets.ts). */
export const IMPORT_TAKEN_KEY = 'import-taken';
/** A replay of a period by difference: its walk cursor, progress and result (src/import/replay.ts). */
export const REPLAY_KEY = 'replay';
/** The ticket ids that replay has taken, as id ranges (src/import/taken-tickets.ts). */
export const REPLAY_TAKEN_KEY = 'replay-taken';
/** What a replay's walk found, in numbered chunks, until it is compared with the ledger (src/import/replay.ts). */
export const REPLAY_FOUND_PREFIX = 'replay-found:';
/** The daily check's walk (issue 20, SPEC §10): its cursor, comparison and progress (src/import/check.ts). */
export const CHECK_KEY = 'check';
/** The ticket ids the daily check's walk has taken, as id ranges. */
export const CHECK_TAKEN_KEY = 'check-taken';
/** What the check's walk found, and its comparison's sorted parts, in numbered chunks (src/import/compare.ts). */
export const CHECK_FOUND_PREFIX = 'check-found:';
/** The last 14 days' check results and the gaps already repaired (src/import/check-days.ts). */
export const CHECK_DAYS_KEY = 'check-days';
/**
 * Held (25 s, never deleted) by the one invocation working on a walk: a slice of one of its lanes,
 * or the watchdog re-arming a lane (src/import/walk-chain.ts).
 */
export const WALK_LEASE_KEY = 'walk-lease';
/** Held by a delivery run while it works, so two runs never send the same outbox twice. */
export const LEASE_KEY = 'delivery-lease';
/** The backlog chunks a run is about to post, under its commit id (src/delivery/commit/in-flight.ts). */
export const IN_FLIGHT_KEY = 'in-flight';

/** One key per delivery period, appended to by event handlers (src/delivery/intake/outbox.ts). */
export const OUTBOX_PREFIX = 'outbox:';
/** Contacts waiting for injixo, in numbered chunks (src/delivery/commit/chunks.ts). */
export const BACKLOG_PREFIX = 'backlog:';
/** Contacts injixo refused as invalid, set aside with its reason (the key name is older than the word). */
export const SET_ASIDE_PREFIX = 'parked:';
/** What the app knows of each ticket, in shards of consecutive ids (src/delivery/memory/ticket-book.ts). */
export const TICKET_SHARD_PREFIX = 'tickets:';
/** Each ticket's logged time until its handled contact is sent (issue 14; src/delivery/memory/time-book.ts). */
export const TIME_SHARD_PREFIX = 'time:';
/** Agents' open statuses and the intervals injixo has not taken yet (issue 14; src/delivery/opt-in/agent-statuses.ts). */
export const AGENTS_KEY = 'agents';

/**
 * What was delivered to injixo, counted per queue and 15-minute interval, one key per six UTC
 * hours (src/delivery/accounting/ledger.ts): `ledger:2026-11-21T06`.
 */
export const LEDGER_PREFIX = 'ledger:';

/**
 * Ledger counts a commit froze that were too many to wait inside the state record
 * (src/delivery/accounting/ledger.ts): `ledger-out:<commit id>.<part>`.
 */
export const LEDGER_OUT_PREFIX = 'ledger-out:';
/** Maps that outgrew the state record, in shards (src/delivery/commit/spill.ts): `state-pins.0`, `state-groups.1`. */
export const SPILL_PREFIX = 'state-';

export type ChunkPrefix = typeof BACKLOG_PREFIX | typeof SET_ASIDE_PREFIX;

export function ledgerOutKey(commitId: number, part: number): string {
  return `${LEDGER_OUT_PREFIX}${commitId}.${part}`;
}

export function spillKey(section: 'pins' | 'groups', shard: number): string {
  return `${SPILL_PREFIX}${section}.${shard}`;
}

export function outboxKey(slot: number): string {
  return `${OUTBOX_PREFIX}${slot}`;
}

export function chunkKey(prefix: ChunkPrefix, id: number): string {
  return `${prefix}${id}`;
}

/** `hour` is the ISO hour a six-hour bucket starts at, `2026-11-21T06`. */
export function ledgerKey(hour: string): string {
  return `${LEDGER_PREFIX}${hour}`;
}

export function ticketShardKey(shard: number): string {
  return `${TICKET_SHARD_PREFIX}${shard}`;
}

export function timeShardKey(shard: number): string {
  return `${TIME_SHARD_PREFIX}${shard}`;
}

/**
 * The recurring delivery run (an installation may have exactly one recurring schedule). Its
 * `data.commit` carries a delivery run's bookkeeping when the KV store refused it after a
 * successful post (src/delivery/commit/hand-off.ts).
 */
export const DELIVERY_SCHEDULE = 'deliver';
/** A one-time extra delivery run when work remains; at most one is pending (names are unique). */
export const FOLLOW_UP_SCHEDULE = 'deliver-soon';
/** One-time schedules that carry an event record the KV store refused (its per-minute limit). */
export const HOLD_SCHEDULE_PREFIX = 'hold-';

export function holdScheduleName(recordId: string, nowMs: number): string {
  return `${HOLD_SCHEDULE_PREFIX}${recordId}-${nowMs}`;
}

/** One-time schedules that each run one slice of the initial import (src/import/in-app.ts). */
export const IMPORT_SCHEDULE_PREFIX = 'import-';

export function importScheduleName(nowMs: number): string {
  return `${IMPORT_SCHEDULE_PREFIX}${nowMs}`;
}

/** One-time schedules that each run one slice of a replay (src/import/replay.ts). */
export const REPLAY_SCHEDULE_PREFIX = 'replay-';

export function replayScheduleName(nowMs: number): string {
  return `${REPLAY_SCHEDULE_PREFIX}${nowMs}`;
}

export function replayFoundKey(id: number): string {
  return `${REPLAY_FOUND_PREFIX}${id}`;
}

/** One-time schedules that each run one slice of the daily check (src/import/check.ts). */
export const CHECK_SCHEDULE_PREFIX = 'check-';

export function checkScheduleName(nowMs: number): string {
  return `${CHECK_SCHEDULE_PREFIX}${nowMs}`;
}

export function checkFoundKey(id: number): string {
  return `${CHECK_FOUND_PREFIX}${id}`;
}

/**
 * One-time schedules for the walks' housekeeping (src/import/tend.ts): starting the daily check,
 * re-arming a lane, clearing a finished walk's mark. One name per delivery period, asked for by
 * that period's recurring run only, so no two are ever asked for under one name.
 */
export const WALK_TEND_SCHEDULE_PREFIX = 'walk-tend-';

export function walkTendScheduleName(slot: number): string {
  return `${WALK_TEND_SCHEDULE_PREFIX}${slot}`;
}

/** What a schedule's `data.kind` says it is for; src/delivery/stored/stored-data.ts narrows the rest. */
export const SCHEDULE_KINDS = { deliver: 'deliver', hold: 'hold', import: 'import', replay: 'replay', check: 'check', tend: 'tend', handOffPage: 'hand-off-page' } as const;
/** One-time schedules that hold what a handed-off commit could not carry in its 4 KB (commit/hand-off.ts). */
export const HAND_OFF_PAGE_PREFIX = 'hand-off-';

export function handOffPageName(commitId: number, index: number): string {
  return `${HAND_OFF_PAGE_PREFIX}${commitId}-${index}`;
}
/** A held record's schedule from before the word: still read (one-time schedules fire within minutes of an upgrade). */
export const LEGACY_HOLD_KIND = 'overflow';
