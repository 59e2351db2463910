/**
 * The session's event map: every event name and its payload, in one place (the seed's names,
 * TypeScript payloads), plus the engine's lifecycle events and the raw server-event tap.
 * @module
 */
import type {
  AudioFrame,
  AudioPath,
  ClientEvent,
  Dialect,
  ServerErrorDetails,
  ServerEvent,
} from '@voxwire/protocol';
import type { SessionError, VoxwireError } from './errors.js';
import type { RealtimeMetrics } from './metrics.js';
import type { RealtimeSessionOptions } from './options.js';
import type { RealtimeContent, RealtimeOutput, RealtimeResponse } from './responses/tree.js';
import type { CalledFunction, FunctionCallInfo } from './tools/types.js';
import type { ReconnectedEvent, ResponseStalledEvent } from './reconnect/reliability-events.js';

/** `input_speech_started`: server VAD heard speech begin. */
export interface InputSpeechStarted {
  /** The user item that will hold this speech. */
  itemId: string;
  /** Position in the input audio buffer, ms (includes the prefix padding). */
  audioStartMs: number;
}

/** `input_speech_stopped`: server VAD heard speech end. */
export interface InputSpeechStopped {
  /** The user item. */
  itemId: string;
  /** Position in the input audio buffer, ms. */
  audioEndMs: number;
}

/** `input_speech_committed`: the input buffer became a user item. */
export interface InputSpeechCommitted {
  /** The new user item. */
  itemId: string;
  /** The item it follows, when the server says. */
  previousItemId: string | null;
}

/**
 * `input_speech_transcription_delta`: a piece of the user's transcript as the transcription model
 * produces it (live captions); the whole transcript follows in
 * `input_speech_transcription_completed`. Not in the seed.
 */
export interface InputTranscriptionDelta {
  /** The user item. */
  itemId: string;
  /** The content part transcribed (0 when the server does not say). */
  contentIndex: number;
  /** The new text. */
  delta: string;
}

/** `input_speech_transcription_completed` (the seed's `InputTranscriptionCompleted`). */
export interface InputTranscriptionCompleted {
  /** The user item. */
  itemId: string;
  /** The content part transcribed. */
  contentIndex: number;
  /** The transcript. */
  transcript: string;
}

/** `input_speech_transcription_failed` (the seed's `InputTranscriptionFailed`). */
export interface InputTranscriptionFailed {
  /** The user item. */
  itemId: string;
  /** The content part. */
  contentIndex: number;
  /** The error message (the seed's `message`). */
  message: string;
  /** The full error. */
  error: ServerErrorDetails;
}

/** `server_event`: every frame the codec decoded, known or not. */
export type TappedServerEvent =
  | { kind: 'event'; event: ServerEvent }
  | { kind: 'unknown'; type: string; raw: Record<string, unknown> };

/** Lifecycle: `connecting`. */
export interface ConnectingEvent {
  /** 0 for the first connect, then 1, 2, … for reconnects. */
  attempt: number;
}

/** Lifecycle: `connected`. */
export interface ConnectedEvent {
  /** The attempt that succeeded. */
  attempt: number;
  /** The dialect the server speaks. */
  dialect: Dialect;
  /** The connector's secret-free description. */
  description: string | undefined;
  /**
   * Where the audio travels: `'events'` (a WebSocket: the app sends and plays it) or `'media'`
   * (WebRTC: media tracks, the server plays the answer and reports it).
   */
  audioPath: AudioPath;
}

/**
 * `output_audio_started`, `output_audio_stopped`, `output_audio_cleared`: the server began
 * playing a response's audio, played it out, or cut it (a barge-in, `interrupt()`). Only over a
 * connection whose audio travels on media tracks (WebRTC), where the server plays the answer,
 * and on a side-band to a call (`persistentSession`), which hears the call's.
 */
export interface OutputAudioEvent {
  /** The response whose audio it is. */
  responseId: string;
}

/**
 * Why `output_audio_cleared` was emitted:
 * - `'server'`: the server cut the audio (`output_audio_buffer.cleared`: a barge-in,
 *   `interrupt()`);
 * - `'connection_ended'`: the connection the audio played on ended (a WebRTC peer connection
 *   lost, rolled over or closed) while it played: the listener hears no more of it;
 * - `'side_band_ended'`: a side-band's socket (`persistentSession`: a SIP or WebRTC call
 *   controlled from a server) ended while the call played the audio. The call's own media does
 *   not go through that socket, so the caller may still be hearing it: only what this side
 *   knows has ended. A side-band that re-attaches and hears the server's
 *   `output_audio_buffer.stopped` or `.cleared` for the response emits `output_audio_stopped` or
 *   `output_audio_cleared` (`'server'`) for it then.
 */
export type OutputAudioClearedReason = 'server' | 'connection_ended' | 'side_band_ended';

/** `output_audio_cleared`: the response's audio was cut, or this side stopped hearing of it. */
export interface OutputAudioClearedEvent extends OutputAudioEvent {
  /** Why: see {@link OutputAudioClearedReason}. */
  reason: OutputAudioClearedReason;
}

/** Lifecycle: `disconnected`: the transport ended (expectedly or not). */
export interface DisconnectedEvent {
  /** The close code (RFC 6455 or the Realtime API's own). */
  code: number;
  /** The close reason. */
  reason: string;
  /** The error, when the close was not asked for. */
  error: VoxwireError | undefined;
}

/** Lifecycle: `reconnecting`: the connection was lost (or is being rolled over); an attempt follows after `delayMs`. */
export interface ReconnectingEvent {
  /** The attempt about to be made, 1-based within this outage. */
  attempt: number;
  /** Delay before it, ms. */
  delayMs: number;
  /** Why the connection was lost. */
  cause: VoxwireError;
}

/** Lifecycle: `closed`: the session is over for good. */
export interface ClosedEvent {
  /** The error that ended it; `undefined` for a `close()` the app asked for. */
  error: VoxwireError | undefined;
}

/** Every event of a `RealtimeSession`, name → listener arguments. */
export interface SessionEvents {
  /** The server's echo of a `session.update`, mapped back into the options shape. */
  session_updated: [options: RealtimeSessionOptions];
  /** A local failure or a server `error`. Never thrown from the receive path. */
  error: [error: SessionError];
  input_speech_started: [event: InputSpeechStarted];
  input_speech_stopped: [event: InputSpeechStopped];
  input_speech_committed: [event: InputSpeechCommitted];
  /** A piece of the user's transcript, as it streams (live captions); deltas come before `input_speech_transcription_completed`. */
  input_speech_transcription_delta: [event: InputTranscriptionDelta];
  input_speech_transcription_completed: [event: InputTranscriptionCompleted];
  input_speech_transcription_failed: [event: InputTranscriptionFailed];
  response_created: [response: RealtimeResponse];
  response_output_added: [output: RealtimeOutput];
  response_content_added: [content: RealtimeContent];
  /**
   * One chunk of output audio of `content`, decoded (PCM16; G.711 expanded), delivered
   * synchronously as its delta is handled: no buffering, no promise per chunk, nothing held once
   * the listener returns. The cheapest way to forward audio (players, phone bridges); the same
   * frames also reach `content.audioStream` when that is read. Not emitted for the frames of a
   * response `session.interrupt()` cancelled that arrive after it (still on their way when the
   * user barged in): they would play into the speaker the app has just cleared.
   */
  response_audio: [frame: AudioFrame, content: RealtimeContent];
  /**
   * One text delta of `content` (the transcript, for audio content), delivered synchronously as
   * it arrives; the same deltas also reach `content.textStream` and accumulate in `content.text`.
   * Not emitted for the transcript deltas of a response `session.interrupt()` cancelled that
   * arrive after it, as its audio is not (`content.text` still takes them): a caption would show
   * words that were never spoken. Text parts are always emitted.
   */
  response_text: [delta: string, content: RealtimeContent];
  response_content_done: [content: RealtimeContent];
  /** WebRTC: the server began playing the response's audio (`output_audio_buffer.started`). */
  output_audio_started: [event: OutputAudioEvent];
  /** WebRTC: the server played the response's audio out (`output_audio_buffer.stopped`, after its `response_done`). */
  output_audio_stopped: [event: OutputAudioEvent];
  /**
   * WebRTC: the server cut the response's audio (`output_audio_buffer.cleared`: a barge-in,
   * `interrupt()`), or the connection it played on ended (lost, rolled over, closed) while it
   * played: no `output_audio_stopped` follows. A side-band's end says only that this side no
   * longer knows: the call may play on (`reason: 'side_band_ended'`).
   */
  output_audio_cleared: [event: OutputAudioClearedEvent];
  response_output_done: [output: RealtimeOutput];
  response_done: [response: RealtimeResponse];
  metrics_collected: [metrics: RealtimeMetrics];
  /** The function calls of a response that just finished, before their tools are awaited (one list per response). */
  function_calls_collected: [calls: readonly FunctionCallInfo[]];
  /** Those calls done (result or error text each), after their outputs were created on the server. An out-of-band response's calls get no output (their items are not in the conversation): their results are the app's. Calls the session's close cut are still reported, after `closed` (`aborted`), with no output sent. */
  function_calls_finished: [calls: readonly CalledFunction[]];
  connecting: [event: ConnectingEvent];
  connected: [event: ConnectedEvent];
  disconnected: [event: DisconnectedEvent];
  reconnecting: [event: ReconnectingEvent];
  /** The session is back: configuration, conversation and lost requests were restored (after `connected`). */
  reconnected: [event: ReconnectedEvent];
  /** A response in progress received nothing for `stallTimeoutMs`; it was cancelled and ended locally. */
  response_stalled: [event: ResponseStalledEvent];
  closed: [event: ClosedEvent];
  /** Every decoded server frame, unknown event types included, before the engine handles it (a copy: editing it changes nothing). */
  server_event: [event: TappedServerEvent];
  /**
   * Every client event as it is written to the socket (GA shape, a copy), the restore's re-sends
   * and the engine's own requests included: the other half of the `server_event` tap (LiveKit's
   * `openai_client_event_queued`). Costs nothing without a listener.
   */
  client_event: [event: ClientEvent];
}
