/** Tiny fixture apps in temp folders and a local HTTP stand-in for remote hosts. */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface FixtureApp {
  manifest?: Record<string, unknown>;
  requests?: Record<string, unknown>;
  iparams?: Record<string, unknown>;
  /** Body of server/server.js. */
  server: string;
  /** Extra files relative to the app folder, e.g. {'server/lib/util.js': '...'}. */
  files?: Record<string, string>;
}

const made: string[] = [];

/** A manifest with the given common/product events (event → handler of the same name + "Handler"). */
export function manifestWith(options: {
  common?: string[];
  product?: string[];
  requests?: string[];
  functions?: string[];
  dependencies?: Record<string, string>;
}): Record<string, unknown> {
  const events = (names: string[] = []) => Object.fromEntries(names.map((n) => [n, { handler: `${n}Handler` }]));
  const common: Record<string, unknown> = {};
  if (options.common?.length) common.events = events(options.common);
  if (options.requests?.length) common.requests = Object.fromEntries(options.requests.map((n) => [n, {}]));
  if (options.functions?.length) common.functions = Object.fromEntries(options.functions.map((n) => [n, {}]));
  return {
    'platform-version': '3.0',
    modules: { common, support_ticket: options.product?.length ? { events: events(options.product) } : {} },
    engines: { node: '24.11.0', fdk: '10.0.0' },
    ...(options.dependencies ? { dependencies: options.dependencies } : {}),
  };
}

export function writeApp(app: FixtureApp): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-platform-'));
  made.push(dir);
  const files: Record<string, string> = {
    'manifest.json': JSON.stringify(app.manifest ?? manifestWith({ product: ['onTicketCreate'] })),
    'config/requests.json': JSON.stringify(app.requests ?? {}),
    'config/iparams.json': JSON.stringify(app.iparams ?? {}),
    'server/server.js': app.server,
    ...app.files,
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

export function removeApps(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface LocalServer {
  base: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1:0; `reply` decides each answer (it may never answer). */
export async function startServer(
  reply: (req: SeenRequest, res: http.ServerResponse) => void = (_req, res) => res.end('{"ok":true}'),
): Promise<LocalServer> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(r);
      reply(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
