/**
 * The non-secret installation parameters the server reads from `args.iparams`, narrowed by a
 * schema like any other input. The two API keys are never read here: they reach the remote only
 * through the request templates' headers (SPEC §3, §5). The install page writes these fields
 * (src/app/settings-fields.ts); an older or hand-edited value falls back to the default rather
 * than failing every event.
 */
import type { JSONSchemaType } from 'ajv';
import { AGENT_IDENTIFIER_CHOICES, type AgentIdentifierChoice } from '../core/agent-status';
import { REPLY_SCOPES, type ReplyScope } from '../core/types';
import { createValidator } from './create-validator';

export interface Settings {
  replyScope: ReplyScope;
  integrationId: number | undefined;
  /** Issue 14, off by default: handled contacts and their duration from resolutions and time entries. */
  handledContacts: boolean;
  /** Issue 14, off by default: agent status intervals for injixo adherence. */
  agentStatuses: boolean;
  /** How agents are named to injixo: their email (default) or their Freshdesk id. */
  agentIdentifier: AgentIdentifierChoice;
  /** Issue 20, on by default: the daily check of every settled day and the repair of recorded gaps (src/import/check.ts). */
  dailyCheck: boolean;
}

interface StoredSettings {
  reply_scope?: ReplyScope;
  /** A number from the install page; a digit string from older settings pages. */
  injixo_integration_id?: number | string;
  handled_contacts?: boolean;
  agent_statuses?: boolean;
  agent_identifier?: AgentIdentifierChoice;
}

const settingsSchema = {
  type: 'object',
  properties: {
    reply_scope: { type: 'string', enum: [...REPLY_SCOPES] },
    handled_contacts: { type: 'boolean' },
    agent_statuses: { type: 'boolean' },
    agent_identifier: { type: 'string', enum: [...AGENT_IDENTIFIER_CHOICES] },
    injixo_integration_id: {
      anyOf: [
        { type: 'integer', minimum: 1 },
        { type: 'string', pattern: '^\\s*[1-9][0-9]*\\s*$' },
      ],
    },
  },
} as unknown as JSONSchemaType<StoredSettings>;

const checkSettings = createValidator(settingsSchema, 'iparams');

const DEFAULTS: Settings = { replyScope: 'customer', integrationId: undefined, handledContacts: false, agentStatuses: false, agentIdentifier: 'email', dailyCheck: true };

/**
 * Each field is read on its own, so one bad field does not discard the others. The two opt-in
 * features are on only when the stored value is exactly `true`: anything unreadable keeps them
 * off, because what they send to injixo can never be taken back. The daily check is the other
 * way round: on unless stored exactly `false` (it sends only what the ledger shows missing).
 */
export function readSettings(iparams: Record<string, unknown> | undefined): Settings {
  return {
    replyScope: readField(iparams, 'reply_scope') ?? DEFAULTS.replyScope,
    integrationId: integrationIdOf(readField(iparams, 'injixo_integration_id')),
    handledContacts: iparams?.handled_contacts === true,
    agentStatuses: iparams?.agent_statuses === true,
    agentIdentifier: readField(iparams, 'agent_identifier') ?? DEFAULTS.agentIdentifier,
    // On unless switched off (stored exactly false): it only reads Freshdesk and sends what is missing.
    dailyCheck: iparams?.daily_check !== false,
  };
}

/** One stored field when it fits its schema, else undefined (the caller's default). */
function readField<K extends keyof StoredSettings>(iparams: Record<string, unknown> | undefined, name: K): StoredSettings[K] | undefined {
  const checked = checkSettings({ [name]: iparams?.[name] });
  return checked.ok ? checked.value[name] : undefined;
}

function integrationIdOf(stored: number | string | undefined): number | undefined {
  return stored === undefined ? DEFAULTS.integrationId : Number(stored);
}

/** The install page's "Import past tickets" choices, in days (0: no import). */
export const IMPORT_WINDOW_DAYS = [0, 7, 30, 90, 180, 365] as const;

const checkImportWindow = createValidator(
  { type: 'object', properties: { import_window_days: { type: 'integer', enum: [...IMPORT_WINDOW_DAYS] } } } as unknown as JSONSchemaType<{ import_window_days?: number }>,
  'iparams',
);

/** Days of history the app imports after install; anything unreadable means no import. */
export function readImportWindowDays(iparams: Record<string, unknown> | undefined): number {
  const days = checkImportWindow({ import_window_days: iparams?.import_window_days });
  return days.ok ? (days.value.import_window_days ?? 0) : 0;
}
