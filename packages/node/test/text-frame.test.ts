import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ASCII_TEST_MIN_BYTES, decodeTextFrame } from '../src/text-frame.js';

describe('decodeTextFrame', () => {
  it('gives the UTF-8 decoding of any text, short or long, ASCII or not', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 3000 }),
        fc.string({ unit: 'grapheme-ascii', minLength: ASCII_TEST_MIN_BYTES, maxLength: 3000 }),
        (any, ascii) => {
          for (const text of [any, ascii, ascii + any, any + ascii]) {
            expect(decodeTextFrame(Buffer.from(text, 'utf8'))).toBe(text);
          }
        },
      ),
      { numRuns: 200, seed: 20261126 },
    );
  });

  it('a long frame with one non-ASCII character at its end is decoded as UTF-8, not Latin-1', () => {
    const text = `{"delta":"${'A'.repeat(2000)}","t":"é€😀"}`;
    expect(decodeTextFrame(Buffer.from(text))).toBe(text);
  });
});
