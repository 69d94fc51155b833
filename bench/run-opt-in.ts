/**
 * Issue 14's cost: what the opt-in features add to the platform budget. The same world (time
 * tracking, agents with custom statuses) is replayed through the built app twice — both
 * features off, then on — and every platform call is attributed to the event or delivery run
 * that made it (bench/break-down-ledger.ts). `npx tsx bench/run.ts --opt-in-only` prints it.
 */
import { startSandbox } from '../tools/sandbox';
import { profileInvocations, type InvocationProfile } from './break-down-ledger';

export interface OptInCostOptions {
  seed: number;
  ticketsPerDay: number;
  /** Hours of the world replayed (from its start). */
  hours: number;
  progress: (message: string) => void;
}

export interface EventCost {
  invocations: number;
  /** Platform calls (KV operations, requests, schedules) per invocation. */
  callsPerEvent: number;
}

export interface CostRun {
  events: Record<string, EventCost>;
  /** Every call of the delivery runs (and overflow retries), per product event fed. */
  deliveryCallsPerEvent: number;
  deliveryCalls: number;
  productEvents: number;
  handledSent: number;
  agentIntervals: number;
}

export interface OptInCost {
  options: Omit<OptInCostOptions, 'progress'>;
  off: CostRun;
  on: CostRun;
}

const OPT_IN_EVENTS = ['onTimeEntryCreate', 'onTimeEntryUpdate', 'onTimeEntryDelete', 'onAgentUpdate', 'onAgentAvailabilityUpdate'];

function callsOf(p: InvocationProfile): number {
  return p.calls.kv + p.calls.request + p.calls.schedule;
}

async function costRun(options: OptInCostOptions, on: boolean): Promise<CostRun> {
  const sandbox = await startSandbox({
    seed: options.seed,
    ticketsPerDay: options.ticketsPerDay,
    world: { timeTracking: true, agents: { customStatuses: true } },
    ...(on ? { iparams: { handled_contacts: true, agent_statuses: true } } : {}),
  });
  try {
    await sandbox.replay(sandbox.world.start, sandbox.world.start + options.hours * 3_600_000);
    await sandbox.settle(60);
    const profiles = profileInvocations(sandbox.platform.ledger);
    const events: Record<string, EventCost> = {};
    let productEvents = 0;
    let deliveryCalls = 0;
    for (const p of profiles) {
      if (p.event.startsWith('on') && p.event !== 'onScheduledEvent' && p.event !== 'onAppInstall') {
        const cost = events[p.event] ?? { invocations: 0, callsPerEvent: 0 };
        cost.callsPerEvent = (cost.callsPerEvent * cost.invocations + callsOf(p)) / (cost.invocations + 1);
        cost.invocations += 1;
        events[p.event] = cost;
        productEvents += 1;
      } else if (p.event === 'onScheduledEvent') deliveryCalls += callsOf(p);
    }
    return {
      events,
      deliveryCalls,
      deliveryCallsPerEvent: deliveryCalls / productEvents,
      productEvents,
      handledSent: sandbox.injixo.store.list().filter((c) => c.handled === true).length,
      agentIntervals: sandbox.injixo.agentStatuses.list().length,
    };
  } finally {
    await sandbox.close();
  }
}

export async function runOptInCost(options: OptInCostOptions): Promise<OptInCost> {
  options.progress(`opt-in cost: ${options.hours} h of a ${options.ticketsPerDay}-a-day world, both features off…`);
  const off = await costRun(options, false);
  options.progress('  … and on');
  const on = await costRun(options, true);
  const { progress: _progress, ...rest } = options;
  return { options: rest, off, on };
}

export function formatOptInCost(cost: OptInCost): string {
  const { off, on } = cost;
  const lines = [
    `Opt-in features (issue 14): ${cost.options.hours} h of the world (seed ${cost.options.seed}, ${cost.options.ticketsPerDay} tickets/day, time tracking, agents with custom statuses), built server.js`,
    'event                      invocations   calls/event off   calls/event on',
  ];
  for (const event of Object.keys(on.events).sort()) {
    const a = off.events[event];
    const b = on.events[event];
    lines.push(`${event.padEnd(26)} ${String(b?.invocations ?? 0).padStart(11)}   ${(a?.callsPerEvent ?? 0).toFixed(3).padStart(15)}   ${(b?.callsPerEvent ?? 0).toFixed(3).padStart(14)}`);
  }
  const newEvents = OPT_IN_EVENTS.reduce((sum, e) => sum + (on.events[e]?.invocations ?? 0), 0);
  lines.push(
    `delivery runs: ${off.deliveryCalls} calls off, ${on.deliveryCalls} on (+${on.deliveryCalls - off.deliveryCalls}, ${((on.deliveryCalls - off.deliveryCalls) / Math.max(1, newEvents)).toFixed(3)} per time-entry/agent event)`,
    `sent with both on: ${on.handledSent} handled contacts, ${on.agentIntervals} agent status intervals`,
  );
  return lines.join('\n');
}
