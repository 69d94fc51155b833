import { formatQueueTable, summarizeLedger } from '../../tools/sandbox/report';

describe('the queue table of npm start', () => {
  it('shows offered contacts per UTC hour of the day, per queue, with totals', () => {
    const table = formatQueueTable(
      [
        { queueName: 'Sales email Tickets', intervalStart: '2026-11-02T09:00:00Z', offered: 120 },
        { queueName: 'Sales email Tickets', intervalStart: '2026-11-02T09:15:00Z', offered: 5 },
        { queueName: 'Billing chat Replies', intervalStart: '2026-11-02T23:45:00Z', offered: 2 },
        { queueName: 'Billing chat Replies', intervalStart: '2026-11-03T00:00:00Z', offered: 99 },
      ],
      '2026-11-02',
    );
    const lines = table.split('\n');
    expect(lines[0]).toBe('offered contacts per hour (UTC) on 2026-11-02');
    expect(lines[2]).toMatch(/^Billing chat Replies +(0 +){23}2 +2$/);
    expect(lines[3]).toMatch(/^Sales email Tickets +(0 +){9}125 +(0 +){14}125$/);
    expect(lines[4]).toMatch(/^all queues +(0 +){9}125 +(0 +){13}2 +127$/);
  });
});

describe('the ledger summary', () => {
  it('counts requests by template, KV operations by kind, and refusals', () => {
    const usage = summarizeLedger([
      { invocationId: 1, handler: 'h', kind: 'request', name: 'injixoPostContacts', outcome: 'ok', at: 0 },
      { invocationId: 1, handler: 'h', kind: 'kv', op: 'update', key: 'outbox:1', outcome: 'rejected', at: 0 },
      { invocationId: 1, handler: 'h', kind: 'kv', op: 'get', key: 'state', outcome: 'ok', at: 0 },
      { invocationId: 1, handler: 'h', kind: 'schedule', op: 'create', outcome: 'ok', at: 0 },
      { invocationId: 1, handler: 'h', kind: 'invocation', name: 'onTicketCreate', outcome: 'ok', at: 0 },
    ]);
    expect(usage).toEqual({
      requests: 1,
      kvOps: 2,
      schedules: 1,
      invocations: 1,
      rejected: 1,
      requestsByTemplate: { injixoPostContacts: 1 },
      kvByOp: { update: 1, get: 1 },
    });
  });
});
