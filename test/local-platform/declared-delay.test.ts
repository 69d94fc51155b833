/**
 * A local server may declare how long its answer took instead of holding it (local tooling only,
 * ANSWER_DELAY_HEADER): the simulator's slow injixo does, so that no seed hangs on how busy the
 * machine is. At or past the request timeout the platform answers its timeout; below, the answer
 * passes, and the header never reaches the app either way.
 */
import { ANSWER_DELAY_HEADER } from '../../tools/local-injixo/fault-window';
import { LocalPlatform } from '../../tools/local-platform';
import { manifestWith, removeApps, startServer, writeApp, type LocalServer } from './helpers';

let remote: LocalServer;
beforeEach(async () => {
  remote = await startServer((req, res) => {
    res.setHeader(ANSWER_DELAY_HEADER, req.url === '/late' ? '15000' : '14999');
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
});
afterEach(async () => {
  await remote.close();
  removeApps();
});

const SERVER = `exports = { onTicketCreateHandler: async function (args) {
  try {
    const answer = await $request.invokeTemplate(args.data.route, {});
    return { status: answer.status, headers: answer.headers };
  } catch (e) { return { status: e.status, response: e.response }; }
} };`;

async function call(route: 'late' | 'quick'): Promise<unknown> {
  const platform = await LocalPlatform.load({
    appDir: writeApp({
      server: SERVER,
      manifest: manifestWith({ product: ['onTicketCreate'], requests: ['late', 'quick'] }),
      requests: {
        late: { schema: { method: 'GET', host: 'api.example.com', path: '/late' } },
        quick: { schema: { method: 'GET', host: 'api.example.com', path: '/quick' } },
      },
    }),
    iparams: {},
    hostMap: { 'api.example.com': remote.base },
    limits: { requestTimeoutMs: 15_000 },
  });
  return (await platform.trigger('onTicketCreate', { route })).value;
}

describe('an answer that declares its delay', () => {
  it('is the platform timeout when the declared delay reaches the request timeout', async () => {
    expect(await call('late')).toEqual({ status: 504, response: 'Timeout error while processing the request' });
  });

  it('passes below the timeout, without the local header', async () => {
    const answer = (await call('quick')) as { status: number; headers: Record<string, string> };
    expect(answer.status).toBe(200);
    expect(answer.headers[ANSWER_DELAY_HEADER]).toBeUndefined();
    expect(answer.headers['content-type']).toBe('application/json');
  });
});
