/**
 * Raw results of one run: every repetition of every metric, every failure, kept so the report can
 * show medians and spreads and so `latest.json` can be re-read.
 * @module
 */
import type { ClientName } from '../clients/types.js';
import type { PacerReport } from '../server/pacer.js';
import { ratio, summarize, type Summary } from '../stats.js';

/** One attempt at a session count in the capacity search. */
export interface CapacityStep {
  readonly sessions: number;
  readonly keptUp: boolean;
  readonly lagP99Ms?: number;
  readonly cpuPercent?: number;
  /** The server's own p99 lateness: above a few ms the step says more about the server than the client. */
  readonly serverLateP99Ms?: number;
  readonly note?: string;
}

/** Everything measured. Workload keys: `downstream`, `upstream`, `startup`, `concurrency@<n>`. */
export interface RunResults {
  readonly startedAt: string;
  readonly mode: 'full' | 'quick';
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly clients: readonly ClientName[];
  /** workload → client → metric → repetitions. */
  readonly samples: Record<string, Partial<Record<ClientName, Record<string, number[]>>>>;
  /** workload → client → failure messages. */
  readonly failures: Record<string, Partial<Record<ClientName, string[]>>>;
  /**
   * workload → client → the metrics of repetition r at index r (a failed repetition leaves a
   * hole), so that two clients can be compared repetition by repetition: both ran in the same
   * round of the alternating order, close together in time. See {@link pairedRatio}.
   */
  readonly byRepetition?: Record<
    string,
    Partial<Record<ClientName, (Record<string, number> | undefined)[]>>
  >;
  /** client → capacity steps, in the order tried. */
  readonly capacity: Partial<Record<ClientName, CapacityStep[]>>;
  durationMs: number;
}

/** Record one repetition. */
export function addSample(
  results: RunResults,
  workload: string,
  client: ClientName,
  metrics: Record<string, number>,
): void {
  const byClient = (results.samples[workload] ??= {});
  const byMetric = (byClient[client] ??= {});
  for (const [name, value] of Object.entries(metrics)) (byMetric[name] ??= []).push(value);
}

/** Record the metrics of repetition `repetition` (0-based) for pairing ({@link pairedRatio}). */
export function addRepetition(
  results: RunResults,
  workload: string,
  client: ClientName,
  repetition: number,
  metrics: Record<string, number>,
): void {
  const byWorkload = ((results as { byRepetition?: RunResults['byRepetition'] }).byRepetition ??=
    {});
  const rows = ((byWorkload[workload] ??= {})[client] ??= []);
  rows[repetition] = { ...rows[repetition], ...metrics };
}

/**
 * `a ÷ b` for one metric, repetition by repetition, summarised (median, extremes, spread of the
 * ratios); `undefined` when no repetition has the metric for both. Why: the report's other
 * ratios divide two medians, and when the machine slows down and recovers during a run, the two
 * medians can come from different load periods (PROFILE.md round 7: per-repetition ratios of
 * 1.04–1.50 whose medians divided to 1.50). Two clients of one repetition ran back to back.
 */
export function pairedRatio(
  results: RunResults,
  workload: string,
  a: ClientName,
  b: ClientName,
  metric: string,
): Summary | undefined {
  const rowsA = results.byRepetition?.[workload]?.[a] ?? [];
  const rowsB = results.byRepetition?.[workload]?.[b] ?? [];
  const ratios: number[] = [];
  for (let r = 0; r < Math.min(rowsA.length, rowsB.length); r++) {
    const q = ratio(rowsA[r]?.[metric], rowsB[r]?.[metric]);
    if (q !== undefined) ratios.push(q);
  }
  return summarize(ratios);
}

/** Record one failed repetition. */
export function addFailure(
  results: RunResults,
  workload: string,
  client: ClientName,
  message: string,
): void {
  const byClient = (results.failures[workload] ??= {});
  (byClient[client] ??= []).push(message);
}

/** Summary of one metric of one client in one workload. */
export function metricSummary(
  results: RunResults,
  workload: string,
  client: ClientName,
  metric: string,
): Summary | undefined {
  const values = results.samples[workload]?.[client]?.[metric];
  return values ? summarize(values) : undefined;
}

/** Whether a concurrency step kept up: complete, p99 lag under budget. */
export function keptUp(metrics: Record<string, number>, lagBudgetMs: number): boolean {
  return metrics.complete === 1 && (metrics.lagP99Ms ?? Number.POSITIVE_INFINITY) < lagBudgetMs;
}

/** Pacer lateness above this (ms, p99) marks a step as server-bound. */
export const SERVER_LATE_LIMIT_MS = 20;

/** Build a capacity step from a concurrency outcome. */
export function capacityStep(
  sessions: number,
  metrics: Record<string, number>,
  pacer: PacerReport | undefined,
  lagBudgetMs: number,
): CapacityStep {
  const serverLate = pacer?.lateP99Ms;
  const step: CapacityStep = {
    sessions,
    keptUp: keptUp(metrics, lagBudgetMs),
    ...(metrics.lagP99Ms !== undefined ? { lagP99Ms: metrics.lagP99Ms } : {}),
    ...(metrics.cpuPercent !== undefined ? { cpuPercent: metrics.cpuPercent } : {}),
    ...(serverLate !== undefined ? { serverLateP99Ms: serverLate } : {}),
  };
  return serverLate !== undefined && serverLate > SERVER_LATE_LIMIT_MS
    ? { ...step, note: 'server-bound' }
    : step;
}

/** The largest session count that kept up, or 0 when none did; undefined when nothing was tried. */
export function maxKeptUp(steps: readonly CapacityStep[] | undefined): number | undefined {
  if (!steps || steps.length === 0) return undefined;
  return steps.filter((s) => s.keptUp).reduce((m, s) => Math.max(m, s.sessions), 0);
}
