/**
 * The walks' marks in the delivery state (stored-data.ts WalkMarks): which walks are active, when
 * the next daily check is due, how far gaps were queued for repair. Changed only through the
 * commit protocol (delivery/commit/commit.ts updateState), never written directly.
 */
import { NO_MAPS, updateState } from '../delivery/commit/commit';
import type { AppState, WalkKind, WalkMarks } from '../delivery/stored/stored-data';
import { log } from '../platform/log';
import { describe } from './walk-chain';
import type { Platform } from '../platform/types';

/** A copy without empty parts (the state record stays as small as it can). */
export function tidyMarks(marks: WalkMarks): WalkMarks | undefined {
  const tidy: WalkMarks = {};
  if (marks.a && marks.a.length > 0) tidy.a = [...new Set(marks.a)].sort();
  if (marks.c !== undefined) tidy.c = marks.c;
  if (marks.g !== undefined) tidy.g = marks.g;
  if (marks.s !== undefined) tidy.s = marks.s;
  return Object.keys(tidy).length > 0 ? tidy : undefined;
}

export function withActive(marks: WalkMarks, kind: WalkKind, active: boolean): WalkMarks {
  const others = (marks.a ?? []).filter((k) => k !== kind);
  return { ...marks, a: active ? [...others, kind] : others };
}

/**
 * Changes the marks under the lease. False when a delivery run held the lease or the store
 * refused: the caller's watchdog or next step tries again (a mark is a hint, never the truth:
 * the walk records are).
 */
export async function changeMarks(platform: Pick<Platform, 'db' | 'schedule'>, nowMs: number, change: (marks: WalkMarks) => WalkMarks): Promise<boolean> {
  try {
    // Marks name no queue: the spilled maps stay unread (NO_MAPS).
    const outcome = await updateState(
      platform,
      nowMs,
      (opened) => {
        applyMarks(opened.state, change);
        return Promise.resolve();
      },
      NO_MAPS,
    );
    return outcome === 'done';
  } catch (error) {
    // Every refusal is said (invariant (f); large seed 297: the state write of a mark refused).
    log('warn', 'PLATFORM_LIMIT', `the walks' marks in the state record could not be changed now (${describe(error)}); the walks' watchdog tries again`);
    return false;
  }
}

/** The marks of a state being committed, changed (inside updateState's change). */
export function applyMarks(state: AppState, change: (marks: WalkMarks) => WalkMarks): void {
  const marks = tidyMarks(change(state.walk ?? {}));
  if (marks) state.walk = marks;
  else delete state.walk;
}
