/**
 * A local stand-in for the Freshdesk pages around the app's two admin pages: it serves
 * config/iparams.html and app/index.html with `{{{appclient}}}` replaced by a harness client
 * (client-script.ts) and answers that client through a LocalPlatform:
 *   invokeTemplate → the platform renders and sends the template (context from the page),
 *   invoke         → platform.callFunction (SMI), or a test's stand-in for a function,
 *   iparams.get    → only PUBLIC_IPARAMS; data.get → loggedInUser / domainName / currentHost.
 * Every JSON answer is checked for the installation's secure values before it leaves: the
 * harness refuses to send one and records a violation instead.
 */
import * as fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { PUBLIC_IPARAMS, SECURE_IPARAMS } from '../../src/app/settings-fields';
import type { FunctionOutcome, LocalPlatform } from '../local-platform';
import { clientScript } from './client-script';

export type HarnessLocale = 'en' | 'fr';
export type FunctionStandIn = (data: Record<string, unknown>) => Promise<FunctionOutcome>;

export interface UiHarnessOptions {
  platform: LocalPlatform;
  /** Default 0: a free port. */
  port?: number;
  /** Language of the Freshdesk user on the status page (loggedInUser). Default 'en'; 'none': the user carries no language (the page falls back to the browser's). */
  locale?: HarnessLocale | 'none';
  /** The installation's iparams (secure ones too: the harness needs their values to keep them out). */
  iparams?: Record<string, unknown>;
  /** Default: the repository root (where config/ and app/ are). */
  appDir?: string;
  /** Account domain for data.get('domainName'/'currentHost'). Default 'acme.freshdesk.com'. */
  domain?: string;
  /** Answers for SMI functions the server does not have yet (or a failure to show); tried before the platform. */
  functions?: Record<string, FunctionStandIn>;
  /**
   * Where the pages get Crayons: 'node_modules' (default) serves the real @freshworks/crayons
   * build in place of the CDN URL the pages reference; 'cdn' leaves the production URL as is.
   */
  crayons?: 'node_modules' | 'cdn';
}

export interface HarnessCall {
  kind: 'invokeTemplate' | 'invoke' | 'iparams' | 'data' | 'configs';
  name?: string;
  page: string;
  ok: boolean;
}

export interface UiHarness {
  url: string;
  installUrl: string;
  /** The install page as Edit Settings: getConfigs receives the stored non-secure settings. */
  editUrl: string;
  statusUrl: string;
  calls: HarnessCall[];
  /** Answers the harness refused to send because they held a secure value (should stay empty). */
  violations: string[];
  close(): Promise<void>;
}

/** What the harness client resolves (`value`) or rejects (`error`) with. */
type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

const repoRoot = path.resolve(__dirname, '..', '..');
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};
/** The Crayons URL prefix config/iparams.html and app/index.html load in production (Freshworks CDN). */
export const CRAYONS_CDN_PREFIX = 'https://cdn.jsdelivr.net/npm/@freshworks/crayons@v4/dist/crayons/';
/** Where the harness serves the same files from the devDependency @freshworks/crayons. */
export const CRAYONS_LOCAL_PREFIX = '/__crayons/';
const CRAYONS_DIST = path.join(repoRoot, 'node_modules', '@freshworks', 'crayons', 'dist', 'crayons');
/** The folders a Freshdesk page could load from the app package. */
const SERVED_ROOTS = ['config', 'app'];

function publicIparams(iparams: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of PUBLIC_IPARAMS) if (iparams[name] !== undefined) out[name] = iparams[name];
  return out;
}

function secretValues(iparams: Record<string, unknown>): string[] {
  return SECURE_IPARAMS.map((name) => iparams[name]).filter((v): v is string => typeof v === 'string' && v.length >= 4);
}

function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        resolve(typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {});
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    req.on('error', reject);
  });
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** An SMI failure as the front-end client rejects it (api/server-method-invocation-docs.md: requestID, status, message). */
function smiError(error: unknown): { status: number; message: string } {
  const e = asObject(error);
  return {
    status: typeof e.status === 'number' ? e.status : 500,
    message: typeof e.message === 'string' ? e.message : JSON.stringify(error),
  };
}

export async function startUiHarness(options: UiHarnessOptions): Promise<UiHarness> {
  const appDir = path.resolve(options.appDir ?? repoRoot);
  const iparams = options.iparams ?? {};
  const secrets = secretValues(iparams);
  const locale = options.locale ?? 'en';
  const domain = options.domain ?? 'acme.freshdesk.com';
  const calls: HarnessCall[] = [];
  const violations: string[] = [];
  let nextRequestId = 1;

  const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
    let text = JSON.stringify(body) ?? 'null';
    const leaked = secrets.find((s) => text.includes(s));
    if (leaked !== undefined) {
      violations.push(`refused an answer holding a secure iparam (${text.length} bytes)`);
      status = 500;
      text = JSON.stringify({ ok: false, error: { status: 500, message: 'ui-harness: refused to send a secure iparam to the browser' } });
    }
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(text);
  };

  const settle = async (run: () => Promise<unknown>): Promise<Settled> => {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? { status: 500, message: error.message } : error };
    }
  };

  const callSmi = async (name: string, data: Record<string, unknown>): Promise<Settled> => {
    const standIn = options.functions?.[name];
    const outcome = standIn ? await standIn(data) : await options.platform.callFunction(name, data);
    const requestID = `harness-${nextRequestId++}`;
    return outcome.ok ? { ok: true, value: { requestID, status: 200, response: outcome.data } } : { ok: false, error: { requestID, ...smiError(outcome.error) } };
  };

  const readData = (name: string, page: string): Settled => {
    if (name === 'domainName') return { ok: true, value: { domainName: domain } };
    if (name === 'currentHost') {
      return { ok: true, value: { currentHost: { subscribed_modules: ['support_ticket'], endpoint_urls: { freshdesk: `https://${domain}` } } } };
    }
    // errors/custom-iparams-errors.md: the data method is not offered on the custom settings page. [assumption: it fails rather than answering empty]
    if (name === 'loggedInUser' && page !== 'install') {
      const language = locale === 'none' ? {} : { language: locale };
      const contact = { name: 'Ada Admin', email: 'ada.admin@example.com', ...language };
      return { ok: true, value: { loggedInUser: { id: 1, ...language, contact } } };
    }
    return { ok: false, error: { status: 400, message: `ui-harness: data.get('${name}') is not available on the ${page} page` } };
  };

  const handleApi = async (what: string, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readJsonBody(req);
    const page = typeof body.page === 'string' ? body.page : 'unknown';
    const name = typeof body.name === 'string' ? body.name : '';
    let result: Settled;
    switch (what) {
      case 'invokeTemplate':
        result = await settle(() => options.platform.globals().request.invokeTemplate(name, asObject(body.options)));
        break;
      case 'invoke':
        result = await callSmi(name, asObject(body.data));
        break;
      case 'iparams': {
        const visible = publicIparams(iparams);
        result = { ok: true, value: typeof body.key === 'string' ? { [body.key]: visible[body.key] } : visible };
        break;
      }
      case 'configs':
        result = { ok: true, value: publicIparams(iparams) };
        break;
      case 'data':
        result = readData(name, page);
        break;
      default:
        sendJson(res, 404, { ok: false, error: { status: 404, message: `ui-harness: no API ${what}` } });
        return;
    }
    calls.push({ kind: what, ...(name === '' ? {} : { name }), page, ok: result.ok });
    sendJson(res, 200, result);
  };

  const crayonsFromNodeModules = (options.crayons ?? 'node_modules') === 'node_modules';

  const serveCrayons = (urlPath: string, res: ServerResponse): void => {
    const file = path.join(CRAYONS_DIST, path.normalize(decodeURIComponent(urlPath.slice(CRAYONS_LOCAL_PREFIX.length))).replace(/^[/\\]+/, ''));
    if (!file.startsWith(CRAYONS_DIST + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`ui-harness: ${urlPath} not found (is @freshworks/crayons installed?)`);
      return;
    }
    res.writeHead(200, { 'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(fs.readFileSync(file));
  };

  const serveFile = (urlPath: string, res: ServerResponse): void => {
    const relative = path.normalize(decodeURIComponent(urlPath)).replace(/^[/\\]+/, '');
    const file = path.join(appDir, relative);
    const inServedRoot = SERVED_ROOTS.some((root) => file.startsWith(path.join(appDir, root) + path.sep));
    if (!inServedRoot || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`ui-harness: ${urlPath} not found`);
      return;
    }
    let content: Buffer | string = fs.readFileSync(file);
    if (file.endsWith('.html')) {
      const page = relative.startsWith('config') ? 'install' : 'app';
      content = content.toString('utf8').replaceAll('{{{appclient}}}', `/__harness/client.js?page=${page}`);
      if (crayonsFromNodeModules) content = content.replaceAll(CRAYONS_CDN_PREFIX, CRAYONS_LOCAL_PREFIX);
    }
    res.writeHead(200, { 'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(content);
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://ui-harness');
    if (url.pathname === '/__harness/client.js') {
      res.writeHead(200, { 'Content-Type': CONTENT_TYPES['.js'] as string, 'Cache-Control': 'no-store' });
      res.end(clientScript(url.searchParams.get('page') === 'install' ? 'install' : 'app'));
      return;
    }
    const api = /^\/__harness\/(\w+)$/.exec(url.pathname);
    if (api && req.method === 'POST') {
      await handleApi(api[1] as string, req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    if (url.pathname.startsWith(CRAYONS_LOCAL_PREFIX) && crayonsFromNodeModules) {
      serveCrayons(url.pathname, res);
      return;
    }
    serveFile(url.pathname, res);
  };

  const server = http.createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { status: 500, message: `ui-harness: ${error instanceof Error ? error.message : String(error)}` } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    installUrl: `${url}/config/iparams.html`,
    editUrl: `${url}/config/iparams.html?edit=1`,
    statusUrl: `${url}/app/index.html`,
    calls,
    violations,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
