/**
 * The OpenAI connector: builds the realtime URL and headers, resolves the API key on every
 * connect, and hands `core` a fresh `ws` transport each time.
 * @module
 */
import type { Agent } from 'node:http';
import {
  BETA_HEADER,
  type Clock,
  type Connector,
  type Dialect,
  GA_DEFAULTS,
  MAX_SESSION_DURATION_MS,
} from '@voxwire/protocol';
import type WebSocket from 'ws';
import {
  envValue,
  type Env,
  isBlankSecret,
  processEnv,
  resolveSecret,
  type SecretSource,
} from './credentials.js';
import { ConfigurationError, refuseUnknownOptions } from './errors.js';
import { connectorLookup } from './key-lookup.js';
import { checkSessionLimit } from './session-limit.js';
import { checkSocketOptions } from './socket-options-check.js';
import { createWebSocketTransport } from './transport.js';
import type { KeepAliveOptions } from './transport-options.js';
import { assertSecureUrl, describeUrl, openaiRealtimeUrl } from './url.js';

/** Options every `ws`-based connector shares (OpenAI here, Azure in `@voxwire/azure`). */
export interface SocketOptions {
  /**
   * Extra handshake headers (merged under the connector's own; the connector's auth headers win).
   * Their values are treated as secrets whatever the names (a gateway's subscription key, say):
   * redacted from every error message.
   * @default {}
   */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /**
   * An `http.Agent` for the handshake, e.g. an HTTPS proxy agent.
   * @default undefined (Node's global agent)
   */
  readonly agent?: Agent | undefined;
  /**
   * Milliseconds the WebSocket handshake may take.
   * @default 10000
   */
  readonly connectTimeoutMs?: number | undefined;
  /**
   * Client keep-alive pings, or `false` for none.
   * @default { intervalMs: 15000, timeoutMs: 10000 }
   */
  readonly keepAlive?: KeepAliveOptions | false | undefined;
  /**
   * Milliseconds a close waits for the server's close frame before the socket is cut: the bound
   * on `session.close()` (and `model.close()`) when the server, or the network to it, no longer
   * answers, e.g. a shutdown handler that must finish within its grace period. Also how long a
   * close the server started waits for its TCP close (`ws` alone waits 30 s).
   * @default 5000
   */
  readonly closeTimeoutMs?: number | undefined;
  /**
   * Offer `permessage-deflate` compression: ~25 % fewer bytes for 2.4× the CPU per append and
   * 0.3–0.5 MiB more memory per session (see the transport's option of the same name).
   * @default false
   */
  readonly perMessageDeflate?: boolean | undefined;
  /**
   * Time source for the socket's timers.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
  /**
   * The `ws` WebSocket class, for injection.
   * @default the `ws` package's `WebSocket`
   */
  readonly WebSocket?: typeof WebSocket | undefined;
  /**
   * Environment variables to read instead of `process.env` (tests, multi-tenant servers).
   * @default process.env
   */
  readonly env?: Env | undefined;
  /**
   * Allows a `ws:`/`http:` URL to a host that is not loopback: a fake server in a container
   * network, a TLS-terminating proxy on a private network. The credentials then travel in clear,
   * so it has to be asked for; loopback hosts never need it. Only `true` opts in.
   * @default false
   */
  readonly allowInsecureUrl?: boolean | undefined;
}

/** Options of {@link openaiConnector}. */
export interface OpenAIConnectorOptions extends SocketOptions {
  /**
   * The API key (or an ephemeral `ek_…` client secret), or a function returning one, called on
   * every connect.
   * @default process.env.OPENAI_API_KEY
   */
  readonly apiKey?: SecretSource | undefined;
  /**
   * REST or WebSocket base URL. `https:` becomes `wss:`; `/realtime` is appended to a bare
   * `/v1`-style path. A URL that is not `wss:`/`https:` is refused unless its host is loopback
   * (or `allowInsecureUrl` is `true`).
   * @default process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1'
   */
  readonly baseURL?: string | undefined;
  /**
   * The realtime model, sent as `?model=`. With `callId` or `intent` and no `model`, none is
   * sent: the documented URLs of a side-band or transcription-only connection carry none.
   * @default 'gpt-realtime' (none with `callId` or `intent`)
   */
  readonly model?: string | undefined;
  /**
   * `'ga'` (the current interface) or `'beta'` (adds `OpenAI-Beta: realtime=v1`; api.openai.com
   * refuses it since 2026, self-hosted servers may still speak it).
   * @default 'ga'
   */
  readonly dialect?: Dialect | undefined;
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
   * `?intent=`; `'transcription'` opens a transcription-only session.
   * @default undefined (not sent)
   */
  readonly intent?: string | undefined;
  /**
   * `?call_id=`: attach to a live WebRTC or SIP call as its side-band, to control it from the
   * server (its events, `session.update`, tools, `response.create`). The call carries the audio,
   * so the connection reports `audioPath: 'media'` and `interrupt()` clears the call's output
   * (`output_audio_buffer.clear`) instead of cutting at a position this socket never played.
   * @default undefined (a new session)
   */
  readonly callId?: string | undefined;
  /**
   * The server's maximum session duration, reported to `core` so it can renew in time. Under a
   * minute, `NaN` or not a number throws `INVALID_OPTION` (a unit slip); `Infinity` means none.
   * @default 3600000 (60 minutes, OpenAI GA)
   */
  readonly maxSessionDurationMs?: number | undefined;
}

const DIALECTS: readonly Dialect[] = ['ga', 'beta'];
/** Headers the connector sets itself; a caller's copy (in any letter case) is dropped. */
const OWN_HEADERS = [
  'authorization',
  'openai-organization',
  'openai-project',
  BETA_HEADER.name.toLowerCase(),
];

/**
 * The socket options every `ws` connector shares but `clock` and `connectTimeoutMs` (which the
 * one-line models give both the connector and the model), in a record the compiler holds
 * complete: the connectors' own records spread it, so an option added to {@link SocketOptions}
 * is known to each (`refuseUnknownOptions`) without being listed twice.
 */
export const SOCKET_OPTION_KEYS: Readonly<
  Record<Exclude<keyof SocketOptions, 'clock' | 'connectTimeoutMs'>, true>
> = {
  headers: true,
  agent: true,
  keepAlive: true,
  closeTimeoutMs: true,
  perMessageDeflate: true,
  WebSocket: true,
  env: true,
  allowInsecureUrl: true,
};

/**
 * Every option of {@link openaiConnector} but `clock`, `connectTimeoutMs` and `model` (which
 * `createOpenAIRealtimeModel` gives both the connector and the model): an option added to the
 * connector cannot be left out here and silently given to the model instead (as
 * `allowInsecureUrl` once was), nor refused as unknown.
 */
export const OPENAI_CONNECTOR_KEYS: Readonly<
  Record<Exclude<keyof OpenAIConnectorOptions, 'clock' | 'connectTimeoutMs' | 'model'>, true>
> = {
  ...SOCKET_OPTION_KEYS,
  apiKey: true,
  baseURL: true,
  dialect: true,
  organization: true,
  project: true,
  intent: true,
  callId: true,
  maxSessionDurationMs: true,
};

// a key that is none (`baseUrl` for `baseURL`, which would connect to api.openai.com) is
// refused, naming the one it was meant to be
const OPENAI_CONNECTOR_OPTIONS: ReadonlySet<string> = new Set([
  ...Object.keys(OPENAI_CONNECTOR_KEYS),
  'clock',
  'connectTimeoutMs',
  'model',
]);

/**
 * A `Connector` for the OpenAI Realtime API over `ws`. Configuration is checked now (missing
 * key, bad or insecure URL, unknown dialect); the key is resolved again on every connect.
 *
 * @throws ConfigurationError `MISSING_CREDENTIALS` when neither `apiKey` nor `OPENAI_API_KEY` is set,
 *   `INVALID_URL` / `INSECURE_URL` for a bad base URL, `INVALID_OPTION` for an unknown dialect or
 *   a `maxSessionDurationMs` under a minute.
 */
export function openaiConnector(options: OpenAIConnectorOptions = {}): Connector {
  refuseUnknownOptions(options, OPENAI_CONNECTOR_OPTIONS, 'openaiConnector');
  checkSocketOptions(options);
  const env = options.env ?? processEnv();
  const apiKey: SecretSource | undefined = options.apiKey ?? envValue(env, 'OPENAI_API_KEY');
  if (apiKey === undefined || isBlankSecret(apiKey)) {
    throw new ConfigurationError(
      'MISSING_CREDENTIALS',
      'The OpenAI API key is required: pass `apiKey` (a string or a function returning one) or set the OPENAI_API_KEY environment variable.',
    );
  }
  const dialect = options.dialect ?? 'ga';
  if (!DIALECTS.includes(dialect)) {
    throw new ConfigurationError(
      'INVALID_OPTION',
      `dialect must be 'ga' or 'beta', got ${JSON.stringify(dialect)}.`,
    );
  }
  const url = openaiRealtimeUrl({
    baseURL: options.baseURL ?? envValue(env, 'OPENAI_BASE_URL'),
    // `?call_id=` and `?intent=transcription` are documented without a model (protocol.md §5.1;
    // openai-node refuses a model next to a call id): the default is for a new realtime session
    model:
      options.model ??
      (options.callId === undefined && options.intent === undefined
        ? GA_DEFAULTS.model
        : undefined),
    intent: options.intent,
    callId: options.callId,
  });
  assertSecureUrl(url, options.allowInsecureUrl);
  // a base URL naming its model keeps it (a gateway's full URL), so a `model` option naming
  // another would be dropped without a word while the session reports it as its model
  const urlModel = url.searchParams.get('model');
  if (options.model !== undefined && urlModel !== null && urlModel !== options.model)
    throw new ConfigurationError(
      'CONFLICTING_OPTIONS',
      `model is ${JSON.stringify(options.model)} but the base URL names ${JSON.stringify(urlModel)} (?model=): pass one of them.`,
    );
  const organization = options.organization ?? envValue(env, 'OPENAI_ORG_ID');
  const project = options.project ?? envValue(env, 'OPENAI_PROJECT_ID');
  // sent as headers: a number or an object would go out as `42` or `[object Object]`
  for (const [name, value] of [
    ['organization', organization],
    ['project', project],
  ] as const)
    if (value !== undefined && (typeof value !== 'string' || value.trim() === ''))
      throw new ConfigurationError('INVALID_OPTION', `${name} must be a non-empty string.`);
  const maxSessionDurationMs = checkSessionLimit(
    options.maxSessionDurationMs,
    MAX_SESSION_DURATION_MS.openai,
    "OpenAI's limit is 3600000, 60 minutes",
  );
  const description = `openai ${describeUrl(url)} (${dialect})`;
  // the connector lives as long as its sessions: it keeps the URL's text, not a URL object
  const href = url.href;

  // a retry after a connect timeout waits for a key lookup still in flight instead of starting
  // another one just as slow; a settled one is never reused, a hung one not after a few
  // connect timeouts (`connectorLookup`)
  const lookupKey = connectorLookup(() => resolveSecret(apiKey, 'API key'), options);

  return async ({ signal }) => {
    const key = await lookupKey();
    const headers: Record<string, string> = {
      ...withoutHeaders(options.headers, OWN_HEADERS),
      Authorization: `Bearer ${key}`,
      ...(organization === undefined ? {} : { 'OpenAI-Organization': organization }),
      ...(project === undefined ? {} : { 'OpenAI-Project': project }),
      ...(dialect === 'beta' ? { [BETA_HEADER.name]: BETA_HEADER.value } : {}),
    };
    const transport = createWebSocketTransport({
      url: href,
      headers,
      signal,
      // a caller's header may be a gateway's credential under any name: its value never
      // reaches a message either (the transport alone knows only credential-looking names)
      secrets: [key, ...Object.values(options.headers ?? {})],
      ...socketOptions(options),
    });
    return {
      transport,
      dialect,
      maxSessionDurationMs,
      description,
      // a side-band's call carries the audio (its WebRTC tracks or SIP leg), not this socket:
      // the server plays the answer there, and core interrupts by clearing it; and the call
      // keeps its session when the socket drops (a reconnect re-attaches; nothing is restored)
      ...(options.callId === undefined
        ? {}
        : { audioPath: 'media' as const, persistentSession: true }),
    };
  };
}

/** The socket-level options of a connector, without `undefined`s (for exactOptionalPropertyTypes). */
export function socketOptions(options: SocketOptions) {
  return {
    ...(options.agent === undefined ? {} : { agent: options.agent }),
    ...(options.connectTimeoutMs === undefined
      ? {}
      : { connectTimeoutMs: options.connectTimeoutMs }),
    ...(options.keepAlive === undefined ? {} : { keepAlive: options.keepAlive }),
    ...(options.closeTimeoutMs === undefined ? {} : { closeTimeoutMs: options.closeTimeoutMs }),
    ...(options.perMessageDeflate === undefined
      ? {}
      : { perMessageDeflate: options.perMessageDeflate }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.WebSocket === undefined ? {} : { WebSocket: options.WebSocket }),
  };
}

/** `headers` without the names in `drop` (case-insensitive), so a caller cannot send two auth headers. */
export function withoutHeaders(
  headers: Readonly<Record<string, string>> | undefined,
  drop: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (!drop.includes(name.toLowerCase())) out[name] = value;
  return out;
}
