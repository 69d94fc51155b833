/**
 * Posts contacts to injixo from the CLI (SPEC §3): bodies under 100 KB built once with
 * `injixoBodyFrom` and checked with the strict schema right before they leave; 401/403 stop
 * the run (only a new key helps); 408/429/5xx and no answer are retried as injixo's retry
 * policy says (src/remote/retry-policy.ts: attempts, backoff, Retry-After); 400/413/422 stop
 * (the same body would be refused again).
 *
 * A failed post says whether injixo may hold the body (`InjixoPostFailed.storedNothing`): a
 * refusal (400, 401, 403, 404, 413, 422, 429) proves it stored nothing, so the resumed run sends
 * that body again; only an attempt without an answer (timeout, reset) or with a 5xx leaves it
 * ambiguous (issue 19 item 6: a 401 was taken as ambiguous and 435 contacts were never sent).
 */
import axios from 'axios';
import { AppError } from '../remote/errors';
import { parseRetryAfter } from '../remote/classify';
import { isTransient, mayRetry, RETRY_POLICIES, retryDelayMs } from '../remote/retry-policy';
import type { InjixoBatch } from '../remote/injixo-client';
import { validateInjixoBody } from '../schemas/injixo-body';

export const CONTACT_EVENTS_PATH = '/external-systems/contact-events';
export const INJIXO_TIMEOUT_MS = 30_000;
/** Attempts of one body before the run stops with exit 9 (injixo's retry policy). */
export const MAX_POST_ATTEMPTS = RETRY_POLICIES.injixo.attempts;

export interface PostOutcome {
  /** Attempts that ended without an answer (timeout): injixo may have stored those bodies. */
  timedOut: number;
  attempts: number;
}

export type Sleep = (ms: number) => Promise<void>;

/** Answers after which injixo has certainly stored nothing of the body. */
const REFUSED_UNSTORED = new Set([400, 401, 403, 404, 413, 422, 429]);

/** A post that failed; `storedNothing` when every attempt was refused with an answer that proves it. */
export class InjixoPostFailed extends AppError {
  constructor(
    error: AppError,
    readonly storedNothing: boolean,
  ) {
    super(error.code, error.message, { status: error.status, cause: error });
  }
}

/** What a person reads when no answer came: the address tried (never a key) and the network's reason. */
export function networkFailure(url: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return `no answer from ${url} (${typeof code === 'string' ? code : error instanceof Error ? error.message : 'no answer'})`;
}

export function createInjixoPoster(baseUrl: string, apiKey: string, sleep: Sleep) {
  const client = axios.create({
    baseURL: baseUrl.replace(/\/+$/, ''),
    timeout: INJIXO_TIMEOUT_MS,
    headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: (data: unknown) => data,
    maxRedirects: 0,
  });

  const url = `${baseUrl.replace(/\/+$/, '')}${CONTACT_EVENTS_PATH}`;

  async function send(body: string): Promise<{ status: number; retryAfter: number | undefined; text: string }> {
    try {
      const response = await client.post<string>(CONTACT_EVENTS_PATH, body);
      const retryAfter = response.headers['retry-after'] as unknown;
      return { status: response.status, retryAfter: parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : undefined), text: String(response.data ?? '') };
    } catch (error) {
      return { status: 0, retryAfter: undefined, text: networkFailure(url, error) };
    }
  }

  function rejected(status: number): AppError {
    return new AppError(
      'INJIXO_KEY_REJECTED',
      `injixo rejected the API key (HTTP ${status}). It may have been regenerated in injixo. Generate a new key in injixo (Account > Integrations > Freshdesk), set INJIXO_API_KEY and run again with the same --state file.`,
      { status },
    );
  }

  return {
    /** Proves the key without creating a queue (an empty list; see KEY_PROBE_BODY). */
    async checkKey(): Promise<void> {
      const answer = await send(JSON.stringify({ data: [] }));
      if (answer.status === 401 || answer.status === 403) throw rejected(answer.status);
      if (answer.status === 404) throw new AppError('INJIXO_NOT_FOUND', `injixo answered 404 at ${url}: the --injixo-url address is wrong`, { status: 404 });
      // Before any history is read: an address that never answers is said at once, with the address.
      if (answer.status === 0) throw new AppError('INJIXO_UNAVAILABLE', `injixo could not be reached: ${answer.text}`, { status: 0 });
    },

    /** Posts a batch built once by buildBatches: its body is checked, its serialization sent. */
    async post(batch: InjixoBatch): Promise<PostOutcome> {
      const contacts = batch.contacts;
      const checked = validateInjixoBody(batch.body);
      if (!checked.ok) throw new AppError('INVALID_PAYLOAD', `a contact failed the injixo body schema before sending: ${checked.error.message}`);
      const text = batch.json;
      let timedOut = 0;
      // Whether some attempt may have been stored: no answer, or a 5xx (not proof of nothing).
      let mayBeStored = false;
      const failed = (error: AppError, status: number): InjixoPostFailed => new InjixoPostFailed(error, !mayBeStored && REFUSED_UNSTORED.has(status));
      for (let attempt = 1; ; attempt += 1) {
        const answer = await send(text);
        if (answer.status >= 200 && answer.status < 300) return { timedOut, attempts: attempt };
        if (answer.status === 401 || answer.status === 403) throw failed(rejected(answer.status), answer.status);
        if (answer.status === 404) throw failed(new AppError('INJIXO_NOT_FOUND', `injixo answered 404 at ${url}: the --injixo-url address is wrong`, { status: 404 }), 404);
        if (!isTransient('injixo', answer.status)) {
          const error = new AppError('INJIXO_BAD_REQUEST', `injixo refused a body of ${contacts.length} contacts (HTTP ${answer.status}): ${answer.text.replace(/\s+/g, ' ').slice(0, 200)}`, { status: answer.status });
          throw failed(error, answer.status);
        }
        if (answer.status === 0) timedOut += 1;
        if (answer.status === 0 || answer.status >= 500) mayBeStored = true;
        if (!mayRetry('injixo', answer.status, attempt)) {
          const why = answer.status === 0 ? answer.text : `HTTP ${answer.status} from ${url}`;
          throw failed(new AppError('INJIXO_UNAVAILABLE', `injixo did not accept a body after ${attempt} attempts (${why})`, { status: answer.status }), answer.status);
        }
        await sleep(retryDelayMs('injixo', attempt, answer.retryAfter));
      }
    },
  };
}

export type InjixoPoster = ReturnType<typeof createInjixoPoster>;
