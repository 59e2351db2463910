/**
 * Simulated time over real sockets: a test that runs a client and the fake server on one
 * {@link SimulatedClock} over a loopback WebSocket needs both, the clock advanced and the event
 * loop turned so that what the sockets carry is delivered between the steps.
 * @module
 */
import type { SimulatedClock } from '../clock.js';
import { describeArgument } from '../describe-argument.js';

/** How {@link advanceWithSockets} steps. */
export interface AdvanceWithSocketsOptions {
  /** Simulated ms per step. @default 100 */
  readonly stepMs?: number | undefined;
  /** Event-loop turns (`setImmediate`) after each step, for the sockets. @default 3 */
  readonly turns?: number | undefined;
}

/**
 * Advances `clock` in steps (`advanceAsync`), turning the event loop after each so that real
 * sockets deliver what they carry, until `until()` holds or `maxMs` of simulated time has passed.
 * It never goes past `maxMs`: the last step is shortened to end there. No real timer is used:
 * the wall-clock cost is the sockets' own.
 * @returns a promise of whether `until()` held. Bad arguments reject it before the clock moves
 *   (it is an async function: nothing is thrown synchronously): with a `RangeError` when `maxMs`
 *   is not a finite number ≥ 0, `stepMs` not a finite number > 0, or `turns` not an integer ≥ 0
 *   (a numeric string such as `'5'` included); with a `TypeError` when `clock` has no
 *   `advanceAsync` or `until` is not a function.
 */
export async function advanceWithSockets(
  clock: SimulatedClock,
  until: () => boolean,
  maxMs: number,
  options: AdvanceWithSocketsOptions = {},
): Promise<boolean> {
  const stepMs = options.stepMs ?? 100;
  const turns = options.turns ?? 3;
  if (typeof (clock as Partial<SimulatedClock> | null)?.advanceAsync !== 'function')
    throw new TypeError(
      `advanceWithSockets: clock must be a SimulatedClock, got ${describeArgument(clock)}`,
    );
  if (typeof until !== 'function')
    throw new TypeError(
      `advanceWithSockets: until must be a function () => boolean, got ${describeArgument(until)}`,
    );
  // an endless maxMs would step forever when the condition never holds, and NaN would return
  // at once as if it had been given its time; a string ('5') compares as a number but would
  // not step as one
  if (!(typeof maxMs === 'number' && maxMs >= 0 && maxMs < Infinity))
    throw new RangeError(
      `advanceWithSockets: maxMs must be a finite number ≥ 0, got ${describeArgument(maxMs)}`,
    );
  if (!(typeof stepMs === 'number' && stepMs > 0 && stepMs < Infinity))
    throw new RangeError(
      `advanceWithSockets: stepMs must be a finite number > 0, got ${describeArgument(stepMs)}`,
    );
  if (!(Number.isInteger(turns) && turns >= 0))
    throw new RangeError(
      `advanceWithSockets: turns must be an integer ≥ 0, got ${describeArgument(turns)}`,
    );
  for (let t = 0; t < maxMs && !until(); t += stepMs) {
    // the last step ends at maxMs: a timer due after it is the caller's to reach, not ours
    await clock.advanceAsync(Math.min(stepMs, maxMs - t));
    for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return until();
}
