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
 * Rule 8: conversation source ids → channel names. Conversations use their own enumeration,
 * not the ticket one. Source: Freshdesk API v2 reference, Conversations ("source" values).
 * Ids 2 (note) and 6 (survey feedback) never reach this table: rule 2 skips them.
 */
export const REPLY_CHANNEL_NAMES: Readonly<Record<number, string>> = {
  0: 'email', // reply
  5: 'twitter', // tweet
  7: 'facebook',
  8: 'email', // forwarded email
  9: 'phone',
  10: 'mobihelp',
  11: 'e-commerce',
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

/** Rule 5: `Unknown group/source Tickets|Replies`. */
export function unknownQueueName(kind: QueueKind): string {
  return `${UNKNOWN_QUEUE_LABEL} ${QUEUE_KIND_LABELS[kind]}`;
}

/**
 * Rule 10: `freshdesk/<group_id|none|unknown>/<source slug>/<tickets|replies>`. injixo creates
 * a queue per new identifier and can never delete one, so the identifier must never drift.
 */
export function queueIdentifier(group: number | 'none' | 'unknown', sourceSlug: string, kind: QueueKind): string {
  return `freshdesk/${group}/${sourceSlug}/${kind}`;
}

/** Lower-case; every run of characters outside [a-z0-9] becomes one '-'; no '-' at either end. */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The source segment of a queue identifier. A label with no [a-z0-9] character at all (say a
 * custom source named in another script) slugs to nothing and would leave an empty segment,
 * so it falls back to the source id. [assumption]
 */
export function sourceSegment(sourceName: string, sourceId: number): string {
  return slugify(sourceName) || `source-${sourceId}`;
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

/** Rule 8: the reply's channel, else the ticket's source name. [assumption for the else] */
export function replyChannelName(conversationSource: number, ticketSourceName: string): string {
  return REPLY_CHANNEL_NAMES[conversationSource] ?? ticketSourceName;
}
