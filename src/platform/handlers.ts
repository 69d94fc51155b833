import { mapConversationCreated } from '../core/counting';
import type { ConversationFacts, ReplyScope } from '../core/types';
import { type DeliveryReport, runDelivery, scheduleDeliverySoon } from '../delivery/deliver';
import { COUNTERS_KEY, readHealthView } from '../delivery/health-view';
import { type OutboxRecord, type PackedRecord, recordId, recordInOutbox, unpackRecord } from '../delivery/outbox';
import { newState, STATE_KEY, writeState } from '../delivery/state';
import {
  conversationFactsFrom,
  ticketFactsFrom,
  validateConversationCreatedData,
  validateTicketCreatedData,
  validateTicketUpdatedData,
} from '../schemas/product-events';
import { en } from '../i18n/en';
import { checkConnection, type ConnectionCheck } from '../remote/connection-check';
import { withFreshdeskHost } from '../remote/with-freshdesk-host';
import { log } from './log';
import { SCHEDULE_LEAD_MS } from './schedule-lead';
import { eventTime, readSettings } from './settings';
import type { Handler, HandlerArgs, Platform } from './types';

/** The recurring delivery run (one recurring schedule is all an installation may have). */
export const DELIVERY_SCHEDULE = 'deliver';
export const DELIVERY_EVERY_MINUTES = 10;

/** Ticket changes that alter how later replies are attributed (SPEC §2 rule 3). */
const ATTRIBUTION_FIELDS = ['group_id', 'source', 'spam', 'deleted'];

interface Violation {
  field: string;
  message: string;
}

/**
 * A payload we cannot read is logged once with its event and ids (never its content) and
 * counted for the status page; the handler then returns normally, since the platform
 * re-sending the same bad payload would not help.
 */
async function reportInvalid(args: HandlerArgs, platform: Platform, error: Violation): Promise<void> {
  const data = (typeof args.data === 'object' && args.data !== null ? args.data : {}) as {
    ticket?: { id?: unknown };
    conversation?: { id?: unknown; ticket_id?: unknown };
  };
  const ids = {
    ticket: idOf(data.ticket?.id ?? data.conversation?.ticket_id),
    conversation: idOf(data.conversation?.id),
  };
  log('error', 'INVALID_PAYLOAD', `${String(args.event)} payload rejected: ${error.message}`, { field: error.field, ...ids });
  await platform.db.update(COUNTERS_KEY, 'increment', { invalid_payloads: 1 }).catch(() => undefined);
}

function idOf(value: unknown): string | undefined {
  return typeof value === 'number' || typeof value === 'string' ? String(value) : undefined;
}

/** Writes one record to the outbox; if even that is impossible, says so loudly and counts it. */
async function record(args: HandlerArgs, platform: Platform, rec: OutboxRecord): Promise<void> {
  try {
    // The slot is chosen by when the handler runs, not when the event happened: an event the
    // platform delivers late must still land in a slot no delivery run has read yet.
    const where = await recordInOutbox(platform.db, platform.schedule, rec, platform.now());
    if (where === 'overflow') log('warn', 'PLATFORM_LIMIT', `KV limit reached; ${recordId(rec)} is kept in a one-time schedule and retried shortly`);
  } catch (error) {
    log('error', 'EVENT_LOST', `${String(args.event)} ${recordId(rec)} could not be stored (${(error as Error).message}); replay the import for this period to recover it`);
    await platform.db.update(COUNTERS_KEY, 'increment', { lost_events: 1 }).catch(() => undefined);
  }
}

/**
 * Whether a reply can count at all. The counting core decides; asking it with a ticket that
 * is unknown keeps the rules in one place (the private/note/survey/scope checks do not depend
 * on the ticket).
 */
function isReplyInScope(conversation: ConversationFacts, scope: ReplyScope): boolean {
  return mapConversationCreated(conversation, 'gone', { groups: {} }, scope).kind === 'contact';
}

async function onTicketCreate(args: HandlerArgs, platform: Platform): Promise<void> {
  const parsed = validateTicketCreatedData(args.data);
  if (!parsed.ok) return reportInvalid(args, platform, parsed.error);
  await record(args, platform, { k: 't', ticket: ticketFactsFrom(parsed.value.ticket) });
}

async function onConversationCreate(args: HandlerArgs, platform: Platform): Promise<void> {
  const parsed = validateConversationCreatedData(args.data);
  if (!parsed.ok) return reportInvalid(args, platform, parsed.error);
  const conversation = conversationFactsFrom(parsed.value.conversation);
  // Notes, private replies and out-of-scope agent replies cost no platform call at all.
  if (!isReplyInScope(conversation, readSettings(args.iparams).replyScope)) return;
  await record(args, platform, { k: 'c', conversation });
}

async function onTicketUpdate(args: HandlerArgs, platform: Platform): Promise<void> {
  const parsed = validateTicketUpdatedData(args.data);
  if (!parsed.ok) return reportInvalid(args, platform, parsed.error);
  const changes = parsed.value.ticket.changes;
  // `changes` is not guaranteed; without it we must assume attribution may have changed.
  if (changes && !ATTRIBUTION_FIELDS.some((field) => field in changes)) return;
  // Order updates by Freshdesk's clock (the one replies' created_at use), not by when the
  // platform delivered the event, so a slightly late event still sorts where it happened.
  const updatedAt = parsed.value.ticket.updated_at;
  const at = updatedAt ? Date.parse(updatedAt) : eventTime(args.timestamp);
  await record(args, platform, { k: 'u', ticket: ticketFactsFrom(parsed.value.ticket), at });
}

function deliver(args: HandlerArgs, platform: Platform): Promise<DeliveryReport> {
  return runDelivery({ ...platform, nowMs: platform.now(), settings: readSettings(args.iparams) });
}

async function onScheduledEvent(args: HandlerArgs, platform: Platform): Promise<void> {
  const data = (args.data ?? {}) as { kind?: unknown; record?: unknown };
  if (data.kind === 'deliver') {
    await deliver(args, platform);
  } else if (data.kind === 'overflow' && Array.isArray(data.record)) {
    await record(args, platform, unpackRecord(data.record as PackedRecord));
  } else {
    log('warn', 'UNKNOWN_SCHEDULE', 'a schedule fired with data this version does not know; ignored');
  }
}

/**
 * The install page checks both keys live before saving; the server checks again, because a
 * settings page can be bypassed and keys can change between the check and the install. A
 * wrong key blocks the install with a message (60 characters at most, bilingual because the
 * platform tells the server no locale); an unreachable service does not, since the backlog
 * keeps everything until it answers.
 */
export function installBlocker(check: ConnectionCheck): string | undefined {
  if (check.injixo === 'rejected') return en['install.blocked.injixoKey'];
  if (check.freshdesk === 'rejected') return en['install.blocked.freshdeskKey'];
  if (check.freshdesk === 'not_admin') return en['install.blocked.notAdmin'];
  return undefined;
}

async function onAppInstall(_args: HandlerArgs, platform: Platform): Promise<void> {
  const nowMs = platform.now();
  const check = await checkConnection(platform.request);
  const blocker = installBlocker(check);
  if (blocker) {
    log('error', 'INSTALL_BLOCKED', blocker, { injixo: check.injixo, freshdesk: check.freshdesk });
    platform.renderData({ message: blocker });
    return;
  }
  try {
    await writeState(platform.db, newState(nowMs));
    await platform.schedule.create({
      name: DELIVERY_SCHEDULE,
      data: { kind: 'deliver' },
      // The platform accepts no first run sooner than 5 minutes (SPEC §5; SCHEDULE_LEAD_MS).
      schedule_at: new Date(nowMs + SCHEDULE_LEAD_MS).toISOString(),
      repeat: { time_unit: 'minutes', frequency: DELIVERY_EVERY_MINUTES },
    });
  } catch (error) {
    log('error', 'INSTALL_FAILED', `could not prepare delivery: ${(error as { message?: string }).message ?? String(error)}`);
    platform.renderData({ message: en['install.blocked.setup'] });
    return;
  }
  log('info', 'INSTALLED', 'installed; contacts created from now on are delivered every few minutes', {
    installedAt: new Date(nowMs).toISOString(),
    injixo: check.injixo,
    freshdesk: check.freshdesk,
  });
  platform.renderData();
}

async function onAppUninstall(_args: HandlerArgs, platform: Platform): Promise<void> {
  // Never block an uninstall: clean up what we can and always answer.
  await platform.schedule.delete({ name: DELIVERY_SCHEDULE }).catch(() => undefined);
  await platform.db.delete(STATE_KEY).catch(() => undefined);
  platform.renderData();
}

async function afterAppUpdate(_args: HandlerArgs, platform: Platform): Promise<void> {
  // New settings may carry a new injixo key: drain the backlog in about 6 minutes (the soonest
  // a schedule may be, SCHEDULE_LEAD_MS) rather than at the next recurring run. Set-up events must answer within 10 s, so the run itself happens
  // in its own invocation.
  log('info', 'SETTINGS_UPDATED', 'settings saved; waiting contacts will be delivered within about 6 minutes');
  await scheduleDeliverySoon(platform.schedule, platform.now());
  platform.renderData();
}

async function getStatus(_args: HandlerArgs, platform: Platform): Promise<void> {
  try {
    platform.renderData(null, await readHealthView(platform.db, platform.now()));
  } catch (error) {
    platform.renderData({ message: `Status unavailable: ${(error as { message?: string }).message ?? 'unknown error'}`, status: 503 });
  }
}

async function testConnection(_args: HandlerArgs, platform: Platform): Promise<void> {
  platform.renderData(null, await checkConnection(platform.request));
}

async function deliverNow(args: HandlerArgs, platform: Platform): Promise<void> {
  try {
    const report = await deliver(args, platform);
    platform.renderData(null, report);
  } catch (error) {
    platform.renderData({ message: `Delivery failed: ${(error as { message?: string }).message ?? 'unknown error'}`, status: 503 });
  }
}


/**
 * Every handler named in manifest.json, keyed by that name. tools/build generates the
 * literal `exports = { … }` of server/server.js from this object and the manifest.
 */
export const handlers: Record<string, Handler> = withFreshdeskHost({
  onTicketCreateHandler: onTicketCreate,
  onConversationCreateHandler: onConversationCreate,
  onTicketUpdateHandler: onTicketUpdate,
  onScheduledEventHandler: onScheduledEvent,
  onAppInstallHandler: onAppInstall,
  onAppUninstallHandler: onAppUninstall,
  afterAppUpdateHandler: afterAppUpdate,
  getStatus,
  deliverNow,
  testConnection,
});
