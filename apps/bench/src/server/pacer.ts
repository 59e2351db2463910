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

/** One paced session. */
export interface PacedSession {
  /** The frames of its one response. */
  readonly frames: ResponseFrames;
  /** Writes one frame to its socket. */
  readonly send: (frame: Buffer) => void;
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
  readonly #schedule: PaceSchedule;
  readonly #late: Float64Array;
  #cursor = 0;

  constructor(sessions: readonly PacedSession[], schedule: PaceSchedule) {
    if (sessions.length === 0) throw new RangeError('the pacer needs at least one session');
    if (!(schedule.periodMs > 0) || !Number.isInteger(schedule.chunks) || schedule.chunks < 1) {
      throw new RangeError(`bad pace schedule: period ${schedule.periodMs} ms, ${schedule.chunks} chunks`);
    }
    this.#sessions = sessions;
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
      const { head, chunks, tail } = session.frames;
      if (k === 0) for (const f of head) session.send(f);
      const chunk = chunks[k];
      if (chunk) {
        session.send(chunk[0]);
        session.send(chunk[1]);
      }
      if (k === last) for (const f of tail) session.send(f);
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
