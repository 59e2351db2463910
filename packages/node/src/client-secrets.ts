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
import { secretsOfUrl } from './errors.js';
import { openaiRestAuth, type OpenAIRestOptions } from './openai-rest.js';
import { realtimeRestUrl } from './rest-url.js';
import { assertSecureUrl } from './url.js';

/**
 * Options of {@link createClientSecret}: those of every provider ({@link ClientSecretMintOptions}:
 * `session`, `expiresAfterSeconds`, `fetch`, `signal`, `timeoutMs`, `clock`) and OpenAI's own
 * ({@link OpenAIRestOptions}: `apiKey`, `baseURL`, `organization`, `project`, `env`,
 * `allowInsecureUrl`).
 */
export interface CreateClientSecretOptions extends ClientSecretMintOptions, OpenAIRestOptions {}

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
  return realtimeRestUrl(baseURL, Endpoints.clientSecretsPath);
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
  const auth = openaiRestAuth(options, 'to mint a client secret');
  checkClientSecretOptions(options);
  const url = clientSecretsUrl(auth.baseURL);
  assertSecureUrl(url, options.allowInsecureUrl);
  return requestClientSecret({
    ...options,
    url,
    // the request carries the base URL's query (a gateway's key): a refusal, or a custom fetch's
    // error, that quotes the request must not put it in a message
    secrets: secretsOfUrl(new URL(auth.baseURL)),
    headers: auth.headers,
  });
}
