// Decoding cost of the hot server events against bare JSON.parse of the same frames.
// Imports the BUILT package (run `pnpm build` first). Interleaved rounds so that drift in CPU
// frequency or load from other processes hits both sides alike; medians over rounds.
import os from 'node:os';
import { importBuilt, median, report, timeLoop } from './lib.mjs';

const { gaCodec, betaCodec, bytesToBase64 } = await importBuilt();

// 100 ms of 24 kHz mono PCM16 = 4800 bytes → 6400 base64 characters; pseudo-random content.
const pcm = new Uint8Array(4800);
let seed = 12345;
for (let i = 0; i < pcm.length; i++) pcm[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
const ref = {
  response_id: 'resp_C9G8pqRkT2TyfKgwX0mLq',
  item_id: 'item_C9G8pqBrRcgsuFlw2nHd1',
  output_index: 0,
  content_index: 0,
};
const frames = {
  'audio delta (100 ms, GA)': {
    codec: gaCodec,
    frame: JSON.stringify({
      type: 'response.output_audio.delta',
      event_id: 'event_C9G8pqbTEddBSIxbBN6Os',
      ...ref,
      delta: bytesToBase64(pcm),
    }),
  },
  'transcript delta (GA)': {
    codec: gaCodec,
    frame: JSON.stringify({
      type: 'response.output_audio_transcript.delta',
      event_id: 'event_C9G8pqbTEddBSIxbBN6Ot',
      ...ref,
      delta: ' sunny',
      obfuscation: 'p0wQz',
    }),
  },
  'audio delta (100 ms, beta)': {
    codec: betaCodec,
    frame: JSON.stringify({
      type: 'response.audio.delta',
      event_id: 'event_C9G8pqbTEddBSIxbBN6Ou',
      ...ref,
      delta: bytesToBase64(pcm),
    }),
  },
};

const ROUNDS = 25;
const TARGET_NS = 40e6; // ~40 ms per side per round

const rows = [];
for (const [name, { codec, frame }] of Object.entries(frames)) {
  const parse = () => JSON.parse(frame).delta.length;
  const decode = () => {
    const r = codec.decodeServerEvent(frame);
    if (r.kind !== 'event') throw new Error(`benchmark frame did not decode: ${JSON.stringify(r)}`);
    return r.event.delta.length;
  };
  // warm up both paths, then size the loop so each side runs ~TARGET_NS per round
  timeLoop(() => parse() + decode(), 20000);
  const n = Math.max(1000, Math.round(TARGET_NS / timeLoop(parse, 2000)));
  const parseNs = [];
  const decodeNs = [];
  const ratios = [];
  for (let r = 0; r < ROUNDS; r++) {
    // alternate which side goes first, so neither always runs on a warmer cache
    const [a, b] = r % 2 ? [decode, parse] : [parse, decode];
    const ta = timeLoop(a, n);
    const tb = timeLoop(b, n);
    const [p, d] = r % 2 ? [tb, ta] : [ta, tb];
    parseNs.push(p);
    decodeNs.push(d);
    ratios.push(d / p);
  }
  rows.push({
    name,
    bytes: frame.length,
    parse: median(parseNs),
    decode: median(decodeNs),
    ratio: median(ratios),
    n,
  });
}

const goal = 1.3;
const lines = [
  '# Decode benchmark',
  '',
  `Node ${process.version} on ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), ${new Date().toISOString()}.`,
  `${ROUNDS} interleaved rounds per frame; each round times both sides over the same number of iterations; medians.`,
  'The machine is shared, so absolute numbers move between runs; the ratio is the figure that matters.',
  '',
  '| frame | bytes | JSON.parse ns/op | decodeServerEvent ns/op | ratio (median of rounds) |',
  '|---|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.bytes} | ${r.parse.toFixed(0)} | ${r.decode.toFixed(0)} | ${r.ratio.toFixed(3)}× |`,
  ),
  '',
  `Goal: ≤ ${goal}× JSON.parse for audio deltas — ${rows.filter((r) => r.name.startsWith('audio')).every((r) => r.ratio <= goal) ? 'met' : 'NOT met'} in this run.`,
  '',
];
report('decode.md', lines);
