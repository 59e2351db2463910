/**
 * Connectors over a standard `WebSocket`, for runtimes without `ws` (browsers above all):
 * {@link webSocketConnector} for any server, {@link openaiWebSocketConnector} for OpenAI with
 * an ephemeral client secret. A browser cannot set headers, so the key travels as a subprotocol
 * (`openai-insecure-api-key.<key>`), where page scripts and extensions can read it: only a
 * short-lived `ek_…` secret, minted by your server (`createClientSecret` in `@voxwire/node`),
 * belongs there, never an API key.
 * @module
 */
import type { Clock, Connector, Dialect } from '@voxwire/protocol';
import {
  Endpoints,
  GA_DEFAULTS,
  MAX_SESSION_DURATION_MS,
  Subprotocol,
  isLoopbackHost,
  optionNames,
} from '@voxwire/protocol';
import {
  checkCloseTimeout,
  checkSessionLimit,
  describeUrl,
  invalidOption,
  returnedSecretHint,
  resolvePerAttempt,
  secretPerAttempt,
  type PerAttempt,
  checkOptionNames,
} from '../connector-options.js';
import { StandardWebSocketTransport, type StandardWebSocketConstructor } from './transport.js';

export type { PerAttempt } from '../connector-options.js';

/** Options of {@link webSocketConnector}. */
export interface WebSocketConnectorOptions {
  /** The `WebSocket` constructor: `WebSocket` in a browser, Deno, Bun or Node 22+. */
  readonly WebSocket: StandardWebSocketConstructor;
  /** The `ws:`/`wss:` URL (a function is asked again for every reconnect). */
  readonly url: PerAttempt<string>;
  /** Subprotocols to offer (a function is asked again for every reconnect). @default [] */
  readonly protocols?: PerAttempt<readonly string[]> | undefined;
  /** The dialect the server speaks. @default 'ga' */
  readonly dialect?: Dialect | undefined;
  /** The server's maximum session duration, for the planned rollover. @default undefined (none) */
  readonly maxSessionDurationMs?: number | undefined;
  /** A secret-free description for logs. @default 'websocket <origin and path of the URL>' */
  readonly description?: string | undefined;
  /**
   * Milliseconds a transport's `close()` waits for the socket's close before it reports itself
   * closed (1006), so `session.close()` ends on a dead network too.
   * @default 5000
   */
  readonly closeTimeoutMs?: number | undefined;
  /** Time source of the close timeout: pass the session's clock. @default systemClock */
  readonly clock?: Clock | undefined;
}

const DIALECTS: readonly Dialect[] = ['ga', 'beta'];

// a subprotocol is a token: no spaces, separators or control characters (RFC 6455 §4.1)
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function checkUrl(url: unknown): string {
  if (typeof url !== 'string')
    throw invalidOption('url', `url must be a ws: or wss: URL string, got ${typeof url}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidOption('url', 'url is not a valid URL');
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:')
    throw invalidOption('url', `url must use ws: or wss:, got ${parsed.protocol}`);
  // the WebSocket constructor refuses a fragment (SyntaxError): refused here, once, not retried
  if (parsed.hash !== '') throw invalidOption('url', 'url must have no #fragment');
  return url;
}

function checkProtocols(protocols: unknown): readonly string[] {
  if (!Array.isArray(protocols) || protocols.some((p) => typeof p !== 'string' || p === ''))
    throw invalidOption('protocols', 'protocols must be an array of non-empty strings');
  // what the WebSocket constructor would refuse with a SyntaxError, refused here once instead of
  // retried as a failed connect; never quoted, as a subprotocol may carry a key
  if (protocols.some((p: string) => !TOKEN.test(p)))
    throw invalidOption(
      'protocols',
      'a subprotocol contains characters a subprotocol cannot carry (spaces, separators)',
    );
  if (new Set(protocols).size !== protocols.length)
    throw invalidOption('protocols', 'protocols must not repeat a subprotocol');
  return protocols as readonly string[];
}

const WEB_SOCKET_OPTIONS = optionNames<WebSocketConnectorOptions>({
  WebSocket: true,
  url: true,
  protocols: true,
  dialect: true,
  maxSessionDurationMs: true,
  description: true,
  closeTimeoutMs: true,
  clock: true,
});

/**
 * A connector over a standard `WebSocket`: a fresh transport per (re)connect, to `url` with
 * `protocols`. Throws `INVALID_ARGUMENT` for bad options; a function-valued `url` or
 * `protocols` that gives a bad value fails that connect with `INVALID_ARGUMENT` (fatal: the
 * session does not retry what cannot succeed).
 */
export function webSocketConnector(options: WebSocketConnectorOptions): Connector {
  if (typeof options === 'object' && options !== null)
    checkOptionNames(options, WEB_SOCKET_OPTIONS, 'webSocketConnector');
  if (typeof options?.WebSocket !== 'function')
    throw invalidOption(
      'WebSocket',
      'WebSocket must be a WebSocket constructor (pass `WebSocket` in a browser, Deno, Bun or Node 22+)',
    );
  const dialect = options.dialect ?? 'ga';
  if (!DIALECTS.includes(dialect))
    throw invalidOption(
      'dialect',
      `dialect must be 'ga' or 'beta', got ${JSON.stringify(dialect)}`,
    );
  const { maxSessionDurationMs } = options;
  if (
    maxSessionDurationMs !== undefined &&
    !(typeof maxSessionDurationMs === 'number' && maxSessionDurationMs > 0)
  )
    throw invalidOption('maxSessionDurationMs', 'maxSessionDurationMs must be a positive number');
  const { closeTimeoutMs } = options;
  checkCloseTimeout(closeTimeoutMs);
  if (typeof options.url !== 'function') checkUrl(options.url);
  if (options.protocols !== undefined && typeof options.protocols !== 'function')
    checkProtocols(options.protocols);
  return async (attempt) => {
    const url = checkUrl(await resolvePerAttempt(options.url, attempt));
    const protocols =
      options.protocols === undefined
        ? []
        : checkProtocols(await resolvePerAttempt(options.protocols, attempt));
    const transport = new StandardWebSocketTransport({
      WebSocket: options.WebSocket,
      url,
      protocols,
      closeTimeoutMs,
      clock: options.clock,
    });
    return {
      transport,
      dialect,
      maxSessionDurationMs,
      description: options.description ?? `websocket ${describeUrl(url)} (${dialect})`,
    };
  };
}

/** Options of {@link openaiWebSocketConnector}. */
export interface OpenAIWebSocketConnectorOptions {
  /** The `WebSocket` constructor: `WebSocket` in a browser, Deno, Bun or Node 22+. */
  readonly WebSocket: StandardWebSocketConstructor;
  /**
   * An ephemeral client secret (`ek_…`), or a function that fetches one from your server for
   * each (re)connect. A secret may open several sessions until it expires (10 minutes by
   * default), so a function is what keeps reconnects working in a long call.
   */
  readonly clientSecret: PerAttempt<string>;
  /** The model (`?model=`). @default 'gpt-realtime' */
  readonly model?: string | undefined;
  /** The REST base the WebSocket URL is derived from (https → wss). @default 'https://api.openai.com/v1' */
  readonly baseURL?: string | undefined;
  /** Sent as the `openai-organization.<id>` subprotocol. @default undefined */
  readonly organization?: string | undefined;
  /** Sent as the `openai-project.<id>` subprotocol. @default undefined */
  readonly project?: string | undefined;
  /**
   * The server's maximum session duration, for the planned rollover. Under a minute, `NaN` or not
   * a number throws `INVALID_ARGUMENT` (a unit slip); `Infinity` means none.
   * @default 3600000 (OpenAI's 60 minutes)
   */
  readonly maxSessionDurationMs?: number | undefined;
  /**
   * Lets `ws:`/`http:` reach a host that is not loopback. The secret would cross the network in
   * clear text: only for a fake server in a container network, say.
   * @default false
   */
  readonly allowInsecureUrl?: boolean | undefined;
  /**
   * Lets a key that is not an ephemeral `ek_…` secret go into the subprotocols, where the page
   * and its extensions can read it. Only for a key that is not secret anyway (a local fake
   * server's, say).
   * @default false
   */
  readonly dangerouslyAllowNonEphemeralKey?: boolean | undefined;
  /** See {@link WebSocketConnectorOptions.closeTimeoutMs}. @default 5000 */
  readonly closeTimeoutMs?: number | undefined;
  /**
   * Time source of the close timeout, and of the bound on sharing a pending `clientSecret`
   * fetch between connects (30 s: one that never settles is then fetched again): pass the
   * session's clock.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

// `returned`: the value came from the clientSecret function (its refusal says how to fail)
function checkSecret(secret: unknown, allowAny: boolean, returned = false): string {
  if (typeof secret !== 'string' || secret === '')
    throw invalidOption(
      'clientSecret',
      `clientSecret must be a non-empty string (an ek_… secret)${returned ? returnedSecretHint(secret) : ''}`,
    );
  if (!allowAny && !secret.startsWith('ek_'))
    throw invalidOption(
      'clientSecret',
      'clientSecret must be an ephemeral ek_… secret minted by your server (createClientSecret in @voxwire/node): an API key in a page can be read by anyone',
    );
  if (!TOKEN.test(secret))
    throw invalidOption(
      'clientSecret',
      'clientSecret contains characters a subprotocol cannot carry',
    );
  return secret;
}

const OPENAI_WEB_SOCKET_OPTIONS = optionNames<OpenAIWebSocketConnectorOptions>({
  WebSocket: true,
  clientSecret: true,
  model: true,
  baseURL: true,
  organization: true,
  project: true,
  maxSessionDurationMs: true,
  allowInsecureUrl: true,
  dangerouslyAllowNonEphemeralKey: true,
  closeTimeoutMs: true,
  clock: true,
});

/**
 * A connector to OpenAI's realtime WebSocket for a browser (or any runtime with a standard
 * `WebSocket`): `wss://api.openai.com/v1/realtime?model=…`, authenticated with an ephemeral
 * client secret in the subprotocols. Throws `INVALID_ARGUMENT` for bad options, and for a key
 * that is not an `ek_…` secret unless `dangerouslyAllowNonEphemeralKey` is set.
 */
export function openaiWebSocketConnector(options: OpenAIWebSocketConnectorOptions): Connector {
  if (typeof options === 'object' && options !== null)
    checkOptionNames(options, OPENAI_WEB_SOCKET_OPTIONS, 'openaiWebSocketConnector');
  const allowAny = options?.dangerouslyAllowNonEphemeralKey === true;
  if (options?.clientSecret === undefined)
    throw invalidOption(
      'clientSecret',
      'clientSecret is required (an ek_… secret, or a function that fetches one)',
    );
  if (typeof options.clientSecret !== 'function') checkSecret(options.clientSecret, allowAny);
  const model = options.model ?? GA_DEFAULTS.model;
  if (typeof model !== 'string' || model === '')
    throw invalidOption('model', 'model must be a non-empty string');
  const base = options.baseURL ?? Endpoints.openaiBaseUrl;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw invalidOption('baseURL', 'baseURL is not a valid URL');
  }
  // onto the path, so that a query of the base (a proxy's tenant, say) stays a query
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${Endpoints.realtimePath}`;
  url.hash = '';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:')
    throw invalidOption(
      'baseURL',
      `baseURL must use https:, http:, wss: or ws:, got ${url.protocol}`,
    );
  if (url.protocol === 'ws:' && !isLoopbackHost(url.hostname) && options.allowInsecureUrl !== true)
    throw invalidOption(
      'baseURL',
      `${url.host} is not loopback: the client secret would cross the network in clear text (use https:/wss:, or set allowInsecureUrl)`,
    );
  checkSessionLimit(options.maxSessionDurationMs);
  url.searchParams.set('model', model);
  for (const [name, value] of [
    ['organization', options.organization],
    ['project', options.project],
  ] as const)
    if (value !== undefined && (typeof value !== 'string' || !TOKEN.test(value)))
      throw invalidOption(
        name,
        `${name} must be an id a subprotocol can carry (no spaces or separators)`,
      );
  const extra = [
    ...(options.organization === undefined
      ? []
      : [`${Subprotocol.OrganizationPrefix}${options.organization}`]),
    ...(options.project === undefined ? [] : [`${Subprotocol.ProjectPrefix}${options.project}`]),
  ];
  const fetchSecret = secretPerAttempt(options.clientSecret, options.clock);
  return webSocketConnector({
    WebSocket: options.WebSocket,
    url: url.href,
    protocols: async (attempt) => [
      Subprotocol.Realtime,
      `${Subprotocol.InsecureApiKeyPrefix}${checkSecret(await fetchSecret(attempt), allowAny, true)}`,
      ...extra,
    ],
    dialect: 'ga',
    maxSessionDurationMs: options.maxSessionDurationMs ?? MAX_SESSION_DURATION_MS.openai,
    description: `openai ${describeUrl(url.href)} (ga)`,
    closeTimeoutMs: options.closeTimeoutMs,
    clock: options.clock,
  });
}
