// Runs the local injixo until Ctrl+C:
//   npx tsx tools/local-injixo/cli.ts --port 0 --key KEY [--db path]
import { parseArgs } from 'node:util';
import { startLocalInjixo, type LocalInjixoOptions } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '0' }, key: { type: 'string' }, db: { type: 'string' } },
  });
  const port = Number(values.port);
  if (!values.key) throw new Error('--key is required: the injixo API key clients must send as "Authorization: Bearer <key>"');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);
  const options: LocalInjixoOptions = { apiKey: values.key, port };
  if (values.db !== undefined) options.dbPath = values.db;
  const injixo = await startLocalInjixo(options);
  // The first line is the URL alone, so scripts can read it; the key is never printed.
  console.log(injixo.url);
  console.log(`POST ${injixo.url}/external-systems/contact-events · page ${injixo.url}/ · ${values.db ? `data in ${values.db}` : 'data in a temporary file'}`);
  const stop = (): void => {
    void injixo.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
