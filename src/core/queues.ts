import type { Directory, Notice, QueueKind } from './types';

/** Rule 5: the queue names injixo documents for contacts it cannot attribute. */
export const UNKNOWN_QUEUE_LABEL = 'Unknown group/source';

/** Rule 10: the id segment used for both group and source of an unattributable ticket. */
export const UNKNOWN_SEGMENT = 'unknown';

/** Rule 6, `group_id` null. [assumption] No public source names this queue. */
export const NO_GROUP_NAME = 'No group';

/** Rule 10: the group segment of the identifier when `group_id` is null. */
export const NO_GROUP_SEGMENT = 'none';

/** Rule 6: the name of a group the Groups API no longer knows (deleted group). [assumption] */
export function unknownGroupName(groupId: number): string {
  return `Group ${groupId}`;
}

/**
 * Rule 7: ticket source ids → names when the account's own labels cannot be read.
 * Source: Freshdesk API v2 reference, Tickets ("Source" values).
 */
export const FALLBACK_TICKET_SOURCE_NAMES: Readonly<Record<number, string>> = {
  1: 'email',
  2: 'portal',
  3: 'phone',
  4: 'forum',
  5: 'twitter',
  6: 'facebook',
  7: 'chat',
  8: 'mobihelp',
  9: 'feedback widget',
  10: 'outbound email',
  11: 'e-commerce',
  12: 'bot',
};

/** Rule 7: a ticket source id neither the account nor the fallback table knows. */
export function unknownSourceName(sourceId: number): string {
  return `source ${sourceId}`;
}

/**
 * Rule 8: conversation source id → the *ticket* source id of the same channel. Conversations use
 * their own enumeration (Freshdesk API v2 reference, Conversations "source" values); mapping them
 * onto ticket sources lets a reply take the account's own label for that channel (rule 7), so one
 * channel is spelled the same in its Tickets and Replies queues. Ids 2 (note) and 6 (survey
 * feedback) never reach this table: rule 2 skips them.
 */
export const REPLY_TICKET_SOURCES: Readonly<Record<number, number>> = {
  0: 1, // reply → email
  5: 5, // tweet → twitter
  7: 6, // facebook → facebook
  8: 1, // forwarded email → email
  9: 3, // phone → phone
  10: 8, // mobihelp → mobihelp
  11: 11, // e-commerce → e-commerce
};

/** Rule 4: the last word of every queue name. */
export const QUEUE_KIND_LABELS: Readonly<Record<QueueKind, string>> = { tickets: 'Tickets', replies: 'Replies' };

/**
 * Rule 4: `"<group name> <source name> Tickets|Replies"`. Runs of whitespace inside or around
 * the names collapse so the result always has single spaces, whatever the account's labels hold.
 */
export function queueName(groupName: string, sourceName: string, kind: QueueKind): string {
  return [groupName, sourceName, QUEUE_KIND_LABELS[kind]].join(' ').trim().split(/\s+/).join(' ');
}

/**
 * Rule 4's shape (a function, so bundles that do not need it leave it out), kept beside `queueName` so the two change together: single-spaced words ending
 * in a kind's label. The injixo body schema refuses any other name (schemas/injixo-body.ts), so a
 * format changed here and not there would set every contact aside.
 */
export function queueNamePattern(): string {
  return `^\\S+( \\S+)* (${Object.values(QUEUE_KIND_LABELS).join('|')})$`;
}

/** The kind's label at the end of a queue name (the status page groups queues by what comes before it). */
export const QUEUE_KIND_SUFFIX = new RegExp(` (${Object.values(QUEUE_KIND_LABELS).join('|')})$`);

/** Rule 5: `Unknown group/source Tickets|Replies`. */
export function unknownQueueName(kind: QueueKind): string {
  return `${UNKNOWN_QUEUE_LABEL} ${QUEUE_KIND_LABELS[kind]}`;
}

/**
 * Rule 10: `freshdesk/<group_id|none|unknown>/<ticket source id|unknown>/<tickets|replies>`,
 * ids only: injixo creates a queue per new identifier and can never delete one, so renaming a
 * group or a source label must never change it.
 */
export function queueIdentifier(group: number | 'none' | 'unknown', source: number | 'unknown', kind: QueueKind): string {
  return `freshdesk/${group}/${source}/${kind}`;
}

/** Rule 6: the group's name, or the assumed name and a notice when the group is unknown. */
export function groupNameFor(groupId: number | null, directory: Directory): { name: string; notice?: Notice } {
  if (groupId === null) return { name: NO_GROUP_NAME };
  const name = directory.groups[String(groupId)];
  if (name !== undefined) return { name };
  return { name: unknownGroupName(groupId), notice: { kind: 'unknown_group', groupId } };
}

/**
 * Rule 7: the account's own label for a ticket source, lower-cased; the fallback table when the
 * account's list is unavailable or lacks the id; `source <id>` when neither knows it.
 */
export function ticketSourceName(sourceId: number, directory: Directory): string {
  const accountLabel = Object.entries(directory.sourceChoices ?? {}).find(([, id]) => id === sourceId)?.[0];
  if (accountLabel !== undefined) return accountLabel.toLowerCase();
  return FALLBACK_TICKET_SOURCE_NAMES[sourceId] ?? unknownSourceName(sourceId);
}

/**
 * Rule 8: the ticket source id a reply's channel counts under; a conversation source outside the
 * table takes the ticket's own source. [assumption for the else]
 */
export function replyTicketSource(conversationSource: number, ticketSource: number): number {
  return REPLY_TICKET_SOURCES[conversationSource] ?? ticketSource;
}

/**
 * The name a directory gives a queue identifier (rules 5–7), or undefined when the directory
 * cannot tell it (a group it does not know, or not an identifier of ours).
 */
export function queueNameIn(identifier: string, directory: Directory): string | undefined {
  const match = /^freshdesk\/(\d+|none|unknown)\/(\d+|unknown)\/(tickets|replies)$/.exec(identifier);
  if (!match) return undefined;
  const [, group = '', source = '', kind] = match;
  const queueKind = kind as QueueKind;
  if (group === UNKNOWN_SEGMENT || source === UNKNOWN_SEGMENT) return unknownQueueName(queueKind);
  if (group !== NO_GROUP_SEGMENT && directory.groups[group] === undefined) return undefined;
  return queueName(groupNameFor(group === NO_GROUP_SEGMENT ? null : Number(group), directory).name, ticketSourceName(Number(source), directory), queueKind);
}
