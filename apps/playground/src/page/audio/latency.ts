/**
 * What the person actually heard. The playback worklet counts samples handed to the audio graph,
 * but those samples still travel through the browser's output pipeline (`baseLatency`: the
 * context's own buffering) and the device (`outputLatency`: the OS mixer and the hardware) before
 * they leave the speaker. When playback is cut, that last stretch was rendered yet never heard, so
 * it is subtracted from the count before the assistant item is truncated.
 * @module
 */

/** The parts of an `AudioContext` that report latency; either may be missing (Safari lacks `outputLatency`). */
export interface LatencySource {
  /** Seconds of processing latency inside the context. @default undefined (unknown: counted as 0) */
  readonly baseLatency?: number | undefined;
  /** Seconds from the audio graph to the speaker. @default undefined (unknown: counted as 0) */
  readonly outputLatency?: number | undefined;
}

/** Non-negative finite seconds, else 0 (browsers report 0 or nothing when they do not know). */
function seconds(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/** Milliseconds between rendering a sample and hearing it: `baseLatency + outputLatency`, unknown parts as 0. */
export function outputLatencyMs(context: LatencySource): number {
  return (seconds(context.baseLatency) + seconds(context.outputLatency)) * 1000;
}

/**
 * Milliseconds of an item heard when playback stopped: the rendered samples as milliseconds,
 * minus the output latency, floored (never claim more than was heard) and never below 0 (a
 * cut inside the latency window means nothing was heard: the server then deletes the item).
 *
 * It subtracts the whole latency from each cut item: the samples in flight are the most recently
 * rendered ones, and a cut item is the one playing at the cut (or still waiting for audio).
 */
export function heardMs(renderedSamples: number, sampleRate: number, latencyMs: number): number {
  if (!(sampleRate > 0)) throw new RangeError(`sample rate must be positive, got ${sampleRate}`);
  const renderedMs = (Math.max(0, renderedSamples) * 1000) / sampleRate;
  return Math.max(0, Math.floor(renderedMs - Math.max(0, latencyMs)));
}
