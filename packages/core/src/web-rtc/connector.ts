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
  Connector,
  FetchLike,
  RtcMediaTrackLike,
  RtcPeerConnectionConstructor,
  RtcTrackEventLike,
} from '@voxwire/protocol';
import { MAX_SESSION_DURATION_MS, isLoopbackHost, optionNames } from '@voxwire/protocol';
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
   * throws is reported on the session's `error` (`LISTENER_FAILED`, once the session is open:
   * a browser calls it before the channel opens) and the connection stays.
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

// `returned`: the value came from the clientSecret function (its refusal says how to fail)
function checkSecret(secret: unknown, returned = false): string {
  if (typeof secret !== 'string' || secret === '')
    throw invalidOption(
      'clientSecret',
      `clientSecret must be a non-empty string (an ephemeral key minted by your server)${returned ? returnedSecretHint(secret) : ''}`,
    );
  // OpenAI's standard keys (sk-…, sk-proj-…) never belong in a page; Azure's keys have no such
  // mark, and its ephemeral ones neither, so only these are recognised and refused
  if (secret.startsWith('sk-'))
    throw invalidOption(
      'clientSecret',
      'clientSecret is a standard OpenAI API key (sk-…): anyone can read it in a page. Mint an ephemeral ek_… secret on your server (createClientSecret in @voxwire/node) and pass that',
    );
  return secret;
}

function checkUrl(url: unknown): URL {
  if (typeof url !== 'string')
    throw invalidOption('url', `url must be an https: URL string, got ${typeof url}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidOption('url', 'url is not a valid URL');
  }
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname))
    throw invalidOption(
      'url',
      `${parsed.host} is not loopback: the client secret would cross the network in clear text (use https:)`,
    );
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw invalidOption('url', `url must use https:, got ${parsed.protocol}`);
  parsed.hash = '';
  return parsed;
}

function checkMicrophone(track: unknown): RtcMediaTrackLike | undefined {
  if (track === undefined) return undefined;
  if (typeof track !== 'object' || track === null || (track as { kind?: unknown }).kind !== 'audio')
    throw invalidOption(
      'microphone',
      'microphone must be an audio MediaStreamTrack (stream.getAudioTracks()[0]) or undefined',
    );
  return track as RtcMediaTrackLike;
}

const WEB_RTC_OPTIONS = optionNames<WebRtcConnectorOptions>({
  RTCPeerConnection: true,
  fetch: true,
  clientSecret: true,
  url: true,
  model: true,
  microphone: true,
  onRemoteAudio: true,
  rtcConfiguration: true,
  description: true,
  closeTimeoutMs: true,
  clock: true,
  maxSessionDurationMs: true,
});

function checkOptions(options: WebRtcConnectorOptions): void {
  if (typeof options === 'object' && options !== null)
    checkOptionNames(options, WEB_RTC_OPTIONS, 'webRtcConnector');
  if (typeof options?.RTCPeerConnection !== 'function')
    throw invalidOption(
      'RTCPeerConnection',
      'RTCPeerConnection must be the RTCPeerConnection constructor (pass `RTCPeerConnection` in a browser)',
    );
  if (typeof options.fetch !== 'function')
    throw invalidOption('fetch', 'fetch must be a fetch function (pass `fetch.bind(globalThis)`)');
  if (options.clientSecret === undefined)
    throw invalidOption(
      'clientSecret',
      'clientSecret is required (an ephemeral key, or a function that fetches one from your server)',
    );
  if (typeof options.clientSecret !== 'function') checkSecret(options.clientSecret);
  if (options.url !== undefined && typeof options.url !== 'function') checkUrl(options.url);
  if (options.model !== undefined && (typeof options.model !== 'string' || options.model === ''))
    throw invalidOption('model', 'model must be a non-empty string');
  if (options.microphone !== undefined && typeof options.microphone !== 'function')
    checkMicrophone(options.microphone);
  if (options.onRemoteAudio !== undefined && typeof options.onRemoteAudio !== 'function')
    throw invalidOption('onRemoteAudio', 'onRemoteAudio must be a function');
  if (options.description !== undefined && typeof options.description !== 'string')
    throw invalidOption('description', 'description must be a string');
  checkCloseTimeout(options.closeTimeoutMs);
  checkSessionLimit(options.maxSessionDurationMs);
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
  const fetchSecret = secretPerAttempt(options.clientSecret, options.clock);
  return async (attempt) => {
    const url = checkUrl(
      await resolvePerAttempt(options.url ?? OPENAI_REALTIME_CALLS_URL, attempt),
    );
    if (options.model !== undefined) url.searchParams.set('model', options.model);
    const secret = checkSecret(await fetchSecret(attempt), true);
    const microphone = checkMicrophone(await resolvePerAttempt(options.microphone, attempt));
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
