import type { HealthView } from '../../src/delivery/status/health-view';

/**
 * A quiet, healthy status answer for page tests, one place for its shape: tests override only
 * what their scenario is about, and a new field of the view is added here once.
 */
export function healthView(overrides: Partial<HealthView> = {}): HealthView {
  return {
    state: 'flowing',
    installedAt: '2026-11-20T08:00:00.000Z',
    lastSuccessAt: null,
    lastFailure: null,
    consecutiveFailures: 0,
    keyRejectedSince: null,
    backlog: 0,
    setAside: 0,
    dropped: 0,
    invalidPayloads: 0,
    unconfirmed: 0,
    recent: { bucketMinutes: 60, starts: [], totals: [], queues: [] },
    renamedQueues: [],
    gaps: [],
    missingTickets: { repaired: 0, waiting: 0 },
    ...overrides,
  };
}
