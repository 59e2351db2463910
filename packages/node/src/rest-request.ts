/**
 * One REST request to the Realtime API from a server, as the client-secret mint and the call
 * control endpoints make it: bounded by a deadline on the injected clock and by the caller's
 * signal, `redirect: 'error'` (a credential is never forwarded to wherever a redirect points),
 * the body read within the same bounds, and every failure a typed error of the caller's class
 * whose message and fields never contain a credential.
 * @module
 */
import { type Clock, systemClock, type TimerId } from '@voxwire/protocol';
import { isRetriableHttpStatus, refusalRetryAfterMs } from './close-codes.js';
import { Redactor, secretsOf } from './errors.js';
import { describeFetchFailure, sanitizeFetchFailure } from './fetch-failure.js';

/** The codes a failed REST request is reported with (each caller's error class has them). */
export type RestErrorCode = 'HTTP_ERROR' | 'NETWORK_ERROR' | 'TIMEOUT';

/**
 * Whether a failed REST request may succeed if tried again later: a network error, a timeout, or
 * an HTTP status {@link isRetriableHttpStatus} says so of (the `retriable` of every REST error).
 */
export function isRetriableRestFailure(code: string, status: number | undefined): boolean {
  return (
    code === 'NETWORK_ERROR' ||
    code === 'TIMEOUT' ||
    (status !== undefined && isRetriableHttpStatus(status))
  );
}

/** What a failed REST request knows, for its error. */
export interface RestErrorDetails {
  /** The HTTP status, for `HTTP_ERROR`. */
  readonly status?: number;
  /** The server's `error.code`, redacted. */
  readonly serverCode?: string;
  /** The server's `error.type`, redacted. */
  readonly type?: string;
  /** The server's `retry-after-ms` (Azure's), else its `Retry-After`, ms. */
  readonly retryAfterMs?: number | undefined;
  /** The caller's abort reason, or a redacted copy of what `fetch` threw. */
  readonly cause?: unknown;
}

/** How a request is named in its errors' messages. */
export interface RestWording {
  /** The request as a subject: `Minting a client secret` (… failed with HTTP 401). */
  readonly doing: string;
  /** Its purpose: `to mint a client secret` (Could not reach api.openai.com …). */
  readonly toDo: string;
  /** The request as an object: `a client secret mint` (The answer of api.openai.com to …). */
  readonly request: string;
}

/** One request. */
export interface RestRequest<E extends Error> {
  /** The endpoint, already checked (scheme, insecure hosts). */
  readonly url: URL;
  /** The body: JSON text (sent with `Content-Type: application/json`) or a multipart form. */
  readonly body?: { readonly json: string } | { readonly form: FormData } | undefined;
  /**
   * The request's headers, looked up within the deadline (a key function that hangs times out
   * as the request does); their credential values are redacted from every error.
   */
  readonly headers: () => Promise<Readonly<Record<string, string>>>;
  /** Further values to redact (a gateway key in the URL's query). */
  readonly secrets?: readonly string[] | undefined;
  /** The deadline, ms, from the headers' lookup to the answer's last byte; `Infinity` for none. */
  readonly timeoutMs: number;
  /** The clock `timeoutMs` is counted on. @default systemClock */
  readonly clock?: Clock | undefined;
  /** The caller's signal: aborts the request, failing it at once with `NETWORK_ERROR`. */
  readonly signal?: AbortSignal | undefined;
  /** `fetch` to use. @default globalThis.fetch */
  readonly fetch?: typeof fetch | undefined;
  /** How the request is named in messages. */
  readonly wording: RestWording;
  /** Makes the caller's error (`ClientSecretError`, `CallControlError`). */
  readonly error: (code: RestErrorCode, message: string, details: RestErrorDetails) => E;
}

/** A 2xx answer, read to its end. */
export interface RestAnswer {
  /** The status (2xx). */
  readonly status: number;
  /** The answer's headers. */
  readonly headers: Headers;
  /** The body as text (`''` when empty). */
  readonly text: string;
}

/**
 * Sends `request` and reads its answer, both within `timeoutMs` and the caller's signal.
 * @throws E `TIMEOUT` past the deadline; `NETWORK_ERROR` for an unreachable host, a 2xx cut off
 *   mid-body, or the caller's abort (its reason as `cause`); `HTTP_ERROR` for a non-2xx answer
 *   (`status`, `serverCode`, `type`, `retryAfterMs`); whatever `headers()` throws.
 */
export function restRequest<E extends Error>(request: RestRequest<E>): Promise<RestAnswer> {
  return withDeadline(request, (signal) => exchange(request, signal));
}

/**
 * Runs `work` with a signal aborted by the caller's `signal` or, past `timeoutMs` on the clock,
 * by the deadline. Either rejects at once, whatever `work` is doing: the caller's abort with
 * `NETWORK_ERROR` (its reason as `cause`), the deadline with `TIMEOUT`. So an abort while the
 * body is read is not taken for a bad answer (`HTTP_ERROR`, or the caller's check of an empty
 * 2xx body), and a fetch or body that ignores its signal (a custom one) cannot keep the caller
 * waiting either.
 */
async function withDeadline<E extends Error, T>(
  request: RestRequest<E>,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { url, timeoutMs, wording } = request;
  const clock = request.clock ?? systemClock;
  const controller = new AbortController();
  const caller = request.signal;
  let timer: TimerId | undefined;
  let stop!: (error: E, timedOut: boolean) => void;
  const stopped = new Promise<never>((_resolve, reject) => {
    stop = (error, timedOut) => {
      controller.abort(timedOut ? error : caller?.reason);
      reject(error);
    };
  });
  const forward = () =>
    stop(
      request.error(
        'NETWORK_ERROR',
        `${wording.doing} at ${url.host} was aborted by the caller's signal: ${describeReason(caller?.reason)}`,
        { cause: caller?.reason },
      ),
      false,
    );
  if (caller?.aborted) forward();
  else caller?.addEventListener('abort', forward, { once: true });
  if (timeoutMs !== Infinity)
    timer = clock.setTimeout(
      () =>
        stop(
          request.error(
            'TIMEOUT',
            `${wording.doing} at ${url.host} did not complete within ${timeoutMs} ms.`,
            {},
          ),
          true,
        ),
      timeoutMs,
    );
  try {
    return await Promise.race([work(controller.signal), stopped]);
  } finally {
    clock.clearTimeout(timer);
    caller?.removeEventListener('abort', forward);
  }
}

// an abort reason in a message: an Error's message, or the value (`abort()` gives an AbortError)
function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message || reason.name;
  try {
    return String(reason);
  } catch {
    return Object.prototype.toString.call(reason);
  }
}

/** The request itself, within the deadline. */
async function exchange<E extends Error>(
  request: RestRequest<E>,
  signal: AbortSignal,
): Promise<RestAnswer> {
  const { url, wording, body } = request;
  const doFetch = request.fetch ?? globalThis.fetch;
  const headers = await request.headers();
  const redactor = new Redactor().add(...secretsOf(headers), ...(request.secrets ?? []));
  const networkError = (what: string, error: unknown): E => {
    // what a failed fetch or body read threw, as a copy, redacted: the error itself may quote
    // the request and its key
    const cause = error instanceof Error ? sanitizeFetchFailure(error, redactor) : undefined;
    return request.error(
      'NETWORK_ERROR',
      `${what}: ${cause === undefined ? 'unknown error' : describeFetchFailure(cause)}`,
      cause === undefined ? {} : { cause },
    );
  };

  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers:
        body !== undefined && 'json' in body
          ? { ...headers, 'Content-Type': 'application/json' }
          : { ...headers },
      ...(body === undefined ? {} : { body: 'json' in body ? body.json : body.form }),
      // never forward the credential to wherever a redirect points: the redirect comes back
      // as it is ('error' would make it a network failure, which reads as worth retrying)
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    throw networkError(`Could not reach ${url.host} ${wording.toDo}`, error);
  }
  if (isRedirect(response)) throw redirected(request, response);

  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // a refusal's body is only its wording: the status says enough without it
    if (!response.ok) text = '';
    // a 2xx cut off (a reset mid-body) is a network failure, worth trying again: not an answer
    // that lacks what it should carry
    else throw networkError(`The answer of ${url.host} to ${wording.request} was cut off`, error);
  }
  if (!response.ok) throw refusal(request, response, text, redactor);
  return { status: response.status, headers: response.headers, text };
}

// a 3xx, or (a fetch that hides it, as browsers do) an opaque redirect of status 0
function isRedirect(response: Response): boolean {
  return (response.status >= 300 && response.status < 400) || response.type === 'opaqueredirect';
}

/**
 * The `HTTP_ERROR` of a redirect, refused: not retriable (the same request is redirected
 * again), and named as what it is, with where it pointed (its host: a path or query may carry
 * what the server put there).
 */
function redirected<E extends Error>(request: RestRequest<E>, response: Response): E {
  const location = response.headers.get('location');
  let to = '';
  try {
    if (location) to = ` to ${new URL(location, request.url).host}`;
  } catch {
    to = '';
  }
  return request.error(
    'HTTP_ERROR',
    `${request.wording.doing} at ${request.url.host} was redirected${to} (HTTP ${response.status}): refused, a credential is never sent to where a redirect points. Use the final URL.`,
    { status: response.status },
  );
}

/** The `HTTP_ERROR` of a non-2xx answer, with the server's words redacted. */
function refusal<E extends Error>(
  request: RestRequest<E>,
  response: Response,
  text: string,
  redactor: Redactor,
): E {
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  const error = (
    json as { error?: { message?: unknown; code?: unknown; type?: unknown } } | undefined
  )?.error;
  // redacted before the cut: a key across it would keep its first characters otherwise
  const said =
    typeof error?.message === 'string' ? error.message : redactor.redact(text).slice(0, 300);
  // Azure's `retry-after-ms` first, as on the WebSocket upgrade
  const retryAfterMs = refusalRetryAfterMs((name) => response.headers.get(name));
  return request.error(
    'HTTP_ERROR',
    redactor.redact(`${request.wording.doing} failed with HTTP ${response.status}: ${said}`),
    {
      status: response.status,
      retryAfterMs,
      // the server's words too: a gateway's code or type may quote the request it refused
      ...(typeof error?.code === 'string' ? { serverCode: redactor.redact(error.code) } : {}),
      ...(typeof error?.type === 'string' ? { type: redactor.redact(error.type) } : {}),
    },
  );
}
