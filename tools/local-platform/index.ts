/**
 * The local Freshworks Platform 3.0 (SPEC §6): runs the *built* server/server.js in a sandbox
 * shaped like the platform's, with `$request`, `$db`, `$schedule` and `renderData` behaving as
 * the platform documents, a clock the caller controls, the per-minute limits on by default, and
 * a ledger of every platform call for tests and benchmarks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { format } from 'node:util';
import { ManualClock, type Clock } from '../clock';
import { readAppConfig, type AppConfig } from './app-config';
import { KV_MAX_ENTRY_BYTES, KvStore } from './kv-store';
import { SlidingWindowLimiter } from './rate-limiter';
import { sendRequest } from './request-client';
import { AppSandbox, type SandboxInstance } from './sandbox';
import { MAX_SCHEDULE_DATA_BYTES, Scheduler, type ScheduleRecord } from './scheduler';
import { renderTemplate } from './template-renderer';
import {
  DEFAULT_FIDELITY,
  DEFAULT_LIMITS,
  PlatformCallError,
  isPlainObject,
  jsonBytes,
  type InvocationResult,
  type LedgerEntry,
  type LedgerKind,
  type LogLine,
  type PlatformFaultHooks,
  type PlatformFidelity,
  type PlatformLimits,
  type RenderedData,
} from './types';

export * from './types';
export type { ScheduleRecord } from './scheduler';

export interface LocalPlatformOptions {
  /** Default: the repository root. */
  appDir?: string;
  /**
   * Installation parameters, secure ones included. An app with a custom settings page
   * (config/iparams.html) names its secure ones the way its `postConfigs` does, in
   * `__meta.secure` (runtime/custom-iparams-docs.md); the handlers never see `__meta`.
   */
  iparams: Record<string, unknown>;
  /** Template host → local base URL, e.g. {'api.injixo.com': 'http://127.0.0.1:4321'}. */
  hostMap?: Record<string, string>;
  clock?: Clock;
  /**
   * `freshdeskUrl`: what currentHost.endpoint_urls.freshdesk says (default `https://<domain>`),
   * to try the shapes an account URL may take (trailing slash, …).
   */
  account?: { id?: string; domain?: string; region?: string; freshdeskUrl?: string };
  limits?: Partial<PlatformLimits>;
  /**
   * The behaviours no Freshworks source settles, strict by default (see PlatformFidelity and
   * docs/platform-assumptions.md): e.g. `{minScheduleLeadMs: 0}` to allow sooner schedules.
   */
  fidelity?: Partial<PlatformFidelity>;
  onLog?: (line: LogLine) => void;
  /**
   * Run these handlers (the app's TypeScript sources, `src/entry/handlers.ts`) in this
   * process instead of the built server.js in the sandbox: the same services, limits and
   * ledger, but the code is the one jest measures for coverage. Fidelity tests leave it unset.
   */
  inProcessHandlers?: Record<string, (args: never, platform: never) => unknown>;
  /**
   * Opt-in warm starts (the fault simulator): when this answers true, the invocation runs in the
   * context the previous invocation loaded (its modules and their module state kept), as a
   * serverless platform reuses a warm container; otherwise, and by default, in a fresh one.
   * Only the platform globals are new. Ignored for in-process handlers.
   */
  warmStart?: (invocation: { event: string; handler: string; invocationId: number }) => boolean;
  /** Opt-in fault injection (the fault simulator): refusals, crash points, write sizes. */
  faults?: PlatformFaultHooks;
}

/** How the platform delivers one product event (see trigger()). */
export interface DeliveryOptions {
  /**
   * Deliver the same event (same payload, same args) again this many clock ms later, during
   * advance(): product events may come twice (SPEC §5, nothing documents at-least-once or not).
   */
  redeliverAfterMs?: number;
}

/** One product event of a batch given to triggerOutOfOrder(). */
export interface EventToDeliver {
  event: string;
  data: unknown;
}

interface PendingRedelivery {
  at: number;
  event: string;
  args: Record<string, unknown>;
}

export type SetupOutcome = { ok: true } | { ok: false; message: string };
export type FunctionOutcome = { ok: true; data: unknown } | { ok: false; error: unknown };

export interface PlatformGlobals {
  request: { invokeTemplate(name: string, options?: unknown): Promise<unknown> };
  db: {
    set(key: string, value: unknown, options?: unknown): Promise<unknown>;
    get(key: string): Promise<unknown>;
    delete(key: string): Promise<unknown>;
    update(key: string, action: string, attributes: unknown): Promise<unknown>;
  };
  schedule: {
    create(spec: unknown): Promise<unknown>;
    fetch(query: unknown): Promise<unknown>;
    update(spec: unknown): Promise<unknown>;
    delete(query: unknown): Promise<unknown>;
  };
  renderData: (error?: unknown, data?: unknown) => void;
}

/** App set-up events (architecture/app_setup_events_doc.md) end with renderData. */
const SETUP_EVENTS = new Set(['onAppInstall', 'onAppUninstall', 'afterAppUpdate']);
/** App events carry a millisecond timestamp; product events carry seconds (see server/test_data). */
const APP_EVENTS = new Set([...SETUP_EVENTS, 'onScheduledEvent', 'onExternalEvent']);
/** architecture/app_setup_events_doc.md: the renderData error message "should not exceed 60 characters". */
export const RENDER_MESSAGE_MAX = 60;
/** api/server-method-invocation-docs.md: "The payload limit for SMI should not exceed 100KB". */
export const SMI_PAYLOAD_BYTES = 100 * 1024;

type Mode = 'event' | 'setup' | 'smi';

interface Scope {
  invocationId: number;
  handler: string;
  /** A simulated crash happened: later platform calls of this invocation reject. */
  crashed: boolean;
  /** The invocation ended by timeout or crash; its stray async work may not reach the platform. */
  dead: boolean;
  /** Platform calls made so far (the fault hooks' crash point counts them). */
  calls?: number;
  rendered?: RenderedData;
  onRender?: () => void;
  onCrash?: (entry: LedgerEntry) => void;
}

type Ending =
  | { kind: 'returned'; value: unknown }
  | { kind: 'rendered' }
  | { kind: 'threw'; error: unknown }
  | { kind: 'timeout' }
  | { kind: 'crash'; entry: LedgerEntry };

const repoRoot = path.resolve(__dirname, '..', '..');

function describeError(error: unknown): string {
  if (isPlainObject(error) || (typeof error === 'object' && error !== null)) {
    const e = error as { message?: unknown; status?: unknown };
    if (typeof e.message === 'string') return e.message;
    return JSON.stringify(error);
  }
  return String(error);
}

/** Copies a value out of the sandbox's realm (JSON-shaped; an Error keeps name and message). */
function toHost(value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (typeof value === 'object' && typeof (value as Error).stack === 'string' && typeof (value as Error).message === 'string') {
    return { name: (value as Error).name, message: (value as Error).message };
  }
  const json = JSON.stringify(value);
  return json === undefined ? undefined : JSON.parse(json);
}

export class LocalPlatform {
  readonly ledger: LedgerEntry[] = [];
  readonly logs: LogLine[] = [];
  private readonly kv: KvStore;
  private readonly scheduler: Scheduler;
  private readonly requestLimiter: SlidingWindowLimiter;
  private readonly kvLimiter: SlidingWindowLimiter;
  private readonly limits: PlatformLimits;
  readonly fidelity: PlatformFidelity;
  private redeliveries: PendingRedelivery[] = [];
  private readonly account: { id: string; domain: string; region: string };
  private readonly hostScope: Scope = { invocationId: 0, handler: '(host)', crashed: false, dead: false };
  private iparams: Record<string, unknown>;
  private nextInvocationId = 0;
  private crashMatcher: ((entry: LedgerEntry) => boolean) | undefined;
  private kvRefusal: ((op: string, key: string | undefined) => boolean) | undefined;
  private installed = false;
  private closed = false;
  /** The context warm starts reuse (options.warmStart): the one the last fresh invocation loaded. */
  private warm: SandboxInstance | undefined;

  private constructor(
    private readonly config: AppConfig,
    private readonly sandbox: AppSandbox,
    private readonly clock: Clock,
    private readonly options: LocalPlatformOptions,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.fidelity = { ...DEFAULT_FIDELITY, ...options.fidelity };
    this.account = {
      id: options.account?.id ?? '1',
      domain: options.account?.domain ?? 'acme.freshdesk.com',
      region: options.account?.region ?? 'US',
    };
    this.iparams = this.acceptIparams(options.iparams);
    this.kv = new KvStore(clock, this.fidelity.fdkUpdateSemantics);
    this.scheduler = new Scheduler(clock, this.fidelity.minScheduleLeadMs);
    this.requestLimiter = new SlidingWindowLimiter(clock, this.limits.requestsPerMinute);
    this.kvLimiter = new SlidingWindowLimiter(clock, this.limits.kvOpsPerMinute);
  }

  /** Reads the app's manifest and config and checks server.js exports every manifest handler. */
  static load(options: LocalPlatformOptions): Promise<LocalPlatform> {
    // Built inside the executor so a bad app folder rejects instead of throwing synchronously.
    return new Promise((resolve) => resolve(LocalPlatform.create(options)));
  }

  private static create(options: LocalPlatformOptions): LocalPlatform {
    const appDir = path.resolve(options.appDir ?? repoRoot);
    const config = readAppConfig(appDir);
    const sandbox = new AppSandbox(path.join(appDir, 'server'), config.dependencies, options.inProcessHandlers !== undefined);
    const platform = new LocalPlatform(config, sandbox, options.clock ?? new ManualClock(), options);
    const exported = platform.instantiate(platform.sandboxGlobals(platform.hostScope)).exports;
    const missing = [...config.eventHandlers.values(), ...config.functions].filter((h) => typeof exported[h] !== 'function');
    if (missing.length > 0) {
      throw new Error(`local platform: server/server.js does not export handler(s) named in manifest.json: ${missing.join(', ')}`);
    }
    return platform;
  }

  /** Takes `__meta.secure` out of a postConfigs-shaped object and remembers those names as secure. */
  private acceptIparams(iparams: Record<string, unknown>): Record<string, unknown> {
    const { __meta: meta, ...values } = iparams;
    const secure = isPlainObject(meta) && Array.isArray(meta.secure) ? meta.secure : [];
    for (const name of secure) if (typeof name === 'string') this.config.secureIparams.add(name);
    return values;
  }

  get isInstalled(): boolean {
    return this.installed;
  }

  // ---- events -------------------------------------------------------------------------------

  /**
   * Fires a product or app event by its event name (e.g. 'onTicketCreate') with a real-shaped
   * payload. `delivery.redeliverAfterMs` delivers the very same args again that much later on
   * the clock (fired by advance(), in time order with the schedules).
   */
  async trigger(event: string, data?: unknown, extra: Record<string, unknown> = {}, delivery: DeliveryOptions = {}): Promise<InvocationResult> {
    const handler = this.handlerFor(event);
    const args: Record<string, unknown> = { ...this.baseArgs(event), ...(data === undefined ? {} : { data }), ...extra };
    this.checkPayload(event, data);
    if (delivery.redeliverAfterMs !== undefined) {
      this.redeliveries.push({ at: this.clock.now() + delivery.redeliverAfterMs, event, args: JSON.parse(JSON.stringify(args)) as Record<string, unknown> });
    }
    return await this.invoke(event, handler, args, SETUP_EVENTS.has(event) ? 'setup' : 'event');
  }

  /**
   * Delivers a batch of product events in the order `order` gives (indexes into `events`;
   * default: last first), each with the args it would have had at this moment — the platform
   * documents no ordering (SPEC §5). Results come back in delivery order.
   */
  async triggerOutOfOrder(events: readonly EventToDeliver[], order: readonly number[] = events.map((_, i) => events.length - 1 - i)): Promise<InvocationResult[]> {
    const sorted = [...order].sort((a, b) => a - b);
    if (sorted.length !== events.length || sorted.some((v, i) => v !== i)) {
      throw new Error('local platform: triggerOutOfOrder needs an order that names every event exactly once');
    }
    const results: InvocationResult[] = [];
    for (const index of order) {
      const item = events[index] as EventToDeliver;
      results.push(await this.trigger(item.event, item.data));
    }
    return results;
  }

  /** Redeliveries still waiting for advance(), earliest first. */
  pendingRedeliveries(): Array<{ at: number; event: string }> {
    return [...this.redeliveries].sort((a, b) => a.at - b.at).map(({ at, event }) => ({ at, event }));
  }

  /** Runs a server/test_data JSON file as-is, with this installation's iparams merged in. */
  async runFixture(file: string): Promise<InvocationResult> {
    const payload: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!isPlainObject(payload)) throw new Error(`local platform: ${file} is not a JSON object`);
    const event = typeof payload.event === 'string' ? payload.event : path.basename(file, '.json');
    const handler = this.handlerFor(event);
    this.checkPayload(event, payload.data);
    const iparams = isPlainObject(payload.iparams) ? payload.iparams : {};
    return await this.invoke(event, handler, { ...payload, iparams: { ...iparams, ...this.iparams } }, SETUP_EVENTS.has(event) ? 'setup' : 'event');
  }

  /** onAppInstall: the install completes only when the handler calls renderData() without an error. */
  async install(): Promise<SetupOutcome> {
    const outcome = await this.runSetup('onAppInstall');
    if (outcome.ok) this.installed = true;
    return outcome;
  }

  /**
   * onAppUninstall. The docs warn that an uninstall handler answering with an error blocks the
   * uninstall for good; we report that as `{ok: false}` so tests can assert it never happens.
   * A completed uninstall removes the installation's KV data and schedules (keyvalue-store-docs.md).
   */
  async uninstall(): Promise<SetupOutcome> {
    const outcome = await this.runSetup('onAppUninstall');
    if (outcome.ok) {
      this.installed = false;
      this.kv.clear();
      this.scheduler.clear();
    }
    return outcome;
  }

  /** New settings; fires afterAppUpdate when declared and keeps the old settings if it refuses. */
  async updateSettings(iparams: Record<string, unknown>): Promise<SetupOutcome> {
    const previous = this.iparams;
    this.iparams = this.acceptIparams(iparams);
    const outcome = await this.runSetup('afterAppUpdate');
    if (!outcome.ok) this.iparams = previous;
    return outcome;
  }

  /** Server method invocation: the function answers with renderData(error, data). */
  async callFunction(name: string, data: Record<string, unknown> = {}): Promise<FunctionOutcome> {
    if (!this.config.functions.has(name)) {
      return { ok: false, error: { status: 404, message: 'Requested function not found or registered' } };
    }
    if (jsonBytes(data) > SMI_PAYLOAD_BYTES) {
      return { ok: false, error: { status: 413, message: `SMI payload exceeds ${SMI_PAYLOAD_BYTES} bytes` } };
    }
    // api/server-method-invocation-docs.md: the function receives the payload plus `iparams`.
    const result = await this.invoke(name, name, { ...data, iparams: { ...this.iparams } }, 'smi');
    if (!result.rendered) return { ok: false, error: { status: 500, message: result.error?.message ?? 'no response' } };
    if (result.rendered.error !== null && result.rendered.error !== undefined) return { ok: false, error: result.rendered.error };
    return { ok: true, data: result.rendered.data };
  }

  /**
   * Moves a ManualClock forward and fires every schedule that falls due, in time order, each
   * awaited before the next (the clock stands at the schedule's time while it runs).
   */
  async advance(ms: number): Promise<InvocationResult[]> {
    const clock = this.clock as Partial<ManualClock>;
    if (typeof clock.advanceTo !== 'function') throw new Error('local platform: advance() needs a ManualClock');
    const target = this.clock.now() + ms;
    const results: InvocationResult[] = [];
    for (;;) {
      const scheduleAt = this.scheduler.peekNextDue(target);
      const redelivery = this.nextRedelivery(target);
      if (redelivery && (scheduleAt === undefined || redelivery.at < scheduleAt)) {
        this.redeliveries = this.redeliveries.filter((r) => r !== redelivery);
        clock.advanceTo(redelivery.at);
        results.push(await this.invoke(redelivery.event, this.handlerFor(redelivery.event), redelivery.args, 'event'));
        continue;
      }
      const due = this.scheduler.takeNextDue(target);
      if (!due) break;
      clock.advanceTo(due.nextRunAt);
      const handler = this.config.eventHandlers.get('onScheduledEvent');
      if (handler) {
        results.push(await this.invoke('onScheduledEvent', handler, { ...this.baseArgs('onScheduledEvent'), data: due.data }, 'event'));
      }
    }
    clock.advanceTo(target);
    return results;
  }

  private nextRedelivery(until: number): PendingRedelivery | undefined {
    let next: PendingRedelivery | undefined;
    for (const r of this.redeliveries) if (r.at <= until && (!next || r.at < next.at)) next = r;
    return next;
  }

  // ---- inspection ---------------------------------------------------------------------------

  /** The emulated services for TypeScript code running in-process (ledger handler '(host)'). */
  globals(): PlatformGlobals & { rendered(): RenderedData | undefined } {
    const scope = this.hostScope;
    const g = this.services(scope, (v) => toHost(v));
    return {
      request: g.$request,
      db: g.$db,
      schedule: g.$schedule,
      renderData: (error?: unknown, data?: unknown) => {
        scope.rendered = { error: error ?? null, data };
      },
      rendered: () => scope.rendered,
    };
  }

  /**
   * Platform calls by kind: in total, or of one invocation (`InvocationResult.invocationId`), so a
   * test can say "this handler made no platform call" without diffing totals.
   */
  counts(invocationId?: number): { requests: number; kvOps: number; schedules: number; invocations: number; rejected: number } {
    const entries = invocationId === undefined ? this.ledger : this.ledger.filter((e) => e.invocationId === invocationId);
    const of = (kind: LedgerKind): number => entries.filter((e) => e.kind === kind).length;
    return {
      requests: of('request'),
      kvOps: of('kv'),
      schedules: of('schedule'),
      invocations: of('invocation'),
      rejected: entries.filter((e) => e.outcome === 'rejected').length,
    };
  }

  kvSnapshot(): Record<string, unknown> {
    return this.kv.snapshot();
  }

  schedulesSnapshot(): ScheduleRecord[] {
    return this.scheduler.snapshot();
  }

  /**
   * Simulates other invocations having used up the minute's KV budget: while set, KV calls for
   * which `match(op, key)` is true are refused like the limit refuses them (429). `undefined` ends it.
   */
  refuseKvWhile(match: ((op: string, key: string | undefined) => boolean) | undefined): void {
    this.kvRefusal = match;
  }

  /** The process "dies" right after the first platform call matching `match` completes. */
  crashOn(match: (entry: LedgerEntry) => boolean): void {
    this.crashMatcher = match;
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  // ---- internals ----------------------------------------------------------------------------

  private handlerFor(event: string): string {
    const handler = this.config.eventHandlers.get(event);
    if (!handler) throw new Error(`local platform: manifest.json declares no handler for event '${event}'`);
    return handler;
  }

  private checkPayload(event: string, data: unknown): void {
    const bytes = jsonBytes(data ?? null);
    if (bytes > this.limits.payloadBytes) {
      throw new Error(`local platform: the ${event} payload is ${bytes} bytes, over the platform's ${this.limits.payloadBytes}-byte limit`);
    }
  }

  private baseArgs(event: string): Record<string, unknown> {
    const now = this.clock.now();
    return {
      account_id: this.account.id,
      domain: this.account.domain,
      event,
      region: this.account.region,
      timestamp: APP_EVENTS.has(event) ? now : now / 1000,
      // architecture/current_host.md: the modules the account subscribes to and the product URLs.
      currentHost: { subscribed_modules: [...this.config.productModules], endpoint_urls: { freshdesk: this.freshdeskUrl() } },
      // The FDK's local event payloads carry the app's settings beside iparams; ours has none. [assumption]
      app_settings: {},
      iparams: { ...this.iparams },
    };
  }

  /** The account URL as documented: https://<domain> (architecture/current_host.md). */
  private freshdeskUrl(): string {
    return this.options.account?.freshdeskUrl ?? `https://${this.account.domain.replace(/^https?:\/\//i, '')}`;
  }

  private async runSetup(event: string): Promise<SetupOutcome> {
    const handler = this.config.eventHandlers.get(event);
    if (!handler) return { ok: true };
    const result = await this.invoke(event, handler, this.baseArgs(event), 'setup');
    return result.ok ? { ok: true } : { ok: false, message: result.error?.message ?? 'failed' };
  }

  private record(scope: Scope, entry: Omit<LedgerEntry, 'invocationId' | 'handler' | 'at'>): LedgerEntry {
    const full: LedgerEntry = { invocationId: scope.invocationId, handler: scope.handler, at: this.clock.now(), ...entry };
    this.ledger.push(full);
    return full;
  }

  /** Runs one platform call for `scope`: ledger entry, crash simulation, realm copy of the answer. */
  private async platformCall(
    scope: Scope,
    kind: Exclude<LedgerKind, 'invocation'>,
    meta: { name?: string; op?: string; key?: string },
    realm: (v: unknown) => unknown,
    run: () => unknown,
  ): Promise<unknown> {
    if (this.closed || scope.crashed || scope.dead) {
      this.record(scope, { kind, ...meta, outcome: 'rejected' });
      throw realm({ status: 500, message: 'local platform: this invocation has already ended (crash, timeout or closed platform)' });
    }
    let value: unknown;
    try {
      value = await run();
    } catch (err) {
      if (!(err instanceof PlatformCallError)) throw err;
      const p = err.payload;
      const entry = this.record(scope, {
        kind, ...meta, outcome: err.outcome,
        ...(typeof p.status === 'number' ? { status: p.status } : {}),
        ...(typeof p.attempts === 'number' ? { attempts: p.attempts } : {}),
      });
      if (this.crashAfter(scope, entry)) return new Promise(() => undefined);
      throw realm(p);
    }
    const v = value as { status?: unknown; attempts?: unknown };
    const entry = this.record(scope, {
      kind, ...meta, outcome: 'ok',
      ...(kind === 'request' && typeof v.status === 'number' ? { status: v.status } : {}),
      ...(kind === 'request' && typeof v.attempts === 'number' ? { attempts: v.attempts } : {}),
    });
    // The process died before the app could see the answer: the promise never settles.
    if (this.crashAfter(scope, entry)) return new Promise(() => undefined);
    if (kind === 'request') {
      const r = value as { status: number; headers: Record<string, string>; response: string };
      return realm({ status: r.status, headers: r.headers, response: r.response });
    }
    return realm(value);
  }

  private crashAfter(scope: Scope, entry: LedgerEntry): boolean {
    if (scope === this.hostScope) return false;
    scope.calls = (scope.calls ?? 0) + 1;
    const hooked = this.options.faults?.crashAfter?.(entry, scope.calls) === true;
    if (!hooked && (!this.crashMatcher || !this.crashMatcher(entry))) return false;
    if (!hooked) this.crashMatcher = undefined;
    scope.crashed = true;
    scope.onCrash?.(entry);
    return true;
  }

  private limited(limiter: SlidingWindowLimiter, payload: Record<string, unknown>): void {
    if (!limiter.tryAcquire()) throw new PlatformCallError({ status: 429, ...payload }, 'rejected');
  }

  private services(scope: Scope, realm: (v: unknown) => unknown): { $request: PlatformGlobals['request']; $db: PlatformGlobals['db']; $schedule: PlatformGlobals['schedule'] } {
    const hooks = this.options.faults;
    const refuse = (kind: 'kv' | 'request' | 'schedule', op: string, key: string | undefined): void => {
      const refusal = hooks?.refuse?.({ kind, op, ...(key === undefined ? {} : { key }), invocationId: scope.invocationId, handler: scope.handler });
      if (refusal) throw new PlatformCallError(refusal, 'rejected');
    };
    const attempted = (kind: 'kv' | 'schedule', op: string, key: string, bytes: number | undefined): void => {
      if (bytes === undefined || !hooks?.onWriteAttempt) return;
      const limit = kind === 'kv' ? KV_MAX_ENTRY_BYTES : MAX_SCHEDULE_DATA_BYTES;
      hooks.onWriteAttempt({ kind, op, key, bytes, limit, invocationId: scope.invocationId, handler: scope.handler, at: this.clock.now() });
    };
    const kvCall = (op: string, key: unknown, run: () => unknown, value?: unknown, attributes?: unknown): Promise<unknown> =>
      this.platformCall(scope, 'kv', { op, ...(typeof key === 'string' ? { key } : {}) }, realm, () => {
        const writes = op === 'set' || op === 'update';
        // An update names its action (`update:append`): an append cannot know the key's size.
        const writeOp = op === 'update' ? `update:${String(value)}` : op;
        try {
          refuse('kv', op, typeof key === 'string' ? key : undefined);
          // errors/request-method-errors.md words the request limit; the KV one is worded alike. [assumption]
          const message = `You have exceeded the limit of ${this.limits.kvOpsPerMinute} requests per minute`;
          if (this.kvRefusal?.(op, typeof key === 'string' ? key : undefined)) throw new PlatformCallError({ status: 429, message }, 'rejected');
          this.limited(this.kvLimiter, { message });
        } catch (refusal) {
          // Refused before the store saw it: what would it have written?
          if (writes && hooks?.onWriteAttempt) attempted('kv', writeOp, String(key), this.kv.measure(op, key, value, attributes));
          throw refusal;
        }
        if (!writes || !hooks?.onWriteAttempt) return run();
        try {
          return run();
        } finally {
          attempted('kv', writeOp, String(key), this.kv.lastEntryBytes);
        }
      });
    const scheduleCall = (op: string, spec: unknown, run: () => unknown): Promise<unknown> => {
      const name = isPlainObject(spec) && typeof spec.name === 'string' ? spec.name : undefined;
      return this.platformCall(scope, 'schedule', { op, ...(name === undefined ? {} : { key: name }) }, realm, () => {
        if ((op === 'create' || op === 'update') && isPlainObject(spec) && isPlainObject(spec.data)) attempted('schedule', op, name ?? '', jsonBytes(spec.data));
        refuse('schedule', op, name);
        return run();
      });
    };
    return {
      $request: {
        invokeTemplate: (name: string, options?: unknown) =>
          this.platformCall(scope, 'request', { name: String(name) }, realm, () => {
            refuse('request', String(name), undefined);
            return this.invokeTemplate(name, options);
          }),
      },
      $db: {
        set: (key, value, options) => kvCall('set', key, () => this.kv.set(key, value, options), value),
        get: (key) => kvCall('get', key, () => this.kv.get(key)),
        delete: (key) => kvCall('delete', key, () => this.kv.delete(key)),
        update: (key, action, attributes) => kvCall('update', key, () => this.kv.update(key, action, attributes), action, attributes),
      },
      $schedule: {
        create: (spec) => scheduleCall('create', spec, () => this.scheduler.create(spec)),
        fetch: (query) => scheduleCall('fetch', query, () => this.scheduler.fetch(query)),
        update: (spec) => scheduleCall('update', spec, () => this.scheduler.update(spec)),
        delete: (query) => scheduleCall('delete', query, () => this.scheduler.delete(query)),
      },
    };
  }

  private invokeTemplate(name: unknown, options: unknown): Promise<unknown> {
    this.limited(this.requestLimiter, {
      headers: {},
      message: `You have exceeded the limit of ${this.limits.requestsPerMinute} requests per minute`,
      errorSource: 'APP',
    });
    const template = typeof name === 'string' && this.config.declaredRequests.has(name) ? this.config.requestTemplates[name] : undefined;
    if (template === undefined) {
      // errors/error-catalog.md: declared in manifest.json AND defined in config/requests.json. Status is ours. [assumption]
      throw new PlatformCallError({ status: 404, headers: {}, message: 'Request template not found', errorSource: 'APP', attempts: 0 }, 'rejected');
    }
    const opts = isPlainObject(options) ? options : {};
    if (opts.body !== undefined && typeof opts.body !== 'string') {
      throw new PlatformCallError({ status: 400, headers: {}, message: 'The request body must be a string (JSON.stringify it)', errorSource: 'APP', attempts: 0 }, 'rejected');
    }
    const rendered = renderTemplate(template, {
      iparams: this.iparams,
      secureIparams: this.config.secureIparams,
      context: isPlainObject(opts.context) ? opts.context : {},
      endpointUrls: { freshdesk: this.freshdeskUrl() },
      strictHost: this.fidelity.strictHost,
    });
    return sendRequest(rendered, opts.body, {
      hostMap: this.options.hostMap ?? {},
      timeoutMs: this.limits.requestTimeoutMs,
      retryDelayScale: this.limits.retryDelayScale,
      checkResponseContentType: this.fidelity.checkResponseContentType,
    });
  }

  /** The app's exports for one invocation: from the built server.js, or the in-process handlers. */
  private instantiate(globals: Record<string, unknown>): { exports: Record<string, unknown>; clone<T>(value: T): T } {
    const handlers = this.options.inProcessHandlers;
    if (!handlers) return this.sandbox.instantiate(globals, () => this.clock.now());
    const platform = { request: globals.$request, db: globals.$db, schedule: globals.$schedule, renderData: globals.renderData, now: () => this.clock.now() };
    const sandboxConsole = globals.console as Console;
    const exports: Record<string, unknown> = {};
    for (const [name, handler] of Object.entries(handlers)) {
      exports[name] = async (args: unknown): Promise<unknown> => {
        // The sources log through the global console; route it into this invocation's log lines.
        const hostConsole = globalThis.console;
        globalThis.console = sandboxConsole;
        try {
          return await (handler as (a: unknown, p: unknown) => unknown)(args, platform);
        } finally {
          globalThis.console = hostConsole;
        }
      };
    }
    return { exports, clone: <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T)) };
  }

  /** A fresh context, or with options.warmStart the warm one with this invocation's globals. */
  private instanceFor(event: string, handler: string, invocationId: number, globals: Record<string, unknown>): { exports: Record<string, unknown>; clone<T>(value: T): T } {
    const warmStart = this.options.warmStart;
    if (!warmStart || this.options.inProcessHandlers) return this.instantiate(globals);
    if (this.warm && warmStart({ event, handler, invocationId })) {
      this.warm.rebind(globals);
      return this.warm;
    }
    this.warm = this.sandbox.instantiate(globals, () => this.clock.now());
    return this.warm;
  }

  private sandboxGlobals(scope: Scope, realm: (v: unknown) => unknown = toHost): Record<string, unknown> {
    const s = this.services(scope, (v) => realm(v));
    const log = (level: LogLine['level']) => (...args: unknown[]): void => {
      const line: LogLine = { level, message: format(...args), at: this.clock.now(), handler: scope.handler, invocationId: scope.invocationId };
      this.logs.push(line);
      this.options.onLog?.(line);
    };
    return {
      $request: s.$request,
      $db: s.$db,
      $schedule: s.$schedule,
      renderData: (error?: unknown, data?: unknown): void => {
        if (scope.rendered) return; // the platform answers once; later calls change nothing
        scope.rendered = { error: toHost(error) ?? null, data: toHost(data) };
        scope.onRender?.();
      },
      generateTargetUrl: () => Promise.resolve(`http://127.0.0.1:10001/local-platform/webhooks/${encodeURIComponent(this.account.id)}`),
      console: { log: log('log'), info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') },
    };
  }

  private async invoke(event: string, handler: string, args: Record<string, unknown>, mode: Mode): Promise<InvocationResult> {
    if (this.closed) throw new Error('local platform: closed');
    const scope: Scope = { invocationId: ++this.nextInvocationId, handler, crashed: false, dead: false };
    let cloneIn: (v: unknown) => unknown = toHost;
    const instance = this.instanceFor(event, handler, scope.invocationId, this.sandboxGlobals(scope, (v) => cloneIn(v)));
    cloneIn = (v) => instance.clone(v);
    const fn = instance.exports[handler];

    const budgetMs = mode === 'setup' ? Math.min(this.limits.invocationMs, this.limits.setupEventMs) : this.limits.invocationMs;
    const wallStart = performance.now();
    const cpuStart = process.cpuUsage();
    let timer: NodeJS.Timeout | undefined;
    let returned: unknown;
    const ending = await new Promise<Ending>((resolve) => {
      scope.onCrash = (entry) => resolve({ kind: 'crash', entry });
      scope.onRender = () => {
        if (mode !== 'event') resolve({ kind: 'rendered' });
      };
      timer = setTimeout(() => resolve({ kind: 'timeout' }), budgetMs);
      if (typeof fn !== 'function') {
        resolve({ kind: 'threw', error: new Error(`server/server.js exports no function '${handler}'`) });
        return;
      }
      let result: unknown;
      try {
        result = (fn as (a: unknown) => unknown).call(instance.exports, instance.clone(args));
      } catch (error) {
        resolve({ kind: 'threw', error });
        return;
      }
      Promise.resolve(result).then(
        (value) => {
          returned = value;
          // Set-up events and SMI wait for renderData (or time out), like the platform.
          if (mode === 'event') resolve({ kind: 'returned', value });
          else if (scope.rendered) resolve({ kind: 'rendered' });
        },
        (error: unknown) => resolve({ kind: 'threw', error }),
      );
    });
    clearTimeout(timer);
    if (ending.kind === 'timeout' || ending.kind === 'crash') scope.dead = true;
    const cpu = process.cpuUsage(cpuStart);
    const wallMs = performance.now() - wallStart;
    const cpuMicros = cpu.user + cpu.system;

    const error = this.endingError(ending, scope, mode, budgetMs);
    const result: InvocationResult = {
      invocationId: scope.invocationId,
      event,
      handler,
      ok: error === undefined,
      ...(returned === undefined ? {} : { value: toHost(returned) }),
      ...(scope.rendered ? { rendered: scope.rendered } : {}),
      ...(error ? { error } : {}),
      wallMs,
      cpuMicros,
    };
    this.ledger.push({
      invocationId: scope.invocationId, handler, kind: 'invocation', name: event,
      outcome: result.ok ? 'ok' : 'error', at: this.clock.now(), wallMs, cpuMicros,
    });
    return result;
  }

  private endingError(ending: Ending, scope: Scope, mode: Mode, budgetMs: number): InvocationResult['error'] | undefined {
    switch (ending.kind) {
      case 'returned':
        return undefined;
      case 'threw':
        return { message: describeError(ending.error), cause: toHost(ending.error) };
      case 'timeout':
        return { message: `App execution timed out after ${budgetMs} ms${mode !== 'event' && !scope.rendered ? ' (renderData was never called)' : ''}` };
      case 'crash':
        return { message: `local platform: simulated crash after ${ending.entry.kind} ${ending.entry.op ?? ending.entry.name ?? ''}`.trimEnd() };
      case 'rendered': {
        const rendered = scope.rendered as RenderedData;
        if (mode !== 'setup' || rendered.error === null || rendered.error === undefined) return undefined;
        const message = isPlainObject(rendered.error) && typeof rendered.error.message === 'string' ? rendered.error.message : '';
        if (message.length > RENDER_MESSAGE_MAX) {
          return { message: `renderData error message must not exceed ${RENDER_MESSAGE_MAX} characters (got ${message.length}): ${message}` };
        }
        return { message: message || 'renderData was called with an error that has no message', cause: rendered.error };
      }
    }
  }
}
