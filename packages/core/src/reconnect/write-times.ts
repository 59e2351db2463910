/**
 * When the ledger's appends were written, coarsely (`uncommitted-audio.ts`). Between turns the
 * ledger keeps only the tail a server may not have reported speech in yet: the prefix padding,
 * plus what was written within the time the server takes to report. Counted in audio
 * milliseconds that is the newest ~1.3 s, right for a microphone streaming in real time; but
 * audio written in a burst (the replay and the audio queued during an outage, written at once
 * after a restore; a backlog flushed once a congested socket drains; an app appending faster
 * than real time) reaches the server all at once, and the server has had no time to report any
 * of it. The tail is therefore also measured in clock time: everything written within the report
 * delay is kept. A few samples of (clock time, audio offset) are enough for that: one per
 * `SAMPLE_MS` of clock time, the newest `SAMPLES`.
 * @module
 */

/** Clock time between two samples, ms. */
const SAMPLE_MS = 100;
/** Samples kept: they cover `SAMPLES × SAMPLE_MS` of clock time (more than the report delay). */
const SAMPLES = 16;

/** The clock times the audio offsets of one connection were written at, sampled. */
export class WriteTimes {
  // [clock ms, audio offset ms] pairs in a ring, oldest at #head; allocated on the first write
  #ring: Float64Array | undefined;
  #head = 0;
  #count = 0;

  /** Audio from `offsetMs` on was written at clock time `nowMs`. */
  wrote(nowMs: number, offsetMs: number): void {
    const ring = (this.#ring ??= new Float64Array(SAMPLES * 2));
    if (this.#count > 0) {
      const last = (this.#head + this.#count - 1) % SAMPLES;
      if (nowMs - ring[last * 2]! < SAMPLE_MS) return;
    }
    const at = this.#count < SAMPLES ? (this.#head + this.#count++) % SAMPLES : this.#head;
    if (this.#count === SAMPLES && at === this.#head) this.#head = (this.#head + 1) % SAMPLES;
    ring[at * 2] = nowMs;
    ring[at * 2 + 1] = offsetMs;
  }

  /**
   * The earliest audio offset sampled at clock time `sinceMs` or later; `undefined` when none
   * was. A burst is sampled at its first write (or at an earlier write of its `SAMPLE_MS` slot,
   * which keeps a little more), so all of a burst written since then is covered.
   */
  writtenSince(sinceMs: number): number | undefined {
    const ring = this.#ring;
    if (ring === undefined) return undefined;
    let earliest: number | undefined;
    for (let k = this.#count - 1; k >= 0; k--) {
      const i = (this.#head + k) % SAMPLES;
      if (ring[i * 2]! < sinceMs) break;
      earliest = ring[i * 2 + 1]!;
    }
    return earliest;
  }

  /** A new connection: its audio offsets start again at 0. */
  clear(): void {
    this.#head = this.#count = 0;
  }
}
