import type { AgentIdentifierChoice } from '../core/agent-status';
import { REPLY_SCOPES, type ReplyScope } from '../core/types';
import type { MessageKey, Params } from '../i18n/translate';

/**
 * The installation parameters the install page stores and the server reads
 * (src/platform/settings.ts). Custom settings pages declare which ones are secret in
 * `postConfigs().__meta.secure` (runtime/custom-iparams-docs.md, "How to declare secure iparams").
 */
export const SECURE_IPARAMS = ['injixo_api_key', 'freshdesk_api_key'] as const;
export type SecureIparam = (typeof SECURE_IPARAMS)[number];

/** The only iparams a browser may ever see (the local harness refuses every other name). */
export const PUBLIC_IPARAMS = [
  'reply_scope', 'injixo_integration_id', 'import_window_days',
  // Issue 14's opt-in switches and the agent identifier choice: settings, not secrets.
  'handled_contacts', 'agent_statuses', 'agent_identifier',
  // Issue 20: the daily check, on unless switched off.
  'daily_check',
] as const;

export { REPLY_SCOPES, type ReplyScope } from '../core/types';
export type { AgentIdentifierChoice } from '../core/agent-status';

/*
 * core/agent-status's AGENT_IDENTIFIER_CHOICES, keyed so the compiler finds a choice added there.
 * Its value is not imported: the bundler would carry core/time's constants into the browser code,
 * where the FDK's no-unused-vars refuses them (test/ui/settings-fields.test.ts compares the two).
 */
const AGENT_IDENTIFIERS: Record<AgentIdentifierChoice, true> = { email: true, id: true };
export const AGENT_IDENTIFIER_CHOICES = Object.keys(AGENT_IDENTIFIERS) as AgentIdentifierChoice[];

/** Choices of the import window; stored as a number of days, 0 meaning "no import". */
export const IMPORT_WINDOWS = ['none', '7', '30', '90', '180', '365'] as const;
export type ImportWindow = (typeof IMPORT_WINDOWS)[number];
export const DEFAULT_IMPORT_WINDOW: ImportWindow = '30';

export type FieldName = 'injixoKey' | 'freshdeskKey' | 'replyScope' | 'importWindow' | 'integrationId' | 'handledContacts' | 'agentStatuses' | 'agentIdentifier' | 'dailyCheck';

/** What the form shows. Secret fields hold only what the admin typed in this visit. */
export interface FormValues {
  injixoKey: string;
  freshdeskKey: string;
  replyScope: ReplyScope;
  importWindow: ImportWindow;
  integrationId: string;
  /** Issue 14's opt-in features: off unless the admin switches them on. */
  handledContacts: boolean;
  agentStatuses: boolean;
  agentIdentifier: AgentIdentifierChoice;
  /** Issue 20: the daily check against Freshdesk, on unless the admin switches it off. */
  dailyCheck: boolean;
}

/** Keys saved earlier, when the platform handed them to getConfigs; kept in memory, never in the DOM. */
export type SavedSecrets = Partial<Record<SecureIparam, string>>;

export interface StoredConfigs {
  __meta: { secure: SecureIparam[] };
  injixo_api_key: string;
  freshdesk_api_key: string;
  reply_scope: ReplyScope;
  import_window_days: number;
  injixo_integration_id?: number;
  handled_contacts: boolean;
  agent_statuses: boolean;
  agent_identifier: AgentIdentifierChoice;
  daily_check: boolean;
}

export interface FieldMessage {
  field: FieldName;
  severity: 'error' | 'warning';
  key: MessageKey;
  params?: Params;
}

export function emptyForm(): FormValues {
  return {
    injixoKey: '', freshdeskKey: '', replyScope: 'customer', importWindow: DEFAULT_IMPORT_WINDOW, integrationId: '',
    handledContacts: false, agentStatuses: false, agentIdentifier: 'email', dailyCheck: true,
  };
}

export function isReplyScope(value: unknown): value is ReplyScope {
  return typeof value === 'string' && (REPLY_SCOPES as readonly string[]).includes(value);
}

export function isImportWindow(value: unknown): value is ImportWindow {
  return typeof value === 'string' && (IMPORT_WINDOWS as readonly string[]).includes(value);
}

export function isAgentIdentifier(value: unknown): value is AgentIdentifierChoice {
  return typeof value === 'string' && (AGENT_IDENTIFIER_CHOICES as readonly string[]).includes(value);
}

export function importWindowDays(choice: ImportWindow): number {
  return choice === 'none' ? 0 : Number(choice);
}

function importWindowOf(value: unknown): ImportWindow {
  const text = value === 0 || value === '0' ? 'none' : typeof value === 'number' ? String(value) : value;
  return isImportWindow(text) ? text : DEFAULT_IMPORT_WINDOW;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * Turns what getConfigs receives into form values. Saved keys never go into an input: the
 * platform stores whatever postConfigs returns as the whole configuration (no partial merge,
 * community.freshworks.dev/t/19641), so a kept key is re-sent from memory instead.
 */
export function readConfigs(configs: unknown): { values: FormValues; saved: SavedSecrets } {
  const c = (typeof configs === 'object' && configs !== null ? configs : {}) as Record<string, unknown>;
  const id = c.injixo_integration_id;
  const saved: SavedSecrets = {};
  for (const name of SECURE_IPARAMS) {
    const value = nonEmptyString(c[name]);
    if (value !== undefined) saved[name] = value;
  }
  return {
    values: {
      ...emptyForm(),
      replyScope: isReplyScope(c.reply_scope) ? c.reply_scope : 'customer',
      importWindow: importWindowOf(c.import_window_days),
      integrationId: typeof id === 'number' || (typeof id === 'string' && id.trim() !== '') ? String(id) : '',
      // As the server reads them (src/schemas/iparams.ts): on only when stored exactly `true`.
      handledContacts: c.handled_contacts === true,
      agentStatuses: c.agent_statuses === true,
      agentIdentifier: isAgentIdentifier(c.agent_identifier) ? c.agent_identifier : 'email',
      // As the server reads it (src/schemas/iparams.ts): off only when stored exactly `false`.
      dailyCheck: c.daily_check !== false,
    },
    saved,
  };
}

/** The keys to check and store: what was typed, else what was saved. */
export function effectiveKeys(values: FormValues, saved: SavedSecrets): { injixo: string; freshdesk: string } {
  return {
    injixo: values.injixoKey.trim() || (saved.injixo_api_key ?? ''),
    freshdesk: values.freshdeskKey.trim() || (saved.freshdesk_api_key ?? ''),
  };
}

function parseIntegrationId(text: string): number | undefined | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return /^\d+$/.test(trimmed) && Number(trimmed) > 0 && Number.isSafeInteger(Number(trimmed)) ? Number(trimmed) : 'invalid';
}

/** Checks that need no network: required keys and the optional integration id. */
export function checkFormLocally(values: FormValues, saved: SavedSecrets): FieldMessage[] {
  const keys = effectiveKeys(values, saved);
  const problems: FieldMessage[] = [];
  if (keys.injixo === '') problems.push({ field: 'injixoKey', severity: 'error', key: 'error.required' });
  if (keys.freshdesk === '') problems.push({ field: 'freshdeskKey', severity: 'error', key: 'error.required' });
  if (parseIntegrationId(values.integrationId) === 'invalid') problems.push({ field: 'integrationId', severity: 'error', key: 'error.integrationId' });
  return problems;
}

/** What postConfigs returns: the complete configuration, both keys marked secure. */
export function buildConfigs(values: FormValues, saved: SavedSecrets): StoredConfigs {
  const keys = effectiveKeys(values, saved);
  const id = parseIntegrationId(values.integrationId);
  return {
    __meta: { secure: [...SECURE_IPARAMS] },
    injixo_api_key: keys.injixo,
    freshdesk_api_key: keys.freshdesk,
    reply_scope: values.replyScope,
    import_window_days: importWindowDays(values.importWindow),
    ...(typeof id === 'number' ? { injixo_integration_id: id } : {}),
    handled_contacts: values.handledContacts,
    agent_statuses: values.agentStatuses,
    // Kept while agent statuses are off, so switching them on again finds the admin's choice.
    agent_identifier: values.agentIdentifier,
    daily_check: values.dailyCheck,
  };
}
