/**
 * The connector's key lookup, shared between connects while it is pending, but not for ever.
 * @module
 */
import { type Clock, systemClock } from '@voxwire/protocol';

/**
 * How many connect timeouts a pending key lookup is shared for. A vault slower than the connect
 * timeout still answers a later attempt (the reason it is shared at all); a call still pending
 * after this many may be hung (a request on a dead socket, a client without a timeout).
 */
export const SHARED_LOOKUP_CONNECT_TIMEOUTS = 3;

/**
 * `request` shared while pending (as core's `sharedWhilePending`), but only while the call is
 * younger than `maxAgeMs`: a connect after that makes a new call, raced with the old one (the
 * first answer wins; the old one's failure is ignored, the new one's reported), which later connects share. The connector is shared by every session of a model: a call that never
 * settled, shared for ever, kept every session (and every later one) from connecting until the
 * process restarted. The race keeps a slow call that does answer from being wasted. A settled
 * call is never reused.
 *
 * @param maxAgeMs - how long a pending call is shared alone, in ms of `clock`
 */
export function sharedWhileFresh<T>(
  request: () => Promise<T>,
  maxAgeMs: number,
  clock: Clock,
): () => Promise<T> {
  let pending: Promise<T> | undefined;
  let startedAt = 0;
  return () => {
    if (pending !== undefined && clock.now() - startedAt < maxAgeMs) return pending;
    let fresh: Promise<T>;
    try {
      fresh = request();
    } catch (error) {
      return Promise.reject(error);
    }
    const current = pending === undefined ? fresh : firstAnswer(pending, fresh);
    pending = current;
    startedAt = clock.now();
    // cleared only if still the current call, whichever way it settles
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

/** The engine's connect timeout when a connector is given none, ms (core's default). */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * A connector's lookup of a secret (a key function, a token provider, a credential):
 * {@link sharedWhileFresh} for {@link SHARED_LOOKUP_CONNECT_TIMEOUTS} connect timeouts of the
 * connector's options, on its clock. The OpenAI and Azure connectors share it.
 * @param options.connectTimeoutMs - the connector's connect timeout @default 10000
 * @param options.clock - the connector's clock @default systemClock
 */
export function connectorLookup<T>(
  request: () => Promise<T>,
  options: { readonly connectTimeoutMs?: number | undefined; readonly clock?: Clock | undefined },
): () => Promise<T> {
  return sharedWhileFresh(
    request,
    SHARED_LOOKUP_CONNECT_TIMEOUTS * (options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS),
    options.clock ?? systemClock,
  );
}
