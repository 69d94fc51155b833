import { newState } from '../../src/delivery/commit/state';
/**
 * The BUILT validators (npm run build): server/lib carries ajv standalone code, create-validator
 * runs it instead of compiling, and it says exactly what the runtime-compiled schema says.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as vm from 'node:vm';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type * as CreateValidator from '../../src/schemas/create-validator';
import type { Validated } from '../../src/schemas/create-validator';

const libDir = path.resolve(__dirname, '..', '..', 'server', 'lib');
const fixtureDir = path.resolve(__dirname, '..', '..', 'server', 'test_data', 'support_ticket');
const AJV_LOADED = 'test: the ajv compiler package was loaded';

function fixtureData(event: string): Record<string, unknown> {
  return (JSON.parse(fs.readFileSync(path.join(fixtureDir, `${event}.json`), 'utf8')) as { data: Record<string, unknown> }).data;
}

/**
 * Loads server/lib files into a fresh vm context the way the platform does, except that loading
 * the `ajv` package itself (the compiler) throws and string code generation is switched off.
 * `hide` makes one server/lib module look absent.
 */
function loadBuilt(file: string, hide?: string): { exports: Record<string, unknown>; loaded: string[] } {
  const context = vm.createContext({}, { codeGeneration: { strings: false, wasm: false } });
  const loaded: string[] = [];
  const modules = new Map<string, { exports: Record<string, unknown> }>();
  const requireIn = (spec: string): unknown => {
    if (spec === 'ajv') throw new Error(AJV_LOADED);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (spec.startsWith('ajv/')) return require(spec);
    const name = spec.replace(/^\.\//, '');
    if (!spec.startsWith('./') || name === hide) throw Object.assign(new Error(`Cannot find module '${spec}'`), { code: 'MODULE_NOT_FOUND' });
    const cached = modules.get(name);
    if (cached) return cached.exports;
    const mod = { exports: {} };
    modules.set(name, mod);
    loaded.push(name);
    const source = fs.readFileSync(path.join(libDir, `${name}.js`), 'utf8');
    const fn = vm.runInContext(`(function (exports, require, module) {${source}\n})`, context) as (...a: unknown[]) => void;
    fn(mod.exports, requireIn, mod);
    return mod.exports;
  };
  return { exports: requireIn(`./${file}`) as Record<string, unknown>, loaded };
}

describe('the built server/lib', () => {
  it('contains the standalone module, which create-validator requires by its flat name', () => {
    expect(fs.existsSync(path.join(libDir, 'schemas-standalone.js'))).toBe(true);
    expect(fs.readFileSync(path.join(libDir, 'schemas-create-validator.js'), 'utf8')).toContain('require("./schemas-standalone")');
  });

  it('validates product events without loading the ajv compiler or generating code', () => {
    const { exports, loaded } = loadBuilt('schemas-product-events');
    const validate = exports['validateTicketCreatedData'] as (input: unknown) => Validated<unknown>;
    expect(validate(fixtureData('onTicketCreate'))).toMatchObject({ ok: true });
    expect(validate({ ticket: { ...(fixtureData('onTicketCreate')['ticket'] as object), created_at: '2021-11-05 12:45' } })).toEqual({
      ok: false,
      error: { field: 'ticket.created_at', message: 'ticket.created_at must be an ISO-8601 time with a zone, such as 2021-11-05T12:45:13Z.' },
    });
    expect(loaded).toContain('schemas-standalone');
  });

  it('would have compiled at runtime, and so loaded ajv, had the standalone module been missing', () => {
    const { exports } = loadBuilt('schemas-product-events', 'schemas-standalone');
    const validate = exports['validateTicketCreatedData'] as (input: unknown) => Validated<unknown>;
    expect(() => validate(fixtureData('onTicketCreate'))).toThrow(AJV_LOADED);
  });
});

type BuiltCreateValidator = typeof CreateValidator;

function requireBuilt<T>(name: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(libDir, `${name}.js`)) as T;
}

/** A valid value of every shape the app validates; each schema must accept at least one. */
function validSamples(): unknown[] {
  const ticket = fixtureData('onTicketCreate')['ticket'] as Record<string, unknown>;
  const conversation = fixtureData('onConversationCreate')['conversation'] as Record<string, unknown>;
  return [
    fixtureData('onTicketCreate'),
    fixtureData('onConversationCreate'),
    fixtureData('onTicketUpdate'),
    ticket,
    [{ ...ticket, updated_at: '2021-11-05T12:45:13Z' }],
    [{ id: 4, name: 'Billing' }],
    [conversation],
    [{ type: 'default_status' }, { type: 'default_source' }],
    { choices: { Email: 1, 'Voice/SMS': 3 } },
    {
      data: [{ properties: { offered: true }, queueName: 'Billing Email Tickets', queueIdentifier: 'freshdesk/4/1/tickets', timestamp: '2026-11-21T10:34:22Z', channel: 'cases' }],
      meta: { integrationConfigurationId: 12 },
    },
    // Stored data and schedule payloads (src/delivery/stored/stored-data.ts), settings (src/schemas/iparams.ts).
    ['u', 7, 4, 1, 0, 1763721262, 1763721300],
    { kind: 'hold', record: ['c', 8, 7, 0, 2, 1763721262] },
    { kind: 'overflow', record: ['c', 8, 7, 0, 2, 1763721262] },
    newState(Date.UTC(2026, 10, 21)),
    [{ contactId: 't:7', queueName: 'Billing email Tickets', queueIdentifier: 'freshdesk/4/1/tickets', timestamp: '2026-11-21T10:34:22Z', channel: 'cases', reason: 'x' }],
    { reply_scope: 'all_public', injixo_integration_id: '12', agent_identifier: 'id' },
    { time_entry: { id: 2, ticket_id: 171, time_spent: 43920, updated_at: '2021-11-08T16:20:48Z' } },
    [{ id: 2, ticket_id: 171, time_spent: '01:05' }, { id: 3, time_spent: 60 }],
    { agent: { id: 5, available: true, status_id: 3, status_updated_at: '2026-11-21T10:00:00Z', contact: { email: 'ana@example.com' } } },
    ['a', 5, -1, 1, 0, 1763721262, 'ana@example.com'],
    { v: 1, open: { '5': ['ana@example.com', 'available', 1763721262] }, pending: [['ana@example.com', 'status-7', 1763721262, 1763721862]], sent: 1, stale: 0, duplicates: 0, dropped: 0 },
    { data: [{ agentIdentifier: 'ana@example.com', activityIdentifier: 'status-7', startTime: '2026-11-21T10:34:22Z', endTime: '2026-11-21T10:44:22Z' }], meta: { externalSystem: 'freshdesk', integrationConfigurationId: 3 } },
    { ...newState(Date.UTC(2026, 10, 21)), handled: { waiting: [7, 1763721262, 0], late: { changes: 1, seconds: 60 }, early: 0, skipped: 0, sent: 3 } },
    { import_window_days: 30 },
    { kind: 'import', token: 'import-1763721262000' },
    { kind: 'replay', token: 'replay-1763721262000' },
    { kind: 'check', token: 'e1763721262000:2:1', retry: 2, at: 1763721262000 },
    { kind: 'tend' },
    { v: 1, days: [{ d: '2026-11-20', s: 'checked', f: 10, e: 8, x: 2, p: 0, o: 0, u: ['2026-11-20T06'], at: 1763721262000, r: 30, gx: 1 }], healed: ['event_lost|2026-11-20T10:00:00Z|2026-11-20T10:15:00Z'], cost: { requests: 30, contacts: 10 } },
    { q: [['freshdesk/4/1/replies', 'Billing Email Replies']], i: [[0, 'c:9', '2026-11-21T10:34:22Z', 7, 4, 1, 0, '2026-11-21T09:00:00Z']] },
    {
      v: 1, kind: 'replay', state: 'done', host: 'acme.freshdesk.com', from: '2026-11-20T10:00:00Z', to: '2026-11-20T12:00:00Z', token: 'replay-1', nextAt: 1763721262000,
      startedAtMs: 1763721262000, slices: 2, requests: 30, contacts: 5, waitedForBacklog: 0, problems: [], moreProblems: 0, walkedAtMs: 1763721300000, finishedAtMs: 1763721900000,
      found: { chunks: [{ id: 1, n: 5 }], next: 2 },
      lanes: [[0, 1763721262000], [1, 0]], notBefore: 1763721262000, refusal: { what: 'kv', at: 1763721262000, retryAt: 1763721622000, n: 1 }, resumed: 1,
      pacer: { total: 400, nextAt: 1763721262000, nextListAt: 1763721262000, lastSentAt: 1763721262000, lastListSentAt: 1763721262000 },
      scope: { day: '2026-11-20', gaps: ['event_lost|a|b'] },
      directory: { d: { groups: { '4': 'Billing' }, sourceChoices: { Email: 1 } }, at: 1763721262000 },
      compare: {
        stage: 'compare', shards: 2, first: 7000, groups: [[0, 96, 5, 3, 4]], split: { read: 1, parts: [[2, 5], [0]] }, claims: { shards: [0], counted: ['c:9'] }, cleanup: [1, 2], uncertain: ['2026-11-20T06'],
        result: { found: 5, alreadyDelivered: 3, sent: 2, surplus: 1, claimedElsewhere: 0, moreQueues: 0, queues: [] },
      },
      result: { found: 5, alreadyDelivered: 3, sent: 2, surplus: 1, claimedElsewhere: 0, moreQueues: 0, queues: [{ queueIdentifier: 'freshdesk/4/1/tickets', queueName: 'Billing Email Tickets', found: 5, delivered: 3, sent: 2, surplus: 1, claimedElsewhere: 0 }] },
    },
    { r: [1, 40, 42, 42] },
    {
      v: 1, state: 'running', host: 'acme.freshdesk.com', from: '2026-11-14T10:00:00.000Z', to: '2026-11-21T10:00:00.000Z', token: 'import-1', nextAt: 1763721262000,
      startedAtMs: 1763721262000, slices: 1, requests: 20, contacts: 3, waitedForBacklog: 0, problems: [{ at: '2026-11-21T10:00:00.000Z', message: 'x' }], moreProblems: 0,
      cursor: {
        version: 1, from: '2026-11-14T10:00:00.000Z', to: '2026-11-21T10:00:00.000Z', startedAt: '2026-11-21T10:00:00.000Z', perPage: 100, phase: 'tickets', since: '2026-11-14T10:00:00Z',
        page: 1, skipIds: [3], lastUpdatedAt: '2026-11-15T10:00:00Z', lastIds: [4], pending: [{ id: 4, group_id: null, source: 1, spam: false, deleted: false, created_at: '2026-11-15T10:00:00Z', page: 1 }],
        counters: { listCalls: 1, conversationCalls: 0, rateLimited: 0, ticketsRead: 1, ticketContacts: 1, replyContacts: 0, unreadable: 0, vanished: 0 },
      },
    },
  ];
}

const REPLACEMENTS: readonly unknown[] = [undefined, null, 'x', '2021-11-05T12:45:13', 1.5, 0, -1, true, {}, [], [null]];

/** Every sample with one node deleted, replaced by a wrong value, or given an extra key. */
function* badInputs(value: unknown): Generator<unknown> {
  yield* REPLACEMENTS;
  if (value === null || typeof value !== 'object') return;
  if (!Array.isArray(value)) yield { ...value, unexpected: 1 };
  for (const [key, child] of Object.entries(value)) {
    for (const variant of badInputs(child)) {
      if (Array.isArray(value)) yield value.map((item, i) => (String(i) === key ? variant : item));
      else yield { ...value, [key]: variant };
    }
  }
}

describe('precompiled and runtime-compiled validators', () => {
  const cv = requireBuilt<BuiltCreateValidator>('schemas-create-validator');
  // Schemas live beside what they narrow (src/schemas, src/delivery/stored/stored-data.ts, …): load every module.
  for (const file of fs.readdirSync(libDir)) requireBuilt(file.replace(/\.js$/, ''));
  const standalone = requireBuilt<Record<string, ValidateFunction>>('schemas-standalone');
  const schemas = cv.validatorSchemas();
  const runtimeAjv = cv.createAjv();

  it('has precompiled exactly the schemas createValidator was given', () => {
    expect(schemas.length).toBeGreaterThanOrEqual(10);
    expect(Object.keys(standalone).sort()).toEqual([...new Set(schemas.map((s) => cv.schemaId(s)))].sort());
  });

  it('give identical errors, and so identical messages, for every schema and thousands of malformed inputs', () => {
    const samples = validSamples();
    const inputs = samples.flatMap((sample) => [...badInputs(sample)]);
    const keywords = new Set<string>();
    const differences: unknown[] = [];
    let compared = 0;
    for (const schema of schemas) {
      const precompiled = standalone[cv.schemaId(schema)] as ValidateFunction;
      const runtime = runtimeAjv.compile(schema);
      expect(samples.some((sample) => precompiled(sample) && runtime(sample))).toBe(true);
      for (const input of inputs) {
        const valid = precompiled(input);
        if (runtime(input) !== valid) differences.push({ schema, input, valid });
        if (valid) continue;
        const errors = precompiled.errors as ErrorObject[];
        const message = cv.violationFrom(errors, 'data', ['base']);
        if (!isDeepStrictEqual(errors, runtime.errors) || !isDeepStrictEqual(message, cv.violationFrom(runtime.errors ?? [], 'data', ['base']))) {
          differences.push({ schema, input, errors, runtimeErrors: runtime.errors });
        }
        for (const error of errors) keywords.add(error.keyword);
        compared += 1;
      }
    }
    expect(differences).toEqual([]);
    expect(compared).toBeGreaterThan(3000);
    expect([...keywords].sort()).toEqual(['additionalProperties', 'anyOf', 'const', 'enum', 'format', 'maxItems', 'minItems', 'minLength', 'minimum', 'oneOf', 'pattern', 'required', 'type']);
  });

  it('carry the failing schema (verbose) so a pattern is described in words', () => {
    const body = schemas.find((s) => JSON.stringify(s).includes('integrationConfigurationId')) as object;
    const precompiled = standalone[cv.schemaId(body)] as ValidateFunction;
    const input = validSamples()[9] as { data: object[] };
    expect(precompiled({ data: [{ ...input.data[0], queueIdentifier: 'freshdesk/x' }] })).toBe(false);
    expect(cv.violationFrom(precompiled.errors ?? [], 'body')).toEqual({
      field: 'data.0.queueIdentifier',
      message: 'data.0.queueIdentifier must be freshdesk/<group id|none>/<ticket source id>/<tickets|replies> or freshdesk/unknown/unknown/<tickets|replies>.',
    });
  });
});
