import { deferred, SimulatedClock } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import { sharedWhilePending } from '../src/shared-while-pending.js';

/** The promise's value once the event loop turned, or 'pending'. */
function settledOrPending<T>(promise: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([
    promise,
    new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending'))),
  ]);
}

/** A lookup shared for 30 s (`maxAgeMs`) whose calls are deferreds the test settles, in order. */
function deferredLookup() {
  const clock = new SimulatedClock();
  const calls: ReturnType<typeof deferred<string>>[] = [];
  const lookup = sharedWhilePending(
    () => {
      const call = deferred<string>();
      calls.push(call);
      return call.promise;
    },
    { maxAgeMs: 30_000, clock },
  );
  return { clock, calls, lookup };
}

describe('sharedWhilePending with maxAgeMs', () => {
  it('shares a pending call while it is younger than maxAgeMs, then makes a new one', async () => {
    const { clock, calls, lookup } = deferredLookup();
    const first = lookup();
    clock.advance(29_999);
    expect(lookup()).toBe(first);
    expect(calls).toHaveLength(1);
    clock.advance(1);
    const second = lookup();
    expect(calls).toHaveLength(2);
    // shared again from now on, until it too is 30 s old
    expect(lookup()).toBe(second);
    calls[1]!.resolve('fresh');
    expect(await second).toBe('fresh');
  });

  it('an old call that answers before the new one is not wasted: a slow vault still counts', async () => {
    const { clock, calls, lookup } = deferredLookup();
    void lookup();
    clock.advance(31_000);
    const later = lookup();
    expect(calls).toHaveLength(2);
    calls[0]!.resolve('slow but alive');
    // the new call hangs: only the old call's answer can settle it
    expect(await settledOrPending(later)).toBe('slow but alive');
    // settled: the next connect asks again
    void lookup();
    expect(calls).toHaveLength(3);
  });

  it('an old call that fails while the new one runs does not fail the connect: the new one answers', async () => {
    const { clock, calls, lookup } = deferredLookup();
    const first = lookup();
    first.catch(() => undefined);
    clock.advance(31_000);
    const later = lookup();
    // the hung request's socket finally times out, while the new call is healthy
    calls[0]!.reject(new Error('ETIMEDOUT'));
    expect(await settledOrPending(later)).toBe('pending');
    calls[1]!.resolve('fresh');
    expect(await later).toBe('fresh');
  });

  it('both calls failing rejects with the new call’s error, the current one', async () => {
    const { clock, calls, lookup } = deferredLookup();
    lookup().catch(() => undefined);
    clock.advance(31_000);
    const later = lookup();
    calls[1]!.reject(new Error('vault down now'));
    calls[0]!.reject(new Error('ETIMEDOUT'));
    await expect(later).rejects.toThrow('vault down now');
    // settled: the next connect asks again
    void lookup().catch(() => undefined);
    expect(calls).toHaveLength(3);
  });
  it('the new call failing while the old one still hangs rejects at once with the new error', async () => {
    // the vault answers the new call with a refusal (a revoked role): that is what the connect
    // reports (CREDENTIAL_FAILED), not a connect timeout behind a call that may never answer
    const { clock, calls, lookup } = deferredLookup();
    lookup().catch(() => undefined);
    clock.advance(31_000);
    const later = lookup();
    calls[1]!.reject(new Error('vault refused'));
    await expect(later).rejects.toThrow('vault refused');
  });
});
