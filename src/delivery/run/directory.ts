import type { Directory } from '../../core/types';
import type { RequestClient } from '../../platform/types';
import { listGroups, readSourceChoices } from '../../remote/freshdesk-client';
import type { AppError } from '../../remote/errors';
import type { CachedDirectory } from '../stored/stored-data';

/**
 * Group names and source labels change rarely; reading them costs Freshdesk requests that
 * count against the account's rate limit (shared with every other integration) and our 50
 * requests a minute. So they are cached in the state record and re-read:
 *  - groups after GROUPS_TTL_MS, or sooner when a ticket names a group we do not know
 *    (a new group), but not more often than GROUPS_MIN_REFRESH_MS;
 *  - source labels after SOURCES_TTL_MS.
 */
export const GROUPS_TTL_MS = 60 * 60_000;
export const GROUPS_MIN_REFRESH_MS = 10 * 60_000;
export const SOURCES_TTL_MS = 24 * 60 * 60_000;

export interface DirectoryResult {
  directory: CachedDirectory | undefined;
  /** A Freshdesk failure met while refreshing (the cached copy, if any, is still used). */
  failure?: AppError;
}

export function asCoreDirectory(cached: CachedDirectory): Directory {
  return cached.sourceChoices ? { groups: cached.groups, sourceChoices: cached.sourceChoices } : { groups: cached.groups };
}

export async function refreshDirectory(
  cached: CachedDirectory | undefined,
  request: RequestClient,
  nowMs: number,
  wantedGroupIds: readonly number[] = [],
): Promise<DirectoryResult> {
  const next: CachedDirectory = cached ? { ...cached } : { groups: {}, groupsAt: 0, sourcesAt: 0 };
  const groupsFailure = groupsDue(cached, next, nowMs, wantedGroupIds) ? await attempt(() => listGroups(request), (groups) => Object.assign(next, { groups, groupsAt: nowMs })) : undefined;
  const sourcesFailure = await refreshSources(next, request, nowMs);
  const failure = groupsFailure ?? sourcesFailure;
  // Without group names at all we cannot name queues: injixo would create queues named
  // "Group <id>" for every group, forever. The caller keeps the contacts instead.
  const directory = next.groupsAt === 0 ? undefined : next;
  return failure ? { directory, failure } : { directory };
}

/** Rule 7: without the account's labels the documented fallback table applies, so a failure here only delays them. */
function refreshSources(next: CachedDirectory, request: RequestClient, nowMs: number): Promise<AppError | undefined> {
  if (nowMs - next.sourcesAt < SOURCES_TTL_MS) return Promise.resolve(undefined);
  return attempt(() => readSourceChoices(request), (sourceChoices) => Object.assign(next, { sourceChoices, sourcesAt: nowMs }));
}

function groupsDue(cached: CachedDirectory | undefined, next: CachedDirectory, nowMs: number, wantedGroupIds: readonly number[]): boolean {
  if (!cached || nowMs - next.groupsAt >= GROUPS_TTL_MS) return true;
  const unknownWanted = wantedGroupIds.some((id) => next.groups[String(id)] === undefined);
  return unknownWanted && nowMs - next.groupsAt >= GROUPS_MIN_REFRESH_MS;
}

/** Reads a part of the directory and applies it; on failure the cached part stays and the reason is returned. */
async function attempt<T>(read: () => Promise<T>, apply: (value: T) => void): Promise<AppError | undefined> {
  try {
    apply(await read());
    return undefined;
  } catch (error) {
    return error as AppError;
  }
}
