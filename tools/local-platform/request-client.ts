/**
 * Sends a rendered request template over real HTTP to a local stand-in for its host.
 *
 * Retry rules (api/request-method-docs.md): `maxAttempts` resends only on a network error or a
 * 429/5xx answer, `retryDelay` ms apart. Timeout per attempt: 15 s by default
 * (errors/request-method-errors.md, "Timeout error while processing the request").
 * The rejection shape `{status, headers, response, errorSource, attempts}` follows
 * errors/request-method-errors.md; the status used for a timeout (504) and which failures say
 * `errorSource: 'PLATFORM'` are not documented. [assumption]
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { isSupportedContentType, type RenderedRequest } from './template-renderer';
import { PlatformCallError } from './types';
import { ANSWER_DELAY_HEADER } from '../local-injixo/fault-window';

export interface TemplateResponse {
  status: number;
  headers: Record<string, string>;
  response: string;
}

export interface SendOptions {
  hostMap: Record<string, string>;
  timeoutMs: number;
  /** Real ms to wait = template retryDelay × scale. */
  retryDelayScale: number;
  /** fidelity.checkResponseContentType: refuse an answer whose Content-Type the platform does not accept. */
  checkResponseContentType: boolean;
}

type Attempt =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'timeout' }
  | { kind: 'network'; detail: string };

function flattenHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * A local server may declare how long its answer took (ANSWER_DELAY_HEADER, local tooling only):
 * at or past the timeout the answer counts as never having come, exactly as if it had been held
 * that long, without the real wait. The header never reaches the app.
 */
function answered(res: http.IncomingMessage, body: string, timeoutMs: number): Attempt {
  const headers = flattenHeaders(res.headers);
  const declared = headers[ANSWER_DELAY_HEADER];
  delete headers[ANSWER_DELAY_HEADER];
  if (declared !== undefined && Number(declared) >= timeoutMs) return { kind: 'timeout' };
  return { kind: 'response', status: res.statusCode ?? 0, headers, body };
}

function attemptOnce(url: URL, req: RenderedRequest, body: string | undefined, timeoutMs: number): Promise<Attempt> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    // A real proxy addresses the template's host; keep it so local servers can tell hosts apart.
    const outgoing = transport.request(url, { method: req.method, headers: { ...req.headers, host: req.host }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve(answered(res, Buffer.concat(chunks).toString('utf8'), timeoutMs));
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        resolve({ kind: 'network', detail: err.message });
      });
    });
    const timer = setTimeout(() => {
      outgoing.destroy();
      resolve({ kind: 'timeout' });
    }, timeoutMs);
    outgoing.on('error', (err) => {
      clearTimeout(timer);
      resolve({ kind: 'network', detail: err.message });
    });
    if (body !== undefined) outgoing.write(body);
    outgoing.end();
  });
}

function retryable(a: Attempt): boolean {
  return a.kind !== 'response' || a.status === 429 || a.status >= 500;
}

function wait(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

/** The local URL for a template's host, or a rejection: the emulator never reaches the real network. */
export function resolveTarget(req: RenderedRequest, hostMap: Record<string, string>): URL {
  const base = hostMap[req.host];
  if (base === undefined) {
    throw new PlatformCallError(
      {
        status: 502,
        headers: {},
        response: 'Error in establishing connection',
        errorSource: 'PLATFORM',
        attempts: 0,
        message: `local platform: host '${req.host}' is not in hostMap, and the emulator never uses the real network. Map it to a local server, e.g. hostMap: {'${req.host}': 'http://127.0.0.1:<port>'}`,
      },
      'rejected',
    );
  }
  // The base may carry a path prefix (one local server standing in for several hosts).
  const baseUrl = new URL(base);
  const url = new URL(`${baseUrl.origin}${baseUrl.pathname.replace(/\/$/, '')}${req.path}`);
  for (const [k, v] of Object.entries(req.query)) url.searchParams.append(k, v);
  return url;
}

export async function sendRequest(req: RenderedRequest, body: string | undefined, options: SendOptions): Promise<TemplateResponse & { attempts: number }> {
  const url = resolveTarget(req, options.hostMap);
  let attempts = 0;
  let last: Attempt;
  do {
    if (attempts > 0) await wait(req.retryDelay * options.retryDelayScale);
    attempts += 1;
    last = await attemptOnce(url, req, body, options.timeoutMs);
  } while (attempts < req.maxAttempts && retryable(last));

  const contentType = last.kind === 'response' ? last.headers['content-type'] : undefined;
  if (options.checkResponseContentType && contentType !== undefined && !isSupportedContentType(contentType)) {
    // SPEC §5: the platform answers 415 when the response's content type is not one it accepts —
    // although the remote received the request and answered. Status text and errorSource are ours. [assumption]
    throw new PlatformCallError(
      { status: 415, headers: {}, response: 'Unsupported Media Type', errorSource: 'PLATFORM', attempts, message: `Unsupported content type in the response: ${contentType}` },
      'error',
    );
  }
  if (last.kind === 'response' && last.status >= 200 && last.status < 300) {
    return { status: last.status, headers: last.headers, response: last.body, attempts };
  }
  if (last.kind === 'response') {
    throw new PlatformCallError({ status: last.status, headers: last.headers, response: last.body, errorSource: 'APP', attempts }, 'error');
  }
  if (last.kind === 'timeout') {
    throw new PlatformCallError(
      { status: 504, headers: {}, response: 'Timeout error while processing the request', errorSource: 'PLATFORM', attempts, message: 'Timeout error while processing the request' },
      'error',
    );
  }
  throw new PlatformCallError(
    { status: 502, headers: {}, response: 'Error in establishing connection', errorSource: 'PLATFORM', attempts, message: `Error in establishing connection (${last.detail})` },
    'error',
  );
}
