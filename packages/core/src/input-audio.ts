/**
 * Appended audio that is not in the session's input format: down-mixed to mono and resampled
 * to the input rate (24 kHz, or 8 kHz for G.711) with `@voxwire/protocol`'s `PcmResampler`, one
 * stream per session, kept across frames so that the conversion has no seams. LiveKit 1.x's
 * `push_audio` converts any rate and channel count the same way (issue #1643 there).
 * @module
 */
import { MAX_APPEND_BYTES, PcmResampler, audioFrame, type AudioFrame } from '@voxwire/protocol';
import { VoxwireError } from './errors.js';

function invalid(message: string): never {
  throw new VoxwireError('INVALID_ARGUMENT', message, { data: { argument: 'frame' } });
}

function concat(a: Int16Array, b: Int16Array): Int16Array {
  if (a.length === 0) return b;
  const out = new Int16Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The session's conversion of appended frames (made on the first frame that needs it). */
export class InputConverter {
  #resampler: PcmResampler | undefined;
  #holding = false;

  /** Whether input is held back (the next frame in the session's own format must flush it first). */
  get holding(): boolean {
    return this.#holding;
  }

  /**
   * Converts `frame` to mono PCM16 at `rate`: the samples it completes (possibly none yet).
   * Throws `INVALID_ARGUMENT` for a malformed frame, one the rates cannot be converted between,
   * or one whose conversion would exceed what one append may carry.
   */
  convert(frame: AudioFrame, rate: number): Int16Array {
    if (typeof frame !== 'object' || frame === null || !(frame.data instanceof Int16Array))
      invalid(`frame must be an AudioFrame with Int16Array data${floatHint(frame)}`);
    const { data, sampleRate, channels } = frame;
    // named here: the resampler's own refusal would read "undefined-channel frames"
    if (!Number.isInteger(channels) || channels < 1)
      invalid(`frame.channels must be a whole number ≥ 1, got ${String(channels)}`);
    if (typeof sampleRate !== 'number' || !(sampleRate > 0) || !Number.isFinite(sampleRate))
      invalid(`frame.sampleRate must be a number of Hz > 0, got ${String(sampleRate)}`);
    const r = this.#resampler;
    // the resampler checks the rates and the channel count
    const next =
      r !== undefined &&
      r.inputRate === sampleRate &&
      r.channels === channels &&
      r.outputRate === rate
        ? r
        : newResampler(sampleRate, rate, channels);
    if (data.length % channels !== 0)
      invalid(
        `frame.data holds ${data.length} samples: not a whole number of ${channels}-channel frames`,
      );
    // a stream of another shape starts: what the old one held back goes first
    const switching = next !== r && r !== undefined && r.outputRate === rate;
    const held = switching ? Math.ceil((r.pending * rate) / r.inputRate) + 1 : 0;
    const bytes =
      2 * (held + Math.ceil(((next.pending + data.length / channels) * rate) / sampleRate) + 1);
    if (bytes > MAX_APPEND_BYTES)
      invalid(
        `frame converts to about ${bytes} bytes; one append carries at most ${MAX_APPEND_BYTES}`,
      );
    const prefix = switching ? r.flush() : undefined;
    this.#resampler = next;
    const converted = next.push(data);
    this.#holding = next.pending > 0;
    return prefix === undefined ? converted : concat(prefix, converted);
  }

  /** Ends the stream: the samples still held back, as a frame at the rate they were made for. */
  flush(): AudioFrame | undefined {
    const r = this.#resampler;
    this.#holding = false;
    if (r === undefined || r.pending === 0) return undefined;
    return audioFrame(r.flush(), r.outputRate);
  }

  /** Drops what is held back (the buffer was cleared). */
  reset(): void {
    this.#resampler?.reset();
    this.#holding = false;
  }
}

/**
 * What to add to the refusal of a frame whose data are float samples (a browser's capture):
 * the conversion that makes them PCM16.
 */
export function floatHint(frame: unknown): string {
  const data = (frame as { data?: unknown } | null)?.data;
  return data instanceof Float32Array || data instanceof Float64Array
    ? ' (float samples from a browser capture: convert them with float32ToPcm16 from @voxwire/protocol)'
    : '';
}

/**
 * One whole frame (item audio, not a stream) as mono PCM16 at `rate`: the frame's own data when
 * it already is, else down-mixed and resampled. Returns `undefined` for a frame whose data is not
 * an `Int16Array`, or whose rate or channel count cannot be converted (the caller says why in its
 * own error).
 */
export function frameAtRate(frame: AudioFrame, rate: number): Int16Array | undefined {
  // not PCM16 samples (a plain array, Float32Array, raw bytes): encoding it as it is would send
  // empty or garbled audio that the server accepts
  if (!(frame?.data instanceof Int16Array)) return undefined;
  if (frame.sampleRate === rate && frame.channels === 1) return frame.data;
  try {
    const r = new PcmResampler({
      inputRate: frame.sampleRate,
      outputRate: rate,
      channels: frame.channels,
    });
    return concat(r.push(frame.data), r.flush());
  } catch (error) {
    // rates, channels or a partial frame the resampler refuses
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function newResampler(inputRate: number, outputRate: number, channels: number): PcmResampler {
  try {
    return new PcmResampler({ inputRate, outputRate, channels });
  } catch (error) {
    return invalid(`cannot convert this frame: ${(error as Error).message}`);
  }
}
