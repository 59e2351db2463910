/**
 * Audio frames and base64 ⇄ PCM16 conversion, fast in Node and in browsers.
 *
 * Node: `Buffer` (found on `globalThis` at run time, never imported, so the module stays
 * runtime-neutral) decodes and encodes natively. Browsers: `Uint8Array.fromBase64` /
 * `toBase64` where they exist, else `atob`/`btoa` over 32 KiB chunks, which never spreads a
 * large array into one call (the stack overflow that hits naive code on a 15 MiB payload).
 * @module
 */
import { NUM_CHANNELS, SAMPLE_RATE } from './constants.js';

/** PCM16 audio: interleaved little-endian samples, a rate and a channel count. */
export interface AudioFrame {
  /** Samples; for more than one channel, interleaved. */
  readonly data: Int16Array;
  /** Samples per second per channel. @default 24000 */
  readonly sampleRate: number;
  /** Channel count. @default 1 */
  readonly channels: number;
}

/** Makes an `AudioFrame` at the Realtime defaults (24 kHz mono) unless told otherwise. */
export function audioFrame(
  data: Int16Array,
  sampleRate = SAMPLE_RATE,
  channels = NUM_CHANNELS,
): AudioFrame {
  return { data, sampleRate, channels };
}

/** Duration of `samples` samples per channel at `sampleRate`, in ms. */
export function samplesToMs(samples: number, sampleRate = SAMPLE_RATE): number {
  return (samples * 1000) / sampleRate;
}

/** Duration of a frame in ms. */
export function frameDurationMs(frame: AudioFrame): number {
  return samplesToMs(frame.data.length / frame.channels, frame.sampleRate);
}

interface NodeBufferLike extends Uint8Array {
  toString(encoding?: 'base64'): string;
}
interface NodeBufferCtor {
  from(data: ArrayBufferLike, byteOffset: number, length: number): NodeBufferLike;
  allocUnsafeSlow(size: number): NodeBufferLike & {
    write(data: string, encoding: 'base64'): number;
  };
}
interface Base64Globals {
  Buffer?: NodeBufferCtor;
  atob?: (s: string) => string;
  btoa?: (s: string) => string;
}
interface Uint8ArrayBase64 {
  fromBase64?: (s: string) => Uint8Array;
}

const host = globalThis as unknown as Base64Globals;
const NodeBuffer = host.Buffer;
const nativeFromBase64 = (Uint8Array as unknown as Uint8ArrayBase64).fromBase64;
const nativeToBase64 =
  typeof (Uint8Array.prototype as unknown as { toBase64?: unknown }).toBase64 === 'function';

const CHUNK = 0x8000;

/**
 * Decodes base64 into bytes of their own: the result's `buffer` holds these bytes and nothing
 * else. Any string decodes, on every host, to what Node's `Buffer.from(b64, 'base64')` gives:
 * characters outside the alphabet are skipped, the URL-safe `-` and `_` read as `+` and `/`,
 * decoding ends at the first `=`, and a lone trailing character is dropped. It never throws:
 * the frame parser hands on a payload with a raw control character in it (see parse-frame.ts),
 * which `Uint8Array.fromBase64` and `atob` would refuse.
 */
export function base64ToBytes(b64: string): Uint8Array {
  if (NodeBuffer) return nodeDecode(NodeBuffer, b64);
  try {
    return decodeStrict(b64);
  } catch {
    // the rare payload the strict decoders refuse: rewritten as Buffer would read it (only then
    // pays the copy), which they always accept
    return decodeStrict(asBufferReadsIt(b64));
  }
}

/**
 * The canonical base64 of what Node's `Buffer` decodes from `b64`, so that a browser decodes
 * malformed input as Node does instead of throwing a `DOMException` from `atob`.
 */
function asBufferReadsIt(b64: string): string {
  const end = b64.indexOf('=');
  let body = (end === -1 ? b64 : b64.slice(0, end))
    .replace(URL_SAFE_PLUS, '+')
    .replace(URL_SAFE_SLASH, '/')
    .replace(NOT_BASE64, '');
  const tail = body.length % 4;
  // one character left over holds under a byte: Buffer drops it; two or three are padded
  if (tail === 1) body = body.slice(0, -1);
  else if (tail !== 0) body += tail === 2 ? '==' : '=';
  return body;
}

const NOT_BASE64 = /[^A-Za-z0-9+/]/g;
const URL_SAFE_PLUS = /-/g;
const URL_SAFE_SLASH = /_/g;

/**
 * Node: decodes into a buffer made for this payload. `Buffer.from(b64, 'base64')` would slice a
 * payload under 4 KiB (a 20 ms frame, a G.711 chunk) out of Node's shared 8 KiB pool, so an app
 * handing `frame.data.buffer` on without the view's offset (a phone bridge, a copy into a worker)
 * would send that whole slab: earlier frames' JSON and other sessions' audio. Larger payloads
 * got a buffer of their own already, so the audio of a 100 ms delta costs what it did.
 */
function nodeDecode(buffers: NodeBufferCtor, b64: string): Uint8Array {
  const size = base64DecodedLength(b64);
  const out = buffers.allocUnsafeSlow(size);
  const written = out.write(b64, 'base64');
  if (written === size) return out;
  // a stray character counted in the length (rare): only the bytes written, and none of the
  // uninitialised memory after them, go out
  const exact = buffers.allocUnsafeSlow(written);
  exact.set(out.subarray(0, written));
  return exact;
}

function decodeStrict(b64: string): Uint8Array {
  if (nativeFromBase64) return nativeFromBase64(b64);
  const bin = requireHost('atob')(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Encodes bytes as base64, in chunks so that a 15 MiB payload cannot overflow the stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  if (NodeBuffer)
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  if (nativeToBase64) return (bytes as unknown as { toBase64(): string }).toBase64();
  let bin = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    bin += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return requireHost('btoa')(bin);
}

/**
 * Decodes base64 PCM16 into samples over the decoded bytes (no copy; the samples' `buffer` holds
 * this payload only). Should a host hand back bytes at an odd offset, one copy is made (the
 * agents-js port got this wrong by ignoring `byteOffset`). A trailing odd byte is dropped.
 */
export function base64ToPcm16(b64: string): Int16Array {
  const bytes = base64ToBytes(b64);
  const samples = bytes.byteLength >> 1;
  if (bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, samples);
  const copy = new Uint8Array(samples * 2);
  copy.set(bytes.subarray(0, samples * 2));
  return new Int16Array(copy.buffer);
}

/**
 * Float samples in [-1, 1] as PCM16: what a browser's capture gives (an `AudioWorklet`'s
 * inputs, `AudioBuffer.getChannelData`) in the form the engine appends. Negative samples scale
 * by 32768 and positive ones by 32767, so −1 and 1 reach the ends of the range; samples beyond
 * [-1, 1] are clipped, and `NaN` becomes silence. Interleaved channels stay interleaved.
 */
export function float32ToPcm16(samples: ArrayLike<number>): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    // NaN fails both comparisons and falls through to 0
    out[i] =
      s >= 1
        ? 32767
        : s <= -1
          ? -32768
          : s > 0
            ? Math.round(s * 32767)
            : s < 0
              ? Math.round(s * 32768)
              : 0;
  }
  return out;
}

/** Encodes PCM16 samples (or their raw little-endian bytes) as base64, without copying. */
export function pcm16ToBase64(samples: Int16Array | Uint8Array): string {
  const bytes =
    samples instanceof Uint8Array
      ? samples
      : new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  return bytesToBase64(bytes);
}

/**
 * Number of bytes a base64 string decodes to, without decoding it: exact for well-formed input
 * (padded or not, over-padded included), and never less than the decoded length otherwise (a
 * character outside the alphabet or an inner `=` makes it an upper bound).
 */
export function base64DecodedLength(b64: string): number {
  const len = b64.length;
  if (len === 0) return 0;
  // counted as Node's Buffer.byteLength counts: the trailing padding (at most two) is taken off
  // before the count. Subtracting it after undercounts an over-padded block ("QUJD=" holds 3
  // bytes, not 2), and Node's decoder, writing into a buffer of this size, cuts the payload
  let end = len;
  if (b64.charCodeAt(end - 1) === 61) end--;
  if (end > 0 && b64.charCodeAt(end - 1) === 61) end--;
  return Math.floor((end * 3) / 4);
}

function requireHost<K extends 'atob' | 'btoa'>(name: K): NonNullable<Base64Globals[K]> {
  const fn = host[name];
  if (!fn)
    throw new TypeError(`no base64 support on this platform: neither Buffer nor ${name} exists`);
  return fn.bind(globalThis) as NonNullable<Base64Globals[K]>;
}
