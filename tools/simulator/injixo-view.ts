/** What the simulator reads back from the local injixo after a run. */
import type { AgentStatus } from '../local-injixo/agent-statuses';
import type { StoredContact } from '../local-injixo/contact-store';

export { startLocalInjixo } from '../local-injixo/server';

export interface StoredContactView {
  contacts: StoredContact[];
  agentStatuses: AgentStatus[];
}
