import { bareHost, freshdeskHostFrom } from '../../src/remote/freshdesk-host';
import { withContext } from '../../src/remote/with-freshdesk-host';
import type { InvokeOptions } from '../../src/platform/types';

describe('freshdeskHostFrom', () => {
  it.each([
    ['a currentHost URL with https://', { endpoint_urls: { freshdesk: 'https://acme.freshdesk.com' } }, undefined, 'acme.freshdesk.com'],
    ['a currentHost URL with a trailing slash', { endpoint_urls: { freshdesk: 'https://acme.freshdesk.com/' } }, undefined, 'acme.freshdesk.com'],
    ['a currentHost value without a scheme', { endpoint_urls: { freshdesk: 'acme.freshdesk.com' } }, undefined, 'acme.freshdesk.com'],
    ['a currentHost without scheme but with a slash, upper-case', { endpoint_urls: { freshdesk: 'Acme.Freshdesk.com/' } }, undefined, 'acme.freshdesk.com'],
    ['a currentHost URL with a path', { endpoint_urls: { freshdesk: 'https://acme.freshdesk.com/a/tickets?x=1' } }, undefined, 'acme.freshdesk.com'],
    ['domain, a bare name, when currentHost is missing', undefined, 'acme.freshdesk.com', 'acme.freshdesk.com'],
    ['domain with https:// when currentHost has no Freshdesk URL', { endpoint_urls: {} }, 'https://acme.freshdesk.com', 'acme.freshdesk.com'],
    ['currentHost before domain', { endpoint_urls: { freshdesk: 'https://support.acme.com' } }, 'acme.freshdesk.com', 'support.acme.com'],
  ])('derives the bare host from %s', (_what, currentHost, domain, host) => {
    expect(freshdeskHostFrom(currentHost, domain)).toBe(host);
  });

  it.each([
    ['nothing at all', undefined, undefined],
    ['an empty URL and an empty domain', { endpoint_urls: { freshdesk: '' } }, '  '],
    ['a scheme alone', { endpoint_urls: { freshdesk: 'https://' } }, 42],
  ])('gives no host for %s', (_what, currentHost, domain) => {
    expect(freshdeskHostFrom(currentHost, domain)).toBeUndefined();
  });

  it('never keeps a trailing dot, a fragment or surrounding spaces', () => {
    expect(bareHost('  https://acme.freshdesk.com.#top ')).toBe('acme.freshdesk.com');
  });
});

describe('withContext', () => {
  it('adds the fields to every template call and lets the caller\'s own context win', async () => {
    const calls: Array<{ name: string; options: InvokeOptions | undefined }> = [];
    const request = withContext({
      invokeTemplate: (name, options) => {
        calls.push({ name, options });
        return Promise.resolve({ status: 200, headers: {}, response: '' });
      },
    }, { freshdesk_host: 'acme.freshdesk.com' });
    await request.invokeTemplate('a');
    await request.invokeTemplate('b', { context: { page: 2, freshdesk_host: 'other.example.com' }, body: '{}' });
    expect(calls).toEqual([
      { name: 'a', options: { context: { freshdesk_host: 'acme.freshdesk.com' } } },
      { name: 'b', options: { context: { freshdesk_host: 'other.example.com', page: 2 }, body: '{}' } },
    ]);
  });
});
