import { healthView } from '../helpers/health-view';
import { fromZonedInput, toInputText } from '../../src/app/format';
import { describeHealth, describeReplayRefusal, type StatusAnswer } from '../../src/app/status-model';
import { createTranslator } from '../../src/i18n/translate';
import { historyCommand } from '../../src/import/in-app';

const base: StatusAnswer = healthView({ installedAt: '2026-11-10T13:07:01.234Z' });

describe('the status page’s import section', () => {
  it('shows a running import with its window, counts, ETA and a pause button, and the CLI command for older history', () => {
    const command = historyCommand('acme.freshdesk.com', Date.parse('2026-11-03T13:07:01.234Z'));
    const model = describeHealth(
      { ...base, import: { state: 'running', window: { from: '2026-11-03T13:07:01.234Z', to: '2026-11-10T13:07:01.234Z' }, progress: 0.5, tickets: 1200, contacts: 2034, requests: 640, etaMinutes: 95, problems: [], cliCommand: command } },
      { t: createTranslator('en'), locale: 'en', timeZone: 'UTC' },
    );
    expect(model.import).toMatchObject({ state: 'running', stateText: 'Importing in the background', canPause: true, canResume: false });
    expect(model.import?.lines.join(' ')).toContain('1,200 tickets read, 2,034 contacts handed to delivery, 640 Freshdesk requests.');
    expect(model.import?.lines.join(' ')).toContain('About 95 minutes left.');
    expect(model.history?.command).toBe('npm run import -- --domain acme.freshdesk.com --from 2025-11-03 --to 2026-11-03T13:07:02Z');
  });

  it('offers resume for a paused import, in French with typographic apostrophes', () => {
    const model = describeHealth(
      { ...base, import: { state: 'paused', window: { from: '2026-11-03T13:07:01.234Z', to: '2026-11-10T13:07:01.234Z' }, progress: 0.2, tickets: 1, contacts: 2, requests: 3, problems: ['ticket 7 could not be read'], cliCommand: 'x' } },
      { t: createTranslator('fr'), locale: 'fr', timeZone: 'UTC' },
    );
    expect(model.import).toMatchObject({ stateText: 'En pause', canPause: false, canResume: true, problems: ['ticket 7 could not be read'] });
    expect(model.history?.intro).toContain('Pour l’historique d’avant le');
  });

  it('without an import gives the command for everything before the install', () => {
    const model = describeHealth({ ...base, history: { cliCommand: historyCommand('acme.freshdesk.com', Date.parse(base.installedAt)) } }, { t: createTranslator('en'), locale: 'en', timeZone: 'UTC' });
    expect(model.import).toBeUndefined();
    expect(model.history?.command).toContain('--to 2026-11-10T13:07:02Z');
  });
});

describe('the status page’s replay section', () => {
  const en = { t: createTranslator('en'), locale: 'en' as const, timeZone: 'Europe/Berlin' };
  const done: NonNullable<StatusAnswer['replay']> = {
    state: 'done',
    phase: 'done',
    window: { from: '2026-11-20T08:00:00Z', to: '2026-11-20T11:00:00Z' },
    progress: 1,
    tickets: 320,
    contacts: 410,
    requests: 350,
    problems: [],
    finishedAt: '2026-11-21T09:00:00Z',
    result: {
      found: 410, alreadyDelivered: 380, sent: 32, surplus: 2, claimedElsewhere: 1, moreQueues: 0,
      queues: [{ queueIdentifier: 'freshdesk/4/1/tickets', queueName: 'Billing Email Tickets', found: 200, delivered: 170, sent: 32, surplus: 2, claimedElsewhere: 1 }],
    },
  };

  it('offers one-click replay of a gap within the ledger and the CLI command for an older one', () => {
    const model = describeHealth(
      {
        ...base,
        ledgerFrom: '2026-10-17T10:40:00.000Z',
        gaps: [
          { from: '2026-10-01T09:00:00Z', to: '2026-10-01T11:00:00Z', reason: 'no_delivery_runs' },
          { from: '2026-11-20T09:00:00Z', to: '2026-11-20T09:15:00Z', reason: 'event_lost', contactsKnownLost: 3 },
        ],
        gapCommands: ['npm run import -- --domain a.freshdesk.com --from 2026-10-01T09:00:00Z --to 2026-10-01T11:00:00Z', 'npm run import -- x'],
      },
      en,
    );
    expect(model.gaps.map((g) => [g.command, g.replay])).toEqual([
      ['npm run import -- --domain a.freshdesk.com --from 2026-10-01T09:00:00Z --to 2026-10-01T11:00:00Z', null],
      [null, { from: '2026-11-20T09:00:00Z', to: '2026-11-20T09:15:00Z' }],
    ]);
    expect(model.replay.intro).toContain('Times are in Europe/Berlin');
    expect(model.replay.intro).toContain('Periods from 17 Oct 2026, 12:40 (Europe/Berlin) on can be replayed, at most 24 hours at a time.');
    expect(model.replay.busy).toBeNull();
  });

  it('shows a finished replay’s result: sent, already delivered, surplus per queue', () => {
    const model = describeHealth({ ...base, replay: done }, en);
    expect(model.replay.last).toMatchObject({ stateText: 'Complete', queues: [{ name: 'Billing Email Tickets', identifier: 'freshdesk/4/1/tickets', sent: '32', surplus: '2' }] });
    expect(model.replay.last?.lines).toEqual([
      'Period from 20 Nov 2026, 09:00 (Europe/Berlin) to 20 Nov 2026, 12:00 (Europe/Berlin).',
      '320 tickets read, 410 contacts found in Freshdesk, 350 Freshdesk requests.',
      'Sent 32 missing contacts: Freshdesk shows 410, the ledger had 380 delivered.',
      '1 contacts were delivered under their ticket’s former group and were not sent again.',
      'injixo holds 2 contacts more than Freshdesk now shows for this period (for example tickets deleted since). They are not taken back: injixo cannot delete.',
    ]);
  });

  it('warns when the ledger of the replayed period may be off (a bookkeeping hand-off too big to carry)', () => {
    const uncertain = { ...done, result: { ...(done.result as NonNullable<typeof done.result>), uncertainHours: ['2026-11-20T06'] } };
    expect(describeHealth({ ...base, replay: uncertain }, en).replay.last?.lines).toContain(
      'The app could not keep exact delivery counts for 2026-11-20T06 (UTC, six hours each) during a platform overload; this replay may have sent contacts injixo already had there.',
    );
  });

  it('says why no replay can be asked while the import or a replay runs, in French too', () => {
    const fr = { t: createTranslator('fr'), locale: 'fr' as const, timeZone: 'UTC' };
    const importing = describeHealth({ ...base, import: { state: 'paused', window: { from: 'a', to: 'b' }, progress: 0, tickets: 0, contacts: 0, requests: 0, problems: [], cliCommand: 'x' } }, fr);
    expect(importing.replay.busy).toBe('L’import initial n’est pas terminé. Rejouez une fois qu’il l’est : l’app ne lit Freshdesk que pour l’un des deux à la fois.');
    const replaying = describeHealth({ ...base, replay: { ...done, state: 'running', phase: 'waiting_for_delivery', result: undefined as never } }, en);
    expect(replaying.replay.busy).toBe('A replay is running. Wait for its result before asking for another.');
    expect(replaying.replay.last?.stateText).toBe('Waiting for delivery to catch up before comparing');
  });

  it('words each refusal the server gives, with the CLI command for a window older than the ledger', () => {
    const time = (iso: string): string => iso.slice(0, 10);
    const t = createTranslator('en');
    expect(describeReplayRefusal({ code: 'too_long', message: 'm', maxHours: 24 }, t, time, undefined)).toBe('One replay covers at most 24 hours. Replay a longer period in parts.');
    expect(describeReplayRefusal({ code: 'beyond_ledger', message: 'm', cliCommand: 'npm run import -- y' }, t, time, '2026-10-17T10:40:00Z')).toContain('before 2026-10-17, the oldest time');
    expect(describeReplayRefusal({ code: 'beyond_ledger', message: 'm', cliCommand: 'npm run import -- y' }, t, time, '2026-10-17T10:40:00Z')).toMatch(/: npm run import -- y$/);
    expect(describeReplayRefusal({ code: 'no_such' as never, message: 'server words' }, t, time, undefined)).toBe('server words');
  });

  it('words a refusal of the platform as a sentence with the time to ask again, never the platform’s message (issue 20)', () => {
    const time = (iso: string): string => iso.slice(11, 16);
    const refusal = { code: 'busy_platform' as const, message: 'the platform is busy right now; ask again at 2026-11-21T10:41:00.000Z', retryAt: '2026-11-21T10:41:00.000Z' };
    const en = describeReplayRefusal(refusal, createTranslator('en'), time, undefined);
    expect(en).toBe('The platform is busy right now (its limit of operations a minute). Ask again at 10:41.');
    expect(describeReplayRefusal(refusal, createTranslator('fr'), time, undefined)).toBe('La plateforme est occupée en ce moment (sa limite d’opérations par minute). Redemandez à 10:41.');
    expect(en).not.toMatch(/exceeded|limit of 50 requests/);
  });
});

describe('times in the replay form', () => {
  it('reads and writes the admin’s wall clock across a daylight-saving change', () => {
    expect(fromZonedInput('2026-11-20T10:00', 'Europe/Berlin')).toBe('2026-11-20T09:00:00.000Z');
    expect(fromZonedInput('2026-07-20T10:00', 'Europe/Berlin')).toBe('2026-07-20T08:00:00.000Z');
    expect(fromZonedInput('2026-11-20T10:00', 'UTC')).toBe('2026-11-20T10:00:00.000Z');
    expect(fromZonedInput('20/11/2026 10:00', 'UTC')).toBeUndefined();
    expect(toInputText('2026-07-20T08:00:00Z', 'Europe/Berlin')).toBe('20/07/2026 10:00');
    expect(toInputText('2026-11-20T09:15:00Z', 'America/New_York')).toBe('20/11/2026 04:15');
  });
});
