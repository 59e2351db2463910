/**
 * The connector's key lookup, shared between connects while it is pending, but not for ever.
 * @module
 */
import { sharedWhilePending } from '@voxwire/core';
import type { Clock } from '@voxwire/protocol';

/**
 * How many connect timeouts a pending key lookup is shared for. A vault slower than the connect
 * timeout still answers a later attempt (the reason it is shared at all); a call still pending
 * after this many may be hung (a request on a dead socket, a client without a timeout).
 */
export const SHARED_LOOKUP_CONNECT_TIMEOUTS = 3;

/** The engine's connect timeout when a connector is given none, ms (core's default). */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * A connector's lookup of a secret (a key function, a token provider, a credential): core's
 * `sharedWhilePending`, shared alone for {@link SHARED_LOOKUP_CONNECT_TIMEOUTS} connect
 * timeouts of the connector's options on its clock, then asked again and raced with the old
 * call. The OpenAI and Azure connectors share it.
 * @param options.connectTimeoutMs - the connector's connect timeout @default 10000
 * @param options.clock - the connector's clock @default systemClock
 */
export function connectorLookup<T>(
  request: () => Promise<T>,
  options: { readonly connectTimeoutMs?: number | undefined; readonly clock?: Clock | undefined },
): () => Promise<T> {
  return sharedWhilePending(request, {
    maxAgeMs:
      SHARED_LOOKUP_CONNECT_TIMEOUTS * (options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS),
    clock: options.clock,
  });
}
