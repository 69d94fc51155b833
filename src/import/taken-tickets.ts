/**
 * The tickets an in-app import has already taken, as sorted, disjoint id ranges: Freshdesk ids
 * are consecutive, so the tickets of a window are a few ranges however many they are, and the
 * whole set fits one small KV record. The walk asks it before taking a listed ticket (see
 * WalkDeps.takeOnce): a ticket updated during the walk is listed again and must count once.
 */
/**
 * Ranges kept at most. ~1,600 ranges of 11-digit ids reach the KV store's 40 KB value limit
 * (a refused write would stop the walk's progress); 1,200 stay near 31 KB.
 */
export const MAX_TAKEN_RANGES = 1200;

export class TakenTickets {
  /** [start0, end0, start1, end1, …], inclusive, sorted, never touching. */
  private readonly ranges: number[];

  constructor(ranges: readonly number[] = []) {
    this.ranges = [...ranges];
  }

  pairs(): number[] {
    return [...this.ranges];
  }

  /**
   * Keeps at most `maxRanges` ranges by forgetting those of the lowest ids — the oldest tickets,
   * the least likely to be updated again while the walk goes on — and returns how many tickets
   * were forgotten. A forgotten ticket listed again counts again: a possible duplicate, said
   * in the log, never a loss (nothing is skipped that was not taken).
   */
  trim(maxRanges: number = MAX_TAKEN_RANGES): number {
    const excess = this.ranges.length / 2 - maxRanges;
    if (excess <= 0) return 0;
    const dropped = this.ranges.splice(0, excess * 2);
    let tickets = 0;
    for (let i = 0; i < dropped.length; i += 2) tickets += (dropped[i + 1] ?? 0) - (dropped[i] ?? 0) + 1;
    return tickets;
  }

  /** Index of the range holding `id`, or of the first range after it (×2). */
  private find(id: number): number {
    let lo = 0;
    let hi = this.ranges.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.ranges[mid * 2 + 1] ?? 0) < id) lo = mid + 1;
      else hi = mid;
    }
    return lo * 2;
  }

  has(id: number): boolean {
    const at = this.find(id);
    return at < this.ranges.length && (this.ranges[at] ?? 0) <= id;
  }

  /** Adds `id`; false when it was already there. */
  take(id: number): boolean {
    if (this.has(id)) return false;
    this.insert(this.find(id), id);
    return true;
  }

  /** Adds `id` (not held) before the range at `at`: joins its neighbours or starts a range. */
  private insert(at: number, id: number): void {
    const joinsPrev = at > 0 && this.ranges[at - 1] === id - 1;
    const joinsNext = at < this.ranges.length && this.ranges[at] === id + 1;
    if (joinsPrev && joinsNext) this.ranges.splice(at - 1, 2);
    else if (joinsPrev) this.ranges[at - 1] = id;
    else if (joinsNext) this.ranges[at] = id;
    else this.ranges.splice(at, 0, id, id);
  }
}
