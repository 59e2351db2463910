/**
 * The options of {@link FakeServer} (shared by the in-memory and ws modes).
 * @module
 */
import type { Clock, Dialect, IdGenerator } from '@voxwire/protocol';
import type { ResponseHandler } from './behaviour.js';
import type { HeardAudio } from './connection.js';
import type { ResponsePacing } from './response-pacing.js';
import type { WebhookOptions } from './calls/webhook.js';

/** Options of the fake server (shared by the in-memory and ws modes). */
export interface FakeServerOptions {
  /**
   * The dialect of in-memory connections (the ws mode picks it per handshake).
   * @default 'ga'
   */
  readonly dialect?: Dialect | undefined;
  /**
   * The model echoed in `session.created`, and the one in-memory connections ask for (refused
   * when `models` does not list it).
   * @default 'gpt-realtime'
   */
  readonly model?: string | undefined;
  /**
   * The model names this server serves, as the real API serves only its realtime models: a
   * connection asking for another gets an `error` event (`invalid_request_error`, code
   * `invalid_model`, 'Model "gpt-nope" is not supported in realtime mode.') and is closed with
   * 4000, reason `invalid_request_error.invalid_model` (protocol.md §5.1). The ws mode judges the
   * handshake's `?model=` (on Azure paths, the deployment); in memory a connection asks for
   * `model`. A transcription session that names no model is served.
   * @default undefined (every model is served)
   */
  readonly models?: readonly string[] | undefined;
  /**
   * The clock of every server timer (VAD idle timeout, pacing, delays, expiry).
   * @default new SimulatedClock()
   */
  readonly clock?: Clock | undefined;
  /**
   * Session length; at the end the server sends `session_expired` and closes with 1001.
   * @default 3600000 (60 minutes, OpenAI GA)
   */
  readonly maxSessionDurationMs?: number | undefined;
  /**
   * Whether a new connection starts with an empty conversation (as the real server) or keeps the
   * previous connection's items (handy to test a client's resync logic separately).
   * @default 'fresh'
   */
  readonly conversation?: 'fresh' | 'persist' | undefined;
  /**
   * What answers `response.create` when nothing is scripted: the demo agent, or a handler.
   * @default demoAgent
   */
  readonly behaviour?: ResponseHandler | undefined;
  /**
   * What answers a response nothing scripted (no queued handler, no `onResponse`, no
   * `behaviour`). `'demo-agent'`: the demo agent, as always. `'fail'`: an empty completed
   * response (no output: the agent hears nothing said and is not sent off on a retry, as a
   * failed response or an `error` would), and `assertComplete()` fails naming it, so a fully
   * scripted test catches an agent that asks for a model turn it did not script. Not with
   * `behaviour`, which answers every response.
   * @default 'demo-agent'
   */
  readonly unscripted?: 'demo-agent' | 'fail' | undefined;
  /**
   * Pacing of generated responses.
   * @default {} (no waits: every event goes out as fast as the microtask queue allows)
   */
  readonly pacing?: ResponsePacing | undefined;
  /**
   * Turns committed user audio into words when no scripted transcription is queued.
   * @default () => ({ text: '' })
   */
  readonly transcribe?:
    ((samples: Int16Array, sampleRate: number, itemId: string) => string | HeardAudio) | undefined;
  /**
   * Number of `input_audio_transcription.delta` events per transcript, for every model.
   * @default by the session's transcription model, as the real server: 1 for whisper-1 (the
   * whole turn in one delta), 3 for the others (which stream incremental deltas)
   */
  readonly transcriptionDeltas?: number | undefined;
  /**
   * Clock ms between a commit and its transcription events (0: right after the item events,
   * before any response; more lets the response overtake it, as on the real server).
   * @default 0
   */
  readonly transcriptionDelayMs?: number | undefined;
  /**
   * VAD sensitivity: a 10 ms window is speech when its RMS ≥ `threshold × vadEnergyScale` of full
   * scale (threshold 0.5 → about −32 dBFS).
   * @default 0.05
   */
  readonly vadEnergyScale?: number | undefined;
  /**
   * Id generator for events, items, responses, sessions. Not with `idSalt`.
   * @default createCounterIdGenerator(idSalt)
   */
  readonly generateId?: IdGenerator | undefined;
  /**
   * Letters and digits appended to every id the server makes (`resp_000b_<salt>`), so that its ids
   * are not those of another server, as the real service's never repeat: a client reconnecting
   * from one server to another (a restarted `voxwire-fake-server`) would otherwise meet the old
   * connection's ids again. The sequence is the same with or without it, so a fixed salt keeps a
   * test deterministic; the CLI passes one of its own per process. Not with `generateId`.
   * @default '' (none: `resp_000b`)
   */
  readonly idSalt?: string | undefined;
  /**
   * The token budget `rate_limits.updated` reports from: a bucket of this many tokens that each
   * response empties by its usage and that refills at this many tokens per minute of clock time
   * (`reset_seconds` is the time until it is full again). The fake reports it and refuses nothing.
   * @default 40000
   */
  readonly tokenRateLimit?: number | undefined;
  /**
   * Whether `input_audio_buffer.append` events are kept in `clientEvents` (and seen by
   * `expectClientEvent`, which refuses to wait for them when off). The audio is still heard
   * (VAD, commits). How much of their audio is kept: `keepAppendedAudioMs`.
   * @default true
   */
  readonly recordAudioAppends?: boolean | undefined;
  /**
   * Ms of appended audio whose recorded appends keep their `audio`, per connection: once the
   * newer appends of a connection hold this much, an older one stays in `clientEvents` (the
   * connection's and the server's, in its place: counts, indices and expectations are
   * unchanged) as a copy without its `audio` field. An hour of microphone audio is about 230 MB
   * of base64, which a soak test would otherwise hold on to. `Infinity` keeps every append's
   * audio.
   * @default 60000 (as much as the input buffer keeps under VAD, `VAD_SILENCE_KEPT_MS`)
   */
  readonly keepAppendedAudioMs?: number | undefined;
  /**
   * How many closed connections keep their state whole, the most recently closed ones. When one
   * more closes, the oldest of them is released (`FakeConnection.released`): its conversation
   * (items and their audio; not one `conversation: 'persist'` carries over), `heard`, buffered
   * input audio and the `audio` of its recorded appends are let go of. It stays in
   * `connections` with its session, `closeInfo`, `clientEvents` and `outputAudio` entries.
   * `Infinity` keeps every closed connection whole.
   * @default 4
   */
  readonly keepClosedConnections?: number | undefined;
  /**
   * Where each SIP call (`server.sip.incoming`) POSTs its signed `realtime.call.incoming`
   * webhook (Standard Webhooks headers; the delivery is kept on the call).
   * @default undefined (no delivery: hand `call.webhookRequest()` to the handler yourself)
   */
  readonly webhook?: WebhookOptions | undefined;
  /**
   * How long a SIP call rings unanswered before the fake gives it up (`'ended'`,
   * `'unanswered'`), ms on the server's clock. The API's own limit is not documented: 30 s is
   * assumed.
   * @default 30000
   */
  readonly sipRingTimeoutMs?: number | undefined;
}
