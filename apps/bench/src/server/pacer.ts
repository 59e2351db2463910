/**
 * Real-time pacing for the concurrency workload. Session `i` of `n` streams one response whose
 * chunk `k` is due at `t0 + i * period / n + k * period`: sessions are spread evenly over the
 * period (real users do not all speak in the same millisecond), and the due times of all chunks of
 * all sessions, taken in the order g = k * n + i, never decrease. So one cursor walks the whole
 * schedule and each tick costs only what it sends. Pure: `tick(now)` is driven by `main.ts`'s timer
 * or by a test.
 * @module
 */
import { quantileSorted } from '../stats.js';
import type { ResponseFrames } from '../wire/events.js';
import { textFrames } from '../wire/frame.js';

/** One paced session: where its bytes go. */
export interface PacedSession {
  /** Writes already-framed WebSocket bytes to the session's socket. */
  readonly write: (bytes: Buffer) => void;
}

/**
 * The response every paced session receives, framed once and shared: paced connections are fresh,
 * so the same ids are valid on each, and 1,000 sessions cost one copy of the audio, not 1,000.
 */
export interface PacedFrames {
  /** Head events and chunk 0, one write. */
  readonly first: Buffer;
  /** Chunk k (transcript delta + audio delta) for 0 < k < last, one write each. */
  readonly chunks: readonly Buffer[];
  /** The last chunk and the tail events, one write. */
  readonly last: Buffer;
}

/** Frame a response for pacing. */
export function framePaced(frames: ResponseFrames): PacedFrames {
  const n = frames.chunks.length;
  const chunk = (k: number): Buffer[] => [...frames.chunks[k]!];
  if (n === 1) {
    const all = textFrames([...frames.head, ...chunk(0), ...frames.tail]);
    return { first: all, chunks: [all], last: all };
  }
  return {
    first: textFrames([...frames.head, ...chunk(0)]),
    chunks: frames.chunks.map((c) => textFrames(c)),
    last: textFrames([...chunk(n - 1), ...frames.tail]),
  };
}

/** Pacing parameters. */
export interface PaceSchedule {
  /** Wall-clock ms (performance.timeOrigin based) of chunk 0 of session 0. */
  readonly t0: number;
  /** Audio per chunk, and so the spacing of a session's chunks, in ms. @default 100 */
  readonly periodMs: number;
  /** Chunks per session. */
  readonly chunks: number;
}

/** Lateness of the server itself, reported so that a server-bound run is never blamed on a client. */
export interface PacerReport {
  /** Chunks sent. */
  readonly sent: number;
  /** Send time − due time, 99th percentile, ms. */
  readonly lateP99Ms: number;
  /** Worst send lateness, ms. */
  readonly lateMaxMs: number;
}

/** Walks the schedule. */
export class Pacer {
  readonly #sessions: readonly PacedSession[];
  readonly #frames: PacedFrames;
  readonly #schedule: PaceSchedule;
  readonly #late: Float64Array;
  #cursor = 0;

  constructor(sessions: readonly PacedSession[], frames: PacedFrames, schedule: PaceSchedule) {
    if (sessions.length === 0) throw new RangeError('the pacer needs at least one session');
    if (!(schedule.periodMs > 0) || !Number.isInteger(schedule.chunks) || schedule.chunks < 1) {
      throw new RangeError(
        `bad pace schedule: period ${schedule.periodMs} ms, ${schedule.chunks} chunks`,
      );
    }
    if (frames.chunks.length !== schedule.chunks)
      throw new RangeError(
        `frames hold ${frames.chunks.length} chunks, the schedule ${schedule.chunks}`,
      );
    this.#sessions = sessions;
    this.#frames = frames;
    this.#schedule = schedule;
    this.#late = new Float64Array(sessions.length * schedule.chunks);
  }

  /** Total chunks in the schedule. */
  get total(): number {
    return this.#late.length;
  }

  /** True once every chunk (and every tail) was sent. */
  get done(): boolean {
    return this.#cursor >= this.#late.length;
  }

  /** Due time of schedule position `g`. */
  dueAt(g: number): number {
    const n = this.#sessions.length;
    const k = Math.floor(g / n);
    const i = g - k * n;
    return this.#schedule.t0 + (i * this.#schedule.periodMs) / n + k * this.#schedule.periodMs;
  }

  /** Due time of the next chunk, or undefined when done. */
  get nextDue(): number | undefined {
    return this.done ? undefined : this.dueAt(this.#cursor);
  }

  /** Send everything due at `now`; returns how many chunks were sent. */
  tick(now: number): number {
    const n = this.#sessions.length;
    const last = this.#schedule.chunks - 1;
    let sent = 0;
    while (this.#cursor < this.#late.length) {
      const g = this.#cursor;
      const due = this.dueAt(g);
      if (due > now) break;
      const k = Math.floor(g / n);
      const session = this.#sessions[g - k * n]!;
      session.write(
        k === last ? this.#frames.last : k === 0 ? this.#frames.first : this.#frames.chunks[k]!,
      );
      this.#late[g] = now - due;
      this.#cursor++;
      sent++;
    }
    return sent;
  }

  /** Lateness summary of what was sent so far. */
  report(): PacerReport {
    const late = this.#late.slice(0, this.#cursor).sort();
    return {
      sent: this.#cursor,
      lateP99Ms: quantileSorted(late, 0.99),
      lateMaxMs: quantileSorted(late, 1),
    };
  }
}
