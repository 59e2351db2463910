/**
 * One credential request shared by the connects that overlap it. The engine's connect timeout
 * covers the connector's credential lookup, and a timed-out attempt's lookup goes on: without
 * sharing, a source slower than the timeout (`DefaultAzureCredential` probing managed identity on
 * a developer machine, a corporate token broker, a page's fetch of an ephemeral secret over a
 * slow network) was called afresh by every retry, each call timed out the same way, and the
 * session never connected. The connectors of `core`, `node` and `azure` wrap their credential
 * sources with it; a custom connector can too.
 * @module
 */
import { type Clock, systemClock } from '@voxwire/protocol';

/** How long {@link sharedWhilePending} shares a call that has not settled. */
export interface SharedWhilePendingOptions {
  /**
   * How long a pending call is shared alone, in ms of `clock`. A connector serves every session
   * of a model: a call that never settles (a vault request on a dead socket), shared for ever,
   * keeps every session from connecting until the process restarts. After this, a call makes a
   * new request, raced with the old one, which later calls share: the first answer wins; the
   * old call's failure is ignored (a hung call typically fails at last, its socket timing out),
   * the new call's is reported at once.
   * @default Infinity (shared until it settles)
   */
  readonly maxAgeMs?: number | undefined;
  /** The clock `maxAgeMs` is counted on. @default systemClock */
  readonly clock?: Clock | undefined;
}

/**
 * Wraps `request` so that a call made while an earlier one is still pending gets that one's
 * promise (its own arguments are then not used: an overlapping connect takes the credential the
 * earlier one asked for); once it settles (either way), the next call runs `request` again, so a
 * settled result is never reused: a token provider is still asked on every connect that does not
 * overlap. A `request` that throws instead of rejecting is taken as a rejection. A pending call
 * older than `options.maxAgeMs` is no longer waited for alone (see {@link SharedWhilePendingOptions}).
 */
export function sharedWhilePending<A extends unknown[], T>(
  request: (...args: A) => Promise<T>,
  options: SharedWhilePendingOptions = {},
): (...args: A) => Promise<T> {
  const maxAgeMs = options.maxAgeMs ?? Infinity;
  const clock = options.clock ?? systemClock;
  let pending: Promise<T> | undefined;
  let startedAt = 0;
  const fresh = (): boolean => maxAgeMs === Infinity || clock.now() - startedAt < maxAgeMs;
  return (...args) => {
    if (pending !== undefined && fresh()) return pending;
    let call: Promise<T>;
    try {
      call = request(...args);
    } catch (error) {
      return Promise.reject(error);
    }
    const current = pending === undefined ? call : firstAnswer(pending, call);
    pending = current;
    if (maxAgeMs !== Infinity) startedAt = clock.now();
    // cleared only if still the current request, whichever way it settles
    const clear = () => {
      if (pending === current) pending = undefined;
    };
    current.then(clear, clear);
    return current;
  };
}

/**
 * The first of `old` and `fresh` to answer, or `fresh`'s failure. Not `Promise.race`: the hung
 * call a new one was started beside typically ends with an error at last (its socket timing
 * out), and that stale failure would fail the connect the new, healthy call was about to answer;
 * so `old` counts only when it answers. `fresh`'s failure (the vault refusing now) is reported at
 * once, not hidden behind a call that may never answer.
 */
function firstAnswer<T>(old: Promise<T>, fresh: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    old.then(resolve, () => undefined);
    fresh.then(resolve, reject);
  });
}
