/**
 * The pure parts of issue 20's walk engine, on hand-made inputs: lanes and back-off
 * (walk-chain.ts), what the daily check walks next (check.ts), what the page shows of it
 * (check-view.ts), the uncertain hours' allowance (compare.ts), and the byte budgets of what the
 * check stores (check-days.ts, found-chunks.ts) at the largest profile.
 */
import { newState } from '../../src/delivery/commit/state';
import type { AppState } from '../../src/delivery/stored/stored-data';
import { CHECK_SETTLE_MS, firstCheckable, nextCheck, nextDayDue, pendingDays } from '../../src/import/check';
import { boundCheckDays, dayEntryOf, emptyCheckDays, gapKey, KEPT_DAYS, KEPT_GAPS, setDay, type CheckDays } from '../../src/import/check-days';
import { checkView } from '../../src/import/check-view';
import { partitionOf, uncertainAllowance } from '../../src/import/compare';
import { encodeFound, FOUND_PER_CHUNK, packFound } from '../../src/import/found-chunks';
import { newWalkRecord } from '../../src/import/in-app';
import type { FoundContact } from '../../src/import/replay-difference';
import { backoffMs, isExpectedLane, LANE_PERIOD_MS, laneToken, MAX_BACKOFF_MS, parseLaneToken, planLanes, planNewLanes, planRearm, stalledLanes, STALLED_AFTER_MS, WALK_LANES } from '../../src/import/walk-chain';
import { tidyMarks, withActive } from '../../src/import/walk-marks';
import { deliveryIsQuiet, wantsTending } from '../../src/import/tend';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-11-02T00:00:00Z');

describe('lanes of slices in flight', () => {
  it('read their tokens back, and take a token of the single-chain version as lane 0', () => {
    expect(parseLaneToken(laneToken('e17', 3, 2))).toEqual({ epoch: 'e17', lane: 3, gen: 2 });
    expect(parseLaneToken('import-1763721262000')).toEqual({ epoch: 'import-1763721262000', lane: 0, gen: 0 });
  });

  it('start staggered at least one lead apart, and a lane of another epoch or generation is not expected', () => {
    const record = newWalkRecord('acme.freshdesk.com', '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z', T0);
    const planned = planNewLanes(record, T0, T0, WALK_LANES);
    expect(planned.map((p) => p.at - T0)).toEqual([360_000, 421_000, 482_000, 543_000, 604_000, 665_000]);
    expect(isExpectedLane(record, { epoch: record.token, lane: 2, gen: 0 })).toBe(true);
    expect(isExpectedLane(record, { epoch: record.token, lane: 2, gen: 1 })).toBe(false);
    expect(isExpectedLane(record, { epoch: 'e0', lane: 2, gen: 0 })).toBe(false);
    expect(isExpectedLane({ ...record, state: 'paused' }, { epoch: record.token, lane: 2, gen: 0 })).toBe(false);
    expect(LANE_PERIOD_MS).toBeGreaterThanOrEqual(5 * 60_000);
  });

  it('are stalled once long overdue, unless the walk waits on purpose; a walk with no lane due lost lane 0', () => {
    const record = newWalkRecord('h', '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z', T0);
    planNewLanes(record, T0, T0, 2);
    expect(stalledLanes(record, T0 + 10 * 60_000)).toEqual([]);
    expect(stalledLanes(record, T0 + 8 * 60_000 + STALLED_AFTER_MS + 1)).toEqual([0, 1]);
    expect(stalledLanes({ ...record, notBefore: T0 + HOUR }, T0 + HOUR)).toEqual([]);
    planLanes(record, [{ lane: 0, gen: 0, at: 0 }, { lane: 1, gen: 0, at: 0 }]);
    expect(stalledLanes(record, T0 + DAY)).toEqual([0]);
    const rearmed = planRearm(record, T0 + DAY, [0]);
    expect(rearmed).toEqual([{ lane: 0, gen: 1, at: T0 + DAY + 360_000 }]);
    expect(stalledLanes({ ...record, state: 'done' }, T0 + 2 * DAY)).toEqual([]);
  });

  it('back off by doubling from one lane period up to an hour: never the same refused call every minute', () => {
    expect([1, 2, 3, 4, 5].map(backoffMs)).toEqual([366_000, 732_000, 1_464_000, 2_928_000, MAX_BACKOFF_MS]);
  });
});

describe('the walks marks in the state', () => {
  it('stay small: empty parts are left out, kinds listed once', () => {
    expect(tidyMarks(withActive(withActive({}, 'check', true), 'check', true))).toEqual({ a: ['check'] });
    expect(tidyMarks(withActive({ a: ['check'] }, 'check', false))).toBeUndefined();
    expect(JSON.stringify(tidyMarks({ a: ['check', 'import', 'replay'], c: 1_794_000_000_000, g: 1_794_000_000_000, s: `check:1794000000000:${'9'.repeat(20)}` })).length).toBeLessThan(160);
  });
});

function stateAt(nowMs: number, patch: Partial<AppState> = {}): AppState {
  return { ...newState(T0 - 60_000), cursor: Math.floor(nowMs / 600_000) - 2, ...patch };
}

describe('when the walks need a look after a delivery run (no KV call)', () => {
  it('is never for a quiet account before its first check is due, then at the due time once delivery is quiet', () => {
    const due = nextDayDue(T0);
    expect(due).toBe(T0 + DAY + CHECK_SETTLE_MS);
    expect(wantsTending(stateAt(due - 600_000), { dailyCheck: true }, due - 600_000)).toBe(false);
    expect(wantsTending(stateAt(due), { dailyCheck: true }, due)).toBe(true);
    const busy = stateAt(due, { backlog: { chunks: [{ id: 1, n: 150 }], next: 2 } });
    expect(deliveryIsQuiet(busy, due)).toBe(false);
    expect(wantsTending(busy, { dailyCheck: true }, due)).toBe(false);
    // Switched off: still once, to note the day as not checked.
    expect(wantsTending(busy, { dailyCheck: false }, due)).toBe(true);
  });

  it('watches an active walk every third delivery period, and looks at a gap recorded since the last look', () => {
    const now = T0 + 6 * HOUR;
    const active = (at: number): AppState => stateAt(at, { walk: { a: ['replay'], c: now + DAY } });
    const slots = [0, 1, 2].map((i) => now + i * 600_000);
    expect(slots.map((at) => wantsTending(active(at), { dailyCheck: true }, at)).filter(Boolean)).toHaveLength(1);
    const gap = { from: '2026-11-02T03:00:00.000Z', to: '2026-11-02T04:00:00.000Z', reason: 'backlog_full' as const };
    expect(wantsTending(stateAt(now, { walk: { c: now + DAY }, gaps: [gap] }), { dailyCheck: true }, now)).toBe(true);
    expect(wantsTending(stateAt(now, { walk: { c: now + DAY, g: Date.parse(gap.to) }, gaps: [gap] }), { dailyCheck: true }, now)).toBe(false);
  });
});

describe('what the daily check walks next', () => {
  const install = T0 + 9 * HOUR + 7 * 60_000 + 1234;
  const days = (...checked: string[]): CheckDays => ({ ...emptyCheckDays(), days: checked.map((d) => ({ d, s: 'checked' as const })) });

  it('the install day from the first whole interval after the install (events count from the install on), once settled', () => {
    expect(firstCheckable(install)).toBe(T0 + 9 * HOUR + 15 * 60_000);
    expect(nextCheck({ nowMs: T0 + DAY + CHECK_SETTLE_MS - 1, installedAtMs: install, days: days(), gaps: [] })).toBeUndefined();
    expect(nextCheck({ nowMs: T0 + DAY + CHECK_SETTLE_MS, installedAtMs: install, days: days(), gaps: [] })).toEqual({ from: T0 + 9 * HOUR + 15 * 60_000, to: T0 + DAY, scope: { day: '2026-11-02' } });
  });

  it('oldest unchecked day of the last 14 first; none before the install', () => {
    const now = T0 + 20 * DAY + 3 * HOUR;
    expect(pendingDays({ nowMs: now, installedAtMs: install, days: days() })).toHaveLength(14);
    expect(pendingDays({ nowMs: now, installedAtMs: install, days: days() })[0]).toBe('2026-11-08');
    expect(pendingDays({ nowMs: T0 + 3 * DAY + 3 * HOUR, installedAtMs: install, days: days('2026-11-02') })).toEqual(['2026-11-03', '2026-11-04']);
  });

  it('a recorded gap outside the days still to check before them, in whole intervals, at most 24 hours, resuming where a repair stopped', () => {
    const now = T0 + 3 * DAY + 3 * HOUR;
    const gap = { from: '2026-11-02T10:07:00.000Z', to: '2026-11-02T11:02:00.000Z', reason: 'event_lost' as const };
    const all = days('2026-11-02', '2026-11-03', '2026-11-04');
    expect(nextCheck({ nowMs: now, installedAtMs: install, days: all, gaps: [gap] })).toEqual({ from: T0 + 10 * HOUR, to: T0 + 11 * HOUR + 15 * 60_000, scope: { gaps: [gapKey(gap)] } });
    // Inside a day still to check: that day's check repairs it.
    expect(nextCheck({ nowMs: now, installedAtMs: install, days: days(), gaps: [gap] })?.scope).toEqual({ day: '2026-11-02' });
    expect(nextCheck({ nowMs: now, installedAtMs: install, days: { ...all, healed: [gapKey(gap)] }, gaps: [gap] })).toBeUndefined();
    const long = { from: '2026-11-02T10:00:00.000Z', to: '2026-11-04T10:00:00.000Z', reason: 'no_delivery_runs' as const };
    expect(nextCheck({ nowMs: now, installedAtMs: install, days: all, gaps: [long] })).toMatchObject({ from: T0 + 10 * HOUR, to: T0 + 34 * HOUR });
    expect(nextCheck({ nowMs: now, installedAtMs: install, days: { ...all, healed: [`${gapKey(long)}>2026-11-03T10:00:00Z`] }, gaps: [long] })).toMatchObject({ from: T0 + 34 * HOUR, to: T0 + 58 * HOUR });
  });
});

describe('the status page view of the daily check', () => {
  it('shows today, the 14 days before, each checked with its figures or why not', () => {
    const now = T0 + 5 * DAY + 6 * HOUR;
    const record = boundCheckDays({ ...emptyCheckDays(), days: [dayEntryOf('2026-11-05', { found: 10, alreadyDelivered: 8, sent: 2, surplus: 1, claimedElsewhere: 1, queues: [], moreQueues: 0, uncertainHours: ['2026-11-05T06'] }, now, 30)] });
    setDay(record, { d: '2026-11-04', s: 'not_checked', why: 'failed' });
    record.cost = { requests: 30, contacts: 10 };
    const view = checkView(record, undefined, { nowMs: now, installedAt: new Date(T0 + 2 * DAY).toISOString(), settings: { dailyCheck: true }, importWalks: false, replayWalks: false });
    expect(view.days).toHaveLength(15);
    expect(view.days.slice(0, 5)).toEqual([
      { day: '2026-11-07', status: 'today', dueAt: '2026-11-08T02:00:00.000Z' },
      // Settled since 02:00 and not checked yet: due now.
      { day: '2026-11-06', status: 'pending', dueAt: new Date(now).toISOString() },
      expect.objectContaining({ day: '2026-11-05', status: 'checked', found: 10, delivered: 8, sent: 2, surplus: 1, formerGroup: 1, uncertain: ['2026-11-05T06'] }),
      { day: '2026-11-04', status: 'not_checked', why: 'failed' },
      { day: '2026-11-03', status: 'not_checked', why: 'before_install' },
    ]);
    expect(view.cost).toEqual({ requestsPerDay: 30, perContact: 3 });
    const off = checkView(emptyCheckDays(), undefined, { nowMs: now, installedAt: new Date(T0).toISOString(), settings: { dailyCheck: false }, importWalks: false, replayWalks: false });
    expect(off.days[1]).toMatchObject({ status: 'not_checked', why: 'switched_off' });
    const importing = checkView(emptyCheckDays(), undefined, { nowMs: now, installedAt: new Date(T0).toISOString(), settings: { dailyCheck: true }, importWalks: true, replayWalks: false });
    expect(importing.days[1]).toMatchObject({ status: 'not_checked', why: 'import_running' });
  });
});

describe('what the check stores stays within its byte budget at the largest profile', () => {
  it('the days record: 16 days with uncertain hours and 40 gap keys stay under 8 KB', () => {
    const record: CheckDays = emptyCheckDays();
    for (let i = 0; i < 50; i += 1) {
      setDay(record, { ...dayEntryOf(new Date(T0 + i * DAY).toISOString().slice(0, 10), { found: 99_999, alreadyDelivered: 99_999, sent: 99_999, surplus: 99_999, claimedElsewhere: 99_999, queues: [], moreQueues: 0, uncertainHours: ['2026-11-05T00', '2026-11-05T06', '2026-11-05T12', '2026-11-05T18'] }, T0, 99_999), gx: 99_999 });
      record.healed.push(gapKey({ reason: 'ticket_events_missing', from: '2026-11-02T10:07:00.000Z', to: '2026-11-02T11:02:00.000Z' }) + `>2026-11-02T11:00:00.000Z${i}`);
    }
    record.cost = { requests: 999_999, contacts: 999_999 };
    const bounded = boundCheckDays(record);
    expect(bounded.days).toHaveLength(KEPT_DAYS);
    expect(bounded.healed).toHaveLength(KEPT_GAPS);
    expect(JSON.stringify(bounded).length).toBeLessThan(8 * 1024);
  });

  it('a found chunk of contacts from 300 queues with 11-digit ids and 100-character names stays under 40 KB with its key', () => {
    const contacts: FoundContact[] = Array.from({ length: 900 }, (_, i) => {
      const group = 48_000_000_000 + (i % 300);
      const queueIdentifier = `freshdesk/${group}/101/replies`;
      const contact = { contactId: `c:${40_000_000_000 + i}`, queueIdentifier, queueName: `${'G'.repeat(80)} ${i % 300} whatsapp business Replies`.slice(0, 100), timestamp: '2026-11-02T10:34:22Z', channel: 'cases' as const };
      return { contact, ticket: { id: 12_345_678_901 + i, group_id: group, source: 101, spam: true, deleted: true, created_at: '2026-11-02T10:00:00Z' }, conversationId: 40_000_000_000 + i };
    });
    const parts = packFound(contacts);
    expect(parts.flat()).toHaveLength(900);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(FOUND_PER_CHUNK);
      expect('check-found:99999'.length + JSON.stringify(encodeFound(part)).length).toBeLessThan(40 * 1024);
    }
  });
});

describe('the uncertain hours of the ledger', () => {
  const state = (patch: Partial<AppState>): AppState => ({ ...newState(T0), ...patch });

  it('send nothing where no gap says how many contacts may be missing, and only the excess where one does', () => {
    const uncertain = state({ ledger: { pending: {}, keptFrom: 0, uncertain: ['2026-11-02T06'] } });
    const none = uncertainAllowance(uncertain, T0, T0 + DAY);
    expect(none.hours).toEqual(['2026-11-02T06']);
    expect(none.sendable('q', '2026-11-02T07:00:00Z', 5)).toBe(0);
    expect(none.sendable('q', '2026-11-02T13:00:00Z', 5)).toBe(5);
    const counted = state({ ledger: { pending: {}, keptFrom: 0, uncertain: ['2026-11-02T06'] }, gaps: [{ from: '2026-11-02T07:00:00.000Z', to: '2026-11-02T08:00:00.000Z', reason: 'commit_refused', contactsMaybeLost: 2 }] });
    const some = uncertainAllowance(counted, T0, T0 + DAY);
    expect(some.sendable('q', '2026-11-02T07:00:00Z', 5)).toBe(3);
    expect(some.sendable('q', '2026-11-02T07:00:00Z', 1)).toBe(0);
  });

  it('partition a window by quarter hour, every queue of an interval in one', () => {
    const compare = { first: Math.floor(T0 / (6 * HOUR)) };
    expect(partitionOf(compare, '2026-11-02T00:00:00Z')).toBe(0);
    expect(partitionOf(compare, '2026-11-02T06:14:59Z')).toBe(24);
    expect(partitionOf(compare, '2026-11-02T23:59:59Z')).toBe(95);
  });
});
