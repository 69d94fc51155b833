/**
 * `npm start`: the app's main job, locally. Starts the local Freshdesk and the local injixo,
 * installs the app in the local platform with working keys, replays a generated day of
 * ticket activity through the built server.js, prints injixo's queue table and a delivery
 * summary, then stays up serving the install page, the status page and the local injixo page
 * until Ctrl-C (`--once` exits instead, serving nothing; test/e2e/start.test.ts runs it that way).
 * A busy or invalid PORT is reported before anything starts, in one line, with a non-zero exit.
 */
import { assertPortFree, PortBusyError, portFromEnv } from './port-check';
import { formatQueueTable, summarizeLedger } from './sandbox/report';
import { startSandbox } from './sandbox';
import { startUiHarness } from './ui-harness/server';

async function main(): Promise<void> {
  const once = process.argv.includes('--once');
  const ticketsArg = process.argv.find((a) => a.startsWith('--tickets='));
  const ticketsPerDay = ticketsArg ? Number(ticketsArg.split('=')[1]) : 2000;
  const port = portFromEnv(process.env.PORT);
  // Before the replay: finding out after minutes of work that the pages cannot be served helps nobody.
  if (!once) await assertPortFree(port);
  console.log(`Starting local Freshdesk, local injixo and the local platform (${ticketsPerDay} tickets, one day)…`);
  const sandbox = await startSandbox({ ticketsPerDay });
  const day = new Date(sandbox.world.start).toISOString().slice(0, 10);
  const stats = await sandbox.replay();
  await sandbox.settle();
  console.log(`Replayed ${stats.events} Freshdesk events of ${day} (${Object.entries(stats.byEvent).map(([e, n]) => `${n} ${e}`).join(', ')}).\n`);
  console.log(formatQueueTable(sandbox.injixo.store.offeredPerQueueInterval(), day));

  const usage = summarizeLedger(sandbox.platform.ledger);
  const status = await sandbox.platform.callFunction('getStatus', {});
  const health = status.ok ? (status.data as { state: string; backlog: number; parked: number; dropped: number }) : undefined;
  const delivered = sandbox.injixo.store.total();
  console.log('\nDelivery summary');
  console.log(`  contacts at injixo:      ${delivered} (duplicates received: ${sandbox.injixo.store.duplicates().length})`);
  console.log(`  app state:               ${health ? `${health.state}, backlog ${health.backlog}, set aside ${health.parked}, dropped ${health.dropped}` : 'unavailable'}`);
  console.log(`  platform calls:          ${usage.requests} requests + ${usage.kvOps} KV operations = ${((usage.requests + usage.kvOps) / Math.max(1, delivered)).toFixed(2)} per contact`);
  console.log(`  failed invocations:      ${stats.failedInvocations}`);

  if (once) {
    // Nothing is served with --once, so no address is printed that would not answer.
    console.log('\n--once: the install page, the status page and the local injixo page are not served; run `npm start` to open them.');
    await sandbox.close();
    return;
  }
  const ui = await startUiHarness({ platform: sandbox.platform, port, iparams: sandbox.iparams, domain: sandbox.world.account.domain });
  console.log('\nOpen in a browser:');
  console.log(`  install page (settings):  ${ui.installUrl}`);
  console.log(`  status page:              ${ui.statusUrl}`);
  console.log(`  local injixo:             ${sandbox.injixo.url}/`);
  const stop = async (): Promise<void> => {
    await ui.close();
    await sandbox.close();
  };
  console.log('Press Ctrl-C to stop.');
  process.on('SIGINT', () => {
    void stop().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  // A refused port (also if it was taken during the replay) is one line with the fix, not a stack.
  if (error instanceof PortBusyError || (error instanceof Error && /^PORT=/.test(error.message))) console.error(`npm start: ${error.message}`);
  else if (error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`npm start: ${new PortBusyError(portFromEnv(process.env.PORT)).message}`);
  else console.error(error);
  process.exit(1);
});
