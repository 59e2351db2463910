/**
 * G.711 µ-law and A-law ⇄ PCM16 (ITU-T G.711), so that frames stay PCM16 (`AudioFrame`) in the
 * API whatever the session's wire format. Decoding uses 256-entry tables built once.
 * @module
 */

/** A G.711 companding law. */
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

function table(f: (b: number) => number): Int16Array {
  const out = new Int16Array(256);
  for (let i = 0; i < 256; i++) out[i] = f(i);
  return out;
}

let ULAW: Int16Array | undefined;
let ALAW: Int16Array | undefined;

/** Decodes G.711 bytes into PCM16 samples (one sample per byte). */
export function g711Decode(bytes: Uint8Array, law: G711Law): Int16Array {
  const t = law === 'ulaw' ? (ULAW ??= table(ulawToLinear)) : (ALAW ??= table(alawToLinear));
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = t[bytes[i] as number] as number;
  return out;
}

function linearToUlaw(sample: number): number {
  const BIAS = 0x84;
  let s = sample;
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
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

/** Encodes PCM16 samples as G.711 bytes (one byte per sample). */
export function g711Encode(samples: Int16Array, law: G711Law): Uint8Array {
  const f = law === 'ulaw' ? linearToUlaw : linearToAlaw;
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = f(samples[i] as number);
  return out;
}
