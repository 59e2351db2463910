/**
 * One credential request shared by the connects that overlap it. The engine's connect timeout
 * covers the connector's credential lookup, and a timed-out attempt's lookup goes on: without
 * sharing, a token provider slower than the timeout (`DefaultAzureCredential` probing managed
 * identity on a developer machine, a corporate token broker) was called afresh by every retry,
 * each call timed out the same way, and the session never connected.
 * @module
 */

/**
 * Wraps `request` so that a call made while an earlier one is still pending gets that one's
 * promise; once it settles (either way), the next call runs `request` again, so a settled result
 * is never reused: a token provider is still asked on every connect that does not overlap.
 */
export function sharedWhilePending<T>(request: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (pending !== undefined) return pending;
    const current = request();
    pending = current;
    // cleared only if still the current request, whichever way it settles
    const clear = () => {
      if (pending === current) pending = undefined;
    };
    current.then(clear, clear);
    return current;
  };
}
