/**
 * The reliability options of a `RealtimeModel` (reconnection, backpressure, bounded streams,
 * stall detection, dead-connection detection, duplicate suppression) and their defaults and validation.
 * @module
 */
import { VoxwireError } from '../errors.js';
import type { AudioOverflowPolicy } from '../outbox.js';
import { DEFAULT_HIGH_WATER_MARK, DEFAULT_MAX_QUEUED_BYTES } from '../outbox.js';
import type { StreamOverflowPolicy } from '../responses/stream.js';
import { resolveReconnect, type ReconnectOptions, type ResolvedReconnect } from './policy.js';

/** Outbound backpressure (`backpressure` engine option). */
export interface BackpressureOptions {
  /**
   * Most input audio queued while the socket is open but cannot keep up, in wire bytes.
   * @default 1048576 (1 MiB)
   */
  maxQueuedBytes?: number | undefined;
  /**
   * `transport.bufferedAmount` above which input audio waits in the queue instead of being
   * written (adapters that do not report `bufferedAmount` never wait).
   * @default 262144 (256 KiB)
   */
  highWaterMark?: number | undefined;
  /**
   * Input audio beyond the bound (open and congested, or disconnected): `drop-oldest` keeps the
   * most recent speech, `drop-newest` keeps the oldest, `error` makes `append` throw
   * `VoxwireError('BACKPRESSURE')`. Every drop is counted in `session.stats`.
   * @default 'drop-oldest'
   */
  audioPolicy?: AudioOverflowPolicy | undefined;
  /**
   * How long input audio may wait for a socket whose `bufferedAmount` has not gone down at all
   * before the session takes the transport for dead and reconnects (the audio it wrote since the
   * server's last word is replayed as after any drop). It catches a network that died without a
   * close, which a browser's WebSocket (no keep-alive ping) reports only when TCP gives up,
   * minutes later, while the user speaks into nothing. A slow uplink drains a little now and
   * then and is waited for. `false` waits for ever.
   * @default 10000
   */
  drainTimeoutMs?: number | false | undefined;
}

/** Reliability options, part of the engine options of `RealtimeModel`. */
export interface ReliabilityOptions {
  /** Reconnection and rollover; `false` ends the session on the first lost connection. @default {} (on, with the defaults of {@link ReconnectOptions}) */
  reconnect?: ReconnectOptions | false | undefined;
  /** Jitter source for the reconnect backoff, uniform in [0, 1). @default a PRNG seeded from the clock */
  random?: (() => number) | undefined;
  /** Outbound queue bounds. @default {} (see {@link BackpressureOptions}) */
  backpressure?: BackpressureOptions | undefined;
  /** Chunks a text or audio stream buffers for a consumer slower than the server. @default 4096 */
  streamHighWaterMark?: number | undefined;
  /** What a stream does beyond `streamHighWaterMark`. @default 'drop-oldest' */
  streamPolicy?: StreamOverflowPolicy | undefined;
  /**
   * A response in progress that receives no server event for this long is stalled: the app gets
   * `response_stalled` and an `error` (`RESPONSE_STALLED`), `response.cancel` is sent for it, and
   * it ends locally with status `failed`, reason `stalled`. `false` turns detection off.
   * @default 30000
   */
  stallTimeoutMs?: number | false | undefined;
  /**
   * How long the server may send nothing at all after a client event it always answers (every
   * event but an input audio append or a WebRTC output clear: an ack, `response.created` or an
   * `error` comes within a round trip) before the session takes the connection for dead, drops
   * it and reconnects; the restore re-sends the requests in flight, so a `generate()` or an
   * update made on a network that died without a close is answered on the fresh connection
   * instead of ending in `TIMEOUT`. Halfway, the session probes (a retrieve of an item that
   * cannot exist, whose refusal it does not report): a live server that answers it is waited
   * for, as before. It catches what a browser's WebSocket (no keep-alive ping) reports only when
   * TCP gives up, minutes later, on a session that sends no audio (idle, or between push-to-talk
   * turns). A socket still sending what it holds (`bufferedAmount` going down, or input audio
   * waiting for it, which `backpressure.drainTimeoutMs` judges) is waited for. Keep it below
   * `requestTimeoutMs`, or a request times out first. `false` turns the check off.
   * @default 5000
   */
  replyTimeoutMs?: number | false | undefined;
  /**
   * How many recent server `event_id`s are remembered to drop duplicated deliveries. A duplicate
   * (a relay's or proxy's retry) arrives within a few frames of the original; 256 ids cover more
   * than a whole response burst (~210 frames for 10 s of audio) while keeping a long session's
   * window at ~3 KiB (two 32-bit hashes per id and their index, in typed arrays).
   * @default 256
   */
  dedupeWindow?: number | undefined;
  /**
   * Input audio the server had not committed when the connection dropped is written again on
   * the new connection, up to this much (the newest), so a turn cut by a drop is heard whole.
   * With turn detection off: everything since the last commit. With VAD: the current turn from
   * its `audio_start_ms` (prefix padding included); between turns the last ~1.3 s of streamed
   * input (prefix padding + the time the server takes to report speech: the first words of a
   * turn not reported yet, ~90 KiB of base64 at 24 kHz). Whatever the turn, also what the socket
   * still held unsent (its `bufferedAmount`), which the server never heard. `0` turns it off.
   * @default 10000
   */
  replayUncommittedAudioMs?: number | undefined;
}

/** The resolved reliability settings. */
export interface ResolvedReliability {
  readonly reconnect: ResolvedReconnect;
  readonly random: (() => number) | undefined;
  readonly maxQueuedBytes: number;
  readonly highWaterMark: number;
  readonly audioPolicy: AudioOverflowPolicy;
  readonly drainTimeoutMs: number | false;
  readonly streamHighWaterMark: number;
  readonly streamPolicy: StreamOverflowPolicy;
  readonly stallTimeoutMs: number | false;
  readonly replyTimeoutMs: number | false;
  readonly dedupeWindow: number;
  readonly replayUncommittedAudioMs: number;
}

/** Default stall timeout, ms. */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;
/** Default silence after a client event the server answers before the connection is taken for dead, ms. */
export const DEFAULT_REPLY_TIMEOUT_MS = 5_000;
/** Default bound on input audio waiting for a socket that does not drain at all, ms. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
/** Default stream bound, chunks. */
export const DEFAULT_STREAM_HIGH_WATER_MARK = 4096;
/** Default duplicate-suppression window, event ids. */
export const DEFAULT_DEDUPE_WINDOW = 256;
/** Default bound of the uncommitted input audio replayed after a drop, ms. */
export const DEFAULT_REPLAY_UNCOMMITTED_AUDIO_MS = 10_000;

const AUDIO_POLICIES = new Set(['drop-oldest', 'drop-newest', 'error']);

function invalid(argument: string, message: string): never {
  throw new VoxwireError('INVALID_ARGUMENT', message, { data: { argument } });
}

function nonNegative(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0)
    invalid(name, `${name} must be a number ≥ 0`);
  return value;
}

/** Validates and fills in the reliability options; throws `INVALID_ARGUMENT`. */
export function resolveReliability(o: ReliabilityOptions): ResolvedReliability {
  const bp = o.backpressure ?? {};
  if (typeof bp !== 'object' || bp === null)
    invalid('backpressure', 'backpressure must be an object');
  const audioPolicy = bp.audioPolicy ?? 'drop-oldest';
  if (!AUDIO_POLICIES.has(audioPolicy))
    invalid(
      'backpressure.audioPolicy',
      "backpressure.audioPolicy must be 'drop-oldest', 'drop-newest' or 'error'",
    );
  const streamPolicy = o.streamPolicy ?? 'drop-oldest';
  if (!AUDIO_POLICIES.has(streamPolicy))
    invalid('streamPolicy', "streamPolicy must be 'drop-oldest', 'drop-newest' or 'error'");
  if (o.random !== undefined && typeof o.random !== 'function')
    invalid('random', 'random must be a function returning [0, 1)');
  const drain = bp.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
  if (drain !== false && (typeof drain !== 'number' || !Number.isFinite(drain) || drain <= 0))
    invalid(
      'backpressure.drainTimeoutMs',
      'backpressure.drainTimeoutMs must be a positive number or false',
    );
  const stall = o.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  if (stall !== false && (typeof stall !== 'number' || !Number.isFinite(stall) || stall <= 0))
    invalid('stallTimeoutMs', 'stallTimeoutMs must be a positive number or false');
  const reply = o.replyTimeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS;
  if (reply !== false && (typeof reply !== 'number' || !Number.isFinite(reply) || reply <= 0))
    invalid('replyTimeoutMs', 'replyTimeoutMs must be a positive number or false');
  const streamHwm = nonNegative(
    'streamHighWaterMark',
    o.streamHighWaterMark,
    DEFAULT_STREAM_HIGH_WATER_MARK,
  );
  if (streamHwm < 1) invalid('streamHighWaterMark', 'streamHighWaterMark must be ≥ 1');
  const dedupe = nonNegative('dedupeWindow', o.dedupeWindow, DEFAULT_DEDUPE_WINDOW);
  if (!Number.isInteger(dedupe)) invalid('dedupeWindow', 'dedupeWindow must be an integer ≥ 0');
  return {
    reconnect: resolveReconnect(o.reconnect),
    random: o.random,
    maxQueuedBytes: nonNegative(
      'backpressure.maxQueuedBytes',
      bp.maxQueuedBytes,
      DEFAULT_MAX_QUEUED_BYTES,
    ),
    highWaterMark: nonNegative(
      'backpressure.highWaterMark',
      bp.highWaterMark,
      DEFAULT_HIGH_WATER_MARK,
    ),
    audioPolicy,
    drainTimeoutMs: drain,
    streamHighWaterMark: streamHwm,
    streamPolicy,
    stallTimeoutMs: stall,
    replyTimeoutMs: reply,
    dedupeWindow: dedupe,
    replayUncommittedAudioMs: nonNegative(
      'replayUncommittedAudioMs',
      o.replayUncommittedAudioMs,
      DEFAULT_REPLAY_UNCOMMITTED_AUDIO_MS,
    ),
  };
}

/**
 * A small deterministic PRNG (mulberry32) seeded from the clock: core may not read global
 * randomness, and jitter only has to differ between sessions, not be unpredictable.
 */
export function seededRandom(seed: number): () => number {
  let a = Math.floor(seed) >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
