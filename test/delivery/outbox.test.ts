import { lastSettledSlot, type OutboxRecord, packRecord, slotOf, unpackRecord } from '../../src/delivery/intake/outbox';
import { eventTime } from '../../src/platform/event-time';
import { readSettings } from '../../src/schemas/iparams';
import { DELIVERY_PERIOD_MINUTES as SLOT_MINUTES } from '../../src/storage/keys';

describe('outbox records', () => {
  const records: OutboxRecord[] = [
    { k: 't', ticket: { id: 165, group_id: null, source: 3, spam: false, deleted: false, created_at: '2021-11-05T12:45:13Z' } },
    { k: 'u', ticket: { id: 205, group_id: 351, source: 101, spam: true, deleted: true, created_at: '2021-11-05T12:45:13Z' }, at: Date.parse('2021-11-07T08:00:01Z') },
    { k: 'c', conversation: { id: 5, ticket_id: 452, source: 0, private: false, incoming: true, created_at: '2021-11-10T09:50:59Z' } },
    { k: 'c', conversation: { id: 6, ticket_id: 452, source: 2, private: true, incoming: false, created_at: '2021-11-10T09:51:00Z' } },
    { k: 'u', ticket: { id: 206, group_id: 351, source: 1, spam: false, deleted: false, created_at: '2021-11-05T12:45:13Z' }, at: Date.parse('2021-11-07T08:00:01Z'), resolved: true },
    { k: 'e', entry: { id: 223162, ticketId: 171, seconds: 43920 }, at: Date.parse('2021-11-08T16:20:48Z') },
    { k: 'e', entry: { id: 223162, ticketId: 171 }, at: Date.parse('2021-11-08T16:30:48Z') },
    { k: 'a', change: { agentId: 48, email: 'jason@freshdesk.com', at: '2021-11-08T12:17:26Z', available: true } },
    { k: 'a', change: { agentId: 48, email: '', at: '2021-11-08T12:17:26Z', available: false, statusId: 12 } },
  ];

  it.each(records.map((r) => [r.k, r]))('round-trips a %s record through its packed form', (_kind, record) => {
    expect(unpackRecord(packRecord(record))).toEqual(record);
  });

  it('packs a record into well under 60 bytes of JSON (an agent record identified by email: its email more)', () => {
    for (const r of records) expect(JSON.stringify(packRecord(r)).length - (r.k === 'a' ? r.change.email.length : 0)).toBeLessThan(60);
  });

  it('normalises offsets to UTC when packing', () => {
    const packed = packRecord({ k: 't', ticket: { id: 1, group_id: 2, source: 1, spam: false, deleted: false, created_at: '2021-11-05T18:15:13+05:30' } });
    expect(unpackRecord(packed)).toMatchObject({ ticket: { created_at: '2021-11-05T12:45:13Z' } });
  });

  it('refuses to pack a record without a readable time', () => {
    expect(() => packRecord({ k: 't', ticket: { id: 1, group_id: 2, source: 1, spam: false, deleted: false, created_at: 'yesterday' } })).toThrow('not a timestamp: yesterday');
  });
});

describe('outbox slots', () => {
  it(`are ${SLOT_MINUTES} minutes wide`, () => {
    const t = Date.UTC(2026, 10, 21, 10, 0, 0);
    expect(slotOf(t + SLOT_MINUTES * 60_000 - 1)).toBe(slotOf(t));
    expect(slotOf(t + SLOT_MINUTES * 60_000)).toBe(slotOf(t) + 1);
  });

  it('are settled only once no handler can still append to them', () => {
    const slotStart = slotOf(Date.UTC(2026, 10, 21, 10, 7, 0)) * SLOT_MINUTES * 60_000;
    expect(lastSettledSlot(slotStart + 10_000)).toBe(slotOf(slotStart) - 2);
    expect(lastSettledSlot(slotStart + 30_000)).toBe(slotOf(slotStart) - 1);
  });
});

describe('settings', () => {
  const OFF = { handledContacts: false, agentStatuses: false, agentIdentifier: 'email', dailyCheck: true };

  it('defaults to customer replies, no integration id and both opt-in features off', () => {
    expect(readSettings(undefined)).toEqual({ replyScope: 'customer', integrationId: undefined, ...OFF });
  });

  it.each([
    [{ reply_scope: 'all_public', injixo_integration_id: 1234 }, { replyScope: 'all_public', integrationId: 1234, ...OFF }],
    [{ reply_scope: 'customer', injixo_integration_id: '77' }, { replyScope: 'customer', integrationId: 77, ...OFF }],
    [{ reply_scope: 'bogus', injixo_integration_id: '' }, { replyScope: 'customer', integrationId: undefined, ...OFF }],
    [{ injixo_integration_id: '12.5' }, { replyScope: 'customer', integrationId: undefined, ...OFF }],
    [{ injixo_integration_id: -3 }, { replyScope: 'customer', integrationId: undefined, ...OFF }],
    [{ handled_contacts: true, agent_statuses: true, agent_identifier: 'id' }, { replyScope: 'customer', integrationId: undefined, handledContacts: true, agentStatuses: true, agentIdentifier: 'id', dailyCheck: true }],
    // Issue 20: the daily check is on unless stored exactly false.
    [{ daily_check: false }, { replyScope: 'customer', integrationId: undefined, ...OFF, dailyCheck: false }],
    [{ daily_check: 'false' }, { replyScope: 'customer', integrationId: undefined, ...OFF }],
    // Anything but a real `true` keeps a feature off: what it sends can never be taken back.
    [{ handled_contacts: 'true', agent_statuses: 1, agent_identifier: 'name' }, { replyScope: 'customer', integrationId: undefined, ...OFF }],
  ])('reads %j', (iparams, expected) => {
    expect(readSettings(iparams)).toEqual(expected);
  });

  it('takes event time in seconds or milliseconds', () => {
    expect(eventTime(1636537859.6476798)).toBe(1636537859648);
    expect(eventTime(1496400354326)).toBe(1496400354326);
  });

  it('falls back to the clock when an event has no time', () => {
    const before = Date.now();
    expect(eventTime(undefined)).toBeGreaterThanOrEqual(before);
  });
});
