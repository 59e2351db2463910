/**
 * Simulated time over real sockets: a test that runs a client and the fake server on one
 * {@link SimulatedClock} over a loopback WebSocket needs both, the clock advanced and the event
 * loop turned so that what the sockets carry is delivered between the steps.
 * @module
 */
import type { SimulatedClock } from '../clock.js';

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
 * No real timer is used: the wall-clock cost is the sockets' own.
 * @returns whether `until()` held
 */
export async function advanceWithSockets(
  clock: SimulatedClock,
  until: () => boolean,
  maxMs: number,
  options: AdvanceWithSocketsOptions = {},
): Promise<boolean> {
  const stepMs = options.stepMs ?? 100;
  const turns = options.turns ?? 3;
  if (!(stepMs > 0)) throw new RangeError(`advanceWithSockets: stepMs must be > 0, got ${stepMs}`);
  for (let t = 0; t < maxMs && !until(); t += stepMs) {
    await clock.advanceAsync(stepMs);
    for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return until();
}
