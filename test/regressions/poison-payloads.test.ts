/**
 * Issue 19, items 8 and 9: one bad payload must not stop delivery for good. Before the fix, a
 * ticket whose created_at is valid ISO but year 10000 in UTC passed validation, and every delivery
 * run then threw on it: the cursor never moved and nothing after it was ever sent; a ticket id of
 * 1e15 declared a quadrillion tickets missing and switched missing-ticket repair off for good.
 * Through the BUILT server.js, over real HTTP.
 */
import { toProductEvents } from '../../tools/local-freshdesk/product-events';
import { startSandbox, type Sandbox } from '../../tools/sandbox';
import { injixoCounts, oracleCounts } from '../helpers/oracle-compare';

const HOUR = 3_600_000;

function ticketPayload(sandbox: Sandbox, change: (ticket: Record<string, unknown>) => void): unknown {
  const first = [...sandbox.world.timeline(sandbox.world.start, sandbox.world.start + 6 * HOUR)].find((e) => e.kind === 'ticketCreated');
  if (!first) throw new Error('no ticket in the first hours');
  const [event] = toProductEvents(sandbox.world, first);
  const data = JSON.parse(JSON.stringify(event?.data)) as { ticket: Record<string, unknown> };
  change(data.ticket);
  return data;
}

describe('poison payloads', () => {
  let sandbox: Sandbox;
  const lines: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 5, ticketsPerDay: 300, onLog: (line) => lines.push(line.message) });
    await sandbox.platform.advance(10 * 60_000);
    await sandbox.platform.trigger('onTicketCreate', ticketPayload(sandbox, (t) => (t.created_at = '9999-12-31T23:30:00-05:00')));
    await sandbox.platform.trigger('onTicketCreate', ticketPayload(sandbox, (t) => (t.id = 1e15)));
    await sandbox.replay();
    await sandbox.settle(120);
  }, 300_000);

  afterAll(async () => {
    await sandbox.close();
  });

  it('refuses a created_at that injixo cannot take, naming the ticket, and delivers everything after it', () => {
    expect(lines.some((l) => /INVALID_PAYLOAD: onTicketCreate payload rejected: .*created_at/.test(l))).toBe(true);
    const expected = oracleCounts(sandbox, sandbox.world.start, sandbox.world.end);
    const delivered = injixoCounts(sandbox);
    // The 1e15 ticket is a real creation record: it is counted once, beside the oracle's world.
    const extra = Object.values(delivered).reduce((s, q) => s + Object.values(q).reduce((a, b) => a + b, 0), 0) - Object.values(expected).reduce((s, q) => s + Object.values(q).reduce((a, b) => a + b, 0), 0);
    expect(extra).toBe(1);
  });

  it('takes no tickets as missing below an id of 1e15, and records no gap for them', async () => {
    expect(lines.some((l) => l.includes('TICKET_ID_OUT_OF_SEQUENCE'))).toBe(true);
    const status = await sandbox.platform.callFunction('getStatus', {});
    const data = (status.ok ? status.data : {}) as { gaps: unknown[]; missingTickets: { waiting: number } };
    expect(data.gaps).toEqual([]);
    expect(data.missingTickets.waiting).toBe(0);
  });
});
