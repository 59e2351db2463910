import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '@voxwire/testing';
import { FirstFrameDeadline } from '../src/connect-attempt.js';

describe('FirstFrameDeadline', () => {
  it('reports silence once the timeout passed without a frame', () => {
    const clock = new SimulatedClock();
    const deadline = new FirstFrameDeadline(clock, 5000);
    const silent: number[] = [];
    deadline.arm(() => silent.push(clock.now()));
    clock.advance(4999);
    expect(silent).toEqual([]);
    clock.advance(1);
    expect(silent).toEqual([5000]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a frame before the timeout stops it, and stopping again is a no-op', () => {
    const clock = new SimulatedClock();
    const deadline = new FirstFrameDeadline(clock, 5000);
    const silent: number[] = [];
    deadline.arm(() => silent.push(clock.now()));
    clock.advance(10);
    deadline.stop();
    deadline.stop();
    clock.advance(10_000);
    expect(silent).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });
});
