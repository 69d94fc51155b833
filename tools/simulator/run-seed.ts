/**
 * One seed of the fault simulator (issue 19): draw an account and its faults, feed the busy hours
 * of its day through the BUILT server/server.js in the local platform (every SPEC §5 limit on, a
 * simulated clock), lift the faults, drain, and collect what the invariants read. The same seed
 * gives the same run: every draw comes from (seed, a tag), every call is awaited in order, and
 * no result hangs on the real clock: a slow injixo declares its delay instead of holding its
 * answer (faults.ts, SIM_REQUEST_TIMEOUT_MS), so a busy machine gives the same result as a quiet one.
 */
import { performance } from 'node:perf_hooks';
import { SECURE_IPARAMS } from '../../src/app/settings-fields';
import { ManualClock } from '../clock';
import { LocalPlatform, type InvocationResult, type LedgerEntry, type LogLine } from '../local-platform';
import { createRandom } from '../local-freshdesk/random';
import { toProductEvents } from '../local-freshdesk/product-events';
import { startLocalFreshdesk } from '../local-freshdesk/server';
import { generateWorld, type World, type WorldEvent } from '../local-freshdesk/world';
import { startLocalInjixo, type StoredContactView } from './injixo-view';
import { platformHooks, drawFaults, noFaults, SIM_REQUEST_TIMEOUT_MS, type Faults, type HookRecord } from './faults';
import { readLedgerView, type LedgerView } from './ledger-view';
import { poisonEvent, type PoisonEvent } from './poison';
import { drawAccount, SIM_TAG, type Account, type ProfileName } from './profile';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/**
 * The drain after the feed: backlog after outages, the missing-ticket repair (an hour's wait,
 * then ten look-ups a run) and the handled contacts' 30-minute settle all finish well inside it.
 */
export const DRAIN_MS = 4 * HOUR;
/** After the last redelivery (up to three days after the feed), runs still get this long. */
export const AFTER_LAST_REDELIVERY_MS = 90 * MINUTE;

export const KEYS = { injixo: 'sim-injixo-key-1', injixoRegenerated: 'sim-injixo-key-2', freshdesk: 'sim-freshdesk-admin-key' } as const;

/** Why an event of the world reached the app differently from its own time, if it did. */
export type DeliveryFate = 'never' | 'outOfOrder' | 'twice';

export interface FedEvent {
  event: WorldEvent;
  fate?: DeliveryFate;
  /** Clock ms of the (first) delivery; undefined when never delivered. */
  deliveredAt?: number;
  /** Position in delivery order (undefined when never delivered). */
  position?: number;
}

export interface SeedRun {
  seed: number;
  profile: ProfileName;
  account: Account;
  faults: Faults;
  world: World;
  feed: { from: number; to: number };
  runEnd: number;
  fed: FedEvent[];
  poison: PoisonEvent[];
  /** Every handler run's result (feed, schedules, redeliveries), in order. */
  invocations: InvocationResult[];
  status: unknown;
  injixo: StoredContactView;
  ledger: LedgerView;
  logs: LogLine[];
  calls: LedgerEntry[];
  hooks: HookRecord;
  events: number;
  wallMs: number;
  /** Real ms per phase: world and servers, feed, drain, inspection. */
  phases: { setupMs: number; feedMs: number; drainMs: number; inspectMs: number };
  /** When the daily check of the fed day ended (DAY_CHECKED), if it ran. */
  checkedAt?: number;
}

interface Delivery {
  at: number;
  key: number;
  run: () => Promise<InvocationResult | undefined>;
}

export interface RunOptions {
  /** The seed's account without any fault (the baseline: every invariant must hold). */
  noFaults?: boolean;
  /** Issue 20: after the drain, let the daily check of the fed day run to its end (default on). */
  check?: boolean;
}

/** The daily check of the fed day runs two hours after the day ends; it is given until this long after that. */
export const CHECK_WAIT_MS = 10 * HOUR;
/** After the check, its contacts go out with the next delivery runs. */
export const AFTER_CHECK_MS = 60 * MINUTE;

export async function runSeed(seed: number, profile: ProfileName, options: RunOptions = {}): Promise<SeedRun> {
  const started = performance.now();
  const account = drawAccount(seed, profile);
  const faults = options.noFaults === true ? noFaults() : drawFaults(account);
  const feed = { from: Date.parse(account.start), to: Date.parse(account.start) + account.feedHours * HOUR };
  const world = generateWorld({
    seed,
    start: account.start,
    days: 1,
    ticketsPerDay: account.ticketsPerDay,
    groups: { ...account.groups, changeHours: account.feedHours },
    maxRepliesPerTicket: account.maxRepliesPerTicket,
    hourlyProfile: account.hourlyProfile,
    account: { sourceChoices: account.sourceChoices },
    ...(account.handledContacts ? { resolutions: true, timeTracking: true } : {}),
    ...(account.agentStatuses ? { agents: { customStatuses: seed % 2 === 0 } } : {}),
  });
  const clock = new ManualClock(feed.from - MINUTE);
  // Freshdesk stands still at the end of the feed: a change after it is an event the app was
  // never fed, so a look-up must not reveal it (the oracle knows only the fed hours). Its limits
  // are then a frozen minute's, hence limits no plan has (the account's own limit is not under test).
  const freshdeskClock = { now: (): number => Math.min(clock.now(), feed.to - 1) };
  const freshdesk = await startLocalFreshdesk({ world, clock: freshdeskClock, plan: 'enterprise', limits: { total: 1_000_000, ticketList: 1_000_000 }, adminApiKey: KEYS.freshdesk });
  const injixo = await startLocalInjixo({ apiKey: KEYS.injixo, clock, faults: faults.injixo });
  if (faults.keyRegenerated) injixo.regenerateKey(KEYS.injixoRegenerated, faults.keyRegenerated.at);
  const sim = platformHooks(account, faults, () => clock.now());
  const iparams = {
    __meta: { secure: [...SECURE_IPARAMS] },
    injixo_api_key: KEYS.injixo,
    freshdesk_api_key: KEYS.freshdesk,
    reply_scope: account.replyScope,
    import_window_days: 0,
    handled_contacts: account.handledContacts,
    agent_statuses: account.agentStatuses,
    agent_identifier: 'email',
  };
  const platform = await LocalPlatform.load({
    iparams,
    clock,
    account: { domain: world.account.domain },
    hostMap: { 'api.injixo.com': injixo.url, [world.account.domain]: freshdesk.url },
    limits: { requestTimeoutMs: SIM_REQUEST_TIMEOUT_MS, retryDelayScale: 0 },
    warmStart: sim.warmStart,
    faults: sim.hooks,
  });
  const invocations: InvocationResult[] = [];
  try {
    const installed = await platform.install();
    if (!installed.ok) throw new Error(`simulator: install refused: ${installed.message}`);

    // ---- the delivery plan ----
    const random = createRandom(seed, SIM_TAG.delivery);
    const fed: FedEvent[] = [];
    const deliveries: Delivery[] = [];
    let keyPasted = false;
    // The admin pastes the new key; a save the platform refused (its afterAppUpdate died at a
    // crash point: the platform keeps the old settings) is saved again once the faults are lifted,
    // as an admin who saw the save fail would (small seed 737: the old key stayed for good).
    const pasteKey = async (): Promise<undefined> => {
      if (keyPasted) return undefined;
      keyPasted = (await platform.updateSettings({ ...iparams, injixo_api_key: KEYS.injixoRegenerated })).ok;
      return undefined;
    };
    let sequence = 0;
    let position = 0;
    for (const event of world.timeline(feed.from, feed.to)) {
      const record: FedEvent = { event };
      fed.push(record);
      if (random() < faults.delivery.neverShare) {
        record.fate = 'never';
        continue;
      }
      const window = faults.delivery.outOfOrder.find((w) => w.from <= event.at && event.at < w.to);
      const twice = random() < faults.delivery.twiceShare;
      const delayMs = twice ? Math.round(MINUTE * Math.exp(random() * Math.log(faults.delivery.maxRedeliveryMs / MINUTE))) : undefined;
      if (window) record.fate = 'outOfOrder';
      else if (twice) record.fate = 'twice';
      const at = window ? window.to : event.at;
      const key = window ? random() : sequence;
      sequence += 1;
      const products = toProductEvents(world, event);
      deliveries.push({
        at,
        key,
        run: async () => {
          record.deliveredAt = clock.now();
          record.position = position;
          position += 1;
          let last: InvocationResult | undefined;
          for (const product of products) {
            last = await platform.trigger(product.event, product.data, {}, delayMs === undefined ? {} : { redeliverAfterMs: delayMs });
            invocations.push(last);
            // A handler that died before any store took its record lost the event with no trace the
            // app could ever see: for the expectation it was never delivered (or delivered late, by
            // a redelivery).
            if (diedBeforeKeeping(platform, last)) record.fate = delayMs === undefined ? 'never' : 'outOfOrder';
          }
          return undefined;
        },
      });
    }
    const poison = faults.delivery.poison.map((p) => poisonEvent(world, p));
    for (const p of poison) {
      deliveries.push({ at: p.at, key: -1, run: async () => {
        invocations.push(await platform.trigger(p.event, p.data));
        return undefined;
      } });
    }
    if (faults.keyRegenerated && faults.keyRegenerated.pastedAt < feed.to) deliveries.push({ at: faults.keyRegenerated.pastedAt, key: -2, run: pasteKey });
    deliveries.sort((a, b) => a.at - b.at || a.key - b.key);

    // ---- the feed ----
    const feedStarted = performance.now();
    for (const delivery of deliveries) {
      if (delivery.at > clock.now()) invocations.push(...(await platform.advance(delivery.at - clock.now())));
      await delivery.run();
    }
    if (feed.to > clock.now()) invocations.push(...(await platform.advance(feed.to - clock.now())));

    // ---- faults lifted, drain ----
    const drainStarted = performance.now();
    sim.lift();
    injixo.clearFaults();
    if (faults.keyRegenerated) await pasteKey();
    const lastRedelivery = platform.pendingRedeliveries().at(-1)?.at ?? 0;
    const runEnd = Math.max(feed.to + DRAIN_MS, lastRedelivery + AFTER_LAST_REDELIVERY_MS);
    invocations.push(...(await platform.advance(runEnd - clock.now())));
    const checkedAt = options.check === false ? undefined : await untilChecked(platform, clock, account.start, invocations);
    // The status call costs KV operations: read it in a quiet minute, never refused.
    for (let i = 0; i < 5 && platform.ledger.some((entry) => entry.kind === 'kv' && entry.at > clock.now() - MINUTE); i += 1) {
      invocations.push(...(await platform.advance(MINUTE + 1000)));
    }
    const inspectStarted = performance.now();
    const statusOutcome = await platform.callFunction('getStatus', {});
    const status = statusOutcome.ok ? statusOutcome.data : { error: statusOutcome.error };
    const ledger = await readLedgerView(platform.kvSnapshot(), feed.from - 24 * HOUR, clock.now() + 24 * HOUR, clock.now());
    return {
      seed, profile, account, faults, world, feed, runEnd: clock.now(), fed, poison, invocations, status,
      injixo: { contacts: injixo.store.list(), agentStatuses: injixo.agentStatuses.list() },
      ledger, logs: platform.logs, calls: platform.ledger, hooks: sim.record,
      events: fed.length, wallMs: performance.now() - started,
      phases: { setupMs: feedStarted - started, feedMs: drainStarted - feedStarted, drainMs: inspectStarted - drainStarted, inspectMs: performance.now() - inspectStarted },
      ...(checkedAt === undefined ? {} : { checkedAt }),
    };
  } finally {
    await platform.close();
    await injixo.close();
    await freshdesk.close();
  }
}

/**
 * Issue 20: the daily check of the fed day (due two hours after the day ends) walks the frozen
 * Freshdesk and sends what the ledger lacks; then one more hour for its contacts to go out.
 * Returns when the check ended (its DAY_CHECKED line), or undefined when it did not in time.
 */
async function untilChecked(platform: LocalPlatform, clock: ManualClock, start: string, invocations: InvocationResult[]): Promise<number | undefined> {
  const day = start.slice(0, 10);
  const until = Date.parse(`${day}T00:00:00Z`) + 24 * HOUR + CHECK_WAIT_MS;
  const done = (): LogLine | undefined => platform.logs.find((l) => l.message.includes(`DAY_CHECKED: ${day}`));
  while (!done() && clock.now() < until) invocations.push(...(await platform.advance(10 * MINUTE)));
  const line = done();
  if (line) invocations.push(...(await platform.advance(AFTER_CHECK_MS)));
  return line?.at;
}

/** The handler died (a simulated crash) and no platform call of it kept the record (an outbox append, a held record's schedule). */
function diedBeforeKeeping(platform: LocalPlatform, result: InvocationResult): boolean {
  if (result.ok || !(result.error?.message ?? '').includes('simulated crash')) return false;
  const calls = platform.ledger.filter((e) => e.invocationId === result.invocationId && e.kind !== 'invocation');
  const kept = calls.some((e) => e.outcome === 'ok' && ((e.kind === 'kv' && e.op === 'update') || (e.kind === 'schedule' && e.op === 'create')));
  return calls.length > 0 && !kept;
}
