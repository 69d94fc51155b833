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

/**
 * Bytes one walk's view takes in the state at most (as JSON): three walks, ~4.5 KB together
 * (commit/budgets.ts). Beyond, the longest list loses its last items, then texts are cut shorter.
 */
export const VIEW_BYTES = 1500;
/** The daily check's days (16 kept, issue 20) have a budget of their own. */
export const CHECK_DAYS_BYTES = 2200;

/** `items`: list items kept at every depth; `bytes`: the view's budget (the daily check's days keep their 16 in CHECK_DAYS_BYTES). */
export function showWalk(state: AppState, kind: string, view: Record<string, unknown>, items = VIEW_ITEMS, bytes = VIEW_BYTES): void {
  state.walks = { ...(state.walks ?? {}), [kind]: withinBytes(bounded(view, items) as Record<string, unknown>, bytes) };
}

function withinBytes(view: Record<string, unknown>, bytes: number): Record<string, unknown> {
  let text = VIEW_TEXT;
  let shrunk = view;
  while (JSON.stringify(shrunk).length > bytes) {
    const list = longestList(shrunk);
    if (list !== undefined) list.pop();
    else if (text > 20) {
      text = Math.floor(text / 2);
      shrunk = cutTexts(shrunk, text) as Record<string, unknown>;
    } else return { state: shrunk.state, tooLarge: true };
  }
  return shrunk;
}

/** The list with the most bytes anywhere in the view, when it has an item to lose. */
function longestList(value: unknown): unknown[] | undefined {
  let best: unknown[] | undefined;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      if (v.length > 0 && (best === undefined || JSON.stringify(v).length > JSON.stringify(best).length)) best = v;
      v.forEach(visit);
    } else if (typeof v === 'object' && v !== null) Object.values(v).forEach(visit);
  };
  visit(value);
  return best;
}

function cutTexts(value: unknown, length: number): unknown {
  if (typeof value === 'string') return value.slice(0, length);
  if (Array.isArray(value)) return value.map((v) => cutTexts(v, length));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cutTexts(v, length)]));
  return value;
}

/** Texts cut, lists cut to their first items, at every depth (a replay's result holds its queues). */
function bounded(value: unknown, items: number): unknown {
  if (typeof value === 'string') return value.slice(0, VIEW_TEXT);
  if (Array.isArray(value)) return value.slice(0, items).map((v) => bounded(v, items));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bounded(v, items)]));
  return value;
}
