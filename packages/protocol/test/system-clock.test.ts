import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../src/index.js';

// vitest's fake timers replace the globals the system clock reads at each call
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const MAX = 2 ** 31 - 1;

describe('systemClock', () => {
  it('passes an ordinary delay to the host timer', () => {
    const fired = vi.fn();
    systemClock.setTimeout(fired, 1000);
    vi.advanceTimersByTime(999);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('waits out a delay longer than the host takes (2³¹ − 1 ms) instead of firing at once', () => {
    const fired = vi.fn();
    systemClock.setTimeout(fired, MAX + 5000);
    vi.advanceTimersByTime(1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(MAX - 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(4999);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('cancels a long timer in any of its steps', () => {
    const fired = vi.fn();
    const early = systemClock.setTimeout(fired, 3 * MAX);
    const late = systemClock.setTimeout(fired, 3 * MAX);
    systemClock.clearTimeout(early);
    vi.advanceTimersByTime(MAX + 10);
    systemClock.clearTimeout(late);
    systemClock.clearTimeout(late);
    vi.advanceTimersByTime(3 * MAX);
    expect(fired).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never fires an infinite delay, and holds no host timer for it', () => {
    const fired = vi.fn();
    const timer = systemClock.setTimeout(fired, Number.POSITIVE_INFINITY);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10 * MAX);
    expect(fired).not.toHaveBeenCalled();
    systemClock.clearTimeout(timer);
  });
});
