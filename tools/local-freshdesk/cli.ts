// Runs the local Freshdesk until Ctrl+C:
//   npx tsx tools/local-freshdesk/cli.ts --port 0 --seed 7 --days 1 --tickets-per-day 2000
//     [--start 2026-11-02T00:00:00Z] [--plan growth|pro|enterprise] [--admin-key K] [--agent-key K]
//     [--resolutions] [--time-tracking] [--agents] [--custom-statuses]   (issue 14's facts, off by default)
// The clock is the system clock, so "now" is the real time: choose --start so the world
// overlaps it, or drive a ManualClock from code instead.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { FreshdeskPlan } from './rate-limiter';
import { startLocalFreshdesk } from './server';
import { generateWorld } from './world';

const PLANS: readonly FreshdeskPlan[] = ['growth', 'pro', 'enterprise'];

function readNumber(name: string, value: string | undefined): number {
  const parsed = Number(value);
  if (value === undefined || !Number.isFinite(parsed)) throw new Error(`--${name} must be a number, got ${String(value)}`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      seed: { type: 'string', default: '7' },
      days: { type: 'string', default: '1' },
      'tickets-per-day': { type: 'string', default: '2000' },
      start: { type: 'string' },
      plan: { type: 'string', default: 'growth' },
      'admin-key': { type: 'string' },
      'agent-key': { type: 'string' },
      resolutions: { type: 'boolean', default: false },
      'time-tracking': { type: 'boolean', default: false },
      agents: { type: 'boolean', default: false },
      'custom-statuses': { type: 'boolean', default: false },
    },
  });
  const plan = PLANS.find((candidate) => candidate === values.plan);
  if (!plan) throw new Error(`--plan must be one of ${PLANS.join(', ')}, got ${String(values.plan)}`);
  const days = readNumber('days', values.days);
  // By default the world ends now, so the API shows all of it.
  const start = values.start ?? new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - days * 86_400_000).toISOString();
  const world = generateWorld({
    seed: readNumber('seed', values.seed),
    start,
    days,
    ticketsPerDay: readNumber('tickets-per-day', values['tickets-per-day']),
    resolutions: values.resolutions,
    timeTracking: values['time-tracking'],
    ...(values.agents ? { agents: { customStatuses: values['custom-statuses'] } } : {}),
  });
  // Local, throw-away keys: printed so a developer can paste them into the app's settings.
  const adminApiKey = values['admin-key'] ?? randomBytes(10).toString('hex');
  const agentApiKey = values['agent-key'] ?? randomBytes(10).toString('hex');
  const freshdesk = await startLocalFreshdesk({ world, port: readNumber('port', values.port), plan, adminApiKey, agentApiKey });
  console.log(freshdesk.url);
  console.log(`admin key: ${adminApiKey}`);
  console.log(`agent key: ${agentApiKey}`);
  console.log(`world: seed ${world.seed}, ${world.ticketCount} tickets from ${new Date(world.start).toISOString()} to ${new Date(world.end).toISOString()}, plan ${plan}`);
  const stop = (): void => {
    void freshdesk.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
