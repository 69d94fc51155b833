import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { systemClock, type Clock } from '../clock';
import { AGENT_STATUSES_PATH, AgentStatusStore, validateAgentStatuses } from './agent-statuses';
import { validateContactEvents } from './contact-events-schema';
import { ContactStore } from './contact-store';
import { ANSWER_DELAY_HEADER, assertFaultWindow, DEFAULT_OUTAGE_STATUS, findActiveFault, type FaultWindow } from './fault-window';
import { buildSummary, isSummaryGranularity, renderSummaryPage, SUMMARY_GRANULARITIES } from './summary-page';

export type { FaultWindow } from './fault-window';
export { ContactStore } from './contact-store';

export const CONTACT_EVENTS_PATH = '/external-systems/contact-events';

/**
 * The platform refuses request bodies over 100 KB (SPEC §3), so the local injixo refuses them
 * too: a client that would be stopped in production is stopped in tests.
 */
export const MAX_BODY_BYTES = 100 * 1024;

/**
 * 202 rather than 200: injixo turns contact events into queue statistics asynchronously, and
 * SPEC §3 says any 2xx is success — answering 202 catches a client that checks `=== 200`.
 */
export const ACCEPTED_STATUS = 202;

export interface LocalInjixoOptions {
  apiKey: string;
  /** Default 0: a free port. */
  port?: number;
  /** Default: a new file in the OS temp folder, deleted again by close(). */
  dbPath?: string;
  clock?: Clock;
  faults?: FaultWindow[];
}

export interface RequestLogEntry {
  /** Clock time the request arrived. */
  at: number;
  /** 0 when the socket was reset without an answer. */
  status: number;
  /** Contacts stored by this request. */
  contacts: number;
  /** Body bytes received. */
  bytes: number;
}

export interface LocalInjixo {
  url: string;
  port: number;
  close(): Promise<void>;
  addFault(fault: FaultWindow): void;
  clearFaults(): void;
  /** From clock time `at` (default now) the old key gets 401 and `newKey` works. */
  regenerateKey(newKey: string, at?: number): void;
  store: ContactStore;
  /** What `POST /external-systems/agent-statuses` accepted (agent-statuses.ts). */
  agentStatuses: AgentStatusStore;
  /** One entry per request to the contact-events endpoint, in arrival order. */
  requestLog: RequestLogEntry[];
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface ReceivedBody {
  /** null when the body was larger than MAX_BODY_BYTES (the rest was drained, not kept). */
  buffer: Buffer | null;
  bytes: number;
}

function readBody(req: IncomingMessage): Promise<ReceivedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve({ buffer: bytes <= MAX_BODY_BYTES ? Buffer.concat(chunks) : null, bytes }));
    req.on('error', reject);
  });
}

function message(status: number, text: string, extra: Record<string, unknown> = {}): Reply {
  return { status, body: { message: text, ...extra } };
}

function sendJson(res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...reply.headers,
  });
  res.end(text);
}

export async function startLocalInjixo(options: LocalInjixoOptions): Promise<LocalInjixo> {
  const clock = options.clock ?? systemClock;
  const dbPath = options.dbPath ?? path.join(os.tmpdir(), `local-injixo-${randomUUID()}.sqlite`);
  const ownsDbFile = options.dbPath === undefined;
  const faults: FaultWindow[] = [];
  /** Key generations, ascending by `from`; the last one whose `from` has passed is valid. */
  const keys: { key: string; from: number }[] = [{ key: options.apiKey, from: -Infinity }];
  const requestLog: RequestLogEntry[] = [];
  const delayed = new Set<{ timer: NodeJS.Timeout; res: ServerResponse }>();

  const addFault = (fault: FaultWindow): void => {
    assertFaultWindow(fault);
    faults.push(fault);
  };
  // Checked before the database file exists, so a bad script leaves nothing behind.
  for (const fault of options.faults ?? []) addFault(fault);
  const store = new ContactStore(dbPath);

  const isAuthorized = (header: string | undefined, now: number): boolean => {
    const match = /^Bearer (.+)$/.exec(header ?? '');
    const current = keys.filter((generation) => generation.from <= now).at(-1);
    return match !== null && current !== undefined && match[1] === current.key;
  };

  const agentStatuses = new AgentStatusStore();

  /** The checks every injixo endpoint makes before reading a body: key, size, content type, JSON. */
  const readJson = (req: IncomingMessage, received: ReceivedBody, at: number): { parsed: unknown } | (Reply & { stored: number }) => {
    // SPEC §3: injixo answers an unknown or regenerated key with exactly this body.
    if (!isAuthorized(req.headers.authorization, at)) {
      return { ...message(401, 'Invalid token'), headers: { 'WWW-Authenticate': 'Bearer' }, stored: 0 };
    }
    if (received.buffer === null) {
      return { ...message(413, `request body is ${received.bytes} bytes; the limit is ${MAX_BODY_BYTES} bytes`), stored: 0 };
    }
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      return { ...message(400, 'Content-Type must be application/json'), stored: 0 };
    }
    try {
      return { parsed: JSON.parse(received.buffer.toString('utf8')) as unknown };
    } catch {
      return { ...message(400, 'body is not valid JSON'), stored: 0 };
    }
  };

  const acceptAgentStatuses = (req: IncomingMessage, received: ReceivedBody, at: number): Reply & { stored: number } => {
    const read = readJson(req, received, at);
    if (!('parsed' in read)) return read;
    const validation = validateAgentStatuses(read.parsed);
    if (!validation.ok) return { ...message(400, validation.message, { field: validation.field }), stored: 0 };
    const requestId = randomUUID();
    const stored = agentStatuses.add(requestId, validation.body);
    return { status: ACCEPTED_STATUS, body: { accepted: stored, requestId }, stored };
  };

  const acceptContactEvents = (req: IncomingMessage, received: ReceivedBody, at: number): Reply & { stored: number } => {
    const read = readJson(req, received, at);
    if (!('parsed' in read)) return read;
    const parsed = read.parsed;
    const validation = validateContactEvents(parsed);
    if (!validation.ok) return { ...message(400, validation.message, { field: validation.field }), stored: 0 };
    const requestId = randomUUID();
    const stored = store.insertRequest(requestId, at, validation.body);
    return { status: ACCEPTED_STATUS, body: { accepted: stored, requestId }, stored };
  };

  const handleContactEvents = async (req: IncomingMessage, res: ServerResponse, accept = acceptContactEvents): Promise<void> => {
    const at = clock.now();
    const received = await readBody(req);
    const fault = findActiveFault(faults, at);
    const log = (status: number, contacts: number): void => {
      requestLog.push({ at, status, contacts, bytes: received.bytes });
    };
    if (fault?.kind === 'reset') {
      log(0, 0);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'outage') {
      const status = fault.status ?? DEFAULT_OUTAGE_STATUS;
      log(status, 0);
      sendJson(res, message(status, http.STATUS_CODES[status] ?? 'Service unavailable'));
      return;
    }
    if (fault?.kind === 'refuse') {
      log(fault.status, 0);
      const text = fault.status === 401 ? 'Invalid token' : (http.STATUS_CODES[fault.status] ?? 'Refused');
      sendJson(res, { ...message(fault.status, text), ...(fault.status === 401 ? { headers: { 'WWW-Authenticate': 'Bearer' } } : {}) });
      return;
    }
    if (fault?.kind === 'rateLimited') {
      log(429, 0);
      sendJson(res, { ...message(429, 'Too Many Requests'), headers: { 'Retry-After': String(fault.retryAfterSeconds) } });
      return;
    }
    const reply = accept(req, received, at);
    log(reply.status, reply.stored);
    if (fault?.kind === 'contentType') {
      sendJson(res, { ...reply, headers: { ...reply.headers, 'Content-Type': fault.contentType } });
      return;
    }
    if (fault?.kind !== 'slow') {
      sendJson(res, reply);
      return;
    }
    if (fault.declared === true) {
      sendJson(res, { ...reply, headers: { ...reply.headers, [ANSWER_DELAY_HEADER]: String(fault.delayMs) } });
      return;
    }
    // Stored already: the late answer is what turns a client timeout into a duplicate.
    const entry = {
      timer: setTimeout(() => {
        delayed.delete(entry);
        sendJson(res, reply);
      }, fault.delayMs),
      res,
    };
    delayed.add(entry);
  };

  const handleSummary = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const by = url.searchParams.get('by') ?? '15min';
    if (!isSummaryGranularity(by)) {
      sendJson(res, message(400, `by must be one of ${Object.keys(SUMMARY_GRANULARITIES).join(', ')}`, { field: 'by' }));
      return;
    }
    const summary = buildSummary(store, by);
    if (url.pathname === '/api/summary') {
      sendJson(res, { status: 200, body: summary });
      return;
    }
    const html = renderSummaryPage(summary);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html) });
    res.end(req.method === 'HEAD' ? undefined : html);
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local-injixo');
    const allowed = [CONTACT_EVENTS_PATH, AGENT_STATUSES_PATH].includes(url.pathname) ? ['POST'] : url.pathname === '/' || url.pathname === '/api/summary' ? ['GET', 'HEAD'] : [];
    if (allowed.length === 0) {
      sendJson(res, message(404, `no route for ${url.pathname}`));
      return;
    }
    if (!allowed.includes(req.method ?? '')) {
      sendJson(res, { ...message(405, `${String(req.method)} is not allowed on ${url.pathname}`), headers: { Allow: allowed.join(', ') } });
      return;
    }
    if (url.pathname === CONTACT_EVENTS_PATH) await handleContactEvents(req, res);
    // Same key, faults and limits as contact events; the request log counts its intervals as `contacts`.
    else if (url.pathname === AGENT_STATUSES_PATH) await handleContactEvents(req, res, acceptAgentStatuses);
    else handleSummary(req, res, url);
  };

  const server = http.createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      // A client that hangs up mid-body lands here; there is nobody left to answer.
      if (!res.headersSent && !req.socket.destroyed) {
        sendJson(res, message(500, `local injixo failed: ${error instanceof Error ? error.message : String(error)}`));
      }
    });
  });

  const releaseStore = (): void => {
    store.close();
    if (ownsDbFile) rmSync(dbPath, { force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    releaseStore();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const entry of delayed) {
        clearTimeout(entry.timer);
        entry.res.destroy();
      }
      delayed.clear();
      server.close(() => {
        releaseStore();
        resolve();
      });
      server.closeAllConnections();
    });
    return closing;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close,
    addFault,
    clearFaults: () => {
      faults.length = 0;
    },
    regenerateKey: (newKey: string, at: number = clock.now()) => {
      keys.push({ key: newKey, from: at });
      keys.sort((a, b) => a.from - b.from);
    },
    store,
    agentStatuses,
    requestLog,
  };
}
