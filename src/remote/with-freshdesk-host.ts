import { log } from '../platform/log';
import type { Handler, HandlerArgs, InvokeOptions, KeyValueStore, Platform, RequestClient } from '../platform/types';
import { FRESHDESK_HOST_KEY } from '../storage/keys';
import { FRESHDESK_HOST_CONTEXT, freshdeskHostFrom } from './freshdesk-host';

/*
 * FRESHDESK_HOST_KEY is where the install and settings events leave the account's bare
 * Freshdesk host, for the SMI functions: the platform hands an SMI function only the page's
 * payload and iparams (api/server-method-invocation-docs.md), and a host taken from the page
 * could send the admin's Freshdesk key anywhere, so functions use the host the platform itself
 * gave the set-up events.
 */

/** The set-up events whose host is remembered for the SMI functions. */
const REMEMBERING_EVENTS = new Set(['onAppInstall', 'afterAppUpdate']);

/**
 * A request client that adds the fields `extra()` resolves to every template's `context` (the
 * caller's own fields win), so values every template needs — the Freshdesk host — go in at one
 * place and no client function has to carry them. `extra` runs at most once, on the first call.
 */
export function withContext(request: RequestClient, extra: Record<string, string> | (() => Promise<Record<string, string>>)): RequestClient {
  let fields: Promise<Record<string, string>> | undefined;
  const resolve = (): Promise<Record<string, string>> => (fields ??= typeof extra === 'function' ? extra() : Promise.resolve(extra));
  return {
    invokeTemplate: async (name: string, options: InvokeOptions = {}) =>
      request.invokeTemplate(name, { ...options, context: { ...(await resolve()), ...options.context } }),
  };
}

async function rememberedHost(db: KeyValueStore): Promise<Record<string, string>> {
  try {
    const stored = await db.get(FRESHDESK_HOST_KEY);
    return typeof stored.host === 'string' ? { [FRESHDESK_HOST_CONTEXT]: stored.host } : {};
  } catch {
    log('warn', 'FRESHDESK_HOST_UNKNOWN', 'no Freshdesk host is known yet (saved on install and settings update); Freshdesk cannot be read');
    return {};
  }
}

async function rememberHost(args: HandlerArgs, platform: Platform, host: string): Promise<void> {
  if (typeof args.event !== 'string' || !REMEMBERING_EVENTS.has(args.event)) return;
  await platform.db.set(FRESHDESK_HOST_KEY, { host }).catch(() => {
    log('warn', 'FRESHDESK_HOST_UNSAVED', 'could not save the Freshdesk host for the status page functions; saved again on the next settings update');
  });
}

/**
 * Wraps each handler so its `platform.request` carries `context.freshdesk_host`, derived from
 * the invocation's own `currentHost` (or `domain`) — or, for SMI functions, which get neither,
 * the host the set-up events remembered (read only if a template is actually called).
 */
export function withFreshdeskHost(handlers: Record<string, Handler>): Record<string, Handler> {
  const wrapped: Record<string, Handler> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    wrapped[name] = async (args: HandlerArgs, platform: Platform) => {
      const host = freshdeskHostFrom(args.currentHost, args.domain);
      if (host !== undefined) await rememberHost(args, platform, host);
      const request = host !== undefined
        ? withContext(platform.request, { [FRESHDESK_HOST_CONTEXT]: host })
        : withContext(platform.request, () => rememberedHost(platform.db));
      return await handler(args, { ...platform, request });
    };
  }
  return wrapped;
}
