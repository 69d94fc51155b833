/**
 * Runs the import CLI (src/cli/import.ts) as a child process against a local Freshdesk and a
 * local injixo over real HTTP, the way a person runs `npm run import`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { countPerQueueInterval, expectedOfferedContacts } from '../../tools/local-freshdesk/oracle';
import { startLocalFreshdesk, type LocalFreshdesk } from '../../tools/local-freshdesk/server';
import { generateWorld, type World } from '../../tools/local-freshdesk/world';
import { startLocalInjixo, type LocalInjixo } from '../../tools/local-injixo/server';

export const KEYS = { admin: 'fd-admin-key-SECRET-1', agent: 'fd-agent-key-SECRET-2', injixo: 'injixo-key-SECRET-3' } as const;
const root = path.resolve(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

export interface Stack {
  world: World;
  freshdesk: LocalFreshdesk;
  injixo: LocalInjixo;
  close(): Promise<void>;
}

/** A 30-day world that ended before now, so the local Freshdesk (on the real clock) is settled. */
export async function startStack(options: { days?: number; ticketsPerDay?: number; seed?: number; timeTracking?: boolean } = {}): Promise<Stack> {
  const days = options.days ?? 30;
  const start = Date.UTC(2026, 9, 1);
  const world = generateWorld({ seed: options.seed ?? 12, start: new Date(start).toISOString(), days, ticketsPerDay: options.ticketsPerDay ?? 40, timeTracking: options.timeTracking === true });
  // Limits far above any plan: the walk's pacing still follows the headers, at test speed.
  const freshdesk = await startLocalFreshdesk({ world, adminApiKey: KEYS.admin, agentApiKey: KEYS.agent, limits: { total: 60_000, ticketList: 17_000 } });
  const injixo = await startLocalInjixo({ apiKey: KEYS.injixo });
  return {
    world,
    freshdesk,
    injixo,
    close: async () => {
      await freshdesk.close();
      await injixo.close();
    },
  };
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function windowArgs(stack: Stack, extra: string[] = []): string[] {
  return [
    '--domain', 'localdesk.freshdesk.com',
    '--from', new Date(stack.world.start).toISOString(),
    '--to', new Date(stack.world.end).toISOString(),
    '--freshdesk-url', stack.freshdesk.url,
    '--injixo-url', stack.injixo.url,
    ...extra,
  ];
}

export function spawnCli(args: string[], env: Record<string, string> = { FRESHDESK_API_KEY: KEYS.admin, INJIXO_API_KEY: KEYS.injixo }): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(tsx, [path.join(root, 'src', 'cli', 'import.ts'), ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export async function runCli(args: string[], env?: Record<string, string>): Promise<CliRun> {
  return spawnCli(args, env).done;
}

type Counts = Record<string, Record<string, number>>;

function toPlain(map: Map<string, Map<string, number>>): Counts {
  const out: Counts = {};
  for (const [queue, intervals] of [...map.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    out[queue] = Object.fromEntries([...intervals.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
  return out;
}

/** The independent oracle in import mode: what a walk after the world's end can know. */
export function importOracle(stack: Stack, replyScope: 'customer' | 'all_public' = 'customer'): Counts {
  return toPlain(countPerQueueInterval(expectedOfferedContacts(stack.world, { replyScope, from: stack.world.start, to: stack.world.end, importAt: Date.now() })));
}

export function injixoCounts(stack: Stack): Counts {
  return toPlain(stack.injixo.store.countsByQueueInterval());
}

export function total(counts: Counts): number {
  return Object.values(counts).reduce((sum, intervals) => sum + Object.values(intervals).reduce((a, b) => a + b, 0), 0);
}

/** Waits until `check` holds, polling. */
export async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('until: timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
