/**
 * Abort racing for tool calls: a call (its validator or its `execute`) that ignores its signal
 * must not keep the call unanswered, so each await is raced against the signal; and a call with a
 * time limit gets a signal of its own that also aborts on the runner's clock.
 * @module
 */
import { systemClock, type Clock, type TimerId } from '@voxwire/protocol';
import { VoxwireError } from '../errors.js';
import type { FunctionCallInfo } from './types.js';

/** What {@link abortRace}'s promise rejects with, told apart from anything a tool throws. */
export const ABORTED = Symbol('aborted');

/** Rejects with {@link ABORTED} when `signal` aborts; `release` removes its listener. */
export function abortRace(signal: AbortSignal): { promise: Promise<never>; release: () => void } {
  let onAbort: (() => void) | undefined;
  const promise = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(ABORTED);
    else {
      onAbort = () => reject(ABORTED);
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  return {
    promise,
    release: () => {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    },
  };
}

/** A call's own signal under a time limit (see {@link callTimeLimit}). */
export interface CallTimeLimit {
  /** Aborts with the round's signal, or with a `TIMEOUT` error once the limit passed. */
  readonly signal: AbortSignal;
  /** Whether the limit (not the round) aborted the signal. */
  timedOut(): boolean;
  /** Clears the timer and the link to the round; call it once the call settled. */
  release(): void;
}

/**
 * A signal for one call that aborts with `round`, or with a `TIMEOUT` error after `ms` of
 * `clock` (default {@link systemClock}).
 */
export function callTimeLimit(
  round: AbortSignal,
  ms: number,
  call: FunctionCallInfo,
  clock: Clock = systemClock,
): CallTimeLimit {
  const controller = new AbortController();
  const follow = (): void => controller.abort(round.reason);
  if (round.aborted) follow();
  else round.addEventListener('abort', follow, { once: true });
  let timedOut = false;
  const timer: TimerId = clock.setTimeout(() => {
    // already aborted by the round (a close): that is what the call is answered with
    if (controller.signal.aborted) return;
    timedOut = true;
    controller.abort(
      new VoxwireError('TIMEOUT', `${call.name} did not finish within ${ms} ms`, {
        data: { toolName: call.name, callId: call.callId, timeoutMs: ms },
      }),
    );
  }, ms);
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    release: () => {
      clock.clearTimeout(timer);
      round.removeEventListener('abort', follow);
    },
  };
}
