/**
 * The bare host of the account's Freshdesk, for request templates (SPEC §5): a template `host`
 * must be a bare FQDN, while the platform documents `currentHost.endpoint_urls.freshdesk` as the
 * account URL *with* `https://` (architecture/current_host.md), and handler args carry `domain`
 * with or without it. Nothing documents that the platform strips a scheme inside a template, so
 * the app derives the bare host itself, here, and passes it as `context.freshdesk_host`.
 */

/** The context field every Freshdesk template reads its host from (config/requests.json). */
export const FRESHDESK_HOST_CONTEXT = 'freshdesk_host';

/** `https://Acme.Freshdesk.com/` → `acme.freshdesk.com`; undefined when nothing is left. */
export function bareHost(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const host = value
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/[/?#].*$/, '')
    .replace(/\.+$/, '')
    .toLowerCase();
  return host === '' ? undefined : host;
}

/**
 * From the platform's own facts: `currentHost.endpoint_urls.freshdesk` first (the URL the
 * platform says the account has), else `domain`. Undefined when neither gives a host.
 */
export function freshdeskHostFrom(currentHost: unknown, domain: unknown): string | undefined {
  const urls = typeof currentHost === 'object' && currentHost !== null ? (currentHost as { endpoint_urls?: unknown }).endpoint_urls : undefined;
  const fromUrls = typeof urls === 'object' && urls !== null ? bareHost((urls as { freshdesk?: unknown }).freshdesk) : undefined;
  return fromUrls ?? bareHost(domain);
}
