/**
 * The reconnect supervisor's arithmetic, apart from its state machine: how long to wait before
 * retry number `attempt`, when a connection counts as healthy, and the error that ends the
 * session once the attempts run out.
 * @module
 */
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

/** How a failure is to be retried: `fatal` ends the session, `immediate` skips the first wait. */
export interface RetryClass {
  readonly fatal: boolean;
  readonly retryAfterMs: number | undefined;
  readonly immediate: boolean;
}

/**
 * The wait before retry number `attempt` (1-based within an outage), or `undefined` when the
 * attempts are used up: jittered backoff, never shorter than the server's `Retry-After`, and 0 for
 * the first retry of an immediate failure (an expired session or a planned rollover).
 */
export function retryDelay(
  reconnect: ResolvedReconnect,
  attempt: number,
  random: () => number,
  klass: RetryClass,
): number | undefined {
  const backoff = attempt > reconnect.maxAttempts ? undefined : reconnect.backoff(attempt, random);
  if (backoff === undefined) return undefined;
  return klass.immediate && attempt === 1 ? 0 : Math.max(backoff, klass.retryAfterMs ?? 0);
}

/** The final error once `attempts` retries all failed; `last` is the latest failure. */
export function reconnectGaveUp(last: VoxwireError, attempts: number): VoxwireError {
  return new VoxwireError(
    'RECONNECT_FAILED',
    `gave up reconnecting after ${attempts} attempt(s): ${last.message}`,
    { cause: last, data: { attempts, lastCode: last.code } },
  );
}
