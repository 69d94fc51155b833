/**
 * The one table of Freshdesk product events the app handles (SPEC §2 rules 1–3, issue 14's
 * opt-in events). Per event: its manifest module, the validator its payload must pass, the
 * setting that switches it on, the kind of outbox record it keeps, where its ids sit (logged
 * with an unreadable payload) and what losing its record means. From it come:
 * - the handlers map (`productEventHandlers`, spread into handlers.ts), named `<event>Handler`;
 * - the manifest cross-check of `npm run validate` (tools/validate/check-events.ts);
 * - the event list in docs/delivery.md (`npm run docs`, tools/docs/events.ts).
 * test/entry/events.test.ts checks the three agree with the table.
 *
 * Every handler does the same: returns at once when its setting is off (no platform call), validates,
 * asks product-events.ts for its record (or for nothing: a note, an irrelevant update), and
 * keeps it in the outbox with one platform call.
 */
import { keepRecord, reportInvalidPayload, type IdPaths } from '../delivery/intake/keep-record';
import { LOSS_CLASS, type LossClass, type RecordKind } from '../delivery/stored/record-kinds';
import type { Handler, HandlerArgs, Platform } from '../platform/types';
import type { Validated } from '../schemas/create-validator';
import { readSettings, type Settings } from '../schemas/iparams';
import {
  validateAgentUpdatedData,
  validateConversationCreatedData,
  validateTicketCreatedData,
  validateTicketUpdatedData,
  validateTimeEntryData,
} from '../schemas/product-events';
import { agentChangeRecord, conversationRecord, deletedTimeEntryRecord, type Kept, ticketCreatedRecord, ticketUpdatedRecord, timeEntryRecord } from './product-events';

/** The setting an event needs on; `always` for the events every installation counts. */
export type SettingGate = 'always' | 'handledContacts' | 'agentStatuses';

export type ProductModule = 'support_ticket' | 'support_agent';

interface EventRow<P, K extends RecordKind> {
  module: ProductModule;
  validate: (data: unknown) => Validated<P>;
  gate: SettingGate;
  record: K;
  ids: IdPaths;
  keep: (payload: P, args: HandlerArgs, settings: Settings) => Kept<K>;
}

/** A row of the table with its payload type erased and what follows from it filled in. */
export interface ProductEvent {
  module: ProductModule;
  gate: SettingGate;
  record: RecordKind;
  ids: IdPaths;
  /** Follows from the record kind (record-kinds.ts LOSS_CLASS). */
  loss: LossClass;
  handle: Handler;
}

function gateOpen(gate: SettingGate, settings: Settings): boolean {
  return gate === 'always' || settings[gate];
}

function row<P, K extends RecordKind>(event: EventRow<P, K>): ProductEvent {
  const handle = async (args: HandlerArgs, platform: Platform): Promise<void> => {
    const settings = readSettings(args.iparams);
    // Off, an opt-in event costs no platform call, and its payload is not even read.
    if (!gateOpen(event.gate, settings)) return;
    const parsed = event.validate(args.data);
    const kept = parsed.ok ? event.keep(parsed.value, args, settings) : { invalid: parsed.error };
    if (kept === undefined) return;
    if ('invalid' in kept) return reportInvalidPayload(platform.db, args.event, args.data, kept.invalid, event.ids);
    await keepRecord(platform, args.event, kept);
  };
  return { module: event.module, gate: event.gate, record: event.record, ids: event.ids, loss: LOSS_CLASS[event.record], handle };
}

const TICKET_IDS: IdPaths = { ticket: [['ticket', 'id']] };
const TIME_ENTRY_IDS: IdPaths = { ticket: [['time_entry', 'ticket_id']], time_entry: [['time_entry', 'id']] };
const AGENT_IDS: IdPaths = { agent: [['agent', 'id']] };

export const PRODUCT_EVENTS = {
  onTicketCreate: row({ module: 'support_ticket', validate: validateTicketCreatedData, gate: 'always', record: 't', ids: TICKET_IDS, keep: ticketCreatedRecord }),
  onConversationCreate: row({
    module: 'support_ticket',
    validate: validateConversationCreatedData,
    gate: 'always',
    record: 'c',
    ids: { ticket: [['conversation', 'ticket_id']], conversation: [['conversation', 'id']] },
    keep: conversationRecord,
  }),
  onTicketUpdate: row({ module: 'support_ticket', validate: validateTicketUpdatedData, gate: 'always', record: 'u', ids: TICKET_IDS, keep: ticketUpdatedRecord }),
  onTimeEntryCreate: row({ module: 'support_ticket', validate: (data) => validateTimeEntryData(data, true), gate: 'handledContacts', record: 'e', ids: TIME_ENTRY_IDS, keep: timeEntryRecord }),
  onTimeEntryUpdate: row({ module: 'support_ticket', validate: (data) => validateTimeEntryData(data, true), gate: 'handledContacts', record: 'e', ids: TIME_ENTRY_IDS, keep: timeEntryRecord }),
  // A delete has no seconds; the time book remembers what each entry held.
  onTimeEntryDelete: row({ module: 'support_ticket', validate: (data) => validateTimeEntryData(data, false), gate: 'handledContacts', record: 'e', ids: TIME_ENTRY_IDS, keep: deletedTimeEntryRecord }),
  // onAgentUpdate for the plain available/unavailable toggle, onAgentAvailabilityUpdate where custom statuses are on.
  onAgentUpdate: row({ module: 'support_agent', validate: validateAgentUpdatedData, gate: 'agentStatuses', record: 'a', ids: AGENT_IDS, keep: agentChangeRecord }),
  onAgentAvailabilityUpdate: row({ module: 'support_agent', validate: validateAgentUpdatedData, gate: 'agentStatuses', record: 'a', ids: AGENT_IDS, keep: agentChangeRecord }),
} as const satisfies Record<string, ProductEvent>;

export type ProductEventName = keyof typeof PRODUCT_EVENTS;

/** The manifest's handler name of an event. */
export function handlerNameOf<E extends string>(event: E): `${E}Handler` {
  return `${event}Handler`;
}

/** The table's rows, in its order. */
export function productEvents(): Array<[ProductEventName, ProductEvent]> {
  return Object.entries(PRODUCT_EVENTS) as Array<[ProductEventName, ProductEvent]>;
}

/** `{ onTicketCreateHandler: …, … }`: the product-event part of handlers.ts. */
export function productEventHandlers(): Record<`${ProductEventName}Handler`, Handler> {
  return Object.fromEntries(productEvents().map(([event, { handle }]) => [handlerNameOf(event), handle])) as Record<`${ProductEventName}Handler`, Handler>;
}
