/**
 * Sample conversion for the three wire formats, and a deterministic synthetic voice: the fake's
 * audio is real PCM a client can play, measure and truncate, never random bytes.
 * G.711 companding comes from `@voxwire/protocol`, the same code the engine uses.
 * @module
 */
import { g711Decode, g711Encode } from '@voxwire/protocol';

/** The sample rate of a GA audio format type (`audio/pcm` 24 kHz, G.711 8 kHz). */
export function sampleRateOf(formatType: string): number {
  return formatType === 'audio/pcmu' || formatType === 'audio/pcma' ? 8_000 : 24_000;
}

/** Decodes wire bytes of the given format into PCM16 samples. */
export function decodeSamples(bytes: Uint8Array, formatType: string): Int16Array {
  if (formatType === 'audio/pcmu') return g711Decode(bytes, 'ulaw');
  if (formatType === 'audio/pcma') return g711Decode(bytes, 'alaw');
  const out = new Int16Array(bytes.length >> 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, out.length * 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

/**
 * Samples at `from` Hz as samples at `to` Hz, for the two wire rates (8 and 24 kHz): each
 * sample repeated three times up, every third sample down. The fake keeps G.711 input on a
 * 24 kHz timeline by repetition, so going down recovers the samples exactly.
 */
export function atWireRate(samples: Int16Array, from: number, to: number): Int16Array {
  if (from === to) return samples;
  if (from === 8_000 && to === 24_000) {
    const out = new Int16Array(samples.length * 3);
    for (let i = 0; i < samples.length; i++) out.fill(samples[i] ?? 0, i * 3, i * 3 + 3);
    return out;
  }
  if (from === 24_000 && to === 8_000) {
    const out = new Int16Array(Math.ceil(samples.length / 3));
    for (let i = 0; i < out.length; i++) out[i] = samples[i * 3] ?? 0;
    return out;
  }
  throw new RangeError(`no conversion from ${from} Hz to ${to} Hz (wire rates are 8 and 24 kHz)`);
}

/** Encodes PCM16 samples into wire bytes of the given format. */
export function encodeSamples(samples: Int16Array, formatType: string): Uint8Array {
  if (formatType === 'audio/pcmu') return g711Encode(samples, 'ulaw');
  if (formatType === 'audio/pcma') return g711Encode(samples, 'alaw');
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i] ?? 0, true);
  return out;
}

/** Options of {@link synthesizeSpeech}. */
export interface SynthOptions {
  /**
   * Output sample rate in Hz.
   * @default 24000
   */
  readonly sampleRate?: number | undefined;
  /**
   * Milliseconds of audio per character of text (speaking rate).
   * @default 60
   */
  readonly msPerChar?: number | undefined;
  /**
   * Peak amplitude as a fraction of full scale.
   * @default 0.3
   */
  readonly amplitude?: number | undefined;
}

/**
 * A simple deterministic "voice": each letter is a voiced segment (a fundamental with two
 * formant-like harmonics, pitch chosen from the letter), spaces and punctuation are silence,
 * with short fades so there are no clicks. Same text, same samples, on every machine.
 */
export function synthesizeSpeech(text: string, options: SynthOptions = {}): Int16Array {
  const rate = options.sampleRate ?? 24_000;
  const perChar = Math.max(1, Math.round(((options.msPerChar ?? 60) * rate) / 1000));
  const amp = (options.amplitude ?? 0.3) * 32767;
  const chars = [...text];
  const out = new Int16Array(chars.length * perChar);
  const fade = Math.min(perChar >> 2, Math.round(rate / 200));
  chars.forEach((ch, c) => {
    if (!/\p{L}|\p{N}/u.test(ch)) return; // silence between words
    const code = ch.toLowerCase().codePointAt(0) ?? 97;
    const f0 = 110 + (code % 12) * 8; // a speaking-range pitch per letter
    const vowel = 'aeiouy'.includes(ch.toLowerCase());
    const base = c * perChar;
    for (let i = 0; i < perChar; i++) {
      const t = i / rate;
      const env = Math.min(1, i / fade, (perChar - i) / fade);
      const v =
        Math.sin(2 * Math.PI * f0 * t) * 0.6 +
        Math.sin(2 * Math.PI * f0 * (vowel ? 3 : 5) * t) * 0.25 +
        Math.sin(2 * Math.PI * f0 * (vowel ? 7 : 11) * t) * 0.15;
      out[base + i] = Math.round(v * amp * env);
    }
  });
  return out;
}

/** A pure tone, handy for driving the server VAD in tests. */
export function tone(
  durationMs: number,
  options: {
    /** Pitch, Hz. @default 440 */
    frequency?: number | undefined;
    /** Peak level as a share of full scale (0–1). @default 0.3 */
    amplitude?: number | undefined;
    /** Samples per second of the result. @default 24000 */
    sampleRate?: number | undefined;
  } = {},
): Int16Array {
  const rate = options.sampleRate ?? 24_000;
  const n = Math.round((durationMs * rate) / 1000);
  const amp = (options.amplitude ?? 0.3) * 32767;
  const f = options.frequency ?? 440;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(Math.sin((2 * Math.PI * f * i) / rate) * amp);
  return out;
}

/** Silence (zeros), the companion of {@link tone}. */
export function silence(durationMs: number, sampleRate = 24_000): Int16Array {
  return new Int16Array(Math.round((durationMs * sampleRate) / 1000));
}
