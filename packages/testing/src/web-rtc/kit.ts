/**
 * `createFakeWebRtc()`: an in-memory scripted WebRTC peer and calls endpoint linked to a fake
 * server, so a WebRTC client (a connector taking `RTCPeerConnection` and `fetch`) is tested
 * without a browser, a network or a model.
 * @module
 */
import type { FetchLike, RtcMediaTrackLike, RtcPeerConnectionConstructor } from '@voxwire/protocol';
import { FakeServerOptionsError } from '../errors.js';
import { FakeServer, type FakeServerOptions } from '../server/fake-server.js';
import { callsEndpoint, type CallFailure } from './calls-endpoint.js';
import { createMicrophone, type FakeMicrophone, type WiredMicrophone } from './media.js';
import { CallRecord, FakePeer, type FakeRtcPeerConnection, type FakeWebRtcCall } from './peer.js';
import { answerSdp } from './sdp.js';

/** Options of {@link createFakeWebRtc}. */
export interface CreateFakeWebRtcOptions extends FakeServerOptions {
  /**
   * An existing server the calls connect to (shared with in-memory or ws transports). With it,
   * only `apiKey` may be set: any server option throws {@link FakeServerOptionsError}.
   * @default a new FakeServer(options)
   */
  readonly server?: FakeServer | undefined;
  /**
   * The only standard key the calls endpoint accepts, as the ws mode's `apiKey`. A live secret
   * the server minted (`server.mintClientSecret`) is always accepted; an expired one never.
   * @default undefined (any non-empty key)
   */
  readonly apiKey?: string | undefined;
}

/** What {@link createFakeWebRtc} returns. */
export interface FakeWebRtcKit {
  /** The scripted `RTCPeerConnection` class, to pass where a browser's goes. */
  readonly RTCPeerConnection: RtcPeerConnectionConstructor &
    (new (configuration?: unknown) => FakeRtcPeerConnection);
  /**
   * Serves `POST https://<any host>/v1/realtime/calls` and `/openai/v1/realtime/calls`: an SDP
   * offer (`application/sdp`), or the unified `multipart/form-data` form (`sdp` and `session`
   * parts, standard key; the session part starts the call's session); and the call-control
   * routes `…/calls/{id}/accept|reject|refer|hangup` (as `server.callsApi()`).
   */
  readonly fetch: FetchLike;
  /** The fake server the calls connect to. */
  readonly server: FakeServer;
  /** Every call answered with 201, oldest first. */
  readonly calls: readonly FakeWebRtcCall[];
  /** A new fake microphone track, for `pc.addTrack(mic)`. */
  microphone(): FakeMicrophone;
  /** The next call request (a POST to a calls path) gets this failure instead of its answer. */
  failNextCall(failure: CallFailure): void;
}

const KIT_OPTIONS: ReadonlySet<string> = new Set(['server', 'apiKey']);

/**
 * Creates a scripted WebRTC peer, calls endpoint and fake server. The peer's data channel
 * (`oai-events`) carries the GA events to a media connection (`audioPath: 'media'`): no audio
 * deltas, `output_audio_buffer.*` instead; the microphone's audio reaches the server's VAD.
 *
 * @example
 * const kit = createFakeWebRtc();
 * const secret = kit.server.mintClientSecret({}).body['value'];
 * const pc = new kit.RTCPeerConnection();
 * pc.addTrack(kit.microphone());
 * const channel = pc.createDataChannel('oai-events');
 * // …offer, POST it with kit.fetch and the secret, apply the answer: the channel opens
 */
export function createFakeWebRtc(options: CreateFakeWebRtcOptions = {}): FakeWebRtcKit {
  if (options.server) {
    const ignored = Object.entries(options)
      .filter(([key, value]) => value !== undefined && !KIT_OPTIONS.has(key))
      .map(([key]) => `'${key}'`);
    if (ignored.length)
      throw new FakeServerOptionsError(
        `createFakeWebRtc: ${ignored.join(', ')} would be ignored with an existing \`server\` (it keeps the options it was made with)`,
      );
  }
  const server = options.server ?? new FakeServer(options);
  const calls: CallRecord[] = [];
  const failures: CallFailure[] = [];
  const microphones = new WeakMap<RtcMediaTrackLike, WiredMicrophone>();
  let counter = 0;
  const newId = (prefix: string) => `${prefix}_${String(++counter).padStart(4, '0')}`;
  const kit = {
    server,
    newId,
    callOf: (token: string | undefined) => calls.find((c) => c.callId === token),
    microphoneOf: (track: RtcMediaTrackLike) => microphones.get(track),
  };
  class RTCPeerConnection extends FakePeer {
    constructor(_configuration?: unknown) {
      super(kit);
    }
  }
  const fetch = callsEndpoint({
    server,
    apiKey: options.apiKey,
    takeFailure: () => failures.shift(),
    control: server,
    checkSession: (session) => server.checkSessionConfig(session),
    createCall: (azure, offer, shape, clientSecret, session) => {
      const callId = newId('rtc');
      const answer = answerSdp(String(counter), callId, shape);
      calls.push(new CallRecord(callId, azure, offer, answer, clientSecret, newId, session));
      return { callId, answer };
    },
  });
  return {
    RTCPeerConnection,
    fetch,
    server,
    calls,
    microphone: () => {
      const wired = createMicrophone(newId('mic'));
      microphones.set(wired.track, wired);
      return wired.track;
    },
    failNextCall: (failure) => {
      if (!Number.isInteger(failure.status) || failure.status < 400 || failure.status > 599)
        throw new FakeServerOptionsError(
          `failNextCall: status must be an HTTP error status (400–599), got ${failure.status}`,
        );
      failures.push(failure);
    },
  };
}
