/**
 * What the node scenario tests (a real loopback socket to the fake server, both on one simulated
 * clock) share: event loop turns for the sockets, a synchronous view of a promise, and a record
 * of unhandled rejections. Each test file keeps its own `cleanups` list, run after each test.
 */
import type { SimulatedClock } from '@voxwire/testing';

/** A list of clean-ups, run in reverse after each test. */
export type Cleanups = (() => Promise<unknown>)[];

/** A few turns of the event loop: what the sockets carry is delivered meanwhile. */
export async function io(turns = 4): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A promise's outcome, readable synchronously once it settled. */
export function watch<T>(promise: Promise<T>): { settled: boolean; value?: T; error?: unknown } {
  const out: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(out, { settled: true, value }),
    (error: unknown) => Object.assign(out, { settled: true, error }),
  );
  return out;
}

/** Records the process's unhandled rejections until the test's clean-ups run. */
export function recordUnhandledRejections(cleanups: Cleanups): unknown[] {
  const unhandled: unknown[] = [];
  const onRejection = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onRejection);
  cleanups.push(async () => process.off('unhandledRejection', onRejection));
  return unhandled;
}

/**
 * The options every scenario's model starts from: the fake's URL and key, the shared simulated
 * clock, no keep-alive pings (their timers would run on the simulated clock) and no jitter.
 */
export function loopbackModelOptions(
  fake: { readonly url: string },
  apiKey: string,
  clock: SimulatedClock,
) {
  return { apiKey, baseURL: fake.url, env: {}, clock, keepAlive: false as const, random: () => 0 };
}

/**
 * Steps the clock 20 ms at a time, letting the sockets deliver between steps, until `until()`
 * holds; `false` when it did not within 100 s of clock time.
 */
export async function pumpUntil(clock: SimulatedClock, until: () => boolean): Promise<boolean> {
  for (let guard = 0; guard < 5_000; guard++) {
    if (until()) return true;
    await clock.advanceAsync(20);
    await io();
  }
  return false;
}
