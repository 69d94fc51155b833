/** `npm start`'s flags (issue 22): what is accepted, and one line for everything else. */
import { DEFAULT_TICKETS_PER_DAY, parseStartOptions } from '../../tools/start-options';

describe('npm start flags', () => {
  it.each([
    [[], {}, { once: false, ticketsPerDay: DEFAULT_TICKETS_PER_DAY }],
    [['--tickets=300'], {}, { once: false, ticketsPerDay: 300 }],
    [['--tickets', '300', '--once'], {}, { once: true, ticketsPerDay: 300 }],
  ])('reads %j', (argv, env, expected) => {
    expect(parseStartOptions(argv, env)).toEqual(expected);
  });

  it.each([
    [['--tickets=abc'], {}, 'npm start: --tickets must be a whole number of tickets a day from 1 to 20000, got "abc"'],
    [['--tickets=2.5'], {}, '--tickets must be a whole number'],
    [['--tickets=0'], {}, '--tickets must be a whole number'],
    [['--tickets'], {}, "Option '--tickets <value>' argument missing"],
    // `npm start --tickets 300`: npm keeps the flag and passes 300 alone.
    [['300'], { npm_config_tickets: 'true' }, 'npm took --tickets for itself; put the app\'s flags after --: npm start -- --tickets=300 [--once]'],
    [['300'], {}, 'unexpected "300"'],
    [[], { npm_config_once: 'true' }, 'npm took --once for itself'],
    [['--bogus'], {}, "Unknown option '--bogus'; usage: npm start -- --tickets=300 [--once]"],
  ])('refuses %j (env %j) in one line', (argv, env, message) => {
    let thrown: Error | undefined;
    try {
      parseStartOptions(argv, env);
    } catch (error) {
      thrown = error as Error;
    }
    expect(`npm start: ${thrown?.message ?? ''}`).toContain(message);
    expect(thrown?.message).not.toContain('\n');
  });
});
