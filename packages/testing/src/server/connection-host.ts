/**
 * What a fake connection needs from its server (`ConnectionHost`) and is made with
 * (`ConnectionInit`): the contracts between `fake-server.ts` and `connection.ts`.
 * @module
 */
import type { Clock, Dialect } from '@voxwire/protocol';
import type { ResponseHandler, ResponseRequest } from './behaviour.js';
import type { FakeConnection } from './connection.js';
import type { Conversation } from './conversation.js';
import type { FaultRule } from './outbound.js';
import type { RefusalRule } from './faults.js';
import type { ResponsePacing } from './response-pacing.js';
import type { JsonObject } from './wire.js';

/** What the user turn said: text for the behaviour, or a transcription failure. */
export type HeardAudio =
  { readonly text: string } | { readonly fail: true; readonly text?: string | undefined };

/** What a connection needs from its server. */
export interface ConnectionHost {
  readonly clock: Clock;
  readonly pacing: ResponsePacing;
  readonly vadEnergyScale: number;
  /**
   * Deltas per input transcript (`FakeServerOptions.transcriptionDeltas`).
   * @default by model: 1 for whisper-1, which sends the whole turn in one delta, else 3
   */
  readonly transcriptionDeltaCount?: number | undefined;
  readonly transcriptionDelayMs: number;
  /** Keep `input_audio_buffer.append` events in the logs (`FakeServerOptions.recordAudioAppends`). */
  readonly recordAudioAppends: boolean;
  /**
   * Ms of audio whose recorded appends keep their `audio` (`FakeServerOptions.keepAppendedAudioMs`).
   * @default 60000
   */
  readonly keepAppendedAudioMs?: number | undefined;
  newId(prefix: string): string;
  faultRules(): readonly FaultRule[];
  /** The `server.faults.refuse` rules. */
  refusals(): readonly RefusalRule[];
  /**
   * A fault rule or refusal applied on this connection (`assertComplete` reports rules that
   * never did).
   * @default none: firing is not tracked
   */
  faultFired?(rule: FaultRule | RefusalRule): void;
  /** The handler of a response: the next queued one, `onResponse`'s, `behaviour`, else unscripted. */
  takeHandler(conn: FakeConnection, request: ResponseRequest): ResponseHandler;
  /**
   * A response handler started (`ended`: whether its response is over); returns what to call
   * once it returned or its promise settled (`assertComplete` reports handlers still running).
   * @default none: running handlers are not tracked
   */
  handlerRunning?(conn: FakeConnection, request: ResponseRequest, ended: () => boolean): () => void;
  /**
   * The words of a committed audio item. `spoken: false` for the idle timeout's commit, which
   * holds no speech the VAD heard: it takes no scripted transcription.
   * @default spoken true
   */
  hear(
    samples: Int16Array,
    sampleRate: number,
    itemId: string,
    spoken?: boolean | undefined,
  ): HeardAudio;
  /** Adds a client event to the server's log; returns its index there, if it has one. */
  recordClientEvent(conn: FakeConnection, event: JsonObject): number | void;
  /**
   * Puts `next` in the place of `old` (at `at`, the index `recordClientEvent` returned) in the
   * server's log: a recorded append without its audio.
   * @default none: the server's log keeps `old`
   */
  replaceClientEvent?(at: number | undefined, old: JsonObject, next: JsonObject): void;
  reportHandlerError(error: unknown): void;
  connectionClosed(conn: FakeConnection, code: number, reason: string): void;
  rateLimits(tokensUsed: number, dialect: Dialect): JsonObject[];
}

/** Options of one connection. */
export interface ConnectionInit {
  readonly index: number;
  readonly dialect: Dialect;
  readonly model: string;
  readonly maxSessionDurationMs: number;
  /**
   * Whose endpoint the client connected to: Azure's preview path (beta) refuses audio-only
   * `modalities` (protocol.md §5.2).
   * @default 'openai'
   */
  readonly provider?: 'openai' | 'azure' | undefined;
  /**
   * Start a transcription-only session (`?intent=transcription`).
   * @default false
   */
  readonly transcription?: boolean | undefined;
  /**
   * The session fields a minted client secret named (GA model): merged over the defaults, its
   * `type` and `model` winning over `transcription` and `model`.
   * @default undefined (the default session)
   */
  readonly session?: JsonObject | undefined;
  /**
   * Conversation carried over from an earlier connection (`conversation: 'persist'`).
   * @default undefined (an empty conversation)
   */
  readonly conversation?: Conversation | undefined;
  /**
   * `'media'`: a WebRTC call, whose audio travels as media; the server plays its answers itself
   * (see {@link FakeConnection.outputAudio}) and sends no audio deltas.
   * @default 'events'
   */
  readonly audioPath?: 'events' | 'media' | undefined;
}
