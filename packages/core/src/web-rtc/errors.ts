/**
 * The typed error of a failed WebRTC connect. The engine's retry policy reads an adapter's error
 * duck-typed (`code`, `fatal`, `httpStatus`, `retryAfterMs` on the error itself, as
 * `@voxwire/node`'s `TransportError` carries them): this class puts them there, and in `data`
 * for the app, so a 401 ends the session, a 503's `Retry-After` is waited for, and a dropped
 * network is retried, as over a WebSocket.
 * @module
 */
import { VoxwireError, type VoxwireErrorCode } from '../errors.js';

/**
 * Which step of a WebRTC connect failed, in `error.data.step`:
 * - `http`: the SDP offer's `POST` was refused (`httpStatus`, `retryAfterMs`).
 * - `network`: the `POST` never got an answer (`fetch` rejected), or its body was cut off.
 * - `answer`: the server answered 2xx with no SDP answer, or the peer refused it.
 * - `peer`: the peer connection failed (ICE, DTLS) or could not make its offer.
 * - `channel`: the events' data channel closed before it opened.
 */
export type WebRtcFailureStep = 'http' | 'network' | 'answer' | 'peer' | 'channel';

/** Options of {@link WebRtcConnectError}. */
export interface WebRtcConnectErrorOptions {
  /** The step that failed. */
  readonly step: WebRtcFailureStep;
  /** Reconnecting cannot help (bad key, bad request, a URL that is no Realtime endpoint). @default false */
  readonly fatal?: boolean | undefined;
  /** The HTTP status that refused the offer. @default undefined */
  readonly httpStatus?: number | undefined;
  /** The server's `Retry-After`, ms. @default undefined */
  readonly retryAfterMs?: number | undefined;
  /** The underlying error (a `fetch` rejection, a peer's). @default undefined */
  readonly cause?: unknown;
}

/**
 * A WebRTC connect that failed: `AUTH_FAILED` (HTTP 401/403, fatal) or `CONNECT_FAILED` (fatal
 * or not, see `fatal`). `data` holds `{ step, fatal, httpStatus?, retryAfterMs? }`.
 */
export class WebRtcConnectError extends VoxwireError {
  override readonly name: string = 'WebRtcConnectError';
  /** True when retrying with the same options cannot succeed: the session does not reconnect. */
  readonly fatal: boolean;
  /** The HTTP status that refused the offer, for a `step: 'http'` failure. */
  readonly httpStatus: number | undefined;
  /** The delay the server asked for (`Retry-After`), ms; the session waits that long to retry. */
  readonly retryAfterMs: number | undefined;

  /** Creates the error of one failed step. */
  constructor(code: VoxwireErrorCode, message: string, options: WebRtcConnectErrorOptions) {
    const fatal = options.fatal ?? false;
    super(code, message, {
      cause: options.cause,
      data: {
        step: options.step,
        fatal,
        ...(options.httpStatus === undefined ? {} : { httpStatus: options.httpStatus }),
        ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
      },
    });
    this.fatal = fatal;
    this.httpStatus = options.httpStatus;
    this.retryAfterMs = options.retryAfterMs;
  }
}
