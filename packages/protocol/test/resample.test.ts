import { describe, expect, it } from 'vitest';
import { PcmResampler } from '../src/index.js';

function sine(
  rate: number,
  hz: number,
  seconds: number,
  amplitude = 10_000,
  phase = 0,
): Int16Array {
  const n = Math.round(rate * seconds);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++)
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate + phase));
  return out;
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function whole(r: PcmResampler, input: Int16Array): Int16Array {
  return concat([r.push(input), r.flush()]);
}

function rms(x: Int16Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! ** 2;
  return Math.sqrt(s / (to - from));
}

// error against the ideal signal, away from the edges (where the stream starts from silence)
function snrDb(got: Int16Array, ideal: Int16Array, edge: number): number {
  let signal = 0;
  let noise = 0;
  for (let i = edge; i < got.length - edge; i++) {
    signal += ideal[i]! ** 2;
    noise += (got[i]! - ideal[i]!) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

describe('PcmResampler', () => {
  it.each([
    [48_000, 24_000, 4800, 2400],
    [44_100, 24_000, 4410, 2400],
    [16_000, 24_000, 1600, 2400],
    [8_000, 24_000, 800, 2400],
    [24_000, 8_000, 2400, 800],
    [22_050, 24_000, 2205, 2400],
  ])('%i Hz → %i Hz: %i samples become exactly %i once flushed', (from, to, n, expected) => {
    const r = new PcmResampler({ inputRate: from, outputRate: to });
    const early = r.push(sine(from, 440, n / from));
    expect(early.length).toBeLessThan(expected);
    expect(r.pending).toBeGreaterThan(0);
    expect(early.length + r.flush().length).toBe(expected);
    expect(r.pending).toBe(0);
  });

  it('gives the same output whatever the chunking', () => {
    const input = sine(44_100, 997, 0.5);
    const once = whole(
      new PcmResampler({ inputRate: 44_100, outputRate: 24_000, channels: 1 }),
      input,
    );
    const chunked = new PcmResampler({ inputRate: 44_100, outputRate: 24_000 });
    const parts: Int16Array[] = [];
    let seed = 7;
    for (let at = 0; at < input.length;) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const size = 1 + (seed % 700);
      parts.push(chunked.push(input.subarray(at, at + size)));
      at += size;
    }
    parts.push(chunked.flush());
    expect(concat(parts)).toEqual(once);
  });

  it.each([
    [48_000, 24_000],
    [44_100, 24_000],
    [8_000, 24_000],
    [16_000, 24_000],
    [24_000, 8_000],
  ])('keeps a 1 kHz tone at %i → %i Hz (SNR above 60 dB against the ideal tone)', (from, to) => {
    const got = whole(new PcmResampler({ inputRate: from, outputRate: to }), sine(from, 1000, 0.5));
    const ideal = sine(to, 1000, 0.5);
    expect(got.length).toBe(ideal.length);
    expect(snrDb(got, ideal, Math.round(to / 100))).toBeGreaterThan(60);
  });

  it('does not fold what lies above the output Nyquist frequency back into the band', () => {
    // 15 kHz cannot exist at 24 kHz (Nyquist 12 kHz): a naive decimator would alias it to 9 kHz
    const got = whole(
      new PcmResampler({ inputRate: 48_000, outputRate: 24_000 }),
      sine(48_000, 15_000, 0.5),
    );
    const edge = 240;
    expect(rms(got, edge, got.length - edge) / 10_000).toBeLessThan(0.001);
    // and a 3 kHz phone tone going up to 24 kHz makes no images (at 5, 11 and 13 kHz)
    const up = whole(
      new PcmResampler({ inputRate: 8_000, outputRate: 24_000 }),
      sine(8_000, 3_000, 0.5),
    );
    const ideal = sine(24_000, 3_000, 0.5);
    expect(snrDb(up, ideal, 240)).toBeGreaterThan(50);
  });

  it('averages interleaved channels into mono', () => {
    const left = sine(48_000, 1000, 0.1);
    const stereo = (right: (i: number) => number) => {
      const s = new Int16Array(left.length * 2);
      for (let i = 0; i < left.length; i++) {
        s[2 * i] = left[i]!;
        s[2 * i + 1] = right(i);
      }
      return s;
    };
    const same = whole(
      new PcmResampler({ inputRate: 48_000, outputRate: 24_000, channels: 2 }),
      stereo((i) => left[i]!),
    );
    const mono = whole(new PcmResampler({ inputRate: 48_000, outputRate: 24_000 }), left);
    expect(same).toEqual(mono);
    const opposite = whole(
      new PcmResampler({ inputRate: 48_000, outputRate: 24_000, channels: 2 }),
      stereo((i) => -left[i]!),
    );
    expect(rms(opposite)).toBe(0);
    // the same rate only averages the channels
    const r = new PcmResampler({ inputRate: 24_000, outputRate: 24_000, channels: 2 });
    // (-5.5 rounds to -5, as Math.round does)
    expect(r.push(new Int16Array([100, 300, -5, -6]))).toEqual(new Int16Array([200, -5]));
    expect(r.flush()).toEqual(new Int16Array(0));
  });

  it('clamps instead of wrapping around on full-scale input', () => {
    const square = new Int16Array(4800).map((_, i) =>
      Math.floor(i / 24) % 2 === 0 ? 32767 : -32768,
    );
    const got = whole(new PcmResampler({ inputRate: 48_000, outputRate: 24_000 }), square);
    // the filter overshoots a square wave (Gibbs): without clamping those samples would wrap
    // to the other sign. Inside each half-period every output keeps the input's sign and size.
    expect(Math.max(...got)).toBe(32767);
    expect(Math.min(...got)).toBe(-32768);
    for (let i = 0; i < got.length; i++) {
      const inPeriod = (2 * i) % 48;
      if (inPeriod >= 6 && inPeriod <= 18) expect(got[i], `sample ${i}`).toBeGreaterThan(30_000);
      if (inPeriod >= 30 && inPeriod <= 42) expect(got[i], `sample ${i}`).toBeLessThan(-30_000);
    }
  });

  it('starts afresh after flush() and reset()', () => {
    const r = new PcmResampler({ inputRate: 16_000, outputRate: 24_000 });
    const input = sine(16_000, 500, 0.05);
    const first = whole(r, input);
    expect(whole(r, input)).toEqual(first);
    r.push(sine(16_000, 2000, 0.01));
    r.reset();
    expect(r.pending).toBe(0);
    expect(whole(r, input)).toEqual(first);
  });

  it('refuses rates, channel counts and chunks out of range with a RangeError', () => {
    for (const options of [
      { inputRate: 0, outputRate: 24_000 },
      { inputRate: 48_000.5, outputRate: 24_000 },
      { inputRate: 48_000, outputRate: Number.NaN },
      { inputRate: 48_000, outputRate: 24_000, channels: 0 },
      { inputRate: 48_000, outputRate: 24_000, halfWidth: 0 },
      // coprime rates whose reduced ratio needs too many phases
      { inputRate: 48_000, outputRate: 24_001 },
    ])
      expect(() => new PcmResampler(options), JSON.stringify(options)).toThrow(RangeError);
    const stereo = new PcmResampler({ inputRate: 48_000, outputRate: 24_000, channels: 2 });
    expect(() => stereo.push(new Int16Array(3))).toThrow(RangeError);
  });
});
