/**
 * {@link webRtcConnector}: the Realtime API's browser path over WebRTC. The microphone and the
 * model's voice travel as media tracks (with the browser's echo cancellation and playout), the
 * events on the `oai-events` data channel. The key is an ephemeral one your server minted
 * (`createClientSecret` in `@voxwire/node`): a page's scripts and extensions can read anything
 * the page holds, so a standard API key must never be put there.
 * @module
 */
import type {
  Clock,
  ConnectAttempt,
  Connector,
  FetchLike,
  RtcMediaTrackLike,
  RtcPeerConnectionConstructor,
  RtcTrackEventLike,
} from '@voxwire/protocol';
import { MAX_SESSION_DURATION_MS, isLoopbackHost } from '@voxwire/protocol';
import { VoxwireError } from '../errors.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../model.js';
import { sharedWhilePending } from '../shared-while-pending.js';
import type { PerAttempt } from '../web-socket/connector.js';
import { secretsOfRequest } from '../web-socket/redact.js';
import { WebRtcTransport } from './transport.js';

/** OpenAI's WebRTC calls endpoint (GA). */
export const OPENAI_REALTIME_CALLS_URL = 'https://api.openai.com/v1/realtime/calls';

/** Options of {@link webRtcConnector}. */
export interface WebRtcConnectorOptions {
  /** The `RTCPeerConnection` constructor: `RTCPeerConnection` in a browser (injected: core names no global). */
  readonly RTCPeerConnection: RtcPeerConnectionConstructor;
  /**
   * `fetch`, for the SDP offer's `POST`. Pass `fetch.bind(globalThis)`: a browser's `fetch`
   * called as a method of another object throws "Illegal invocation".
   */
  readonly fetch: FetchLike;
  /**
   * The ephemeral key (`ek_…` from OpenAI, or Azure's), or a function that fetches one from your
   * server, asked again for every (re)connect: a key is short-lived, so a function is what keeps
   * reconnects working. Never a standard API key: anything in a page can be read by its scripts
   * and extensions. Only an empty or non-string value is refused (`INVALID_ARGUMENT`, fatal):
   * Azure's and self-hosted servers' keys have other shapes.
   */
  readonly clientSecret: PerAttempt<string>;
  /**
   * The calls endpoint; `https:` (`http:` only for a loopback host: a local fake server). Azure:
   * `https://<resource>.openai.azure.com/openai/v1/realtime/calls`.
   * @default 'https://api.openai.com/v1/realtime/calls'
   */
  readonly url?: PerAttempt<string> | undefined;
  /**
   * Appended as `?model=`. The GA endpoint takes the model from the session the key was minted
   * for, so it is rarely needed.
   * @default undefined (none)
   */
  readonly model?: string | undefined;
  /**
   * The microphone track to send (`stream.getAudioTracks()[0]`), or a function giving it for each
   * (re)connect: a track that ended (a device unplugged) cannot be sent again. Without one the
   * peer only receives (a `recvonly` transceiver), so the model's voice still arrives.
   * @default undefined (listen only)
   */
  readonly microphone?: PerAttempt<RtcMediaTrackLike | undefined> | undefined;
  /**
   * Called with each connection's remote audio: `audio.srcObject = event.streams[0]`. What it
   * throws is reported on the transport's `onerror` (`LISTENER_FAILED`) and the connection stays.
   * @default undefined
   */
  readonly onRemoteAudio?: ((event: RtcTrackEventLike) => void) | undefined;
  /** Passed to the `RTCPeerConnection` constructor (ICE servers, say). @default undefined */
  readonly rtcConfiguration?: unknown;
  /** A secret-free description for logs. @default 'webrtc <origin and path of the URL>' */
  readonly description?: string | undefined;
  /**
   * Milliseconds a transport's `close()` waits for the data channel's close (which sends what is
   * still queued first) before it closes the peer and reports a 1006 close.
   * @default 5000
   */
  readonly closeTimeoutMs?: number | undefined;
  /**
   * Time source of the close timeout, and of the bound on sharing a pending `clientSecret`
   * fetch between connects (30 s): pass the session's clock.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
  /**
   * The server's maximum session duration, for the planned rollover. Under a minute, `NaN` or not
   * a number throws `INVALID_ARGUMENT` (a unit slip); `Infinity` means none. Azure: 1800000.
   * @default 3600000 (OpenAI's 60 minutes)
   */
  readonly maxSessionDurationMs?: number | undefined;
}

/** How long a pending secret fetch is shared between connects: as `openaiWebSocketConnector`. */
const SECRET_FETCH_SHARED_MS = 3 * DEFAULT_CONNECT_TIMEOUT_MS;

/** The shortest session limit taken (no realtime server ends sooner). */
const MIN_SESSION_DURATION_MS = 60_000;

function invalid(argument: string, message: string): VoxwireError {
  return new VoxwireError('INVALID_ARGUMENT', message, { data: { argument } });
}

async function resolve<T>(value: PerAttempt<T>, attempt: ConnectAttempt): Promise<T> {
  return typeof value === 'function'
    ? await (value as (attempt: ConnectAttempt) => T | Promise<T>)(attempt)
    : value;
}

function checkSecret(secret: unknown): string {
  if (typeof secret !== 'string' || secret === '')
    throw invalid(
      'clientSecret',
      'clientSecret must be a non-empty string (an ephemeral key minted by your server)',
    );
  return secret;
}

function checkUrl(url: unknown): URL {
  if (typeof url !== 'string')
    throw invalid('url', `url must be an https: URL string, got ${typeof url}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('url', 'url is not a valid URL');
  }
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname))
    throw invalid(
      'url',
      `${parsed.host} is not loopback: the client secret would cross the network in clear text (use https:)`,
    );
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw invalid('url', `url must use https:, got ${parsed.protocol}`);
  parsed.hash = '';
  return parsed;
}

function checkMicrophone(track: unknown): RtcMediaTrackLike | undefined {
  if (track === undefined) return undefined;
  if (typeof track !== 'object' || track === null || (track as { kind?: unknown }).kind !== 'audio')
    throw invalid(
      'microphone',
      'microphone must be an audio MediaStreamTrack (stream.getAudioTracks()[0]) or undefined',
    );
  return track as RtcMediaTrackLike;
}

// only the origin and path: a query may carry a key
function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function checkOptions(options: WebRtcConnectorOptions): void {
  if (typeof options?.RTCPeerConnection !== 'function')
    throw invalid(
      'RTCPeerConnection',
      'RTCPeerConnection must be the RTCPeerConnection constructor (pass `RTCPeerConnection` in a browser)',
    );
  if (typeof options.fetch !== 'function')
    throw invalid('fetch', 'fetch must be a fetch function (pass `fetch.bind(globalThis)`)');
  if (options.clientSecret === undefined)
    throw invalid(
      'clientSecret',
      'clientSecret is required (an ephemeral key, or a function that fetches one from your server)',
    );
  if (typeof options.clientSecret !== 'function') checkSecret(options.clientSecret);
  if (options.url !== undefined && typeof options.url !== 'function') checkUrl(options.url);
  if (options.model !== undefined && (typeof options.model !== 'string' || options.model === ''))
    throw invalid('model', 'model must be a non-empty string');
  if (options.microphone !== undefined && typeof options.microphone !== 'function')
    checkMicrophone(options.microphone);
  if (options.onRemoteAudio !== undefined && typeof options.onRemoteAudio !== 'function')
    throw invalid('onRemoteAudio', 'onRemoteAudio must be a function');
  if (options.description !== undefined && typeof options.description !== 'string')
    throw invalid('description', 'description must be a string');
  const { closeTimeoutMs } = options;
  if (closeTimeoutMs !== undefined && !(Number.isFinite(closeTimeoutMs) && closeTimeoutMs > 0))
    throw invalid('closeTimeoutMs', 'closeTimeoutMs must be a positive number of milliseconds');
  const limit = options.maxSessionDurationMs;
  // a value under a minute is a unit slip (`60` for 60 minutes): the engine would roll over
  // every few ms
  if (
    limit !== undefined &&
    (typeof limit !== 'number' || Number.isNaN(limit) || limit < MIN_SESSION_DURATION_MS)
  )
    throw invalid(
      'maxSessionDurationMs',
      `maxSessionDurationMs must be a number of ms, at least ${MIN_SESSION_DURATION_MS} (OpenAI's limit is 3600000; Infinity for none), got ${String(limit)}`,
    );
}

/**
 * A connector to the Realtime API over WebRTC (a browser's path): for each (re)connect it asks
 * for the key, the URL and the microphone, and hands back a `WebRtcTransport` whose `start()`
 * makes the peer, posts the SDP offer and resolves once the `oai-events` channel is open. The
 * connection is `dialect: 'ga'`, `audioPath: 'media'`.
 * @throws VoxwireError `INVALID_ARGUMENT` for bad options; a function-valued option that gives a
 *   bad value fails that connect with `INVALID_ARGUMENT` (fatal: the session does not retry it).
 */
export function webRtcConnector(options: WebRtcConnectorOptions): Connector {
  checkOptions(options);
  // a retry after a connect timeout waits for a key fetch still in flight instead of starting
  // another one just as slow; never for ever (see openaiWebSocketConnector)
  const source = options.clientSecret;
  const fetchSecret =
    typeof source === 'function'
      ? sharedWhilePending((attempt: ConnectAttempt) => Promise.resolve(source(attempt)), {
          maxAgeMs: SECRET_FETCH_SHARED_MS,
          clock: options.clock,
        })
      : () => Promise.resolve(source);
  return async (attempt) => {
    const url = checkUrl(await resolve(options.url ?? OPENAI_REALTIME_CALLS_URL, attempt));
    if (options.model !== undefined) url.searchParams.set('model', options.model);
    const secret = checkSecret(await fetchSecret(attempt));
    const microphone = checkMicrophone(await resolve(options.microphone, attempt));
    const transport = new WebRtcTransport({
      RTCPeerConnection: options.RTCPeerConnection,
      rtcConfiguration: options.rtcConfiguration,
      exchange: {
        fetch: options.fetch,
        url: url.href,
        secret,
        // longest first, so that a key inside a longer value goes with it; a key of a few characters
        // is not masked (replacing "a" shreds a message and protects nothing)
        secrets: [...(secret.length >= 4 ? [secret] : []), ...secretsOfRequest(url.href, [])].sort(
          (a, b) => b.length - a.length,
        ),
      },
      microphone,
      onRemoteAudio: options.onRemoteAudio,
      signal: attempt.signal,
      closeTimeoutMs: options.closeTimeoutMs,
      clock: options.clock,
    });
    return {
      transport,
      dialect: 'ga',
      audioPath: 'media',
      maxSessionDurationMs: options.maxSessionDurationMs ?? MAX_SESSION_DURATION_MS.openai,
      description: options.description ?? `webrtc ${describeUrl(url)}`,
    };
  };
}
