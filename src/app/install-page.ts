/// <reference lib="dom" />
/**
 * The custom settings page (config/iparams.html). The platform calls three globals
 * (runtime/custom-iparams-docs.md): getConfigs(configs) to refill the form on Edit Settings,
 * validate() before it saves (false, or a promise of false, stops the save) and postConfigs() for
 * the values to store. tools/browser/build-app.ts bundles this file into config/assets/iparams.js
 * and adds those three top-level functions, which call `window.injixoSettingsPage`.
 */
import { button, crayonsReady, custom, el, setBusy } from './dom';
import type { FdkApp, FdkClient } from './fdk-client';
import { readFreshdeskHost, readUserLocale } from './fdk-client';
import { createTranslator, type MessageKey, type Translate } from '../i18n/translate';
import { checkFreshdeskKey, checkInjixoKey, keyCheckMessages } from './key-checks';
import { checkCallsPerDay, CLI_ADVICE_TICKETS, estimateImport, roughly, IN_APP_IMPORT_REQUESTS_PER_HOUR, measureTicketsPerDay, REQUESTS_PER_TICKET, SAMPLE_SIZE } from './import-estimate';
import { formatCount } from './format';
import type { Locale } from '../i18n/translate';
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
  readConfigs,
  REPLY_SCOPES,
  type FieldMessage,
  type FieldName,
  type FormValues,
  type SavedSecrets,
  type SecureIparam,
  type StoredConfigs,
} from './settings-fields';

declare global {
  interface Window {
    app?: FdkApp;
    injixoSettingsPage?: SettingsPageApi;
  }
}

export interface SettingsPageApi {
  getConfigs(configs: unknown): void;
  postConfigs(): StoredConfigs;
  validate(): Promise<boolean>;
}

/** Element ids are the iparam names, so tests and support read the same words as the server. */
const FIELD_IDS: Record<FieldName, string> = {
  injixoKey: 'injixo_api_key',
  freshdeskKey: 'freshdesk_api_key',
  replyScope: 'reply_scope',
  importWindow: 'import_window_days',
  integrationId: 'injixo_integration_id',
  handledContacts: 'handled_contacts',
  agentStatuses: 'agent_statuses',
  agentIdentifier: 'agent_identifier',
  dailyCheck: 'daily_check',
};
const SECRET_FIELDS: Record<'injixoKey' | 'freshdeskKey', SecureIparam> = { injixoKey: 'injixo_api_key', freshdeskKey: 'freshdesk_api_key' };
/** Issue 14's opt-in features: a switch each (fw-toggle with Crayons, a native checkbox without). */
type SwitchField = 'handledContacts' | 'agentStatuses' | 'dailyCheck';
type ChoiceField = 'replyScope' | 'importWindow' | 'agentIdentifier';
const SWITCH_FIELDS: readonly SwitchField[] = ['handledContacts', 'agentStatuses', 'dailyCheck'];
const CRAYONS_TAGS = ['fw-button', 'fw-input', 'fw-select', 'fw-select-option', 'fw-toggle'] as const;
/** How long the page waits for the Crayons CDN before staying with plain controls for good. */
const CRAYONS_WAIT_MS = 10_000;

/** What the page knows of this account's ticket volume (one Freshdesk call per key, import-estimate.ts). */
type Volume = { state: 'unknown' } | { state: 'measuring'; key: string } | { state: 'measured'; key: string; perDay: number | undefined };

interface PageState {
  t: Translate | undefined;
  locale: Locale;
  volume: Volume;
  values: FormValues;
  saved: SavedSecrets;
  /** getConfigs ran: this is Edit Settings, not a first install. */
  editing: boolean;
  crayons: boolean;
  messages: FieldMessage[];
  banner: { key: MessageKey; tone: 'ok' | 'warning' | 'error' | 'neutral' } | null;
}

const state: PageState = { t: undefined, locale: 'en', volume: { state: 'unknown' }, values: emptyForm(), saved: {}, editing: false, crayons: false, messages: [], banner: null };
let resolveClient: (client: FdkClient) => void = () => undefined;
const clientReady = new Promise<FdkClient>((resolve) => {
  resolveClient = resolve;
});

function control(field: FieldName): HTMLInputElement | undefined {
  return (document.getElementById(FIELD_IDS[field]) as HTMLInputElement | null) ?? undefined;
}

/** Native inputs and Crayons components both expose `.value`. */
function text(field: FieldName): string | undefined {
  const value: unknown = control(field)?.value;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** A native checkbox and fw-toggle both expose `.checked` (ui/crayons-docs/toggle.md). */
function switchedOn(field: SwitchField): boolean {
  const value: unknown = control(field)?.checked;
  return typeof value === 'boolean' ? value : state.values[field];
}

function optInValues(): Pick<FormValues, SwitchField | 'agentIdentifier'> {
  const identifier = text('agentIdentifier');
  return {
    handledContacts: switchedOn('handledContacts'),
    agentStatuses: switchedOn('agentStatuses'),
    agentIdentifier: isAgentIdentifier(identifier) ? identifier : state.values.agentIdentifier,
    dailyCheck: switchedOn('dailyCheck'),
  };
}

function syncValuesFromForm(): void {
  const scope = text('replyScope');
  const window_ = text('importWindow');
  state.values = {
    injixoKey: text('injixoKey') ?? state.values.injixoKey,
    freshdeskKey: text('freshdeskKey') ?? state.values.freshdeskKey,
    replyScope: isReplyScope(scope) ? scope : state.values.replyScope,
    importWindow: isImportWindow(window_) ? window_ : state.values.importWindow,
    integrationId: text('integrationId') ?? state.values.integrationId,
    ...optInValues(),
  };
}

const HINTS: Record<FieldName, MessageKey> = {
  injixoKey: 'field.injixoKey.hint',
  freshdeskKey: 'field.freshdeskKey.hint',
  replyScope: 'field.replyScope.hint',
  importWindow: 'field.importWindow.hint',
  integrationId: 'field.integrationId.hint',
  handledContacts: 'field.handledContacts.hint',
  agentStatuses: 'field.agentStatuses.hint',
  agentIdentifier: 'field.agentIdentifier.hint',
  dailyCheck: 'field.dailyCheck.hint',
};

function hintFor(field: FieldName, t: Translate): string[] {
  const hints = [t(HINTS[field], { rate: formatCount(IN_APP_IMPORT_REQUESTS_PER_HOUR, state.locale) })];
  if (field !== 'injixoKey' && field !== 'freshdeskKey') return hints;
  if (state.saved[SECRET_FIELDS[field]] !== undefined) hints.push(t('field.secret.saved'));
  else if (state.editing) hints.push(t('field.secret.reenter'));
  return hints;
}

/**
 * Secret fields stay native `<input type="password">` even with Crayons: fw-input has no
 * password type (ui/crayons-docs/input.md lists email, number, text, url).
 */
function secretInput(field: 'injixoKey' | 'freshdeskKey'): HTMLInputElement {
  const input = el('input', { id: FIELD_IDS[field], name: FIELD_IDS[field], type: 'password', autocomplete: 'off', spellcheck: 'false' });
  input.value = state.values[field];
  return input;
}

const CHOICES: Record<ChoiceField, (t: Translate) => { value: string; text: string }[]> = {
  replyScope: (t) => REPLY_SCOPES.map((scope) => ({ value: scope, text: t(`field.replyScope.${scope}`) })),
  importWindow: (t) =>
    IMPORT_WINDOWS.map((w) => ({ value: w, text: w === 'none' ? t('field.importWindow.none') : t('field.importWindow.days', { days: w }) })),
  agentIdentifier: (t) => AGENT_IDENTIFIER_CHOICES.map((c) => ({ value: c, text: t(`field.agentIdentifier.${c}`) })),
};

function choiceControl(field: ChoiceField, label: string, t: Translate): HTMLElement {
  const choices = CHOICES[field](t);
  const value = state.values[field];
  if (state.crayons) {
    return custom('fw-select', { id: FIELD_IDS[field], name: FIELD_IDS[field], label, value, required: '' },
      choices.map((c) => custom('fw-select-option', { value: c.value }, [c.text])));
  }
  const select = el('select', { id: FIELD_IDS[field], name: FIELD_IDS[field] }, choices.map((c) => el('option', { value: c.value }, [c.text])));
  select.value = value;
  return select;
}

/**
 * A text field, not a number one: fw-input type=number hands `12abc` over as 12 (issue 22), so
 * the page reads the text as typed and says "digits only" instead of saving another number.
 */
function integrationIdControl(label: string): HTMLElement {
  if (state.crayons) {
    return custom('fw-input', { id: FIELD_IDS.integrationId, name: FIELD_IDS.integrationId, type: 'text', inputmode: 'numeric', autocomplete: 'off', label, value: state.values.integrationId });
  }
  const input = el('input', { id: FIELD_IDS.integrationId, name: FIELD_IDS.integrationId, type: 'text', inputmode: 'numeric', autocomplete: 'off' });
  input.value = state.values.integrationId;
  return input;
}

/**
 * A switch, off unless the admin turns it on. fw-toggle draws no visible label (its `label` is
 * for screen readers), so both kinds get the page's own <label>.
 */
function switchControl(field: SwitchField, label: string): HTMLElement {
  const on = state.values[field];
  if (state.crayons) {
    return custom('fw-toggle', { id: FIELD_IDS[field], name: FIELD_IDS[field], label, size: 'medium', checked: on ? '' : undefined });
  }
  const input = el('input', { id: FIELD_IDS[field], name: FIELD_IDS[field], type: 'checkbox', role: 'switch' });
  input.checked = on;
  return input;
}

function isSwitch(field: FieldName): field is SwitchField {
  return (SWITCH_FIELDS as readonly FieldName[]).includes(field);
}

function controlFor(field: Exclude<FieldName, 'injixoKey' | 'freshdeskKey'>, label: string, t: Translate): HTMLElement {
  if (field === 'integrationId') return integrationIdControl(label);
  return isSwitch(field) ? switchControl(field, label) : choiceControl(field, label, t);
}

/** The agent identifier only matters, and is only shown, while agent statuses are on. */
function showOptInChoices(): void {
  const block = document.querySelector<HTMLElement>('[data-field="agentIdentifier"]');
  if (block) block.hidden = !state.values.agentStatuses;
}

const LABELS: Record<FieldName, MessageKey> = {
  injixoKey: 'field.injixoKey.label',
  freshdeskKey: 'field.freshdeskKey.label',
  replyScope: 'field.replyScope.label',
  importWindow: 'field.importWindow.label',
  integrationId: 'field.integrationId.label',
  handledContacts: 'field.handledContacts.label',
  agentStatuses: 'field.agentStatuses.label',
  agentIdentifier: 'field.agentIdentifier.label',
  dailyCheck: 'field.dailyCheck.label',
};

function fieldBlock(field: FieldName, t: Translate): HTMLElement {
  const id = FIELD_IDS[field];
  const label = t(LABELS[field]);
  const isSecret = field === 'injixoKey' || field === 'freshdeskKey';
  const input = isSecret ? secretInput(field) : controlFor(field, label, t);
  // Crayons components draw their own label (fw-toggle only for screen readers); a native control gets a <label for>.
  const ownLabel = isSecret || isSwitch(field) || !state.crayons;
  input.setAttribute('aria-describedby', `${id}-hint ${id}-message`);
  if (isSecret) input.setAttribute('required', '');
  return el('div', { class: 'field', 'data-field': field }, [
    ownLabel ? el('label', { for: id }, [label, isSecret ? el('span', { class: 'required', 'aria-hidden': 'true' }, [' *']) : null]) : null,
    input,
    el('p', { class: 'hint', id: `${id}-hint` }, hintFor(field, t).flatMap((h, i) => (i === 0 ? [h] : [el('br'), h]))),
    field === 'importWindow' ? el('p', { id: 'import-estimate', class: 'estimate', role: 'status', 'aria-live': 'polite' }) : null,
    field === 'dailyCheck' ? el('p', { id: 'check-estimate', class: 'estimate', role: 'status', 'aria-live': 'polite' }) : null,
    el('p', { class: 'field-message', id: `${id}-message`, role: 'alert', 'aria-live': 'polite' }),
  ]);
}

function render(): void {
  const t = state.t;
  const root = document.getElementById('install');
  if (!t || !root) return;
  document.title = t('install.title');
  const form = el('form', { id: 'settings', novalidate: '' }, [
    ...(['injixoKey', 'freshdeskKey', 'replyScope', 'importWindow', 'integrationId'] as const).map((f) => fieldBlock(f, t)),
    ...(['handledContacts', 'agentStatuses', 'agentIdentifier', 'dailyCheck'] as const).map((f) => fieldBlock(f, t)),
    // The answer of a check appears right by its button, where the admin looks (issue 22).
    el('div', { class: 'actions' }, [button('check-keys', t('install.checkButton'), state.crayons), el('div', { id: 'banner', role: 'status', 'aria-live': 'polite' })]),
  ]);
  form.addEventListener('submit', (event) => event.preventDefault());
  form.addEventListener('input', onEdit);
  form.addEventListener('change', onEdit);
  form.addEventListener('fwChange', onEdit);
  form.addEventListener('fwInput', onEdit);
  root.replaceChildren(el('h1', {}, [t('install.title')]), el('p', { class: 'intro' }, [t('install.intro')]), form);
  document.getElementById('check-keys')?.addEventListener('click', () => {
    void validate();
  });
  showOptInChoices();
  showMessages();
  showEstimate();
}

/** The chosen window's estimate for this account, or what it needs; nothing for "No import". */
function estimateText(t: Translate): string {
  const days = importWindowDays(state.values.importWindow);
  if (days === 0) return '';
  const rate = formatCount(Math.round(IN_APP_IMPORT_REQUESTS_PER_HOUR / REQUESTS_PER_TICKET), state.locale);
  const volume = state.volume;
  if (volume.state === 'unknown') return t('estimate.needsKey');
  if (volume.state === 'measuring') return t('estimate.measuring');
  if (volume.perDay === undefined) return t('estimate.failed', { rate });
  if (volume.perDay * 30 < 1) return t('estimate.empty');
  const estimate = estimateImport(days, volume.perDay);
  const count = (n: number): string => formatCount(n, state.locale);
  const result = t('estimate.result', { perDay: count(roughly(volume.perDay)), sample: SAMPLE_SIZE, days, tickets: count(roughly(estimate.tickets)), duration: durationText(estimate.hours, t) });
  return estimate.useCli ? `${result} ${t('estimate.useCli', { limit: count(CLI_ADVICE_TICKETS) })}` : result;
}

function durationText(hours: number, t: Translate): string {
  if (hours < 1) return t('estimate.underHour');
  if (hours < 48) return t('estimate.hours', { count: formatCount(Math.round(hours), state.locale) });
  return t('estimate.days', { count: formatCount(Math.round(hours / 24), state.locale) });
}

/** What the daily check costs this account a day (issue 20): its tickets a day at the check's measured requests per ticket. */
function checkEstimateText(t: Translate): string {
  const volume = state.volume;
  if (volume.state !== 'measured' || volume.perDay === undefined) return t('checkEstimate.needsKey');
  const count = (n: number): string => formatCount(n, state.locale);
  return t('checkEstimate.result', { calls: count(roughly(checkCallsPerDay(volume.perDay))), perDay: count(roughly(volume.perDay)) });
}

function showEstimate(): void {
  const t = state.t;
  const check = document.getElementById('check-estimate');
  if (t && check) check.textContent = checkEstimateText(t);
  const node = document.getElementById('import-estimate');
  if (!t || !node) return;
  node.textContent = estimateText(t);
  const volume = state.volume;
  const heavy = volume.state === 'measured' && volume.perDay !== undefined && estimateImport(importWindowDays(state.values.importWindow), volume.perDay).useCli;
  node.dataset.tone = heavy ? 'warning' : 'neutral';
}

/** One Freshdesk call per key: the newest tickets tell the account's volume (import-estimate.ts). */
async function measureVolume(key: string): Promise<void> {
  const volume = state.volume;
  if (key === '' || (volume.state !== 'unknown' && volume.key === key)) return;
  state.volume = { state: 'measuring', key };
  showEstimate();
  const client = await clientReady;
  const host = await readFreshdeskHost(client);
  const perDay = await measureTicketsPerDay(client.request, key, host, Date.now());
  if (state.volume.state === 'measuring' && state.volume.key === key) state.volume = { state: 'measured', key, perDay };
  showEstimate();
}

/** An edited field loses its old message: it described a value that is gone. */
function onEdit(event: Event): void {
  const target = event.target as HTMLElement | null;
  const field = (Object.keys(FIELD_IDS) as FieldName[]).find((f) => FIELD_IDS[f] === target?.id);
  if (!field) return;
  const before = state.values[field];
  syncValuesFromForm();
  // A `change` fires when a field loses the focus (the page focuses the first wrong field): only a new value drops a message.
  if (state.values[field] === before && event.type === 'change') return;
  state.messages = state.messages.filter((m) => m.field !== field);
  showOptInChoices();
  showMessages();
  if (field === 'freshdeskKey' && state.volume.state !== 'unknown' && state.volume.key !== state.values.freshdeskKey.trim()) state.volume = { state: 'unknown' };
  // A window chosen after a key was typed is measured at once (the same one call a key check makes).
  if (field === 'importWindow' && importWindowDays(state.values.importWindow) > 0 && state.values.freshdeskKey.trim() !== '') void measureVolume(state.values.freshdeskKey.trim());
  showEstimate();
}

function messageFor(field: FieldName): FieldMessage | undefined {
  return state.messages.find((m) => m.field === field && m.severity === 'error') ?? state.messages.find((m) => m.field === field);
}

function showFieldMessage(field: FieldName, t: Translate): void {
  const id = FIELD_IDS[field];
  const message = messageFor(field);
  const text = message ? t(message.key, message.params) : '';
  const node = document.getElementById(`${id}-message`);
  if (node) {
    node.textContent = text;
    node.dataset.severity = message?.severity ?? '';
  }
  const input = control(field);
  if (!input) return;
  if (message?.severity === 'error') input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
  // fw-input/fw-select show their own state colours (ui/crayons-docs/input.md: state, error-text).
  if (input.tagName.startsWith('FW-')) {
    input.setAttribute('state', message?.severity ?? 'normal');
    input.setAttribute(message?.severity === 'warning' ? 'warning-text' : 'error-text', text);
  }
}

function showMessages(): void {
  const t = state.t;
  if (!t) return;
  for (const field of Object.keys(FIELD_IDS) as FieldName[]) showFieldMessage(field, t);
  const banner = document.getElementById('banner');
  if (banner) {
    banner.textContent = state.banner ? t(state.banner.key) : '';
    banner.dataset.tone = state.banner?.tone ?? '';
  }
}

function getConfigs(configs: unknown): void {
  const read = readConfigs(configs);
  state.values = read.values;
  state.saved = read.saved;
  state.editing = true;
  render();
}

function postConfigs(): StoredConfigs {
  syncValuesFromForm();
  return buildConfigs(state.values, state.saved);
}

/**
 * One pass, one round: the checks that need no network and the live key checks run together,
 * so an admin sees every problem at once (a missing key is not checked, its field says required).
 */
async function validate(): Promise<boolean> {
  syncValuesFromForm();
  const local = checkFormLocally(state.values, state.saved);
  const keys = effectiveKeys(state.values, state.saved);
  state.messages = local;
  state.banner = keys.injixo === '' && keys.freshdesk === '' ? null : { key: 'install.checking', tone: 'neutral' };
  showMessages();
  const checkButton = document.getElementById('check-keys');
  if (checkButton) setBusy(checkButton, true);
  try {
    const client = await clientReady;
    const [injixo, freshdesk] = await Promise.all([
      keys.injixo === '' ? undefined : checkInjixoKey(client.request, keys.injixo),
      keys.freshdesk === '' ? undefined : readFreshdeskHost(client).then((host) => checkFreshdeskKey(client.request, keys.freshdesk, host)),
    ]);
    state.messages = [...local, ...keyCheckMessages(injixo, freshdesk, { firstInstall: !state.editing })];
    // A working admin key also measures the account's volume for the import estimate (one call, once per key).
    if (freshdesk?.result === 'ok' && importWindowDays(state.values.importWindow) > 0) await measureVolume(keys.freshdesk);
  } finally {
    if (checkButton) setBusy(checkButton, false);
  }
  const ok = !state.messages.some((m) => m.severity === 'error');
  state.banner = ok ? { key: 'install.checked', tone: 'ok' } : { key: 'install.fixErrors', tone: 'error' };
  showMessages();
  // The answer where the admin looks: the first wrong field focused, else the result by the button brought into view.
  if (!ok) focusFirstProblem();
  else document.getElementById('banner')?.scrollIntoView({ block: 'nearest' });
  return ok;
}

/** The first field with an error gets the focus, which also scrolls it into view: the answer is where the admin looks. */
function focusFirstProblem(): void {
  const field = (Object.keys(FIELD_IDS) as FieldName[]).find((f) => state.messages.some((m) => m.field === f && m.severity === 'error'));
  if (field) control(field)?.focus();
}

async function start(): Promise<void> {
  const app = window.app;
  if (!app) throw new Error('the FDK client ({{{appclient}}}) did not load');
  const client = await app.initialized();
  resolveClient(client);
  // The settings page may not get the data method; the browser's language is the next best guess.
  const locale = await readUserLocale(client, navigator.languages);
  state.locale = locale;
  state.t = createTranslator(locale);
  document.documentElement.lang = locale;
  render();
  if (await crayonsReady(CRAYONS_TAGS, CRAYONS_WAIT_MS)) {
    syncValuesFromForm();
    state.crayons = true;
    render();
  }
}

window.injixoSettingsPage = { getConfigs, postConfigs, validate };
start().catch((error: unknown) => {
  const root = document.getElementById('install');
  if (root) root.textContent = `injixo connect: ${error instanceof Error ? error.message : String(error)}`;
});
