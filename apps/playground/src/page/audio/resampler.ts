/**
 * A streaming band-limited resampler (windowed sinc, evaluated at each output position) and the
 * float ⇄ PCM16 conversions. Used inside the capture worklet to turn the microphone's native
 * rate (44.1 or 48 kHz) into the 24 kHz PCM16 the Realtime API expects; the low-pass cut-off at
 * the lower Nyquist frequency keeps downsampling from folding hiss into the speech band.
 * @module
 */

/** Options of {@link StreamResampler}. */
export interface ResamplerOptions {
  /** Input sample rate in Hz. */
  inputRate: number;
  /** Output sample rate in Hz. @default 24000 */
  outputRate?: number;
  /** Half-width of the sinc kernel in input samples (quality vs. CPU). @default 16 */
  halfTaps?: number;
}

/**
 * Converts a stream of float samples at one rate into another, chunk by chunk, with no
 * discontinuity between chunks (the tail of each chunk is kept as history).
 */
export class StreamResampler {
  readonly inputRate: number;
  readonly outputRate: number;
  private readonly ratio: number;
  private readonly halfTaps: number;
  private readonly cutoff: number;
  /** History + pending input; index 0 is input sample number `base`. */
  private buffer: Float32Array = new Float32Array(0);
  private base = 0;
  /** Position of the next output sample, in input-sample units (absolute). */
  private nextPos = 0;

  constructor(options: ResamplerOptions) {
    const outputRate = options.outputRate ?? 24_000;
    if (!(options.inputRate > 0) || !(outputRate > 0)) {
      throw new RangeError(
        `sample rates must be positive, got ${options.inputRate} → ${outputRate}`,
      );
    }
    this.inputRate = options.inputRate;
    this.outputRate = outputRate;
    this.ratio = options.inputRate / outputRate;
    this.halfTaps = options.halfTaps ?? 16;
    // Normalised cut-off (cycles per input sample): the lower of the two Nyquist limits, a
    // little under it so the transition band ends before aliasing starts.
    this.cutoff = 0.5 * Math.min(1, outputRate / options.inputRate) * 0.95;
  }

  /** Feeds input samples; returns the output samples that are now fully determined. */
  push(input: Float32Array): Float32Array {
    if (this.inputRate === this.outputRate) return input.slice();
    const merged = new Float32Array(this.buffer.length + input.length);
    merged.set(this.buffer);
    merged.set(input, this.buffer.length);
    this.buffer = merged;
    const end = this.base + merged.length; // one past the last known input sample
    const out: number[] = [];
    // An output sample needs input up to nextPos + halfTaps.
    while (this.nextPos + this.halfTaps < end) {
      out.push(this.sampleAt(this.nextPos));
      this.nextPos += this.ratio;
    }
    // Keep only the history the next output needs.
    const keepFrom = Math.max(this.base, Math.floor(this.nextPos) - this.halfTaps);
    this.buffer = this.buffer.slice(keepFrom - this.base);
    this.base = keepFrom;
    return Float32Array.from(out);
  }

  private sampleAt(pos: number): number {
    const center = Math.floor(pos);
    const gain = 2 * this.cutoff;
    let acc = 0;
    for (let k = center - this.halfTaps + 1; k <= center + this.halfTaps; k++) {
      const idx = k - this.base;
      const x = idx >= 0 && idx < this.buffer.length ? (this.buffer[idx] ?? 0) : 0;
      if (x === 0) continue;
      const t = pos - k;
      const arg = 2 * this.cutoff * t;
      const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
      // Blackman window over the kernel span keeps the stop band clean.
      const w = t / (this.halfTaps + 1);
      const window =
        Math.abs(w) >= 1
          ? 0
          : 0.42 + 0.5 * Math.cos(Math.PI * w) + 0.08 * Math.cos(2 * Math.PI * w);
      acc += x * gain * sinc * window;
    }
    return acc;
  }
}

/** Float samples in [-1, 1] → PCM16, clamped (clipping beats wrap-around noise). */
export function floatToPcm16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i] ?? 0));
    out[i] = s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff);
  }
  return out;
}

/** PCM16 → float samples in [-1, 1]. */
export function pcm16ToFloat(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = (samples[i] ?? 0) / 0x8000;
  return out;
}

/** Root mean square of a block, for the level meter. */
export function rms(samples: Float32Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += (samples[i] ?? 0) ** 2;
  return Math.sqrt(sum / samples.length);
}
