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

  // Simulator seeds 5, 11 and 28 (small): an agent's change held by the KV limit reached the
  // outbox after the run had sent the agent's open status past it, and was dropped as stale: the
  // agent then stayed in the old activity at injixo until its next change, hours later.
  describe('a change that comes after its time was sent, split off an open activity', () => {
    const split = { agentIdentifier: 'ada@example.com', activity: 'unavailable', since: ms('2026-11-21T10:10:00Z'), changedAt: ms('2026-11-21T09:16:13Z') };

    it('is still the latest change when it is newer than the one that opened the activity: it takes effect from the end of what was sent', () => {
      expect(applyChange(split, change('2026-11-21T10:00:13Z', true), 'email')).toEqual({
        kind: 'late',
        at: ms('2026-11-21T10:10:00Z'),
        timeline: { agentIdentifier: 'ada@example.com', activity: 'available', since: ms('2026-11-21T10:10:00Z'), changedAt: ms('2026-11-21T10:00:13Z') },
      });
    });

    it('takes effect at its own time when that time is not handed to injixo yet', () => {
      expect(applyChange(split, change('2026-11-21T10:00:13Z', true), 'email', ms('2026-11-21T09:40:00Z'))).toMatchObject({ kind: 'late', at: ms('2026-11-21T10:00:13Z') });
      expect(applyChange(split, change('2026-11-21T09:30:00Z', true), 'email', ms('2026-11-21T09:40:00Z'))).toMatchObject({ kind: 'late', at: ms('2026-11-21T09:40:00Z') });
    });

    it('changes nothing when it repeats the open activity, and knows the opening change again after the split', () => {
      expect(applyChange(split, change('2026-11-21T10:00:13Z', false), 'email')).toEqual({ kind: 'closed', timeline: split });
      expect(applyChange(split, change('2026-11-21T09:16:13Z', false), 'email')).toEqual({ kind: 'duplicate', timeline: split });
    });

    it('is stale when it is older than the change that opened the activity: a newer change already holds', () => {
      expect(applyChange(split, change('2026-11-21T09:10:00Z', true), 'email')).toEqual({ kind: 'stale', timeline: split });
      expect(applyChange(split, change('2026-11-21T09:16:13Z', true), 'email')).toEqual({ kind: 'stale', timeline: split });
    });
  });
});

describe('open intervals at a delivery run', () => {
  const open = { agentIdentifier: '7', activity: 'status-12', since: ms('2026-11-21T08:00:00Z') };

  it('are sent up to now and kept open from now, so injixo gets contiguous intervals; the time of the change that opened them is kept', () => {
    const split = splitOpen(open, ms('2026-11-21T08:05:00Z'));
    expect(split).toEqual({
      interval: { agentIdentifier: '7', activityIdentifier: 'status-12', startTime: '2026-11-21T08:00:00Z', endTime: '2026-11-21T08:05:00Z' },
      timeline: { ...open, since: ms('2026-11-21T08:05:00Z'), changedAt: ms('2026-11-21T08:00:00Z') },
    });
    expect(splitOpen(split.timeline, ms('2026-11-21T08:10:00Z')).interval?.startTime).toBe('2026-11-21T08:05:00Z');
  });

  it('are not split into pieces shorter than a minute', () => {
    expect(splitOpen(open, ms('2026-11-21T08:00:30Z'))).toEqual({ timeline: open });
    expect(splitOpen(open, ms('2026-11-21T08:00:30Z'), 10_000).interval?.endTime).toBe('2026-11-21T08:00:30Z');
  });
});
