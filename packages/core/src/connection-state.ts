/**
 * The connection's state (a discriminated union), what it tells its owner, and what it is
 * built from: the contracts between `connection.ts` and the session.
 * @module
 */
import type {
  AudioPath,
  Clock,
  Connection,
  Connector,
  Dialect,
  DialectCodec,
  Logger,
  Transport,
} from '@voxwire/protocol';
import type { VoxwireError } from './errors.js';
import type { ResolvedReconnect } from './reconnect/policy.js';

/** Where the connection is. */
export type ConnectionState =
  | { readonly status: 'idle' }
  | { readonly status: 'connecting'; readonly attempt: number }
  | {
      readonly status: 'open';
      readonly attempt: number;
      readonly transport: Transport;
      readonly dialect: Dialect;
      readonly codec: DialectCodec;
      readonly description: string | undefined;
      readonly maxSessionDurationMs: number | undefined;
      /** Where the audio travels (`Connection.audioPath`): `'media'` over WebRTC. */
      readonly audioPath: AudioPath;
      /** Whether the server keeps the session across connections (`Connection.persistentSession`). */
      readonly persistentSession: boolean;
      /** Whether this connection replaces a lost one (the session restores into it). */
      readonly reconnected: boolean;
    }
  | {
      readonly status: 'reconnecting';
      readonly attempt: number;
      readonly delayMs: number;
      readonly cause: VoxwireError;
    }
  | { readonly status: 'closing' }
  | { readonly status: 'closed'; readonly error: VoxwireError | undefined };

/** The `open` state. */
export type OpenState = Extract<ConnectionState, { status: 'open' }>;

/**
 * The `open` state of `connection`, reached by attempt `attempt`; `reconnected` when it replaces
 * a lost one.
 */
export function openState(
  attempt: number,
  connection: Connection,
  codec: DialectCodec,
  reconnected: boolean,
): OpenState {
  return {
    status: 'open',
    attempt,
    transport: connection.transport,
    dialect: connection.dialect,
    codec,
    description: connection.description,
    maxSessionDurationMs: connection.maxSessionDurationMs,
    audioPath: connection.audioPath ?? 'events',
    persistentSession: connection.persistentSession === true,
    reconnected,
  };
}

/** What the connection tells its owner. */
export interface ConnectionHooks {
  /** A connect attempt starts (0 for the first connect, then 1, 2, … within one outage). */
  connecting(attempt: number): void;
  /**
   * The transport is open (state is `open`). `heldFrames` frames it received while starting
   * follow through {@link frame} right after this call: received before anything written here.
   */
  open(state: OpenState, heldFrames: number): void;
  /** One inbound frame. */
  frame(frame: string | Uint8Array, codec: DialectCodec): void;
  /** A transport error that did not come with a close. */
  transportError(error: VoxwireError): void;
  /** The transport ended: `error` is set when nobody asked for it. */
  lost(code: number, reason: string, error: VoxwireError | undefined): void;
  /** A reconnect is scheduled after `delayMs`. */
  reconnecting(attempt: number, delayMs: number, cause: VoxwireError): void;
  /** The connection is over for good (state is `closed`). */
  closed(error: VoxwireError | undefined): void;
}

/** Options of {@link SessionConnection}. */
export interface ConnectionOptions {
  /** Gives a fresh transport per attempt. */
  connector: Connector;
  /** Time for timeouts and backoff. */
  clock: Clock;
  /** Logs with the session id in `fields`. */
  logger: Logger;
  /** Fields added to every log line (the session id). */
  logFields: () => Record<string, unknown>;
  /** Connect timeout, ms: connector + transport start, and then the first server frame. */
  connectTimeoutMs: number;
  /** Reconnect settings. */
  reconnect: ResolvedReconnect;
  /** Jitter source for the backoff, in [0, 1). */
  random: () => number;
}
