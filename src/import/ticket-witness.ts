/**
 * What a replay needs besides the contacts the walk emits: each contact's ticket (facts and
 * id), so the ticket book's claims can be asked about it and told of it (rule 12). The walk
 * emits contacts only; this watches the same answers it reads — ticket list pages and
 * conversation pages — and the cursor's pending tickets (listed in an earlier slice), without
 * a single extra call.
 */
import type { OfferedContact, TicketFacts } from '../core/types';
import { validateFreshdeskListedTicket } from '../schemas/freshdesk-api';
import { ticketFactsFrom } from '../schemas/product-events';
import type { ImportCursor } from './cursor';
import type { FoundContact } from './replay-difference';
import { parseJsonBody, type FreshdeskAnswer, type FreshdeskTransport } from './transport';

const CONVERSATIONS_PATH = /^\/api\/v2\/tickets\/(\d+)\/conversations$/;

export class TicketWitness {
  private readonly tickets = new Map<number, TicketFacts>();
  /** Conversation id → its ticket's id. */
  private readonly replies = new Map<number, number>();

  /** The transport the walk reads through, noting what it reads. */
  watch(transport: FreshdeskTransport): FreshdeskTransport {
    return {
      get: async (path, query) => {
        const answer = await transport.get(path, query);
        if (answer.status >= 200 && answer.status < 300) this.note(path, answer);
        return answer;
      },
    };
  }

  /** Tickets listed in earlier slices whose replies this slice may read. */
  noteCursor(cursor: ImportCursor): void {
    for (const pending of cursor.pending) this.tickets.set(pending.id, { id: pending.id, group_id: pending.group_id, source: pending.source, spam: pending.spam, deleted: pending.deleted, created_at: pending.created_at });
  }

  private note(path: string, answer: FreshdeskAnswer): void {
    const items = parseJsonBody(answer.body);
    if (!Array.isArray(items)) return;
    const ticketId = CONVERSATIONS_PATH.exec(path)?.[1];
    if (ticketId !== undefined) this.noteReplies(Number(ticketId), items);
    else if (path === '/api/v2/tickets') this.noteTickets(items);
  }

  private noteReplies(ticketId: number, items: readonly unknown[]): void {
    for (const item of items as ({ id?: unknown } | null)[]) if (typeof item?.id === 'number') this.replies.set(item.id, ticketId);
  }

  private noteTickets(items: readonly unknown[]): void {
    for (const item of items) {
      const parsed = validateFreshdeskListedTicket(item);
      if (parsed.ok) this.tickets.set(parsed.value.id, ticketFactsFrom(parsed.value));
    }
  }

  /** The contact with its ticket, or undefined when this slice did not see its ticket (not expected). */
  found(contact: OfferedContact): FoundContact | undefined {
    const [kind, raw] = contact.contactId.split(':');
    const id = Number(raw);
    if (kind === 't') {
      const ticket = this.tickets.get(id);
      return ticket ? { contact, ticket } : undefined;
    }
    const ticket = this.tickets.get(this.replies.get(id) ?? Number.NaN);
    return ticket ? { contact, ticket, conversationId: id } : undefined;
  }
}
