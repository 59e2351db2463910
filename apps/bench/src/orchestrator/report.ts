/**
 * The markdown report: one table per workload (median, spread, ratio to the floor), voxwire
 * against each peer, the capacity search, the goals of issue 9, and every failure verbatim.
 * Every ratio is between figures of the same run. The workload tables divide two medians; the
 * goals take the median of the ratios repetition by repetition when the run recorded them
 * ({@link pairedRatio}), which a machine that drifts during the run moves less.
 * @module
 */
import { COMPARABLE_PEERS, PEERS, type ClientName } from '../clients/types.js';
import { ratio, type Summary } from '../stats.js';
import type { BenchConfig } from './config.js';
import { headlineMetrics, workloadMetrics, type MetricSpec } from './metrics.js';
import { maxKeptUp, metricSummary, pairedRatio, type RunResults } from './results.js';

/** Format a number for a table cell. */
export function num(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Format a ratio (`1.23×`). */
export function times(value: number | undefined): string {
  return value === undefined ? '–' : `${value >= 10 ? value.toFixed(0) : value.toFixed(2)}×`;
}

function cell(
  s: Summary | undefined,
  spec: MetricSpec,
  floor: Summary | undefined,
  isFloor: boolean,
): string {
  if (!s) return '–';
  const scale = spec.scale ?? 1;
  const value = num(s.median / scale, spec.digits ?? 1);
  const spread = s.n > 1 ? ` ±${Math.round((s.spread * 100) / 2)}%` : '';
  const vsFloor = isFloor ? '' : ` (${times(ratio(s.median, floor?.median))})`;
  return `${value}${vsFloor}${spread}`;
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Ratio of voxwire to one peer for a headline metric (cost: voxwire ÷ peer; throughput: peer ÷ voxwire, so < 1 always favours voxwire). */
export function voxwireVs(
  results: RunResults,
  spec: MetricSpec,
  peer: ClientName,
): number | undefined {
  const v = metricSummary(results, spec.workload, 'voxwire', spec.key)?.median;
  const p = metricSummary(results, spec.workload, peer, spec.key)?.median;
  return spec.better === 'lower' ? ratio(v, p) : ratio(p, v);
}

/**
 * voxwire ÷ `other` for a cost metric, as the goals read it: the median of the per-repetition
 * ratios when the run paired them, else the ratio of the two medians.
 */
export function goalRatio(
  results: RunResults,
  workload: string,
  key: string,
  other: ClientName,
): { value: number | undefined; paired: Summary | undefined } {
  const paired = pairedRatio(results, workload, 'voxwire', other, key);
  if (paired !== undefined) return { value: paired.median, paired };
  return {
    value: voxwireVs(results, { workload, key, label: '', better: 'lower' }, other),
    paired,
  };
}

/** `1.07×`, with the range of the per-repetition ratios when there were several. */
function withRange({ value, paired }: ReturnType<typeof goalRatio>): string {
  if (paired === undefined || paired.n < 2) return times(value);
  return `${times(value)} (repetitions ${times(paired.min).slice(0, -1)}–${times(paired.max)})`;
}

function goals(results: RunResults, config: BenchConfig): string {
  const peers = PEERS.filter((c) => results.clients.includes(c));
  const comparable = COMPARABLE_PEERS.filter((c) => results.clients.includes(c));
  const others = peers.filter((c) => !comparable.includes(c));
  const rows: string[][] = [];
  // voxwire ÷ each peer of `list` for a cost metric, the peers without a figure left out
  const vs = (list: readonly ClientName[], workload: string, key: string) =>
    list
      .map((p) => [p, goalRatio(results, workload, key, p).value] as const)
      .filter(([, r]) => r !== undefined);
  const check = (ok: boolean | undefined): string =>
    ok === undefined ? 'not measured' : ok ? 'met' : '**not met**';
  for (const [workload, key, what] of [
    ['downstream', 'cpuUsPerEvent', 'Downstream CPU/event'],
    ['upstream', 'cpuUsPerFrame', 'Upstream CPU/frame'],
  ] as const) {
    const vsFloor = goalRatio(results, workload, key, 'floor');
    rows.push([
      `${what} within 1.3× of the floor`,
      withRange(vsFloor),
      check(vsFloor.value === undefined ? undefined : vsFloor.value <= 1.3),
    ]);
    const measured = vs(comparable, workload, key);
    rows.push([
      `${what} below every peer doing comparable work (validation, audio decode, response tree)`,
      measured.map(([p, r]) => `${p} ${times(r)}`).join(', ') || '–',
      check(measured.length === 0 ? undefined : measured.every(([, r]) => r! < 1)),
    ]);
    const lighter = vs(others, workload, key);
    if (lighter.length > 0)
      rows.push([
        `${what} against peers that do less (no validation, no response tree; for information)`,
        lighter.map(([p, r]) => `${p} ${times(r)}`).join(', '),
        lighter.every(([, r]) => r! < 1) ? 'below' : 'above',
      ]);
  }
  const cap = maxKeptUp(results.capacity.voxwire);
  rows.push([
    `1,000 sessions on one core keep up (p99 lag < ${config.lagBudgetMs} ms)`,
    cap === undefined ? '–' : `largest kept up: ${cap}`,
    check(cap === undefined ? undefined : cap >= 1000),
  ]);
  const big = `concurrency@${Math.max(...config.concurrency)}`;
  const rssVs = vs(peers, big, 'rssPerSessionBytes');
  rows.push([
    `RSS/session (${big}: peak − before the first session, ÷ sessions) below every peer`,
    rssVs.map(([p, r]) => `${p} ${times(r)}`).join(', ') || '–',
    check(rssVs.length === 0 ? undefined : rssVs.every(([, r]) => r! < 1)),
  ]);
  const processVs = vs(peers, big, 'rssProcessPerSessionBytes');
  if (processVs.length > 0)
    rows.push([
      `Process RSS ÷ sessions (${big}, import included; for information)`,
      processVs.map(([p, r]) => `${p} ${times(r)}`).join(', '),
      processVs.every(([, r]) => r! < 1) ? 'below' : 'above',
    ]);
  return table(
    ['goal (issue 9)', 'measured (voxwire ÷ other, median of the per-repetition ratios)', 'status'],
    rows,
  );
}

/** Render the whole report. */
export function renderReport(results: RunResults, config: BenchConfig): string {
  const out: string[] = [];
  const clients = results.clients;
  out.push('# voxwire benchmark — latest run', '');
  out.push(
    `${results.startedAt} · ${results.mode} run · Node ${results.node} · ${results.cores} × ${results.cpu} · ${Math.round(results.durationMs / 1000)} s total · ` +
      `${config.repetitions} repetitions (concurrency: ${config.concurrencyRepetitions}), alternating order, one process per client and repetition.`,
    '',
    'Cells: median (ratio to the floor median) ±half the min–max spread. Lower is better except events/s and frames/s. ' +
      'Ratios are only ever between figures of this run. See README.md for what each workload does.',
    '',
  );
  out.push('## Goals', '', goals(results, config), '');

  const others = clients.filter((c) => c !== 'voxwire');
  out.push(
    '## voxwire against each client',
    '',
    'voxwire ÷ other for costs, other ÷ voxwire for throughput: below 1× favours voxwire.',
    '',
  );
  out.push(
    table(
      ['metric', ...others],
      [
        ...headlineMetrics(config.concurrency).map((spec) => [
          spec.label,
          ...others.map((p) => times(voxwireVs(results, spec, p))),
        ]),
        ...(['downstream', 'upstream'] as const).map((w) => {
          const spec: MetricSpec = {
            workload: w,
            key: w === 'downstream' ? 'eventsPerSec' : 'framesPerSec',
            label: `${w} throughput`,
            better: 'higher',
          };
          return [spec.label, ...others.map((p) => times(voxwireVs(results, spec, p)))];
        }),
      ],
    ),
    '',
  );

  for (const [workload, { title, metrics }] of Object.entries(
    workloadMetrics(config.concurrency),
  )) {
    out.push(`## ${title}`, '');
    const rows = clients.map((client) => [
      client,
      ...metrics.map((spec) =>
        cell(
          metricSummary(results, workload, client, spec.key),
          spec,
          metricSummary(results, workload, 'floor', spec.key),
          client === 'floor',
        ),
      ),
      String(results.failures[workload]?.[client]?.length ?? 0),
    ]);
    out.push(table(['client', ...metrics.map((m) => m.label), 'failed runs'], rows), '');
  }

  out.push('## Capacity: largest session count that keeps up in one process', '');
  out.push(
    `Kept up = every chunk delivered and p99 delivery lag < ${config.lagBudgetMs} ms (every repetition at that size). ` +
      'server-bound = the load server itself sent late (its p99 lateness > 20 ms): such a step measures the server, not the client.',
    '',
  );
  out.push(
    table(
      ['client', 'largest kept up', 'steps (sessions: lag p99 ms, CPU %)'],
      clients.map((client) => {
        const steps = results.capacity[client] ?? [];
        const best = maxKeptUp(steps);
        return [
          client,
          best === undefined
            ? '–'
            : best === 0
              ? `< ${Math.min(...config.concurrency)}`
              : String(best),
          steps
            .map(
              (s) =>
                `${s.sessions}: ${s.keptUp ? 'ok' : 'behind'} ${s.lagP99Ms === undefined ? '' : num(s.lagP99Ms, 0)}${s.cpuPercent === undefined ? '' : `, ${num(s.cpuPercent, 0)}%`}${s.note ? ` (${s.note})` : ''}`,
            )
            .join('; '),
        ];
      }),
    ),
    '',
  );

  const failures = Object.entries(results.failures).flatMap(([workload, byClient]) =>
    Object.entries(byClient).flatMap(([client, messages]) =>
      [...new Set(messages)].map(
        (m) => `- ${workload} / ${client} (${messages.filter((x) => x === m).length}×): ${m}`,
      ),
    ),
  );
  out.push('## Failures', '', failures.length === 0 ? 'None.' : failures.join('\n'), '');
  return out.join('\n');
}
