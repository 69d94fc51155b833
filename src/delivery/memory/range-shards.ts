import type { KeyValueStore } from '../../platform/types';
import { isNotFound } from '../../platform/refusals';

/**
 * Entries by ticket id in KV keys that split by bytes, for the ticket book and the time book.
 *
 * Ids are grouped in *ranges* of `size` consecutive ids (ids grow with time, so one run touches
 * few). A range starts as one key, `<base key>` = `layout.keyOf(index)`. When what a key holds
 * would exceed `budget` bytes (key + JSON value, as the KV store counts them), its id range is
 * split by bytes into *pieces*: a piece holding offsets [s, next) lives in `<base key>.<s>`, and
 * the piece holding the newest ids of the range stays in the base key, which also lists every
 * piece start in `p`. So a range that never grew past the budget costs what one key did before
 * (one read, one write a run), a split range one read more for its older pieces, and no key
 * ever exceeds the budget — the only thing ever dropped is part of a single entry too big for a
 * key of its own (`onShed`).
 *
 * A piece's value is `{ x: [context], t: { "<offset in range>": entry }, p?: [piece starts] }`;
 * `x` holds what its entries are encoded against (a time base, a dictionary), see PieceCodec.
 * A value without `x` is the format before pieces: `{ t: { "<full id>": entry } }`, read through
 * `decodeLegacy` and rewritten whole the next time the piece is written.
 *
 * Write order keeps every prefix of a save readable: new keys first, then the base key (its
 * piece list), then older pieces that gave entries away. A reader filters a piece to the
 * offsets the piece list gives it, so entries a split moved on are ignored until rewritten.
 */
export interface PieceCodec<E, C> {
  /** The context stored in a piece's `x`; undefined when unreadable. */
  readContext(x: unknown): C | undefined;
  /** A fresh context for a piece about to be written whole (`encode` fills it). */
  freshContext(entries: ReadonlyArray<E>): C;
  /** The context as stored in `x`. */
  contextValue(context: C): unknown[];
  /** An entry's stored form; it may add to the context, but never changes what is there (append only). */
  encode(entry: E, context: C): unknown[];
  /** A stored entry; undefined when unreadable (the book then does not know that id). */
  decode(stored: unknown, context: C): E | undefined;
  /** An entry of the format before pieces (no context). */
  decodeLegacy(stored: unknown): E | undefined;
  /** Drops the least useful part of an entry too big for a key of its own: how many items went (0: nothing left to drop). */
  shed(entry: E): number;
}

export interface RangeLayout<E, C> {
  keyOf(index: number): string;
  /** Consecutive ids per range. */
  size: number;
  /** Bytes of key + JSON value a key may hold. */
  budget: number;
  codec: PieceCodec<E, C>;
  /** Called for each entry as it is read: 'voided' means its piece must be written even if nothing else changes. */
  settle(entry: E): 'kept' | 'merged' | 'voided';
  /** Called when `dropped` items of an entry (or, with 'all', the whole entry) went so that it fits a key of its own. */
  onShed(id: number, entry: E, dropped: number | 'all'): void;
}

interface Piece<E, C> {
  start: number;
  entries: Map<number, E>;
  /** Each entry's stored JSON, to write only what differs. */
  stored: Map<number, string>;
  /** Entries that may differ from their stored form (changed, or a tag resolved as read). */
  dirty: Set<number>;
  /** The stored context; undefined for a new piece or a legacy value (written whole). */
  context: C | undefined;
  /** Key + JSON value as stored (0: no such key). */
  bytes: number;
  /** Holds entries outside its offsets (a split moved them on): written whole next time. */
  strays: boolean;
  /** Must be written by save: a change, or a void claim to erase. */
  changed: boolean;
}

interface Range<E, C> {
  index: number;
  /** Piece starts after 0, ascending; the last piece is the base key's. */
  starts: number[];
  /** The piece list as the base key holds it. */
  storedStarts: number[];
  pieces: Map<number, Piece<E, C>>;
}

/** A group of entries to be written as one piece. */
interface Planned<E> {
  start: number;
  entries: Array<[number, E]>;
}

/** The attributes that bring a stored piece up to date, and what it then holds. */
interface Update {
  attributes: Record<string, unknown>;
  json: Map<number, string>;
  bytes: number;
}

/** How one changed piece is written: the groups it splits into, or the update that keeps it at its key. */
interface Plan<E, C> {
  origin: Piece<E, C>;
  groups: Planned<E>[];
  update?: Update;
}

/** KV operations made so far, for tests and measurements. */
export interface ShardStats {
  reads: number;
  writes: number;
  splits: number;
}

/** The entries of a stored value (`t`), or none. */
function entriesOf(value: Record<string, unknown>): Record<string, unknown> {
  return typeof value.t === 'object' && value.t !== null ? (value.t as Record<string, unknown>) : {};
}

function isInside(offset: number, start: number, end: number): boolean {
  return Number.isInteger(offset) && offset >= start && offset < end;
}

const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((n, i) => n === b[i]);

export class RangeShards<E, C> {
  private readonly ranges = new Map<number, Range<E, C>>();
  readonly stats: ShardStats = { reads: 0, writes: 0, splits: 0 };

  constructor(
    private readonly db: KeyValueStore,
    private readonly layout: RangeLayout<E, C>,
  ) {}

  /** The entry of `id`, reading its key (and its range's base key) the first time. */
  async get(id: number): Promise<E | undefined> {
    return (await this.pieceOf(id)).entries.get(id);
  }

  /** Whether the piece holding `id` was read already: a get of it costs no KV call. */
  isLoaded(id: number): boolean {
    return this.loadedPiece(id) !== undefined;
  }

  /** The range `id` falls in (ids of one range share their keys). */
  rangeOf(id: number): number {
    return this.indexOf(id).index;
  }

  /** The entry of `id` when its piece was read already (see get). */
  loaded(id: number): E | undefined {
    return this.loadedPiece(id)?.entries.get(id);
  }

  /** Stores an entry (new, or changed in place); its piece is read first. */
  async put(id: number, entry: E): Promise<void> {
    const piece = await this.pieceOf(id);
    piece.entries.set(id, entry);
    piece.dirty.add(id);
    piece.changed = true;
  }

  /** Marks an entry already read as changed in place. */
  touch(id: number): void {
    const piece = this.loadedPiece(id);
    if (!piece?.entries.has(id)) return;
    piece.dirty.add(id);
    piece.changed = true;
  }

  /** Writes every changed piece, splitting any that would exceed the budget. */
  async save(): Promise<void> {
    for (const range of this.ranges.values()) await this.saveRange(range);
  }

  private indexOf(id: number): { index: number; offset: number } {
    const index = Math.floor(id / this.layout.size);
    return { index, offset: id - index * this.layout.size };
  }

  private offsetOf(id: number): number {
    return this.indexOf(id).offset;
  }

  private pieceKey(index: number, start: number, starts: readonly number[]): string {
    const base = this.layout.keyOf(index);
    return start === (starts[starts.length - 1] ?? 0) ? base : `${base}.${start}`;
  }

  private startOf(offset: number, starts: readonly number[]): number {
    let start = 0;
    for (const s of starts) if (s <= offset) start = s;
    return start;
  }

  private loadedPiece(id: number): Piece<E, C> | undefined {
    const { index, offset } = this.indexOf(id);
    const range = this.ranges.get(index);
    return range?.pieces.get(this.startOf(offset, range.starts));
  }

  private async pieceOf(id: number): Promise<Piece<E, C>> {
    const { index, offset } = this.indexOf(id);
    const range = this.ranges.get(index) ?? (await this.loadRange(index));
    const start = this.startOf(offset, range.starts);
    const cached = range.pieces.get(start);
    if (cached) return cached;
    const key = this.pieceKey(index, start, range.starts);
    const piece = this.pieceFrom(range, start, key, await this.read(key));
    range.pieces.set(start, piece);
    return piece;
  }

  /** Reads the base key: the range's piece list and its newest piece. */
  private async loadRange(index: number): Promise<Range<E, C>> {
    const key = this.layout.keyOf(index);
    const value = await this.read(key);
    const listed = value && Array.isArray(value.p) ? value.p.filter((s): s is number => Number.isInteger(s) && (s as number) > 0 && (s as number) < this.layout.size) : [];
    const starts = [...new Set(listed)].sort((a, b) => a - b);
    const range: Range<E, C> = { index, starts, storedStarts: [...starts], pieces: new Map() };
    const start = starts[starts.length - 1] ?? 0;
    range.pieces.set(start, this.pieceFrom(range, start, key, value));
    this.ranges.set(index, range);
    return range;
  }

  private async read(key: string): Promise<Record<string, unknown> | undefined> {
    this.stats.reads += 1;
    try {
      return await this.db.get(key);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return undefined;
    }
  }

  /** A piece from its stored value: entries outside its offsets and unreadable ones are left out. */
  private pieceFrom(range: Range<E, C>, start: number, key: string, value: Record<string, unknown> | undefined): Piece<E, C> {
    const piece: Piece<E, C> = { start, entries: new Map(), stored: new Map(), dirty: new Set(), context: undefined, bytes: 0, strays: false, changed: false };
    if (!value) return piece;
    piece.bytes = key.length + JSON.stringify(value).length;
    const legacy = value.x === undefined;
    if (!legacy) piece.context = this.layout.codec.readContext(value.x);
    const end = range.starts.find((s) => s > start) ?? this.layout.size;
    const first = range.index * this.layout.size;
    for (const [name, raw] of Object.entries(entriesOf(value))) {
      // Legacy values name entries by full id, current ones by offset in the range.
      const offset = legacy ? Number(name) - first : Number(name);
      this.readEntry(piece, { first, end }, offset, raw, legacy);
    }
    return piece;
  }

  private readEntry(piece: Piece<E, C>, range: { first: number; end: number }, offset: number, raw: unknown, legacy: boolean): void {
    if (!isInside(offset, piece.start, range.end)) {
      piece.strays = true;
      return;
    }
    const entry = this.decodeEntry(piece, raw, legacy);
    if (entry === undefined) return;
    const id = range.first + offset;
    const settled = this.layout.settle(entry);
    if (settled !== 'kept') piece.dirty.add(id);
    if (settled === 'voided') piece.changed = true;
    piece.entries.set(id, entry);
    piece.stored.set(id, JSON.stringify(raw));
  }

  private decodeEntry(piece: Piece<E, C>, raw: unknown, legacy: boolean): E | undefined {
    const { codec } = this.layout;
    if (legacy) return codec.decodeLegacy(raw);
    return piece.context === undefined ? undefined : codec.decode(raw, piece.context);
  }

  private async saveRange(range: Range<E, C>): Promise<void> {
    const oldStarts = [...range.starts];
    const oldBase = oldStarts[oldStarts.length - 1] ?? 0;
    const changed = [...range.pieces.values()].filter((p) => p.changed);
    if (changed.length === 0) return;
    // Older pieces first: their splits add piece starts, which the base key lists.
    changed.sort((a, b) => (a.start === oldBase ? 1 : 0) - (b.start === oldBase ? 1 : 0));
    const plans = changed.map((piece) => this.plan(range, piece, piece.start === oldBase));
    for (const [start, piece] of await this.writeAll(range, plans, oldStarts)) range.pieces.set(start, piece);
  }

  /** 1. New keys; 2. the base key (its piece list); 3. older pieces at their own keys. */
  private async writeAll(range: Range<E, C>, plans: ReadonlyArray<Plan<E, C>>, oldStarts: readonly number[]): Promise<Map<number, Piece<E, C>>> {
    const newBase = range.starts[range.starts.length - 1] ?? 0;
    const keyBefore = (start: number): string => this.pieceKey(range.index, start, oldStarts);
    const keyAfter = (start: number): string => this.pieceKey(range.index, start, range.starts);
    const writes = plans.flatMap((plan) => plan.groups.map((group) => ({ plan, group, fresh: keyAfter(group.start) !== keyBefore(plan.origin.start) })));
    const rebuilt = new Map<number, Piece<E, C>>();
    for (const w of writes.filter((w) => w.fresh)) rebuilt.set(w.group.start, await this.writeWhole(range, w.group));
    const atBase = writes.find((w) => !w.fresh && w.group.start === newBase);
    if (atBase) rebuilt.set(newBase, await this.writeAtOwnKey(range, atBase.plan, atBase.group));
    else if (!sameList(range.starts, range.storedStarts)) await this.writeStarts(range);
    for (const w of writes.filter((w) => !w.fresh && w.group.start !== newBase)) rebuilt.set(w.group.start, await this.writeAtOwnKey(range, w.plan, w.group));
    return rebuilt;
  }

  /**
   * How a changed piece is written: as an update of what changed when it still fits with its
   * stored context, else whole, in as many pieces as it takes to fit (new piece starts go into
   * range.starts at once, so the newest piece is measured with the final piece list).
   */
  private plan(range: Range<E, C>, piece: Piece<E, C>, isBase: boolean): Plan<E, C> {
    const update = this.updateOf(range, piece, isBase);
    const entries = [...piece.entries.entries()].sort(([a], [b]) => a - b);
    if (update) return { origin: piece, groups: [{ start: piece.start, entries }], update };
    return { origin: piece, groups: this.splitToFit(range, { start: piece.start, entries }, isBase) };
  }

  /**
   * The update of a stored piece in the current format: its dirty entries whose stored form
   * changed, its context when it grew, the base key's piece list when it changed. Its size is
   * reckoned from the stored size; undefined when it would not fit (or cannot be an update).
   */
  private updateOf(range: Range<E, C>, piece: Piece<E, C>, isBase: boolean): Update | undefined {
    const context = piece.strays ? undefined : piece.context;
    if (piece.bytes === 0 || context === undefined) return undefined;
    const { codec } = this.layout;
    const before = JSON.stringify(codec.contextValue(context)).length;
    const update: Update = { attributes: {}, json: new Map(), bytes: piece.bytes };
    for (const id of piece.dirty) this.updateEntry(piece, context, id, update);
    const x = codec.contextValue(context);
    const after = JSON.stringify(x).length;
    // The context only grows: a longer one is a changed one.
    if (after !== before) update.attributes.x = x;
    update.bytes += after - before;
    this.updateStarts(range, update, isBase);
    return update.bytes <= this.layout.budget ? update : undefined;
  }

  /** The base key's piece list, when it changed. */
  private updateStarts(range: Range<E, C>, update: Update, isBase: boolean): void {
    if (!isBase || sameList(range.starts, range.storedStarts)) return;
    update.attributes.p = range.starts;
    update.bytes += this.startsBytes(range.starts) - this.startsBytes(range.storedStarts);
  }

  /** Adds an entry to an update when its stored form changed, with the bytes that makes. */
  private updateEntry(piece: Piece<E, C>, context: C, id: number, update: Update): void {
    const entry = piece.entries.get(id);
    if (entry === undefined) return;
    const encoded = this.layout.codec.encode(entry, context);
    const json = JSON.stringify(encoded);
    const old = piece.stored.get(id);
    if (json === old) return;
    const offset = String(this.offsetOf(id));
    update.attributes[`t.${offset}`] = encoded;
    update.json.set(id, json);
    // A new entry adds `"<offset>":` and a comma.
    update.bytes += old === undefined ? json.length + offset.length + 4 : json.length - old.length;
  }

  /** What a piece list adds to the base key's value: `,"p":[…]`, nothing while empty. */
  private startsBytes(starts: readonly number[]): number {
    return starts.length === 0 ? 0 : ',"p":'.length + JSON.stringify(starts).length;
  }

  private splitToFit(range: Range<E, C>, group: Planned<E>, isNewest: boolean): Planned<E>[] {
    if (this.fits(range, group, isNewest)) return [group];
    if (group.entries.length <= 1) {
      this.shedToFit(range, group, isNewest);
      return [group];
    }
    const [left, right] = this.halves(group.entries);
    const rightStart = this.offsetOf((right[0] as [number, E])[0]);
    range.starts = [...range.starts, rightStart].sort((a, b) => a - b);
    this.stats.splits += 1;
    return [...this.splitToFit(range, { start: group.start, entries: left }, false), ...this.splitToFit(range, { start: rightStart, entries: right }, isNewest)];
  }

  /** Two non-empty halves of about equal bytes, in id order. */
  private halves(entries: Array<[number, E]>): [Array<[number, E]>, Array<[number, E]>] {
    const context = this.layout.codec.freshContext(entries.map(([, e]) => e));
    const sizes = entries.map(([, e]) => JSON.stringify(this.layout.codec.encode(e, context)).length);
    const total = sizes.reduce((a, b) => a + b, 0);
    let sum = 0;
    let cut = 1;
    for (; cut < entries.length - 1; cut += 1) {
      sum += sizes[cut - 1] ?? 0;
      if (sum >= total / 2) break;
    }
    return [entries.slice(0, cut), entries.slice(cut)];
  }

  private shedToFit(range: Range<E, C>, group: Planned<E>, isNewest: boolean): void {
    const [only] = group.entries;
    if (!only) return;
    const [id, entry] = only;
    while (!this.fits(range, group, isNewest)) {
      const dropped = this.layout.codec.shed(entry);
      if (dropped === 0) {
        group.entries = [];
        this.layout.onShed(id, entry, 'all');
        return;
      }
      this.layout.onShed(id, entry, dropped);
    }
  }

  private fits(range: Range<E, C>, group: Planned<E>, isNewest: boolean): boolean {
    const key = isNewest ? this.layout.keyOf(range.index) : `${this.layout.keyOf(range.index)}.${group.start}`;
    return key.length + JSON.stringify(this.wholeValue(range, group.entries, isNewest)).length <= this.layout.budget;
  }

  private wholeValue(range: Range<E, C>, entries: ReadonlyArray<[number, E]>, isBase: boolean): { x: unknown[]; t: Record<string, unknown[]>; p?: number[] } {
    const { codec } = this.layout;
    const context = codec.freshContext(entries.map(([, e]) => e));
    const t: Record<string, unknown[]> = {};
    for (const [id, entry] of entries) t[String(this.offsetOf(id))] = codec.encode(entry, context);
    const value: { x: unknown[]; t: Record<string, unknown[]>; p?: number[] } = { x: codec.contextValue(context), t };
    if (isBase && range.starts.length > 0) value.p = range.starts;
    return value;
  }

  /** Only the base key's piece list changed (an older piece split). */
  private async writeStarts(range: Range<E, C>): Promise<void> {
    this.stats.writes += 1;
    await this.db.update(this.layout.keyOf(range.index), 'set', { p: range.starts });
    const base = range.pieces.get(range.starts[range.starts.length - 1] ?? 0);
    if (base && base.bytes > 0) base.bytes += this.startsBytes(range.starts) - this.startsBytes(range.storedStarts);
    range.storedStarts = [...range.starts];
  }

  private async writeWhole(range: Range<E, C>, group: Planned<E>): Promise<Piece<E, C>> {
    const key = this.pieceKey(range.index, group.start, range.starts);
    const isBase = key === this.layout.keyOf(range.index);
    const value = this.wholeValue(range, group.entries, isBase);
    this.stats.writes += 1;
    await this.db.set(key, value);
    if (isBase) range.storedStarts = [...range.starts];
    const context = this.layout.codec.readContext(value.x);
    const piece: Piece<E, C> = { start: group.start, entries: new Map(group.entries), stored: new Map(), dirty: new Set(), context, bytes: key.length + JSON.stringify(value).length, strays: false, changed: false };
    for (const [id] of group.entries) piece.stored.set(id, JSON.stringify(value.t[String(this.offsetOf(id))]));
    return piece;
  }

  /** A piece written at the key it was read from: an update of what changed when the plan allows, whole otherwise. */
  private async writeAtOwnKey(range: Range<E, C>, plan: Plan<E, C>, group: Planned<E>): Promise<Piece<E, C>> {
    const { update, origin: piece } = plan;
    if (!update) return this.writeWhole(range, group);
    if (Object.keys(update.attributes).length > 0) {
      this.stats.writes += 1;
      await this.db.update(this.pieceKey(range.index, group.start, range.starts), 'set', update.attributes);
    }
    if (update.attributes.p !== undefined) range.storedStarts = [...range.starts];
    for (const [id, json] of update.json) piece.stored.set(id, json);
    piece.bytes = update.bytes;
    piece.dirty.clear();
    piece.changed = false;
    return piece;
  }
}
