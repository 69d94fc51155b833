/**
 * The CLI's Freshdesk transport: axios from a workstation. The key goes only into the
 * Authorization header (HTTP Basic, key as user, `X` as password; Freshdesk API v2 reference,
 * Authentication), never into a URL or a log line.
 */
import axios from 'axios';
import type { FreshdeskTransport } from '../import/transport';

export const FRESHDESK_TIMEOUT_MS = 30_000;

export function createAxiosTransport(baseUrl: string, apiKey: string): FreshdeskTransport {
  const client = axios.create({
    baseURL: baseUrl.replace(/\/+$/, ''),
    timeout: FRESHDESK_TIMEOUT_MS,
    headers: { Authorization: `Basic ${Buffer.from(`${apiKey}:X`).toString('base64')}`, Accept: 'application/json' },
    // Every status is an answer the walk classifies; only "no answer" rejects.
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: (data: unknown) => data,
    maxRedirects: 0,
  });
  return {
    async get(path, query) {
      const response = await client.get<string>(path, { params: query });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers as Record<string, unknown>)) {
        if (typeof value === 'string') headers[name] = value;
        else if (typeof value === 'number') headers[name] = String(value);
      }
      return { status: response.status, headers, body: typeof response.data === 'string' ? response.data : '' };
    },
  };
}
