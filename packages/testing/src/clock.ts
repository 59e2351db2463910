/**
 * A simulated clock: time only moves when a test says so, which makes every timer of the fake
 * server (VAD, pacing, expiry) and of a client engine deterministic.
 * @module
 */
import type { Clock, TimerId } from '@voxwire/protocol';
import { ClockError } from './errors.js';
import { describeArgument } from './describe-argument.js';

/** Options of {@link SimulatedClock}. */
export interface SimulatedClockOptions {
  /**
   * The starting time in ms (what `now()` returns before any advance).
   * @default 0
   */
  readonly start?: number | undefined;
  /**
   * Largest number of timers `advance`/`advanceAsync`/`set` may fire at one instant, and `runAll`
   * in all. Guards against a timer that keeps rescheduling itself at the current instant (or, in
   * `runAll`, forever), which would otherwise hang the test.
   * @default 10000
   */
  readonly loopLimit?: number | undefined;
  /**
   * Microtask rounds `advanceAsync`/`runAllAsync` let run after each timer, before the next timer
   * of the same instant. Before time moves on, all pending work settles whatever its length (one
   * turn of the host's `setImmediate`, where there is one; these rounds where there is not).
   * @default 20
   */
  readonly microtaskRounds?: number | undefined;
}

interface Timer {
  readonly id: number;
  readonly deadline: number;
  readonly fn: () => void;
}

/**
 * A {@link Clock} whose time advances only through `advance`, `advanceAsync`, `set` or `runAll`.
 * Timers fire in deadline order (ties in scheduling order); timers scheduled by a callback during
 * an advance fire in the same advance when they fall due inside it. Time never goes back: an
 * advance that a timer's callback (or an overlapping `advanceAsync`) took further is not undone.
 */
export class SimulatedClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new Map<number, Timer>();
  readonly #loopLimit: number;
  readonly #microtaskRounds: number;

  /**
   * @throws ClockError `CLOCK_INVALID_TIME` when `start` is not a finite number;
   *   `CLOCK_INVALID_ARGUMENT` when `loopLimit` is not an integer ≥ 1 or `microtaskRounds` not an
   *   integer ≥ 0.
   */
  constructor(options: SimulatedClockOptions = {}) {
    const start = options.start ?? 0;
    // NaN would make every deadline NaN: no timer would ever fire, and nothing would say why
    if (!Number.isFinite(start))
      throw new ClockError(
        'CLOCK_INVALID_TIME',
        `SimulatedClock: start: ${describeArgument(start)} is not a finite time`,
      );
    this.#now = start;
    // a NaN limit is never exceeded (no runaway guard at all), one below 1 fails every advance
    this.#loopLimit = checkCount('loopLimit', options.loopLimit ?? 10_000, 1);
    // NaN rounds drain nothing, silently
    this.#microtaskRounds = checkCount('microtaskRounds', options.microtaskRounds ?? 20, 0);
  }

  /** The current simulated time in ms. */
  now(): number {
    return this.#now;
  }

  /**
   * Schedules `fn` after `ms` ms of simulated time. As the host's timers and `systemClock` take
   * them, a negative delay (a deadline already past) counts as 0 and `Infinity` never fires (no
   * timer is kept for it).
   * @throws ClockError `CLOCK_INVALID_ARGUMENT` when `fn` is not a function or `ms` is not a
   *   number or is NaN: refused here, not when the timer would fire inside a later advance
   */
  setTimeout(fn: () => void, ms: number): TimerId {
    if (typeof fn !== 'function')
      throw new ClockError(
        'CLOCK_INVALID_ARGUMENT',
        `SimulatedClock.setTimeout: fn must be a function, got ${describeArgument(fn)}`,
      );
    // NaN is an arithmetic slip (a delay computed from undefined), never a delay anyone meant
    if (typeof ms !== 'number' || Number.isNaN(ms))
      throw new ClockError(
        'CLOCK_INVALID_ARGUMENT',
        `SimulatedClock.setTimeout: ms must be a number of ms, got ${describeArgument(ms)}`,
      );
    const id = ++this.#seq;
    // kept, it would be the next timer of runAll, which would then move time to Infinity
    if (ms === Number.POSITIVE_INFINITY) return id;
    this.#timers.set(id, { id, deadline: this.#now + Math.max(0, ms), fn });
    return id;
  }

  /** Cancels a timer; unknown ids are ignored. */
  clearTimeout(id: TimerId | undefined): void {
    if (typeof id === 'number') this.#timers.delete(id);
  }

  /** How many timers are scheduled and not yet fired. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** The deadline of the next timer, or `undefined` when none is scheduled. */
  nextTimerAt(): number | undefined {
    return this.#next()?.deadline;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due, synchronously.
   * @throws ClockError `CLOCK_BACKWARDS` when `ms` is negative, NaN or infinite;
   *   `CLOCK_INVALID_ARGUMENT` when it is not a number
   */
  advance(ms: number): void {
    this.#checkDelta('advance', ms);
    this.#runUntil(this.#now + ms);
  }

  /**
   * Moves time forward by `ms` like `advance`, but lets pending microtasks (promise reactions,
   * `queueMicrotask` deliveries) run before each timer and at the end. Before time moves past an
   * instant, the promise chains of that instant finish, however long (an async tool's result,
   * the outputs it sends, the server's reply): a timer they set at that instant fires before
   * any later one. No real timers are used.
   * @returns a promise rejected with the {@link ClockError} of `advance` for a bad `ms` (before
   *   any timer fires)
   */
  async advanceAsync(ms: number): Promise<void> {
    this.#checkDelta('advanceAsync', ms);
    const target = this.#now + ms;
    let fired = 0;
    await this.#drain();
    for (;;) {
      let next = this.#next();
      if (!next || next.deadline > this.#now) {
        // time is about to move on (or the advance to end): the work of this instant finishes
        // first, however long its promise chain; a fixed number of microtask rounds cut an
        // async tool's round trip short, and a 0 ms timer it then set fired after later ones
        await this.#settle();
        next = this.#next();
      }
      if (!next || next.deadline > target) break;
      // the guard is for a timer rescheduling itself at one instant: a long advance over many
      // paced timers (an hour of realtime audio is 36,000) moves time, and is no runaway
      if (next.deadline > this.#now) fired = 0;
      if (++fired > this.#loopLimit) throw this.#loopError(this.#now);
      this.#timers.delete(next.id);
      this.#now = Math.max(this.#now, next.deadline);
      next.fn();
      await this.#drain();
    }
    // another advance (a timer's callback, or an overlapping advanceAsync) may have gone
    // further meanwhile: time never goes back
    this.#now = Math.max(this.#now, target);
    await this.#drain();
  }

  /**
   * Sets the absolute time, firing due timers.
   * @throws ClockError `CLOCK_BACKWARDS` when going back; `CLOCK_INVALID_TIME` when `ms` is not
   *   a finite number
   */
  set(ms: number): void {
    if (!Number.isFinite(ms))
      throw new ClockError(
        'CLOCK_INVALID_TIME',
        `SimulatedClock.set: ms: ${describeArgument(ms)} is not a finite time`,
      );
    if (ms < this.#now) {
      throw new ClockError(
        'CLOCK_BACKWARDS',
        `SimulatedClock.set: cannot go back in time from ${this.#now} to ${ms}`,
      );
    }
    this.#runUntil(ms);
  }

  /** Fires every timer, including ones they schedule, until none is left (bounded by `loopLimit`). */
  runAll(): void {
    let fired = 0;
    for (let next = this.#next(); next; next = this.#next()) {
      if (++fired > this.#loopLimit) throw this.#loopError();
      this.#timers.delete(next.id);
      this.#now = Math.max(this.#now, next.deadline);
      next.fn();
    }
  }

  /**
   * `runAll` with microtask draining between timers, like `advanceAsync`: the work of an instant
   * finishes before time moves on to the next timer.
   */
  async runAllAsync(): Promise<void> {
    let fired = 0;
    await this.#drain();
    for (;;) {
      let next = this.#next();
      if (!next || next.deadline > this.#now) {
        await this.#settle();
        next = this.#next();
      }
      if (!next) break;
      if (++fired > this.#loopLimit) throw this.#loopError();
      this.#timers.delete(next.id);
      this.#now = Math.max(this.#now, next.deadline);
      next.fn();
      await this.#drain();
    }
  }

  #runUntil(target: number): void {
    let fired = 0;
    for (let next = this.#next(); next && next.deadline <= target; next = this.#next()) {
      // counted per instant, as in advanceAsync
      if (next.deadline > this.#now) fired = 0;
      if (++fired > this.#loopLimit) throw this.#loopError(this.#now);
      this.#timers.delete(next.id);
      this.#now = Math.max(this.#now, next.deadline);
      next.fn();
    }
    // a timer's callback may have advanced further itself: time never goes back
    this.#now = Math.max(this.#now, target);
  }

  #next(): Timer | undefined {
    let best: Timer | undefined;
    // a linear scan is fine: a fake server keeps a handful of timers alive at once
    for (const t of this.#timers.values()) {
      if (!best || t.deadline < best.deadline || (t.deadline === best.deadline && t.id < best.id))
        best = t;
    }
    return best;
  }

  /**
   * Runs every pending microtask, chains of any length included: one turn of the host's
   * macrotask queue (`setImmediate`), which runs only once the microtask queue is empty, as
   * sinon's `tickAsync` breaks the event loop. No timer is used, and without `setImmediate`
   * (a browser) it falls back to the bounded rounds of {@link #drain}.
   */
  async #settle(): Promise<void> {
    await this.#drain();
    const host = globalThis as { setImmediate?: (fn: () => void) => unknown };
    if (typeof host.setImmediate !== 'function') return;
    const immediate = host.setImmediate;
    await new Promise<void>((resolve) => immediate(resolve));
  }

  async #drain(): Promise<void> {
    for (let i = 0; i < this.#microtaskRounds; i++) await Promise.resolve();
  }

  #checkDelta(method: string, ms: number): void {
    // a string would pass as a number in the comparisons and then concatenate into the target
    if (typeof ms !== 'number')
      throw new ClockError(
        'CLOCK_INVALID_ARGUMENT',
        `SimulatedClock.${method}: ms must be a finite number >= 0, got ${describeArgument(ms)}`,
      );
    if (!Number.isFinite(ms) || ms < 0) {
      throw new ClockError(
        'CLOCK_BACKWARDS',
        `SimulatedClock.${method}: expected a finite delta >= 0, got ${ms}`,
      );
    }
  }

  // `at`: the instant an advance was stuck at; runAll counts all its timers (a periodic one
  // never leaves it done)
  #loopError(at?: number): ClockError {
    const where = at === undefined ? 'in one runAll' : `at the instant ${at} ms`;
    return new ClockError(
      'CLOCK_LOOP_LIMIT',
      `SimulatedClock: more than ${this.#loopLimit} timers fired ${where}; a timer probably reschedules itself forever (raise loopLimit if not)`,
    );
  }
}

function checkCount(name: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw new ClockError(
      'CLOCK_INVALID_ARGUMENT',
      `SimulatedClock: ${name} must be an integer >= ${min}, got ${describeArgument(value)}`,
    );
  return value;
}
