/**
 * Each walk's (import, replay, check) view for the status page, kept in the state record so the
 * page reads one key (status/snapshot.ts). A view is the walk's own business; here it is only
 * bounded: long problem lists and messages are cut, so the three views stay within ~4 KB
 * together (commit/budgets.ts).
 */
import type { AppState } from '../stored/stored-data';

/** Items kept per list in a walk view (problem lines, a replay's queues), and characters per text. */
export const VIEW_ITEMS = 10;
export const VIEW_TEXT = 200;

/** `items`: list items kept at every depth (the daily check's days keep their 16). */
export function showWalk(state: AppState, kind: string, view: Record<string, unknown>, items = VIEW_ITEMS): void {
  state.walks = { ...(state.walks ?? {}), [kind]: bounded(view, items) as Record<string, unknown> };
}

/** Texts cut, lists cut to their first items, at every depth (a replay's result holds its queues). */
function bounded(value: unknown, items: number): unknown {
  if (typeof value === 'string') return value.slice(0, VIEW_TEXT);
  if (Array.isArray(value)) return value.slice(0, items).map((v) => bounded(v, items));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bounded(v, items)]));
  return value;
}
