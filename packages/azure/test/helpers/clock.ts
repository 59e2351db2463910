/**
 * A minimal manual clock for transport tests (timers fire only when the test advances time).
 * Replaced by `SimulatedClock` from `@voxwire/testing` once that lands.
 */
import type { Clock, TimerId } from '@voxwire/protocol';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export class ManualClock implements Clock {
  #now = 0;
  #next = 1;
  #timers: Timer[] = [];

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerId {
    const timer = { id: this.#next++, at: this.#now + ms, fn };
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimeout(id: TimerId | undefined): void {
    this.#timers = this.#timers.filter((t) => t.id !== id);
  }

  get pending(): number {
    return this.#timers.length;
  }

  /** Fires every timer due within `ms`, in deadline order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = due.at;
      due.fn();
    }
    this.#now = end;
  }
}
