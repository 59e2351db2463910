/** The simulated clock never runs backwards, however a test drives it. */
import { describe, expect, it } from 'vitest';
import { ClockError, SimulatedClock } from '../src/index.js';

describe('SimulatedClock is monotonic', () => {
  it('an advance made by a timer callback during a shorter advance is not undone', () => {
    const clock = new SimulatedClock();
    const seen: number[] = [];
    clock.setTimeout(() => clock.advance(500), 10);
    clock.setTimeout(() => seen.push(clock.now()), 300);
    clock.advance(100);
    expect(seen).toEqual([300]);
    expect(clock.now()).toBe(510);
    // a timer set now is due relative to 510, not to a time the clock already passed
    clock.setTimeout(() => seen.push(clock.now()), 5);
    clock.advance(5);
    expect(seen).toEqual([300, 515]);
  });

  it('two overlapping advanceAsync calls never move time back', async () => {
    const clock = new SimulatedClock();
    // what the promise chain a timer starts sees: the time it fired at, or later
    const seen: number[] = [];
    for (const at of [50, 60, 70])
      clock.setTimeout(() => queueMicrotask(() => seen.push(clock.now())), at);
    // a forgotten await: the short advance overlaps the long one
    const long = clock.advanceAsync(1000);
    const short = clock.advanceAsync(10);
    await Promise.all([long, short]);
    expect(seen).toHaveLength(3);
    seen.forEach((t, i) => expect(t).toBeGreaterThanOrEqual([50, 60, 70][i] ?? 0));
    expect(clock.now()).toBe(1000);
  });

  it('refuses a start that is not a finite time', () => {
    expect(() => new SimulatedClock({ start: Number.NaN })).toThrow(ClockError);
    expect(() => new SimulatedClock({ start: Number.POSITIVE_INFINITY })).toThrow(
      /start: Infinity is not a finite time/,
    );
    // an explicit undefined is the default (exactOptionalPropertyTypes)
    expect(new SimulatedClock({ start: undefined, loopLimit: undefined }).now()).toBe(0);
    expect(new SimulatedClock({ start: 1_700_000_000_000 }).now()).toBe(1_700_000_000_000);
  });
});
