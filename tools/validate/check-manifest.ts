import type { FindingSink } from './findings';
import { findSchemaViolations } from './schema-errors';
import { manifestSchema } from './schemas/manifest-schema';

const FILE = 'manifest.json';

/**
 * Top-level keys of Platform 2.x manifests that a 3.0 app must drop, with the fix.
 * Sources: marketplace skills errors/error-catalog.md ("Platform 2.x Pattern Errors"),
 * architecture/platform3-manifest-structure.md ("Never use legacy product structure").
 */
const LEGACY_KEYS: Record<string, string> = {
  product: "'product' is a Platform 2.x key; a Platform 3.0 manifest declares 'modules' instead",
  'whitelisted-domains': 'whitelisted-domains is deprecated; call external hosts through request templates',
  name: "'name' is not a manifest key; the app's name is set when it is published",
};

/**
 * Events each module accepts. `common` is closed (app setup, scheduled and external events); so is every
 * Freshdesk product module, with the product events its module page lists. `support_ticket` also keeps
 * `onTicketFieldUpdate`, which the FDK's own test data carries although the module page omits it.
 * `support_email` raises no product events. Modules of other products are not checked: their pages do
 * not list their events completely.
 * Sources: architecture/app_setup_events_doc.md, scheduled_events_doc.md, external_events_doc.md,
 * freshdesk_support_ticket.md, freshdesk_support_agent.md, freshdesk_support_contact.md,
 * freshdesk_support_company.md (whose list has typos; events/event-reference.md spells the names),
 * freshdesk_support_portal.md, freshdesk_support_email.md; errors/error-catalog.md ("Invalid event for module").
 * support_agent also per developers.freshworks.com/docs/app-sdk/v3.0/support_agent/serverless-apps/product-events/
 * (onAgent/: onAgentCreate/Update/Delete; onagentavailability/: onAgentAvailabilityUpdate).
 */
const MODULE_EVENTS: Record<string, readonly string[]> = {
  common: ['onAppInstall', 'afterAppUpdate', 'onAppUninstall', 'onScheduledEvent', 'onExternalEvent'],
  support_ticket: [
    'onTicketCreate', 'onTicketUpdate', 'onTicketDelete',
    'onConversationCreate', 'onConversationUpdate', 'onConversationDelete',
    'onCannedResponseCreate', 'onCannedResponseUpdate', 'onCannedResponseDelete',
    'onTicketFieldCreate', 'onTicketFieldUpdate', 'onTicketFieldDelete',
    'onTimeEntryCreate', 'onTimeEntryUpdate', 'onTimeEntryDelete',
  ],
  support_agent: [
    'onAgentCreate', 'onAgentUpdate', 'onAgentDelete',
    'onAgentStatusCreate', 'onAgentStatusUpdate', 'onAgentStatusDelete',
    'onAgentAvailabilityUpdate',
    'onGroupCreate', 'onGroupUpdate', 'onGroupDelete',
  ],
  support_contact: ['onContactCreate', 'onContactUpdate', 'onContactDelete'],
  support_company: ['onCompanyCreate', 'onCompanyUpdate', 'onCompanyDelete'],
  support_email: [],
  support_portal: [
    'onTopicCreate', 'onTopicUpdate', 'onTopicDelete',
    'onForumCreate', 'onForumUpdate', 'onForumDelete',
    'onForumCategoryCreate', 'onForumCategoryUpdate', 'onForumCategoryDelete',
    'onPortalForumCategoryCreate', 'onPortalForumCategoryDelete',
    'onArticleCreate', 'onArticleUpdate', 'onArticleDelete',
    'onPortalSolutionCategoryCreate', 'onPortalSolutionCategoryDelete',
    'onFolderCreate', 'onFolderUpdate', 'onFolderDelete',
    'onSurveyCreate', 'onSurveyUpdate',
    'onCategoryCreate', 'onCategoryUpdate', 'onCategoryDelete',
  ],
};

/** Placeholders that belong to `modules.common` (platform3-manifest-structure.md, "Common Module Placeholders"). */
const COMMON_LOCATIONS: readonly string[] = ['full_page_app', 'cti_global_sidebar', 'left_nav_cti', 'left_nav_chat'];

/** Checks manifest.json on its own: shape, legacy keys, module/event/location placement. */
export function checkManifest(manifest: unknown, sink: FindingSink): void {
  for (const v of findSchemaViolations(manifestSchema, manifest)) {
    const legacy = v.keyword === 'additionalProperties' && v.segments.length === 0
      ? LEGACY_KEYS[String(v.params['additionalProperty'])]
      : undefined;
    if (legacy !== undefined) sink.error(FILE, 'manifest-legacy-key', legacy);
    else sink.error(FILE, 'manifest-schema', v.segments.length === 0 ? `${v.text} in ${FILE}` : `/${v.segments.join('/')} ${v.text}`);
  }
  const modules = readModules(manifest);
  if (modules === undefined) return;
  if (!Object.keys(modules).some((name) => name !== 'common')) {
    sink.error(FILE, 'manifest-modules', 'At least one module apart from common must be mentioned');
  }
  for (const [moduleName, mod] of Object.entries(modules)) {
    const allowed = MODULE_EVENTS[moduleName];
    for (const event of Object.keys(objectAt(mod, 'events'))) {
      if (allowed !== undefined && !allowed.includes(event)) {
        sink.error(FILE, 'manifest-events', `Invalid event: '${event}' for module: ${moduleName}`);
      }
    }
  }
  const misplaced = Object.keys(objectAt(modules['common'], 'location')).filter((l) => !COMMON_LOCATIONS.includes(l));
  if (misplaced.length > 0) {
    sink.error(FILE, 'manifest-locations', `Invalid location(s) mentioned in modules: ${misplaced.join(', ')} cannot be in common`);
  }
}

/** `manifest.modules` when it is an object, for checks that run despite schema errors. */
export function readModules(manifest: unknown): Record<string, unknown> | undefined {
  const modules = isObject(manifest) ? manifest['modules'] : undefined;
  return isObject(modules) ? modules : undefined;
}

/** The object under `key`, or `{}` when absent or not an object (the schema reports that). */
export function objectAt(value: unknown, key: string): Record<string, unknown> {
  if (!isObject(value)) return {};
  const inner = value[key];
  return isObject(inner) ? inner : {};
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
