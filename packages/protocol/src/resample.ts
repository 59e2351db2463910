/**
 * Streaming PCM16 sample-rate conversion and down-mixing: a microphone's 44.1 or 48 kHz stereo,
 * a 16 kHz recording or a phone's 8 kHz, into the mono rate the Realtime API takes (24 kHz, or
 * 8 kHz for G.711). LiveKit 1.x resamples `push_audio` the same way (with a native resampler).
 *
 * A rational polyphase filter: for a rate ratio L/M (reduced by their gcd), output sample n
 * lies at input position n·M/L; it is the input around it weighted by a Blackman-windowed sinc
 * whose cut-off sits just under the lower of the two Nyquist frequencies, so downsampling does
 * not fold hiss into the speech band. The L phase kernels are computed once per rate pair and
 * shared. Chunks may have any length: history is kept across calls, so the output of a stream
 * fed in pieces equals the output of the whole stream.
 * @module
 */

/** Options of {@link PcmResampler}. */
export interface PcmResamplerOptions {
  /** Input samples per second (per channel). */
  readonly inputRate: number;
  /** Output samples per second. */
  readonly outputRate: number;
  /** Input channels, interleaved; the output is mono (their average). @default 1 */
  readonly channels?: number;
  /**
   * Half-width of the kernel, in samples of the lower of the two rates: quality against CPU.
   * 12 keeps the stop band below about −70 dB; each output sample costs 2 × 12 × max(1, input
   * rate ÷ output rate) multiply-adds.
   * @default 12
   */
  readonly halfWidth?: number;
}

/** The largest number of phases (the reduced upsampling factor) a kernel table may have. */
const MAX_PHASES = 4096;
/** Rates from 1 Hz to 768 kHz. */
const MAX_RATE = 768_000;

interface Kernel {
  /** Phases (the reduced output rate). */
  readonly up: number;
  /** Input step per output sample, in phases (the reduced input rate). */
  readonly down: number;
  /** Taps per phase; tap j of phase p weighs input sample `i - half + 1 + j`. */
  readonly taps: number;
  readonly half: number;
  readonly table: Float32Array;
}

// kernels are pure functions of their parameters: shared by every resampler with the same ones
const kernels = new Map<string, Kernel>();

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function kernel(inputRate: number, outputRate: number, halfWidth: number): Kernel {
  const key = `${inputRate}:${outputRate}:${halfWidth}`;
  const cached = kernels.get(key);
  if (cached) return cached;
  const g = gcd(inputRate, outputRate);
  const up = outputRate / g;
  const down = inputRate / g;
  if (up > MAX_PHASES)
    throw new RangeError(
      `cannot resample ${inputRate} Hz to ${outputRate} Hz: the reduced ratio ${down}:${up} needs more than ${MAX_PHASES} filter phases`,
    );
  // cut-off in cycles per input sample, a little under the lower Nyquist frequency
  const cutoff = 0.5 * Math.min(1, up / down) * 0.95;
  // widened by the decimation factor, so the transition band is the same in output terms
  const half = Math.ceil(halfWidth * Math.max(1, down / up));
  const taps = 2 * half;
  const table = new Float32Array(up * taps);
  for (let phase = 0; phase < up; phase++) {
    const frac = phase / up;
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      // distance from the output position to input sample (i - half + 1 + j)
      const t = frac - (j - half + 1);
      const x = 2 * cutoff * t;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const w = t / (half + 1);
      const window =
        Math.abs(w) >= 1
          ? 0
          : 0.42 + 0.5 * Math.cos(Math.PI * w) + 0.08 * Math.cos(2 * Math.PI * w);
      const h = 2 * cutoff * sinc * window;
      table[phase * taps + j] = h;
      sum += h;
    }
    // unity gain at DC for every phase: no ripple from the phase a sample happens to fall on
    for (let j = 0; j < taps; j++) table[phase * taps + j] = table[phase * taps + j]! / sum;
  }
  const k: Kernel = { up, down, taps, half, table };
  kernels.set(key, k);
  return k;
}

// the inner product of one output sample: a small monomorphic function V8 optimizes on its own
function dot(
  h: Float32Array,
  start: number,
  table: Float32Array,
  offset: number,
  taps: number,
): number {
  let acc = 0;
  for (let j = 0; j < taps; j++) acc += h[start + j]! * table[offset + j]!;
  return acc;
}

// the same rate: nothing to filter, only channels to average
function downmix(input: Int16Array, channels: number): Int16Array {
  if (channels === 1) return input.slice();
  const out = new Int16Array(input.length / channels);
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += input[i * channels + c]!;
    out[i] = Math.round(sum / channels);
  }
  return out;
}

function checkRate(name: string, rate: unknown): number {
  if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 1 || rate > MAX_RATE)
    throw new RangeError(
      `${name} must be an integer from 1 to ${MAX_RATE} Hz, got ${String(rate)}`,
    );
  return rate;
}

/**
 * Converts interleaved PCM16 at one rate and channel count into mono PCM16 at another, chunk
 * by chunk. `push` returns the output that the input so far fully determines (the last
 * `halfWidth` or so input samples wait for the next chunk); `flush` ends the stream.
 */
export class PcmResampler {
  /** Input rate, Hz. */
  readonly inputRate: number;
  /** Output rate, Hz. */
  readonly outputRate: number;
  /** Input channels. */
  readonly channels: number;
  readonly #k: Kernel;
  // mono input not yet consumed, with the history the next output needs; index 0 is input
  // sample number `#base` (negative numbers are the silence before the stream)
  #history: Float32Array;
  #length: number;
  #base: number;
  // the next output sample lies at input sample #at + #phase / up
  #at = 0;
  #phase = 0;
  // input samples pushed since the start (or the last flush)
  #pushed = 0;

  /** @throws RangeError for rates or channel counts out of range. */
  constructor(options: PcmResamplerOptions) {
    this.inputRate = checkRate('inputRate', options.inputRate);
    this.outputRate = checkRate('outputRate', options.outputRate);
    const channels = options.channels ?? 1;
    if (!Number.isInteger(channels) || channels < 1 || channels > 64)
      throw new RangeError(`channels must be an integer from 1 to 64, got ${String(channels)}`);
    this.channels = channels;
    const halfWidth = options.halfWidth ?? 12;
    if (!Number.isInteger(halfWidth) || halfWidth < 1 || halfWidth > 64)
      throw new RangeError(`halfWidth must be an integer from 1 to 64, got ${String(halfWidth)}`);
    this.#k = kernel(this.inputRate, this.outputRate, halfWidth);
    this.#history = new Float32Array(this.#k.taps * 4);
    this.#length = 0;
    this.#base = 0;
    this.#reset();
  }

  /** Input samples (per channel) held back, waiting for the input after them. */
  get pending(): number {
    return Math.max(0, this.#pushed - this.#at);
  }

  /**
   * Feeds interleaved samples (a whole number of frames); returns the mono output they complete.
   * @throws RangeError when `input.length` is not a multiple of `channels`.
   */
  push(input: Int16Array): Int16Array {
    const channels = this.channels;
    if (input.length % channels !== 0)
      throw new RangeError(
        `input holds ${input.length} samples, not a whole number of ${channels}-channel frames`,
      );
    const frames = input.length / channels;
    if (this.inputRate === this.outputRate) return downmix(input, channels);
    this.#reserve(frames);
    const h = this.#history;
    let n = this.#length;
    if (channels === 1) {
      for (let i = 0; i < frames; i++) h[n++] = input[i]!;
    } else {
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += input[i * channels + c]!;
        h[n++] = sum / channels;
      }
    }
    this.#length = n;
    this.#pushed += frames;
    return this.#drain(this.#base + this.#length);
  }

  /**
   * Ends the stream: returns the output still owed (the held-back input, followed by silence)
   * and starts afresh, as if new.
   */
  flush(): Int16Array {
    if (this.inputRate === this.outputRate) return new Int16Array(0);
    const end = this.#pushed;
    // silence after the stream, so the last outputs have their full kernel
    this.#reserve(this.#k.half);
    this.#history.fill(0, this.#length, this.#length + this.#k.half);
    this.#length += this.#k.half;
    const out = this.#drain(this.#base + this.#length, end);
    this.#reset();
    return out;
  }

  /** Drops the held-back input and the history (a new, unrelated stream follows). */
  reset(): void {
    this.#reset();
  }

  #reset(): void {
    const half = this.#k.half;
    // the silence before the stream: the first outputs see zeros on their left
    this.#history.fill(0, 0, half - 1);
    this.#length = half - 1;
    this.#base = -(half - 1);
    this.#at = 0;
    this.#phase = 0;
    this.#pushed = 0;
  }

  #reserve(more: number): void {
    if (this.#length + more <= this.#history.length) return;
    const grown = new Float32Array(Math.max(this.#history.length * 2, this.#length + more));
    grown.set(this.#history.subarray(0, this.#length));
    this.#history = grown;
  }

  // computes every output whose kernel lies inside the input known up to `known` (exclusive),
  // stopping before input position `limit` (the end of the stream, on flush)
  #drain(known: number, limit = Infinity): Int16Array {
    const { up, down, taps, half, table } = this.#k;
    const h = this.#history;
    const base = this.#base;
    let at = this.#at;
    let phase = this.#phase;
    // output n (at position at + (phase + n·down) / up) needs input up to its integer part + half
    const count = Math.max(0, Math.ceil(((known - half - at) * up - phase) / down));
    const out = new Int16Array(count);
    let produced = 0;
    while (produced < count && at < limit) {
      const start = at - half + 1 - base;
      const v = Math.round(dot(h, start, table, phase * taps, taps));
      out[produced++] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      phase += down;
      if (phase >= up) {
        at += Math.floor(phase / up);
        phase %= up;
      }
    }
    this.#at = at;
    this.#phase = phase;
    // keep only the history the next output needs
    const keepFrom = at - half + 1;
    const drop = keepFrom - base;
    if (drop > 0) {
      this.#history.copyWithin(0, drop, this.#length);
      this.#length -= drop;
      this.#base = keepFrom;
    }
    return produced === count ? out : out.subarray(0, produced);
  }
}
