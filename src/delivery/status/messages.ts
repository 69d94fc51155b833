import { en } from '../../i18n/en';
import type { FailureCode } from '../../remote/errors';

/**
 * What a person should do about each failure (SPEC §7). The texts live in the shared
 * catalogue (src/i18n, English and French) so the logs and the status page say the same thing;
 * logs are in English, the status page in the admin's language.
 */
export const GUIDANCE: Record<FailureCode, string> = {
  INJIXO_KEY_REJECTED: en['guidance.INJIXO_KEY_REJECTED'],
  INJIXO_BAD_REQUEST: en['guidance.INJIXO_BAD_REQUEST'],
  INJIXO_NOT_FOUND: en['guidance.INJIXO_NOT_FOUND'],
  INJIXO_UNAVAILABLE: en['guidance.INJIXO_UNAVAILABLE'],
  FRESHDESK_KEY_REJECTED: en['guidance.FRESHDESK_KEY_REJECTED'],
  FRESHDESK_NOT_ADMIN: en['guidance.FRESHDESK_NOT_ADMIN'],
  FRESHDESK_RATE_LIMITED: en['guidance.FRESHDESK_RATE_LIMITED'],
  FRESHDESK_UNAVAILABLE: en['guidance.FRESHDESK_UNAVAILABLE'],
  PLATFORM_LIMIT: en['guidance.PLATFORM_LIMIT'],
  UNACCEPTED_ANSWER: en['guidance.UNACCEPTED_ANSWER'],
  INVALID_PAYLOAD: en['guidance.INVALID_PAYLOAD'],
};
