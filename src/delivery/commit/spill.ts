/**
 * The state record within its byte budget at any account size (issue 19 item 3; SPEC §9). The
 * KV store refuses a key + value over 40 KB, and a state record that grew past it was refused on
 * every write from then on (56 KB was seen at 120 groups). Two maps grow with the account — queue
 * name pins (one per queue ever delivered, rule 4) and the group directory (one name per group) —
 * so they stay inside the record while it fits and *spill* to their own keys beyond: the record
 * keeps, per spilled map, how many shards it has and a digest of what was written, so a writer
 * rewrites the shards only when the map changed, and the status page (which needs neither map)
 * still reads one key. Everything else in the record is bounded by its own rule (budgets.ts).
 *
 * What a write costs is bounded by what changed, not by the account: a writer reads each shard
 * once and rewrites only the shards whose part changed (at the largest profile a run read the 8
 * pin shards up to three times and rewrote all 8 for any new pin: 17–33 of the minute's 50 KV
 * operations). A writer that names no queue (walk marks, status views) reads neither map and
 * writes back their stored reference.
 *
 * Spilled shards are written BEFORE the state record that refers to them (the commit protocol's
 * step 2): a refused commit leaves shards that hold a little more than the stored record knows
 * (pins and names only ever grow or get fresher), never less.
 */
import { log } from '../../platform/log';
import { isNotFound } from '../../platform/refusals';
import type { KeyValueStore } from '../../platform/types';
import { spillKey, STATE_KEY } from '../../storage/keys';
import type { AppState, SpilledMap } from '../stored/stored-data';
import { storedForm as writtenForm } from './stored-form';

/** What the state record may take, key included, with a margin under the 40 KB limit for the platform's own counting. */
export const STATE_BUDGET_BYTES = 38 * 1024;
/** A spill shard's budget (key + value). */
export const SPILL_SHARD_BYTES = 30 * 1024;
/** Bytes a map may take inside the record before it spills, whatever else the record holds. */
export const INLINE_MAP_BYTES = 8 * 1024;

export type SpillableSection = 'pins' | 'groups';

/**
 * What each shard holds on disk, as far as the writer of one working state knows: a shard read
 * or written once is not read again, and is rewritten only when its part changed. At the largest
 * profile (3,500 queues, 8 shards of 30 KB) a run read the pins at its open, again to adopt a void
 * run's pins and again before writing, then rewrote every shard: 17–33 of the 50 KV operations a
 * minute. Under the lease nobody else writes the shards while this writer holds the state, so
 * what it read stays true but for its own writes, which update it. Keyed by the working state
 * (born in one invocation): the platform's `$db` may outlive an invocation on a warm runtime, and
 * another invocation's writes would make a cache on it stale. `null`: known to be missing.
 */
const writers = new WeakMap<AppState, { known: Map<string, Record<string, string> | null>; loaded: Set<SpillableSection> }>();

/** What this writer knows of the shards, and which maps it loaded (see loadSpilled). */
function writerOf(state: AppState): { known: Map<string, Record<string, string> | null>; loaded: Set<SpillableSection> } {
  const writer = writers.get(state) ?? { known: new Map<string, Record<string, string> | null>(), loaded: new Set<SpillableSection>() };
  writers.set(state, writer);
  return writer;
}

function knownShards(state: AppState): Map<string, Record<string, string> | null> {
  return writerOf(state).known;
}

/** Bytes of the record as written (chunk lists in their compact form). */
export function stateBytes(state: AppState): number {
  return STATE_KEY.length + JSON.stringify(writtenForm(state)).length;
}

/** The map a section holds in the working state (groups live inside the cached directory). */
function mapOf(state: AppState, section: SpillableSection): Record<string, string> | undefined {
  return section === 'pins' ? state.pins : state.directory?.groups;
}

function setMap(state: AppState, section: SpillableSection, map: Record<string, string>): void {
  if (section === 'pins') state.pins = map;
  else if (state.directory) state.directory.groups = map;
}

/** The record as it will be stored: spilled maps left out, their shards' keys and digests in `spilled`. */
export function storedForm(state: AppState, spilled: Partial<Record<SpillableSection, SpilledMap>>): AppState {
  const stored: AppState = { ...state, spilled };
  if (spilled.pins) delete stored.pins;
  if (spilled.groups && state.directory) stored.directory = { ...state.directory, groups: {} };
  if (Object.keys(spilled).length === 0) delete stored.spilled;
  return stored;
}

/**
 * Decides which maps spill, writes their shards when they changed, and returns the record to
 * store. A map spills when it is big on its own (INLINE_MAP_BYTES) or when the record would not
 * fit otherwise; a spilled map stays spilled (moving it back would save nothing).
 */
export async function spillToFit(db: KeyValueStore, state: AppState): Promise<AppState> {
  const spilled: Partial<Record<SpillableSection, SpilledMap>> = { ...(state.spilled ?? {}) };
  for (const section of SPILLABLE) {
    await loadIfGiven(db, state, section);
    const map = mapOf(state, section) ?? {};
    if (!mustSpill(state, spilled, section, map)) continue;
    if (section === 'pins') await adoptPinsOnDisk(db, state, spilled.pins);
    spilled[section] = await writeShards(db, section, mapOf(state, section) ?? {}, spilled[section], knownShards(state));
  }
  return storedForm(state, spilled);
}

/**
 * A spilled map this writer did not load but has entries for (a hand-off's pins): loaded first,
 * or the shards would be rewritten from a part of it.
 */
async function loadIfGiven(db: KeyValueStore, state: AppState, section: SpillableSection): Promise<void> {
  if (state.spilled?.[section] === undefined || writerOf(state).loaded.has(section)) return;
  if (Object.keys(mapOf(state, section) ?? {}).length > 0) await loadSpilled(db, state, [section]);
}

function mustSpill(state: AppState, spilled: Partial<Record<SpillableSection, SpilledMap>>, section: SpillableSection, map: Record<string, string>): boolean {
  if (Object.keys(map).length === 0) return false;
  return spilled[section] !== undefined || JSON.stringify(map).length > INLINE_MAP_BYTES || stateBytes(storedForm(state, spilled)) > STATE_BUDGET_BYTES;
}

/**
 * Writes a map's shards when its digest changed, each only when its part differs from what the
 * shard is known to hold; the shard count grows (a power of two) with the bytes.
 */
async function writeShards(db: KeyValueStore, section: SpillableSection, map: Record<string, string>, before: SpilledMap | undefined, known: Map<string, Record<string, string> | null>): Promise<SpilledMap> {
  const digest = digestOf(map);
  if (before?.h === digest) return before;
  const was = before?.n ?? 0;
  const shards = shardsFor(section, map, Math.max(1, was));
  if (shards > was) log('info', 'STATE_SPILLED', `the ${section} kept beside the state record now take ${shards} keys (${Object.keys(map).length} entries)`);
  await writeChanged(db, section, split(map, shards), known);
  return { n: shards, h: digest };
}

/** Writes each part whose shard is not known to hold it already. */
async function writeChanged(db: KeyValueStore, section: SpillableSection, parts: readonly Record<string, string>[], known: Map<string, Record<string, string> | null>): Promise<void> {
  for (const [index, part] of parts.entries()) {
    const key = spillKey(section, index);
    const onDisk = known.get(key);
    if (onDisk && sameMap(onDisk, part)) continue;
    // Unknown until the store answers: a write that failed may or may not have landed.
    known.delete(key);
    await db.set(key, { m: part });
    known.set(key, part);
  }
}

/** The fewest shards (a power of two, never fewer than before) that each fit their budget. */
function shardsFor(section: SpillableSection, map: Record<string, string>, atLeast: number): number {
  let shards = atLeast;
  while (!fitsShards(section, map, shards)) shards *= 2;
  return shards;
}

function fitsShards(section: SpillableSection, map: Record<string, string>, shards: number): boolean {
  return split(map, shards).every((part, index) => spillKey(section, index).length + JSON.stringify({ m: part }).length <= SPILL_SHARD_BYTES);
}

function split(map: Record<string, string>, shards: number): Record<string, string>[] {
  const parts = Array.from({ length: shards }, (): Record<string, string> => ({}));
  for (const [key, value] of Object.entries(map)) (parts[hashOf(key) % shards] as Record<string, string>)[key] = value;
  return parts;
}

/**
 * Writes the pins to their shards now, before a post (the commit protocol's step 2), so that a
 * commit refused after the post can refer to them instead of carrying them (commit.ts
 * keepNewPins). Throws when the store refuses: then nothing is posted.
 */
export async function spillPinsNow(db: KeyValueStore, state: AppState): Promise<void> {
  await adoptPinsOnDisk(db, state, state.spilled?.pins);
  const pins = await writeShards(db, 'pins', state.pins ?? {}, state.spilled?.pins, knownShards(state));
  state.spilled = { ...(state.spilled ?? {}), pins };
}

/**
 * Before pin shards are rewritten: pins on disk that this writer's state does not know are
 * taken in. A run writes its new pins to the shards before it posts (spillPinsNow); when it then
 * dies uncommitted, its contacts may be in injixo under those names, yet the next writer's state
 * never heard of them — rewriting the shards from its own map erased them, and a queue renamed
 * afterwards reached injixo under a second name (large seed 39). Pins only ever grow, and shards
 * are numbered densely (their count only doubles), so they are read up to the first missing one;
 * this writer's own pins win a conflict. Costs a read per shard this writer has not read yet
 * (the one past the last, mostly), and only when the pins changed.
 */
async function adoptPinsOnDisk(db: KeyValueStore, state: AppState, before: SpilledMap | undefined): Promise<void> {
  if (before?.h === digestOf(state.pins ?? {})) return;
  await adoptPinShards(db, state);
}

/**
 * Takes in every pin the shards hold that the working state lacks. A delivery run calls it when
 * it found a void run's claims, BEFORE it names its contacts: that run may have posted under pins
 * it wrote to the shards and never committed, and a queue renamed since must keep the name it
 * posted (large seed 205: the next run named the queue anew, and its pin won). The state's own
 * pins are kept on a conflict (they are committed, hence older).
 */
export async function adoptPinShards(db: KeyValueStore, state: AppState): Promise<void> {
  const mine = state.pins ?? {};
  const onDisk: Record<string, string> = {};
  const known = knownShards(state);
  for (let index = 0; ; index += 1) {
    const shard = await readShard(db, spillKey('pins', index), known);
    if (shard === undefined) break;
    Object.assign(onDisk, shard);
  }
  state.pins = { ...onDisk, ...mine };
}

export const SPILLABLE: readonly SpillableSection[] = ['pins', 'groups'];

/**
 * Loads spilled maps into the working state (delivery needs both; a writer of marks or views
 * neither, saving 8 pin shard reads a write at the largest profile; the status page reads the
 * record alone). A map not loaded is written back as its stored reference (spillToFit).
 */
export async function loadSpilled(db: KeyValueStore, state: AppState, sections: readonly SpillableSection[] = SPILLABLE): Promise<void> {
  const { loaded } = writerOf(state);
  for (const section of sections) {
    loaded.add(section);
    const spilled = state.spilled?.[section];
    if (spilled) await loadMap(db, state, section, spilled);
  }
}

/** One spilled map into the working state; what the state holds already (a hand-off's pins, fresher names) is kept over the shards'. */
async function loadMap(db: KeyValueStore, state: AppState, section: SpillableSection, spilled: SpilledMap): Promise<void> {
  const map: Record<string, string> = {};
  const known = knownShards(state);
  for (let index = 0; index < spilled.n; index += 1) Object.assign(map, (await readShard(db, spillKey(section, index), known)) ?? {});
  setMap(state, section, { ...map, ...(mapOf(state, section) ?? {}) });
}

/**
 * A shard's map; undefined when it was never written (a refused first spill: the next write
 * fills it). Read from the store once per working state (`known`).
 */
async function readShard(db: KeyValueStore, key: string, known: Map<string, Record<string, string> | null>): Promise<Record<string, string> | undefined> {
  const seen = known.get(key);
  if (seen !== undefined) return seen ?? undefined;
  try {
    const value = await db.get(key);
    const m = value.m;
    const map = typeof m !== 'object' || m === null ? {} : Object.fromEntries(Object.entries(m as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    known.set(key, map);
    return map;
  } catch (error) {
    if (!isNotFound(error)) throw error;
    known.set(key, null);
    return undefined;
  }
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

/** FNV-1a: spreads keys over shards, and digests a map's content to tell whether it changed. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

function digestOf(map: Record<string, string>): string {
  const entries = Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${entries.length}.${hashOf(JSON.stringify(entries)).toString(36)}`;
}
