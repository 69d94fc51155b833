import type { OfferedContact } from '../../src/core/types';
import { MAX_BODY_BYTES, splitIntoBodies, utf8Length } from '../../src/remote/injixo-client';
import { injixoBodyFrom as toInjixoBody, validateInjixoBody } from '../../src/schemas/injixo-body';

function contact(i: number, queueName = 'CustomerService email Tickets'): OfferedContact {
  return { contactId: `t:${i}`, queueName, queueIdentifier: 'freshdesk/42/1/tickets', timestamp: '2026-11-21T10:34:22Z', channel: 'cases' };
}

describe('the injixo request body', () => {
  it('has the shape of SPEC §3, without handled, duration or the contact id', () => {
    expect(toInjixoBody([contact(1)], 1234)).toEqual({
      data: [{ properties: { offered: true }, queueName: 'CustomerService email Tickets', queueIdentifier: 'freshdesk/42/1/tickets', timestamp: '2026-11-21T10:34:22Z', channel: 'cases' }],
      meta: { integrationConfigurationId: 1234 },
    });
  });

  it('leaves meta out when no integration id is configured', () => {
    expect(toInjixoBody([contact(1)], undefined)).not.toHaveProperty('meta');
  });

  it('passes the outgoing schema', () => {
    expect(validateInjixoBody(toInjixoBody([contact(1), contact(2)], 7)).ok).toBe(true);
  });

  it('counts UTF-8 bytes like the wire does', () => {
    const samples = ['abc', 'Café', 'Kundenservice ü', '日本語', '😀 emoji'];
    for (const s of samples) expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });

  it('splits thousands of contacts into bodies under the limit, keeping every contact once and in order', () => {
    const contacts = Array.from({ length: 3000 }, (_, i) => contact(i, `Groupe Français ${i % 7} email Tickets`));
    const bodies = splitIntoBodies(contacts, 99);
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) expect(new TextEncoder().encode(JSON.stringify(toInjixoBody(body, 99))).length).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(bodies.flat().map((c) => c.contactId)).toEqual(contacts.map((c) => c.contactId));
  });

  it('gives a contact larger than the limit a body of its own', () => {
    const huge = contact(1, 'x'.repeat(500));
    expect(splitIntoBodies([contact(0), huge, contact(2)], undefined, 400)).toEqual([[contact(0)], [huge], [contact(2)]]);
  });

  it('makes no body for no contacts', () => {
    expect(splitIntoBodies([], undefined)).toEqual([]);
  });
});
