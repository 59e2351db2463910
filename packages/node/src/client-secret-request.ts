/**
 * The provider-independent half of minting an ephemeral client secret: the options' checks, the
 * POST bounded by a deadline and the caller's signal, the answer's parsing, and the typed errors
 * with every credential redacted. `createClientSecret` (OpenAI) and `@voxwire/azure`'s
 * `createAzureClientSecret` differ only in the URL and the credential headers they pass it.
 * @module
 */
import type { Clock } from '@voxwire/protocol';
import { ConfigurationError } from './errors.js';
import { isRetriableRestFailure, restRequest } from './rest-request.js';

/** The session a client secret is minted for (the GA session object; `type` defaults to `'realtime'`). */
export type ClientSecretSessionConfig = { readonly type?: 'realtime' | 'transcription' } & Readonly<
  Record<string, unknown>
>;

/** A minted client secret. */
export interface ClientSecret {
  /** The ephemeral key (`ek_…`): give it to the browser, which connects with it. */
  readonly value: string;
  /** When the key stops being accepted for new sessions, in epoch milliseconds. */
  readonly expiresAt: number;
  /** The session configuration the server resolved, as returned. */
  readonly session: Readonly<Record<string, unknown>>;
}

/** Codes of {@link ClientSecretError}. */
export type ClientSecretErrorCode =
  /** The server answered with an HTTP error (see `status`, `serverCode`). */
  | 'HTTP_ERROR'
  /** The request did not reach the server or was aborted. */
  | 'NETWORK_ERROR'
  /** Minting did not complete within `timeoutMs`; the request was aborted. Retriable. */
  | 'TIMEOUT'
  /** The server answered 2xx with a body that has no usable secret. */
  | 'INVALID_RESPONSE';

/**
 * Minting a client secret failed. Neither the message nor any field contains the API key or a
 * credential-like value of the base URL's query (`subscription-key=…`), which the request carries.
 */
export class ClientSecretError extends Error {
  override readonly name = 'ClientSecretError';
  /** Stable machine-readable code. */
  readonly code: ClientSecretErrorCode;
  /** HTTP status, for `HTTP_ERROR`. */
  readonly status: number | undefined;
  /** The server's `error.code` (e.g. `invalid_api_key`), when it sent one; redacted like the message. */
  readonly serverCode: string | undefined;
  /** The server's `error.type`, when it sent one; redacted like the message. */
  readonly type: string | undefined;
  /** True for network errors, timeouts, 408, 429 and 5xx: trying again later may work. */
  readonly retriable: boolean;
  /**
   * For `HTTP_ERROR`, how long the server asked the caller to wait before trying again, ms (its
   * `Retry-After`, in seconds or as an HTTP date measured from the answer's own `Date`), so a
   * rate-limited (429) or busy (503) mint is not retried sooner; `undefined` when it did not say.
   */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ClientSecretErrorCode,
    message: string,
    details: {
      status?: number;
      serverCode?: string;
      type?: string;
      retryAfterMs?: number | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.serverCode = details.serverCode;
    this.type = details.type;
    this.retryAfterMs = details.retryAfterMs;
    this.retriable = isRetriableRestFailure(code, details.status);
  }
}

/** The options every way of minting takes, whatever the provider. */
export interface ClientSecretMintOptions {
  /** The session configuration the browser's session will start with (model, voice, instructions, …). */
  readonly session: ClientSecretSessionConfig;
  /**
   * Lifetime of the secret in seconds, 10–7200. A session started with it may outlive it.
   * @default undefined (the server's default, 600)
   */
  readonly expiresAfterSeconds?: number | undefined;
  /**
   * `fetch` to use (tests, proxies).
   * @default globalThis.fetch
   */
  readonly fetch?: typeof fetch | undefined;
  /**
   * Aborts the request, beside `timeoutMs`: the call fails at once with `NETWORK_ERROR` and the
   * signal's reason as `cause`, whether the answer had begun to arrive or not.
   * @default undefined
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * How long minting may take, ms, from the credential lookup to the last byte of the answer. An
   * API that never answers (a dead network, a proxy holding the request) or a key or token
   * lookup that hangs would otherwise hold the HTTP handler that asked for the secret for ever.
   * Past it, the request is aborted and the call fails with `ClientSecretError('TIMEOUT')`.
   * `Infinity` for none.
   * @default 10000
   */
  readonly timeoutMs?: number | undefined;
  /**
   * The clock `timeoutMs` is counted on (tests pass a simulated one).
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

/** What {@link requestClientSecret} sends, besides the {@link ClientSecretMintOptions}. */
export interface ClientSecretRequest extends ClientSecretMintOptions {
  /** The client-secrets endpoint, already checked (scheme, insecure hosts). */
  readonly url: URL;
  /**
   * The request's headers beside `Content-Type`, looked up within the deadline (a key function
   * or token provider that hangs times out as the request does). A failure it throws is the
   * call's. The values of its credential headers (`Authorization`, `api-key`, any name that
   * looks like one) are redacted from every error.
   */
  readonly headers: () => Promise<Readonly<Record<string, string>>>;
  /**
   * Further values to redact from every error (a gateway key in the URL's query).
   * @default []
   */
  readonly secrets?: readonly string[] | undefined;
}

/** {@link ClientSecretMintOptions.timeoutMs}'s default, ms. */
const DEFAULT_CLIENT_SECRET_TIMEOUT_MS = 10_000;

/**
 * Checks the provider-independent options (expiry range, session object, `timeoutMs`) and
 * returns the `timeoutMs` to use. {@link requestClientSecret} calls it too; a caller may call it
 * first so that these mistakes are reported before its own URL or credential checks.
 * @throws ConfigurationError `INVALID_OPTION`.
 */
export function checkClientSecretOptions(options: ClientSecretMintOptions): number {
  const seconds = options.expiresAfterSeconds;
  if (seconds !== undefined && (!Number.isInteger(seconds) || seconds < 10 || seconds > 7200)) {
    throw new ConfigurationError(
      'INVALID_OPTION',
      `expiresAfterSeconds must be an integer from 10 to 7200, got ${String(seconds)}.`,
    );
  }
  if (typeof options.session !== 'object' || options.session === null) {
    throw new ConfigurationError(
      'INVALID_OPTION',
      'session must be the session configuration object.',
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_CLIENT_SECRET_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) {
    throw new ConfigurationError(
      'INVALID_OPTION',
      `timeoutMs must be a positive number of milliseconds (Infinity for none), got ${String(timeoutMs)}.`,
    );
  }
  return timeoutMs;
}

/** How the mint is named in its errors. */
const MINT_WORDING = {
  doing: 'Minting a client secret',
  toDo: 'to mint a client secret',
  request: 'a client secret mint',
} as const;

/**
 * POSTs a client-secret request to `request.url` and returns the minted secret: the
 * provider-independent core of `createClientSecret` and `@voxwire/azure`'s
 * `createAzureClientSecret`, for a connector to another provider or gateway. The body is
 * `{ expires_after?, session: { type: 'realtime', ...session } }`; redirects are refused (a
 * credential is never forwarded to wherever one points).
 *
 * @throws ConfigurationError `INVALID_OPTION` for an out-of-range expiry, a session that is not
 *   an object or a bad `timeoutMs` (before any request); whatever `headers()` throws (a
 *   credential lookup's `CREDENTIAL_FAILED`).
 * @throws ClientSecretError when the request fails, the server refuses it, or it takes longer
 *   than `timeoutMs` (`TIMEOUT`).
 */
export async function requestClientSecret(request: ClientSecretRequest): Promise<ClientSecret> {
  const timeoutMs = checkClientSecretOptions(request);
  const seconds = request.expiresAfterSeconds;
  const body = {
    ...(seconds === undefined ? {} : { expires_after: { anchor: 'created_at', seconds } }),
    session: { type: 'realtime', ...request.session },
  };
  const answer = await restRequest({
    url: request.url,
    body: { json: JSON.stringify(body) },
    headers: request.headers,
    secrets: request.secrets,
    timeoutMs,
    clock: request.clock,
    signal: request.signal,
    fetch: request.fetch,
    wording: MINT_WORDING,
    error: (code, message, details) => new ClientSecretError(code, message, details),
  });
  return secretOf(answer.status, answer.text);
}

/** The minted secret in a 2xx answer's body. */
function secretOf(status: number, text: string): ClientSecret {
  let parsed: { value?: unknown; expires_at?: unknown; session?: unknown } | undefined;
  try {
    parsed = text === '' ? undefined : (JSON.parse(text) as typeof parsed);
  } catch {
    parsed = undefined;
  }
  // an empty key or an expiry that is no time (`1e400` parses as Infinity) would reach the
  // browser and fail there, far from the answer that was wrong
  if (
    typeof parsed?.value !== 'string' ||
    parsed.value === '' ||
    typeof parsed.expires_at !== 'number' ||
    !Number.isFinite(parsed.expires_at) ||
    parsed.expires_at <= 0
  ) {
    throw new ClientSecretError(
      'INVALID_RESPONSE',
      `The server answered HTTP ${status} without a client secret (no non-empty string "value" and positive "expires_at" in epoch seconds).`,
    );
  }
  return {
    value: parsed.value,
    expiresAt: parsed.expires_at * 1000,
    session:
      typeof parsed.session === 'object' && parsed.session !== null
        ? (parsed.session as Record<string, unknown>)
        : {},
  };
}
