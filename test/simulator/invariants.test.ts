/**
 * The invariant checker on a real run: a healthy seed (no faults) holds every invariant, and each
 * invariant FAILS when its input is deliberately broken — so none of them is a check that cannot
 * fail. Also: the same seed gives the same run, and (f)'s documented codes are the log-code table's.
 */
import { checkInvariants, checkOffered, isDocumentedLogCode, type InvariantId } from '../../tools/simulator/invariants';
import { FlowNetwork } from '../../tools/simulator/max-flow';
import { formatSeed, formatTotals, summarize, totals, type SeedSummary } from '../../tools/simulator/report';
import { runSeed, type SeedRun } from '../../tools/simulator/run-seed';

jest.setTimeout(120_000);

/** Small seed 5: one group, three sources, agent statuses on; every invariant holds without faults. */
let healthy: SeedRun;
beforeAll(async () => {
  healthy = await runSeed(5, 'small', { noFaults: true });
});

function failing(run: SeedRun, strict = false): InvariantId[] {
  return checkInvariants(run, { strict }).results.filter((r) => !r.ok).map((r) => r.id);
}

/** A copy of the run whose observation `change` breaks. */
function broken(change: (run: SeedRun) => void): SeedRun {
  const copy: SeedRun = {
    ...healthy,
    injixo: { contacts: healthy.injixo.contacts.map((c) => ({ ...c })), agentStatuses: healthy.injixo.agentStatuses.map((s) => ({ ...s })) },
    ledger: { ...healthy.ledger, counts: new Map([...healthy.ledger.counts].map(([q, m]) => [q, new Map(m)])) },
    invocations: [...healthy.invocations],
    calls: [...healthy.calls],
    logs: [...healthy.logs],
    hooks: { ...healthy.hooks, oversize: [...healthy.hooks.oversize] },
    account: { ...healthy.account },
  };
  change(copy);
  return copy;
}

describe('a healthy run', () => {
  it('holds every invariant, strictly too', () => {
    expect(failing(healthy)).toEqual([]);
    expect(failing(healthy, true)).toEqual([]);
    expect(healthy.injixo.contacts.length).toBeGreaterThan(200);
    expect(healthy.injixo.agentStatuses.length).toBeGreaterThan(10);
  });
});

describe('each invariant fails on a broken input', () => {
  it('(a) offered: a contact lost, or sent twice', () => {
    const offered = healthy.injixo.contacts.findIndex((c) => c.offered);
    expect(failing(broken((r) => r.injixo.contacts.splice(offered, 1)))).toContain('a-offered');
    const twice = broken((r) => r.injixo.contacts.push({ ...(r.injixo.contacts[offered] as SeedRun['injixo']['contacts'][number]) }));
    // The ledger still says once: (b) sees it too.
    expect(failing(twice)).toEqual(['a-offered', 'b-ledger']);
    const summary = summarize(twice, false);
    expect(summary.first?.details.join('\n')).toMatch(/injixo holds \d+, at most \d+ expected \(surplus/);
    expect(formatSeed(summary)).toContain('reproduce: npm run simulate -- --seed 5 --profile small');
  });

  it('(a) offered: a loss is allowed up to a gap\'s count, and not beyond', () => {
    const contact = { id: 't:1', queueIdentifier: 'q', allowed: ['q'], timestamp: '2026-11-02T09:01:00Z', optional: false, ticketId: 1 };
    const twoExpected = [contact, { ...contact, id: 't:2' }];
    const held = new Map([['q|2026-11-02T09:00:00Z', 1]]);
    const gap = (contactsKnownLost: number) => [{ from: '2026-11-02T09:00:00Z', to: '2026-11-02T09:10:00Z', reason: 'event_lost', contactsKnownLost }];
    expect(checkOffered(twoExpected, held, gap(1)).ok).toBe(true);
    expect(checkOffered(twoExpected, held, gap(0)).ok).toBe(false);
    expect(checkOffered(twoExpected, new Map(), gap(1)).ok).toBe(false);
    // An ambiguous contact may be in any allowed queue, but still counts once.
    const ambiguous = [{ ...contact, allowed: ['q', 'r'] }];
    expect(checkOffered(ambiguous, new Map([['r|2026-11-02T09:00:00Z', 1]]), []).ok).toBe(true);
    expect(checkOffered(ambiguous, new Map([['r|2026-11-02T09:00:00Z', 1], ['q|2026-11-02T09:00:00Z', 1]]), []).ok).toBe(false);
  });

  it('(a) handled: handled contacts expected that injixo never got', () => {
    expect(failing(broken((r) => (r.account.handledContacts = true)))).toContain('a-handled');
  });

  it('(a) agents: an agent\'s status intervals missing', () => {
    const agent = healthy.injixo.agentStatuses[0]?.agentIdentifier;
    expect(failing(broken((r) => (r.injixo.agentStatuses = r.injixo.agentStatuses.filter((s) => s.agentIdentifier !== agent))))).toEqual(['a-agents']);
  });

  it('(b) ledger: a count injixo does not hold', () => {
    expect(failing(broken((r) => r.ledger.counts.set('freshdesk/9/1/tickets', new Map([['2026-11-02T09:00:00Z', 1]]))))).toEqual(['b-ledger']);
  });

  it('(c) one name: an identifier sent with a second name', () => {
    expect(failing(broken((r) => ((r.injixo.contacts[0] as { queueName: string }).queueName = 'Renamed email Tickets')))).toEqual(['c-one-name']);
  });

  it('(d) no throw: a handler that threw', () => {
    expect(failing(broken((r) => r.invocations.push({ invocationId: 999_999, event: 'onTicketCreate', handler: 'onTicketCreateHandler', ok: false, error: { message: 'boom' }, wallMs: 1, cpuMicros: 1 })))).toEqual(['d-no-throw']);
  });

  it('(e) sizes: a state record over 40 KB; an append at the limit only with --strict', () => {
    const write = { kind: 'kv' as const, op: 'set', key: 'state', bytes: 41_000, limit: 40_960, invocationId: 1, handler: 'onScheduledEventHandler', at: 0 };
    expect(failing(broken((r) => r.hooks.oversize.push(write)))).toEqual(['e-sizes']);
    const append = broken((r) => r.hooks.oversize.push({ ...write, op: 'update:append', key: 'outbox:1' }));
    expect(failing(append)).toEqual([]);
    expect(failing(append, true)).toEqual(['e-sizes']);
  });

  it('(f) refusals logged: a refused call in an invocation that logged no documented code', () => {
    const refused = { invocationId: 999_998, handler: 'onScheduledEventHandler', kind: 'kv' as const, op: 'set', key: 'state', outcome: 'rejected' as const, status: 429, at: 0 };
    expect(failing(broken((r) => r.calls.push(refused)))).toEqual(['f-refusals-logged']);
    const logged = broken((r) => {
      r.calls.push(refused);
      r.logs.push({ level: 'warn', message: '[injixo-connect] PLATFORM_LIMIT: the KV limit refused the state', at: 0, handler: 'onScheduledEventHandler', invocationId: 999_998 });
    });
    expect(failing(logged)).toEqual([]);
  });
});

describe('documented log codes', () => {
  it('are the rows of the log-code table (src/platform/log-codes.ts)', () => {
    expect(isDocumentedLogCode('FRESHDESK_UNAVAILABLE')).toBe(true);
    expect(isDocumentedLogCode('HANDLED_LOST')).toBe(true);
    expect(isDocumentedLogCode('PLATFORM_LIMIT')).toBe(true);
    expect(isDocumentedLogCode('NOT_A_CODE')).toBe(false);
    expect(isDocumentedLogCode('toString')).toBe(false);
  });
});

describe('max flow', () => {
  it('finds the largest flow through a small network', () => {
    const net = new FlowNetwork();
    const [s, a, b, t] = [net.addNode(), net.addNode(), net.addNode(), net.addNode()];
    net.addEdge(s, a, 3);
    net.addEdge(s, b, 2);
    const ab = net.addEdge(a, b, 1);
    net.addEdge(a, t, 2);
    net.addEdge(b, t, 3);
    expect(net.maxFlow(s, t)).toBe(5);
    expect(net.flowOf(ab)).toBe(1);
  });
});

describe('determinism and reports', () => {
  it('gives the same summary for the same seed with its faults', async () => {
    const strip = ({ wallMs: _wall, ...rest }: SeedSummary): Omit<SeedSummary, 'wallMs'> => rest;
    const first = summarize(await runSeed(25, 'small'), false);
    const second = summarize(await runSeed(25, 'small'), false);
    expect(strip(second)).toEqual(strip(first));
    const report = formatTotals(totals([first, second]), 1);
    expect(report).toMatch(/^seeds run: 2, failing: \d/);
  });
});
