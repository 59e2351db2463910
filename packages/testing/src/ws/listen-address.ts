/**
 * The address the ws fake listens on, and the one its URL names. Bound to a wildcard address
 * (`0.0.0.0`, `::`) it serves every interface, but a wildcard is no address a client can
 * connect to, and the connectors refuse a key over plain `ws:` to a host that is not loopback:
 * the URL names the loopback address of the wildcard's family instead.
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';

/**
 * The loopback address a client on this machine uses for a server bound to `host`: `127.0.0.1`
 * for `0.0.0.0`, `::1` for `::` (in any spelling, `0:0:0:0:0:0:0:0` too); `undefined` when
 * `host` is no wildcard address.
 */
export function wildcardLoopback(host: string): string | undefined {
  if (isIPv4(host)) return host === '0.0.0.0' ? '127.0.0.1' : undefined;
  if (!isIPv6(host)) return undefined;
  // the URL parser writes an IPv6 address in its shortest form: every spelling of zero is `::`
  return new URL(`http://[${host}]/`).hostname === '[::]' ? '::1' : undefined;
}

/**
 * `host` as the host part of the URL clients use: the loopback address for a wildcard, an IPv6
 * address in brackets, anything else as it is.
 */
export function urlHostOf(host: string): string {
  const connectTo = wildcardLoopback(host) ?? host;
  return isIPv6(connectTo) ? `[${connectTo}]` : connectTo;
}
