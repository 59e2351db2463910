/**
 * Ephemeral client secrets (`POST /v1/realtime/client_secrets`): the server mints a short-lived
 * `ek_…` key for a browser, so the real API key never leaves the server.
 * @module
 */
import { type Clock, Endpoints, systemClock, type TimerId } from '@voxwire/protocol';
import {
  envValue,
  type Env,
  isBlankSecret,
  processEnv,
  resolveSecret,
  type SecretSource,
} from './credentials.js';
import { ConfigurationError, Redactor, secretsOfUrl } from './errors.js';
import { describeFetchFailure, sanitizeFetchFailure } from './fetch-failure.js';
import { assertSecureUrl, parseFailure } from './url.js';

/** The session a client secret is minted for (the GA session object; `type` defaults to `'realtime'`). */
export type ClientSecretSessionConfig = { readonly type?: 'realtime' | 'transcription' } & Readonly<
  Record<string, unknown>
>;

/** Options of {@link createClientSecret}. */
export interface CreateClientSecretOptions {
  /**
   * The real API key, or a function returning it.
   * @default process.env.OPENAI_API_KEY
   */
  readonly apiKey?: SecretSource | undefined;
  /**
   * REST base URL (`wss:`/`ws:` are turned back into `https:`/`http:`). Its query is sent along
   * (a gateway's `subscription-key=…`), except the realtime WebSocket's own `model`, `intent`,
   * `call_id` and `deployment`; credential-like values in it are redacted from every error (see
   * {@link clientSecretsUrl}).
   * @default process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1'
   */
  readonly baseURL?: string | undefined;
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
   * How long minting may take, ms, from the key lookup to the last byte of the answer. An API
   * that never answers (a dead network, a proxy holding the request) would otherwise hold the
   * HTTP handler that asked for the secret for ever. Past it, the request is aborted and the
   * call fails with `ClientSecretError('TIMEOUT')`. `Infinity` for none.
   * @default 10000
   */
  readonly timeoutMs?: number | undefined;
  /**
   * The clock `timeoutMs` is counted on (tests pass a simulated one).
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
  /**
   * Sent as `OpenAI-Organization`.
   * @default process.env.OPENAI_ORG_ID
   */
  readonly organization?: string | undefined;
  /**
   * Sent as `OpenAI-Project`.
   * @default process.env.OPENAI_PROJECT_ID
   */
  readonly project?: string | undefined;
  /**
   * Environment to read instead of `process.env`.
   * @default process.env
   */
  readonly env?: Env | undefined;
  /**
   * Allows an `http:` base URL to a host that is not loopback (the API key then travels in
   * clear; see the connectors' option of the same name). Only `true` opts in.
   * @default false
   */
  readonly allowInsecureUrl?: boolean | undefined;
}

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

  constructor(
    code: ClientSecretErrorCode,
    message: string,
    details: { status?: number; serverCode?: string; type?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.serverCode = details.serverCode;
    this.type = details.type;
    this.retriable =
      code === 'NETWORK_ERROR' ||
      code === 'TIMEOUT' ||
      (details.status !== undefined &&
        (details.status === 408 || details.status === 429 || details.status >= 500));
  }
}

/** {@link CreateClientSecretOptions.timeoutMs}'s default, ms. */
const DEFAULT_CLIENT_SECRET_TIMEOUT_MS = 10_000;

/**
 * Query parameters of the realtime WebSocket URL itself (protocol.md §5): the model or Azure
 * deployment a socket opens, its `intent`, the call it attaches to. The REST endpoint takes none
 * of them, so a WebSocket base URL pasted as is does not send them there. Matched on the whole
 * name in any case, as `@voxwire/azure`'s URL builder does.
 */
const REALTIME_ONLY_PARAMS = /^(?:model|intent|call_id|deployment)$/i;

/**
 * The client-secrets endpoint below a base URL: `wss:`/`ws:` become `https:`/`http:`, a trailing
 * `/realtime` is dropped and `/realtime/client_secrets` appended. The base URL's query is kept,
 * as the WebSocket connectors keep it: a gateway in front of the API (Azure API Management's
 * `subscription-key=…`, a corporate proxy's parameter) needs it on every request. Only the
 * realtime WebSocket's own parameters (`model`, `intent`, `call_id`, `deployment`, in any case)
 * are left out; the rest are sent byte for byte as given (a gateway compares its key as sent).
 * The fragment and any user info are dropped.
 * @throws ConfigurationError `INVALID_URL` for a URL that does not parse or is not
 *   `https:`/`http:`/`wss:`/`ws:`.
 */
export function clientSecretsUrl(baseURL: string): URL {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch (cause) {
    throw new ConfigurationError('INVALID_URL', 'The base URL does not parse as a URL.', {
      cause: parseFailure(cause, baseURL),
    });
  }
  const scheme = { 'ws:': 'http:', 'wss:': 'https:', 'http:': 'http:', 'https:': 'https:' }[
    url.protocol
  ];
  if (scheme === undefined)
    throw new ConfigurationError(
      'INVALID_URL',
      `The base URL must use https: or http:, got ${url.protocol}`,
    );
  const path = url.pathname.replace(/\/+$/, '').replace(/\/realtime$/, '');
  return new URL(`${scheme}//${url.host}${path}${Endpoints.clientSecretsPath}${restQuery(url)}`);
}

/**
 * `url`'s query without the {@link REALTIME_ONLY_PARAMS}, as its raw `name=value` pairs: going
 * through `URLSearchParams` would re-encode the values (`%20` as `+`, `=` as `%3D`), and a
 * gateway's key must reach it as the caller wrote it. `''` when nothing is left.
 */
function restQuery(url: URL): string {
  const kept = url.search
    .replace(/^\?/, '')
    .split('&')
    .filter((pair) => pair !== '' && !REALTIME_ONLY_PARAMS.test(queryName(pair)));
  return kept.length === 0 ? '' : `?${kept.join('&')}`;
}

/** A `name=value` pair's name as `URLSearchParams` reads it (`+` is a space); as sent when malformed. */
function queryName(pair: string): string {
  const at = pair.indexOf('=');
  const name = (at < 0 ? pair : pair.slice(0, at)).replace(/\+/g, ' ');
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/**
 * Mints an ephemeral client secret for a browser session.
 *
 * @throws ConfigurationError for a missing key, bad URL, out-of-range expiry or bad `timeoutMs`
 * (before any request).
 * @throws ClientSecretError when the request fails, the server refuses it, or it takes longer
 * than `timeoutMs` (`TIMEOUT`).
 */
export async function createClientSecret(
  options: CreateClientSecretOptions,
): Promise<ClientSecret> {
  const env = options.env ?? processEnv();
  const source = options.apiKey ?? envValue(env, 'OPENAI_API_KEY');
  if (source === undefined || isBlankSecret(source)) {
    throw new ConfigurationError(
      'MISSING_CREDENTIALS',
      'The OpenAI API key is required to mint a client secret: pass `apiKey` or set OPENAI_API_KEY.',
    );
  }
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
  const baseURL = options.baseURL ?? envValue(env, 'OPENAI_BASE_URL') ?? Endpoints.openaiBaseUrl;
  const url = clientSecretsUrl(baseURL);
  assertSecureUrl(url, options.allowInsecureUrl);
  // the request carries the base URL's query (a gateway's key): a refusal, or a custom fetch's
  // error, that quotes the request must not put it in a message
  const urlSecrets = secretsOfUrl(new URL(baseURL));
  return withDeadline(url, timeoutMs, options, (signal) =>
    mint(url, source, urlSecrets, signal, options),
  );
}

/**
 * Runs `work` with a signal aborted by the caller's `signal` or, past `timeoutMs` on the clock,
 * by the deadline. Either rejects at once, whatever `work` is doing: the caller's abort with
 * `NETWORK_ERROR` (its reason as `cause`), the deadline with `TIMEOUT`. So an abort while the
 * body is read is not taken for a bad answer (`HTTP_ERROR`, `INVALID_RESPONSE`: the body read
 * fails, and an empty body is no secret), and a fetch or body that ignores its signal (a custom
 * one) cannot keep the caller waiting either.
 */
async function withDeadline<T>(
  url: URL,
  timeoutMs: number,
  options: CreateClientSecretOptions,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const clock = options.clock ?? systemClock;
  const controller = new AbortController();
  const caller = options.signal;
  let timer: TimerId | undefined;
  let stop!: (error: ClientSecretError) => void;
  const stopped = new Promise<never>((_resolve, reject) => {
    stop = (error) => {
      controller.abort(error.code === 'TIMEOUT' ? error : caller?.reason);
      reject(error);
    };
  });
  const forward = () =>
    stop(
      new ClientSecretError(
        'NETWORK_ERROR',
        `Minting a client secret at ${url.host} was aborted by the caller's signal: ${describeReason(caller?.reason)}`,
        { cause: caller?.reason },
      ),
    );
  if (caller?.aborted) forward();
  else caller?.addEventListener('abort', forward, { once: true });
  if (timeoutMs !== Infinity)
    timer = clock.setTimeout(
      () =>
        stop(
          new ClientSecretError(
            'TIMEOUT',
            `Minting a client secret at ${url.host} did not complete within ${timeoutMs} ms.`,
          ),
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

/** The request itself, once the options are checked. */
async function mint(
  url: URL,
  source: SecretSource,
  urlSecrets: readonly string[],
  signal: AbortSignal,
  options: CreateClientSecretOptions,
): Promise<ClientSecret> {
  const env = options.env ?? processEnv();
  const seconds = options.expiresAfterSeconds;
  const doFetch = options.fetch ?? globalThis.fetch;
  const key = await resolveSecret(source, 'API key');
  const redactor = new Redactor().add(key, ...urlSecrets);
  const organization = options.organization ?? envValue(env, 'OPENAI_ORG_ID');
  const project = options.project ?? envValue(env, 'OPENAI_PROJECT_ID');

  const body = {
    ...(seconds === undefined ? {} : { expires_after: { anchor: 'created_at', seconds } }),
    session: { type: 'realtime', ...options.session },
  };
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${key}`,
        'Content-Type': 'application/json',
        ...(organization === undefined ? {} : { 'OpenAI-Organization': organization }),
        ...(project === undefined ? {} : { 'OpenAI-Project': project }),
      },
      body: JSON.stringify(body),
      // never forward the key to wherever a redirect points
      redirect: 'error',
      signal,
    });
  } catch (error) {
    // a copy, redacted: the error itself may quote the request and its key
    const cause = error instanceof Error ? sanitizeFetchFailure(error, redactor) : undefined;
    throw new ClientSecretError(
      'NETWORK_ERROR',
      `Could not reach ${url.host} to mint a client secret: ${cause === undefined ? 'unknown error' : describeFetchFailure(cause)}`,
      cause === undefined ? {} : { cause },
    );
  }

  const text = await response.text().catch(() => '');
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const error = (
      json as { error?: { message?: unknown; code?: unknown; type?: unknown } } | undefined
    )?.error;
    // redacted before the cut: a key across it would keep its first characters otherwise
    const said =
      typeof error?.message === 'string' ? error.message : redactor.redact(text).slice(0, 300);
    throw new ClientSecretError(
      'HTTP_ERROR',
      redactor.redact(`Minting a client secret failed with HTTP ${response.status}: ${said}`),
      {
        status: response.status,
        // the server's words too: a gateway's code or type may quote the request it refused
        ...(typeof error?.code === 'string' ? { serverCode: redactor.redact(error.code) } : {}),
        ...(typeof error?.type === 'string' ? { type: redactor.redact(error.type) } : {}),
      },
    );
  }
  const parsed = json as { value?: unknown; expires_at?: unknown; session?: unknown } | undefined;
  if (typeof parsed?.value !== 'string' || typeof parsed.expires_at !== 'number') {
    throw new ClientSecretError(
      'INVALID_RESPONSE',
      `The server answered HTTP ${response.status} without a client secret (no string "value" and numeric "expires_at").`,
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
