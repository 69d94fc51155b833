import { countsInImport, mapTicketCreated } from '../../core/counting';
import type { Directory, OfferedContact, TicketFacts } from '../../core/types';
import { log } from '../../platform/log';
import { addGap } from '../accounting/gaps';
import { dueIds, giveUp, noteCreations, settle } from '../accounting/missing-tickets';
import type { AppState, MissingTickets } from '../stored/stored-data';
import { LATE_RECORD_WAIT_MS, type TicketBook } from '../memory/ticket-book';

/**
 * Counts tickets whose creation record never came (see missing-tickets.ts for how they are
 * found). Each due id is answered by the ticket book when it knows the ticket (from an update
 * or a reply's look-up) and by Freshdesk otherwise, within the run's look-up budget; a ticket
 * already counted, or gone, is simply settled. The claim in the ticket book makes a record that
 * still arrives later count nothing (rule 12).
 */

/** Ids examined per run; only those the book does not know cost a Freshdesk request. */
export const MAX_REPAIRS_PER_RUN = 100;

export interface RepairContext {
  book: TicketBook;
  directory: Directory;
  state: AppState;
  nowMs: number;
  /** Where a repaired ticket a void run had claimed goes (build-contacts.ts Built.unconfirmed). */
  unconfirmed?: OfferedContact[];
}

export interface CreationSeen {
  id: number;
  createdS: number;
}

type Outcome = 'settled' | 'deferred' | { contact: OfferedContact };

/** Whether a run with no records should still open the ticket book for due repairs. */
export function repairsDue(state: AppState, nowMs: number): boolean {
  return dueIds(state.missing, nowMs, LATE_RECORD_WAIT_MS, 1).length > 0;
}

/** Notes this run's creation records, then repairs what has waited long enough. Returns the contacts found. */
export async function repairMissingTickets(context: RepairContext, creations: readonly CreationSeen[], createdSinceInstall: readonly CreationSeen[] = []): Promise<OfferedContact[]> {
  const { state, nowMs } = context;
  const missing = noteCreations(state.missing, creations, nowMs, createdSinceInstall);
  if (!missing) return [];
  state.missing = missing;
  stopWaiting(state, missing, nowMs);
  const contacts: OfferedContact[] = [];
  for (const id of dueIds(missing, nowMs, LATE_RECORD_WAIT_MS, MAX_REPAIRS_PER_RUN)) {
    const outcome = await repairOne(context, id);
    if (outcome === 'deferred') break;
    settle(missing, id);
    if (outcome !== 'settled') contacts.push(outcome.contact);
  }
  return contacts;
}

/** Ranges the app can no longer wait for become gaps, said once in the log. */
function stopWaiting(state: AppState, missing: MissingTickets, nowMs: number): void {
  for (const gap of giveUp(missing, nowMs)) {
    log('warn', 'TICKET_EVENTS_MISSING', `no creation event arrived for ${gap.contactsKnownLost ?? 0} ticket(s) created ${gap.from}–${gap.to}, and they could not be looked up in time; replay that window`, { ...gap });
    addGap(state, gap);
  }
}

async function repairOne(context: RepairContext, id: number): Promise<Outcome> {
  const facts = await factsOfUncounted(context.book, id);
  if (facts === 'deferred' || facts === 'settled') return facts;
  // Rule 13: a ticket from before the install belongs to the import.
  if (countsInImport(facts.created_at, context.state.installedAt)) return 'settled';
  const decision = mapTicketCreated(facts, context.directory);
  if (decision.kind !== 'contact' || !claimRepair(context, id, decision.contact)) return 'settled';
  if (context.state.missing) context.state.missing.repaired += 1;
  log('info', 'TICKET_EVENT_REPAIRED', `ticket ${id} (created ${facts.created_at}) never reached the app as an event; found in Freshdesk and counted`, { ticket: id });
  return { contact: decision.contact };
}

/** Whether the repair counts the ticket now; a void run repaired it before and may have posted it: unconfirmed, never posted again. */
function claimRepair(context: RepairContext, id: number, contact: OfferedContact): boolean {
  const claim = context.book.claim({ ticketId: id });
  if (claim === 'voided') context.unconfirmed?.push(contact);
  return claim === 'new';
}

/** The ticket's facts when it still needs counting: from the book if it knows them, else from Freshdesk. */
async function factsOfUncounted(book: TicketBook, id: number): Promise<TicketFacts | 'settled' | 'deferred'> {
  if (!book.mayRead(id)) return 'deferred';
  const known = await book.creation(id);
  if (known.counted) return 'settled';
  const facts = known.facts ?? (await fetchQuietly(book, id));
  if (facts !== 'gone') return facts;
  log('info', 'MISSING_TICKET_GONE', `ticket ${id} was created without a creation event reaching the app and is gone from Freshdesk (404); nothing to count`, { ticket: id });
  return 'settled';
}

/**
 * A failed look-up ends this run's repairs (Freshdesk or the request limit refused: the next
 * run tries again); the reply look-ups of the run report such failures already.
 */
async function fetchQuietly(book: TicketBook, id: number): Promise<Awaited<ReturnType<TicketBook['fetchNow']>>> {
  try {
    return await book.fetchNow(id);
  } catch {
    return 'deferred';
  }
}
