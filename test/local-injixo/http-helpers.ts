import http from 'node:http';
import type { ContactEvent } from '../../tools/local-injixo/contact-events-schema';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: unknown;
}

/** One request on a fresh connection (no keep-alive), so a closed server leaves no sockets behind. */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export function contact(overrides: Partial<ContactEvent> = {}): ContactEvent {
  return {
    properties: { offered: true },
    queueName: 'CustomerService email Tickets',
    queueIdentifier: 'freshdesk/42/1/tickets',
    timestamp: '2026-11-21T10:34:22Z',
    channel: 'cases',
    ...overrides,
  };
}

/** POSTs contact events the way the app does: Bearer key, JSON body. */
export function postContacts(baseUrl: string, key: string, body: unknown): Promise<HttpAnswer> {
  return send(`${baseUrl}/external-systems/contact-events`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}
