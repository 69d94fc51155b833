import { activityOf, agentIdentifierOf, applyChange, splitOpen, type AgentStatusChange } from '../../src/core/agent-status';

const change = (at: string, available: boolean, statusId?: number): AgentStatusChange => ({ agentId: 7, email: ' Ada@Example.com ', at, available, ...(statusId === undefined ? {} : { statusId }) });
const ms = (iso: string): number => Date.parse(iso);

describe('activities and agents as injixo sees them', () => {
  it.each([
    [{ available: true }, 'available'],
    [{ available: false }, 'unavailable'],
    [{ available: true, statusId: 12 }, 'status-12'],
  ])('%j is activity %s', (c, activity) => {
    expect(activityOf(c)).toBe(activity);
  });

  it('identifies an agent by normalised email, or by id where the admin prefers', () => {
    expect(agentIdentifierOf({ agentId: 7, email: ' Ada@Example.com ' }, 'email')).toBe('ada@example.com');
    expect(agentIdentifierOf({ agentId: 7, email: 'ada@example.com' }, 'id')).toBe('7');
  });
});

describe('status changes becoming closed intervals', () => {
  it('opens the first interval at the first change, invents nothing before it', () => {
    expect(applyChange(undefined, change('2026-11-21T08:00:00Z', true), 'email')).toEqual({
      kind: 'closed',
      timeline: { agentIdentifier: 'ada@example.com', activity: 'available', since: ms('2026-11-21T08:00:00Z') },
    });
  });

  it('closes the open activity at the next change and opens the new one there', () => {
    const open = { agentIdentifier: 'ada@example.com', activity: 'available', since: ms('2026-11-21T08:00:00Z') };
    expect(applyChange(open, change('2026-11-21T09:30:00Z', false), 'email')).toEqual({
      kind: 'closed',
      timeline: { agentIdentifier: 'ada@example.com', activity: 'unavailable', since: ms('2026-11-21T09:30:00Z') },
      interval: { agentIdentifier: 'ada@example.com', activityIdentifier: 'available', startTime: '2026-11-21T08:00:00Z', endTime: '2026-11-21T09:30:00Z' },
    });
  });

  it('keeps the interval open when the same activity is reported again later', () => {
    const open = { agentIdentifier: 'ada@example.com', activity: 'available', since: ms('2026-11-21T08:00:00Z') };
    expect(applyChange(open, change('2026-11-21T09:00:00Z', true), 'email')).toEqual({ kind: 'closed', timeline: open });
  });

  it('drops a change at or before what was already sent: the same change twice is a duplicate, an older one stale', () => {
    const open = { agentIdentifier: 'ada@example.com', activity: 'unavailable', since: ms('2026-11-21T09:30:00Z') };
    expect(applyChange(open, change('2026-11-21T09:30:00Z', false), 'email')).toEqual({ kind: 'duplicate', timeline: open });
    expect(applyChange(open, change('2026-11-21T09:30:00Z', true), 'email')).toEqual({ kind: 'stale', timeline: open });
    expect(applyChange(open, change('2026-11-21T09:00:00Z', true), 'email')).toEqual({ kind: 'stale', timeline: open });
  });
});

describe('open intervals at a delivery run', () => {
  const open = { agentIdentifier: '7', activity: 'status-12', since: ms('2026-11-21T08:00:00Z') };

  it('are sent up to now and kept open from now, so injixo gets contiguous intervals', () => {
    const split = splitOpen(open, ms('2026-11-21T08:05:00Z'));
    expect(split).toEqual({
      interval: { agentIdentifier: '7', activityIdentifier: 'status-12', startTime: '2026-11-21T08:00:00Z', endTime: '2026-11-21T08:05:00Z' },
      timeline: { ...open, since: ms('2026-11-21T08:05:00Z') },
    });
    expect(splitOpen(split.timeline, ms('2026-11-21T08:10:00Z')).interval?.startTime).toBe('2026-11-21T08:05:00Z');
  });

  it('are not split into pieces shorter than a minute', () => {
    expect(splitOpen(open, ms('2026-11-21T08:00:30Z'))).toEqual({ timeline: open });
    expect(splitOpen(open, ms('2026-11-21T08:00:30Z'), 10_000).interval?.endTime).toBe('2026-11-21T08:00:30Z');
  });
});
