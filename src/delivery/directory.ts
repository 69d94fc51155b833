import type { Directory } from '../core/types';
import type { RequestClient } from '../platform/types';
import { listGroups, readSourceChoices } from '../remote/freshdesk-client';
import type { AppError } from '../remote/errors';
import type { CachedDirectory } from './state';

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
  const unknownWanted = wantedGroupIds.some((id) => next.groups[String(id)] === undefined);
  const groupsStale = nowMs - next.groupsAt >= GROUPS_TTL_MS;
  const mayRefreshEarly = nowMs - next.groupsAt >= GROUPS_MIN_REFRESH_MS;
  let failure: AppError | undefined;
  if (!cached || groupsStale || (unknownWanted && mayRefreshEarly)) {
    try {
      next.groups = await listGroups(request);
      next.groupsAt = nowMs;
    } catch (error) {
      failure = error as AppError;
    }
  }
  if (nowMs - next.sourcesAt >= SOURCES_TTL_MS) {
    try {
      next.sourceChoices = await readSourceChoices(request);
      next.sourcesAt = nowMs;
    } catch (error) {
      // Rule 7: without the account's labels the documented fallback table applies.
      failure ??= error as AppError;
    }
  }
  // Without group names at all we cannot name queues: injixo would create queues named
  // "Group <id>" for every group, forever. The caller keeps the contacts instead.
  if (next.groupsAt === 0) return failure ? { directory: undefined, failure } : { directory: undefined };
  return failure ? { directory: next, failure } : { directory: next };
}
