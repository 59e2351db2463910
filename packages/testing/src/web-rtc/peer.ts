/**
 * The scripted `RTCPeerConnection` and the calls it connects to. After the app applies an
 * answer the kit's `fetch` issued, the peer goes `connecting` → `connected`, fires `ontrack`,
 * opens its data channel and the fake server accepts a media connection (`audioPath: 'media'`)
 * on it: each step one microtask hop, never a timer.
 * @module
 */
import type {
  RtcMediaTrackLike,
  RtcPeerConnectionLike,
  RtcSessionDescriptionLike,
  RtcTrackEventLike,
} from '@voxwire/protocol';
import { RTC_EVENTS_CHANNEL } from '@voxwire/protocol';
import { FakeServerError } from '../errors.js';
import type { FakeConnection } from '../server/connection.js';
import type { AcceptedConnection, FakeServer } from '../server/fake-server.js';
import { hearInputAudio } from '../server/handlers-audio.js';
import type { JsonObject } from '../server/wire.js';
import { FakeRtcDataChannel } from './data-channel.js';
import type { FakeMediaStream, FakeRemoteAudioTrack, WiredMicrophone } from './media.js';
import { callTokenOf, offerSdp } from './sdp.js';

/** `RTCPeerConnectionState`. */
export type FakeRtcConnectionState =
  'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

/** The scripted peer (`new kit.RTCPeerConnection()`): `RtcPeerConnectionLike` and what it set. */
export interface FakeRtcPeerConnection extends RtcPeerConnectionLike {
  readonly connectionState: FakeRtcConnectionState;
  /** The offer given to `setLocalDescription`, once set. */
  readonly localDescription: RtcSessionDescriptionLike | null;
  /** The answer given to `setRemoteDescription`, once set. */
  readonly remoteDescription: RtcSessionDescriptionLike | null;
}

/** One call the kit's `fetch` answered (`kit.calls`), with the test's handles on it. */
export interface FakeWebRtcCall {
  /** The call id (`rtc_…`), as the answer's `Location` names it. */
  readonly callId: string;
  /** Whether it came in on Azure's path (`/openai/v1/realtime/calls`). */
  readonly azure: boolean;
  /** The offer SDP posted, and the answer SDP returned. */
  readonly offer: string;
  readonly answer: string;
  /** The minted secret (`ek_…`) that authenticated it, or `undefined` for a standard key. */
  readonly clientSecret: string | undefined;
  /** The `session` part of a multipart call request (the call's session starts with it). */
  readonly session: JsonObject | undefined;
  /** `'answered'` until a peer applies the answer, then the peer's progress. */
  readonly state: 'answered' | 'connecting' | 'connected' | 'failed' | 'closed';
  /** The server side of the call (a media connection), once the channel opened. */
  readonly connection: FakeConnection | undefined;
  /** The model's voice the peer hands to `ontrack`, with its stream. */
  readonly remoteTrack: FakeRemoteAudioTrack;
  readonly remoteStream: FakeMediaStream;
  /**
   * The server hangs up: its connection closes (after the events already queued), the app's
   * channel fires `onclose` and the peer goes `'closed'` (with `onconnectionstatechange`).
   * @default code 1000, reason ''
   * @throws FakeServerError `NO_OPEN_CONNECTION` before the call connected or once it closed
   */
  hangUp(code?: number, reason?: string): void;
  /**
   * ICE fails: the peer goes `'failed'` (`onconnectionstatechange`), its channel closes
   * (`onclose`) and the server's connection ends (1006). Before the answer was applied, or
   * while connecting, the peer goes `connecting` → `failed` and nothing opens.
   */
  failIce(): void;
}

/** What peers need of their kit. */
export interface PeerKit {
  readonly server: FakeServer;
  newId(prefix: string): string;
  callOf(token: string | undefined): CallRecord | undefined;
  microphoneOf(track: RtcMediaTrackLike): WiredMicrophone | undefined;
}

const hop = (): Promise<void> => Promise.resolve();

function invalidState(message: string): FakeServerError {
  return new FakeServerError('RTC_INVALID_STATE', message);
}

/** A call's record, driven by the peer that applied its answer. */
export class CallRecord implements FakeWebRtcCall {
  state: FakeWebRtcCall['state'] = 'answered';
  iceFailed = false;
  peer: FakePeer | undefined;
  accepted: AcceptedConnection | undefined;
  readonly remoteTrack: FakeRemoteAudioTrack;
  readonly remoteStream: FakeMediaStream;

  constructor(
    readonly callId: string,
    readonly azure: boolean,
    readonly offer: string,
    readonly answer: string,
    readonly clientSecret: string | undefined,
    ids: (prefix: string) => string,
    // a multipart request's `session` part: the call's session starts with it
    readonly session: JsonObject | undefined = undefined,
  ) {
    const track: FakeRemoteAudioTrack = { kind: 'audio', id: ids('track'), callId };
    this.remoteTrack = track;
    this.remoteStream = { id: ids('stream'), getTracks: () => [track] };
  }

  get connection(): FakeConnection | undefined {
    return this.accepted?.connection;
  }

  hangUp(code = 1000, reason = ''): void {
    const conn = this.connection;
    if (!conn?.open)
      throw new FakeServerError(
        'NO_OPEN_CONNECTION',
        `call ${this.callId}.hangUp: the call is ${this.state}, with no open connection`,
      );
    conn.close(code, reason);
  }

  failIce(): void {
    this.iceFailed = true;
    this.peer?.iceFailed();
  }
}

/** The scripted peer connection. */
export class FakePeer implements FakeRtcPeerConnection {
  ontrack: ((event: RtcTrackEventLike) => void) | null = null;
  onconnectionstatechange: ((event: unknown) => void) | null = null;
  localDescription: RtcSessionDescriptionLike | null = null;
  remoteDescription: RtcSessionDescriptionLike | null = null;
  #state: FakeRtcConnectionState = 'new';
  readonly #channels: FakeRtcDataChannel[] = [];
  #audio: 'sendrecv' | 'recvonly' | undefined;
  #mic: WiredMicrophone | undefined;
  #call: CallRecord | undefined;

  constructor(private readonly kit: PeerKit) {}

  get connectionState(): FakeRtcConnectionState {
    return this.#state;
  }

  createDataChannel(label: string): FakeRtcDataChannel {
    this.#checkOpen('createDataChannel');
    const channel = new FakeRtcDataChannel(label);
    this.#channels.push(channel);
    return channel;
  }

  addTrack(track: RtcMediaTrackLike): unknown {
    this.#checkOpen('addTrack');
    if (track.kind !== 'audio')
      throw new FakeServerError('RTC_INVALID_TRACK', `addTrack: a ${track.kind} track; audio only`);
    // a track the kit did not make is offered, but carries nothing the fake can hear
    this.#mic = this.kit.microphoneOf(track) ?? this.#mic;
    this.#audio = 'sendrecv';
    return { track };
  }

  addTransceiver(kind: 'audio', init?: { direction?: 'sendrecv' | 'recvonly' }): unknown {
    this.#checkOpen('addTransceiver');
    if (kind !== 'audio')
      throw new FakeServerError(
        'RTC_INVALID_TRACK',
        `addTransceiver: '${String(kind)}'; audio only`,
      );
    const direction = init?.direction ?? 'sendrecv';
    if (this.#audio !== 'sendrecv') this.#audio = direction;
    return { direction };
  }

  createOffer(): Promise<RtcSessionDescriptionLike> {
    this.#checkOpen('createOffer');
    const sdp = offerSdp(this.kit.newId('sdp').replace(/\D/g, '') || '1', this.kit.newId('ufrag'), {
      audio: this.#audio,
      dataChannel: this.#channels.length > 0,
    });
    return Promise.resolve({ type: 'offer', sdp });
  }

  setLocalDescription(description: RtcSessionDescriptionLike): Promise<void> {
    this.#checkOpen('setLocalDescription');
    if (description.type !== 'offer')
      return Promise.reject(invalidState('setLocalDescription: the fake peer only makes offers'));
    this.localDescription = description;
    return Promise.resolve();
  }

  setRemoteDescription(description: RtcSessionDescriptionLike): Promise<void> {
    try {
      this.#checkOpen('setRemoteDescription');
      if (description.type !== 'answer' || !this.localDescription || this.remoteDescription)
        throw invalidState(
          'setRemoteDescription: an answer, once, after setLocalDescription(offer)',
        );
      const call = this.kit.callOf(callTokenOf(description.sdp ?? ''));
      if (!call || call.peer)
        throw new FakeServerError(
          'RTC_UNKNOWN_ANSWER',
          call
            ? `setRemoteDescription: call ${call.callId}'s answer was already applied`
            : "setRemoteDescription: not an answer the kit's fetch issued",
        );
      this.remoteDescription = description;
      this.#call = call;
      call.peer = this;
      void this.#connect(call);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Closes from the app's side, as a browser does: `'closed'` and the channels closed at once,
   * with no event; the server's connection ends (1000).
   */
  close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#teardown(false);
    if (this.#call) this.#call.state = 'closed';
    this.#call?.accepted?.closed(1000, '');
  }

  /** ICE failed (the test's `call.failIce()`). */
  iceFailed(): void {
    // not connecting yet: #connect reads the call's flag at its next step
    if (this.#state !== 'connecting' && this.#state !== 'connected') return;
    this.#setState('failed');
    this.#teardown(true);
    if (this.#call) this.#call.state = 'failed';
    this.#call?.accepted?.closed(1006, 'ICE connection failed');
  }

  async #connect(call: CallRecord): Promise<void> {
    await hop();
    if (!this.#is('new')) return;
    this.#setState('connecting');
    call.state = 'connecting';
    await hop();
    if (!this.#is('connecting')) return;
    if (call.iceFailed) return this.iceFailed();
    this.#setState('connected');
    call.state = 'connected';
    this.ontrack?.({ track: call.remoteTrack, streams: [call.remoteStream] });
    await hop();
    if (!this.#is('connected')) return;
    this.#open(call);
  }

  // opens the channels, then the server's session starts (session.created comes after onopen)
  #open(call: CallRecord): void {
    const events = this.#channels.find((c) => c.label === RTC_EVENTS_CHANNEL);
    // set once the server accepted, right after the channels opened (a frame sent from onopen
    // crosses on a later microtask, so it finds the connection)
    const server: { accepted?: AcceptedConnection } = {};
    for (const channel of this.#channels)
      channel.open(
        (frame) => {
          // only the events channel reaches the server; another label's frames go nowhere
          if (channel === events) server.accepted?.receive(frame);
        },
        () => {
          if (channel === events) server.accepted?.closed(1000, '');
        },
      );
    if (this.#state !== 'connected') return;
    const accepted = this.kit.server.accept(
      {
        send: (frame) => queueMicrotask(() => events?.deliver(frame)),
        close: () => queueMicrotask(() => this.#remoteClosed(call)),
      },
      {
        dialect: 'ga',
        audioPath: 'media',
        webRtcCallId: call.callId,
        ...(call.session !== undefined ? { session: call.session } : {}),
        ...(call.clientSecret !== undefined ? { clientSecret: call.clientSecret } : {}),
      },
    );
    server.accepted = accepted;
    call.accepted = accepted;
    const conn = accepted.connection;
    this.#mic?.route((pcm) => {
      if (!conn.open) return false;
      hearInputAudio(conn, pcm);
      return true;
    });
  }

  // the server closed the call (hang-up, expiry, a fault): channel onclose, peer 'closed'
  #remoteClosed(call: CallRecord): void {
    if (this.#state === 'closed' || this.#state === 'failed') return;
    this.#teardown(true);
    call.state = 'closed';
    this.#setState('closed');
  }

  #teardown(events: boolean): void {
    this.#mic?.route(undefined);
    for (const channel of this.#channels) channel.end(events);
  }

  // a method, not a comparison of the field: TypeScript would keep its narrowing across awaits
  #is(state: FakeRtcConnectionState): boolean {
    return this.#state === state;
  }

  #setState(state: FakeRtcConnectionState): void {
    this.#state = state;
    this.onconnectionstatechange?.({ type: 'connectionstatechange' });
  }

  #checkOpen(where: string): void {
    if (this.#state === 'closed') throw invalidState(`${where}: the peer connection is closed`);
  }
}
