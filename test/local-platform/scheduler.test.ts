/**
 * Rule 4 — `$schedule`. Sources: architecture/scheduled_events_doc.md (create/fetch/update/delete,
 * name/data/schedule_at/repeat, recurring minimum 5 minutes) and developers.freshworks.com
 * "Scheduled events" (1000 one-time + 1 recurring per installation, data ≤ 4 KB); the fired
 * payload has the shape of server/test_data/common/onScheduledEvent.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ManualClock, systemClock } from '../../tools/clock';
import { LocalPlatform } from '../../tools/local-platform';
import { manifestWith, removeApps, writeApp } from './helpers';

afterEach(removeApps);

const START = Date.UTC(2026, 10, 2);
const at = (minutes: number): string => new Date(START + minutes * 60_000).toISOString();

async function load(handlerBody = `console.log(JSON.stringify(args.data));`, fidelity: { minScheduleLeadMs?: number } = {}) {
  const clock = new ManualClock(START);
  const platform = await LocalPlatform.load({
    appDir: writeApp({
      manifest: manifestWith({ common: ['onScheduledEvent'], product: ['onTicketCreate'] }),
      server: `exports = {
        onTicketCreateHandler: async function (args) {
          try { return { ok: await $schedule[args.data.op](args.data.spec) }; } catch (e) { return { err: e }; }
        },
        onScheduledEventHandler: async function (args) { ${handlerBody} }
      };`,
    }),
    iparams: { k: 'v' },
    clock,
    fidelity,
  });
  return { platform, schedule: platform.globals().schedule, clock };
}

describe('$schedule', () => {
  it('creates, fetches, updates and deletes a schedule from server.js', async () => {
    const { platform } = await load();
    const call = async (op: string, spec: unknown) => (await platform.trigger('onTicketCreate', { op, spec })).value;
    expect(await call('create', { name: 'sync', data: { n: 1 }, schedule_at: at(10) })).toEqual({ ok: { status: 200, message: 'Schedule created successfully' } });
    expect(await call('fetch', { name: 'sync' })).toEqual({ ok: { name: 'sync', data: { n: 1 }, schedule_at: at(10) } });
    expect(await call('update', { name: 'sync', data: { n: 2 }, schedule_at: at(20), repeat: { time_unit: 'hours', frequency: 1 } })).toEqual({
      ok: { status: 200, message: 'Schedule updated successfully' },
    });
    expect(await call('fetch', { name: 'sync' })).toEqual({ ok: { name: 'sync', data: { n: 2 }, schedule_at: at(20), repeat: { time_unit: 'hours', frequency: 1 } } });
    expect(await call('delete', { name: 'sync' })).toEqual({ ok: { status: 200, message: 'Schedule deleted successfully' } });
    expect(await call('fetch', { name: 'sync' })).toEqual({ err: { status: 404, message: 'Schedule not found' } });
    expect(platform.ledger.filter((e) => e.kind === 'schedule').map((e) => `${e.op}:${e.key}:${e.outcome}`)).toEqual([
      'create:sync:ok', 'fetch:sync:ok', 'update:sync:ok', 'fetch:sync:ok', 'delete:sync:ok', 'fetch:sync:error',
    ]);
  });

  it.each([
    ['a missing name', { data: {}, schedule_at: at(5) }, 400, 'Schedule name is required and must be a non-empty string'],
    ['data that is not an object', { name: 'a', data: 'x', schedule_at: at(5) }, 400, 'Schedule data must be a JSON object'],
    ['data over 4 KB', { name: 'a', data: { x: 'y'.repeat(4096) }, schedule_at: at(5) }, 400, 'Schedule data must not exceed 4 KB'],
    ['an unparsable schedule_at', { name: 'a', data: {}, schedule_at: 'soon' }, 400, 'schedule_at must be an ISO-8601 date-time'],
    ['a schedule_at in the past', { name: 'a', data: {}, schedule_at: at(0) }, 400, 'schedule_at must be a time in the future'],
    ['a repeat under 5 minutes', { name: 'a', data: {}, schedule_at: at(5), repeat: { time_unit: 'minutes', frequency: 4 } }, 400, 'A recurring schedule must not repeat more often than every 5 minutes'],
    ['an unknown time_unit', { name: 'a', data: {}, schedule_at: at(5), repeat: { time_unit: 'weeks', frequency: 1 } }, 400, 'repeat.time_unit must be one of minutes, hours, days'],
    ['a fractional frequency', { name: 'a', data: {}, schedule_at: at(5), repeat: { time_unit: 'hours', frequency: 1.5 } }, 400, 'repeat.frequency must be a positive integer'],
  ])('rejects create with %s', async (_what, spec, status, message) => {
    const { schedule } = await load();
    await expect(schedule.create(spec)).rejects.toEqual({ status, message });
  });

  it('rejects a duplicate name, a second recurring schedule and the 1001st one-time schedule', async () => {
    const { schedule, platform } = await load();
    await schedule.create({ name: 'r1', data: {}, schedule_at: at(5), repeat: { time_unit: 'minutes', frequency: 5 } });
    await expect(schedule.create({ name: 'r1', data: {}, schedule_at: at(5) })).rejects.toEqual({ status: 409, message: "A schedule named 'r1' already exists" });
    await expect(schedule.create({ name: 'r2', data: {}, schedule_at: at(5), repeat: { time_unit: 'days', frequency: 1 } })).rejects.toEqual({
      status: 400, message: 'Only one recurring schedule is allowed per installation',
    });
    for (let i = 0; i < 1000; i += 1) await schedule.create({ name: `once-${i}`, data: {}, schedule_at: at(5) });
    await expect(schedule.create({ name: 'once-1000', data: {}, schedule_at: at(5) })).rejects.toEqual({
      status: 400, message: 'At most 1000 one-time schedules are allowed per installation',
    });
    // Updating the recurring one in place is not a second recurring schedule.
    await expect(schedule.update({ name: 'r1', data: {}, schedule_at: at(9), repeat: { time_unit: 'hours', frequency: 2 } })).resolves.toMatchObject({ status: 200 });
    expect(platform.schedulesSnapshot()).toHaveLength(1001);
  });

  it('rejects update and delete of an unknown schedule with 404', async () => {
    const { schedule } = await load();
    await expect(schedule.update({ name: 'x', data: {}, schedule_at: at(5) })).rejects.toEqual({ status: 404, message: 'Schedule not found' });
    await expect(schedule.delete({ name: 'x' })).rejects.toEqual({ status: 404, message: 'Schedule not found' });
  });

  it('fires due schedules in time order when advance() passes them, removing one-time ones and re-arming the recurring one', async () => {
    // Minute-scale times keep the order readable; the 5-minute lead is tested on its own below.
    const { platform, schedule, clock } = await load(`console.log(args.data.tag + '@' + new Date(args.timestamp).toISOString());`, { minScheduleLeadMs: 0 });
    await schedule.create({ name: 'later', data: { tag: 'later' }, schedule_at: at(12) });
    await schedule.create({ name: 'every5', data: { tag: 'rec' }, schedule_at: at(5), repeat: { time_unit: 'minutes', frequency: 5 } });
    await schedule.create({ name: 'soon', data: { tag: 'soon' }, schedule_at: at(1) });
    const results = await platform.advance(15 * 60_000);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(platform.logs.map((l) => l.message)).toEqual([`soon@${at(1)}`, `rec@${at(5)}`, `rec@${at(10)}`, `later@${at(12)}`, `rec@${at(15)}`]);
    expect(clock.now()).toBe(START + 15 * 60_000);
    expect(platform.schedulesSnapshot()).toEqual([
      { name: 'every5', data: { tag: 'rec' }, schedule_at: at(5), repeat: { time_unit: 'minutes', frequency: 5 }, nextRunAt: START + 20 * 60_000 },
    ]);
  });

  it('passes the schedule data as args.data in the shape of the onScheduledEvent test payload', async () => {
    const { platform, schedule } = await load(`console.log(JSON.stringify(args));`, { minScheduleLeadMs: 0 });
    const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'server', 'test_data', 'common', 'onScheduledEvent.json'), 'utf8')) as Record<string, unknown>;
    await schedule.create({ name: 's', data: { ticket_id: 9 }, schedule_at: at(1) });
    await platform.advance(60_000);
    const args = JSON.parse(platform.logs[0]?.message ?? '{}') as Record<string, unknown>;
    for (const key of Object.keys(fixture)) expect(args).toHaveProperty(key);
    expect(args).toMatchObject({ event: 'onScheduledEvent', data: { ticket_id: 9 }, timestamp: START + 60_000, iparams: { k: 'v' }, domain: 'acme.freshdesk.com' });
  });

  it('awaits each scheduled handler, which may create the next schedule with the same name', async () => {
    const { platform, schedule } = await load(`
      if (args.data.left > 0) {
        await $schedule.create({ name: 'chain', data: { left: args.data.left - 1 }, schedule_at: new Date(args.timestamp + 5 * 60000).toISOString() });
      }`);
    await schedule.create({ name: 'chain', data: { left: 2 }, schedule_at: at(5) });
    expect(await platform.advance(15 * 60_000)).toHaveLength(3);
    expect(platform.schedulesSnapshot()).toEqual([]);
  });

  it('refuses a schedule_at less than 5 minutes after the call, one-time or recurring (SPEC §5), and takes exactly 5', async () => {
    const { schedule } = await load();
    const soon = new Date(START + 5 * 60_000 - 1).toISOString();
    await expect(schedule.create({ name: 'a', data: {}, schedule_at: soon })).rejects.toEqual({ status: 400, message: 'schedule_at must be at least 5 minutes from the current time' });
    await expect(schedule.create({ name: 'r', data: {}, schedule_at: at(1), repeat: { time_unit: 'minutes', frequency: 10 } })).rejects.toEqual({
      status: 400, message: 'schedule_at must be at least 5 minutes from the current time',
    });
    await expect(schedule.create({ name: 'b', data: {}, schedule_at: at(5) })).resolves.toMatchObject({ status: 200 });
    await expect(schedule.update({ name: 'b', data: {}, schedule_at: at(2) })).rejects.toMatchObject({ status: 400 });
  });

  it('accepts a sooner schedule_at when fidelity.minScheduleLeadMs relaxes it', async () => {
    const { schedule } = await load(undefined, { minScheduleLeadMs: 0 });
    await expect(schedule.create({ name: 'a', data: {}, schedule_at: at(1) })).resolves.toMatchObject({ status: 200 });
  });

  it('needs a ManualClock to advance', async () => {
    const platform = await LocalPlatform.load({
      appDir: writeApp({ server: 'exports = { onTicketCreateHandler: function () {} };' }),
      iparams: {},
      clock: systemClock,
    });
    await expect(platform.advance(1)).rejects.toThrow('local platform: advance() needs a ManualClock');
  });
});
