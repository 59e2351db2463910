import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '@voxwire/testing';
import { Outage, STABLE_CONNECTION_MS } from '../src/connection-retry.js';
import { resolveReconnect } from '../src/reconnect/policy.js';

const plain = { fatal: false, retryAfterMs: undefined, immediate: false };
// a fixed backoff of 100 ms × attempt, three attempts
const reconnect = resolveReconnect({ backoff: (attempt) => 100 * attempt, maxAttempts: 3 });

describe('Outage', () => {
  it('counts retries within an outage and gives up past maxAttempts', () => {
    const outage = new Outage(new SimulatedClock(), reconnect, () => 0);
    expect(outage.next(plain)).toEqual({ attempt: 1, delayMs: 100 });
    expect(outage.next({ ...plain, retryAfterMs: 500 })).toEqual({ attempt: 2, delayMs: 500 });
    expect(outage.next(plain)).toEqual({ attempt: 3, delayMs: 300 });
    expect(outage.next(plain)).toEqual({ attempt: 4, delayMs: undefined });
  });

  it('a Retry-After is waited for, then spread over up to a fifth of it more by the random source', () => {
    // 1,000 calls behind one gateway told "Retry-After: 30" must not all come back in the same
    // millisecond: the server's wait is the least, never less, and the rest is jitter
    const asked = { ...plain, retryAfterMs: 30_000 };
    expect(new Outage(new SimulatedClock(), reconnect, () => 0).next(asked).delayMs).toBe(30_000);
    expect(new Outage(new SimulatedClock(), reconnect, () => 0.5).next(asked).delayMs).toBe(33_000);
    const latest = new Outage(new SimulatedClock(), reconnect, () => 0.999_999).next(asked).delayMs;
    expect(latest).toBe(35_999); // random() < 1: never a whole fifth more
    // a backoff longer than the Retry-After is the backoff alone (already jittered)
    const short = { ...plain, retryAfterMs: 50 };
    expect(new Outage(new SimulatedClock(), reconnect, () => 0.5).next(short).delayMs).toBe(100);
  });

  it('a connection that stayed up STABLE_CONNECTION_MS starts a new outage; a shorter one does not', () => {
    const outage = new Outage(new SimulatedClock(), reconnect, () => 0);
    outage.next(plain);
    outage.ended(STABLE_CONNECTION_MS - 1);
    expect(outage.next({ ...plain, immediate: true }).attempt).toBe(2);
    outage.ended(STABLE_CONNECTION_MS);
    // the first retry of an immediate failure does not wait
    expect(outage.next({ ...plain, immediate: true })).toEqual({ attempt: 1, delayMs: 0 });
  });

  it('runs the retry once the backoff passed, and never after cancel()', () => {
    const clock = new SimulatedClock();
    const outage = new Outage(clock, reconnect, () => 0);
    const runs: number[] = [];
    outage.wait(100, () => runs.push(clock.now()));
    clock.advance(99);
    expect(runs).toEqual([]);
    clock.advance(1);
    expect(runs).toEqual([100]);
    outage.wait(100, () => runs.push(clock.now()));
    outage.cancel();
    clock.advance(1000);
    expect(runs).toEqual([100]);
    expect(clock.pendingTimers).toBe(0);
  });
});
