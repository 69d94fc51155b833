/**
 * Issue 22's "is data flowing?" at a glance, pure: ages and the next run, the chart's scale,
 * today's figure beside the last 24 hours, queues by Freshdesk group, deleted groups apart from
 * renamed ones, commands cut between flags, the browser's copy of the status and its sentence.
 */
import { healthView } from '../helpers/health-view';
import { volumeView } from '../../src/delivery/accounting/recent-volume';
import { formatRelative } from '../../src/app/format';
import { asOfMs, isLimitRefusal, loadCachedStatus, platformNowFrom, saveStatus, statusCacheKey, type KeyValueStorage } from '../../src/app/status-cache';
import { axisTicks, busiestQueues, commandPieces, groupQueues, nextRunAt, runsOverdue, splitRenamed, todayFrom, zoneMidnight } from '../../src/app/status-glance';
import { actionsFor, describeHealth, describeStale, describeUnavailable, type StatusAnswer } from '../../src/app/status-model';
import { createTranslator } from '../../src/i18n/translate';

const en = createTranslator('en');
const fr = createTranslator('fr');
const NOW = Date.parse('2026-11-21T10:40:00Z');
const MIN = 60_000;

describe('ages and the next delivery run', () => {
  it.each([
    [-4 * MIN, 'en', '4 minutes ago'],
    [-20_000, 'en', 'this minute'],
    [-3 * 60 * MIN, 'en', '3 hours ago'],
    [-3 * 24 * 60 * MIN, 'en', '3 days ago'],
    [6 * MIN, 'en', 'in 6 minutes'],
    [-4 * MIN, 'fr', 'il y a 4 minutes'],
    [6 * MIN, 'fr', 'dans 6 minutes'],
  ] as const)('writes %p ms as "%s" in %s', (delta, locale, text) => {
    expect(formatRelative(delta, locale)).toBe(text);
  });

  const installed = { installedAt: '2026-11-21T08:00:00Z', lastSuccessAt: null, lastFailure: null };

  it('takes the server’s nextRunAt, else the last run plus 10 minutes, else the recurring schedule’s rhythm from the install', () => {
    expect(nextRunAt({ ...installed, nextRunAt: '2026-11-21T10:50:00Z' }, NOW)).toBe(Date.parse('2026-11-21T10:50:00Z'));
    expect(nextRunAt({ ...installed, lastRunAt: '2026-11-21T10:33:00Z' }, NOW)).toBe(Date.parse('2026-11-21T10:43:00Z'));
    // First run 6 minutes after the install, then every 10: 08:06, …, 10:36, 10:46.
    expect(nextRunAt(installed, NOW)).toBe(Date.parse('2026-11-21T10:46:00Z'));
    expect(nextRunAt(installed, Date.parse('2026-11-21T08:02:00Z'))).toBe(Date.parse('2026-11-21T08:06:00Z'));
  });

  it('calls runs overdue only when the server says when the last one was and it is over 25 minutes ago', () => {
    expect(runsOverdue({ ...installed, lastRunAt: '2026-11-21T10:10:00Z' }, NOW)).toBe(true);
    expect(runsOverdue({ ...installed, lastRunAt: '2026-11-21T10:30:00Z' }, NOW)).toBe(false);
    // A quiet night: the last success is old, but no run time is known.
    expect(runsOverdue({ ...installed, lastSuccessAt: '2026-11-21T02:00:00Z' }, NOW)).toBe(false);
  });

  it('shows an overdue run as a warning with the age of the last one, and a run due now as "due now"', () => {
    const view = { ...healthView({ installedAt: '2026-11-21T08:00:00Z' }), lastRunAt: '2026-11-21T10:00:00Z' } as StatusAnswer;
    const overdue = describeHealth(view, { t: en, locale: 'en', timeZone: 'UTC', nowMs: NOW }).facts.find((f) => f.id === 'nextRun');
    expect(overdue).toMatchObject({ value: 'overdue: no run for 40 minutes ago', tone: 'warning' });
    const due = describeHealth({ ...view, lastRunAt: '2026-11-21T10:30:10Z' }, { t: en, locale: 'en', timeZone: 'UTC', nowMs: NOW }).facts.find((f) => f.id === 'nextRun');
    expect(due?.value).toBe('due now');
  });
});

describe('the chart', () => {
  it.each([
    [0, [0, 1]],
    [7, [0, 2, 4, 6, 8]],
    [1000, [0, 500, 1000]],
    [1207, [0, 500, 1000, 1500]],
    [4436, [0, 2000, 4000, 6000]],
  ])('scales a highest bar of %p with round ticks %p', (max, ticks) => {
    expect(axisTicks(max)).toEqual(ticks);
  });

  it('gives each bar its hour range, and today’s figure since the admin’s midnight beside the last 24 hours, with why they differ', () => {
    const recent = volumeView({ hour: Math.floor(NOW / 3_600_000), queues: { 'freshdesk/42/1/tickets': { name: 'CustomerService email Tickets', counts: [...new Array<number>(11).fill(0), 5, ...new Array<number>(10).fill(0), 1000, 500] } } }, NOW);
    const model = describeHealth(healthView({ recent }), { t: en, locale: 'en', timeZone: 'Europe/Berlin', nowMs: NOW });
    expect(model.recent.ranges.slice(-1)).toEqual(['11:00–12:00']);
    expect(model.recent.last24).toBe('Last 24 hours: 1,505');
    // Midnight in Berlin is 23:00 UTC: the 5 at 22:00 UTC belong to yesterday.
    expect(model.recent.today).toBe('Today since 00:00 (Europe/Berlin): 1,500');
    expect(model.recent.explain).toContain('runs up to 21 Nov 2026, 12:00 (Europe/Berlin)');
    expect(model.recent.explain).toContain('from midnight to midnight');
  });

  it('finds the zone’s midnight', () => {
    expect(new Date(zoneMidnight(NOW, 'UTC')).toISOString()).toBe('2026-11-21T00:00:00.000Z');
    expect(new Date(zoneMidnight(NOW, 'America/New_York')).toISOString()).toBe('2026-11-21T05:00:00.000Z');
    expect(todayFrom(['2026-11-21T04:00:00Z', '2026-11-21T05:00:00Z'], [3, 4], NOW, 'America/New_York').count).toBe(4);
  });
});

describe('queues by Freshdesk group', () => {
  const queues = [
    { queueIdentifier: 'freshdesk/42/1/tickets', queueName: 'Customer Service email Tickets', total: 50 },
    { queueIdentifier: 'freshdesk/42/11/replies', queueName: 'Customer Service whatsapp business Replies', total: 5 },
    { queueIdentifier: 'freshdesk/7/1/tickets', queueName: 'Billing email Tickets', total: 70 },
    { queueIdentifier: 'freshdesk/7/11/tickets', queueName: 'Billing whatsapp business Tickets', total: 1 },
    { queueIdentifier: 'freshdesk/9/3/tickets', queueName: 'Returns phone Tickets', total: 2 },
    { queueIdentifier: 'freshdesk/none/1/tickets', queueName: 'No group email Tickets', total: 3 },
    { queueIdentifier: 'freshdesk/unknown/unknown/replies', queueName: 'Unknown group/source Replies', total: 4 },
  ];

  it('names each group from its queues (a source named in several groups is cut off), busiest group first, busiest queue first', () => {
    expect(groupQueues(queues).map((g) => [g.id, g.name, g.total, g.queues.map((q) => q.total)])).toEqual([
      ['7', 'Billing', 71, [70, 1]],
      ['42', 'Customer Service', 55, [50, 5]],
      ['unknown', 'Unknown group/source', 4, [4]],
      ['none', 'No group', 3, [3]],
      ['9', 'Returns', 2, [2]],
    ]);
  });

  it('lists the busiest queues first, at most as many as asked', () => {
    expect(busiestQueues(queues, 2).map((q) => q.total)).toEqual([70, 50]);
    expect(describeHealth(healthView(), { t: en, locale: 'en', timeZone: 'UTC', nowMs: NOW }).recent.busiest).toEqual([]);
  });

  it('lists deleted groups apart from renamed ones: a deleted group’s queues are named "Group <id>" now', () => {
    const renamed = [
      { queueIdentifier: 'freshdesk/7/1/replies', keptName: 'Technical Support email Replies', currentName: 'Product Support email Replies' },
      { queueIdentifier: 'freshdesk/48000000106/2/tickets', keptName: 'Returns portal Tickets', currentName: 'Group 48000000106 portal Tickets' },
      // A group really renamed to "Group 5" keeps its place among the renamed ones.
      { queueIdentifier: 'freshdesk/9/1/tickets', keptName: 'Sales email Tickets', currentName: 'Group 5 email Tickets' },
    ];
    expect(splitRenamed(renamed)).toEqual({ renamed: [renamed[0], renamed[2]], deleted: [renamed[1]] });
    const model = describeHealth(healthView({ renamedQueues: renamed }), { t: en, locale: 'en', timeZone: 'UTC', nowMs: NOW });
    expect(model.deleted).toEqual([{ identifier: 'freshdesk/48000000106/2/tickets', kept: 'Returns portal Tickets', group: '48000000106' }]);
    expect(model.renamed.map((r) => r.kept)).toEqual(['Technical Support email Replies', 'Sales email Tickets']);
  });
});

describe('what the page offers and says', () => {
  it('offers "Retry backlog now" only when something waits', () => {
    expect(actionsFor({ backlog: 0 })).toEqual(['test-connection', 'refresh']);
    expect(actionsFor({ backlog: 3 })).toEqual(['test-connection', 'retry-now', 'refresh']);
  });

  it('cuts a command between flags only, a flag with its value', () => {
    expect(commandPieces('npm run import -- --domain acme.freshdesk.com --from 2025-11-20 --to 2026-11-20T08:00:00Z --dry-run')).toEqual([
      'npm run import --', '--domain acme.freshdesk.com', '--from 2025-11-20', '--to 2026-11-20T08:00:00Z', '--dry-run',
    ]);
  });

  it('says who runs the history command and where the tool comes from, next to it', () => {
    const model = describeHealth({ ...healthView(), history: { cliCommand: 'npm run import -- --domain a.freshdesk.com --from 2025-11-20 --to 2026-11-20' } }, { t: en, locale: 'en', timeZone: 'UTC', nowMs: NOW });
    expect(model.history?.who).toContain('Who runs it:');
    expect(model.history?.who).toContain('source code');
    expect(model.history?.pieces).toHaveLength(4);
  });

  it('says "as of" with the snapshot’s time and age when the answer has one', () => {
    const model = describeHealth({ ...healthView(), asOf: '2026-11-21T10:30:00Z' }, { t: en, locale: 'en', timeZone: 'UTC', nowMs: NOW });
    expect(model.asOf).toBe('Status as of 21 Nov 2026, 10:30 (UTC) (10 minutes ago).');
    expect(describeHealth(healthView(), { t: en, locale: 'en', timeZone: 'UTC', nowMs: NOW }).asOf).toBeNull();
  });

  it('words a refused status plainly, with the copy’s time and age, never the platform’s message', () => {
    const text = describeStale(NOW - 3 * MIN, NOW, true, { t: en, locale: 'en', timeZone: 'UTC' });
    expect(text).toBe('The live status could not be read just now: Freshworks lets the app read its data only so often a minute, and delivery comes first. This is the status as of 21 Nov 2026, 10:37 (UTC) (3 minutes ago); press Refresh in a minute for a newer one.');
    expect(describeStale(NOW, NOW, false, { t: fr, locale: 'fr', timeZone: 'UTC' })).toContain('L’état en direct n’a pas pu être lu');
    expect(describeUnavailable(true, en)).toContain('Press Refresh in a minute.');
    expect(describeUnavailable(false, en)).not.toContain('exceeded');
  });
});

describe('the browser’s copy of the status', () => {
  function memoryStorage(): KeyValueStorage & { items: Map<string, string> } {
    const items = new Map<string, string>();
    return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) };
  }

  it('keeps one copy per installation and gives it back only when it is a status answer', () => {
    const storage = memoryStorage();
    const answer = { ...healthView(), answeredAt: '2026-11-21T10:40:00.000Z' };
    saveStatus(storage, statusCacheKey('acme.freshdesk.com'), { answer, receivedAt: 5_000 });
    expect(loadCachedStatus(storage, statusCacheKey('acme.freshdesk.com'))).toEqual({ answer, receivedAt: 5_000 });
    expect(loadCachedStatus(storage, statusCacheKey('other.freshdesk.com'))).toBeUndefined();
    storage.setItem(statusCacheKey('bad'), '{"receivedAt":1,"answer":{"state":"nonsense"}}');
    expect(loadCachedStatus(storage, statusCacheKey('bad'))).toBeUndefined();
    storage.setItem(statusCacheKey('broken'), '{');
    expect(loadCachedStatus(storage, statusCacheKey('broken'))).toBeUndefined();
    expect(loadCachedStatus(undefined, 'x')).toBeUndefined();
    expect(statusCacheKey('')).toBe('injixo-connect:status:v1:unknown-host');
  });

  it('survives a storage that refuses', () => {
    const refusing: KeyValueStorage = { getItem: () => { throw new Error('SecurityError'); }, setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(() => saveStatus(refusing, 'k', { answer: healthView(), receivedAt: 1 })).not.toThrow();
    expect(loadCachedStatus(refusing, 'k')).toBeUndefined();
  });

  it('dates the copy by the snapshot, else by the answer, else by its arrival, and moves the platform’s now on by the admin’s clock', () => {
    const base = { answer: healthView(), receivedAt: 1_000 };
    expect(asOfMs(base)).toBe(1_000);
    expect(asOfMs({ ...base, answer: { ...base.answer, answeredAt: '2026-11-21T10:40:00Z' } })).toBe(NOW);
    expect(asOfMs({ ...base, answer: { ...base.answer, asOf: '2026-11-21T10:30:00Z', answeredAt: '2026-11-21T10:40:00Z' } })).toBe(NOW - 10 * MIN);
    expect(platformNowFrom({ ...base, answer: { ...base.answer, answeredAt: '2026-11-21T10:40:00Z' } }, 61_000)).toBe(NOW + 60_000);
    expect(platformNowFrom(base, 61_000)).toBe(61_000);
    expect([429, 503, 500, undefined].map(isLimitRefusal)).toEqual([true, true, false, false]);
  });
});
