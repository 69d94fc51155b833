import type { OfferedContact } from '../../src/core/types';
import { addContacts, BUCKETS, emptyVolume, pruneVolume, volumeView, type RecentVolume } from '../../src/delivery/accounting/recent-volume';
import { countSent, newState } from '../../src/delivery/commit/state';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-21T10:40:00Z');

function contact(queueIdentifier: string, timestamp: string, queueName = `${queueIdentifier} name`): OfferedContact {
  return { contactId: `t:${timestamp}`, queueIdentifier, queueName, timestamp, channel: 'cases' };
}

describe('recent volume (the status page chart)', () => {
  it('counts contacts per queue in the hour of their own timestamp', () => {
    const volume = addContacts(emptyVolume(NOW), [
      contact('q1', '2026-11-21T10:05:00Z'),
      contact('q1', '2026-11-21T10:59:59Z'),
      contact('q1', '2026-11-21T09:00:00Z'),
      contact('q2', '2026-11-20T11:00:00Z'),
    ], NOW);
    const view = volumeView(volume, NOW);

    expect(view.bucketMinutes).toBe(60);
    expect(view.starts[0]).toBe('2026-11-20T11:00:00.000Z');
    expect(view.starts[BUCKETS - 1]).toBe('2026-11-21T10:00:00.000Z');
    expect(view.queues.map((q) => [q.queueIdentifier, q.total])).toEqual([['q1', 3], ['q2', 1]]);
    expect(view.totals.at(-1)).toBe(2);
    expect(view.totals.at(-2)).toBe(1);
    expect(view.totals[0]).toBe(1);
    expect(view.totals.reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('leaves out contacts older than the window and draws a clock ahead of ours in the newest hour', () => {
    const volume = addContacts(emptyVolume(NOW), [contact('q', '2026-11-20T10:59:59Z'), contact('q', '2026-11-21T12:30:00Z'), contact('q', 'not a time')], NOW);
    expect(volumeView(volume, NOW).totals.at(-1)).toBe(1);
    expect(volumeView(volume, NOW).queues[0]?.total).toBe(1);
  });

  it('slides with time: a busy evening still shows the next morning, and is gone 24 hours later', () => {
    const evening = Date.parse('2026-11-20T22:30:00Z');
    const volume = addContacts(emptyVolume(evening), Array.from({ length: 4436 }, () => contact('q', '2026-11-20T22:10:00Z')), evening);
    const morning = volumeView(volume, Date.parse('2026-11-21T07:00:00Z'));
    expect(morning.queues[0]?.total).toBe(4436);
    expect(morning.totals[morning.starts.indexOf('2026-11-20T22:00:00.000Z')]).toBe(4436);
    expect(volumeView(volume, Date.parse('2026-11-21T22:00:00Z')).queues).toEqual([]);
  });

  it('keeps the latest name of a queue and sorts queues by name', () => {
    let volume = addContacts(emptyVolume(NOW), [contact('b', '2026-11-21T10:00:00Z', 'Zeta'), contact('a', '2026-11-21T10:00:00Z', 'Alpha')], NOW);
    volume = addContacts(volume, [contact('b', '2026-11-21T10:01:00Z', 'Beta')], NOW);
    expect(volumeView(volume, NOW).queues.map((q) => q.queueName)).toEqual(['Alpha', 'Beta']);
  });

  it('never changes the record it is given', () => {
    const before: RecentVolume = addContacts(emptyVolume(NOW), [contact('q', '2026-11-21T10:00:00Z')], NOW);
    const copy = JSON.stringify(before);
    addContacts(before, [contact('q', '2026-11-21T10:00:00Z')], NOW);
    pruneVolume(before, NOW + 5 * HOUR);
    expect(JSON.stringify(before)).toBe(copy);
    expect(pruneVolume(before, NOW)).toBe(before);
  });

  it('stays small in the state record for a realistic account: 60 queues busy all day', () => {
    const queues = Array.from({ length: 60 }, (_, i) => ({
      id: `freshdesk/${100_000 + i}/${(i % 12) + 1}/${i % 2 === 0 ? 'tickets' : 'replies'}`,
      name: `Customer Service Group ${i} whatsapp business ${i % 2 === 0 ? 'Tickets' : 'Replies'}`,
    }));
    const contacts: OfferedContact[] = [];
    // 60 queues × 24 hours with up to 120 contacts an hour: three-digit counts everywhere.
    for (const [qi, q] of queues.entries()) for (let h = 0; h < 24; h += 1) {
      const n = 100 + ((qi * 7 + h * 13) % 21);
      for (let k = 0; k < n; k += 1) contacts.push(contact(q.id, new Date(NOW - h * HOUR).toISOString(), q.name));
    }
    const volume = addContacts(emptyVolume(NOW), contacts, NOW);
    const bytes = JSON.stringify(volume).length;
    const state = newState(NOW);
    state.health.recent = volume;
    // Printed for the report and docs/measurements.md; the bound is what the 40 KB KV limit leaves room for.
    console.log(`recent volume, 60 queues × 24 h: ${bytes} bytes; whole fresh state record with it: ${JSON.stringify(state).length} bytes`);
    expect(bytes).toBeLessThan(14_000);
    expect(volumeView(volume, NOW).totals.reduce((a, b) => a + b, 0)).toBe(contacts.length);
  });

  it('is what a delivery run counts into, and replaces the per-day tally of older state records', () => {
    const state = newState(NOW - HOUR);
    Object.assign(state.health, { today: { day: '2026-11-20', perQueue: { q: { name: 'Q', offered: 14 } } } });
    countSent(state.health, [contact('q', '2026-11-21T10:01:00Z'), contact('q', '2026-11-21T09:59:00Z')], NOW);
    expect('today' in state.health).toBe(false);
    expect(state.health.sentTotal).toBe(2);
    expect(volumeView(state.health.recent, NOW).totals.slice(-2)).toEqual([1, 1]);
  });
});
