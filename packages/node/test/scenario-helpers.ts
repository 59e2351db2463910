/**
 * What the node scenario tests (a real loopback socket to the fake server, both on one simulated
 * clock) share: event loop turns for the sockets, a synchronous view of a promise, and a record
 * of unhandled rejections. Each test file keeps its own `cleanups` list, run after each test.
 */

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
