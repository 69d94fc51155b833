/**
 * Rule 4, "a queue keeps the name it was first delivered with". injixo makes a new queue for
 * every new (identifier, name) pair and planners build workloads from queues, so a renamed group
 * or source label must not split a queue's history in two.
 *
 * The counting functions (`mapTicketCreated`, `mapConversationCreated`) give every contact its
 * *natural* name: the one Freshdesk's current group and source names spell. This module only
 * swaps that natural name for the pinned one; where the pins are kept is the shell's business.
 */
import { UNKNOWN_SEGMENT } from './queues';
import type { OfferedContact } from './types';

/** Queue identifier → the name it was first delivered with. */
export type PinnedQueueNames = Readonly<Record<string, string>>;

/** A queue whose natural name has drifted from the name it keeps. */
export interface QueueRename {
  queueIdentifier: string;
  /** The pinned name, still sent to injixo. */
  keptName: string;
  /** What Freshdesk's names spell now. */
  currentName: string;
}

export interface PinnedContacts {
  /** The input contacts, in order, each with its queue's pinned name. */
  contacts: OfferedContact[];
  /** Pins this batch created (identifiers `pinned` did not hold yet): the shell stores them. */
  newPins: Record<string, string>;
  /** One entry per (identifier, natural name) that differs from the pin, in first-seen order. */
  renamed: QueueRename[];
}

/**
 * Rule 5's queues (`freshdesk/unknown/unknown/…`) have a constant name, so they need no pin;
 * leaving them out saves storage. A pin held for one anyway is applied like any other.
 */
export function needsPin(queueIdentifier: string): boolean {
  return !queueIdentifier.startsWith(`freshdesk/${UNKNOWN_SEGMENT}/`);
}

/**
 * Gives every contact the name its identifier was first delivered with. An identifier seen for
 * the first time is pinned to its natural name; within one batch the first contact's name wins,
 * so a rename in the middle of a batch cannot split it either. Pure: `pinned` is not modified.
 */
export function pinQueueNames(contacts: readonly OfferedContact[], pinned: PinnedQueueNames): PinnedContacts {
  const newPins: Record<string, string> = {};
  const renamed: QueueRename[] = [];
  const reported = new Set<string>();
  const pinnedContacts = contacts.map((contact) => {
    const { queueIdentifier, queueName: currentName } = contact;
    const keptName = pinned[queueIdentifier] ?? newPins[queueIdentifier];
    if (keptName === undefined) {
      if (needsPin(queueIdentifier)) newPins[queueIdentifier] = currentName;
      return contact;
    }
    if (keptName === currentName) return contact;
    // JSON of the pair cannot collide the way a joined string could.
    const pair = JSON.stringify([queueIdentifier, currentName]);
    if (!reported.has(pair)) {
      reported.add(pair);
      renamed.push({ queueIdentifier, keptName, currentName });
    }
    return { ...contact, queueName: keptName };
  });
  return { contacts: pinnedContacts, newPins, renamed };
}
