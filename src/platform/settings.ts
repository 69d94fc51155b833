import type { Settings } from '../delivery/deliver';

/**
 * The non-secret settings the code reads from `args.iparams`. The two API keys are never read
 * here: they reach the remote only through the request templates' headers (SPEC §3, §5).
 */
export function readSettings(iparams: Record<string, unknown> | undefined): Settings {
  const scope = iparams?.reply_scope;
  const rawId = iparams?.injixo_integration_id;
  const id = typeof rawId === 'number' ? rawId : typeof rawId === 'string' && rawId.trim() !== '' ? Number(rawId) : undefined;
  return {
    replyScope: scope === 'all_public' ? 'all_public' : 'customer',
    integrationId: id !== undefined && Number.isInteger(id) && id > 0 ? id : undefined,
  };
}

/**
 * "Now" for a handler: the event's own timestamp (seconds in product events, milliseconds in
 * app events — see server/test_data), so logic is testable without a clock. Falls back to
 * the sandbox's Date when an event has none.
 */
export function eventTime(timestamp: unknown): number {
  if (typeof timestamp === 'number' && Number.isFinite(timestamp) && timestamp > 0) {
    return timestamp < 1e12 ? Math.round(timestamp * 1000) : Math.round(timestamp);
  }
  return Date.now();
}
