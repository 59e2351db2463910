import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { g711Decode, g711Encode, type G711Law } from '../src/index.js';

const LAWS = ['ulaw', 'alaw'] as const;
const ALL_CODES = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('G.711', () => {
  it('decodes the reference code points (silence, full scale, both signs)', () => {
    const u = g711Decode(new Uint8Array([0xff, 0x7f, 0x80, 0x00]), 'ulaw');
    expect(Array.from(u)).toEqual([0, 0, 32124, -32124]);
    const a = g711Decode(new Uint8Array([0xd5, 0x55, 0xaa, 0x2a]), 'alaw');
    expect(Array.from(a)).toEqual([8, -8, 32256, -32256]);
  });

  it('encodes silence and clips the extremes to the outermost codes', () => {
    expect(Array.from(g711Encode(new Int16Array([0, 32767, -32768]), 'ulaw'))).toEqual([
      0xff, 0x80, 0x00,
    ]);
    expect(Array.from(g711Encode(new Int16Array([0, 32767, -32768]), 'alaw'))).toEqual([
      0xd5, 0xaa, 0x2a,
    ]);
  });

  it('re-encodes every decoded code to itself (µ-law negative zero folds onto positive zero)', () => {
    for (const law of LAWS) {
      const back = g711Encode(g711Decode(ALL_CODES, law), law);
      const changed = ALL_CODES.filter((c) => back[c] !== c);
      expect(Array.from(changed), law).toEqual(law === 'ulaw' ? [0x7f] : []);
    }
  });

  it('round-trips any sample within the companding error', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<G711Law>(...LAWS),
        fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 64 }),
        (law, values) => {
          const pcm = Int16Array.from(values);
          const back = g711Decode(g711Encode(pcm, law), law);
          expect(back.length).toBe(pcm.length);
          pcm.forEach((v, i) =>
            expect(Math.abs((back[i] as number) - v)).toBeLessThanOrEqual(
              Math.max(16, Math.abs(v) / 16),
            ),
          );
        },
      ),
    );
  });

  it('keeps one byte per sample, including empty input', () => {
    for (const law of LAWS) {
      expect(g711Encode(new Int16Array(0), law).length).toBe(0);
      expect(g711Decode(new Uint8Array(160), law).length).toBe(160);
    }
  });

  it('rejects an unknown law from an untyped caller instead of silently using A-law', () => {
    expect(() => g711Encode(new Int16Array(1), 'mulaw' as G711Law)).toThrow(RangeError);
    expect(() => g711Decode(new Uint8Array(1), 'pcm16' as G711Law)).toThrow(/unknown law "pcm16"/);
  });
});
