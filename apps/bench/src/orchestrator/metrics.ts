/**
 * The metrics the report and the chart show, with units and direction, in one table so both
 * always agree.
 * @module
 */

/** One reported metric. */
export interface MetricSpec {
  /** Workload key in the results (`downstream`, `concurrency@500`, …). */
  readonly workload: string;
  /** Metric name as the client process reports it. */
  readonly key: string;
  /** Human label. */
  readonly label: string;
  /** Whether a smaller number is better (costs) or a larger one (throughput). */
  readonly better: 'lower' | 'higher';
  /** Display scale: the value is divided by this before printing. @default 1 */
  readonly scale?: number;
  /** Digits after the point. @default 1 */
  readonly digits?: number;
}

const MiB = 1024 * 1024;
const KiB = 1024;

/** Columns of each workload table. */
export function workloadMetrics(
  concurrencySizes: readonly number[],
): Record<string, { title: string; metrics: MetricSpec[] }> {
  const tables: Record<string, { title: string; metrics: MetricSpec[] }> = {
    downstream: {
      title: 'Downstream burst (responses of 100 × 100 ms audio deltas + transcript deltas)',
      metrics: [
        {
          workload: 'downstream',
          key: 'eventsPerSec',
          label: 'events/s',
          better: 'higher',
          digits: 0,
        },
        {
          workload: 'downstream',
          key: 'cpuUsPerEvent',
          label: 'CPU µs/event',
          better: 'lower',
          digits: 2,
        },
        {
          workload: 'downstream',
          key: 'peakRssBytes',
          label: 'peak RSS MiB',
          better: 'lower',
          scale: MiB,
        },
      ],
    },
    upstream: {
      title: 'Upstream (20 ms frames appended until the server holds them all)',
      metrics: [
        {
          workload: 'upstream',
          key: 'framesPerSec',
          label: 'frames/s',
          better: 'higher',
          digits: 0,
        },
        {
          workload: 'upstream',
          key: 'cpuUsPerFrame',
          label: 'CPU µs/frame',
          better: 'lower',
          digits: 2,
        },
        {
          workload: 'upstream',
          key: 'peakRssBytes',
          label: 'peak RSS MiB',
          better: 'lower',
          scale: MiB,
        },
      ],
    },
    startup: {
      title: 'Import cost and session setup (fresh process)',
      metrics: [
        { workload: 'startup', key: 'importMs', label: 'import ms', better: 'lower' },
        { workload: 'startup', key: 'importCpuMs', label: 'import CPU ms', better: 'lower' },
        {
          workload: 'startup',
          key: 'importRssBytes',
          label: 'import RSS MiB',
          better: 'lower',
          scale: MiB,
        },
        {
          workload: 'startup',
          key: 'firstSessionMs',
          label: 'first session ms',
          better: 'lower',
          digits: 2,
        },
        {
          workload: 'startup',
          key: 'sessionSetupMs',
          label: 'session setup ms',
          better: 'lower',
          digits: 2,
        },
      ],
    },
  };
  for (const n of concurrencySizes) {
    const w = `concurrency@${n}`;
    tables[w] = {
      title: `Concurrency: ${n} sessions, real-time paced audio, one process`,
      metrics: [
        { workload: w, key: 'cpuPercent', label: 'CPU %', better: 'lower' },
        {
          workload: w,
          key: 'rssPerSessionBytes',
          label: 'RSS/session KiB',
          better: 'lower',
          scale: KiB,
        },
        {
          workload: w,
          key: 'rssProcessPerSessionBytes',
          label: 'process RSS/session KiB',
          better: 'lower',
          scale: KiB,
        },
        {
          workload: w,
          key: 'retainedPerSessionBytes',
          label: 'kept/session KiB',
          better: 'lower',
          scale: KiB,
        },
        { workload: w, key: 'lagP50Ms', label: 'lag p50 ms', better: 'lower', digits: 2 },
        { workload: w, key: 'lagP99Ms', label: 'lag p99 ms', better: 'lower', digits: 2 },
        {
          workload: w,
          key: 'setupMsPerSession',
          label: 'setup ms/session',
          better: 'lower',
          digits: 2,
        },
      ],
    };
  }
  return tables;
}

/** The headline metrics: the voxwire-vs-peer table and the chart. */
export function headlineMetrics(concurrencySizes: readonly number[]): MetricSpec[] {
  const big = `concurrency@${Math.max(...concurrencySizes)}`;
  return [
    {
      workload: 'downstream',
      key: 'cpuUsPerEvent',
      label: 'downstream CPU/event',
      better: 'lower',
    },
    { workload: 'upstream', key: 'cpuUsPerFrame', label: 'upstream CPU/frame', better: 'lower' },
    {
      workload: big,
      key: 'cpuPercent',
      label: `${big.replace('concurrency@', '')} sessions CPU`,
      better: 'lower',
    },
    {
      workload: big,
      key: 'rssPerSessionBytes',
      label: `${big.replace('concurrency@', '')} sessions RSS/session`,
      better: 'lower',
    },
    {
      workload: big,
      key: 'lagP99Ms',
      label: `${big.replace('concurrency@', '')} sessions lag p99`,
      better: 'lower',
    },
    { workload: 'startup', key: 'importMs', label: 'import time', better: 'lower' },
    { workload: 'startup', key: 'sessionSetupMs', label: 'session setup', better: 'lower' },
  ];
}
