// What the benchmarks share: a timed loop, the median, and writing the report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The built package (run `pnpm build` first). */
export async function importBuilt() {
  const dist = join(here, '..', 'dist', 'index.mjs');
  return import(dist).catch((error) => {
    console.error(`cannot import ${dist}: build the package first (pnpm build)`);
    throw error;
  });
}

let sink = 0;
/** Nanoseconds per call of `fn` over `n` calls (its results are kept, so nothing is optimized away). */
export function timeLoop(fn, n) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += fn();
  return Number(process.hrtime.bigint() - start) / n;
}

/** The median of `xs`. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Writes `lines` to `bench-results/<name>` and prints them. */
export function report(name, lines) {
  const out = join(here, '..', 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, name), lines.join('\n'));
  console.log(lines.join('\n'));
  if (sink === 42) console.log('(unlikely)');
}
