/**
 * A small scripted WebRTC peer and `fetch` for the connector's unit tests: the test decides when
 * the channel opens, what the server answers and when things fail. Every call is recorded, so a
 * test can count `close()` calls (no peer may leak on any path).
 */
import { deferred, SimulatedClock, type Deferred } from '@voxwire/testing';
import type {
  Connection,
  Transport,
  FetchLike,
  FetchResponseLike,
  RtcDataChannelLike,
  RtcMediaTrackLike,
  RtcPeerConnectionConstructor,
  RtcPeerConnectionLike,
  RtcSessionDescriptionLike,
  RtcTrackEventLike,
} from '@voxwire/protocol';
import { webRtcConnector, type WebRtcConnectorOptions, type WebRtcRaw } from '../../src/index.js';
import { outcome } from '../helpers.js';

export const OFFER_SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=offer\r\n';
export const ANSWER_SDP = 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=answer\r\n';

/** A scripted `RTCDataChannel`. */
export class FakeChannel implements RtcDataChannelLike {
  readyState = 'connecting';
  bufferedAmount = 0;
  readonly sent: string[] = [];
  closeCalls = 0;
  /** Throw this from `send` (a full send queue). */
  sendError: Error | undefined;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { readonly data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(readonly label: string) {}

  send(data: string): void {
    if (this.sendError) throw this.sendError;
    this.sent.push(data);
  }

  /** As a browser: `closing` now, the `close` event when the test calls {@link closed}. */
  close(): void {
    this.closeCalls++;
    if (this.readyState !== 'closed') this.readyState = 'closing';
  }

  open(): void {
    this.readyState = 'open';
    this.onopen?.({});
  }

  message(data: unknown): void {
    this.onmessage?.({ data });
  }

  /** The channel's `close` event (the remote end closed it, or our close completed). */
  closed(): void {
    this.readyState = 'closed';
    this.onclose?.({});
  }
}

/** What `createOffer` does: resolve with an offer, or wait for the test. */
export interface PeerScript {
  offer?: Deferred<RtcSessionDescriptionLike> | undefined;
  remoteError?: Error | undefined;
  constructorError?: Error | undefined;
  /** Open the channel as soon as the answer is applied. @default true */
  openOnAnswer?: boolean | undefined;
}

/** A scripted `RTCPeerConnection`. */
export class FakePeer implements RtcPeerConnectionLike {
  connectionState = 'new';
  closeCalls = 0;
  readonly tracks: RtcMediaTrackLike[] = [];
  readonly transceivers: { kind: string; init: unknown }[] = [];
  readonly channels: FakeChannel[] = [];
  local: RtcSessionDescriptionLike | undefined;
  remote: RtcSessionDescriptionLike | undefined;
  ontrack: ((event: RtcTrackEventLike) => void) | null = null;
  onconnectionstatechange: ((event: unknown) => void) | null = null;

  constructor(
    readonly configuration: unknown,
    readonly script: PeerScript,
  ) {}

  get channel(): FakeChannel {
    return this.channels[0]!;
  }

  createDataChannel(label: string): FakeChannel {
    const channel = new FakeChannel(label);
    this.channels.push(channel);
    return channel;
  }

  addTrack(track: RtcMediaTrackLike): unknown {
    this.tracks.push(track);
    return {};
  }

  addTransceiver(kind: 'audio', init?: { direction?: 'sendrecv' | 'recvonly' }): unknown {
    this.transceivers.push({ kind, init });
    return {};
  }

  createOffer(): Promise<RtcSessionDescriptionLike> {
    return this.script.offer?.promise ?? Promise.resolve({ type: 'offer', sdp: OFFER_SDP });
  }

  async setLocalDescription(description: RtcSessionDescriptionLike): Promise<void> {
    this.local = description;
  }

  async setRemoteDescription(description: RtcSessionDescriptionLike): Promise<void> {
    if (this.script.remoteError) throw this.script.remoteError;
    this.remote = description;
    this.ontrack?.({ track: { kind: 'audio' }, streams: ['remote-stream'] });
    if (this.script.openOnAnswer !== false) {
      this.state('connected');
      // the channel opens a little after the answer, as in a browser
      queueMicrotask(() => this.channel.open());
    }
  }

  close(): void {
    this.closeCalls++;
    // a browser fires no event for its own close()
    this.connectionState = 'closed';
  }

  state(state: string): void {
    this.connectionState = state;
    this.onconnectionstatechange?.({});
  }
}

/** A scripted `RTCPeerConnection` constructor and the peers it made. */
export function fakeRtc(script: PeerScript = {}): {
  RTCPeerConnection: RtcPeerConnectionConstructor;
  peers: FakePeer[];
  last: () => FakePeer;
} {
  const peers: FakePeer[] = [];
  const RTCPeerConnection = class extends FakePeer {
    constructor(configuration?: unknown) {
      if (script.constructorError) throw script.constructorError;
      super(configuration, script);
      peers.push(this);
    }
  };
  return { RTCPeerConnection, peers, last: () => peers.at(-1)! };
}

/** A scripted HTTP answer. */
export interface FakeAnswer {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** `text()` rejects with this. */
  bodyError?: Error;
}

/** One `fetch` call as made. */
export interface FetchCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  signal?: AbortSignal | undefined;
}

/**
 * A scripted `fetch`: each call takes the next answer (a value, an error to reject with, or a
 * deferred the test settles); a pending call rejects with an `AbortError` when its signal aborts.
 */
export function fakeFetch(...answers: (FakeAnswer | Error | Deferred<FakeAnswer>)[]): {
  fetch: FetchLike;
  calls: FetchCall[];
} {
  const calls: FetchCall[] = [];
  const fetch: FetchLike = (url, init) => {
    calls.push({ url, ...init });
    const next = answers.shift() ?? {
      status: 201,
      body: ANSWER_SDP,
      headers: { location: '/v1/realtime/calls/rtc_1' },
    };
    if (next instanceof Error) return Promise.reject(next);
    const answer = 'promise' in next ? next.promise : Promise.resolve(next);
    return new Promise<FetchResponseLike>((resolve, reject) => {
      init.signal?.addEventListener('abort', () =>
        reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })),
      );
      answer.then((a) => resolve(response(a)), reject);
    });
  };
  return { fetch, calls };
}

function response(answer: FakeAnswer): FetchResponseLike {
  const headers = new Map(
    Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  return {
    status: answer.status ?? 201,
    headers: { get: (name) => headers.get(name.toLowerCase()) ?? null },
    text: () =>
      answer.bodyError ? Promise.reject(answer.bodyError) : Promise.resolve(answer.body ?? ''),
  };
}

export { deferred };

/** Everything a connector test drives: the fakes, the connection, what the transport reported. */
export interface Harness {
  clock: SimulatedClock;
  rtc: ReturnType<typeof fakeRtc>;
  http: ReturnType<typeof fakeFetch>;
  controller: AbortController;
  connection: Connection;
  transport: Transport & { readonly raw: WebRtcRaw };
  started: { value?: void; error?: unknown; done: boolean };
  frames: (string | Uint8Array)[];
  closes: [number, string][];
  errors: Error[];
  settle(): Promise<void>;
}

/** Makes a connector on fakes, asks it for attempt 0 and starts the transport (nothing settles yet). */
export async function harness(
  options: Partial<WebRtcConnectorOptions> = {},
  answers: (FakeAnswer | Error | Deferred<FakeAnswer>)[] = [],
  script: PeerScript = {},
): Promise<Harness> {
  const clock = new SimulatedClock();
  const rtc = fakeRtc(script);
  const http = fakeFetch(...answers);
  const connector = webRtcConnector({
    RTCPeerConnection: rtc.RTCPeerConnection,
    fetch: http.fetch,
    clientSecret: 'ek_test_secret',
    clock,
    ...options,
  });
  const controller = new AbortController();
  const connection = await connector({ attempt: 0, signal: controller.signal });
  const transport = connection.transport as Harness['transport'];
  const frames: (string | Uint8Array)[] = [];
  const closes: [number, string][] = [];
  const errors: Error[] = [];
  transport.onmessage = (frame) => frames.push(frame);
  transport.onclose = (code, reason) => closes.push([code, reason]);
  transport.onerror = (error) => errors.push(error);
  const started = outcome(transport.start());
  return {
    clock,
    rtc,
    http,
    controller,
    connection,
    transport,
    started,
    frames,
    closes,
    errors,
    settle: () => clock.advanceAsync(0),
  };
}
