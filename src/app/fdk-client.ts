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
 * The admin's Freshdesk language, else the browser's. [assumption] `loggedInUser` carries it as
 * `language` or as `contact.language`; both are read (the reworded platform docs list
 * `loggedInUser` among the data objects of every Freshdesk module but not its fields). The data
 * method is not available everywhere (the custom settings page may refuse it,
 * errors/custom-iparams-errors.md), so a failure falls back to the browser's languages
 * (`navigator.languages`, in the order the admin set them): the first one the page speaks.
 */
export async function readUserLocale(client: FdkClient, browserLanguages: readonly string[] | string | undefined): Promise<Locale> {
  try {
    const data = await client.data.get('loggedInUser');
    const user = (data.loggedInUser ?? {}) as { language?: unknown; contact?: { language?: unknown } };
    const language = user.language ?? user.contact?.language;
    if (typeof language === 'string' && language !== '') return pickLocale(language);
  } catch {
    // fall through to the browser's language
  }
  return pickBrowserLocale(browserLanguages);
}

/** The first of the browser's languages the page has ("de-DE, fr-FR, en" → fr); English when none. */
export function pickBrowserLocale(languages: readonly string[] | string | undefined): Locale {
  const list = typeof languages === 'string' ? [languages] : (languages ?? []);
  const spoken = list.find((l) => /^(fr|en)(?:[-_]|$)/i.test(l.trim()));
  return pickLocale(spoken);
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
