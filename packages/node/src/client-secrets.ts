/**
 * Ephemeral client secrets (`POST /v1/realtime/client_secrets`): the server mints a short-lived
 * `ek_…` key for a browser, so the real API key never leaves the server.
 * @module
 */
import { Endpoints } from '@voxwire/protocol';
import {
  checkClientSecretOptions,
  type ClientSecret,
  type ClientSecretMintOptions,
  requestClientSecret,
} from './client-secret-request.js';
import {
  envValue,
  type Env,
  isBlankSecret,
  processEnv,
  resolveSecret,
  type SecretSource,
} from './credentials.js';
import { ConfigurationError, secretsOfUrl } from './errors.js';
import { assertSecureUrl, parseFailure } from './url.js';

/**
 * Options of {@link createClientSecret}: those of every provider ({@link ClientSecretMintOptions}:
 * `session`, `expiresAfterSeconds`, `fetch`, `signal`, `timeoutMs`, `clock`) and OpenAI's own.
 */
export interface CreateClientSecretOptions extends ClientSecretMintOptions {
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
  checkClientSecretOptions(options);
  const baseURL = options.baseURL ?? envValue(env, 'OPENAI_BASE_URL') ?? Endpoints.openaiBaseUrl;
  const url = clientSecretsUrl(baseURL);
  assertSecureUrl(url, options.allowInsecureUrl);
  // the request carries the base URL's query (a gateway's key): a refusal, or a custom fetch's
  // error, that quotes the request must not put it in a message
  const urlSecrets = secretsOfUrl(new URL(baseURL));
  return requestClientSecret({
    ...options,
    url,
    secrets: urlSecrets,
    headers: async () => {
      const key = await resolveSecret(source, 'API key');
      const organization = options.organization ?? envValue(env, 'OPENAI_ORG_ID');
      const project = options.project ?? envValue(env, 'OPENAI_PROJECT_ID');
      return {
        Authorization: `Bearer ${key}`,
        ...(organization === undefined ? {} : { 'OpenAI-Organization': organization }),
        ...(project === undefined ? {} : { 'OpenAI-Project': project }),
      };
    },
  });
}
