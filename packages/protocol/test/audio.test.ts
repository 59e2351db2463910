import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  base64DecodedLength,
  base64ToPcm16,
  bytesToBase64,
  base64ToBytes,
  float32ToPcm16,
  pcm16ToBase64,
} from '../src/audio.js';

describe('base64 ⇄ PCM16', () => {
  it('round-trips samples, including the extremes', () => {
    const samples = new Int16Array([0, 1, -1, 32767, -32768, 1234, -4321]);
    const b64 = pcm16ToBase64(samples);
    expect(Array.from(base64ToPcm16(b64))).toEqual(Array.from(samples));
    expect(base64DecodedLength(b64)).toBe(samples.byteLength);
  });

  it('encodes a 15 MiB payload without overflowing the stack', () => {
    const bytes = new Uint8Array(15 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4093) bytes[i] = i & 0xff;
    const b64 = bytesToBase64(bytes);
    expect(base64DecodedLength(b64)).toBe(bytes.length);
    const back = base64ToBytes(b64);
    expect(back.length).toBe(bytes.length);
    expect(back[4093 * 7]).toBe((4093 * 7) & 0xff);
  });

  it('returns aligned samples even when the decoder hands back an odd offset', () => {
    // every small size, odd and even byte counts
    for (let n = 1; n < 40; n++) {
      const samples = Int16Array.from({ length: n }, (_, i) => i * 257 - 3000);
      expect(Array.from(base64ToPcm16(pcm16ToBase64(samples)))).toEqual(Array.from(samples));
    }
  });
});

describe('decoded audio owns its memory (Node)', () => {
  it('a small payload is not a view into a buffer shared with other data (Node pools Buffer.from under 4 KiB)', () => {
    // an app that hands `frame.data.buffer` on (a Twilio bridge sending 20 ms frames, a copy
    // into a worker) without the view's offset must get this frame's audio, not a slab of
    // whatever else was decoded before it: other sessions' audio, other frames' JSON
    const other = base64ToBytes(bytesToBase64(new Uint8Array(100).fill(7)));
    for (const n of [1, 160, 480, 2047]) {
      const samples = Int16Array.from({ length: n }, (_, i) => i - 500);
      const decoded = base64ToPcm16(pcm16ToBase64(samples));
      expect(decoded.byteOffset).toBe(0);
      expect(decoded.buffer.byteLength).toBe(n * 2);
      expect(Array.from(new Int16Array(decoded.buffer))).toEqual(Array.from(samples));
      const bytes = base64ToBytes(bytesToBase64(new Uint8Array(n).fill(1)));
      expect([bytes.byteOffset, bytes.buffer.byteLength]).toEqual([0, n]);
    }
    expect(other.buffer.byteLength).toBe(100);
  });

  it('a payload with a stray character still decodes into a buffer of its own bytes only', () => {
    const b64 = pcm16ToBase64(new Int16Array([1234, -4321, 7]));
    const stray = `${b64.slice(0, 3)}\u0001${b64.slice(3)}`;
    const decoded = base64ToPcm16(stray);
    expect(Array.from(decoded)).toEqual([1234, -4321, 7]);
    expect(decoded.buffer.byteLength).toBe(6);
  });
});

describe('base64 ⇄ PCM16 properties', () => {
  it('decode ∘ encode is the identity on samples, whatever the view’s offset into its buffer', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 300 }),
        fc.nat(8),
        (values, pad) => {
          // a view that starts `pad` samples into a larger buffer (as a ring buffer's slice does)
          const backing = new Int16Array(pad + values.length + 3).fill(-1);
          const view = backing.subarray(pad, pad + values.length);
          view.set(values);
          const b64 = pcm16ToBase64(view);
          expect(Array.from(base64ToPcm16(b64))).toEqual(values);
          expect(base64DecodedLength(b64)).toBe(2 * values.length);
        },
      ),
    );
  });

  it('base64DecodedLength is the decoded length for every prefix of an encoding, never negative', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(60), (bytes, cut) => {
        const b64 = bytesToBase64(bytes).slice(0, cut);
        expect(base64DecodedLength(b64)).toBe(base64ToBytes(b64).length);
      }),
    );
    // padding alone decodes to nothing
    expect(base64DecodedLength('=')).toBe(0);
    expect(base64DecodedLength('==')).toBe(0);
  });
});

/** Node's Buffer, the reference, kept before a test stubs it away. */
const NodeBuffer = Buffer;

/** Strings of base64 letters, padding, URL-safe letters and junk, in runs. */
const messyBase64 = fc
  .array(
    fc.oneof(
      fc.constantFrom('=', '==', '-', '_', ' ', '\n', '@', '\u0001', 'é'),
      fc.stringMatching(/^[A-Za-z0-9+/]{1,9}$/),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

describe("malformed base64 decodes as Node's Buffer reads it", () => {
  it('an over-padded block keeps all of its bytes (the length was counted short)', () => {
    expect(Array.from(base64ToBytes('QUJD='))).toEqual([0x41, 0x42, 0x43]);
    expect(Array.from(base64ToBytes('QUJD=='))).toEqual([0x41, 0x42, 0x43]);
    expect(Array.from(base64ToBytes('QUI=='))).toEqual([0x41, 0x42]);
    expect(base64DecodedLength('QUJD=')).toBe(3);
    // a pad before a stray character: Node's decoder needs the room Buffer.byteLength counts
    expect(Array.from(base64ToBytes('0A+==\n'))).toEqual([0xd0, 0x0f]);
  });

  it('any string decodes to what Buffer.from gives, and the length is never counted short', () => {
    fc.assert(
      fc.property(messyBase64, (b64) => {
        const expected = Array.from(Buffer.from(b64, 'base64'));
        const decoded = base64ToBytes(b64);
        expect(Array.from(decoded)).toEqual(expected);
        expect(decoded.buffer.byteLength).toBe(expected.length);
        // the size Node's own decoder needs: a smaller buffer makes Buffer#write decode wrongly
        expect(base64DecodedLength(b64)).toBe(NodeBuffer.byteLength(b64, 'base64'));
        expect(base64DecodedLength(b64)).toBeGreaterThanOrEqual(expected.length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('base64 decoding outside Node', () => {
  it('skips a stray character outside the alphabet, as Buffer does (the frame parser hands such payloads on)', async () => {
    vi.resetModules();
    vi.stubGlobal('Buffer', undefined);
    try {
      // the module picks its decoder when loaded: load it again without Buffer
      const audio = await import('../src/audio.js');
      const samples = new Int16Array([1234, -4321, 7]);
      const b64 = pcm16ToBase64(samples);
      const stray = `${b64.slice(0, 3)}\u0001${b64.slice(3)}`;
      expect(Array.from(audio.base64ToPcm16(stray))).toEqual([1234, -4321, 7]);
      expect(Array.from(audio.base64ToPcm16(b64))).toEqual([1234, -4321, 7]);
      // what atob refuses (bad padding, a lone character, URL-safe letters, nothing but junk)
      // decodes as Buffer reads it, instead of throwing a DOMException
      for (const odd of ['Q', '=', 'QQ=', 'QUJD=', '-_-_', '@@@=', 'QUJD=Q', 'QQ==QUJD']) {
        expect(Array.from(audio.base64ToBytes(odd)), odd).toEqual(
          Array.from(NodeBuffer.from(odd, 'base64')),
        );
      }
      fc.assert(
        fc.property(messyBase64, (b64) => {
          expect(Array.from(audio.base64ToBytes(b64))).toEqual(
            Array.from(NodeBuffer.from(b64, 'base64')),
          );
        }),
        { numRuns: 2000 },
      );
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});

describe('float32ToPcm16', () => {
  it('scales [-1, 1] onto the whole PCM16 range, clips beyond it, and makes NaN silence', () => {
    expect(Array.from(float32ToPcm16(new Float32Array([0, 1, -1, 0.5, -0.5, 2, -3, NaN])))).toEqual(
      [0, 32767, -32768, 16384, -16384, 32767, -32768, 0],
    );
    expect(Array.from(float32ToPcm16([0.25, -0.25]))).toEqual([8192, -8192]);
    expect(float32ToPcm16(new Float32Array(0))).toHaveLength(0);
  });

  it('keeps the sign and the order of any samples, within a step of the exact value', () => {
    fc.assert(
      fc.property(fc.float32Array({ min: -1, max: 1, noNaN: true }), (samples) => {
        const out = float32ToPcm16(samples);
        expect(out).toHaveLength(samples.length);
        for (let i = 0; i < samples.length; i++) {
          const s = samples[i]!;
          const exact = s < 0 ? s * 32768 : s * 32767;
          expect(Math.abs(out[i]! - exact)).toBeLessThanOrEqual(0.5);
          expect(Math.sign(out[i]!)).toBe(Math.abs(exact) < 0.5 ? 0 : Math.sign(s));
        }
      }),
    );
  });
});
