/**
 * `npm start`'s flags (issue 22). A wrong flag used to be ignored in silence (`--tickets 300`
 * when npm took `--tickets` for itself) or to end in NaN and a stack (`--tickets=abc`); now it is
 * one line that says what to type, and exit code 2.
 */
import { parseArgs } from 'node:util';

export const DEFAULT_TICKETS_PER_DAY = 2000;
/** The generated world's size a laptop replays in minutes. */
export const MAX_TICKETS_PER_DAY = 20_000;
export const USAGE_EXIT_CODE = 2;

export interface StartOptions {
  once: boolean;
  ticketsPerDay: number;
}

export class StartUsageError extends Error {}

const EXAMPLE = 'npm start -- --tickets=300 [--once]';

/**
 * `argv` after the script name; `env` for the flags npm keeps for itself when they come before
 * `--` (`npm start --tickets=300` leaves `npm_config_tickets` and no argument).
 */
export function parseStartOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): StartOptions {
  for (const flag of ['tickets', 'once']) {
    if (env[`npm_config_${flag}`] !== undefined) throw new StartUsageError(`npm took --${flag} for itself; put the app's flags after --: ${EXAMPLE}`);
  }
  let values: { tickets?: string | undefined; once?: boolean | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...argv], strict: true, allowPositionals: true, options: { tickets: { type: 'string' }, once: { type: 'boolean' } } }));
  } catch (error) {
    // parseArgs' own words, up to its first sentence ("Unknown option '--bogus'").
    const said = (error as Error).message.split(/\.\s/)[0] ?? 'bad flag';
    throw new StartUsageError(`${said}; usage: ${EXAMPLE}`);
  }
  if (positionals.length > 0) throw new StartUsageError(`unexpected ${JSON.stringify(positionals.join(' '))}; usage: ${EXAMPLE}`);
  const text = values.tickets ?? String(DEFAULT_TICKETS_PER_DAY);
  const ticketsPerDay = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(ticketsPerDay >= 1 && ticketsPerDay <= MAX_TICKETS_PER_DAY)) {
    throw new StartUsageError(`--tickets must be a whole number of tickets a day from 1 to ${MAX_TICKETS_PER_DAY}, got ${JSON.stringify(text)}; usage: ${EXAMPLE}`);
  }
  return { once: values.once === true, ticketsPerDay };
}
