// What resampling a 20 ms input frame costs, against what the append must do with it anyway
// (its base64 encode, pcm16ToBase64 of the 24 kHz result). Imports the BUILT package (run
// `pnpm build` first). Interleaved rounds, medians, as decode.bench.mjs.
import os from 'node:os';
import { importBuilt, median, report, timeLoop } from './lib.mjs';

const { PcmResampler, pcm16ToBase64 } = await importBuilt();

const ROUNDS = 15;
const TARGET_NS = 30e6;
function frame(rate, channels) {
  const n = (rate / 50) * channels;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(8000 * Math.sin(i / 7) + 2000 * Math.sin(i / 3));
  return out;
}

const cases = [
  ['48 kHz stereo (a microphone)', 48_000, 2, 24_000],
  ['48 kHz mono', 48_000, 1, 24_000],
  ['44.1 kHz mono', 44_100, 1, 24_000],
  ['16 kHz mono', 16_000, 1, 24_000],
  ['8 kHz mono (a phone line, PCM)', 8_000, 1, 24_000],
];
const encoded = frame(24_000, 1);
const encode = () => pcm16ToBase64(encoded).length;
const rows = [];
for (const [name, rate, channels, to] of cases) {
  const input = frame(rate, channels);
  const r = new PcmResampler({ inputRate: rate, outputRate: to, channels });
  const resample = () => r.push(input).length;
  timeLoop(() => resample() + encode(), 3000);
  const n = Math.max(200, Math.round(TARGET_NS / timeLoop(resample, 500)));
  const res = [];
  const enc = [];
  for (let k = 0; k < ROUNDS; k++) {
    const [a, b] = k % 2 ? [encode, resample] : [resample, encode];
    const ta = timeLoop(a, n);
    const tb = timeLoop(b, n);
    res.push(k % 2 ? tb : ta);
    enc.push(k % 2 ? ta : tb);
  }
  rows.push({ name, resample: median(res), encode: median(enc) });
}
const lines = [
  '# Resample benchmark',
  '',
  `Node ${process.version} on ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), ${new Date().toISOString()}.`,
  `${ROUNDS} interleaved rounds; medians. One 20 ms input frame to 24 kHz mono, against the base64 encode of the 20 ms result that every append does anyway.`,
  '',
  '| input frame (20 ms) | PcmResampler.push ns/frame | pcm16ToBase64 ns/frame | ratio | CPU per real-time stream |',
  '|---|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.resample.toFixed(0)} | ${r.encode.toFixed(0)} | ${(r.resample / r.encode).toFixed(1)}× | ${((r.resample * 50) / 1e7).toFixed(3)} % |`,
  ),
  '',
];
report('resample.md', lines);
