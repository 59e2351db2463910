/**
 * The SDP exchange of a WebRTC connect: `POST` the offer to the Realtime API's calls endpoint
 * with the ephemeral key, read back the answer and the call id, and turn every refusal into a
 * typed, classified {@link WebRtcConnectError} the way `@voxwire/node`'s WebSocket handshake
 * maps a refused upgrade (401/403 fatal, 408/429/5xx retriable with `Retry-After`, other 4xx
 * fatal). Apart from the peer's lifecycle so that the HTTP mapping is tested on its own.
 * @module
 */
import type { FetchLike, FetchResponseLike } from '@voxwire/protocol';
import { callIdOfLocation, refusalMessage, refusalRetryAfterMs } from '@voxwire/protocol';
import { VoxwireError } from '../errors.js';
import { redact } from '../web-socket/redact.js';
import { WebRtcConnectError } from './errors.js';

/** How much of a refusal's wording goes into the error message. */
const MAX_DETAIL_CHARS = 300;

/** What one exchange needs. */
export interface SdpExchangeRequest {
  readonly fetch: FetchLike;
  /** The calls endpoint, `?model=` already on it. */
  readonly url: string;
  /** The ephemeral key, sent as `Authorization: Bearer …`. */
  readonly secret: string;
  /** The local offer's SDP. */
  readonly offer: string;
  /** Aborts the `POST` (the attempt's timeout, the session's close, the transport's close). */
  readonly signal: AbortSignal;
  /** What a server's wording must not pass on (the key, credential-like query values). */
  readonly secrets: readonly string[];
}

/** The server's answer. */
export interface SdpAnswer {
  /** The SDP answer, for `setRemoteDescription`. */
  readonly sdp: string;
  /** The call id, the last path segment of the `Location` header (`rtc_…`), when there is one. */
  readonly callId: string | undefined;
}

/**
 * Posts the offer and returns the answer.
 * @throws WebRtcConnectError for a refusal, a lost network or an answer that is no SDP;
 *   VoxwireError `ABORTED` when `signal` aborted the `POST`.
 */
export async function exchangeSdp(request: SdpExchangeRequest): Promise<SdpAnswer> {
  const host = hostOf(request.url);
  let response: FetchResponseLike;
  try {
    response = await request.fetch(request.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${request.secret}` },
      body: request.offer,
      signal: request.signal,
    });
  } catch (cause) {
    if (request.signal.aborted) throw aborted();
    // a browser says no more than "Failed to fetch" (offline, DNS, CORS); retrying may help
    throw new WebRtcConnectError(
      'CONNECT_FAILED',
      `could not post the WebRTC offer to ${host}: ${redact(describe(cause), request.secrets)}`,
      { step: 'network', cause },
    );
  }
  const ok = response.status >= 200 && response.status < 300;
  let body: string;
  try {
    body = await response.text();
  } catch (cause) {
    if (request.signal.aborted) throw aborted();
    // a refusal's body is only its wording: the status says enough without it
    if (!ok) body = '';
    // a 2xx cut off mid-body (a reset) is a network failure, worth trying again
    else
      throw new WebRtcConnectError(
        'CONNECT_FAILED',
        `the answer of ${host} to the WebRTC offer was cut off`,
        { step: 'network', cause },
      );
  }
  if (!ok) throw refusal(response, body, host, request.secrets);
  if (!isSdp(body))
    // a URL that is no Realtime calls endpoint (a page, a proxy's 200) answers so every time
    throw new WebRtcConnectError(
      'CONNECT_FAILED',
      `${host} answered the WebRTC offer with HTTP ${response.status} but no SDP answer (${body.trim() === '' ? 'an empty body' : 'the body does not start with v=0'}); is the URL a Realtime calls endpoint?`,
      { step: 'answer', fatal: true },
    );
  return { sdp: body, callId: callIdOf(response.headers.get('location')) };
}

/**
 * The typed error of a refused offer: 401/403 `AUTH_FAILED` (fatal); 408, 429 and 5xx
 * `CONNECT_FAILED`, retriable after the server's `Retry-After`; any other status (400 bad SDP or
 * parameters, 404 wrong path, a redirect `fetch` did not follow) `CONNECT_FAILED`, fatal.
 */
export function refusal(
  response: FetchResponseLike,
  body: string,
  host: string,
  secrets: readonly string[],
): WebRtcConnectError {
  const status = response.status;
  // redacted before the cut: a key across it would keep its first characters otherwise
  const said = redact(refusalMessage(body), secrets).slice(0, MAX_DETAIL_CHARS);
  const detail = said === '' ? '' : `: ${said}`;
  if (status === 401 || status === 403)
    return new WebRtcConnectError(
      'AUTH_FAILED',
      `${host} refused the WebRTC offer with HTTP ${status}${detail}. The client secret is wrong, expired or already used; retrying with it cannot succeed.`,
      { step: 'http', fatal: true, httpStatus: status },
    );
  if (status === 408 || status === 429 || status >= 500)
    return new WebRtcConnectError(
      'CONNECT_FAILED',
      `${host} refused the WebRTC offer with HTTP ${status}${detail}; retrying later may succeed.`,
      {
        step: 'http',
        httpStatus: status,
        // Azure's `retry-after-ms` first, as on the node paths
        retryAfterMs: refusalRetryAfterMs((name) => response.headers.get(name)),
      },
    );
  return new WebRtcConnectError(
    'CONNECT_FAILED',
    `${host} refused the WebRTC offer with HTTP ${status}${detail}. Check the URL, the model and the session the secret was minted for; retrying unchanged cannot succeed.`,
    { step: 'http', fatal: true, httpStatus: status },
  );
}

/**
 * The call id in a `Location` header (`/v1/realtime/calls/rtc_…`): its last path segment
 * (protocol's `callIdOfLocation`, which `@voxwire/node`'s `realtimeCalls().create` reads too).
 */
export function callIdOf(location: string | null): string | undefined {
  return callIdOfLocation(location);
}

// an SDP description starts with its version line (RFC 8866 §5)
function isSdp(body: string): boolean {
  return (body.trimStart().split(/\r?\n/, 1)[0] ?? '').trim() === 'v=0';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function aborted(): VoxwireError {
  return new VoxwireError('ABORTED', 'the WebRTC connect was aborted');
}
