import { healthView } from '../helpers/health-view';
import type { DeliveryReport } from '../../src/delivery/run/run';
import type { HealthView } from '../../src/delivery/status/health-view';
import { volumeView } from '../../src/delivery/accounting/recent-volume';
import { GUIDANCE } from '../../src/delivery/status/messages';
import { createTranslator } from '../../src/i18n/translate';
import {
  describeConnection,
  describeDelivery,
  describeHealth,
  guidanceFor,
  isConnectionReport,
  isDeliveryReport,
  isHealthView,
  primaryActionFor,
} from '../../src/app/status-model';

const en = createTranslator('en');
const fr = createTranslator('fr');

const NOW = Date.parse('2026-11-21T10:40:00Z');
/** 1,500 contacts: 1,000 at 09:10 UTC and 500 at 10:05 UTC, one queue. */
const RECENT = volumeView(
  {
    hour: Math.floor(NOW / 3_600_000),
    queues: { 'freshdesk/42/1/tickets': { name: 'CustomerService email Tickets', counts: [...new Array<number>(22).fill(0), 1000, 500] } },
  },
  NOW,
);

function view(overrides: Partial<HealthView> = {}): HealthView {
  return healthView({ lastSuccessAt: '2026-11-21T10:35:00.000Z', recent: RECENT, ...overrides });
}

describe('describeHealth', () => {
  it('shows tickets found without their creation event once there are any, as a warning while some are still looked for', () => {
    const facts = (missingTickets: HealthView['missingTickets']): [string, string, string][] =>
      describeHealth(view({ missingTickets }), { t: en, locale: 'en', timeZone: 'UTC' }).facts.filter((f) => f.id === 'missingTickets').map((f) => [f.label, f.value, f.tone]);
    expect(facts({ repaired: 0, waiting: 0 })).toEqual([]);
    expect(facts({ repaired: 12, waiting: 0 })).toEqual([['Tickets found without their event (counted from Freshdesk)', '12', 'neutral']]);
    expect(facts({ repaired: 1200, waiting: 3 })).toEqual([['Tickets found without their event (counted from Freshdesk)', '1,200, 3 still looked for', 'warning']]);
    const french = describeHealth(view({ missingTickets: { repaired: 2, waiting: 1 } }), { t: fr, locale: 'fr', timeZone: 'UTC' }).facts.find((f) => f.id === 'missingTickets');
    expect(french?.value).toBe('2, encore 1 recherchés');
  });

  it('shows handled contacts and agent statuses only while their feature is on, with what needs the admin as warnings, in English and French', () => {
    const factsOf = (overrides: Partial<HealthView>, t = en, locale: 'en' | 'fr' = 'en'): [string, string, string, string][] =>
      describeHealth(view(overrides), { t, locale, timeZone: 'UTC' })
        .facts.filter((f) => f.id.startsWith('handled') || f.id.startsWith('agents'))
        .map((f) => [f.id, f.label, f.value, f.tone]);
    expect(factsOf({})).toEqual([]);
    const handled = { sent: 1234, waiting: 7, early: 0, lateChanges: 3, lateSeconds: 1500 };
    const agents = { sent: 88, pending: 2, identifiers: ['ada@example.com', 'bo@example.com'], moreIdentifiers: 4, stale: 1, dropped: 0, unconfirmed: 0 };
    expect(factsOf({ handled, agents })).toEqual([
      ['handledSent', 'Handled contacts sent (resolved tickets)', '1,234, 7 waiting 30 minutes for their logged time', 'neutral'],
      ['handledLate', 'Time logged after the handled contact was sent (not in injixo)', '3 time entries, 25 min', 'warning'],
      ['agentsSent', 'Agent status intervals sent', '88, 2 waiting for injixo', 'warning'],
      ['agentsMapped', 'Agents injixo receives (map each to a person in injixo)', 'ada@example.com, bo@example.com and 4 more', 'neutral'],
      ['agentsLeftOut', 'Agent status changes left out (late or refused)', '1', 'warning'],
    ]);
    expect(factsOf({ handled: { ...handled, lateChanges: 0, early: 2 }, agents: { ...agents, pending: 0, identifiers: [], moreIdentifiers: 0, stale: 0 } }, fr, 'fr').map((f) => f[2])).toEqual([
      '1\u202f234, 7 attendent 30 minutes leur temps saisi',
      '2',
      '88, 0 en attente d’injixo',
      'aucun pour l’instant',
    ]);
  });

  it('shows a flowing installation with neutral counters and the queue table', () => {
    const model = describeHealth(view(), { t: en, locale: 'en', timeZone: 'UTC', nowMs: NOW });
    expect(model.state).toEqual({ id: 'flowing', text: 'Contacts are flowing to injixo', tone: 'ok', detail: null });
    expect(model.facts.map((f) => [f.id, f.value, f.tone])).toEqual([
      ['lastSuccess', '5 minutes ago', 'neutral'],
      // Installed 08:00: the recurring run came at 08:06 and every 10 minutes since.
      ['nextRun', 'in 6 minutes', 'neutral'],
      ['backlog', '0', 'neutral'],
      ['setAside', '0', 'neutral'],
      ['dropped', '0', 'neutral'],
      ['invalidPayloads', '0', 'neutral'],
      ['consecutiveFailures', '0', 'neutral'],
      ['installedAt', '20 Nov 2026, 08:00 (UTC)', 'neutral'],
    ]);
    expect(model.failure).toBeNull();
    expect(model.recent.title).toBe('Offered contacts sent, last 24 hours, per hour (times in UTC)');
    expect(model.recent.empty).toBeNull();
    expect(model.recent.rows).toEqual([{ name: 'CustomerService email Tickets', identifier: 'freshdesk/42/1/tickets', offered: '1,500' }]);
    expect(model.recent.total).toBe('1,500');
    expect(model.recent.labels).toHaveLength(24);
    expect(model.recent.labels.slice(-2)).toEqual(['09:00', '10:00']);
    expect(model.recent.series.map((s) => [s.id, s.total, s.counts.slice(-2)])).toEqual([
      ['all', 1500, [1000, 500]],
      ['freshdesk/42/1/tickets', 1500, [1000, 500]],
    ]);
    expect(model.renamed).toEqual([]);
    expect(model.primaryAction).toBe('refresh');
    expect(model.actions).toEqual(['test-connection', 'refresh']);
    expect(model.facts.slice(0, 2).map((f) => f.detail)).toEqual(['21 Nov 2026, 10:35 (UTC)', '10:46 (UTC); a run every 10 minutes']);
  });

  it('draws the chart hours and every time in the admin zone, named', () => {
    const model = describeHealth(view(), { t: en, locale: 'en', timeZone: 'Europe/Berlin' });
    expect(model.timeZone).toBe('Europe/Berlin');
    expect(model.recent.title).toBe('Offered contacts sent, last 24 hours, per hour (times in Europe/Berlin)');
    expect(model.recent.labels.slice(-2)).toEqual(['10:00', '11:00']);
    expect(model.facts[0]?.detail).toBe('21 Nov 2026, 11:35 (Europe/Berlin)');
  });

  it('keeps showing a busy yesterday evening the next morning (no per-day reset)', () => {
    const evening = volumeView({ hour: Math.floor(Date.parse('2026-11-20T23:00:00Z') / 3_600_000), queues: { q: { name: 'Q', counts: [...new Array<number>(23).fill(0), 4436] } } }, Date.parse('2026-11-21T00:30:00Z'));
    const model = describeHealth(view({ recent: evening }), { t: en, locale: 'en', timeZone: 'UTC' });
    expect(model.recent.empty).toBeNull();
    expect(model.recent.total).toBe('4,436');
    expect(model.recent.labels.slice(-2)).toEqual(['23:00', '00:00']);
  });

  it('lists renamed queues with the name injixo keeps and the Freshdesk name now', () => {
    const model = describeHealth(
      view({ renamedQueues: [{ queueIdentifier: 'freshdesk/7/1/replies', keptName: 'Technical Support email Replies', currentName: 'Product Support email Replies' }] }),
      { t: fr, locale: 'fr', timeZone: 'UTC' },
    );
    expect(model.renamed).toEqual([{ identifier: 'freshdesk/7/1/replies', kept: 'Technical Support email Replies', current: 'Product Support email Replies' }]);
  });

  it('explains a rejected key since when, with the guidance in the admin language', () => {
    const rejected = view({
      state: 'key_rejected',
      keyRejectedSince: '2026-11-21T09:00:00.000Z',
      consecutiveFailures: 4,
      backlog: 42,
      dropped: 1,
      lastFailure: { code: 'INJIXO_KEY_REJECTED', message: 'injixo answered 401', status: 401, at: '2026-11-21T10:35:00.000Z', guidance: GUIDANCE.INJIXO_KEY_REJECTED },
    });
    const model = describeHealth(rejected, { t: fr, locale: 'fr', timeZone: 'UTC' });
    expect(model.state.tone).toBe('error');
    expect(model.state.detail).toBe('Depuis le 21 nov. 2026, 09:00 (UTC). Aucun contact n’est perdu : ils seront envoyés dès que la clé fonctionnera.');
    expect(model.failure).toEqual({
      code: 'INJIXO_KEY_REJECTED',
      when: '21 nov. 2026, 10:35 (UTC), HTTP 401',
      guidance: fr('guidance.INJIXO_KEY_REJECTED'),
      details: 'Détails : injixo answered 401',
    });
    expect(model.facts.find((f) => f.id === 'backlog')).toMatchObject({ value: '42', tone: 'warning' });
    expect(model.facts.find((f) => f.id === 'dropped')).toMatchObject({ value: '1', tone: 'error' });
  });

  it('says "no answer" for a failure without HTTP status, and keeps the server text for a code it does not know', () => {
    const model = describeHealth(
      view({ state: 'injixo_unavailable', lastFailure: { code: 'NEW_CODE' as 'INJIXO_UNAVAILABLE', message: 'timeout', status: null, at: '2026-11-21T10:00:00Z', guidance: 'Server words.' } }),
      { t: en, locale: 'en', timeZone: 'UTC' },
    );
    expect(model.failure?.when).toBe('21 Nov 2026, 10:00 (UTC), no answer');
    expect(model.failure?.guidance).toBe('Server words.');
    expect(model.state.detail).toBeNull();
  });

  it('says so when nothing was ever delivered and no contact of the last 24 hours was sent', () => {
    const model = describeHealth(view({ state: 'waiting_for_first_delivery', lastSuccessAt: null, recent: volumeView(undefined, NOW) }), { t: en, locale: 'en' });
    expect(model.state.tone).toBe('neutral');
    expect(model.facts[0]?.value).toBe('Never');
    expect(model.recent.empty).toBe('No contact with a time in the last 24 hours has been sent.');
    expect(model.recent.total).toBe('0');
    expect(model.recent.series).toEqual([{ id: 'all', name: 'All queues', counts: new Array<number>(24).fill(0), total: 0, totalText: '0' }]);
  });
});

describe('primaryActionFor', () => {
  it.each([
    ['key_rejected', 42, 'test-connection'],
    ['key_rejected', 0, 'test-connection'],
    ['waiting_for_first_delivery', 0, 'test-connection'],
    ['injixo_unavailable', 5, 'retry-now'],
    ['backlog_draining', 12, 'retry-now'],
    ['flowing', 0, 'refresh'],
    ['injixo_unavailable', 0, 'refresh'],
  ] as const)('in state %s with backlog %i makes %s the primary action', (state, backlog, action) => {
    expect(primaryActionFor({ state, backlog })).toBe(action);
  });
});

describe('describeConnection', () => {
  it.each([
    [{ injixo: 'ok', freshdesk: 'ok' }, ['ok', 'ok']],
    [{ injixo: 'unavailable', freshdesk: 'rejected' }, ['warning', 'error']],
    [{ injixo: 'rejected', freshdesk: 'not_admin' }, ['error', 'error']],
    [{ injixo: 'ok', freshdesk: 'unavailable' }, ['ok', 'warning']],
  ] as const)('reports %j with tones %j', (report, tones) => {
    const notices = describeConnection(report, en);
    expect(notices.map((n) => n.tone)).toEqual(tones);
    expect(notices[0]?.text).toBe(en(`test.injixo.${report.injixo}`));
    expect(notices[1]?.text).toBe(en(`test.freshdesk.${report.freshdesk}`));
  });
});

describe('describeDelivery', () => {
  const report = (overrides: Partial<DeliveryReport>): DeliveryReport => ({
    outcome: 'delivered', records: 3, newContacts: 3, sent: 1234, backlog: 5, setAside: 0, dropped: 0, moreToDo: false, ...overrides,
  });

  it('counts what was sent and what still waits', () => {
    expect(describeDelivery(report({}), en, 'en')).toEqual([{ text: 'Delivery done. Sent: 1,234. Still waiting: 5.', tone: 'ok' }]);
  });

  it('adds the failure guidance and the "more to do" note', () => {
    expect(describeDelivery(report({ failure: { code: 'INJIXO_UNAVAILABLE', message: 'x' }, moreToDo: true }), en, 'en')).toEqual([
      { text: 'Delivery done. Sent: 1,234. Still waiting: 5.', tone: 'warning' },
      { text: GUIDANCE.INJIXO_UNAVAILABLE, tone: 'error' },
      { text: 'More contacts are waiting; the next run continues by itself.', tone: 'neutral' },
    ]);
  });

  it('explains a busy run and a missing group directory', () => {
    expect(describeDelivery(report({ outcome: 'busy' }), en, 'en')).toEqual([{ text: en('deliver.busy'), tone: 'warning' }]);
    expect(describeDelivery(report({ outcome: 'waiting_for_directory' }), fr, 'fr')).toEqual([{ text: fr('deliver.waiting_for_directory'), tone: 'warning' }]);
  });
});

describe('answer guards', () => {
  it('accept the shapes the server sends and refuse anything else', () => {
    expect(isHealthView(view())).toBe(true);
    expect(isHealthView({ ...view(), state: 'sleeping' })).toBe(false);
    expect(isHealthView({ ...view(), recent: null })).toBe(false);
    expect(isHealthView({ ...view(), renamedQueues: 'none' })).toBe(false);
    expect(isHealthView(null)).toBe(false);
    expect(isConnectionReport({ injixo: 'ok', freshdesk: 'not_admin' })).toBe(true);
    expect(isConnectionReport({ injixo: 'not_admin', freshdesk: 'ok' })).toBe(false);
    expect(isConnectionReport(undefined)).toBe(false);
    expect(isDeliveryReport({ outcome: 'delivered', sent: 0 })).toBe(true);
    expect(isDeliveryReport({ outcome: 'delivered' })).toBe(false);
    expect(isDeliveryReport('delivered')).toBe(false);
  });

  it('guidanceFor falls back to the text it was given for an unknown code', () => {
    expect(guidanceFor('PLATFORM_LIMIT', 'ignored', fr)).toBe(fr('guidance.PLATFORM_LIMIT'));
    expect(guidanceFor('SOMETHING_NEW', 'as sent', fr)).toBe('as sent');
  });
});

describe('gaps on the status page', () => {
  it('lists each gap with its reason, its period in the admin zone, what is known lost and the CLI command that refills it', () => {
    const model = describeHealth(
      view({
        gaps: [{ from: '2026-11-21T09:00:00Z', to: '2026-11-21T09:15:00Z', reason: 'event_lost', contactsKnownLost: 3 }],
        ...{ gapCommands: ['npm run import -- --domain acme.freshdesk.com --from 2026-11-21T09:00:00Z --to 2026-11-21T09:15:00Z'] },
      }),
      { t: en, locale: 'en', timeZone: 'Europe/Berlin' },
    );
    expect(model.gaps).toEqual([
      {
        reason: 'Events the app could not store',
        when: '21 Nov 2026, 10:00 (Europe/Berlin) to 21 Nov 2026, 10:15 (Europe/Berlin)',
        lost: '3 contacts known lost',
        command: 'npm run import -- --domain acme.freshdesk.com --from 2026-11-21T09:00:00Z --to 2026-11-21T09:15:00Z',
        pieces: ['npm run import --', '--domain acme.freshdesk.com', '--from 2026-11-21T09:00:00Z', '--to 2026-11-21T09:15:00Z'],
        replay: null,
        repaired: null,
      },
    ]);
  });

  it('says a gap the daily check repaired, with no replay button, in French too (issue 20 item 2)', () => {
    const gap = { from: '2026-11-21T09:00:00Z', to: '2026-11-21T09:15:00Z', reason: 'event_lost' as const, contactsKnownLost: 3 };
    const check = { enabled: true, days: [], healed: ['event_lost|2026-11-21T09:00:00Z|2026-11-21T09:15:00Z'] };
    const answer = view({ gaps: [gap, { ...gap, from: '2026-11-21T10:00:00Z', to: '2026-11-21T10:15:00Z' }], ledgerFrom: '2026-10-20T00:00:00Z', check } as never);
    const model = describeHealth(answer, { t: en, locale: 'en', timeZone: 'UTC' });
    expect(model.gaps.map((g) => [g.repaired, g.replay === null])).toEqual([
      ['repaired by the daily check', true],
      [null, false],
    ]);
    expect(describeHealth(answer, { t: fr, locale: 'fr', timeZone: 'UTC' }).gaps[0]?.repaired).toBe('réparée par la vérification quotidienne');
  });

  it('says a suspected gap has no known count, in French too', () => {
    const model = describeHealth(view({ gaps: [{ from: '2026-11-21T06:00:00Z', to: '2026-11-21T09:00:00Z', reason: 'no_delivery_runs' }] }), { t: fr, locale: 'fr', timeZone: 'UTC' });
    expect(model.gaps[0]).toMatchObject({ reason: 'Aucune livraison depuis plus de deux heures', lost: null, command: null });
  });
});

