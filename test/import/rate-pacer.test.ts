import { RatePacer, ticketListLimitFor } from '../../src/import/rate-pacer';
import { nextPhase, startCursor, walkProgress } from '../../src/import/cursor';
import { createTemplateTransport } from '../../src/import/template-transport';

/** The platform rejects with a plain object; an Error carrying the same fields reads alike. */
function platformError(fields: Record<string, unknown>): Error {
  const message = typeof fields['message'] === 'string' ? fields['message'] : 'template failed';
  return Object.assign(new Error(message), fields);
}

const answer = (status: number, headers: Record<string, string> = {}) => ({ status, headers, body: '' });

describe('the rate pacer', () => {
  it.each([
    [200, 20],
    [400, 100],
    [700, 200],
    [1400, 400],
    [300, 20],
    [50, 5],
  ])('takes the ticket list sub-limit of a %i/min account as %i/min', (total, list) => {
    expect(ticketListLimitFor(total)).toBe(list);
  });

  it('spaces calls to the share of X-RateLimit-Total once an answer tells it', () => {
    const pacer = new RatePacer(0.5);
    pacer.onSend('other', 0);
    pacer.onAnswer(answer(200, { 'X-RateLimit-Total': '400', 'X-RateLimit-Remaining': '390' }), 10);
    // 0.5 × 400 = 200 calls a minute: one every 300 ms from the last start.
    expect(pacer.delayBefore('other', 10)).toBe(290);
    expect(pacer.callsPerMinute()).toBe(200);
  });

  it('spaces list calls to the share of the list sub-limit', () => {
    const pacer = new RatePacer(0.5, { total: 200, nextAt: 0, nextListAt: 0, lastSentAt: 0, lastListSentAt: 0 });
    pacer.onSend('list', 0);
    // 0.5 × 20 list calls a minute: one every 6 s; other calls every 600 ms.
    expect(pacer.delayBefore('list', 0)).toBe(6000);
    expect(pacer.delayBefore('other', 0)).toBe(600);
  });

  it('waits Retry-After on a 429, and a minute when the header is missing', () => {
    const pacer = new RatePacer(1);
    pacer.onAnswer(answer(429, { 'Retry-After': '7' }), 1000);
    expect(pacer.delayBefore('other', 1000)).toBe(7000);
    const bare = new RatePacer(1);
    bare.onAnswer(answer(429), 0);
    expect(bare.delayBefore('list', 0)).toBe(60_000);
    expect(bare.counters.rateLimited).toBe(1);
  });

  it('slows down when other callers leave little of the account limit', () => {
    const pacer = new RatePacer(0.5);
    pacer.onAnswer(answer(200, { 'X-RateLimit-Total': '200', 'X-RateLimit-Remaining': '3' }), 0);
    expect(pacer.delayBefore('other', 0)).toBe(5000);
  });

  it('refuses a share outside (0, 1]', () => {
    expect(() => new RatePacer(0)).toThrow(/rate share/);
    expect(() => new RatePacer(1.1)).toThrow(/rate share/);
  });
});

describe('the import cursor', () => {
  it('refuses an empty window and a page size Freshdesk would refuse', () => {
    expect(() => startCursor({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, '2026-02-01T00:00:00Z')).toThrow(/empty/);
    expect(() => startCursor({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }, '2026-02-01T00:00:00Z', 101)).toThrow(/per_page/);
  });

  it('lists from whole seconds and reports progress across the three listings', () => {
    const cursor = startCursor({ from: '2026-01-01T00:00:00.250Z', to: '2026-01-31T00:00:00Z' }, '2026-01-31T00:00:00Z');
    expect(cursor.since).toBe('2026-01-01T00:00:00Z');
    expect(walkProgress(cursor)).toBe(0);
    expect(walkProgress({ ...cursor, lastUpdatedAt: '2026-01-16T00:00:00Z' })).toBeCloseTo(0.45, 2);
    const spam = nextPhase(cursor);
    expect(spam.phase).toBe('spam');
    expect(walkProgress(spam)).toBeCloseTo(0.9, 5);
    expect(walkProgress(nextPhase(nextPhase(spam)))).toBe(1);
  });
});

describe('the template transport', () => {
  it('turns a rejected template back into an answer and tells the platform’s own 429', async () => {
    const calls: unknown[] = [];
    const transport = createTemplateTransport(
      {
        invokeTemplate: (name, options) => {
          calls.push({ name, options });
          if (name === 'freshdeskImportConversations') return Promise.reject(platformError({ status: 429, message: 'You have exceeded the limit of 50 requests per minute', errorSource: 'APP' }));
          if (name === 'freshdeskImportFilteredTickets') return Promise.reject(platformError({ status: 401, headers: {}, response: '{"code":"invalid_credentials"}' }));
          return Promise.resolve({ status: 200, headers: { link: '' }, response: '[]' });
        },
      },
      'acme.freshdesk.com',
    );
    expect(await transport.get('/api/v2/tickets/5/conversations', { page: 2 })).toMatchObject({ status: 429, refusedByPlatform: true });
    expect(await transport.get('/api/v2/tickets', { updated_since: 'x', per_page: 5, page: 1, filter: 'spam' })).toMatchObject({ status: 401 });
    expect(await transport.get('/api/v2/tickets', { updated_since: 'x', per_page: 5, page: 1 })).toMatchObject({ status: 200, body: '[]' });
    expect(calls).toContainEqual({ name: 'freshdeskImportConversations', options: { context: { ticket_id: 5, page: 2, freshdesk_host: 'acme.freshdesk.com' } } });
    await expect(transport.get('/api/v2/agents', {})).rejects.toThrow(/no request template/);
  });

  it('rejects when no answer came at all', async () => {
    const transport = createTemplateTransport({ invokeTemplate: () => Promise.reject(platformError({ status: 0, message: 'socket hang up' })) }, 'acme.freshdesk.com');
    await expect(transport.get('/api/v2/groups', { page: 1 })).rejects.toMatchObject({ status: 0 });
  });
});
