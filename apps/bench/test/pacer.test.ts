import { describe, expect, it } from 'vitest';
import { framePaced, Pacer } from '../src/server/pacer.js';
import { buildResponse } from '../src/wire/events.js';
import { parseTextFrames } from '../src/wire/frame.js';

function setup(sessions: number, chunks: number) {
  let n = 0;
  const frames = framePaced(
    buildResponse(
      { responseId: 'r', itemId: 'i', previousItemId: null, deltas: chunks, metadata: null },
      () => `e${++n}`,
    ),
  );
  const got: string[][] = Array.from({ length: sessions }, () => []);
  const pacer = new Pacer(
    got.map((events) => ({
      write: (bytes: Buffer) =>
        events.push(...parseTextFrames(bytes).map((t) => (JSON.parse(t) as { type: string }).type)),
    })),
    frames,
    { t0: 1000, periodMs: 100, chunks },
  );
  return { pacer, got };
}

describe('Pacer', () => {
  it('spreads sessions evenly over the period and steps each by one period', () => {
    const { pacer } = setup(4, 3);
    expect([0, 1, 2, 3, 4, 11].map((g) => pacer.dueAt(g))).toEqual([
      1000, 1025, 1050, 1075, 1100, 1275,
    ]);
    expect(pacer.total).toBe(12);
  });

  it('sends exactly what is due, and nothing early', () => {
    const { pacer, got } = setup(2, 3);
    expect(pacer.tick(999)).toBe(0);
    expect(pacer.tick(1000)).toBe(1);
    expect(got[0]).toEqual([
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_audio_transcript.delta',
      'response.output_audio.delta',
    ]);
    expect(got[1]).toEqual([]);
    expect(pacer.nextDue).toBe(1050);
    expect(pacer.tick(1149)).toBe(2);
    expect(got[1]).toHaveLength(6);
    expect(got[0]).toHaveLength(8);
  });

  it('delivers every session a whole response, ending with response.done, and reports its own lateness', () => {
    const { pacer, got } = setup(3, 4);
    pacer.tick(1000);
    pacer.tick(2000);
    expect(pacer.done).toBe(true);
    expect(pacer.nextDue).toBeUndefined();
    for (const events of got) {
      expect(events.filter((t) => t === 'response.output_audio.delta')).toHaveLength(4);
      expect(events.at(-1)).toBe('response.done');
    }
    const report = pacer.report();
    expect(report.sent).toBe(12);
    // Only position 0 went out on time; the latest is position 1 (session 1, chunk 0), due at
    // 1000 + 100/3 and sent at 2000.
    expect(report.lateMaxMs).toBeCloseTo(2000 - (1000 + 100 / 3));
    expect(report.lateP99Ms).toBe(report.lateMaxMs);
  });

  it('handles a one-chunk response (head, chunk and tail in one write)', () => {
    const { pacer, got } = setup(1, 1);
    pacer.tick(1000);
    expect(got[0]!.at(0)).toBe('response.created');
    expect(got[0]!.at(-1)).toBe('response.done');
    expect(got[0]!.filter((t) => t === 'response.output_audio.delta')).toHaveLength(1);
  });

  it('rejects schedules it cannot run', () => {
    const frames = framePaced(
      buildResponse(
        { responseId: 'r', itemId: 'i', previousItemId: null, deltas: 2, metadata: null },
        () => 'e',
      ),
    );
    expect(() => new Pacer([], frames, { t0: 0, periodMs: 100, chunks: 2 })).toThrow(RangeError);
    expect(
      () => new Pacer([{ write: () => undefined }], frames, { t0: 0, periodMs: 0, chunks: 2 }),
    ).toThrow(RangeError);
    expect(
      () => new Pacer([{ write: () => undefined }], frames, { t0: 0, periodMs: 100, chunks: 3 }),
    ).toThrow(RangeError);
  });
});
