/**
 * Small, runtime-neutral helpers for tests of code built on a session engine: a recorder that
 * captures log lines and emitted events (to assert on them, or that no secret leaked into
 * them), a promise for the next emission of one event, a deferred promise, and a spoken turn
 * as audio frames that the fake server's VAD hears as one turn. They depend on shapes only
 * (`on(name, listener) => unsubscribe`), never on `@voxwire/core`.
 * @module
 */
import { audioFrame, type AudioFrame, type Logger, type LogLevel } from '@voxwire/protocol';
import { FakeServerOptionsError } from './errors.js';
import { silence, tone } from './server/audio-codec.js';

/** Anything with a typed `on(name, listener)` that returns an unsubscribe function. */
export interface EventSource<N extends string = string> {
  on(name: N, listener: (...args: unknown[]) => void): () => void;
}

/**
 * The event names `source.on` takes (a session's are its events' names), so that a misspelt
 * name is a compile error rather than a wait that never ends.
 */
export type EventNameOf<S extends EventSource<any>> = Parameters<S['on']>[0] & string;

/** One entry of a {@link Recorder}: a log line or an emitted event. */
export type RecordedEntry =
  | {
      readonly level: LogLevel;
      readonly message: string;
      readonly fields: Record<string, unknown> | undefined;
    }
  | { readonly event: string; readonly args: unknown[] };

/** What {@link createRecorder} returns. */
export interface Recorder {
  /** Log lines and events, in the order they happened. */
  readonly seen: RecordedEntry[];
  /** A logger that appends every line to {@link Recorder.seen}. */
  readonly logger: Logger;
  /** Records every emission of `names` from `source`; returns one function that stops them all. */
  tap<S extends EventSource<any>>(source: S, names: readonly EventNameOf<S>[]): () => void;
  /**
   * {@link Recorder.seen} as JSON, errors included by name, message and stack (which
   * `JSON.stringify` would drop), so that a test can check a secret appears nowhere.
   */
  dump(): string;
}

/** A recorder of log lines and events (see {@link Recorder}). */
export function createRecorder(): Recorder {
  const seen: RecordedEntry[] = [];
  const at = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    seen.push({ level, message, fields });
  };
  return {
    seen,
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    tap(source, names) {
      const offs = names.map((name) =>
        source.on(name, (...args: unknown[]) => seen.push({ event: name, args })),
      );
      return () => offs.forEach((off) => off());
    },
    dump: () =>
      JSON.stringify(seen, (_k, v: unknown) =>
        v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v,
      ),
  };
}

/** Resolves with the first argument of the next emission of `name`, then unsubscribes. */
export function nextEvent<S extends EventSource<any>>(
  source: S,
  name: EventNameOf<S>,
): Promise<unknown> {
  return new Promise((resolve) => {
    const off = source.on(name, (...args: unknown[]) => {
      off();
      resolve(args[0]);
    });
  });
}

/** A promise together with its settle functions, to wait on callbacks without sleeping. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** A {@link Deferred}. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Options of {@link speechThenSilence}. */
export interface SpokenTurnOptions {
  /**
   * Sample rate of the frames.
   * @default 24000
   */
  readonly sampleRate?: number | undefined;
  /**
   * Length of each frame in ms (both durations are rounded up to whole frames).
   * @default 100
   */
  readonly frameMs?: number | undefined;
  /**
   * Tone frequency in Hz.
   * @default 440
   */
  readonly frequency?: number | undefined;
  /**
   * Peak amplitude of the tone, a fraction of full scale (0.488 ≈ 16 000, loud enough for any VAD).
   * @default 16000 / 32767
   */
  readonly amplitude?: number | undefined;
}

/**
 * A tone, then silence, as mono PCM16 frames: the fake server's VAD hears one turn that starts
 * with the tone and is committed after the silence, provided `silenceMs` reaches the session's
 * `silence_duration_ms` (200 ms by default; `SEMANTIC_SILENCE_MS` for `semantic_vad`): a
 * shorter silence leaves the turn open until more audio ends it.
 * @throws FakeServerOptionsError on a negative or endless duration, a frame length or rate that
 *   is not finite and positive, or a frame too short to hold one sample.
 */
export function speechThenSilence(
  speechMs: number,
  silenceMs: number,
  options: SpokenTurnOptions = {},
): AudioFrame[] {
  const rate = options.sampleRate ?? 24_000;
  const frameMs = options.frameMs ?? 100;
  // finite bounds: an endless duration, or a frame without a sample, would loop without end
  if (!(speechMs >= 0 && speechMs < Infinity) || !(silenceMs >= 0 && silenceMs < Infinity))
    throw new FakeServerOptionsError(
      `durations must be finite and ≥ 0 ms, got ${speechMs} and ${silenceMs}`,
    );
  if (!(frameMs > 0 && frameMs < Infinity) || !(rate > 0 && rate < Infinity))
    throw new FakeServerOptionsError(
      `frameMs and sampleRate must be finite and > 0, got ${frameMs} and ${rate}`,
    );
  if (Math.round((frameMs * rate) / 1000) < 1)
    throw new FakeServerOptionsError(
      `a frame of ${frameMs} ms at ${rate} Hz holds no sample; frameMs must be at least ${1000 / rate} ms`,
    );
  const loud = tone(frameMs, {
    frequency: options.frequency ?? 440,
    amplitude: options.amplitude ?? 16_000 / 32_767,
    sampleRate: rate,
  });
  const quiet = silence(frameMs, rate);
  const frames: AudioFrame[] = [];
  // Each frame starts the tone at phase 0, as the engine's tests always did; copies keep frames independent.
  // whole frames, counted by division: summing frameMs drifts (24 × 1/24 ms is not 1 ms), and a
  // quotient a hair above a whole number is that number
  const count = (ms: number): number => Math.ceil(ms / frameMs - 1e-9);
  for (let i = count(speechMs); i > 0; i--) frames.push(audioFrame(loud.slice(), rate, 1));
  for (let i = count(silenceMs); i > 0; i--) frames.push(audioFrame(quiet.slice(), rate, 1));
  return frames;
}
