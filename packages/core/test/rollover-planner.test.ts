/**
 * The rollover planner's clock arithmetic: the provider's limit, brought forward by the server's
 * `session.expires_at` when that is sooner, and a due rollover that a busy moment deferred
 * looked at again without waiting for a server event.
 */
import { SimulatedClock } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import {
  MAX_SERVER_EXPIRY_MS,
  MIN_SERVER_EXPIRY_MS,
  ROLLOVER_RECHECK_MS,
  RolloverPlanner,
} from '../src/reconnect/rollover.js';

const MIN = 60_000;

function planner(margin: number | false = 5 * MIN, quiet = () => true) {
  const clock = new SimulatedClock({ start: 1_700_000_000_000 });
  const rolls: number[] = [];
  const p = new RolloverPlanner(clock, margin, quiet, () => rolls.push(clock.now()));
  return { clock, rolls, p, start: clock.now() };
}

describe('RolloverPlanner', () => {
  it('rolls over the margin before the provider’s limit', () => {
    const { clock, rolls, p, start } = planner();
    p.opened(60 * MIN);
    clock.advance(55 * MIN - 1);
    expect(rolls).toEqual([]);
    clock.advance(1);
    expect(rolls).toEqual([start + 55 * MIN]);
  });

  it('a server expiry sooner than the provider’s limit brings the rollover forward', () => {
    const { clock, rolls, p, start } = planner();
    p.opened(60 * MIN);
    p.serverExpiry(start + 30 * MIN); // the server's cap shrank to 30 minutes
    clock.advance(25 * MIN);
    expect(rolls).toEqual([start + 25 * MIN]);
    clock.advance(60 * MIN);
    expect(rolls).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a server expiry later than the provider’s limit does not put it off', () => {
    const { clock, rolls, p, start } = planner();
    p.opened(30 * MIN);
    p.serverExpiry(start + 60 * MIN);
    clock.advance(25 * MIN);
    expect(rolls).toEqual([start + 25 * MIN]);
  });

  it('with no provider limit, the server’s expiry plans the rollover', () => {
    const { clock, rolls, p, start } = planner();
    p.opened(undefined);
    expect(clock.pendingTimers).toBe(0);
    p.serverExpiry(start + 60 * MIN);
    clock.advance(55 * MIN);
    expect(rolls).toEqual([start + 55 * MIN]);
  });

  it('an expiry already past, or further than a day, is the clocks talking: ignored', () => {
    const { clock, rolls, p, start } = planner();
    p.opened(undefined);
    p.serverExpiry(start - 1);
    p.serverExpiry(start);
    p.serverExpiry(start + MAX_SERVER_EXPIRY_MS + 1);
    p.serverExpiry(Number.NaN);
    expect(clock.pendingTimers).toBe(0);
    // a SimulatedClock at 0 against a real server's epoch seconds
    const zero = new SimulatedClock();
    const q = new RolloverPlanner(
      zero,
      5 * MIN,
      () => true,
      () => rolls.push(-1),
    );
    q.opened(60 * MIN);
    q.serverExpiry(1_700_000_000_000 + 60 * MIN);
    zero.advance(55 * MIN);
    expect(rolls).toEqual([-1]);
  });

  it('a client clock well ahead of the server’s does not roll every connection over within a minute', () => {
    // the server's 60-minute session, read on a clock 58 minutes ahead: "2 minutes left"
    const { clock, rolls, p, start } = planner();
    p.opened(60 * MIN);
    p.serverExpiry(start + 2 * MIN);
    clock.advance(55 * MIN - 1);
    expect(rolls).toEqual([]);
    clock.advance(1);
    expect(rolls).toEqual([start + 55 * MIN]);
  });

  it('a clock a few minutes ahead brings the rollover forward by that much, no more', () => {
    const { clock, rolls, p, start } = planner();
    p.opened(60 * MIN);
    p.serverExpiry(start + 57 * MIN); // 3 minutes ahead
    clock.advance(52 * MIN);
    expect(rolls).toEqual([start + 52 * MIN]);
  });

  it('the shortest server expiry believed is MIN_SERVER_EXPIRY_MS away', () => {
    const { clock, rolls, p, start } = planner();
    p.opened(60 * MIN);
    p.serverExpiry(start + MIN_SERVER_EXPIRY_MS - 1_000);
    p.serverExpiry(start + MIN_SERVER_EXPIRY_MS);
    clock.advance(MIN_SERVER_EXPIRY_MS - 5 * MIN);
    expect(rolls).toEqual([start + MIN_SERVER_EXPIRY_MS - 5 * MIN]);
  });

  it('rolloverMarginMs false plans nothing, from either source', () => {
    const { clock, p, start } = planner(false);
    p.opened(60 * MIN);
    p.serverExpiry(start + 30 * MIN);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a due rollover deferred by a busy moment is looked at again each second, event or not', () => {
    let quiet = false;
    const { clock, rolls, p, start } = planner(5 * MIN, () => quiet);
    p.opened(60 * MIN);
    clock.advance(55 * MIN);
    expect(rolls).toEqual([]);
    expect(p.due).toBe(true);
    clock.advance(10 * ROLLOVER_RECHECK_MS);
    expect(rolls).toEqual([]);
    // the outbox drained: no server event says so
    quiet = true;
    clock.advance(ROLLOVER_RECHECK_MS);
    expect(rolls).toEqual([start + 55 * MIN + 11 * ROLLOVER_RECHECK_MS]);
    expect(p.due).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('stop() cancels a planned and a deferred rollover alike', () => {
    let quiet = false;
    const { clock, rolls, p } = planner(5 * MIN, () => quiet);
    p.opened(60 * MIN);
    p.stop();
    expect(clock.pendingTimers).toBe(0);
    p.opened(60 * MIN);
    clock.advance(55 * MIN);
    p.stop();
    quiet = true;
    clock.advance(60 * MIN);
    expect(rolls).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });
});
