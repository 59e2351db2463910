/**
 * The ws fake's real WebRTC peer: an answerer made with `werift` (an optional peer dependency,
 * imported only when `startFakeWsServer({ webRtc: true })`), on 127.0.0.1 only, whose
 * `oai-events` data channel carries a media connection of the fake server, which sends 20 ms
 * Opus silence frames as the model's voice and counts the microphone's RTP packets.
 * @module
 */
import type * as Werift from 'werift';
import type { Clock, TimerId } from '@voxwire/protocol';
import { MAX_SESSION_DURATION_MS, RTC_EVENTS_CHANNEL } from '@voxwire/protocol';
import { WebRtcUnavailableError } from '../errors.js';
import type { FakeConnection } from '../server/connection.js';
import type { JsonObject } from '../server/wire.js';
import type { AcceptedConnection, FakeServer } from '../server/fake-server.js';
import { hearInputAudio } from '../server/handlers-audio.js';

/** The werift version the fake is built and tested against (0.25 needs Node 22). */
export const WERIFT_VERSION = '0.24.4';

/**
 * How long an answered call waits for its `oai-events` channel to open, ms of the ws server's
 * clock: a browser that never applies the answer (or never completes ICE, or opens no such
 * channel) would otherwise keep the peer, its UDP socket and its Opus timer until the fake closes.
 */
export const WEBRTC_CONNECT_TIMEOUT_MS = 30_000;

/** The `werift` module. */
export type WeriftModule = typeof Werift;

/**
 * Imports `werift`, or rejects with {@link WebRtcUnavailableError} saying how to install it.
 * @param importer how to import it (a test replaces it)
 */
export async function loadWerift(
  importer: () => Promise<unknown> = () => import('werift'),
): Promise<WeriftModule> {
  try {
    const mod = (await importer()) as WeriftModule & { default?: WeriftModule };
    // the CJS build's interop may put the named exports under `default`
    return typeof mod.RTCPeerConnection === 'function' ? mod : (mod.default ?? mod);
  } catch (cause) {
    throw new WebRtcUnavailableError(
      `startFakeWsServer({ webRtc: true }) needs the optional peer dependency werift: install werift@${WERIFT_VERSION} (npm i -D werift@${WERIFT_VERSION})`,
      { cause },
    );
  }
}

/** One WebRTC call the ws fake answered with 201 (`fake.webRtcCalls`). */
export interface FakeWsWebRtcCall {
  /** The call id (`rtc_…`), as the answer's `Location` names it. */
  readonly callId: string;
  /** Whether it came in on Azure's path (`/openai/v1/realtime/calls`). */
  readonly azure: boolean;
  /** The minted secret (`ek_…`) that authenticated it, or `undefined` for a standard key. */
  readonly clientSecret: string | undefined;
  /** The offer SDP posted, as received (before the non-loopback candidates were dropped). */
  readonly offer: string;
  /** The answer SDP returned. */
  readonly answer: string;
  /**
   * `'answered'` until the `oai-events` channel opens, `'open'` while the server's connection
   * lives, then `'closed'` (either side hung up, ICE failed, the ws fake closed, or the channel
   * did not open within {@link WEBRTC_CONNECT_TIMEOUT_MS} of the answer).
   */
  readonly state: 'answered' | 'open' | 'closed';
  /** The server side of the call (a media connection), once the channel opened. */
  readonly connection: FakeConnection | undefined;
  /** RTP packets received on the browser's microphone track so far. */
  readonly micPackets: number;
  /** RTP packets of Opus silence sent as the model's voice so far. */
  readonly sentPackets: number;
  /** Resolves once the call is closed and its peer, timers and socket are released. */
  readonly closed: Promise<void>;
  /**
   * Feeds PCM16 mono 24 kHz samples to the call's server as the microphone would: the VAD,
   * commits and transcription hear them as they would `input_audio_buffer.append`. The real
   * microphone's Opus is not decoded (the fake's VAD never hears it): this is how a test scripts
   * a spoken turn over a real WebRTC call.
   * @returns whether the audio reached an open connection
   */
  hear(pcm: Int16Array): boolean;
}

/** What a call needs of the ws fake. */
export interface WeriftCallHost {
  readonly werift: WeriftModule;
  readonly server: FakeServer;
  /** The clock the connect bound ({@link WEBRTC_CONNECT_TIMEOUT_MS}) runs on. */
  readonly clock: Clock;
  /**
   * The session length of its connection, ms.
   * @default by provider: OpenAI's or Azure's maximum
   */
  readonly maxSessionDurationMs: number | undefined;
}

// one 20 ms Opus frame of silence (CELT, TOC 0xf8): what a real server sends between words
const OPUS_SILENCE = new Uint8Array([0xf8, 0xff, 0xfe]);
const FRAME_MS = 20;
// 20 ms at Opus's 48 kHz RTP clock
const FRAME_TICKS = 960;
const LOOPBACK_CANDIDATE = / 127\.0\.0\.1 \d+ typ host/;

/**
 * Keeps only the offer's 127.0.0.1 host candidates: a browser's other addresses (and any
 * `*.local` mDNS name, which werift would resolve with a multicast query on the LAN) are
 * never tried, so the call stays on loopback. Lines end in CRLF in what it returns.
 */
export function loopbackOnly(sdp: string): string {
  // werift also parses an SDP whose lines end in a bare LF: read those as lines too, and give
  // werift CRLF only, so that no candidate can hide inside a line it would split differently
  return sdp
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('a=candidate') || LOOPBACK_CANDIDATE.test(line))
    .join('\r\n');
}

/** A call answered by werift. */
export class WeriftCall implements FakeWsWebRtcCall {
  state: FakeWsWebRtcCall['state'] = 'answered';
  micPackets = 0;
  sentPackets = 0;
  answer = '';
  readonly closed: Promise<void>;
  #accepted: AcceptedConnection | undefined;
  #channel: Werift.RTCDataChannel | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #connectTimer: TimerId | undefined;
  #done!: () => void;
  #closing = false;

  private constructor(
    readonly callId: string,
    readonly azure: boolean,
    readonly clientSecret: string | undefined,
    readonly offer: string,
    private readonly host: WeriftCallHost,
    private readonly pc: Werift.RTCPeerConnection,
    // a multipart request's `session` part: the call's session starts with it
    private readonly session: JsonObject | undefined,
  ) {
    this.closed = new Promise((resolve) => (this.#done = resolve));
  }

  /**
   * Answers an offer: the peer (loopback only, no STUN), the mic counted, the voice track
   * sending silence, the events channel bridged to the fake server once it opens.
   * @throws whatever werift throws on an offer it cannot apply (the peer is closed first)
   */
  static async answer(
    host: WeriftCallHost,
    call: {
      callId: string;
      azure: boolean;
      clientSecret: string | undefined;
      offer: string;
      session?: JsonObject | undefined;
    },
  ): Promise<WeriftCall> {
    const { werift } = host;
    const pc = new werift.RTCPeerConnection({
      // werift's default is Google's STUN server: a test must never reach the network
      iceServers: [],
      // no interface scan: the only host candidate is the additional 127.0.0.1 below
      iceUseIpv4: false,
      iceUseIpv6: false,
      iceAdditionalHostAddresses: ['127.0.0.1'],
      iceInterfaceAddresses: { udp4: '127.0.0.1' },
      // answer and pair with 127.0.0.1 only, never the host's other addresses
      iceFilterStunResponse: (_message, address) => address[0] === '127.0.0.1',
      iceFilterCandidatePair: (pair) => pair.remoteCandidate.host === '127.0.0.1',
    });
    const self = new WeriftCall(
      call.callId,
      call.azure,
      call.clientSecret,
      call.offer,
      host,
      pc,
      call.session,
    );
    try {
      await self.#negotiate();
    } catch (error) {
      await self.end();
      throw error;
    }
    // answered: given up when its channel has not opened in time
    self.#connectTimer = host.clock.setTimeout(() => {
      if (self.state === 'answered') void self.end(1006, 'the call never connected');
    }, WEBRTC_CONNECT_TIMEOUT_MS);
    return self;
  }

  get connection(): FakeConnection | undefined {
    return this.#accepted?.connection;
  }

  hear(pcm: Int16Array): boolean {
    const conn = this.connection;
    if (!conn?.open || pcm.length === 0) return false;
    hearInputAudio(conn, pcm);
    return true;
  }

  /**
   * Ends the call: the voice stops, the server's connection sees the transport close with
   * `code` (a no-op when the server closed it first) and the peer closes; once only.
   */
  async end(code = 1000, reason = ''): Promise<void> {
    if (this.#closing) return this.closed;
    this.#closing = true;
    this.state = 'closed';
    clearInterval(this.#timer);
    this.host.clock.clearTimeout(this.#connectTimer);
    this.#accepted?.closed(code, reason);
    try {
      // a turn later: when the app closed the channel, werift answers its stream reset
      // asynchronously, and closing the peer at once would drop that answer: the browser's
      // channel would never fire onclose (core's close() then waits out its closeTimeoutMs)
      await new Promise((resolve) => setImmediate(resolve));
      // the server hanging up closes the channel first: its stream reset is what tells the app
      // (a peer's close alone reaches another werift peer as nothing at all)
      if (this.#channel?.readyState === 'open') {
        this.#channel.close();
        await new Promise((resolve) => setImmediate(resolve));
      }
      await this.pc.close();
    } finally {
      this.#done();
    }
  }

  async #negotiate(): Promise<void> {
    const { pc } = this;
    pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe(() => void this.micPackets++);
    });
    pc.onDataChannel.subscribe((channel) => {
      if (channel.label !== RTC_EVENTS_CHANNEL) return;
      if (channel.readyState === 'open') this.#bridge(channel);
      else
        channel.stateChanged.subscribe((state) => {
          if (state === 'open') this.#bridge(channel);
        });
    });
    pc.connectionStateChange.subscribe((state) => {
      // the app's pc.close() or a lost path: the server's connection ends with the peer
      if (state === 'closed') void this.end(1000);
      else if (state === 'failed') void this.end(1006, 'ICE connection failed');
    });
    await pc.setRemoteDescription({ type: 'offer', sdp: loopbackOnly(this.offer) });
    // the voice goes out on the offer's audio transceiver (sendrecv with a mic, else recvonly)
    const voice = new this.host.werift.MediaStreamTrack({ kind: 'audio' });
    const audio = pc.getTransceivers().find((t) => t.kind === 'audio');
    if (audio) {
      await audio.sender.replaceTrack(voice);
      audio.setDirection('sendrecv');
    }
    await pc.setLocalDescription(await pc.createAnswer());
    // vanilla ICE: werift gathers its one loopback candidate before the answer is read
    this.answer = pc.localDescription?.sdp ?? '';
    this.#startVoice(voice);
  }

  // 20 ms Opus silence frames while the call lives, as a real server streams between answers
  #startVoice(voice: Werift.MediaStreamTrack): void {
    const { RtpHeader, RtpPacket } = this.host.werift;
    const payload = Buffer.from(OPUS_SILENCE);
    let sequenceNumber = 0;
    let timestamp = 0;
    this.#timer = setInterval(() => {
      voice.writeRtp(
        new RtpPacket(
          new RtpHeader({ sequenceNumber, timestamp, marker: sequenceNumber === 0 }),
          payload,
        ),
      );
      sequenceNumber = (sequenceNumber + 1) & 0xffff;
      timestamp = (timestamp + FRAME_TICKS) >>> 0;
      this.sentPackets++;
    }, FRAME_MS);
    // media pacing, not a server timer: it must never keep a test process alive
    this.#timer.unref();
  }

  #bridge(channel: Werift.RTCDataChannel): void {
    if (this.#accepted || this.#closing) return;
    this.state = 'open';
    this.host.clock.clearTimeout(this.#connectTimer);
    const accepted = this.host.server.accept(
      {
        // ALWAYS deferred: a send made synchronously inside onMessage can be lost once and
        // resent by SCTP's T3 timer a second later; setImmediate keeps the frames in order
        send: (frame) =>
          setImmediate(() => {
            if (channel.readyState === 'open')
              channel.send(typeof frame === 'string' ? frame : Buffer.from(frame));
          }),
        // after the frames already queued (setImmediate runs in order), then the peer
        close: () => setImmediate(() => void this.end()),
      },
      {
        dialect: 'ga',
        audioPath: 'media',
        webRtcCallId: this.callId,
        ...(this.session !== undefined ? { session: this.session } : {}),
        ...(this.clientSecret !== undefined ? { clientSecret: this.clientSecret } : {}),
        maxSessionDurationMs:
          this.host.maxSessionDurationMs ??
          (this.azure ? MAX_SESSION_DURATION_MS.azure : MAX_SESSION_DURATION_MS.openai),
      },
    );
    this.#accepted = accepted;
    this.#channel = channel;
    channel.onMessage.subscribe((data) => {
      // werift gives a binary message (SCTP PPID 53) as a Buffer: the server refuses it as it
      // refuses a binary WebSocket frame, not as the JSON text it may hold (a browser's
      // `channel.send(blob)` is a client bug the in-memory kit refuses too)
      accepted.receive(typeof data === 'string' ? data : new Uint8Array(data));
    });
    channel.stateChanged.subscribe((state) => {
      if (state === 'closed') void this.end();
    });
  }
}
