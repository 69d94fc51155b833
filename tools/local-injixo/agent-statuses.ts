import Ajv from 'ajv';
import { injixoEnvelope, isUtcTimestamp } from './contact-events-schema';

/**
 * `POST /external-systems/agent-statuses` (injixo help center, "Import data with injixo API"):
 * `{data: [{agentIdentifier, activityIdentifier, startTime, endTime}], meta: {integrationConfigurationId,
 * externalSystem}}`. Validated like injixo would ([assumption] for what it does not document:
 * UTC times, start before end; the body limit of the contact-events endpoint), kept in memory for tests.
 */
export const AGENT_STATUSES_PATH = '/external-systems/agent-statuses';

export interface AgentStatus {
  agentIdentifier: string;
  activityIdentifier: string;
  startTime: string;
  endTime: string;
}

export interface AgentStatusesBody {
  data: AgentStatus[];
  meta?: { integrationConfigurationId?: number; externalSystem?: string };
}

const nonEmpty = { type: 'string', minLength: 1, maxLength: 255 } as const;
const validate = new Ajv({ allErrors: false }).compile<AgentStatusesBody>(
  injixoEnvelope(
    {
      type: 'object',
      required: ['agentIdentifier', 'activityIdentifier', 'startTime', 'endTime'],
      additionalProperties: false,
      properties: { agentIdentifier: nonEmpty, activityIdentifier: nonEmpty, startTime: { type: 'string' }, endTime: { type: 'string' } },
    },
    { type: 'object', additionalProperties: false, properties: { integrationConfigurationId: { type: 'integer' }, externalSystem: { type: 'string' } } },
  ),
);

export type StatusesValidation = { ok: true; body: AgentStatusesBody } | { ok: false; message: string; field: string };

/** Shape first, then what a schema cannot say: real UTC instants, and an interval that has a length. */
export function validateAgentStatuses(input: unknown): StatusesValidation {
  if (!validate(input)) {
    const error = validate.errors?.[0];
    const field = (error?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.') || 'body';
    return { ok: false, message: `${field} ${error?.message ?? 'is invalid'}`, field };
  }
  for (const [i, status] of input.data.entries()) {
    for (const key of ['startTime', 'endTime'] as const) {
      if (!isUtcTimestamp(status[key])) return { ok: false, message: `data.${i}.${key} must be a UTC ISO-8601 time ending in Z`, field: `data.${i}.${key}` };
    }
    if (Date.parse(status.startTime) >= Date.parse(status.endTime)) return { ok: false, message: `data.${i}.startTime must be before endTime`, field: `data.${i}.startTime` };
  }
  return { ok: true, body: input };
}

/** What the local injixo received, for tests: every interval, and the ones that overlap or repeat per agent. */
export class AgentStatusStore {
  private readonly received: (AgentStatus & { requestId: string })[] = [];

  add(requestId: string, body: AgentStatusesBody): number {
    for (const status of body.data) this.received.push({ ...status, requestId });
    return body.data.length;
  }

  list(): (AgentStatus & { requestId: string })[] {
    return [...this.received];
  }

  /** Pairs of intervals of one agent that overlap in time (a duplicate is one too). */
  overlaps(): [AgentStatus, AgentStatus][] {
    const byAgent = new Map<string, AgentStatus[]>();
    for (const s of this.received) byAgent.set(s.agentIdentifier, [...(byAgent.get(s.agentIdentifier) ?? []), s]);
    const pairs: [AgentStatus, AgentStatus][] = [];
    for (const statuses of byAgent.values()) {
      const sorted = [...statuses].sort((a, b) => a.startTime.localeCompare(b.startTime));
      for (let i = 1; i < sorted.length; i += 1) {
        const [before, after] = [sorted[i - 1] as AgentStatus, sorted[i] as AgentStatus];
        if (Date.parse(after.startTime) < Date.parse(before.endTime)) pairs.push([before, after]);
      }
    }
    return pairs;
  }
}
