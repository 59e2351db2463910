import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '@voxwire/testing';
import { ConnectDeadline, FirstFrameDeadline } from '../src/connect-attempt.js';

/** A 5 s first-frame deadline armed at 0, and the times it reported silence at. */
function armed(): { clock: SimulatedClock; deadline: FirstFrameDeadline; silent: number[] } {
  const clock = new SimulatedClock();
  const deadline = new FirstFrameDeadline(clock, 5000);
  const silent: number[] = [];
  deadline.arm(() => silent.push(clock.now()));
  return { clock, deadline, silent };
}

describe('FirstFrameDeadline', () => {
  it('reports silence once the timeout passed without a frame', () => {
    const { clock, silent } = armed();
    clock.advance(4999);
    expect(silent).toEqual([]);
    clock.advance(1);
    expect(silent).toEqual([5000]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a frame before the timeout stops it, and stopping again is a no-op', () => {
    const { clock, deadline, silent } = armed();
    clock.advance(10);
    deadline.stop();
    deadline.stop();
    clock.advance(10_000);
    expect(silent).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('ConnectDeadline', () => {
  it('race() settles with the step when it comes first, and started() stops the timeout', async () => {
    const clock = new SimulatedClock();
    const deadline = new ConnectDeadline(clock, 1000);
    await expect(deadline.race(Promise.resolve('up'))).resolves.toBe('up');
    deadline.started();
    deadline.release();
    expect(clock.pendingTimers).toBe(0);
  });

  it('race() rejects with CONNECT_TIMEOUT once the timeout passed, and started() with SESSION_CLOSED after an abort', async () => {
    const clock = new SimulatedClock();
    const deadline = new ConnectDeadline(clock, 1000);
    const raced = deadline.race(new Promise<never>(() => undefined));
    clock.advance(1000);
    await expect(raced).rejects.toMatchObject({
      code: 'CONNECT_TIMEOUT',
      data: { timeoutMs: 1000 },
    });
    const closed = new ConnectDeadline(clock, 1000);
    closed.controller.abort();
    expect(() => closed.started()).toThrow(expect.objectContaining({ code: 'SESSION_CLOSED' }));
    expect(clock.pendingTimers).toBe(0);
  });
});
