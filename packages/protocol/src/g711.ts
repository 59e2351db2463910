/**
 * G.711 µ-law and A-law ⇄ PCM16 (ITU-T G.711), the companding behind the `audio/pcmu` and
 * `audio/pcma` wire formats (beta `g711_ulaw` / `g711_alaw`), 8 kHz, one byte per sample.
 *
 * It lives in `protocol` because both the engine (`core`, which keeps frames PCM16 in its API
 * whatever the wire format) and the fake server (`testing`, which must not import `core`) need
 * the very same conversion; one implementation means the fake can never disagree with the engine.
 * Decoding uses 256-entry tables built on first use; encoding follows the classic
 * public-domain reference coder (`linear2ulaw` / `linear2alaw`), 16-bit input.
 * @module
 */

/** A G.711 companding law: `'ulaw'` (µ-law, `audio/pcmu`) or `'alaw'` (A-law, `audio/pcma`). */
export type G711Law = 'ulaw' | 'alaw';

function ulawToLinear(u: number): number {
  const v = ~u & 0xff;
  const t = (((v & 0x0f) << 3) + 0x84) << ((v & 0x70) >> 4);
  return v & 0x80 ? 0x84 - t : t - 0x84;
}

function alawToLinear(a: number): number {
  const v = a ^ 0x55;
  let t = (v & 0x0f) << 4;
  const seg = (v & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return v & 0x80 ? t : -t;
}

function linearToUlaw(sample: number): number {
  const BIAS = 0x84;
  let s = sample;
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  // Clip so that adding the bias cannot overflow the 15-bit magnitude the segments cover.
  if (s > 32635) s = 32635;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function linearToAlaw(sample: number): number {
  let s = sample;
  const sign = s >= 0 ? 0x80 : 0;
  // One's complement for negatives, as the reference coder does: -1 and 0 share a code.
  if (s < 0) s = -s - 1;
  if (s > 32767) s = 32767;
  let out: number;
  if (s < 256) {
    out = s >> 4;
  } else {
    let exponent = 7;
    for (let mask = 0x4000; (s & mask) === 0 && exponent > 1; mask >>= 1) exponent--;
    out = (exponent << 4) | ((s >> (exponent + 3)) & 0x0f);
  }
  return (out | sign) ^ 0x55;
}

function table(f: (b: number) => number): Int16Array {
  const out = new Int16Array(256);
  for (let i = 0; i < 256; i++) out[i] = f(i);
  return out;
}

let ULAW: Int16Array | undefined;
let ALAW: Int16Array | undefined;

function checkLaw(law: unknown): asserts law is G711Law {
  // The type says so already; this catches untyped callers (e.g. `'mulaw'`) that would otherwise
  // silently get A-law.
  if (law !== 'ulaw' && law !== 'alaw') {
    throw new RangeError(`G.711: unknown law ${JSON.stringify(law)}; expected 'ulaw' or 'alaw'`);
  }
}

/**
 * Decodes G.711 bytes into PCM16 samples (one sample per byte).
 * @throws RangeError when `law` is neither `'ulaw'` nor `'alaw'`.
 */
export function g711Decode(bytes: Uint8Array, law: G711Law): Int16Array {
  checkLaw(law);
  const t = law === 'ulaw' ? (ULAW ??= table(ulawToLinear)) : (ALAW ??= table(alawToLinear));
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = t[bytes[i] as number] as number;
  return out;
}

/**
 * Encodes PCM16 samples as G.711 bytes (one byte per sample). Samples beyond the law's range
 * are clipped, never wrapped.
 * @throws RangeError when `law` is neither `'ulaw'` nor `'alaw'`.
 */
export function g711Encode(samples: Int16Array, law: G711Law): Uint8Array {
  checkLaw(law);
  const f = law === 'ulaw' ? linearToUlaw : linearToAlaw;
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = f(samples[i] as number);
  return out;
}
