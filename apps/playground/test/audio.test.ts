import { describe, expect, it } from 'vitest';
import { heardMs, outputLatencyMs } from '../src/page/audio/latency.js';
import { PlaybackQueue } from '../src/page/audio/playback-queue.js';
import { StreamResampler, floatToPcm16, pcm16ToFloat, rms } from '../src/page/audio/resampler.js';

function sine(freq: number, rate: number, samples: number, amp = 0.5): Float32Array {
  return Float32Array.from(
    { length: samples },
    (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / rate),
  );
}

/** Amplitude of `freq` in `x` by correlation (a one-bin DFT). */
function amplitudeAt(x: Float32Array, freq: number, rate: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += (x[i] ?? 0) * Math.cos((2 * Math.PI * freq * i) / rate);
    im += (x[i] ?? 0) * Math.sin((2 * Math.PI * freq * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

describe('StreamResampler', () => {
  it('turns 1 s at 48 kHz into 1 s at 24 kHz, keeping a 1 kHz tone', () => {
    const r = new StreamResampler({ inputRate: 48_000 });
    const input = sine(1000, 48_000, 48_000);
    const chunks: Float32Array[] = [];
    for (let i = 0; i < input.length; i += 128) chunks.push(r.push(input.subarray(i, i + 128)));
    const out = Float32Array.from(chunks.flatMap((c) => [...c]));
    // all but the kernel's look-ahead (16 input samples = 8 output samples) is out already
    expect(out.length).toBeGreaterThanOrEqual(24_000 - 9);
    expect(out.length).toBeLessThanOrEqual(24_000);
    const steady = out.subarray(100, 23_900);
    expect(amplitudeAt(steady, 1000, 24_000)).toBeCloseTo(0.5, 1);
  });

  it('is continuous across chunk boundaries (same output as one big push)', () => {
    const input = sine(440, 44_100, 4410);
    const whole = new StreamResampler({ inputRate: 44_100 }).push(input);
    const r = new StreamResampler({ inputRate: 44_100 });
    const pieces: number[] = [];
    for (let i = 0; i < input.length; i += 100) pieces.push(...r.push(input.subarray(i, i + 100)));
    expect(pieces.length).toBe(whole.length);
    for (let i = 0; i < whole.length; i++) expect(pieces[i]).toBeCloseTo(whole[i] ?? NaN, 6);
  });

  it('filters what would alias: a 15 kHz tone at 48 kHz is removed, not folded to 9 kHz', () => {
    const out = new StreamResampler({ inputRate: 48_000 }).push(sine(15_000, 48_000, 48_000));
    const steady = out.subarray(100, 23_800);
    expect(amplitudeAt(steady, 9000, 24_000)).toBeLessThan(0.01);
    expect(rms(steady)).toBeLessThan(0.01);
  });

  it('upsamples 24 kHz to 48 kHz for playback', () => {
    const out = new StreamResampler({ inputRate: 24_000, outputRate: 48_000 }).push(
      sine(500, 24_000, 24_000),
    );
    expect(out.length).toBeGreaterThan(47_900);
    expect(amplitudeAt(out.subarray(200, 47_800), 500, 48_000)).toBeCloseTo(0.5, 1);
  });

  it('passes audio through when the rates match and refuses nonsense rates', () => {
    const x = sine(100, 24_000, 50);
    expect([...new StreamResampler({ inputRate: 24_000 }).push(x)]).toEqual([...x]);
    expect(() => new StreamResampler({ inputRate: 0 })).toThrow(RangeError);
    expect(() => new StreamResampler({ inputRate: 48_000, outputRate: -1 })).toThrow(/positive/);
  });
});

describe('PCM16 conversion', () => {
  it('clamps instead of wrapping and round-trips within one step', () => {
    expect([...floatToPcm16(Float32Array.from([0, 1, -1, 2, -2, 0.5]))]).toEqual([
      0, 32767, -32768, 32767, -32768, 16384,
    ]);
    const back = pcm16ToFloat(Int16Array.from([0, 16384, -32768]));
    expect([...back]).toEqual([0, 0.5, -1]);
  });
});

describe('PlaybackQueue', () => {
  const block = (n: number, v = 0.1) => new Float32Array(n).fill(v);

  it('counts what was rendered per item, not what was received', () => {
    const q = new PlaybackQueue();
    q.enqueue('a', block(240));
    q.enqueue('a', block(240));
    q.enqueue('b', block(100));
    const out = new Float32Array(128);
    expect(q.render(out)).toBe(128);
    expect(q.render(out)).toBe(128);
    expect(q.snapshot()).toEqual([
      { itemId: 'a', contentIndex: 0, playedSamples: 256, receivedSamples: 480, ended: false },
      { itemId: 'b', contentIndex: 0, playedSamples: 0, receivedSamples: 100, ended: false },
    ]);
  });

  it('pads with silence on underrun and reports playing state', () => {
    const q = new PlaybackQueue();
    q.enqueue('a', block(50, 0.3));
    const out = new Float32Array(128).fill(9);
    expect(q.render(out)).toBe(50);
    expect(out[49]).toBeCloseTo(0.3);
    expect(out[50]).toBe(0);
    expect(out[127]).toBe(0);
    expect(q.playing).toBe(false);
  });

  it('stop() returns every item that was cut, including one whose audio is still streaming', () => {
    const q = new PlaybackQueue();
    q.enqueue('heard', block(100));
    q.markEnded('heard');
    q.enqueue('streaming', block(100));
    q.enqueue('queued', block(100), 1);
    q.render(new Float32Array(200)); // 'heard' complete, 'streaming' fully played but not ended
    const cut = q.stop();
    expect(cut).toEqual([
      {
        itemId: 'streaming',
        contentIndex: 0,
        playedSamples: 100,
        receivedSamples: 100,
        ended: false,
      },
      { itemId: 'queued', contentIndex: 1, playedSamples: 0, receivedSamples: 100, ended: false },
    ]);
    expect(q.playing).toBe(false);
    expect(q.snapshot()).toEqual([]);
  });

  it('forgets only items that ended and finished playing', () => {
    const q = new PlaybackQueue();
    q.enqueue('a', block(10));
    q.enqueue('b', block(10));
    q.render(new Float32Array(20));
    q.markEnded('a');
    expect(q.forgetFinished().map((i) => i.itemId)).toEqual(['a']);
    expect(q.snapshot().map((i) => i.itemId)).toEqual(['b']);
    q.enqueue('b', block(10)); // more audio after an underrun keeps counting from where it was
    expect(q.snapshot()[0]?.receivedSamples).toBe(20);
  });

  it('ignores empty chunks', () => {
    const q = new PlaybackQueue();
    q.enqueue('a', new Float32Array(0));
    expect(q.snapshot()).toEqual([]);
    expect(q.pendingSamples).toBe(0);
  });
});

describe('heard milliseconds (output latency subtracted)', () => {
  it('adds baseLatency and outputLatency, counting unknown or bogus parts as 0', () => {
    expect(outputLatencyMs({ baseLatency: 0.01, outputLatency: 0.032 })).toBeCloseTo(42, 9);
    expect(outputLatencyMs({ baseLatency: 0.005 })).toBeCloseTo(5, 9); // Safari: no outputLatency
    expect(outputLatencyMs({})).toBe(0);
    expect(outputLatencyMs({ baseLatency: Number.NaN, outputLatency: -1 })).toBe(0);
  });

  it('subtracts the latency from the rendered milliseconds, floored', () => {
    // 12_000 samples at 24 kHz = 500 ms rendered; 42.5 ms still in the output pipeline
    expect(heardMs(12_000, 24_000, 42.5)).toBe(457);
    // 48 kHz device rate: 24_024 samples = 500.5 ms rendered, no latency known
    expect(heardMs(24_024, 48_000, 0)).toBe(500);
    expect(heardMs(7_200, 24_000, 100)).toBe(200);
  });

  it('never goes below 0: a cut inside the latency window was not heard at all', () => {
    expect(heardMs(480, 24_000, 40)).toBe(0); // 20 ms rendered, 40 ms latency
    expect(heardMs(960, 24_000, 40)).toBe(0); // exactly the latency
    expect(heardMs(0, 24_000, 0)).toBe(0);
    expect(heardMs(1_000, 24_000, -5)).toBe(41); // a negative latency is not added
  });

  it('refuses a non-positive sample rate', () => {
    expect(() => heardMs(100, 0, 0)).toThrow(RangeError);
  });
});
