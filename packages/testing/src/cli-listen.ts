/**
 * What the CLI says about the address it listens on: one line for a listen that failed (a port
 * in use, a `--host` that does not resolve), as bad flags get, rather than a stack trace; and,
 * bound to every interface, how other hosts reach it.
 * @module
 */
import type { NetworkInterfaceInfo } from 'node:os';
import { wildcardLoopback } from './ws/listen-address.js';

const PREFIX = 'voxwire-fake-server:';

/**
 * The one-line message for an error of listening on `host`:`port`, or `undefined` when `error`
 * is no listen or address lookup error (an unexpected one, printed with its stack).
 */
export function listenErrorMessage(error: unknown, host: string, port: number): string | undefined {
  const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
  if (typeof code !== 'string' || (syscall !== 'listen' && syscall !== 'getaddrinfo'))
    return undefined;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE')
    return `${PREFIX} cannot listen on ${where}: the port is in use (EADDRINUSE); stop what listens there or pick another --port (--port 0 picks a free one)`;
  if (code === 'EACCES')
    return `${PREFIX} cannot listen on ${where}: permission denied (EACCES); ports below 1024 need privileges, pick another --port`;
  if (code === 'EADDRNOTAVAIL')
    return `${PREFIX} cannot listen on ${where}: --host '${host}' is not an address of this machine (EADDRNOTAVAIL); give one of its addresses, 127.0.0.1, or 0.0.0.0 for every interface`;
  if (syscall === 'getaddrinfo') {
    // `[::]` is how a URL writes it, not how an address is given
    const hint = /^\[.*\]$/.test(host)
      ? `; give an IPv6 address without brackets (--host ${host.slice(1, -1)})`
      : '; give an address of this machine (127.0.0.1, 0.0.0.0 or :: for every interface) or a name that resolves to one';
    return `${PREFIX} cannot listen on ${where}: --host '${host}' does not resolve (${code})${hint}`;
  }
  const message = error instanceof Error ? error.message : code;
  return `${PREFIX} cannot listen on ${where}: ${message}`;
}

/**
 * The stderr line of a server bound to a wildcard `host` (`0.0.0.0`, `::`): the first stdout
 * line names loopback, so this says that other hosts are served too, and at which URLs
 * (`interfaces` as `os.networkInterfaces()` gives them); `undefined` for any other host.
 * @param url the base URL printed first (`ws://127.0.0.1:PORT/v1`)
 */
export function wildcardNotice(
  url: string,
  host: string,
  interfaces: Readonly<Record<string, readonly NetworkInterfaceInfo[] | undefined>>,
): string | undefined {
  const loopback = wildcardLoopback(host);
  if (loopback === undefined) return undefined;
  const parsed = new URL(url);
  // `::` takes IPv4 clients too (a dual-stack socket), `0.0.0.0` IPv6 ones never; a link-local
  // IPv6 address needs a zone a URL cannot carry
  const others = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter(
      (i) =>
        !i.internal && (i.family === 'IPv4' || (loopback === '::1' && !/^fe80:/i.test(i.address))),
    )
    .map((i) => {
      const other = new URL(url);
      other.hostname = i.family === 'IPv6' ? `[${i.address}]` : i.address;
      return other.href.replace(/\/$/, '');
    });
  const at = others.length > 0 ? ` (${others.join(', ')})` : '';
  return `${PREFIX} listening on every interface (--host ${host}); ${parsed.hostname} on the first line is for clients on this machine, other hosts use one of its addresses${at}: the connectors send a key over plain ws: to a host that is not loopback only with allowInsecureUrl: true`;
}
