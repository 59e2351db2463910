/**
 * What a fake server keeps of a long run: the audio of the appends it recorded
 * (`keepAppendedAudioMs`) and the state of the connections that closed long ago
 * (`keepClosedConnections`). Without these bounds a soak test with the defaults grew by about
 * 230 MB per hour of microphone audio (every append's base64 in `clientEvents`), plus every
 * closed connection's conversation and its assistant audio.
 * @module
 */
import { base64DecodedLength } from '@voxwire/protocol';
import { describeArgument } from '../describe-argument.js';
import { FakeServerOptionsError } from '../errors.js';
import { sampleRateOf } from './audio-codec.js';
import type { FakeServerOptions } from './fake-server-options.js';
import type { JsonObject } from './wire.js';

/** Audio of recorded appends each connection keeps by default: the input buffer's bound. */
export const KEEP_APPENDED_AUDIO_MS = 60_000;

/** Closed connections a server keeps whole by default (the newest ones). */
export const KEEP_CLOSED_CONNECTIONS = 4;

/**
 * @throws FakeServerOptionsError when `keepAppendedAudioMs` or `keepClosedConnections` is not a
 *   number ≥ 0 (`Infinity` keeps everything), or `keepClosedConnections` is no whole number
 */
export function checkRetentionOptions(options: FakeServerOptions): void {
  const ms: unknown = options.keepAppendedAudioMs;
  if (ms !== undefined && !(typeof ms === 'number' && ms >= 0))
    throw new FakeServerOptionsError(
      `keepAppendedAudioMs must be a number of ms ≥ 0 (Infinity keeps every append's audio), got ${describeArgument(ms)}`,
    );
  const n: unknown = options.keepClosedConnections;
  if (
    n !== undefined &&
    !(typeof n === 'number' && n >= 0 && (Number.isInteger(n) || n === Infinity))
  )
    throw new FakeServerOptionsError(
      `keepClosedConnections must be a whole number ≥ 0 (Infinity keeps every closed connection whole), got ${describeArgument(n)}`,
    );
}

/** Ms of audio in an append's base64, in the session's input format at the time. */
export function appendedAudioMs(audio: string, formatType: string): number {
  const bytesPerSample = sampleRateOf(formatType) === 24_000 ? 2 : 1;
  return (base64DecodedLength(audio) / bytesPerSample / sampleRateOf(formatType)) * 1000;
}

/** The recorded append `event` without its audio, as a log keeps it once it is out of the window. */
export function withoutAudio(event: JsonObject): JsonObject {
  const { audio: _audio, ...rest } = event;
  const keys = Object.keys(rest);
  // the usual append, `{type, event_id}` once stripped, as a literal of the internalized type:
  // the rest-spread copy with the parsed type string made an hour of 20 ms frames (180,000
  // of them) take about 40% more heap
  if (keys.length === 2 && typeof rest['event_id'] === 'string')
    return { type: 'input_audio_buffer.append', event_id: rest['event_id'] };
  return keys.length === 1 ? { type: 'input_audio_buffer.append' } : rest;
}

/** A recorded append that still carries its audio, and where it sits in the two logs. */
export interface KeptAppend {
  readonly event: JsonObject;
  /** Ms of audio it carries. */
  readonly ms: number;
  /** Its index in the connection's `clientEvents`. */
  readonly at: number;
  /** Its index in the server's `clientEvents` (`undefined` when the host does not say). */
  readonly serverAt: number | undefined;
}

/**
 * One connection's recorded appends that still carry their audio, oldest first. Once the newer
 * ones hold `keepMs` of audio, the oldest is handed to `drop`, which puts a copy without its
 * `audio` in its place in the logs: the appends stay where they were (indices, counts and the
 * order expectations match in are unchanged), only their payload goes.
 */
export class AppendWindow {
  #kept: KeptAppend[] = [];
  #head = 0;
  #ms = 0;

  constructor(
    private readonly keepMs: number,
    private readonly drop: (kept: KeptAppend) => void,
  ) {}

  /** A recorded append. */
  recorded(kept: KeptAppend): void {
    this.#kept.push(kept);
    this.#ms += kept.ms;
    for (let oldest = this.#kept[this.#head]; oldest; oldest = this.#kept[this.#head]) {
      if (this.#ms - oldest.ms < this.keepMs) break;
      this.#shift(oldest);
    }
    // an array shifted one at a time is O(n) per shift: drop the consumed head in one go
    if (this.#head > 1024 && this.#head * 2 > this.#kept.length) {
      this.#kept = this.#kept.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Drops the audio of every append still kept (a released connection's). */
  dropAll(): void {
    for (let oldest = this.#kept[this.#head]; oldest; oldest = this.#kept[this.#head])
      this.#shift(oldest);
    this.#kept = [];
    this.#head = 0;
  }

  #shift(oldest: KeptAppend): void {
    this.#head++;
    this.#ms -= oldest.ms;
    this.drop(oldest);
  }
}

/** What a connection lets go of once it is among the closed ones a server no longer keeps. */
export interface Releasable {
  release(): void;
}

/**
 * The closed connections still kept whole, oldest first: when one more closes than `keep`
 * allows, the oldest is released (see `FakeConnection.release`).
 */
export class ClosedConnections {
  readonly #whole: Releasable[] = [];

  constructor(private readonly keep: number) {}

  /** `conn` closed. */
  closed(conn: Releasable): void {
    this.#whole.push(conn);
    while (this.#whole.length > this.keep) this.#whole.shift()?.release();
  }
}
