/**
 * Which commits took effect (src/delivery/commit/commit-ring.ts builds it from the state record).
 * The books tag what a run claims with the run's commit id and honour a claim only when its
 * commit took effect.
 */
export interface CommitView {
  /** The id this run tags its claims with (its commit id, the run's time in ms; unique and increasing). */
  readonly current: number;
  /** Whether an earlier run's commit took effect (stored or handed off and applied); false for this run's own id. */
  isCommitted(id: number): boolean;
}

/** For readers with no state at hand (tests, tools): every earlier id counts as committed. */
export function allCommitted(current: number): CommitView {
  return { current, isCommitted: (id) => id !== current };
}
