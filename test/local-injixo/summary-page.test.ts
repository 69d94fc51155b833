import { ManualClock } from '../../tools/clock';
import { startLocalInjixo, type LocalInjixo } from '../../tools/local-injixo/server';
import { escapeHtml, type Summary } from '../../tools/local-injixo/summary-page';
import { contact, postContacts, send } from './http-helpers';

const KEY = 'page-secret-key-123';
const HOSTILE = `<script>alert("x")</script> & 'q'`;

describe('local injixo summary page', () => {
  let injixo: LocalInjixo;

  beforeAll(async () => {
    injixo = await startLocalInjixo({ apiKey: KEY, clock: new ManualClock('2026-11-21T12:00:00Z') });
  });
  afterAll(() => injixo.close());
  beforeEach(() => injixo.store.clear());

  const seed = async (): Promise<void> => {
    const answer = await postContacts(injixo.url, KEY, {
      data: [
        contact({ timestamp: '2026-11-21T10:05:00Z' }),
        contact({ timestamp: '2026-11-21T10:20:00Z' }),
        contact({ timestamp: '2026-11-21T10:20:00Z' }),
        contact({ queueIdentifier: 'freshdesk/none/7/replies', queueName: HOSTILE, timestamp: '2026-11-21T11:00:00Z' }),
      ],
    });
    expect(answer.status).toBe(202);
  };

  it('answers /api/summary with offered contacts per queue and 15-minute interval, totals and duplicates', async () => {
    await seed();
    const answer = await send(`${injixo.url}/api/summary`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.json).toEqual({
      granularity: '15min',
      intervals: ['2026-11-21T10:00:00Z', '2026-11-21T10:15:00Z', '2026-11-21T11:00:00Z'],
      queues: [
        { queueIdentifier: 'freshdesk/42/1/tickets', queueName: 'CustomerService email Tickets', offered: 3, byInterval: { '2026-11-21T10:00:00Z': 1, '2026-11-21T10:15:00Z': 2 } },
        { queueIdentifier: 'freshdesk/none/7/replies', queueName: HOSTILE, offered: 1, byInterval: { '2026-11-21T11:00:00Z': 1 } },
      ],
      total: 4,
      duplicates: [{ queueIdentifier: 'freshdesk/42/1/tickets', timestamp: '2026-11-21T10:20:00Z', channel: 'cases', received: 2 }],
    } satisfies Summary);
  });

  it('groups per hour when asked with ?by=hour', async () => {
    await seed();
    const summary = (await send(`${injixo.url}/api/summary?by=hour`)).json as Summary;
    expect(summary.granularity).toBe('hour');
    expect(summary.intervals).toEqual(['2026-11-21T10:00:00Z', '2026-11-21T11:00:00Z']);
    expect(summary.queues[0]?.byInterval).toEqual({ '2026-11-21T10:00:00Z': 3 });
  });

  it.each(['/api/summary?by=day', '/?by=day'])('answers 400 to an unknown grouping on %s', async (route) => {
    const answer = await send(`${injixo.url}${route}`);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ message: 'by must be one of 15min, hour', field: 'by' });
  });

  it('renders the table with every queue name escaped, and never shows the key', async () => {
    await seed();
    const answer = await send(`${injixo.url}/`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = answer.text;
    expect(html).not.toContain('<script>');
    expect(html).toContain('<td>&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;q&#39;</td>');
    expect(html).toContain('<th>Queue name</th><th>Queue identifier</th><th>2026-11-21 10:00</th><th>2026-11-21 10:15</th><th>2026-11-21 11:00</th><th>Total</th>');
    expect(html).toContain('<tr><td>CustomerService email Tickets</td><td><code>freshdesk/42/1/tickets</code></td><td>1</td><td>2</td><td></td><td>3</td></tr>');
    expect(html).toContain('<tr><td><code>freshdesk/42/1/tickets</code></td><td>2026-11-21T10:20:00Z</td><td>cases</td><td>2</td></tr>');
    expect(html).toContain('4 contacts stored. Offered contacts per 15 minutes (UTC)');
    expect(html).toContain('<a href="?by=hour">show per hour</a>');
    expect(html).not.toContain(KEY);
  });

  it('renders hourly columns with a link back to 15-minute intervals', async () => {
    await seed();
    const html = (await send(`${injixo.url}/?by=hour`)).text;
    expect(html).toContain('Offered contacts per hour (UTC)');
    expect(html).toContain('<a href="?by=15min">show per 15 minutes</a>');
    expect(html).toContain('<th>2026-11-21 10:00</th><th>2026-11-21 11:00</th><th>Total</th>');
  });

  it('says so when nothing was received yet', async () => {
    const html = (await send(`${injixo.url}/`)).text;
    expect(html).toContain('<p>No contacts received yet.</p>');
    expect(html).toContain('<p>No duplicates.</p>');
  });

  it('answers HEAD with the headers only', async () => {
    const answer = await send(`${injixo.url}/`, { method: 'HEAD' });
    expect(answer.status).toBe(200);
    expect(Number(answer.headers['content-length'])).toBeGreaterThan(0);
    expect(answer.text).toBe('');
  });

  it('escapes every HTML-significant character', () => {
    expect(escapeHtml(`a&b<c>d"e'f`)).toBe('a&#38;b&#60;c&#62;d&#34;e&#39;f');
  });
});
