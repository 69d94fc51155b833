/**
 * The slice of the Freshdesk API the key check reads (GET /api/v2/groups), with an admin key, an
 * agent key (403: the Groups API is admin-only, SPEC §4) and every other key refused (401).
 * tools/local-freshdesk has no HTTP server yet; this stays as small as the page needs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FreshdeskStub {
  url: string;
  requests: { path: string; status: number }[];
  close(): Promise<void>;
}

export async function startFreshdeskStub(keys: { admin: string; agent: string }): Promise<FreshdeskStub> {
  const requests: { path: string; status: number }[] = [];
  const basic = (key: string): string => `Basic ${Buffer.from(`${key}:X`).toString('base64')}`;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://freshdesk');
    const auth = req.headers.authorization;
    let status: number;
    let body: unknown;
    if (url.pathname !== '/api/v2/groups') {
      status = 404;
      body = { description: 'not found' };
    } else if (auth === basic(keys.admin)) {
      status = 200;
      body = [{ id: 42, name: 'CustomerService' }];
    } else if (auth === basic(keys.agent)) {
      status = 403;
      body = { code: 'access_denied', message: 'You are not authorized to perform this action.' };
    } else {
      status = 401;
      body = { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' };
    }
    requests.push({ path: `${url.pathname}${url.search}`, status });
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
