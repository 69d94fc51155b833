/**
 * The slice of the Freshdesk API the install page reads: the key check (GET /api/v2/groups), with
 * an admin key, an agent key (403: the Groups API is admin-only, SPEC §4) and every other key
 * refused (401); and the import estimate's newest tickets (GET /api/v2/tickets, created_at desc,
 * 100 a page), an account of `ticketsPerDay` tickets evenly spread up to now. It stays as small
 * as the page needs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FreshdeskStub {
  url: string;
  requests: { path: string; status: number }[];
  /** The account's volume the ticket list reflects; a test may change it. */
  ticketsPerDay: number;
  close(): Promise<void>;
}

function newestTickets(ticketsPerDay: number, nowMs: number): { id: number; created_at: string }[] {
  const every = 86_400_000 / Math.max(ticketsPerDay, 1e-9);
  const count = Math.min(100, Math.floor((30 * 86_400_000) / every));
  return Array.from({ length: count }, (_, i) => ({ id: 100_000 - i, created_at: new Date(nowMs - (i + 0.5) * every).toISOString().replace(/\.\d{3}Z$/, 'Z') }));
}

export async function startFreshdeskStub(keys: { admin: string; agent: string }, options: { ticketsPerDay?: number } = {}): Promise<FreshdeskStub> {
  const stub = { ticketsPerDay: options.ticketsPerDay ?? 2000 };
  const requests: { path: string; status: number }[] = [];
  const basic = (key: string): string => `Basic ${Buffer.from(`${key}:X`).toString('base64')}`;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://freshdesk');
    const auth = req.headers.authorization;
    let status: number;
    let body: unknown;
    if (url.pathname !== '/api/v2/groups' && url.pathname !== '/api/v2/tickets') {
      status = 404;
      body = { description: 'not found' };
    } else if (url.pathname === '/api/v2/tickets' && (auth === basic(keys.admin) || auth === basic(keys.agent))) {
      status = 200;
      body = newestTickets(stub.ticketsPerDay, Date.now());
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
  return Object.assign(stub, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
