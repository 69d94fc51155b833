import { pinQueueNames } from '../../core/pinning';
import type { OfferedContact } from '../../core/types';
import { log } from '../../platform/log';
import type { AppState } from '../stored/stored-data';

/**
 * Rule 4 in the shell: gives contacts the names their queues were first delivered with, keeps
 * new pins in the state record (read by every run anyway, so pins cost no extra KV operation),
 * and notes which queues Freshdesk now spells differently, for the status page. Events, the
 * import and replays all name contacts through here.
 */
export function applyPinnedNames(state: AppState, contacts: readonly OfferedContact[]): OfferedContact[] {
  const pins = state.pins ?? {};
  const renamed = state.renamed ?? {};
  state.pins = pins;
  state.renamed = renamed;
  // A name that is current again (a rename undone) is no longer a rename to show.
  for (const contact of contacts) if (pins[contact.queueIdentifier] === contact.queueName) delete renamed[contact.queueIdentifier];
  const named = pinQueueNames(contacts, pins);
  Object.assign(pins, named.newPins);
  for (const rename of named.renamed) {
    if (renamed[rename.queueIdentifier] === rename.currentName) continue;
    renamed[rename.queueIdentifier] = rename.currentName;
    log('info', 'QUEUE_RENAMED', `Freshdesk now names queue ${rename.queueIdentifier} "${rename.currentName}"; it keeps its first name "${rename.keptName}" so its history stays in one injixo queue`);
  }
  return named.contacts;
}

/** For the status page: queues whose Freshdesk name has changed since their first delivery. */
export function renamedQueues(state: AppState): { queueIdentifier: string; keptName: string; currentName: string }[] {
  return Object.entries(state.renamed ?? {})
    .map(([queueIdentifier, currentName]) => ({ queueIdentifier, keptName: state.pins?.[queueIdentifier] ?? currentName, currentName }))
    .sort((a, b) => a.keptName.localeCompare(b.keptName));
}
