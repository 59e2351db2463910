/**
 * The Azure OpenAI connector: the seed's `with_azure` parameter rules (as typed errors), both URL
 * forms, `api-key` or Entra bearer auth resolved on every connect, and Azure's wire differences.
 * @module
 */
import {
  ConfigurationError,
  createWebSocketTransport,
  describeUrl,
  envValue,
  type Env,
  isBlankSecret,
  processEnv,
  resolveSecret,
  type SecretSource,
  type SocketOptions,
  socketOptions,
  withoutHeaders,
  assertSecureUrl,
  checkSessionLimit,
  checkSocketOptions,
  connectorLookup,
  refuseUnknownOptions,
  SOCKET_OPTION_KEYS,
} from '@voxwire/node';
import { type Clock, type Connector, MAX_SESSION_DURATION_MS } from '@voxwire/protocol';
import {
  AZURE_COGNITIVE_SERVICES_SCOPE,
  credentialTokens,
  resolveToken,
  type TokenProvider,
  withoutBearerPrefix,
} from './auth.js';
import type { AzureResourceOptions } from './azure-options.js';
import { TokenRenewingTransport } from './token-renewal.js';
import { azureFrameRewriter, rewritingTransport } from './differences.js';
import { type AzureRealtimeTarget, azureRealtimeUrl } from './url.js';

/** Options of {@link azureConnector} (the connection half of `withAzure`). */
export interface AzureConnectorOptions extends SocketOptions, AzureResourceOptions {
  /**
   * How long before expiry a cached `credential` token is renewed.
   * @default 300000 (5 minutes)
   */
  readonly tokenRefreshMarginMs?: number | undefined;
  /**
   * The time source a `credential` token's expiry is checked against. Token timestamps are
   * Unix-epoch ms, so this must be a wall clock: it is deliberately not the session's `clock`,
   * which may have any epoch (a monotonic clock, a `SimulatedClock` starting at 0) and would
   * then never see a cached token expire (the reconnect after an hour would present a dead
   * token and end the session on `AUTH_FAILED`). Tests pass a `SimulatedClock` set to epoch
   * time.
   * @default systemClock
   */
  readonly tokenClock?: Clock | undefined;
  /**
   * Deployment name of the input transcription model; replaces the transcription `model` on the
   * wire, because Azure wants a deployment name there. Sent trimmed; a blank one is refused
   * (`MISSING_OPTION`).
   * @default undefined (the transcription model is sent as configured)
   */
  readonly transcriptionDeployment?: string | undefined;
  /**
   * `?intent=` (GA form only); `'transcription'` for a transcription-only session.
   * @default undefined (not sent)
   */
  readonly intent?: string | undefined;
  /**
   * `?call_id=` (GA form only): attach to a live WebRTC or SIP call as its side-band, to control
   * it from the server (its events, `session.update`, tools, `response.create`). The call carries
   * the audio, so the connection reports `audioPath: 'media'` and `interrupt()` clears the
   * call's output instead of cutting at a position this socket never played. A preview
   * `apiVersion` has no side-band: refused with `INVALID_OPTION`.
   * @default undefined (a new session)
   */
  readonly callId?: string | undefined;
  /**
   * The server's maximum session duration in ms, reported to `core` so it can renew in time;
   * `Infinity` for none. At least a minute: a smaller value (minutes or seconds given as ms, 0)
   * throws `INVALID_OPTION`.
   * @default 1800000 (30 minutes, Azure)
   */
  readonly maxSessionDurationMs?: number | undefined;
}

/** What {@link resolveAzureConfig} settles before any connect. */
export interface ResolvedAzureConfig {
  /** URL and dialect. */
  readonly target: AzureRealtimeTarget;
  /** The `api-key` source, if any. */
  readonly apiKey: SecretSource | undefined;
  /** The bearer token source, if any. */
  readonly token: TokenProvider | undefined;
  /** The transcription deployment name, trimmed, if one was given. */
  readonly transcriptionDeployment: string | undefined;
  /**
   * Drops a token the service refused (HTTP 401) from the `credential`'s cache, so that the
   * next lookup asks the credential anew; `undefined` for any other source (an api key, a
   * static token or a `tokenProvider`, whose answers this package does not cache).
   */
  readonly refuseToken: ((token: string) => void) | undefined;
  /**
   * Asks for a token after a refusal: the `credential`'s cache, sharing one request between the
   * connects refused together (`undefined` when `refuseToken` is).
   */
  readonly renewToken: TokenProvider | undefined;
}

/**
 * Applies the seed's `with_azure` rules to options and environment, with typed errors:
 * deployment required; `baseURL` and `azureEndpoint` mutually exclusive; endpoint from
 * `AZURE_OPENAI_ENDPOINT`; API version from `OPENAI_API_VERSION`; API key from
 * `AZURE_OPENAI_API_KEY`; at least one credential; at most one Entra source; deployment names
 * trimmed, a blank transcription deployment refused.
 */
export function resolveAzureConfig(
  options: AzureConnectorOptions,
  env: Env = options.env ?? processEnv(),
): ResolvedAzureConfig {
  if (typeof options.azureDeployment !== 'string' || options.azureDeployment.trim() === '') {
    throw new ConfigurationError(
      'MISSING_OPTION',
      'azureDeployment is required: the name of your realtime model deployment.',
    );
  }
  const transcriptionDeployment = options.transcriptionDeployment?.trim();
  if (transcriptionDeployment === '') {
    // it replaces the transcription model on the wire: blank (an unset variable pasted in), it
    // would have turned even a configured model into ''
    throw new ConfigurationError(
      'MISSING_OPTION',
      'transcriptionDeployment is blank (an unset environment variable?). Pass the name of your transcription model deployment, or leave the option out.',
    );
  }
  if (options.baseURL !== undefined && options.azureEndpoint !== undefined) {
    throw new ConfigurationError(
      'CONFLICTING_OPTIONS',
      'base_url and azure_endpoint are mutually exclusive',
    );
  }
  const entraSources = [options.entraToken, options.tokenProvider, options.credential].filter(
    (s) => s !== undefined,
  );
  if (entraSources.length > 1) {
    throw new ConfigurationError(
      'CONFLICTING_OPTIONS',
      'Pass only one of entraToken, tokenProvider and credential.',
    );
  }
  // a programming slip, not a credential that failed: refused here instead of failing every
  // connect as a retriable CREDENTIAL_FAILED until the retries run out
  if (
    options.credential !== undefined &&
    typeof (options.credential as { getToken?: unknown } | null)?.getToken !== 'function'
  )
    throw new ConfigurationError(
      'INVALID_OPTION',
      'credential must be a TokenCredential (an object with getToken, as @azure/identity gives).',
    );
  if (options.tokenProvider !== undefined && typeof options.tokenProvider !== 'function')
    throw new ConfigurationError(
      'INVALID_OPTION',
      'tokenProvider must be a function that returns a token (or a promise of one).',
    );
  const endpoint =
    options.baseURL === undefined
      ? (options.azureEndpoint ?? envValue(env, 'AZURE_OPENAI_ENDPOINT'))
      : undefined;
  if (options.baseURL === undefined && endpoint === undefined) {
    throw new ConfigurationError(
      'MISSING_OPTION',
      'Must provide one of the `baseURL` or `azureEndpoint` arguments, or the `AZURE_OPENAI_ENDPOINT` environment variable.',
    );
  }
  const target = azureRealtimeUrl({
    endpoint,
    baseURL: options.baseURL,
    deployment: options.azureDeployment,
    apiVersion: options.apiVersion ?? envValue(env, 'OPENAI_API_VERSION'),
    intent: options.intent,
    callId: options.callId,
  });
  assertSecureUrl(target.url, options.allowInsecureUrl);
  if (options.callId !== undefined && target.dialect !== 'ga') {
    // the preview path would start a session of its own: the call would run without its control
    throw new ConfigurationError(
      'INVALID_OPTION',
      `callId needs the GA form (no preview apiVersion): the preview API has no side-band to a call, got apiVersion ${JSON.stringify(options.apiVersion ?? envValue(env, 'OPENAI_API_VERSION'))}.`,
    );
  }
  if (options.intent !== undefined && target.dialect !== 'ga') {
    // the preview path takes no intent: the session would connect as an ordinary conversation
    throw new ConfigurationError(
      'INVALID_OPTION',
      `intent needs the GA form (no preview apiVersion): the preview API takes no intent and would start a conversation session, got apiVersion ${JSON.stringify(options.apiVersion ?? envValue(env, 'OPENAI_API_VERSION'))}.`,
    );
  }

  let token: TokenProvider | undefined;
  let refuseToken: ((token: string) => void) | undefined;
  let renewToken: TokenProvider | undefined;
  if (options.entraToken !== undefined) {
    // refused now, not at the first connect: a blank token (an unset variable pasted in) is a
    // mistake the caller should hear about where it is made, and it must not fall back to a key.
    // `Bearer ` alone (`Bearer ${unset}`) is blank too: it was sent as `Bearer Bearer`
    if (
      isBlankSecret(options.entraToken) ||
      withoutBearerPrefix(options.entraToken.trim()) === ''
    ) {
      throw new ConfigurationError(
        'MISSING_CREDENTIALS',
        'entraToken is blank (an unset environment variable?). Pass a Microsoft Entra token, or a tokenProvider or credential that fetches one.',
      );
    }
    const value = withoutBearerPrefix(options.entraToken.trim());
    token = () => value;
  } else if (options.tokenProvider !== undefined) {
    token = options.tokenProvider;
  } else if (options.credential !== undefined) {
    const tokens = credentialTokens(options.credential, {
      scope: options.tokenScope ?? AZURE_COGNITIVE_SERVICES_SCOPE,
      ...(options.tokenRefreshMarginMs === undefined
        ? {}
        : { refreshMarginMs: options.tokenRefreshMarginMs }),
      // the token's own wall clock, never the session's (see `tokenClock`)
      ...(options.tokenClock === undefined ? {} : { clock: options.tokenClock }),
    });
    // not get(): the connector's lookup shares a pending request and asks again once it hung
    // for a few connect timeouts; get() would hand that new call the same hung request
    token = () => tokens.ask();
    refuseToken = (refused) => tokens.refuse(refused);
    // sessions refused together wait for one fresh token (bounded by each connect's deadline)
    renewToken = () => tokens.get();
  }
  // the environment's key is a fallback for key auth, never sent next to an explicit Entra source
  const apiKey =
    options.apiKey ?? (token === undefined ? envValue(env, 'AZURE_OPENAI_API_KEY') : undefined);
  // a blank key string (an unset variable pasted in, a file with only a newline) is no key
  const key = apiKey === undefined || isBlankSecret(apiKey) ? undefined : apiKey;
  if (key === undefined && token === undefined) {
    throw new ConfigurationError(
      'MISSING_CREDENTIALS',
      'Missing credentials. Please pass one of `apiKey`, `entraToken`, `tokenProvider` or `credential`, or set the `AZURE_OPENAI_API_KEY` environment variable.',
    );
  }
  return { target, apiKey: key, token, transcriptionDeployment, refuseToken, renewToken };
}

/** Headers the connector sets itself; a caller's copy (any letter case) is dropped. */
const OWN_HEADERS = ['api-key', 'authorization', 'openai-beta'];

/**
 * Every connector option but `clock` and `connectTimeoutMs` (which `withAzure` gives both the
 * connector and the model), in a record the compiler holds complete (the socket options spread
 * from `@voxwire/node`'s): an option added to the
 * connector cannot be left out here, refused by `azureConnector` or silently given to the model
 * by `withAzure` instead (as `allowInsecureUrl` once was).
 */
export const AZURE_CONNECTOR_KEYS: Readonly<
  Record<Exclude<keyof AzureConnectorOptions, 'clock' | 'connectTimeoutMs'>, true>
> = {
  azureDeployment: true,
  azureEndpoint: true,
  baseURL: true,
  apiVersion: true,
  apiKey: true,
  entraToken: true,
  tokenProvider: true,
  credential: true,
  tokenScope: true,
  tokenRefreshMarginMs: true,
  tokenClock: true,
  transcriptionDeployment: true,
  intent: true,
  callId: true,
  maxSessionDurationMs: true,
  ...SOCKET_OPTION_KEYS,
};

const AZURE_CONNECTOR_OPTIONS: ReadonlySet<string> = new Set([
  ...Object.keys(AZURE_CONNECTOR_KEYS),
  'clock',
  'connectTimeoutMs',
]);

/**
 * A `Connector` for Azure OpenAI realtime. Configuration is checked now; credentials (key
 * function, token provider, credential) are resolved on every connect.
 * @throws ConfigurationError for missing or conflicting options (see {@link resolveAzureConfig}).
 */
export function azureConnector(options: AzureConnectorOptions): Connector {
  refuseUnknownOptions(options, AZURE_CONNECTOR_OPTIONS, 'azureConnector');
  checkSocketOptions(options);
  const { target, apiKey, token, transcriptionDeployment, refuseToken, renewToken } =
    resolveAzureConfig(options);
  const rewrite = azureFrameRewriter({ dialect: target.dialect, transcriptionDeployment });
  const maxSessionDurationMs = checkSessionLimit(
    options.maxSessionDurationMs,
    MAX_SESSION_DURATION_MS.azure,
    "Azure's limit is 1800000, 30 minutes",
  );
  const description = `azure ${describeUrl(target.url)} (${target.form}, ${target.dialect})`;
  // the connector lives as long as its sessions: it keeps the URL's text, not a URL object
  const href = target.url.href;
  const dialect = target.dialect;

  // a retry after a connect timeout waits for the lookup still in flight instead of starting
  // another one just as slow; a settled one is never reused, and a hung one (a broker request
  // on a dead socket) not after a few connect timeouts, since the connector is shared by every
  // session of the model (`connectorLookup` in @voxwire/node)
  const lookupKey =
    apiKey === undefined
      ? undefined
      : connectorLookup(() => resolveSecret(apiKey, 'API key'), options);
  const lookupToken =
    token === undefined ? undefined : connectorLookup(() => resolveToken(token), options);

  return async ({ signal }) => {
    const key = lookupKey === undefined ? undefined : await lookupKey();
    const bearer = lookupToken === undefined ? undefined : await lookupToken();
    const open = (bearer: string | undefined) =>
      createWebSocketTransport({
        url: href,
        headers: {
          ...withoutHeaders(options.headers, OWN_HEADERS),
          ...(key === undefined ? {} : { 'api-key': key }),
          ...(bearer === undefined ? {} : { Authorization: `Bearer ${bearer}` }),
        },
        signal,
        // a gateway's header (APIM's `Ocp-Apim-Subscription-Key`, any name a gateway picks) is
        // a credential as much as the key: its value never reaches a message or a log either
        secrets: [key, bearer, ...Object.values(options.headers ?? {})].filter(
          (s): s is string => s !== undefined,
        ),
        ...socketOptions(options),
      });
    const first = open(bearer);
    let fresh: string | undefined;
    // a cached credential token refused with 401 (revoked, a skewed clock) is dropped and the
    // connect made once more with a fresh one; the credential is asked directly, not through
    // the shared lookup, whose pending answer may still be the refused token
    const inner =
      refuseToken === undefined || bearer === undefined || renewToken === undefined
        ? first
        : new TokenRenewingTransport(
            first,
            async () => {
              refuseToken(bearer);
              fresh = await resolveToken(renewToken);
              return open(fresh);
            },
            () => {
              if (fresh !== undefined) refuseToken(fresh);
            },
          );
    return {
      transport: rewritingTransport(inner, rewrite),
      dialect,
      maxSessionDurationMs,
      description,
      // a side-band's call carries the audio (its WebRTC tracks or SIP leg), not this socket, and
      // keeps its session when the socket drops (a reconnect re-attaches; nothing is restored)
      ...(options.callId === undefined
        ? {}
        : { audioPath: 'media' as const, persistentSession: true }),
    };
  };
}
