/**
 * `npm start`: the app's main job, locally. Starts the local Freshdesk and the local injixo,
 * installs the app in the local platform with working keys, replays a generated day of
 * ticket activity through the built server.js (a progress line every three simulated hours),
 * prints injixo's queue table and a delivery summary, then stays up serving the install page,
 * the status page and the local injixo page until Ctrl-C (`--once` exits instead, serving
 * nothing; test/e2e/start.test.ts runs it that way). While it serves, the local platform's clock
 * moves with real time (tools/sandbox/real-time.ts), so the per-minute limits free up and the
 * delivery schedules keep firing. A busy or invalid PORT is reported before anything starts, in
 * one line, with a non-zero exit; a wrong flag in one line with exit code 2 (tools/start-options.ts).
 */
import { assertPortFree, PortBusyError, portFromEnv } from './port-check';
import { formatQueueTable, summarizeLedger } from './sandbox/report';
import { startSandbox } from './sandbox';
import { runClockInRealTime } from './sandbox/real-time';
import { parseStartOptions, StartUsageError, USAGE_EXIT_CODE } from './start-options';
import { startUiHarness } from './ui-harness/server';

/** Simulated time between two progress lines of the replay. */
const PROGRESS_EVERY_MS = 3 * 3_600_000;

function seconds(sinceMs: number): string {
  return `${Math.round((Date.now() - sinceMs) / 1000)} s`;
}

async function main(): Promise<void> {
  const { once, ticketsPerDay } = parseStartOptions(process.argv.slice(2), process.env);
  const port = portFromEnv(process.env.PORT);
  // Before the replay: finding out after minutes of work that the pages cannot be served helps nobody.
  if (!once) await assertPortFree(port);
  const began = Date.now();
  console.log(`Starting local Freshdesk, local injixo and the local platform (${ticketsPerDay} tickets, one day)…`);
  const sandbox = await startSandbox({ ticketsPerDay });
  const day = new Date(sandbox.world.start).toISOString().slice(0, 10);
  console.log(`Replaying ${day} (UTC) through the built server.js, ${sandbox.world.ticketCount} tickets (${seconds(began)} so far):`);
  const stats = await sandbox.replay(undefined, undefined, {
    everyMs: PROGRESS_EVERY_MS,
    onProgress: (reached, so) => {
      const hour = new Date(reached).toISOString().slice(11, 16);
      const time = reached >= sandbox.world.end ? '24:00' : hour;
      console.log(`  up to ${time}: ${so.events} events, ${sandbox.injixo.store.total()} contacts at injixo (${seconds(began)})`);
    },
  });
  console.log(`Letting the last delivery runs finish (30 simulated minutes)…`);
  await sandbox.settle();
  console.log(`Replayed ${stats.events} Freshdesk events of ${day} (${Object.entries(stats.byEvent).map(([e, n]) => `${n} ${e}`).join(', ')}).\n`);
  console.log(formatQueueTable(sandbox.injixo.store.offeredPerQueueInterval(), day));

  const usage = summarizeLedger(sandbox.platform.ledger);
  const status = await sandbox.platform.callFunction('getStatus', {});
  const health = status.ok ? (status.data as { state: string; backlog: number; setAside: number; dropped: number }) : undefined;
  const delivered = sandbox.injixo.store.total();
  console.log('\nDelivery summary');
  console.log(`  contacts at injixo:      ${delivered} (duplicates received: ${sandbox.injixo.store.duplicates().length})`);
  console.log(`  app state:               ${health ? `${health.state}, backlog ${health.backlog}, set aside ${health.setAside}, dropped ${health.dropped}` : 'unavailable'}`);
  console.log(`  platform calls:          ${usage.requests} requests + ${usage.kvOps} KV operations = ${((usage.requests + usage.kvOps) / Math.max(1, delivered)).toFixed(2)} per contact`);
  console.log(`  failed invocations:      ${stats.failedInvocations}`);

  if (once) {
    // Nothing is served with --once, so no address is printed that would not answer.
    console.log('\n--once: the install page, the status page and the local injixo page are not served; run `npm start` to open them.');
    await sandbox.close();
    return;
  }
  const ui = await startUiHarness({ platform: sandbox.platform, port, iparams: sandbox.iparams, domain: sandbox.world.account.domain });
  const clock = runClockInRealTime(sandbox.platform, { onError: (error) => console.error(`npm start: the local platform's clock stopped a tick: ${error instanceof Error ? error.message : String(error)}`) });
  console.log('\nOpen in a browser:');
  console.log(`  install page (settings):  ${ui.installUrl}`);
  console.log(`  status page:              ${ui.statusUrl}`);
  console.log(`  local injixo:             ${sandbox.injixo.url}/`);
  console.log(`The local platform's clock now moves with real time from ${new Date(sandbox.clock.now()).toISOString()}: delivery runs every 10 minutes.`);
  const stop = async (): Promise<void> => {
    await clock.stop();
    await ui.close();
    await sandbox.close();
  };
  console.log('Press Ctrl-C to stop.');
  const onSignal = (): void => {
    void stop().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main().catch((error: unknown) => {
  if (error instanceof StartUsageError) {
    console.error(`npm start: ${error.message}`);
    process.exit(USAGE_EXIT_CODE);
  }
  // A refused port (also if it was taken during the replay) is one line with the fix, not a stack.
  if (error instanceof PortBusyError || (error instanceof Error && /^PORT=/.test(error.message))) console.error(`npm start: ${error.message}`);
  else if (error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`npm start: ${new PortBusyError(portFromEnv(process.env.PORT)).message}`);
  else console.error(error);
  process.exit(1);
});
