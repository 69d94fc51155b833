import type { OfferedContact } from '../../src/core/types';
import { injixoBodyFrom, validateInjixoBody } from '../../src/schemas/injixo-body';

/** The example of SPEC §3, with rule 10's id-only identifier. */
const specExample = {
  data: [
    {
      properties: { offered: true },
      queueName: 'CustomerService email Tickets',
      queueIdentifier: 'freshdesk/42/1/tickets',
      timestamp: '2026-11-21T10:34:22Z',
      channel: 'cases',
    },
  ],
  meta: { integrationConfigurationId: 1234 },
};

function withEvent(overrides: Record<string, unknown>): unknown {
  return JSON.parse(JSON.stringify({ data: [specExample.data[0], { ...specExample.data[0], ...overrides }] }));
}

describe('validateInjixoBody', () => {
  it('accepts the SPEC §3 example', () => {
    expect(validateInjixoBody(specExample)).toEqual({ ok: true, value: specExample });
  });

  it.each([[{ offered: false, handled: true, duration: 1260 }], [{ offered: false, handled: true }]])('accepts a handled contact %j (issue 14)', (properties) => {
    expect(validateInjixoBody(withEvent({ properties }))).toMatchObject({ ok: true });
  });

  it('accepts a body without meta', () => {
    expect(validateInjixoBody({ data: specExample.data })).toMatchObject({ ok: true });
  });

  it.each([
    ['Unknown group/source Replies', 'freshdesk/unknown/unknown/replies'],
    ['Unknown group/source Tickets', 'freshdesk/unknown/unknown/tickets'],
    ['No group feedback widget Tickets', 'freshdesk/none/9/tickets'],
    ['Group 99 source 999 Replies', 'freshdesk/99/999/replies'],
    ['CustomerService whatsapp business Tickets', 'freshdesk/42/101/tickets'],
  ])('accepts the queue %j / %j', (queueName, queueIdentifier) => {
    expect(validateInjixoBody(withEvent({ queueName, queueIdentifier }))).toMatchObject({ ok: true });
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['an extra field', { handled: true }, 'data.1.handled', 'data.1.handled is not allowed here.'],
    ['an extra property', { properties: { offered: true, handled: true } }, 'data.1.properties.handled', 'data.1.properties.handled is not allowed here.'],
    ['offered false and not handled', { properties: { offered: false } }, 'data.1.properties.handled', 'data.1.properties.handled is required but missing.'],
    ['a duration on an offered contact', { properties: { offered: true, duration: 60 } }, 'data.1.properties.duration', 'data.1.properties.duration is not allowed here.'],
    ['handled false', { properties: { offered: false, handled: false } }, 'data.1.properties.handled', 'data.1.properties.handled must be true.'],
    ['a negative duration', { properties: { offered: false, handled: true, duration: -5 } }, 'data.1.properties.duration', 'data.1.properties.duration must be >= 0.'],
    ['a fractional duration', { properties: { offered: false, handled: true, duration: 1.5 } }, 'data.1.properties.duration', 'data.1.properties.duration must be an integer.'],
    ['no offered flag', { properties: {} }, 'data.1.properties.offered', 'data.1.properties.offered is required but missing.'],
    ['another channel', { channel: 'email' }, 'data.1.channel', 'data.1.channel must be "cases".'],
    ['no channel', { channel: undefined }, 'data.1.channel', 'data.1.channel is required but missing.'],
    ['a timestamp with an offset', { timestamp: '2026-11-21T11:34:22+01:00' }, 'data.1.timestamp', 'data.1.timestamp must be a UTC time like 2026-11-21T10:34:22Z.'],
    ['a timestamp with milliseconds', { timestamp: '2026-11-21T10:34:22.000Z' }, 'data.1.timestamp', 'data.1.timestamp must be a UTC time like 2026-11-21T10:34:22Z.'],
    ['a numeric timestamp', { timestamp: 1795000000 }, 'data.1.timestamp', 'data.1.timestamp must be a string.'],
    ['a queue name with a double space', { queueName: 'CustomerService  email Tickets' }, 'data.1.queueName', 'data.1.queueName must be words separated by single spaces, ending in Tickets or Replies.'],
    ['a queue name of another kind', { queueName: 'CustomerService email Calls' }, 'data.1.queueName', 'data.1.queueName must be words separated by single spaces, ending in Tickets or Replies.'],
    ['an empty queue name', { queueName: '' }, 'data.1.queueName', 'data.1.queueName must be words separated by single spaces, ending in Tickets or Replies.'],
    ['a queue identifier with a group name in it', { queueIdentifier: 'freshdesk/CustomerService/1/tickets' }, 'data.1.queueIdentifier', 'data.1.queueIdentifier must be freshdesk/<group id|none>/<ticket source id>/<tickets|replies> or freshdesk/unknown/unknown/<tickets|replies>.'],
    ['a queue identifier with a source slug (the old form)', { queueIdentifier: 'freshdesk/42/email/tickets' }, 'data.1.queueIdentifier', 'data.1.queueIdentifier must be freshdesk/<group id|none>/<ticket source id>/<tickets|replies> or freshdesk/unknown/unknown/<tickets|replies>.'],
    ['a queue identifier with an empty source', { queueIdentifier: 'freshdesk/42//tickets' }, 'data.1.queueIdentifier', 'data.1.queueIdentifier must be freshdesk/<group id|none>/<ticket source id>/<tickets|replies> or freshdesk/unknown/unknown/<tickets|replies>.'],
    ['a queue identifier with a negative source id', { queueIdentifier: 'freshdesk/42/-1/tickets' }, 'data.1.queueIdentifier', 'data.1.queueIdentifier must be freshdesk/<group id|none>/<ticket source id>/<tickets|replies> or freshdesk/unknown/unknown/<tickets|replies>.'],
    ['a known group with an unknown source', { queueIdentifier: 'freshdesk/42/unknown/tickets' }, 'data.1.queueIdentifier', 'data.1.queueIdentifier must be freshdesk/<group id|none>/<ticket source id>/<tickets|replies> or freshdesk/unknown/unknown/<tickets|replies>.'],
    ['an unknown group with a known source', { queueIdentifier: 'freshdesk/unknown/1/replies' }, 'data.1.queueIdentifier', 'data.1.queueIdentifier must be freshdesk/<group id|none>/<ticket source id>/<tickets|replies> or freshdesk/unknown/unknown/<tickets|replies>.'],
    ['a queue identifier of another kind', { queueIdentifier: 'freshdesk/42/1/calls' }, 'data.1.queueIdentifier', 'data.1.queueIdentifier must be freshdesk/<group id|none>/<ticket source id>/<tickets|replies> or freshdesk/unknown/unknown/<tickets|replies>.'],
    ['a test queue identifier', { queueIdentifier: 'test/42/1/tickets' }, 'data.1.queueIdentifier', 'data.1.queueIdentifier must be freshdesk/<group id|none>/<ticket source id>/<tickets|replies> or freshdesk/unknown/unknown/<tickets|replies>.'],
  ])('refuses an event with %s, naming the field', (_case, overrides, field, message) => {
    expect(validateInjixoBody(withEvent(overrides))).toEqual({ ok: false, error: { field, message } });
  });

  it.each<[string, unknown, string, string]>([
    ['no data', { meta: specExample.meta }, 'data', 'data is required but missing.'],
    ['an empty data list', { data: [] }, 'data', 'data must have at least 1 item.'],
    ['data that is not a list', { data: specExample.data[0] }, 'data', 'data must be an array.'],
    ['an extra top-level field', { ...specExample, dryRun: true }, 'dryRun', 'dryRun is not allowed here.'],
    ['a null meta', { data: specExample.data, meta: null }, 'meta', 'meta must be an object.'],
    ['an empty meta', { data: specExample.data, meta: {} }, 'meta.integrationConfigurationId', 'meta.integrationConfigurationId is required but missing.'],
    ['a string integration id', { data: specExample.data, meta: { integrationConfigurationId: '1234' } }, 'meta.integrationConfigurationId', 'meta.integrationConfigurationId must be an integer.'],
    ['a zero integration id', { data: specExample.data, meta: { integrationConfigurationId: 0 } }, 'meta.integrationConfigurationId', 'meta.integrationConfigurationId must be >= 1.'],
    ['an extra meta field', { data: specExample.data, meta: { integrationConfigurationId: 1, tenant: 'x' } }, 'meta.tenant', 'meta.tenant is not allowed here.'],
    ['a body that is a list', specExample.data, 'body', 'body must be an object.'],
  ])('refuses a body with %s, naming the field', (_case, input, field, message) => {
    expect(validateInjixoBody(input)).toEqual({ ok: false, error: { field, message } });
  });
});

describe('injixoBodyFrom', () => {
  const contacts: OfferedContact[] = [
    { contactId: 't:165', queueName: 'CustomerService email Tickets', queueIdentifier: 'freshdesk/42/1/tickets', timestamp: '2026-11-21T10:34:22Z', channel: 'cases' },
    { contactId: 'c:5', queueName: 'Unknown group/source Replies', queueIdentifier: 'freshdesk/unknown/unknown/replies', timestamp: '2026-11-21T11:00:00Z', channel: 'cases' },
  ];

  it('builds the SPEC §3 body, leaving out the contact ids', () => {
    const body = injixoBodyFrom(contacts.slice(0, 1), 1234);
    expect(body).toEqual(specExample);
    expect(validateInjixoBody(body)).toMatchObject({ ok: true });
  });

  it('sends a handled contact as its own event, with its duration only when time was logged', () => {
    const handled: OfferedContact[] = [
      { ...contacts[0]!, contactId: 'h:165', handled: true, duration: 1260 },
      { ...contacts[0]!, contactId: 'h:166', handled: true },
    ];
    const body = injixoBodyFrom([contacts[0]!, ...handled]);
    expect(body.data.map((e) => e.properties)).toEqual([{ offered: true }, { offered: false, handled: true, duration: 1260 }, { offered: false, handled: true }]);
    expect(validateInjixoBody(body)).toMatchObject({ ok: true });
  });

  it('sends meta only when an integration id is set', () => {
    const body = injixoBodyFrom(contacts);
    expect(body).toEqual({ data: [expect.objectContaining({ queueName: 'CustomerService email Tickets' }), expect.objectContaining({ queueName: 'Unknown group/source Replies' })] });
    expect('meta' in body).toBe(false);
    expect(validateInjixoBody(body)).toMatchObject({ ok: true });
  });
});
