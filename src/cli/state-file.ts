/**
 * The --state journal. Written atomically (temp file, fsync, rename) so a crash leaves either
 * the old or the new state, never half of one. The protocol (see import.ts):
 *   1. after each walk step: the new cursor AND the contacts it produced (`pending`) are written
 *      before anything is posted, so a crash re-walks nothing it has not kept;
 *   2. before each POST: the body's contacts move from `pending` to `inFlight`;
 *   3. after the POST succeeded: `inFlight` is cleared.
 * A crash between 2 and 3 is the one ambiguous case: injixo may or may not have stored that
 * body, and its API cannot be asked (no contact ids, no read-back). The resumed run does NOT
 * send it again (nothing twice) and reports it as `ambiguous`, with its queues and intervals,
 * so at most one body (≤ 100 KB, a few hundred contacts) may be missing and is named.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OfferedContact } from '../core/types';
import type { ImportCursor } from '../import/cursor';

export interface RunIdentity {
  domain: string;
  from: string;
  to: string;
  replyScope: string;
  integrationId: number | null;
}

export interface AmbiguousBody {
  contacts: number;
  /** queue identifier → interval timestamps of the contacts, to look up at injixo. */
  queues: Record<string, string[]>;
}

export interface ImportState {
  version: 1;
  run: RunIdentity;
  cursor: ImportCursor;
  pending: OfferedContact[];
  inFlight: OfferedContact[] | null;
  sent: number;
  ambiguous: AmbiguousBody[];
  problems: number;
}

export function writeStateAtomically(file: string, state: ImportState): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(state));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}

/** undefined when the file does not exist (a first run); throws when it is not a state file. */
export function readState(file: string): ImportState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const state = JSON.parse(text) as Partial<ImportState>;
  if (state.version !== 1 || typeof state.cursor !== 'object' || !Array.isArray(state.pending) || typeof state.run !== 'object') {
    throw new Error(`${file} is not an import state file of this version`);
  }
  return state as ImportState;
}

export function describeAmbiguous(contacts: readonly OfferedContact[]): AmbiguousBody {
  const queues: Record<string, string[]> = {};
  for (const contact of contacts) (queues[contact.queueIdentifier] ??= []).push(contact.timestamp);
  return { contacts: contacts.length, queues };
}
