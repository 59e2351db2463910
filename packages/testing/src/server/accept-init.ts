/**
 * What a transport hands {@link FakeServer.accept} and gets back, and how the server makes its
 * ids: the contracts of `fake-server.ts` that do not need the server.
 * @module
 */
import type { Dialect, IdGenerator } from '@voxwire/protocol';
import { createCounterIdGenerator } from '@voxwire/protocol';
import { FakeServerOptionsError } from '../errors.js';
import type { FakeConnection } from './connection.js';
import type { FakeServerOptions } from './fake-server-options.js';
import type { JsonObject } from './wire.js';

/** How a transport tells the server about its end of a connection. */
export interface AcceptedConnection {
  /** The server-side state (inspection). */
  readonly connection: FakeConnection;
  /** A frame from the client. */
  receive(frame: string | Uint8Array): void;
  /** The transport closed (client close or loss). */
  closed(code: number, reason: string): void;
}

/**
 * The server's id source: `generateId`, or the counter with `idSalt` appended.
 * @throws FakeServerOptionsError on a salt no id should carry, or a salt beside `generateId`
 */
export function idGeneratorOf(options: FakeServerOptions): IdGenerator {
  const salt = options.idSalt;
  if (salt === undefined) return options.generateId ?? createCounterIdGenerator();
  if (typeof salt !== 'string' || !/^[A-Za-z0-9]*$/.test(salt))
    throw new FakeServerOptionsError(
      `idSalt must be letters and digits (it ends every id), got ${JSON.stringify(salt)}`,
    );
  // a generator makes its ids itself: a salt beside it would silently do nothing
  if (options.generateId !== undefined)
    throw new FakeServerOptionsError(
      'give either idSalt or generateId: the salt is appended by the default generator only',
    );
  return createCounterIdGenerator(salt);
}

/** How {@link FakeServer.accept} starts a connection. */
export interface AcceptInit {
  /** The dialect this connection speaks. @default the server's `dialect` option, else `'ga'` */
  readonly dialect?: Dialect | undefined;
  /** The model `session.created` reports. @default the server's `model` option, else `'gpt-realtime'` */
  readonly model?: string | undefined;
  /**
   * When this connection's session expires, ms after it was accepted.
   * @default the server's `maxSessionDurationMs` option, else OpenAI's 60 min
   */
  readonly maxSessionDurationMs?: number | undefined;
  /**
   * Whose endpoint the client connected to (the ws mode's handshake says): on Azure's preview
   * path (beta) an audio-only `modalities` is refused, as protocol.md §5.2 reports.
   * @default 'openai'
   */
  readonly provider?: 'openai' | 'azure' | undefined;
  /** A transcription session (`?intent=transcription`) rather than a conversation. @default false */
  readonly transcription?: boolean | undefined;
  /**
   * The minted secret (`ek_…`) the client authenticated with: the session starts with its
   * mint's config (its `type` and `model` win over `transcription` and `model`), and it
   * counts in `clientSecrets[].usedBy`.
   * @default undefined (a standard key: the default session)
   */
  readonly clientSecret?: string | undefined;
  /**
   * `'media'`: the connection is a WebRTC call's data channel. The server plays each
   * answer's audio itself instead of sending `response.output_audio.delta`, reports it with
   * `output_audio_buffer.started`/`stopped`/`cleared`, and serves `output_audio_buffer.clear`
   * (see `FakeConnection.outputAudio`).
   * @default 'events'
   */
  readonly audioPath?: 'events' | 'media' | undefined;
  /**
   * The id (`rtc_…`) of the WebRTC call whose data channel this connection is: the call
   * becomes active in `server.calls`, and side-bands may attach to it.
   * @default undefined (no call)
   */
  readonly webRtcCallId?: string | undefined;
  /**
   * The session config the connection starts with (GA model, checked by the caller with
   * `server.checkSessionConfig`): a WebRTC call's multipart `session` part. A `clientSecret`'s
   * mint wins over it.
   * @default undefined (the default session)
   */
  readonly session?: JsonObject | undefined;
}
