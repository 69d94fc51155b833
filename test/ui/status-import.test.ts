import { healthView } from '../helpers/health-view';
import { describeHealth, type StatusAnswer } from '../../src/app/status-model';
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
