/**
 * vitest global setup: clears the fault-suite parts before the run and, after it, assembles
 * `test-results/fault-report.md` (scenarios run, faults injected, items lost) and prints one
 * summary line. Runs in the main process, after every test file finished.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';

const DIR = 'test-results';

export function setup(): void {
  mkdirSync(DIR, { recursive: true });
  for (const f of readdirSync(DIR)) if (f.endsWith('.part.md')) rmSync(`${DIR}/${f}`);
}

export function teardown(): void {
  if (!existsSync(DIR)) return;
  const parts = readdirSync(DIR)
    .filter((f) => f.endsWith('.part.md'))
    .sort();
  if (parts.length === 0) return;
  const body = parts.map((f) => readFileSync(`${DIR}/${f}`, 'utf8')).join('\n');
  writeFileSync(`${DIR}/fault-report.md`, `# voxwire core — fault report\n\n${body}`);
  // every part reports its own totals: the summary adds them up
  const num = (label: string) =>
    [...body.matchAll(new RegExp(`${label}: (\\d+)`, 'g'))].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
  console.log(
    `fault report: ${num('scenarios run')} scenarios, ${num('faults injected')} faults injected, ${num('items lost')} items lost → ${DIR}/fault-report.md`,
  );
}
