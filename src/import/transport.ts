/**
 * The one edge the import core talks to Freshdesk through (STYLE §3): request templates in the
 * app (template-transport.ts), axios in the CLI (src/cli). Every HTTP answer resolves, whatever
 * its status, so the walk decides what a 401, 404 or 429 means in one place; only "no answer
 * at all" (network error, timeout) rejects.
 */
export type QueryValue = string | number;

export interface FreshdeskAnswer {
  status: number;
  /** Header names in any case; read them with `headerOf`. */
  headers: Readonly<Record<string, string>>;
  body: string;
  /**
   * True when the app platform itself refused the call (its 50 requests a minute per
   * installation), not Freshdesk: the account's limit is not the one that binds.
   */
  refusedByPlatform?: boolean;
}

export interface FreshdeskTransport {
  /** GET `path` (e.g. `/api/v2/tickets`) with `query`; never sends the key anywhere but a header. */
  get(path: string, query: Readonly<Record<string, QueryValue>>): Promise<FreshdeskAnswer>;
}

export function headerOf(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** Freshdesk paginates with a `link: <…>; rel="next"` header (API v2 reference, Pagination). */
export function hasNextPage(answer: FreshdeskAnswer): boolean {
  return (headerOf(answer.headers, 'link') ?? '').includes('rel="next"');
}

export function parseJsonBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
