/**
 * Rule 2 — `$request.invokeTemplate`. Sources: architecture/request-templates-latest.md and
 * api/request-method-docs.md (schema, substitutions, secure iparams only in headers, encode(),
 * maxAttempts 1–5 retrying network/429/5xx, retryDelay ≤ 1500 in steps of 100, 15 s timeout),
 * errors/request-method-errors.md and errors/error-catalog.md (error texts and shapes).
 */
import { LocalPlatform, type LocalPlatformOptions } from '../../tools/local-platform';
import { checkHost } from '../../tools/local-platform/template-renderer';
import { manifestWith, removeApps, startServer, writeApp, type LocalServer } from './helpers';

const SERVER = `exports = { onTicketCreateHandler: async function (args) {
  try { return { ok: await $request.invokeTemplate(args.data.name, args.data.options) }; }
  catch (e) { return { err: e }; }
} };`;

const TEMPLATES: Record<string, unknown> = {
  postThing: {
    schema: {
      method: 'POST', host: 'api.example.com', path: '/things/<%= context.id %>',
      headers: { Authorization: 'Bearer <%= iparam.api_key %>', 'Content-Type': 'application/json' },
      query: { page: '<%= context.page %>', region: '<%= iparam.region %>' },
    },
  },
  basicAuth: {
    schema: {
      method: 'GET', host: '<%= current_host.endpoint_urls.freshdesk %>', path: '/api/v2/groups',
      headers: { Authorization: 'Basic <%= encode(iparam.api_key + ":X") %>', 'X-Both': "<%= encode('a' + context.b) %>" },
    },
  },
  dynamicHost: { schema: { method: 'GET', host: '<%= context.host %>', path: '/' } },
  secureInPath: { schema: { method: 'GET', host: 'api.example.com', path: '/x/<%= iparam.api_key %>' } },
  bodyInSchema: { schema: { method: 'POST', host: 'api.example.com', path: '/', body: '{}' } },
  retrying: { schema: { method: 'GET', host: 'api.example.com', path: '/flaky' }, options: { maxAttempts: 3, retryDelay: 100 } },
  once: { schema: { method: 'GET', host: 'api.example.com', path: '/flaky' } },
  badAttempts: { schema: { method: 'GET', host: 'api.example.com', path: '/' }, options: { maxAttempts: 6 } },
  badDelay: { schema: { method: 'GET', host: 'api.example.com', path: '/' }, options: { retryDelay: 150 } },
  xmlish: { schema: { method: 'GET', host: 'api.example.com', path: '/', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } } },
  ftp: { schema: { method: 'GET', protocol: 'ftp', host: 'api.example.com', path: '/' } },
  noSlash: { schema: { method: 'GET', host: 'api.example.com', path: 'x' } },
  badMethod: { schema: { method: 'HEAD', host: 'api.example.com', path: '/' } },
  oauth: { schema: { method: 'GET', host: 'api.example.com', path: '/', headers: { Authorization: 'Bearer <%= access_token %>' } } },
  notDeclared: { schema: { method: 'GET', host: 'api.example.com', path: '/' } },
  contextHost: { schema: { method: 'GET', host: '<%= context.host %>', path: '/' } },
  noSchema: {},
};

let remote: LocalServer;
let answers: number[] = [];

beforeEach(async () => {
  answers = [];
  remote = await startServer((req, res) => {
    const status = req.url.startsWith('/flaky') ? (answers.shift() ?? 200) : 200;
    // /csv answers with a type the platform does not accept (SPEC §5: 415).
    const type = req.url.startsWith('/things/csv') ? 'text/csv' : 'application/json';
    res.writeHead(status, { 'content-type': type, 'x-seen': req.method });
    res.end(JSON.stringify({ status }));
  });
});
afterEach(async () => {
  await remote.close();
  removeApps();
});

function load(options: Partial<LocalPlatformOptions> = {}): Promise<LocalPlatform> {
  const declared = Object.keys(TEMPLATES).filter((n) => n !== 'notDeclared').concat('declaredOnly');
  return LocalPlatform.load({
    appDir: writeApp({
      server: SERVER,
      manifest: manifestWith({ product: ['onTicketCreate'], requests: declared }),
      requests: TEMPLATES,
      iparams: { api_key: { type: 'text', secure: true }, region: { type: 'text' } },
    }),
    iparams: { api_key: 'k3y', region: 'eu' },
    hostMap: { 'api.example.com': remote.base, 'acme.freshdesk.com': `${remote.base}/fd` },
    limits: { retryDelayScale: 0 },
    ...options,
  });
}

type Answer = Record<string, unknown> & { status?: number; message?: string; errors?: unknown };

async function invoke(platform: LocalPlatform, name: string, options: unknown = {}): Promise<{ ok: Answer; err: Answer }> {
  const result = await platform.trigger('onTicketCreate', { name, options });
  expect(result.ok).toBe(true);
  return result.value as { ok: Answer; err: Answer };
}

describe('$request.invokeTemplate', () => {
  it('renders iparams and context into path, headers and query and sends the string body over real HTTP', async () => {
    const platform = await load();
    const { ok } = await invoke(platform, 'postThing', { context: { id: 42, page: 2 }, body: '{"a":1}' });
    expect(ok).toEqual({ status: 200, headers: expect.objectContaining({ 'content-type': 'application/json', 'x-seen': 'POST' }), response: '{"status":200}' });
    expect(remote.seen).toHaveLength(1);
    expect(remote.seen[0]).toMatchObject({ method: 'POST', url: '/things/42?page=2&region=eu', body: '{"a":1}' });
    expect(remote.seen[0]?.headers).toMatchObject({ authorization: 'Bearer k3y', 'content-type': 'application/json', host: 'api.example.com' });
  });

  it('renders current_host as the documented https:// URL, which a host refuses with 400 runtime validation failed.', async () => {
    const { err } = await invoke(await load(), 'basicAuth', { context: { b: 'c' } });
    expect(err).toMatchObject({ status: 400, response: 'runtime validation failed.', errorSource: 'APP', message: '/schema/host must not have protocol: https://acme.freshdesk.com' });
    expect(remote.seen).toHaveLength(0);
  });

  it.each([
    ['a trailing slash', 'acme.freshdesk.com/', 'must not have path'],
    ['a scheme', 'https://acme.freshdesk.com', 'must not have protocol'],
    ['a port', 'acme.freshdesk.com:443', 'must not have port'],
    ['a single label', 'acme', 'must be a fully qualified domain name'],
  ])('refuses a context host with %s', async (_what, host, problem) => {
    const { err } = await invoke(await load(), 'contextHost', { context: { host } });
    expect(err).toMatchObject({ status: 400, response: 'runtime validation failed.', message: `/schema/host ${problem}: ${host}` });
    expect(remote.seen).toHaveLength(0);
  });

  it('answers 415 when the response has a content type the platform does not accept, after the remote got the request', async () => {
    const { err } = await invoke(await load(), 'postThing', { context: { id: 'csv', page: 1 }, body: '{}' });
    expect(err).toEqual({ status: 415, headers: {}, response: 'Unsupported Media Type', errorSource: 'PLATFORM', attempts: 1, message: 'Unsupported content type in the response: text/csv' });
    expect(remote.seen).toHaveLength(1);
  });

  it('passes any response type when fidelity.checkResponseContentType is off', async () => {
    const { ok } = await invoke(await load({ fidelity: { checkResponseContentType: false } }), 'postThing', { context: { id: 'csv', page: 1 }, body: '{}' });
    expect(ok).toMatchObject({ status: 200 });
  });

  it('base64-encodes encode(...) concatenations and, with fidelity.strictHost off, strips the scheme of current_host', async () => {
    const platform = await load({ fidelity: { strictHost: false } });
    await invoke(platform, 'basicAuth', { context: { b: 'c' } });
    expect(remote.seen[0]?.url).toBe('/fd/api/v2/groups');
    expect(remote.seen[0]?.headers.host).toBe('acme.freshdesk.com');
    expect(remote.seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from('k3y:X').toString('base64')}`);
    expect(remote.seen[0]?.headers['x-both']).toBe(Buffer.from('ac').toString('base64'));
  });

  it.each([
    ['declared in manifest.json but not defined in config/requests.json', 'declaredOnly'],
    ['defined in config/requests.json but not declared in manifest.json', 'notDeclared'],
  ])('rejects a template %s', async (_what, name) => {
    const { err } = await invoke(await load(), name);
    expect(err).toEqual({ status: 404, headers: {}, message: 'Request template not found', errorSource: 'APP', attempts: 0 });
    expect(remote.seen).toHaveLength(0);
  });

  it.each([
    ['https://api.example.com', 'must not have protocol: https://api.example.com'],
    ['api.example.com/v2', 'must not have path: api.example.com/v2'],
    ['api.example.com:8443', 'must not have port: api.example.com:8443'],
    ['10.0.0.1', 'must not be an IP address: 10.0.0.1'],
    ['localhost', 'must be a fully qualified domain name: localhost'],
  ])('rejects the rendered host %s as not a bare FQDN', async (host, message) => {
    const { err } = await invoke(await load(), 'dynamicHost', { context: { host } });
    expect(err).toEqual({
      status: 400, headers: {}, response: 'runtime validation failed.', errors: [{ message, instancePath: '/schema/host' }],
      errorSource: 'APP', attempts: 1, message: `/schema/host ${message}`,
    });
  });

  it('rejects an empty host', () => {
    expect(() => checkHost('')).toThrow('/schema/host must not be empty');
  });

  it('rejects a secure iparam referenced outside headers', async () => {
    const { err } = await invoke(await load(), 'secureInPath');
    expect(err.errors).toEqual([{ message: "Invalid iparam substitution: secure iparam 'api_key' may only be used in schema.headers", instancePath: '/schema/path' }]);
  });

  it('rejects a body that is not a string', async () => {
    const { err } = await invoke(await load(), 'postThing', { context: { id: 1, page: 1 }, body: { a: 1 } });
    expect(err).toEqual({ status: 400, headers: {}, message: 'The request body must be a string (JSON.stringify it)', errorSource: 'APP', attempts: 0 });
  });

  it.each([
    ['bodyInSchema', '/schema', "must NOT have additional properties 'body'"],
    ['badAttempts', '/options/maxAttempts', 'must be an integer from 1 to 5'],
    ['badDelay', '/options/retryDelay', 'must be a multiple of 100 from 0 to 1500'],
    ['ftp', '/schema/protocol', 'must be https (http only for local testing)'],
    ['noSlash', '/schema/path', "must start with '/'"],
    ['badMethod', '/schema/method', 'must be one of GET, POST, PUT, DELETE, PATCH'],
    ['noSchema', '/schema', 'must be object'],
  ])('rejects the invalid template %s', async (name, instancePath, message) => {
    const { err } = await invoke(await load(), name);
    expect(err.errors).toEqual([{ message, instancePath }]);
  });

  it('rejects a missing context value and an unsupported expression as substitution errors', async () => {
    const platform = await load();
    expect((await invoke(platform, 'postThing', { context: { id: 1 } })).err).toMatchObject({
      status: 400, response: 'Error while substituting the templates', message: 'Error while substituting the templates: context.page is not set',
    });
    expect((await invoke(platform, 'postThing', { context: { id: {}, page: 1 } })).err.message).toBe(
      'Error while substituting the templates: context.id is not a string, number or boolean',
    );
    expect((await invoke(platform, 'oauth')).err.message).toBe('Error while substituting the templates: unsupported expression <%= access_token %> in /schema/headers/Authorization');
  });

  it('rejects a Content-Type the request method does not support with 415', async () => {
    const { err } = await invoke(await load(), 'xmlish');
    expect(err).toMatchObject({ status: 415, response: 'Unsupported content type' });
  });

  it('never uses the real network: an unmapped host is rejected with a clear message', async () => {
    const { err } = await invoke(await load({ hostMap: {} }), 'once');
    expect(err).toMatchObject({ status: 502, errorSource: 'PLATFORM', attempts: 0 });
    expect(err.message).toBe(
      "local platform: host 'api.example.com' is not in hostMap, and the emulator never uses the real network. Map it to a local server, e.g. hostMap: {'api.example.com': 'http://127.0.0.1:<port>'}",
    );
  });

  it('retries 5xx and 429 up to maxAttempts and resolves when an attempt succeeds', async () => {
    const platform = await load();
    answers = [503, 429];
    expect((await invoke(platform, 'retrying')).ok.status).toBe(200);
    expect(remote.seen).toHaveLength(3);
    expect(platform.ledger.find((e) => e.kind === 'request')).toMatchObject({ name: 'retrying', outcome: 'ok', status: 200, attempts: 3 });
  });

  it('rejects a non-2xx answer with status, headers, response, errorSource and attempts', async () => {
    const platform = await load();
    answers = [500, 502, 503];
    expect((await invoke(platform, 'retrying')).err).toEqual({
      status: 503, headers: expect.objectContaining({ 'x-seen': 'GET' }), response: '{"status":503}', errorSource: 'APP', attempts: 3,
    });
  });

  it('does not retry a 4xx other than 429, nor anything when maxAttempts is the default 1', async () => {
    const platform = await load();
    answers = [404];
    expect((await invoke(platform, 'retrying')).err).toMatchObject({ status: 404, attempts: 1 });
    answers = [503];
    expect((await invoke(platform, 'once')).err).toMatchObject({ status: 503, attempts: 1 });
    expect(remote.seen).toHaveLength(2);
  });

  it('waits retryDelay × retryDelayScale real ms between attempts', async () => {
    const platform = await load({ limits: { retryDelayScale: 1 } });
    answers = [503, 503];
    const start = Date.now();
    await invoke(platform, 'retrying');
    expect(Date.now() - start).toBeGreaterThanOrEqual(190);
  });

  it('retries network errors and then rejects with 502 "Error in establishing connection"', async () => {
    const dead = await startServer();
    const deadBase = dead.base;
    await dead.close();
    const platform = await load({ hostMap: { 'api.example.com': deadBase } });
    const { err } = await invoke(platform, 'retrying');
    expect(err).toMatchObject({ status: 502, response: 'Error in establishing connection', errorSource: 'PLATFORM', attempts: 3 });
    expect(err.message).toMatch(/^Error in establishing connection \(.*ECONNREFUSED/);
  });

  it('times out an attempt after requestTimeoutMs with the documented message', async () => {
    const silent = await startServer(() => undefined);
    try {
      const platform = await load({ hostMap: { 'api.example.com': silent.base }, limits: { requestTimeoutMs: 50, retryDelayScale: 0 } });
      const { err } = await invoke(platform, 'once');
      expect(err).toEqual({
        status: 504, headers: {}, response: 'Timeout error while processing the request', errorSource: 'PLATFORM', attempts: 1,
        message: 'Timeout error while processing the request',
      });
    } finally {
      await silent.close();
    }
  });
});
