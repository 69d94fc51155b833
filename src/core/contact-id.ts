/**
 * Rule 12: a contact's id is derived from the Freshdesk object it counts, so retries,
 * redelivered events, the initial import and replays all name the same contact and the
 * delivery log can drop the duplicates. Ticket and conversation ids are separate sequences
 * in Freshdesk, hence the prefixes.
 */

export function ticketContactId(ticketId: number): string {
  return `t:${ticketId}`;
}

export function conversationContactId(conversationId: number): string {
  return `c:${conversationId}`;
}
