/**
 * The input audio buffer and a deterministic energy VAD. Every time is audio time, counted from
 * the samples received since the session began (as the real `audio_start_ms`/`audio_end_ms`
 * are), never clock time: a test that appends 2 s of audio in one frame sees the same events
 * as one that streams it over 2 s.
 * @module
 */

/** VAD settings, read from the session's `turn_detection`. */
export interface VadSettings {
  /** `threshold` (0–1): a 10 ms window is speech when its RMS ≥ `threshold × energyScale` of full scale. */
  readonly threshold: number;
  /** Audio kept before the first voiced window, in ms. */
  readonly prefixPaddingMs: number;
  /** Silence that ends a turn, in ms. */
  readonly silenceDurationMs: number;
}

/** What the VAD saw in one append, in order. */
export type VadSignal =
  | { readonly kind: 'speech_started'; readonly audioStartMs: number }
  | { readonly kind: 'speech_stopped'; readonly audioStartMs: number; readonly audioEndMs: number };

/** Slice of committed audio. */
export interface CommittedAudio {
  readonly samples: Int16Array;
  readonly startMs: number;
  readonly endMs: number;
}

const WINDOW_MS = 10;

/**
 * Audio kept in the buffer under turn detection, in ms. The buffer only ever feeds the next turn
 * (prefix padding), a manual commit or the idle timeout, so audio before this tail is dropped: an
 * hour-long soak test would otherwise hold ~170 MB per connection. Between turns that is silence;
 * during a turn longer than this (continuous speech, noise the VAD hears as speech) it is the
 * turn's start, so its item holds the last 60 s only while its `audio_start_ms` stays true. It is
 * longer than any `idle_timeout_ms` (≤ 30 s) and any prefix padding a test uses, so no ordinary
 * test sees a difference. protocol.md does not say how much audio the real server keeps, nor
 * whether it ends an endless turn itself: the fake ends none (no invented events), and a manual
 * commit under VAD after longer audio commits this tail.
 * @default 60_000
 */
export const VAD_SILENCE_KEPT_MS = 60_000;

/** The per-connection input buffer with its VAD state. */
export class InputAudio {
  readonly #rate: number;
  readonly #energyScale: number;
  #chunks: Int16Array[] = [];
  /** index of the first live chunk in #chunks (dropped chunks before it are compacted lazily) */
  #head = 0;
  /** session sample index of the first buffered sample */
  #bufferStart = 0;
  /** samples received since the session began */
  #total = 0;
  #speaking = false;
  #speechStart = 0;
  /** start of the earliest turn the VAD ended that is not committed yet: never dropped */
  #endedTurnStart: number | undefined;
  #silenceRun = 0;
  #winSumSq = 0;
  #winCount = 0;

  constructor(sampleRate: number, energyScale: number) {
    this.#rate = sampleRate;
    this.#energyScale = energyScale;
  }

  /** Whether the VAD is inside a speech segment. */
  get speaking(): boolean {
    return this.#speaking;
  }

  /** Where the speech in progress started (prefix padding included), ms of session audio. */
  get speechStartMs(): number {
    return this.#ms(this.#speechStart);
  }

  /** Milliseconds of silence heard since the speech in progress was last voiced. */
  get silenceRunMs(): number {
    return this.#ms(this.#silenceRun);
  }

  /** Milliseconds of audio currently buffered (uncommitted). */
  get bufferedMs(): number {
    return this.#ms(this.#total - this.#bufferStart);
  }

  /** Milliseconds of audio received since the session began. */
  get totalMs(): number {
    return this.#ms(this.#total);
  }

  /** Appends samples; with `vad`, returns the speech boundaries they crossed. */
  append(samples: Int16Array, vad: VadSettings | undefined): VadSignal[] {
    const signals: VadSignal[] = [];
    if (samples.length > 0) this.#chunks.push(samples);
    const windowSize = Math.round((this.#rate * WINDOW_MS) / 1000);
    for (let i = 0; i < samples.length; i++) {
      const s = (samples[i] ?? 0) / 32768;
      this.#winSumSq += s * s;
      this.#winCount++;
      this.#total++;
      if (this.#winCount < windowSize) continue;
      const rms = Math.sqrt(this.#winSumSq / this.#winCount);
      this.#winSumSq = 0;
      this.#winCount = 0;
      if (vad) this.#evaluate(rms, vad, windowSize, signals);
    }
    // trimmed after the whole append, between turns and during a long one alike: only the kept
    // tail is bounded, and a turn this append ended is committed by the caller afterwards
    if (vad) this.#dropAudioBefore(vad, windowSize);
    return signals;
  }

  #dropAudioBefore(vad: VadSettings, windowSize: number): void {
    const keep = Math.max(
      this.#samplesAt(VAD_SILENCE_KEPT_MS),
      this.#samplesAt(vad.prefixPaddingMs) + windowSize,
    );
    let excess = this.#total - this.#bufferStart - keep;
    // a turn ended in this append (one long append: a turn, then minutes of silence) is
    // committed after it returns, from audio that must still be here
    if (this.#endedTurnStart !== undefined)
      excess = Math.min(excess, this.#endedTurnStart - this.#bufferStart);
    if (excess <= 0) return;
    this.#bufferStart += excess;
    while (excess > 0) {
      const first = this.#chunks[this.#head];
      if (!first) break;
      if (first.length <= excess) {
        excess -= first.length;
        this.#head++;
      } else {
        // a copy, not a view, so the dropped samples' memory is released
        this.#chunks[this.#head] = first.slice(excess);
        excess = 0;
      }
    }
    // compact rarely, so dropping a 20 ms frame per append stays O(1) amortised
    if (this.#head > 1024 && this.#head * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }

  #evaluate(rms: number, vad: VadSettings, windowSize: number, signals: VadSignal[]): void {
    const voiced = rms >= vad.threshold * this.#energyScale;
    const windowEnd = this.#total;
    const windowStart = windowEnd - windowSize;
    if (!this.#speaking) {
      if (!voiced) return;
      this.#speaking = true;
      this.#silenceRun = 0;
      const padded = windowStart - Math.round((vad.prefixPaddingMs * this.#rate) / 1000);
      this.#speechStart = Math.max(this.#bufferStart, padded, 0);
      signals.push({ kind: 'speech_started', audioStartMs: this.#ms(this.#speechStart) });
      return;
    }
    this.#silenceRun = voiced ? 0 : this.#silenceRun + windowSize;
    if (this.#ms(this.#silenceRun) >= vad.silenceDurationMs) {
      this.#speaking = false;
      this.#silenceRun = 0;
      this.#endedTurnStart ??= this.#speechStart;
      signals.push({
        kind: 'speech_stopped',
        audioStartMs: this.#ms(this.#speechStart),
        audioEndMs: this.#ms(windowEnd),
      });
    }
  }

  /** Commits the buffer up to `endMs` (default: all of it) starting at `startMs` (default: buffer start). */
  commit(startMs?: number, endMs?: number): CommittedAudio {
    const from =
      startMs === undefined
        ? this.#bufferStart
        : Math.max(this.#bufferStart, this.#samplesAt(startMs));
    const to = endMs === undefined ? this.#total : Math.min(this.#total, this.#samplesAt(endMs));
    const all = this.#flatten();
    const samples = all.slice(from - this.#bufferStart, to - this.#bufferStart);
    const rest = all.slice(to - this.#bufferStart);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#head = 0;
    this.#bufferStart = to;
    this.#endedTurnStart = undefined;
    if (endMs === undefined) this.#speaking = false;
    return { samples, startMs: this.#ms(from), endMs: this.#ms(to) };
  }

  /**
   * Forgets the speech in progress, keeping the audio: turn detection went off mid-turn. The
   * VAD evaluates nothing while off, so a turn left open would be ended, stale, by the first
   * silence after detection came back on.
   */
  endSpeech(): void {
    this.#speaking = false;
    this.#silenceRun = 0;
  }

  /** Drops the buffer and any speech in progress. */
  clear(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#bufferStart = this.#total;
    this.#endedTurnStart = undefined;
    this.#speaking = false;
    this.#silenceRun = 0;
  }

  #flatten(): Int16Array {
    const live = this.#chunks.length - this.#head;
    const only = this.#chunks[this.#head];
    if (live === 1 && only) return only;
    const out = new Int16Array(this.#total - this.#bufferStart);
    let off = 0;
    for (let i = this.#head; i < this.#chunks.length; i++) {
      const c = this.#chunks[i] ?? new Int16Array(0);
      out.set(c.subarray(0, out.length - off), off);
      off += c.length;
    }
    return out;
  }

  #ms(samples: number): number {
    return Math.round((samples * 1000) / this.#rate);
  }

  #samplesAt(ms: number): number {
    return Math.round((ms * this.#rate) / 1000);
  }
}
