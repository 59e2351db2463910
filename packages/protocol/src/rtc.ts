/**
 * The slice of the WebRTC and Fetch APIs a WebRTC connector uses, typed structurally so that
 * `core` needs no DOM library and a test can pass a scripted peer (`@voxwire/testing`'s
 * `createFakeWebRtc`) where a browser passes `RTCPeerConnection` and `fetch`. Every member is one
 * the standard objects have, with the same meaning; nothing here is voxwire's invention.
 *
 * Why WebRTC at all: in a browser, the Realtime API's WebRTC endpoint (`POST /v1/realtime/calls`)
 * carries the microphone and the model's voice as media tracks, with the browser's echo
 * cancellation, jitter buffer and playout, while the events travel on a data channel named
 * `oai-events`. The server then plays the audio itself, so it knows what was heard
 * (`output_audio_buffer.started`/`stopped`/`cleared`) — the barge-in cut every WebSocket client
 * has to estimate (peers.md §3 #7).
 * @module
 */

/** The label of the data channel the Realtime API's events travel on (OpenAI's WebRTC guide). */
export const RTC_EVENTS_CHANNEL = 'oai-events';

/**
 * An event handler property (`onopen`, `ontrack`, …). Declared through a method so that its
 * parameter is checked both ways: the DOM's handlers take their own event classes
 * (`(ev: MessageEvent) => any`), which a handler of a structural event type would otherwise not
 * accept under `strictFunctionTypes`, while a test's handler of the structural type fits as well.
 */
export type RtcHandler<E> = { bivarianceHack(event: E): void }['bivarianceHack'] | null;

/** An SDP offer or answer (`RTCSessionDescriptionInit`). */
export interface RtcSessionDescriptionLike {
  readonly type: 'offer' | 'answer' | 'pranswer' | 'rollback';
  // no `| undefined`: the DOM's `RTCLocalSessionDescriptionInit.sdp` is `string` when present
  readonly sdp?: string;
}

/** `RTCDataChannel`: the events' pipe. Text frames only (the Realtime API sends JSON). */
export interface RtcDataChannelLike {
  readonly label: string;
  /** `'connecting' | 'open' | 'closing' | 'closed'`. */
  readonly readyState: string;
  /** Bytes queued by `send` and not yet handed to the network. */
  readonly bufferedAmount: number;
  send(data: string): void;
  close(): void;
  onopen: RtcHandler<unknown>;
  onmessage: RtcHandler<{ readonly data: unknown }>;
  onclose: RtcHandler<unknown>;
  onerror: RtcHandler<unknown>;
}

/** A media track (`MediaStreamTrack`): the microphone the app captured, or the model's voice. */
export interface RtcMediaTrackLike {
  /** `'audio'` for every track a connector handles. */
  readonly kind: string;
}

/** `RTCTrackEvent`: the remote (model's) audio arrived. */
export interface RtcTrackEventLike {
  readonly track: RtcMediaTrackLike;
  /** The remote streams the track belongs to; attach `streams[0]` to an `<audio>` element. */
  readonly streams: readonly unknown[];
}

/** `RTCPeerConnection`, as far as a Realtime connector uses it. */
export interface RtcPeerConnectionLike {
  /** `'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed'`. */
  readonly connectionState: string;
  createDataChannel(label: string, init?: { ordered?: boolean }): RtcDataChannelLike;
  addTrack(track: RtcMediaTrackLike, ...streams: unknown[]): unknown;
  addTransceiver(kind: 'audio', init?: { direction?: 'sendrecv' | 'recvonly' }): unknown;
  createOffer(): Promise<RtcSessionDescriptionLike>;
  setLocalDescription(description: RtcSessionDescriptionLike): Promise<void>;
  setRemoteDescription(description: RtcSessionDescriptionLike): Promise<void>;
  close(): void;
  ontrack: RtcHandler<RtcTrackEventLike>;
  onconnectionstatechange: RtcHandler<unknown>;
}

/**
 * The `RTCPeerConnection` constructor (`globalThis.RTCPeerConnection` in a browser). Its
 * parameter is typed `never` so that the DOM's constructor (which takes an `RTCConfiguration`)
 * and a test's (which takes anything) both fit; a connector passes the configuration it was given.
 */
export type RtcPeerConnectionConstructor = new (configuration?: never) => RtcPeerConnectionLike;

/** A `fetch` response, as far as the SDP exchange reads it. */
export interface FetchResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** `fetch` (`globalThis.fetch` in a browser or Node 18+). */
export type FetchLike = (
  url: string,
  init: {
    readonly method: string;
    readonly headers: Record<string, string>;
    readonly body: string;
    // no `| undefined`: the DOM's `RequestInit.signal` is `AbortSignal | null`, and under
    // `exactOptionalPropertyTypes` an explicit `undefined` would not fit the browser's `fetch`
    readonly signal?: AbortSignal;
  },
) => Promise<FetchResponseLike>;
