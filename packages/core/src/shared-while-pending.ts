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

/**
 * Wraps `request` so that a call made while an earlier one is still pending gets that one's
 * promise (its own arguments are then not used: an overlapping connect takes the credential the
 * earlier one asked for); once it settles (either way), the next call runs `request` again, so a
 * settled result is never reused: a token provider is still asked on every connect that does not
 * overlap. A `request` that throws instead of rejecting is taken as a rejection.
 */
export function sharedWhilePending<A extends unknown[], T>(
  request: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  let pending: Promise<T> | undefined;
  return (...args) => {
    if (pending !== undefined) return pending;
    let current: Promise<T>;
    try {
      current = request(...args);
    } catch (error) {
      return Promise.reject(error);
    }
    pending = current;
    // cleared only if still the current request, whichever way it settles
    const clear = () => {
      if (pending === current) pending = undefined;
    };
    current.then(clear, clear);
    return current;
  };
}
