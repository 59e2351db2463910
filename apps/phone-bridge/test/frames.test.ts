/** The answer's µ-law cut into whole frames, a chunk's remainder carried into the next. */
import { describe, expect, it } from 'vitest';
import { createFrameCutter } from '../src/frames.js';

const A = { itemId: 'item_A', contentIndex: 0 };
const B = { itemId: 'item_B', contentIndex: 0 };
const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
const sizes = (frames: { bytes: Uint8Array }[]) => frames.map((f) => f.bytes.length);

describe('the frame cutter', () => {
  it('carries a chunk’s remainder into the next chunk of the same part, in order; the part’s end flushes it', () => {
    const cut = createFrameCutter(160);
    // 50 ms chunks: 400 bytes each
    expect(sizes(cut.push(A, bytes(400, 1)))).toEqual([160, 160]);
    expect(cut.holding).toBe(true);
    const next = cut.push(A, bytes(400, 2));
    expect(sizes(next)).toEqual([160, 160, 160]);
    // the held 80 bytes of the first chunk lead the next frame
    expect([...next[0]!.bytes.subarray(78, 82)]).toEqual([1, 1, 2, 2]);
    expect(cut.holding).toBe(false);
    expect(sizes(cut.push(A, bytes(100)))).toEqual([]);
    // another part's end flushes nothing of this one
    expect(cut.flush(B)).toEqual([]);
    expect(cut.flush(A)).toEqual([{ content: A, bytes: bytes(100) }]);
    expect(cut.flush()).toEqual([]);
  });

  it('audio of another part first flushes what was held of the previous one; drop forgets it', () => {
    const cut = createFrameCutter(160);
    cut.push(A, bytes(200));
    const frames = cut.push(B, bytes(170));
    expect(frames.map((f) => [f.content.itemId, f.bytes.length])).toEqual([
      ['item_A', 40],
      ['item_B', 160],
    ]);
    cut.drop();
    expect(cut.holding).toBe(false);
    expect(cut.flush()).toEqual([]);
  });
});
