/**
 * The reconnect supervisor's arithmetic and its retry count, apart from its state machine: how
 * long to wait before retry number `attempt`, when a connection counts as healthy (and its loss
 * starts a new outage), the backoff timer, and the error that ends the session once the attempts
 * run out.
 * @module
 */
import type { Clock, TimerId } from '@voxwire/protocol';
import { VoxwireError } from './errors.js';
import type { ResolvedReconnect } from './reconnect/policy.js';

/**
 * A connection that stayed up this long counts as healthy: its loss starts a new outage (attempt
 * 1 again). Shorter ones keep counting, so a server that accepts and drops at once cannot make
 * the supervisor retry forever.
 */
export const STABLE_CONNECTION_MS = 30_000;

/**
 * A connection that closes this close to its provider's maximum session duration (or later) was
 * ended by the limit, whatever the server said (its clock started a little before ours).
 */
export const EXPIRY_TOLERANCE_MS = 60_000;

/**
 * How much later than a server's `Retry-After` a retry may come, as a fraction of it: the wait is
 * `Retry-After × (1 + RETRY_AFTER_SPREAD × random())`. A gateway that throttles tells every call
 * behind it the same number of seconds; waiting exactly that long would bring them all back in the
 * same millisecond and get them throttled again.
 */
export const RETRY_AFTER_SPREAD = 0.2;

/** How a failure is to be retried: `fatal` ends the session, `immediate` skips the first wait. */
export interface RetryClass {
  readonly fatal: boolean;
  readonly retryAfterMs: number | undefined;
  readonly immediate: boolean;
}

/** A failure a retry can cure, after the usual backoff (a silent server, an unresponsive one). */
export const BACKOFF_RETRY: RetryClass = {
  fatal: false,
  retryAfterMs: undefined,
  immediate: false,
};

/** No failure at all: a planned rollover reconnects at once. */
export const IMMEDIATE_RETRY: RetryClass = {
  fatal: false,
  retryAfterMs: undefined,
  immediate: true,
};

/**
 * The wait before retry number `attempt` (1-based within an outage), or `undefined` when the
 * attempts are used up or the server's `Retry-After` is longer than `maxRetryAfterMs`: jittered
 * backoff, or, when the server's `Retry-After` is longer, that wait spread over up to
 * {@link RETRY_AFTER_SPREAD} of it more (never shorter than asked); 0 for the first retry of an
 * immediate failure (an expired session or a planned rollover).
 */
export function retryDelay(
  reconnect: ResolvedReconnect,
  attempt: number,
  random: () => number,
  klass: RetryClass,
): number | undefined {
  if ((klass.retryAfterMs ?? 0) > reconnect.maxRetryAfterMs) return undefined;
  const backoff = attempt > reconnect.maxAttempts ? undefined : reconnect.backoff(attempt, random);
  if (backoff === undefined) return undefined;
  if (klass.immediate && attempt === 1) return 0;
  const asked = klass.retryAfterMs;
  if (asked === undefined || backoff >= asked) return backoff;
  return asked + Math.floor(asked * RETRY_AFTER_SPREAD * random());
}

/** The final error once `attempts` retries all failed; `last` is the latest failure. */
export function reconnectGaveUp(
  last: VoxwireError,
  attempts: number,
  retryAfterMs?: number,
): VoxwireError {
  if (retryAfterMs !== undefined)
    return new VoxwireError(
      'RECONNECT_FAILED',
      `gave up reconnecting: the server asked to wait ${Math.ceil(retryAfterMs / 1000)} s (Retry-After), longer than reconnect.maxRetryAfterMs: ${last.message}`,
      { cause: last, data: { attempts, lastCode: last.code, retryAfterMs } },
    );
  return new VoxwireError(
    'RECONNECT_FAILED',
    `gave up reconnecting after ${attempts} attempt(s): ${last.message}`,
    { cause: last, data: { attempts, lastCode: last.code } },
  );
}

/** The next retry of an outage: its number (1-based) and its wait (`undefined`: give up). */
export interface NextRetry {
  readonly attempt: number;
  readonly delayMs: number | undefined;
}

/** The retries of the current outage, and the backoff timer before the next one. */
export class Outage {
  readonly #clock: Clock;
  readonly #reconnect: ResolvedReconnect;
  readonly #random: () => number;
  // retries in the current outage
  #retries = 0;
  #timer: TimerId | undefined;

  /** @param random jitter source for the backoff, in [0, 1). */
  constructor(clock: Clock, reconnect: ResolvedReconnect, random: () => number) {
    this.#clock = clock;
    this.#reconnect = reconnect;
    this.#random = random;
  }

  /**
   * A connection that was up for `upMs` ended. One that stayed up {@link STABLE_CONNECTION_MS}
   * was healthy: its loss (or a planned rollover, which is no failure at all) starts a new
   * outage, so rollovers never use up the retry budget.
   */
  ended(upMs: number): void {
    if (upMs >= STABLE_CONNECTION_MS) this.#retries = 0;
  }

  /** Counts one more retry of this outage: its number and wait ({@link retryDelay}). */
  next(klass: RetryClass): NextRetry {
    const attempt = ++this.#retries;
    return { attempt, delayMs: retryDelay(this.#reconnect, attempt, this.#random, klass) };
  }

  /** Runs `retry` once `delayMs` passed (the backoff). */
  wait(delayMs: number, retry: () => void): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      retry();
    }, delayMs);
  }

  /** Cancels the backoff: the session is over, and a timer left armed would keep a process alive. */
  cancel(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
