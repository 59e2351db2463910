/**
 * A {@link Transport} over a WebRTC peer connection's `oai-events` data channel: the Realtime
 * API's browser path. The audio travels on the peer's media tracks (the microphone sent, the
 * model's voice received), the events on the channel as text frames.
 *
 * The whole connect (peer, offer, `POST`, answer, channel open) happens in `start()`, not in the
 * connector: the engine closes a transport whose `start()` failed, timed out or was abandoned,
 * so the transport that owns the peer is always the one told to let it go. A connector's
 * promise that loses the race against the connect timeout is dropped with nobody to close what
 * it made; this connector's promise makes nothing that needs closing.
 * @module
 */
import type {
  Clock,
  RtcDataChannelLike,
  RtcMediaTrackLike,
  RtcPeerConnectionConstructor,
  RtcPeerConnectionLike,
  RtcTrackEventLike,
  TimerId,
  Transport,
} from '@voxwire/protocol';
import { CloseCode, RTC_EVENTS_CHANNEL, systemClock, TransportCallbacks } from '@voxwire/protocol';
import { checkCloseTimeout } from '../connector-options.js';
import { VoxwireError } from '../errors.js';
import { toBytes } from '../web-socket/transport.js';
import { WebRtcConnectError } from './errors.js';
import { exchangeSdp, type SdpExchangeRequest } from './sdp-exchange.js';

/** Options of {@link WebRtcTransport}. */
export interface WebRtcTransportOptions {
  /** The `RTCPeerConnection` constructor (the browser's global). */
  readonly RTCPeerConnection: RtcPeerConnectionConstructor;
  /** Passed to the `RTCPeerConnection` constructor (ICE servers, say). @default undefined */
  readonly rtcConfiguration?: unknown;
  /** The SDP exchange, all but the offer and the signal (see `exchangeSdp`). */
  readonly exchange: Omit<SdpExchangeRequest, 'offer' | 'signal'>;
  /** The microphone track to send; without one the peer only receives. @default undefined */
  readonly microphone?: RtcMediaTrackLike | undefined;
  /** Called with the remote (model's) audio track. @default undefined */
  readonly onRemoteAudio?: ((event: RtcTrackEventLike) => void) | undefined;
  /** The attempt's signal: its abort (connect timeout, session close) ends the connect. @default undefined */
  readonly signal?: AbortSignal | undefined;
  /** Milliseconds `close()` waits for the channel's close before it reports 1006. @default 5000 */
  readonly closeTimeoutMs?: number | undefined;
  /** Time source of the close timeout (pass the session's clock). @default systemClock */
  readonly clock?: Clock | undefined;
}

/** What {@link WebRtcTransport.raw} exposes. */
export interface WebRtcRaw {
  /** The peer connection, once `start()` made it. */
  readonly peerConnection: RtcPeerConnectionLike | undefined;
  /** The `oai-events` data channel, once `start()` made it. */
  readonly dataChannel: RtcDataChannelLike | undefined;
  /** The call id (`rtc_…`) from the answer's `Location` header, when it had one. */
  readonly callId: string | undefined;
}

// the WebSocket transports' default
const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

type State = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

/**
 * A transport over a WebRTC data channel. `start()` makes the peer, exchanges the SDP and
 * resolves when the channel opens; it rejects with a {@link WebRtcConnectError} (classified for
 * the reconnect policy), with `ABORTED` when `close()` or the signal ended it, and closes the
 * peer on every failure. `onclose` fires exactly once.
 */
export class WebRtcTransport extends TransportCallbacks implements Transport {
  readonly #options: WebRtcTransportOptions;
  readonly #clock: Clock;
  readonly #closeTimeoutMs: number;
  // aborts the POST: the attempt's signal, close(), a failure
  readonly #abort = new AbortController();
  #state: State = 'idle';
  #peer: RtcPeerConnectionLike | undefined;
  #channel: RtcDataChannelLike | undefined;
  #callId: string | undefined;
  #resolveStart: (() => void) | undefined;
  #rejectStart: ((error: Error) => void) | undefined;
  #closeTimer: TimerId | undefined;
  // the close() asked for, reported once the channel closed
  #closeCode: number = CloseCode.Normal;
  #closeReason = '';
  // the answer was applied: a channel open before that (a fake peer's) waits for it
  #answered = false;
  readonly #onSignalAbort = (): void =>
    this.#fail(new VoxwireError('ABORTED', 'the WebRTC connect was aborted (timeout or close)'));

  /**
   * Creates an unstarted transport: nothing is made until `start()`.
   * @throws VoxwireError `INVALID_ARGUMENT` for a `closeTimeoutMs` that is not a positive number.
   */
  constructor(options: WebRtcTransportOptions) {
    super();
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    const closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    checkCloseTimeout(closeTimeoutMs);
    this.#closeTimeoutMs = closeTimeoutMs;
  }

  /** Bytes queued on the data channel and not yet sent. */
  get bufferedAmount(): number {
    return this.#channel?.bufferedAmount ?? 0;
  }

  /** The peer connection, the data channel and the call id. */
  get raw(): WebRtcRaw {
    return { peerConnection: this.#peer, dataChannel: this.#channel, callId: this.#callId };
  }

  start(): Promise<void> {
    if (this.#state !== 'idle')
      return Promise.reject(
        new VoxwireError(
          'NOT_CONNECTED',
          `start() was already called (transport is ${this.#state})`,
        ),
      );
    this.#state = 'connecting';
    const started = new Promise<void>((resolve, reject) => {
      this.#resolveStart = resolve;
      this.#rejectStart = reject;
    });
    const { signal } = this.#options;
    if (signal?.aborted) this.#onSignalAbort();
    else {
      signal?.addEventListener('abort', this.#onSignalAbort, { once: true });
      void this.#connect();
    }
    return started;
  }

  send(frame: string): void {
    const channel = this.#channel;
    if (this.#state !== 'open' || channel === undefined || channel.readyState !== 'open')
      throw new VoxwireError('NOT_CONNECTED', `cannot send: the transport is ${this.#state}`);
    try {
      channel.send(frame);
    } catch (cause) {
      // a browser refuses a send on a channel that began closing this very tick: kept for the
      // next connection; anything else (a full send queue) is a failure of this frame
      if (channel.readyState !== 'open')
        throw new VoxwireError('NOT_CONNECTED', 'cannot send: the data channel is closing', {
          cause,
        });
      throw new VoxwireError('SOCKET_ERROR', 'the data channel refused the frame', { cause });
    }
  }

  close(code: number = CloseCode.Normal, reason = ''): Promise<void> {
    switch (this.#state) {
      case 'idle':
        this.#state = 'closed';
        this.finish(code, reason);
        break;
      case 'connecting':
        this.#fail(
          new VoxwireError('ABORTED', 'the transport was closed while connecting'),
          code,
          reason,
        );
        break;
      case 'open': {
        this.#state = 'closing';
        this.#closeCode = code;
        this.#closeReason = reason;
        // the channel's close sends what is still queued first; the peer goes once it did, or
        // at the timeout: closing the peer at once would drop the last frames
        this.#channel?.close();
        if (this.#channel?.readyState === 'closed') this.#end(code, reason);
        else
          this.#closeTimer = this.#clock.setTimeout(() => {
            this.#closeTimer = undefined;
            this.#end(
              CloseCode.Abnormal,
              `close timeout: the data channel did not close within ${this.#closeTimeoutMs} ms`,
            );
          }, this.#closeTimeoutMs);
        break;
      }
      default:
        break;
    }
    return this.closed;
  }

  async #connect(): Promise<void> {
    const o = this.#options;
    let peer: RtcPeerConnectionLike;
    try {
      // the constructor's parameter is `never` in its type (see RtcPeerConnectionConstructor)
      const Peer = o.RTCPeerConnection as new (configuration?: unknown) => RtcPeerConnectionLike;
      peer = new Peer(o.rtcConfiguration);
    } catch (cause) {
      // a configuration the browser refuses (a malformed ICE server URL) it refuses every time
      this.#fail(
        new VoxwireError(
          'INVALID_ARGUMENT',
          `could not create the RTCPeerConnection: ${describe(cause)} (check rtcConfiguration)`,
          { cause, data: { argument: 'rtcConfiguration' } },
        ),
      );
      return;
    }
    this.#peer = peer;
    try {
      peer.ontrack = (event) => this.#onTrack(event);
      peer.onconnectionstatechange = () => this.#onPeerState(peer.connectionState);
      if (o.microphone !== undefined) peer.addTrack(o.microphone);
      // without a track of its own, a transceiver that only receives still brings the voice
      else peer.addTransceiver('audio', { direction: 'recvonly' });
      const channel = peer.createDataChannel(RTC_EVENTS_CHANNEL);
      this.#channel = channel;
      this.#wireChannel(channel);
      const offer = await peer.createOffer();
      if (this.#state !== 'connecting') return;
      await peer.setLocalDescription(offer);
      if (this.#state !== 'connecting') return;
      if (offer.sdp === undefined || offer.sdp === '')
        throw new WebRtcConnectError('CONNECT_FAILED', 'the peer made an offer without SDP', {
          step: 'peer',
        });
      const answer = await exchangeSdp({
        ...o.exchange,
        offer: offer.sdp,
        signal: this.#abort.signal,
      });
      if (this.#state !== 'connecting') return;
      this.#callId = answer.callId;
      try {
        await peer.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
      } catch (cause) {
        // the browser cannot use what the server sent: it will send the same again
        throw new WebRtcConnectError(
          'CONNECT_FAILED',
          `the peer refused the server's SDP answer: ${describe(cause)}`,
          { step: 'answer', fatal: true, cause },
        );
      }
      if (this.#state !== 'connecting') return;
      this.#answered = true;
      // a channel that opened during the exchange (a fake peer can) fired onopen already
      if (channel.readyState === 'open') this.#opened();
    } catch (error) {
      this.#fail(
        error instanceof VoxwireError
          ? error
          : new WebRtcConnectError(
              'CONNECT_FAILED',
              `the WebRTC connect failed: ${describe(error)}`,
              { step: 'peer', cause: error },
            ),
      );
    }
  }

  #wireChannel(channel: RtcDataChannelLike): void {
    channel.onopen = () => {
      // the SDP exchange has not finished yet: #connect opens once it has
      if (this.#state === 'connecting' && this.#answered) this.#opened();
    };
    channel.onmessage = (event) => {
      // frames after the end: nobody listens, none is kept
      if (this.#state === 'closed' || this.#state === 'idle') return;
      const data = event.data;
      this.receive(typeof data === 'string' ? data : toBytes(data));
    };
    channel.onerror = () => {
      // while connecting, the close that follows fails the connect; a browser says no more
      if (this.#state !== 'open') return;
      this.report(new VoxwireError('SOCKET_ERROR', 'data channel error'));
    };
    channel.onclose = () => {
      if (this.#state === 'connecting')
        this.#fail(
          new WebRtcConnectError('CONNECT_FAILED', 'the data channel closed before it opened', {
            step: 'channel',
          }),
        );
      else if (this.#state === 'open') this.#end(CloseCode.Abnormal, 'the data channel closed');
      else if (this.#state === 'closing') this.#end(this.#closeCode, this.#closeReason);
    };
  }

  #onTrack(event: RtcTrackEventLike): void {
    const listener = this.#options.onRemoteAudio;
    if (listener === undefined) return;
    try {
      listener(event);
    } catch (cause) {
      // the app's audio element failed; the events still flow, so the connection stays
      this.report(
        new VoxwireError('LISTENER_FAILED', `onRemoteAudio threw: ${describe(cause)}`, {
          cause,
          data: { event: 'onRemoteAudio' },
        }),
      );
    }
  }

  #onPeerState(state: string): void {
    if (state !== 'failed' && state !== 'closed') return;
    if (this.#state === 'connecting')
      this.#fail(
        new WebRtcConnectError('CONNECT_FAILED', `the peer connection ${state} while connecting`, {
          step: 'peer',
        }),
      );
    else if (this.#state === 'open') this.#end(CloseCode.Abnormal, `the peer connection ${state}`);
    else if (this.#state === 'closing') this.#end(this.#closeCode, this.#closeReason);
  }

  #opened(): void {
    this.#state = 'open';
    this.#options.signal?.removeEventListener('abort', this.#onSignalAbort);
    const resolve = this.#resolveStart;
    this.#resolveStart = this.#rejectStart = undefined;
    resolve?.();
  }

  // a failed or abandoned connect: start() rejects, the peer goes, onclose reports the end
  #fail(error: Error, code: number = CloseCode.Abnormal, reason = error.message): void {
    if (this.#state !== 'connecting') return;
    const reject = this.#rejectStart;
    this.#resolveStart = this.#rejectStart = undefined;
    reject?.(error);
    this.#end(code, reason);
  }

  // the one way out: everything let go, then onclose once
  #end(code: number, reason: string): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#options.signal?.removeEventListener('abort', this.#onSignalAbort);
    this.#abort.abort();
    this.#clock.clearTimeout(this.#closeTimer);
    this.#closeTimer = undefined;
    const channel = this.#channel;
    if (channel !== undefined) {
      channel.onopen = channel.onclose = channel.onerror = channel.onmessage = null;
      try {
        channel.close();
      } catch {
        // already closed
      }
    }
    const peer = this.#peer;
    if (peer !== undefined) {
      peer.ontrack = peer.onconnectionstatechange = null;
      try {
        peer.close();
      } catch {
        // already closed
      }
    }
    this.finish(code, reason);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
