/**
 * Small statistics for noisy machines: medians and spreads of repetitions, nearest-rank
 * quantiles, and ratios that are only ever taken between figures of one run.
 * @module
 */

/** The q-quantile (0..1) of ascending values, nearest-rank; 0 for none. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Median, extremes and relative spread of repetitions of one measurement. */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max − min) / median: how far apart the repetitions were (0 = identical). */
  readonly spread: number;
}

/** Summarise repetitions; NaN and infinities are ignored (a failed repetition is not a zero). */
export function summarize(values: readonly number[]): Summary | undefined {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return undefined;
  const mid = xs.length >> 1;
  const median = xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
  const min = xs[0]!;
  const max = xs[xs.length - 1]!;
  return { n: xs.length, median, min, max, spread: median === 0 ? 0 : (max - min) / median };
}

/** a / b, or undefined when either is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || b === 0 || !Number.isFinite(a) || !Number.isFinite(b))
    return undefined;
  return a / b;
}
