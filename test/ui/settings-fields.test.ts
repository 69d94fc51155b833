import { AGENT_IDENTIFIER_CHOICES as CORE_AGENT_IDENTIFIER_CHOICES } from '../../src/core/agent-status';
import {
  AGENT_IDENTIFIER_CHOICES,
  buildConfigs,
  checkFormLocally,
  effectiveKeys,
  emptyForm,
  IMPORT_WINDOWS,
  importWindowDays,
  isAgentIdentifier,
  isImportWindow,
  isReplyScope,
  PUBLIC_IPARAMS,
  readConfigs,
  SECURE_IPARAMS,
  type FormValues,
} from '../../src/app/settings-fields';

const form = (values: Partial<FormValues> = {}): FormValues => ({ ...emptyForm(), ...values });

describe('readConfigs', () => {
  it('refills the non-secret fields and keeps saved keys out of the form values', () => {
    const { values, saved } = readConfigs({
      injixo_api_key: 'inj-secret',
      freshdesk_api_key: 'fd-secret',
      reply_scope: 'all_public',
      import_window_days: 7,
      injixo_integration_id: 1234,
    });
    expect(values).toEqual({
      injixoKey: '', freshdeskKey: '', replyScope: 'all_public', importWindow: '7', integrationId: '1234',
      handledContacts: false, agentStatuses: false, agentIdentifier: 'email', dailyCheck: true,
    });
    expect(saved).toEqual({ injixo_api_key: 'inj-secret', freshdesk_api_key: 'fd-secret' });
  });

  it.each([
    [0, 'none'],
    ['0', 'none'],
    [90, '90'],
    [180, '180'],
    ['365', '365'],
    ['30', '30'],
    [45, '30'],
    [undefined, '30'],
    ['weekly', '30'],
  ])('reads import_window_days %p as the choice %s', (stored, choice) => {
    expect(readConfigs({ import_window_days: stored }).values.importWindow).toBe(choice);
  });

  it('falls back to the defaults for missing, blank or unknown values', () => {
    expect(readConfigs(null)).toEqual({ values: emptyForm(), saved: {} });
    expect(readConfigs({ reply_scope: 'everyone', injixo_integration_id: '  ', injixo_api_key: '  ', freshdesk_api_key: 7 })).toEqual({ values: emptyForm(), saved: {} });
    expect(readConfigs({ injixo_integration_id: '77' }).values.integrationId).toBe('77');
  });
});

describe('the daily check (issue 20)', () => {
  it('is on unless switched off, and the switch loads back as saved', () => {
    expect(readConfigs({}).values.dailyCheck).toBe(true);
    expect(readConfigs({ daily_check: 'false' }).values.dailyCheck).toBe(true);
    const { values } = readConfigs({ daily_check: false });
    expect(values.dailyCheck).toBe(false);
    expect(buildConfigs({ ...values, injixoKey: 'a', freshdeskKey: 'b' }, {})).toMatchObject({ daily_check: false });
    expect(PUBLIC_IPARAMS).toContain('daily_check');
    expect(SECURE_IPARAMS).not.toContain('daily_check');
  });
});

describe('the opt-in features (issue 14)', () => {
  it('are off on a first install, with agents identified by email', () => {
    expect(emptyForm()).toMatchObject({ handledContacts: false, agentStatuses: false, agentIdentifier: 'email', dailyCheck: true });
    expect(buildConfigs(form({ injixoKey: 'a', freshdeskKey: 'b' }), {})).toMatchObject({
      handled_contacts: false, agent_statuses: false, agent_identifier: 'email', daily_check: true,
    });
  });

  it('load back as saved', () => {
    const { values } = readConfigs({ handled_contacts: true, agent_statuses: true, agent_identifier: 'id' });
    expect(values).toMatchObject({ handledContacts: true, agentStatuses: true, agentIdentifier: 'id' });
    expect(buildConfigs({ ...values, injixoKey: 'a', freshdeskKey: 'b' }, {})).toMatchObject({
      handled_contacts: true, agent_statuses: true, agent_identifier: 'id',
    });
  });

  it.each([['true'], [1], ['on'], [null], [{}]])('stay off when stored as %p, as the server reads them', (stored) => {
    expect(readConfigs({ handled_contacts: stored, agent_statuses: stored }).values).toMatchObject({ handledContacts: false, agentStatuses: false });
  });

  it.each([['ID'], ['name'], [7], [undefined]])('identify agents by email when the identifier is stored as %p', (stored) => {
    expect(readConfigs({ agent_identifier: stored }).values.agentIdentifier).toBe('email');
  });

  it('keeps the identifier choice while agent statuses are off, so switching them on again finds it', () => {
    expect(buildConfigs(form({ injixoKey: 'a', freshdeskKey: 'b', agentStatuses: false, agentIdentifier: 'id' }), {})).toMatchObject({
      agent_statuses: false, agent_identifier: 'id',
    });
  });

  it('are settings a browser may see, not secrets', () => {
    expect(PUBLIC_IPARAMS).toEqual(expect.arrayContaining(['handled_contacts', 'agent_statuses', 'agent_identifier']));
    for (const name of ['handled_contacts', 'agent_statuses', 'agent_identifier']) expect(SECURE_IPARAMS).not.toContain(name);
    expect(isAgentIdentifier('id')).toBe(true);
    expect(isAgentIdentifier('email')).toBe(true);
    expect(isAgentIdentifier('name')).toBe(false);
    expect(AGENT_IDENTIFIER_CHOICES).toEqual(CORE_AGENT_IDENTIFIER_CHOICES);
  });
});

describe('checkFormLocally', () => {
  it('requires both keys when nothing is saved', () => {
    expect(checkFormLocally(form(), {})).toEqual([
      { field: 'injixoKey', severity: 'error', key: 'error.required' },
      { field: 'freshdeskKey', severity: 'error', key: 'error.required' },
    ]);
  });

  it('accepts empty key fields when keys are saved, and whitespace is not a key', () => {
    expect(checkFormLocally(form(), { injixo_api_key: 'a', freshdesk_api_key: 'b' })).toEqual([]);
    expect(checkFormLocally(form({ injixoKey: '   ', freshdeskKey: 'x' }), {})).toEqual([{ field: 'injixoKey', severity: 'error', key: 'error.required' }]);
  });

  it.each(['0', '-3', '12.5', 'abc', '99999999999999999999'])('refuses the integration id %p', (id) => {
    expect(checkFormLocally(form({ injixoKey: 'a', freshdeskKey: 'b', integrationId: id }), {})).toEqual([
      { field: 'integrationId', severity: 'error', key: 'error.integrationId' },
    ]);
  });

  it.each(['', '  ', '1', ' 1234 '])('accepts the integration id %p', (id) => {
    expect(checkFormLocally(form({ injixoKey: 'a', freshdeskKey: 'b', integrationId: id }), {})).toEqual([]);
  });
});

describe('buildConfigs', () => {
  it('returns the whole configuration with both keys marked secure and the window in days', () => {
    expect(buildConfigs(form({ injixoKey: ' inj ', freshdeskKey: 'fd', importWindow: 'none', integrationId: ' 42 ' }), {})).toEqual({
      __meta: { secure: ['injixo_api_key', 'freshdesk_api_key'] },
      injixo_api_key: 'inj',
      freshdesk_api_key: 'fd',
      reply_scope: 'customer',
      import_window_days: 0,
      injixo_integration_id: 42,
      handled_contacts: false,
      agent_statuses: false,
      agent_identifier: 'email',
      daily_check: true,
    });
  });

  it('re-sends a saved key when its field is empty, and prefers a newly typed one', () => {
    const saved = { injixo_api_key: 'old-inj', freshdesk_api_key: 'old-fd' };
    const configs = buildConfigs(form({ injixoKey: 'new-inj' }), saved);
    expect(configs.injixo_api_key).toBe('new-inj');
    expect(configs.freshdesk_api_key).toBe('old-fd');
    expect(configs).not.toHaveProperty('injixo_integration_id');
    expect(effectiveKeys(form(), saved)).toEqual({ injixo: 'old-inj', freshdesk: 'old-fd' });
  });
});

describe('field choices', () => {
  it('knows the reply scopes and import windows', () => {
    expect(isReplyScope('all_public')).toBe(true);
    expect(isReplyScope('all')).toBe(false);
    expect(isImportWindow('90')).toBe(true);
    expect(isImportWindow(90)).toBe(false);
    expect(IMPORT_WINDOWS.map(importWindowDays)).toEqual([0, 7, 30, 90, 180, 365]);
  });
});
