/**
 * Issue 20 item 1: a walk never starves delivery. The bench saw a walking daily check take a
 * 12,000-ticket account's delivery down at 60 events a minute (every contact of the hour late,
 * 979 refused ticket-book reads), which the same account carried with the check off. Now a walk
 * whose state shows delivery runs fallen behind the events, or event records the KV limit held,
 * reads nothing until they catch up and the limit has passed.
 */
import { newState } from '../../src/delivery/commit/state';
import { lastSettledSlot } from '../../src/delivery/intake/outbox';
import { DELIVERY_BEHIND_PERIODS, deliveryNeedsTheStore, WALK_PAUSE_AFTER_LIMIT_MS } from '../../src/import/in-app';
import type { ReplayView } from '../../src/import/replay';
import { LEASE_KEY } from '../../src/storage/keys';
import { startSandbox, type Sandbox } from '../../tools/sandbox';
import { extraCopies } from '../helpers/oracle-compare';
import { askReplay, status } from '../helpers/sandbox-calls';

const HOUR = 3_600_000;
const START = '2026-11-02T00:00:00Z';
const S = Date.parse(START);
const PERIOD_MS = 10 * 60_000;

const opened: Sandbox[] = [];
afterAll(async () => {
  for (const sandbox of opened) await sandbox.close();
});

/** A day of 2,000 tickets delivered by its events, the replies of 10:00–11:00 never delivered. */
async function day(): Promise<Sandbox> {
  const sandbox = await startSandbox({ start: START, inProcess: true, seed: 41, days: 1, ticketsPerDay: 2000 });
  opened.push(sandbox);
  await sandbox.replay(S, S + 14 * HOUR, { lost: (e) => e.at >= S + 10 * HOUR && e.at < S + 11 * HOUR && e.kind === 'conversationCreated' });
  await sandbox.settle(20);
  return sandbox;
}

function walkRequestsBetween(sandbox: Sandbox, from: number, to: number): number {
  return sandbox.platform.ledger.filter((e) => e.kind === 'request' && e.name === 'freshdeskImportTickets' && e.at >= from && e.at < to).length;
}

async function replayDone(sandbox: Sandbox): Promise<ReplayView | undefined> {
  for (let i = 0; i < 12 * 6; i += 1) {
    const replay = (await status(sandbox)).replay as ReplayView | undefined;
    if (replay?.state === 'done') return replay;
    await sandbox.platform.advance(10 * 60_000);
  }
  return (await status(sandbox)).replay as ReplayView | undefined;
}

describe('when a walk leaves the KV store to delivery', () => {
  const now = Date.parse('2026-11-02T12:03:00Z');
  const current = (): ReturnType<typeof newState> => Object.assign(newState(now), { cursor: lastSettledSlot(now) });

  it('reads while delivery is current and no event record was held', () => {
    expect(deliveryNeedsTheStore(current(), now)).toBeUndefined();
    expect(deliveryNeedsTheStore(Object.assign(current(), { cursor: lastSettledSlot(now) - DELIVERY_BEHIND_PERIODS }), now)).toBeUndefined();
  });

  it('waits as long as the pause while delivery runs are behind the events (a lane period each was a read a minute across the lanes)', () => {
    const state = Object.assign(current(), { cursor: lastSettledSlot(now) - DELIVERY_BEHIND_PERIODS - 1 });
    expect(deliveryNeedsTheStore(state, now)).toEqual({ why: 'delivery runs are 30 minutes behind the events', until: now + WALK_PAUSE_AFTER_LIMIT_MS });
  });

  it('pauses after a delivery run saw records the KV limit held, until the pause has passed since', () => {
    const heldAt = now - 5 * 60_000;
    expect(deliveryNeedsTheStore(Object.assign(current(), { lateFactsSeenAt: heldAt }), now)).toEqual({ why: 'the KV limit held event records 5 minutes ago', until: heldAt + WALK_PAUSE_AFTER_LIMIT_MS });
    expect(deliveryNeedsTheStore(Object.assign(current(), { lateFactsSeenAt: now - WALK_PAUSE_AFTER_LIMIT_MS }), now)).toBeUndefined();
  });
});

describe('a walk while delivery runs are behind the events', () => {
  it('reads nothing until delivery catches up, says why, and then finishes with what a walk without the wait sends', async () => {
    const clean = await day();
    await askReplay(clean, S + 6 * HOUR, S + 14 * HOUR);
    const cleanResult = (await replayDone(clean))?.result;
    expect(cleanResult?.sent).toBeGreaterThan(0);

    const sandbox = await day();
    await askReplay(sandbox, S + 6 * HOUR, S + 14 * HOUR);
    // Delivery runs cannot take their lease (the minute's KV operations are gone to event intake).
    sandbox.platform.refuseKvWhile((op, key) => op !== 'get' && key === LEASE_KEY);
    const refusedFrom = sandbox.clock.now();
    await sandbox.platform.advance(90 * 60_000);
    const refusedTo = sandbox.clock.now();
    // Within a few periods the cursor is behind and the walk stops reading.
    const behindFrom = refusedFrom + (DELIVERY_BEHIND_PERIODS + 2) * PERIOD_MS;
    expect(walkRequestsBetween(sandbox, behindFrom, refusedTo)).toBe(0);
    expect(sandbox.platform.logs.some((l) => l.at >= behindFrom && /IMPORT_WAITING: delivery runs are \d+ minutes behind the events; the replay reads nothing until \S+ so that delivery has the KV operations/.test(l.message))).toBe(true);
    sandbox.platform.refuseKvWhile(undefined);

    const replay = await replayDone(sandbox);
    await sandbox.settle(30);
    expect(walkRequestsBetween(sandbox, refusedTo, sandbox.clock.now())).toBeGreaterThan(0);
    expect(replay?.state).toBe('done');
    expect(replay?.result?.sent).toBe(cleanResult?.sent);
    expect(extraCopies(sandbox)).toBe(0);
  }, 600_000);
});
