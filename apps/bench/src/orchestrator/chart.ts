/**
 * The chart: for each headline cost metric, each client's median as a multiple of the floor's,
 * as horizontal bars on a log scale (peers can be 10× or more; a linear axis would hide voxwire's
 * distance from 1×). Plain SVG written by hand: no dependency, no network, diffable.
 * @module
 */
import type { ClientName } from '../clients/types.js';
import { ratio } from '../stats.js';
import type { MetricSpec } from './metrics.js';
import { metricSummary, type RunResults } from './results.js';

/** Bar colours per client (floor is the 1× line, not a bar). */
const COLOURS: Record<ClientName, string> = {
  floor: '#888888',
  voxwire: '#1f77b4',
  'voxwire-iterator': '#aec7e8',
  'openai-ws': '#ff7f0e',
  'agents-transport': '#2ca02c',
  'agents-session': '#98df8a',
  livekit: '#d62728',
};

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Render the ratio chart. Only cost metrics (lower is better) are drawn. */
export function renderChart(results: RunResults, specs: readonly MetricSpec[]): string {
  const clients = results.clients.filter((c) => c !== 'floor');
  const metrics = specs.filter((s) => s.better === 'lower');
  const rows = metrics.map((spec) => ({
    spec,
    bars: clients.map((client) => ({
      client,
      value: ratio(
        metricSummary(results, spec.workload, client, spec.key)?.median,
        metricSummary(results, spec.workload, 'floor', spec.key)?.median,
      ),
    })),
  }));
  const values = rows
    .flatMap((r) => r.bars.map((b) => b.value))
    .filter((v): v is number => v !== undefined && v > 0);
  const lo = Math.min(0.5, ...values.map((v) => v / 1.2));
  const hi = Math.max(2, ...values.map((v) => v * 1.2));
  const left = 200;
  const width = 620;
  const barH = 12;
  const groupGap = 18;
  const top = 60;
  const groupH = clients.length * (barH + 2) + groupGap;
  const height = top + rows.length * groupH + 40;
  const x = (v: number): number =>
    left + ((Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) * width;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 40}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">Cost relative to the floor client (log scale; 1× = ws + JSON.parse + base64; lower is better)</text>`,
    `<text x="10" y="38" fill="#555">${esc(`${results.startedAt} · ${results.mode} run · Node ${results.node} · medians of one run`)}</text>`,
  );
  // Grid at powers of two, labelled.
  for (let g = Math.pow(2, Math.ceil(Math.log2(lo))); g <= hi; g *= 2) {
    const gx = x(g).toFixed(1);
    parts.push(
      `<line x1="${gx}" y1="${top - 8}" x2="${gx}" y2="${height - 30}" stroke="${g === 1 ? '#000' : '#ddd'}" stroke-width="${g === 1 ? 1.5 : 1}"/>`,
    );
    parts.push(
      `<text x="${gx}" y="${height - 16}" text-anchor="middle" fill="#333">${g >= 1 ? g : g.toFixed(2)}×</text>`,
    );
  }
  rows.forEach((row, gi) => {
    const gy = top + gi * groupH;
    parts.push(
      `<text x="${left - 8}" y="${gy + (clients.length * (barH + 2)) / 2 + 4}" text-anchor="end" font-weight="bold">${esc(row.spec.label)}</text>`,
    );
    row.bars.forEach((bar, bi) => {
      const y = gy + bi * (barH + 2);
      if (bar.value === undefined || bar.value <= 0) {
        parts.push(
          `<text x="${x(1) + 4}" y="${y + barH - 2}" fill="#999">${esc(bar.client)}: not measured</text>`,
        );
        return;
      }
      const x0 = Math.min(x(1), x(bar.value));
      const w = Math.max(1, Math.abs(x(bar.value) - x(1)));
      parts.push(
        `<rect x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${COLOURS[bar.client]}"/>`,
      );
      parts.push(
        `<text x="${(Math.max(x(1), x(bar.value)) + 4).toFixed(1)}" y="${y + barH - 2}" fill="#222">${esc(bar.client)} ${bar.value >= 10 ? bar.value.toFixed(0) : bar.value.toFixed(2)}×</text>`,
      );
    });
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
