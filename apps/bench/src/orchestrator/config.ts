/**
 * Run sizes. The full run is sized to finish in about 15 minutes on a shared 2-core machine;
 * `--quick` keeps every workload and every client but shrinks counts (for a smoke run, not for
 * quoting).
 * @module
 */
import { CLIENT_NAMES, type ClientName } from '../clients/types.js';

/** Everything a run needs to know. */
export interface BenchConfig {
  /** Clients under test, floor first. @default all of CLIENT_NAMES */
  readonly clients: readonly ClientName[];
  /** Workloads to run (`--workloads`); a subset writes `results/partial.*`, never `latest.*`. @default all of WORKLOADS */
  readonly workloads: readonly Workload[];
  /**
   * Repetitions of the downstream, upstream and startup workloads per client: 5, because one
   * repetition on this shared 2-core machine can be 20 % off, and the median of 5 moves less.
   * @default 5
   */
  readonly repetitions: number;
  /**
   * Measured responses per downstream run (21,000 events: long enough that a one-time cost, such
   * as the process's first full garbage collection, is a small share). @default 100
   */
  readonly responses: number;
  /**
   * Warm-up responses per downstream run, so the measured window sees optimised code: with 3
   * (rounds 1–3) it was mostly JIT tier-up (the floor itself measured 14 µs/event cold against
   * ~8 warm; voxwire, with more code to optimise, 24 against ~11). @default 50
   */
  readonly warmup: number;
  /** Audio deltas per response. @default 100 */
  readonly deltas: number;
  /** 20 ms frames per upstream run (a multiple of 5: livekit re-chunks into 100 ms). @default 10000 */
  readonly frames: number;
  /** Frames appended per event-loop turn. @default 50 */
  readonly batch: number;
  /**
   * Session counts measured for every client; the largest is the one the goals are checked at
   * (issue 9 names 1,000 sessions). @default [100, 500, 1000]
   */
  readonly concurrency: readonly number[];
  /** Repetitions of each concurrency size (three: a median of two is a mean, and the RSS figures move ±10 % between runs). @default 3 */
  readonly concurrencyRepetitions: number;
  /** Larger counts tried, in order, while a client keeps up with the largest measured size. @default [1500, 2000] */
  readonly capacityLadder: readonly number[];
  /**
   * Count tried when a client falls behind at a measured size: only when it lies between the
   * largest size the client kept up with and the smallest it did not. @default 250
   */
  readonly capacityFallback: number;
  /** 100 ms chunks each paced session receives. @default 50 (5 s) */
  readonly chunks: number;
  /** Keeping up means p99 delivery lag below this, ms. @default 100 */
  readonly lagBudgetMs: number;
  /** Sessions opened in parallel during concurrency setup. @default 50 */
  readonly setupParallelism: number;
  /** Timed sequential session setups per startup run. @default 20 */
  readonly setups: number;
  /** A client process is killed after this long, ms. @default 120000 */
  readonly jobTimeoutMs: number;
}

/** The workloads of a run, in the order they run (capacity follows concurrency). */
export const WORKLOADS = ['startup', 'downstream', 'upstream', 'concurrency'] as const;
/** One workload of {@link WORKLOADS}. */
export type Workload = (typeof WORKLOADS)[number];

/** The full run. */
export const FULL: BenchConfig = {
  clients: CLIENT_NAMES,
  workloads: WORKLOADS,
  repetitions: 5,
  responses: 100,
  warmup: 50,
  deltas: 100,
  frames: 10_000,
  batch: 50,
  concurrency: [100, 500, 1000],
  concurrencyRepetitions: 3,
  capacityLadder: [1500, 2000],
  capacityFallback: 250,
  chunks: 50,
  lagBudgetMs: 100,
  setupParallelism: 50,
  setups: 20,
  jobTimeoutMs: 120_000,
};

/** The `--quick` run: same shape, smaller counts. */
export const QUICK: BenchConfig = {
  ...FULL,
  repetitions: 2,
  responses: 20,
  warmup: 20,
  frames: 2_000,
  concurrency: [100, 500],
  concurrencyRepetitions: 1,
  capacityLadder: [1000],
  chunks: 20,
  setups: 5,
  jobTimeoutMs: 90_000,
};

/** The order of clients for repetition `r`: alternate direction and rotate, so no client always runs first or last. */
export function orderFor<T>(items: readonly T[], r: number): T[] {
  const base = r % 2 === 0 ? [...items] : [...items].reverse();
  const shift = Math.floor(r / 2) % Math.max(1, base.length);
  return [...base.slice(shift), ...base.slice(0, shift)];
}
