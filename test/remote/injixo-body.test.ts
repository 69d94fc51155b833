import type { OfferedContact } from '../../src/core/types';
import type { RequestClient } from '../../src/platform/types';
import { buildBatches, halveBatch, MAX_BODY_BYTES, postBatch, utf8Length } from '../../src/remote/injixo-client';
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
    const batches = buildBatches(contacts, 99);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(new TextEncoder().encode(batch.json).length).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(batches.flatMap((b) => b.contacts).map((c) => c.contactId)).toEqual(contacts.map((c) => c.contactId));
  });

  it('serializes a batch exactly as its body object, the one the schema checks', () => {
    for (const integrationId of [undefined, 99]) {
      const [batch] = buildBatches([contact(1), contact(2, 'Groupe Français email Tickets')], integrationId);
      expect(batch?.json).toBe(JSON.stringify(batch?.body));
      expect(batch?.body).toEqual(toInjixoBody(batch?.contacts ?? [], integrationId));
    }
  });

  it('halves a batch into two batches that keep every contact in order', () => {
    const [batch] = buildBatches([contact(0), contact(1), contact(2)], 5);
    const [first, second] = halveBatch(batch!, 5);
    expect(first.contacts.map((c) => c.contactId)).toEqual(['t:0', 't:1']);
    expect(second.contacts.map((c) => c.contactId)).toEqual(['t:2']);
    expect(second.json).toBe(JSON.stringify(toInjixoBody([contact(2)], 5)));
  });

  it('gives a contact larger than the limit a body of its own', () => {
    const huge = contact(1, 'x'.repeat(500));
    expect(buildBatches([contact(0), huge, contact(2)], undefined, 400).map((b) => b.contacts)).toEqual([[contact(0)], [huge], [contact(2)]]);
  });

  it('makes no body for no contacts', () => {
    expect(buildBatches([], undefined)).toEqual([]);
  });
});

describe('posting a batch', () => {
  function recorder(): RequestClient & { bodies: string[] } {
    const bodies: string[] = [];
    return {
      bodies,
      invokeTemplate: (_name, options) => {
        bodies.push(options?.body ?? '');
        return Promise.resolve({ status: 202, headers: {}, response: '' });
      },
    };
  }

  it('sends the batch body as built', async () => {
    const request = recorder();
    const [batch] = buildBatches([contact(1)], undefined);
    await postBatch(request, batch!);
    expect(request.bodies).toEqual([batch!.json]);
  });

  it('refuses, without sending, a body the strict schema rejects: injixo would create that queue forever', async () => {
    const request = recorder();
    const [batch] = buildBatches([contact(1, 'lowercase tickets')], undefined);
    const refusal = postBatch(request, batch!);
    await expect(refusal).rejects.toMatchObject({ code: 'INJIXO_BAD_REQUEST' });
    await expect(refusal).rejects.toThrow("not sent: the contact fails the app's own injixo schema (data.0.queueName must be words separated by single spaces");
    expect(request.bodies).toEqual([]);
  });
});
