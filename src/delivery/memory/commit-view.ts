/**
 * Which delivery runs' commits took effect, as the ticket book and the time book need to know
 * it. A run saves its claims (rule 12) *before* it posts to injixo, tagged with its commit id;
 * the run's commit (one state-record write, or a hand-off to the scheduler when the KV store
 * refuses it) then decides whether they took effect. A claim whose commit never took effect (the
 * run died or was refused before posting) is void: the books ignore it and erase it.
 *
 * The books keep a tag until a later run loads the shard and finds it committed or void, which
 * for an old ticket can be days later. So `isCommitted` must answer for every id a stored tag
 * may still carry, not only for the last few runs. An implementation that remembers only recent
 * commits should answer `true` for an id older than the oldest it remembers: a void run's
 * records are redone by the next run, which loads the same shards and erases the void tags
 * then (only records that next run defers keep a void tag longer).
 */
export interface CommitView {
  /** The id this run tags its claims with (its commit id, the run's time in ms; unique and increasing). */
  readonly current: number;
  /** Whether an earlier run's commit took effect (stored or handed off and applied); false for this run's own id. */
  isCommitted(id: number): boolean;
  /**
   * Whether a run whose commit never took effect said it posted nothing before it stopped
   * (commit/hand-off.ts noteVoidCommit): its void claims are then simply void, not "may have been
   * posted". Absent: no run said so.
   */
  postedNothing?(id: number): boolean;
}

/**
 * A view for callers without a commit protocol of their own: every earlier id counts as
 * committed, so claims take effect as soon as they are saved (what the books did before tags).
 */
export function allCommitted(nowMs: number): CommitView {
  return { current: nowMs, isCommitted: (id) => id !== nowMs };
}

/**
 * What a stored tag means for the run reading it. The books read a key once a run, before the run
 * writes it, so a stored tag equal to this run's own id comes from an EARLIER run that had the
 * same id (the same time and the same last commit: it died or was refused before committing, and
 * this run redoes it): void like any commit that never took effect.
 */
export type TagVerdict = 'committed' | 'void';

export function verdictOf(commits: CommitView, tag: number): TagVerdict {
  return tag !== commits.current && commits.isCommitted(tag) ? 'committed' : 'void';
}
