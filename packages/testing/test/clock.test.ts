import { describe, expect, it } from 'vitest';
import { ClockError, SimulatedClock } from '../src/index.js';

describe('SimulatedClock', () => {
  it.each(['advanceAsync', 'runAllAsync'] as const)(
    '%s lets a promise chain of any length finish before time moves on',
    async (method) => {
      // an async tool's round trip is a long chain: result, outputs, response.create, the reply
      const clock = new SimulatedClock();
      const fired: [string, number][] = [];
      clock.setTimeout(() => fired.push(['later', clock.now()]), 30_000);
      void (async () => {
        for (let i = 0; i < 200; i++) await Promise.resolve();
        clock.setTimeout(() => fired.push(['now', clock.now()]), 0);
      })();
      if (method === 'advanceAsync') await clock.advanceAsync(60_000);
      else await clock.runAllAsync();
      expect(fired).toEqual([
        ['now', 0],
        ['later', 30_000],
      ]);
    },
  );

  it('fires due timers in deadline order, including ones scheduled during the advance', () => {
    const clock = new SimulatedClock({ start: 1000 });
    const log: string[] = [];
    clock.setTimeout(() => log.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => {
      log.push(`a@${clock.now()}`);
      clock.setTimeout(() => log.push(`c@${clock.now()}`), 5);
    }, 10);
    clock.setTimeout(() => log.push('late'), 100);
    clock.advance(30);
    expect(log).toEqual(['a@1010', 'c@1015', 'b@1020']);
    expect(clock.now()).toBe(1030);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.nextTimerAt()).toBe(1100);
  });

  it('clearTimeout cancels, ties fire in scheduling order', () => {
    const clock = new SimulatedClock();
    const log: number[] = [];
    const id = clock.setTimeout(() => log.push(0), 5);
    clock.setTimeout(() => log.push(1), 5);
    clock.setTimeout(() => log.push(2), 5);
    clock.clearTimeout(id);
    clock.clearTimeout(undefined);
    clock.advance(5);
    expect(log).toEqual([1, 2]);
  });

  it('set() moves to an absolute time and refuses to go back', () => {
    const clock = new SimulatedClock();
    let fired = false;
    clock.setTimeout(() => (fired = true), 50);
    clock.set(50);
    expect(fired).toBe(true);
    expect(() => clock.set(10)).toThrow(ClockError);
    try {
      clock.set(10);
    } catch (e) {
      expect((e as ClockError).code).toBe('CLOCK_BACKWARDS');
    }
    expect(() => clock.advance(-1)).toThrow(ClockError);
  });

  it('runAll() stops a runaway loop with CLOCK_LOOP_LIMIT', () => {
    const clock = new SimulatedClock({ loopLimit: 50 });
    const again = () => void clock.setTimeout(again, 0);
    clock.setTimeout(again, 0);
    expect(() => clock.runAll()).toThrow(/more than 50 timers/);
  });

  it('advance over an hour of 100 ms pacing timers is no runaway loop; one at a single instant is', async () => {
    // a soak test: realtime-paced audio is one timer per chunk, 36,000 in an hour
    const clock = new SimulatedClock();
    let ticks = 0;
    const tick = () => {
      ticks++;
      clock.setTimeout(tick, 100);
    };
    clock.setTimeout(tick, 100);
    clock.advance(3_600_000);
    expect(ticks).toBe(36_000);
    await clock.advanceAsync(3_600_000);
    expect(ticks).toBe(72_000);
    clock.set(3 * 3_600_000);
    expect(ticks).toBe(108_000);
    // the guard still stops a timer that reschedules itself without time moving
    const stuck = new SimulatedClock({ loopLimit: 50 });
    const again = () => void stuck.setTimeout(again, 0);
    stuck.setTimeout(again, 0);
    expect(() => stuck.advance(10)).toThrow(/more than 50 timers/);
    const stuckAsync = new SimulatedClock({ loopLimit: 50 });
    const againAsync = () => void stuckAsync.setTimeout(againAsync, 0);
    stuckAsync.setTimeout(againAsync, 5);
    await expect(stuckAsync.advanceAsync(10)).rejects.toThrow(/more than 50 timers/);
  });

  it('advanceAsync() lets promise chains settle between timers', async () => {
    const clock = new SimulatedClock();
    const log: string[] = [];
    clock.setTimeout(() => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => {
          log.push('chain');
          clock.setTimeout(() => log.push('after-chain'), 1);
        });
    }, 10);
    await clock.advanceAsync(11);
    expect(log).toEqual(['chain', 'after-chain']);
  });

  it('runAll fires everything, including rescheduled timers, in order', () => {
    const clock = new SimulatedClock();
    const log: number[] = [];
    clock.setTimeout(() => {
      log.push(clock.now());
      clock.setTimeout(() => log.push(clock.now()), 1000);
    }, 10);
    clock.runAll();
    expect(log).toEqual([10, 1010]);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('SimulatedClock arguments of the wrong kind', () => {
  it('setTimeout refuses a callback that is no function at the call, not inside a later advance', async () => {
    const clock = new SimulatedClock();
    for (const fn of [undefined, null, 42, 'later'])
      expect(() => clock.setTimeout(fn as never, 10)).toThrow(
        expect.objectContaining({
          name: 'ClockError',
          code: 'CLOCK_INVALID_ARGUMENT',
          message: expect.stringMatching(/^SimulatedClock\.setTimeout: fn must be a function/),
        }),
      );
    expect(clock.pendingTimers).toBe(0);
    await expect(clock.advanceAsync(20)).resolves.toBeUndefined();
  });

  it('setTimeout refuses a delay that is no number or NaN; a past deadline fires now, Infinity never', () => {
    const clock = new SimulatedClock();
    for (const ms of [Number.NaN, '10', undefined, null])
      expect(() => clock.setTimeout(() => undefined, ms as never)).toThrow(
        /SimulatedClock\.setTimeout: ms must be a number of ms, got (NaN|"10"|undefined|null)$/,
      );
    const fired: string[] = [];
    // as the host's timers: a deadline already past (a computed negative delay) is due now
    clock.setTimeout(() => fired.push('past'), -5);
    // as systemClock: Infinity never fires, and runAll does not move time to it
    const never = clock.setTimeout(() => fired.push('never'), Infinity);
    expect(clock.pendingTimers).toBe(1);
    clock.runAll();
    expect(fired).toEqual(['past']);
    expect(clock.now()).toBe(0);
    clock.clearTimeout(never);
  });

  it('advance, advanceAsync and set name a delta that is no number; advanceAsync rejects before any timer fires', async () => {
    const clock = new SimulatedClock();
    let fired = 0;
    clock.setTimeout(() => fired++, 0);
    expect(() => clock.advance('5' as never)).toThrow(
      expect.objectContaining({
        code: 'CLOCK_INVALID_ARGUMENT',
        message: 'SimulatedClock.advance: ms must be a finite number >= 0, got "5"',
      }),
    );
    await expect(clock.advanceAsync('5' as never)).rejects.toMatchObject({
      code: 'CLOCK_INVALID_ARGUMENT',
      message: 'SimulatedClock.advanceAsync: ms must be a finite number >= 0, got "5"',
    });
    await expect(clock.advanceAsync(-1)).rejects.toMatchObject({ code: 'CLOCK_BACKWARDS' });
    expect(() => clock.set('5' as never)).toThrow(
      /SimulatedClock\.set: ms: "5" is not a finite time/,
    );
    expect(fired).toBe(0);
    expect(clock.now()).toBe(0);
  });

  it('the constructor refuses a loopLimit or microtaskRounds that would turn its guard or its draining off', () => {
    for (const loopLimit of [0, -1, 1.5, Number.NaN, '10'])
      expect(() => new SimulatedClock({ loopLimit: loopLimit as never })).toThrow(
        expect.objectContaining({
          code: 'CLOCK_INVALID_ARGUMENT',
          message: expect.stringMatching(/^SimulatedClock: loopLimit must be an integer >= 1/),
        }),
      );
    for (const microtaskRounds of [-1, 2.5, Number.NaN])
      expect(() => new SimulatedClock({ microtaskRounds })).toThrow(
        /^SimulatedClock: microtaskRounds must be an integer >= 0/,
      );
    expect(new SimulatedClock({ loopLimit: 1, microtaskRounds: 0 }).now()).toBe(0);
  });
});
