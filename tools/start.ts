/**
 * `npm start`: the app's main job, locally. Starts the local Freshdesk and the local injixo,
 * installs the app in the local platform with working keys, replays a generated day of
 * ticket activity through the built server.js, prints injixo's queue table and a delivery
 * summary, then stays up serving the install page, the status page and the local injixo page
 * until Ctrl-C (`--once` exits instead; test/e2e/start.test.ts runs it that way).
 */
import { formatQueueTable, summarizeLedger } from './sandbox/report';
import { startSandbox } from './sandbox';
import { startUiHarness } from './ui-harness/server';

async function main(): Promise<void> {
  const once = process.argv.includes('--once');
  const ticketsArg = process.argv.find((a) => a.startsWith('--tickets='));
  const ticketsPerDay = ticketsArg ? Number(ticketsArg.split('=')[1]) : 2000;
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

  const port = Number(process.env.PORT ?? 3000);
  const ui = await startUiHarness({ platform: sandbox.platform, port: once ? 0 : port, iparams: sandbox.iparams, domain: sandbox.world.account.domain });
  console.log('\nOpen in a browser:');
  console.log(`  install page (settings):  ${ui.installUrl}`);
  console.log(`  status page:              ${ui.statusUrl}`);
  console.log(`  local injixo:             ${sandbox.injixo.url}/`);
  const stop = async (): Promise<void> => {
    await ui.close();
    await sandbox.close();
  };
  if (once) {
    await stop();
    return;
  }
  console.log('Press Ctrl-C to stop.');
  process.on('SIGINT', () => {
    void stop().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
