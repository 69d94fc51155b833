import { pickLocale, type Locale } from '../i18n/translate';
import type { TemplateInvoker } from './key-checks';
import { freshdeskHostFrom } from '../remote/freshdesk-host';

/**
 * The part of the FDK front-end client the two pages use (api/request-method-docs.md,
 * api/server-method-invocation-docs.md, runtime/installation-parameters-docs.md).
 */
export interface FdkClient {
  request: TemplateInvoker & {
    /** SMI: resolves `{response}` with what the function passed to renderData; rejects `{status, message}`. */
    invoke(name: string, data: Record<string, unknown>): Promise<unknown>;
  };
  iparams: { get(key?: string): Promise<Record<string, unknown>> };
  data: { get(name: string): Promise<Record<string, unknown>> };
}

export interface FdkApp {
  initialized(): Promise<FdkClient>;
}

/** An SMI failure as the page can show it: the platform's or the function's status and message. */
export class FunctionCallError extends Error {
  constructor(
    readonly functionName: string,
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'FunctionCallError';
  }
}

/** Calls an SMI function and returns what it rendered. */
export async function callFunction(client: FdkClient, name: string, data: Record<string, unknown> = {}): Promise<unknown> {
  let answer: unknown;
  try {
    answer = await client.request.invoke(name, data);
  } catch (error) {
    throw functionCallError(name, error);
  }
  return typeof answer === 'object' && answer !== null ? (answer as { response?: unknown }).response : undefined;
}

/** The platform rejects a failed call with `{status, message}` (what renderData's error said). */
function functionCallError(name: string, error: unknown): FunctionCallError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { status?: unknown; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  return new FunctionCallError(name, status, status === undefined ? message : `${message}, HTTP ${status}`);
}

/**
 * The admin's Freshdesk language. [assumption] `loggedInUser` carries it as `language` or as
 * `contact.language`; both are read. The data method is not available everywhere (the custom
 * settings page may refuse it, errors/custom-iparams-errors.md), so a failure falls back.
 */
export async function readUserLocale(client: FdkClient, fallbackLanguage: string | undefined): Promise<Locale> {
  try {
    const data = await client.data.get('loggedInUser');
    const user = (data.loggedInUser ?? {}) as { language?: unknown; contact?: { language?: unknown } };
    const language = user.language ?? user.contact?.language;
    if (typeof language === 'string' && language !== '') return pickLocale(language);
  } catch {
    // fall through to the browser's language
  }
  return pickLocale(fallbackLanguage);
}

/**
 * The account's bare Freshdesk host from `client.data.get('currentHost')`
 * (architecture/current_host.md: `endpoint_urls.freshdesk`, an https:// URL); '' when the page
 * cannot tell, so the key check fails visibly instead of calling a guessed host.
 */
export async function readFreshdeskHost(client: FdkClient): Promise<string> {
  try {
    const data = await client.data.get('currentHost');
    return freshdeskHostFrom(data.currentHost, undefined) ?? '';
  } catch {
    return '';
  }
}
