import type { FailureCode } from '../remote/errors';

/**
 * What a person should do about each failure (SPEC §7). The status page shows these next to
 * the last failure and the logs repeat them, so the fix is never more than one read away.
 */
export const GUIDANCE: Record<FailureCode, string> = {
  INJIXO_KEY_REJECTED:
    'injixo rejected the API key. It may have been regenerated in injixo. Generate a new key in injixo (Account > Integrations > Freshdesk) and paste it on this app\'s settings page. Contacts are kept and will be sent once the key works.',
  INJIXO_BAD_REQUEST:
    'injixo refused some contacts as invalid. They are set aside (see "Set aside" on the status page) and not retried; please report the reason shown to support.',
  INJIXO_NOT_FOUND:
    'The injixo API address answered "not found". Contacts are kept. Please contact support: the app may need an update.',
  INJIXO_UNAVAILABLE: 'injixo is not answering right now. Contacts are kept and sent again automatically; nothing to do unless this lasts for hours.',
  FRESHDESK_KEY_REJECTED:
    'Freshdesk rejected the admin API key. Open this app\'s settings and paste the API key of a Freshdesk Account Administrator (Profile settings > View API key). Contacts are kept.',
  FRESHDESK_NOT_ADMIN:
    'The Freshdesk API key belongs to an agent without admin rights, so the Groups API (GET /api/v2/groups) is refused. Paste the key of an Account Administrator on this app\'s settings page. Contacts are kept.',
  FRESHDESK_RATE_LIMITED: 'Freshdesk\'s API rate limit for the account was reached (it is shared with other apps). The app waits and continues by itself.',
  FRESHDESK_UNAVAILABLE: 'Freshdesk\'s API did not answer as expected. The app retries by itself; contacts are kept.',
  PLATFORM_LIMIT: 'The app reached the Freshworks per-minute limit for this installation and is batching; contacts are kept and sent shortly.',
  INVALID_PAYLOAD: 'Freshdesk sent an event the app could not read. It was counted and logged with its ids; please report it to support.',
};
