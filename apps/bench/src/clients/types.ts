/**
 * The one shape every client under test is driven through, so each workload is written once. An
 * adapter may use only its library's public API, and must hand every audio chunk to `onAudio`.
 * @module
 */

/** Names of the clients under test. */
export type ClientName =
  | 'floor'
  | 'voxwire'
  | 'voxwire-iterator'
  | 'openai-ws'
  | 'agents-transport'
  | 'agents-session'
  | 'livekit';

/**
 * Every client name, in the canonical report order (floor first, voxwire second).
 * `voxwire-iterator` is voxwire taking audio through `for await` over each content's
 * `audioStream` instead of the `response_audio` listener: a variant of voxwire, not a peer.
 */
export const CLIENT_NAMES: readonly ClientName[] = [
  'floor',
  'voxwire',
  'voxwire-iterator',
  'openai-ws',
  'agents-transport',
  'agents-session',
  'livekit',
];

/** What a workload wants to hear from a session. */
export interface SessionHooks {
  /** One audio chunk reached the application, `bytes` of PCM16. Called once per delta, in order. */
  onAudio(bytes: number): void;
  /** A response finished (`response.done` as the library surfaces it). */
  onResponseDone(): void;
}

/** Where the load server listens. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

/** One open session of a client under test. */
export interface ClientSession {
  /** Settles once the session is usable (socket open and `session.created` seen through the API). */
  readonly ready: Promise<void>;
  /** Ask for a response (`response.create` through the library's own call). */
  requestResponse(): void;
  /** Append one 20 ms frame of 24 kHz PCM16 through the library's own input call. */
  appendFrame(pcm: Int16Array): void;
  /** Close the session and its socket. */
  close(): Promise<void>;
}

/** A loaded client library. */
export interface BenchClient {
  readonly name: ClientName;
  /**
   * Open a session against the load server. `model` is the tag the server reads
   * (`bench.<mode>.<index>`); every library sends it as the `model` query parameter.
   */
  open(server: ServerAddress, model: string, hooks: SessionHooks): ClientSession;
}

/** A deferred promise: settled from outside, used to turn library events into awaitables. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Create a {@link Deferred}. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A ready promise nobody awaits yet must not crash the process when a library fails early.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** The error thrown when a library does not behave as the workload needs. */
export class BenchClientError extends Error {
  readonly code: 'CLIENT_FAILED' | 'CLIENT_UNAVAILABLE';
  constructor(code: BenchClientError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BenchClientError';
    this.code = code;
  }
}

/** The peers: clients a user would pick instead of voxwire (not the floor, not voxwire's own variants). */
export const PEERS: readonly ClientName[] = [
  'openai-ws',
  'agents-transport',
  'agents-session',
  'livekit',
];

/**
 * Peers that do work comparable to voxwire's on the receive path (issue 9: "decoding audio,
 * validating events, keeping the response tree"): `@openai/agents-realtime` zod-validates every
 * event and decodes audio (the session also keeps history); livekit decodes audio into frames and
 * keeps a response/message tree. The `openai` WS client only parses JSON and emits it (no
 * validation, no tree), so it is compared in every table but not counted for the CPU goals.
 */
export const COMPARABLE_PEERS: readonly ClientName[] = [
  'agents-transport',
  'agents-session',
  'livekit',
];
