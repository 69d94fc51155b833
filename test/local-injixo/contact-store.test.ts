import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContactStore, formatUtc, intervalStartOf } from '../../tools/local-injixo/contact-store';
import type { ContactEvent } from '../../tools/local-injixo/contact-events-schema';
import { contact } from './http-helpers';

const TICKETS = { queueIdentifier: 'freshdesk/42/1/tickets', queueName: 'CustomerService email Tickets' };
const REPLIES = { queueIdentifier: 'freshdesk/42/1/replies', queueName: 'CustomerService email Replies' };

describe('ContactStore', () => {
  let dir: string;
  let store: ContactStore;
  const insert = (data: ContactEvent[], requestId = 'r1', receivedAt = 0): number => store.insertRequest(requestId, receivedAt, { data });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-injixo-store-'));
    store = new ContactStore(path.join(dir, 'contacts.sqlite'));
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts offered contacts per queue and 15-minute UTC interval, floor-aligned', () => {
    insert([
      contact({ ...TICKETS, timestamp: '2026-11-21T10:00:00Z' }),
      contact({ ...TICKETS, timestamp: '2026-11-21T10:14:59.999Z' }),
      contact({ ...TICKETS, timestamp: '2026-11-21T10:15:00Z' }),
      contact({ ...REPLIES, timestamp: '2026-11-21T23:59:59Z' }),
      contact({ ...REPLIES, timestamp: '2026-11-21T23:50:00Z', properties: { offered: false } }),
    ]);
    expect(store.offeredPerQueueInterval()).toEqual([
      { ...REPLIES, intervalStart: '2026-11-21T23:45:00Z', offered: 1 },
      { ...TICKETS, intervalStart: '2026-11-21T10:00:00Z', offered: 2 },
      { ...TICKETS, intervalStart: '2026-11-21T10:15:00Z', offered: 1 },
    ]);
    expect(store.offeredPerQueueInterval(60)).toEqual([
      { ...REPLIES, intervalStart: '2026-11-21T23:00:00Z', offered: 1 },
      { ...TICKETS, intervalStart: '2026-11-21T10:00:00Z', offered: 3 },
    ]);
    expect(store.countsByQueueInterval()).toEqual(
      new Map([
        [REPLIES.queueIdentifier, new Map([['2026-11-21T23:45:00Z', 1]])],
        [TICKETS.queueIdentifier, new Map([['2026-11-21T10:00:00Z', 2], ['2026-11-21T10:15:00Z', 1]])],
      ]),
    );
    expect(store.total()).toBe(5);
  });

  it('leaves out an interval whose contacts were all not offered', () => {
    insert([contact({ properties: { offered: false } })]);
    expect(store.offeredPerQueueInterval()).toEqual([]);
    expect(store.queues()).toEqual([{ ...TICKETS, offered: 0 }]);
  });

  it('treats a renamed queue as a second queue, as injixo does, but counts it under one identifier', () => {
    insert([contact({ ...TICKETS }), contact({ ...TICKETS, queueName: 'Support email Tickets' })]);
    expect(store.queues()).toEqual([
      { ...TICKETS, offered: 1 },
      { queueIdentifier: TICKETS.queueIdentifier, queueName: 'Support email Tickets', offered: 1 },
    ]);
    expect(store.countsByQueueInterval().get(TICKETS.queueIdentifier)).toEqual(new Map([['2026-11-21T10:30:00Z', 2]]));
  });

  it('reports identical contacts received more than once, across requests, with how often', () => {
    insert([contact(), contact({ timestamp: '2026-11-21T10:40:00Z' })], 'r1');
    insert([contact()], 'r2');
    insert([contact()], 'r3');
    insert([contact({ channel: 'chats' })], 'r4');
    insert([contact({ queueName: 'Other name' })], 'r5');
    expect(store.duplicates()).toEqual([
      { queueIdentifier: TICKETS.queueIdentifier, timestamp: '2026-11-21T10:34:22Z', channel: 'cases', received: 3 },
    ]);
  });

  it('sees the same instant written with and without milliseconds as one contact', () => {
    insert([contact({ timestamp: '2026-11-21T10:34:22Z' }), contact({ timestamp: '2026-11-21T10:34:22.000Z' })]);
    expect(store.duplicates()).toEqual([
      { queueIdentifier: TICKETS.queueIdentifier, timestamp: '2026-11-21T10:34:22.000Z', channel: 'cases', received: 2 },
    ]);
  });

  it('reports no duplicates for distinct contacts', () => {
    insert([contact(), contact({ timestamp: '2026-11-21T10:34:23Z' })]);
    expect(store.duplicates()).toEqual([]);
  });

  it('stores a request all or nothing', () => {
    expect(() => insert([contact(), contact({ timestamp: 'not a time' })])).toThrow(/NOT NULL constraint failed: contacts.timestamp_ms/);
    expect(store.total()).toBe(0);
    expect(insert([contact()])).toBe(1);
  });

  it('empties on clear', () => {
    insert([contact(), contact()]);
    store.clear();
    expect(store.total()).toBe(0);
    expect(store.list()).toEqual([]);
  });

  it('keeps its contacts when the file is reopened', () => {
    insert([contact({ properties: { offered: true, handled: true, duration: 0 } })], 'r9', 1234);
    store.close();
    store = new ContactStore(path.join(dir, 'contacts.sqlite'));
    expect(store.list()).toEqual([
      expect.objectContaining({ requestId: 'r9', receivedAt: 1234, offered: true, handled: true, duration: 0, integrationId: null }),
    ]);
  });
});

describe('interval helpers', () => {
  it.each([
    ['2026-11-21T10:34:22Z', 15, '2026-11-21T10:30:00Z'],
    ['2026-11-21T10:45:00.000Z', 15, '2026-11-21T10:45:00Z'],
    ['2026-11-21T10:59:59.999Z', 60, '2026-11-21T10:00:00Z'],
  ])('floors %s to its %i-minute interval %s', (timestamp, minutes, start) => {
    expect(intervalStartOf(timestamp, minutes)).toBe(start);
  });

  it('uses 15-minute intervals unless told', () => {
    expect(intervalStartOf('2026-11-21T10:14:00Z')).toBe('2026-11-21T10:00:00Z');
  });

  it('formats clock milliseconds without a fraction', () => {
    expect(formatUtc(Date.UTC(2026, 10, 21, 10, 30))).toBe('2026-11-21T10:30:00Z');
  });
});
