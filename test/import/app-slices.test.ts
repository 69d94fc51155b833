/**
 * The import core as the app will run it (issue 12 item 2, the parts that need no wiring):
 * through the request templates of config/requests.json in the local platform, in slices of at
 * most 40 calls that never wait (the sandbox has no timers), resuming from a cursor that went
 * through JSON as a KV record would. The result must equal the independent oracle.
 */
import { ManualClock } from '../../tools/clock';
import { expectedOfferedContacts } from '../../tools/local-freshdesk/oracle';
import { LocalPlatform } from '../../tools/local-platform';
import { handlers } from '../../src/entry/handlers';
import type { OfferedContact } from '../../src/core/types';
import type { RequestClient } from '../../src/platform/types';
import { startCursor, walkProgress, type ImportCursor } from '../../src/import/cursor';
import { RatePacer } from '../../src/import/rate-pacer';
import { createTemplateTransport } from '../../src/import/template-transport';
import { readDirectory, walkStep, type WalkDeps } from '../../src/import/walk';
import { perQueueInterval } from '../helpers/oracle-compare';
import { KEYS, startStack, type Stack } from './cli-harness';

// The local platform's default account domain: the groups templates use current_host.
const HOST = 'acme.freshdesk.com';
const SLICE_REQUESTS = 40;


describe('the import walk in app-sized slices through request templates', () => {
  let stack: Stack;
  let platform: LocalPlatform;
  let clock: ManualClock;

  beforeAll(async () => {
    stack = await startStack({ days: 7, ticketsPerDay: 60, seed: 21 });
  });

  afterAll(async () => {
    await stack.close();
  });

  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    platform = await LocalPlatform.load({
      iparams: { freshdesk_api_key: KEYS.admin, injixo_api_key: KEYS.injixo, reply_scope: 'customer' },
      hostMap: { [HOST]: stack.freshdesk.url, 'api.injixo.com': stack.injixo.url },
      clock,
      inProcessHandlers: handlers,
    });
  });

  afterEach(async () => {
    await platform.close();
  });

  /** Runs [from, to) to the end in slices 5 minutes apart (the shortest schedule delay). */
  async function walkInSlices(from: number, to: number): Promise<{ contacts: OfferedContact[]; slices: number; maxRequests: number; cursor: ImportCursor }> {
    const request = platform.globals().request as unknown as RequestClient;
    const transport = createTemplateTransport(request, HOST);
    // The platform's clock is the test's; real time flows between calls as it would in a slice.
    const realStart = Date.now();
    const now = (): number => clock.now() + (Date.now() - realStart);
    const base = { transport, pacer: new RatePacer(0.5), now, wait: () => Promise.resolve(false) };
    const directory = await readDirectory({ ...base, wait: (ms: number) => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), ms)) });
    const deps: WalkDeps = { ...base, directory, replyScope: 'customer' };
    let stored = JSON.stringify(startCursor({ from: new Date(from).toISOString(), to: new Date(to).toISOString() }, new Date(clock.now()).toISOString()));
    const contacts: OfferedContact[] = [];
    let slices = 0;
    let maxRequests = 0;
    for (;;) {
      const step = await walkStep(JSON.parse(stored) as ImportCursor, { ...deps, pacer: new RatePacer(0.5) }, SLICE_REQUESTS);
      slices += 1;
      maxRequests = Math.max(maxRequests, step.requests);
      contacts.push(...step.contacts);
      stored = JSON.stringify(step.cursor);
      expect(stored.length).toBeLessThan(40_000);
      if (step.status === 'done') return { contacts, slices, maxRequests, cursor: step.cursor };
      await platform.advance(5 * 60_000);
    }
  }

  it('equals the oracle per queue and interval, within the platform’s 50 requests a minute', async () => {
    const { contacts, slices, maxRequests, cursor } = await walkInSlices(stack.world.start, stack.world.end);
    const expected = perQueueInterval(expectedOfferedContacts(stack.world, { replyScope: 'customer', from: stack.world.start, to: stack.world.end, importAt: Date.now() }));
    expect(perQueueInterval(contacts)).toEqual(expected);
    expect(new Set(contacts.map((c) => c.contactId)).size).toBe(contacts.length);
    expect(slices).toBeGreaterThan(5);
    expect(maxRequests).toBeLessThanOrEqual(SLICE_REQUESTS);
    expect(walkProgress(cursor)).toBe(1);
    // The platform refused nothing: slices fit its per-minute limit.
    expect(platform.ledger.filter((e) => e.kind === 'request' && e.status === 429)).toEqual([]);
    const hosts = platform.ledger.filter((e) => e.kind === 'request').map((e) => e.name);
    expect(hosts).toEqual(expect.arrayContaining(['freshdeskImportTickets', 'freshdeskImportFilteredTickets', 'freshdeskImportConversations']));
  }, 300_000);

  it('splits at an install time with nothing missed or doubled (rule 13 at the core level)', async () => {
    const install = stack.world.start + 3.5 * 86_400_000 + 1234;
    const before = await walkInSlices(stack.world.start, install);
    const after = await walkInSlices(install, stack.world.end);
    const ids = [...before.contacts, ...after.contacts].map((c) => c.contactId);
    expect(new Set(ids).size).toBe(ids.length);
    const expected = perQueueInterval(expectedOfferedContacts(stack.world, { replyScope: 'customer', from: stack.world.start, to: stack.world.end, importAt: Date.now() }));
    expect(perQueueInterval([...before.contacts, ...after.contacts])).toEqual(expected);
    expect(before.contacts.every((c) => Date.parse(c.timestamp) < install)).toBe(true);
  }, 300_000);

  it('stops a slice instead of waiting when the pacer asks for time, and says when to continue', async () => {
    const request = platform.globals().request as unknown as RequestClient;
    const transport = createTemplateTransport(request, HOST);
    const pacer = new RatePacer(0.5);
    const deps: WalkDeps = { transport, pacer, now: () => clock.now(), wait: () => Promise.resolve(false), directory: { groups: {} }, replyScope: 'customer' };
    stack.freshdesk.rateLimitStorm(1, 7);
    const cursor = startCursor({ from: new Date(stack.world.start).toISOString(), to: new Date(stack.world.end).toISOString() }, new Date(clock.now()).toISOString());
    const step = await walkStep(cursor, deps, SLICE_REQUESTS);
    expect(step.status).toBe('paused');
    expect(step.resumeAt).toBe(clock.now() + 7000);
    expect(step.cursor.counters.rateLimited).toBe(1);
    expect(step.cursor.page).toBe(1);
  }, 60_000);
});
