/**
 * Appended audio that is not in the session's input format: down-mixed to mono and resampled
 * to the input rate (24 kHz, or 8 kHz for G.711) with `@voxwire/protocol`'s `PcmResampler`, one
 * stream per session, kept across frames so that the conversion has no seams. LiveKit 1.x's
 * `push_audio` converts any rate and channel count the same way (issue #1643 there).
 * @module
 */
import { MAX_APPEND_BYTES, PcmResampler, audioFrame, type AudioFrame } from '@voxwire/protocol';
import { VoxwireError } from './errors.js';

/** Highest input rate accepted, Hz. */
const MAX_INPUT_RATE = 768_000;
/** Most channels accepted. */
const MAX_CHANNELS = 64;

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
      invalid('frame must be an AudioFrame with Int16Array data');
    const { data, sampleRate, channels } = frame;
    if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > MAX_INPUT_RATE)
      invalid(
        `frame.sampleRate must be an integer from 1 to ${MAX_INPUT_RATE} Hz, got ${String(sampleRate)}`,
      );
    if (!Number.isInteger(channels) || channels < 1 || channels > MAX_CHANNELS)
      invalid(
        `frame.channels must be an integer from 1 to ${MAX_CHANNELS}, got ${String(channels)}`,
      );
    if (data.length % channels !== 0)
      invalid(
        `frame.data holds ${data.length} samples: not a whole number of ${channels}-channel frames`,
      );
    let prefix: Int16Array = new Int16Array(0);
    let r = this.#resampler;
    if (
      r === undefined ||
      r.inputRate !== sampleRate ||
      r.channels !== channels ||
      r.outputRate !== rate
    ) {
      // a stream of another shape starts: what the old one held back goes first
      if (r !== undefined && r.outputRate === rate) prefix = r.flush();
      try {
        r = new PcmResampler({ inputRate: sampleRate, outputRate: rate, channels });
      } catch (error) {
        invalid(`cannot convert ${sampleRate} Hz audio to ${rate} Hz: ${(error as Error).message}`);
      }
      this.#resampler = r;
    }
    const bytes =
      2 *
      (prefix.length + Math.ceil(((r.pending + data.length / channels) * rate) / sampleRate) + 1);
    if (bytes > MAX_APPEND_BYTES)
      invalid(
        `frame converts to about ${bytes} bytes; one append carries at most ${MAX_APPEND_BYTES}`,
      );
    const out = concat(prefix, r.push(data));
    this.#holding = r.pending > 0;
    return out;
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
 * One whole frame (item audio, not a stream) as mono PCM16 at `rate`: the frame's own data when
 * it already is, else down-mixed and resampled. Returns `undefined` for a frame whose rate or
 * channel count cannot be converted (the caller says why in its own error).
 */
export function frameAtRate(frame: AudioFrame, rate: number): Int16Array | undefined {
  if (frame.sampleRate === rate && frame.channels === 1) return frame.data;
  if (frame.data.length % (frame.channels || 1) !== 0) return undefined;
  let resampler: PcmResampler;
  try {
    resampler = new PcmResampler({
      inputRate: frame.sampleRate,
      outputRate: rate,
      channels: frame.channels,
    });
  } catch {
    return undefined;
  }
  return concat(resampler.push(frame.data), resampler.flush());
}
