/**
 * A whole local installation in one call: the local Freshdesk serving a generated world,
 * the local injixo, and the app installed in the local platform with working keys, all on
 * one simulated clock. `npm start`, the end-to-end tests and the benchmark share it, so what
 * the README shows is what the tests check.
 */
import { SECURE_IPARAMS } from '../../src/app/settings-fields';
import { handlers } from '../../src/entry/handlers';
import { ManualClock } from '../clock';
import { LocalPlatform, type LogLine, type PlatformFaultHooks, type PlatformLimits } from '../local-platform';
import { toProductEvents } from '../local-freshdesk/product-events';
import { startLocalFreshdesk, type LocalFreshdesk } from '../local-freshdesk/server';
import { generateWorld, type World, type WorldEvent, type WorldOptions } from '../local-freshdesk/world';
import { startLocalInjixo, type FaultWindow, type LocalInjixo } from '../local-injixo/server';

export const SANDBOX_KEYS = {
  injixo: 'injixo-sandbox-key-3f9a',
  freshdeskAdmin: 'fd-admin-sandbox-key-77c1',
  freshdeskAgent: 'fd-agent-sandbox-key-0b2e',
} as const;

export interface SandboxOptions {
  seed?: number;
  /** ISO time the world starts; the app is installed one minute before. */
  start?: string;
  days?: number;
  ticketsPerDay?: number;
  replyScope?: 'customer' | 'all_public';
  plan?: 'growth' | 'pro' | 'enterprise';
  limits?: Partial<PlatformLimits>;
  faults?: FaultWindow[];
  /** Settings overrides (e.g. a wrong key), merged over the working ones. */
  iparams?: Record<string, unknown>;
  onLog?: (line: LogLine) => void;
  /** Run the TypeScript handlers in-process (for coverage) instead of the built server.js. */
  inProcess?: boolean;
  /** ms the app is installed at; default one minute before the world starts (an install mid-history for the import tests). */
  installAt?: number;
  /** Issue 14's world facts: time entries, agents' status changes, more resolutions (all off by default). */
  world?: Pick<WorldOptions, 'timeTracking' | 'agents' | 'resolutions' | 'groups' | 'maxRepliesPerTicket' | 'hourlyProfile'>;
  /** The local platform's fault hooks (refusals, crash points), as the simulator uses them. */
  platformFaults?: PlatformFaultHooks;
}

export interface ReplayStats {
  events: number;
  byEvent: Record<string, number>;
  failedInvocations: number;
  /** Events left out by `lost`. */
  lost: number;
}

export interface ReplayOptions {
  /** Picks events the platform never delivers. */
  lost?: (event: WorldEvent) => boolean;
  /** Called when the replay has reached each whole `everyMs` of simulated time (npm start's progress lines). */
  onProgress?: (reachedMs: number, stats: ReplayStats) => void;
  everyMs?: number;
}

export interface Sandbox {
  clock: ManualClock;
  world: World;
  platform: LocalPlatform;
  injixo: LocalInjixo;
  /** The local Freshdesk itself, for scripted faults (429 storms). */
  freshdesk: LocalFreshdesk;
  freshdeskUrl: string;
  iparams: Record<string, unknown>;
  installedAt: number;
  /**
   * Feeds every world event in [from, to) to the app at its own time, firing schedules in
   * between. `lost` picks events the platform never delivers (SPEC §5: never assume an event
   * arrives); they are counted in `stats.lost`.
   */
  replay(from?: number, to?: number, options?: ReplayOptions): Promise<ReplayStats>;
  /** Lets simulated time pass (schedules fire) until the outbox and backlog had a chance to drain. */
  settle(minutes?: number): Promise<void>;
  /** From now on the local Freshdesk stands still at `atMs` (what happened after is never seen). */
  freezeFreshdesk(atMs: number): void;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const start = options.start ?? '2026-11-02T00:00:00Z';
  const world = generateWorld({ seed: options.seed ?? 7, start, days: options.days ?? 1, ticketsPerDay: options.ticketsPerDay ?? 2000, ...options.world });
  const installedAt = options.installAt ?? world.start - 60_000;
  const clock = new ManualClock(installedAt);
  // Freshdesk answers as of the clock, or as of the moment `freezeFreshdesk` fixed (a bench whose
  // feed ends before the world does: a later walk must not find what was never fed).
  let frozenAt = Number.POSITIVE_INFINITY;
  const freshdeskClock = { now: (): number => Math.min(clock.now(), frozenAt) };
  const freshdesk = await startLocalFreshdesk({
    world,
    clock: freshdeskClock,
    limitClock: clock,
    plan: options.plan ?? 'pro',
    adminApiKey: SANDBOX_KEYS.freshdeskAdmin,
    agentApiKey: SANDBOX_KEYS.freshdeskAgent,
  });
  const injixo = await startLocalInjixo({ apiKey: SANDBOX_KEYS.injixo, clock, ...(options.faults ? { faults: options.faults } : {}) });
  const domain = world.account.domain;
  // Shaped like the install page's postConfigs(): values plus which of them are secure.
  const iparams: Record<string, unknown> = {
    __meta: { secure: [...SECURE_IPARAMS] },
    injixo_api_key: SANDBOX_KEYS.injixo,
    freshdesk_api_key: SANDBOX_KEYS.freshdeskAdmin,
    reply_scope: options.replyScope ?? 'customer',
    import_window_days: 0,
    ...options.iparams,
  };
  const platform = await LocalPlatform.load({
    iparams,
    clock,
    account: { domain },
    hostMap: { 'api.injixo.com': injixo.url, [domain]: freshdesk.url },
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.onLog ? { onLog: options.onLog } : {}),
    ...(options.inProcess ? { inProcessHandlers: handlers } : {}),
    ...(options.platformFaults ? { faults: options.platformFaults } : {}),
  });
  const installed = await platform.install();
  if (!installed.ok) {
    await Promise.all([platform.close(), injixo.close(), freshdesk.close()]);
    throw new Error(`sandbox: install was refused: ${installed.message}`);
  }

  async function replay(from = world.start, to = world.end, options: ReplayOptions = {}): Promise<ReplayStats> {
    const stats: ReplayStats = { events: 0, byEvent: {}, failedInvocations: 0, lost: 0 };
    const every = options.everyMs ?? 3_600_000;
    let nextReport = from + every;
    const report = (upTo: number): void => {
      for (; nextReport <= upTo && nextReport <= to; nextReport += every) options.onProgress?.(nextReport, stats);
    };
    for (const event of world.timeline(from, to)) {
      report(event.at);
      if (event.at > clock.now()) await platform.advance(event.at - clock.now());
      if (options.lost?.(event) === true) {
        stats.lost += 1;
        continue;
      }
      for (const productEvent of toProductEvents(world, event)) {
        const result = await platform.trigger(productEvent.event, productEvent.data);
        stats.events += 1;
        stats.byEvent[productEvent.event] = (stats.byEvent[productEvent.event] ?? 0) + 1;
        if (!result.ok) stats.failedInvocations += 1;
      }
    }
    report(to);
    return stats;
  }

  async function settle(minutes = 30): Promise<void> {
    for (let i = 0; i < minutes; i += 1) await platform.advance(60_000);
  }

  async function close(): Promise<void> {
    await platform.close();
    await injixo.close();
    await freshdesk.close();
  }

  const freezeFreshdesk = (atMs: number): void => {
    frozenAt = atMs;
  };

  return { clock, world, platform, injixo, freshdesk, freshdeskUrl: freshdesk.url, iparams, installedAt, replay, settle, close, freezeFreshdesk };
}
