/**
 * The options of the `ws` transport, the interface it implements beyond the protocol
 * `Transport`, and the validation of its timeouts (so `transport.ts` reads as the socket
 * lifecycle alone).
 * @module
 */
import type { Agent } from 'node:http';
import type { Clock, Transport } from '@voxwire/protocol';
import type WebSocket from 'ws';
import { ConfigurationError, type TransportError } from './errors.js';

/** Keep-alive settings: how often to ping, how long to wait for the pong. */
export interface KeepAliveOptions {
  /**
   * Milliseconds between the last pong (or the open) and the next ping.
   * @default 15000
   */
  readonly intervalMs?: number | undefined;
  /**
   * Milliseconds to wait for a pong before the peer is declared dead and the socket terminated.
   * @default 10000
   */
  readonly timeoutMs?: number | undefined;
}

/** Options of {@link createWebSocketTransport}. */
export interface WebSocketTransportOptions {
  /** `ws:` or `wss:` URL to connect to. Never put credentials in it: use `headers`. */
  readonly url: string | URL;
  /**
   * Handshake headers. `Authorization`, `api-key`, `Ocp-Apim-Subscription-Key` and any header
   * whose name looks like a credential (`…key`, `…token`, `…secret`, `…auth…`; see
   * `isCredentialHeader`) are treated as secrets: redacted from every error message. Pass
   * other secret values in `secrets`.
   * @default {}
   */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /**
   * WebSocket subprotocols to offer.
   * @default []
   */
  readonly protocols?: readonly string[] | undefined;
  /**
   * Milliseconds the whole handshake (TCP, TLS, HTTP upgrade) may take before `start()` rejects
   * with `CONNECT_TIMEOUT`.
   * @default 10000
   */
  readonly connectTimeoutMs?: number | undefined;
  /**
   * Client pings to detect a dead peer, or `false` to send none (server pings are answered
   * either way, which `ws` does by itself).
   * @default { intervalMs: 15000, timeoutMs: 10000 }
   */
  readonly keepAlive?: KeepAliveOptions | false | undefined;
  /**
   * Milliseconds `close()` waits for the peer's close frame before terminating the socket; also
   * how long a close the peer started waits for its TCP close once the close frames are
   * exchanged (`ws` alone waits 30 s of wall time), so its code is reported in time.
   * @default 5000
   */
  readonly closeTimeoutMs?: number | undefined;
  /**
   * An `http.Agent` (an HTTPS proxy agent, say) for the handshake request.
   * @default undefined (Node's global agent)
   */
  readonly agent?: Agent | undefined;
  /**
   * Follow HTTP redirects during the handshake. Ignored (never followed) when credential headers
   * or subprotocols are attached, so a redirect cannot carry a key to another host.
   * @default false
   */
  readonly followRedirects?: boolean | undefined;
  /**
   * Offer `permessage-deflate` compression in the handshake. Off by default: the Realtime API
   * accepts it, and then every append of microphone audio is deflated and every compressed delta
   * inflated, for about a quarter fewer bytes (base64 audio compresses poorly). Measured with
   * `ws` (`apps/bench/PROFILE.md`, round 14): 2.4× the CPU per 20 ms append, 3× per received
   * delta, and 0.3–0.5 MiB more memory per session (zlib's window and hash tables), which is what
   * decides how many calls one process holds. Turn it on for a metered, slow uplink.
   * @default false
   */
  readonly perMessageDeflate?: boolean | undefined;
  /**
   * Largest inbound message in bytes before the socket is closed with 1009.
   * @default 104857600 (100 MiB, ws's default)
   */
  readonly maxPayload?: number | undefined;
  /**
   * The `ws` WebSocket class, for injection in tests or to use a patched build.
   * @default the `ws` package's `WebSocket`
   */
  readonly WebSocket?: typeof WebSocket | undefined;
  /**
   * Time source for the connect, keep-alive and close timers.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
  /**
   * Aborts the connect: `start()` rejects with `ABORTED` and the socket is terminated.
   * @default undefined
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * More secrets to redact from error messages (besides credential headers and subprotocols).
   * @default []
   */
  readonly secrets?: readonly string[] | undefined;
}

/** A {@link Transport} over `ws`, with its typed last error. */
export interface WebSocketTransport extends Transport {
  /** The error that ended the connection, if it did not end normally. */
  readonly closeError: TransportError | undefined;
  /** The subprotocol the server chose, once open. */
  readonly protocol: string | undefined;
  /** The underlying `ws` socket (undefined before `start()`). */
  readonly raw: WebSocket | undefined;
}

const DEFAULT_KEEPALIVE = { intervalMs: 15_000, timeoutMs: 10_000 } as const;

/**
 * `value` (or `fallback` when absent) as a positive number of milliseconds.
 * @throws ConfigurationError (`INVALID_OPTION`) for zero, a negative number, NaN or infinity.
 */
export function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0)
    throw new ConfigurationError(
      'INVALID_OPTION',
      `${name} must be a positive number of milliseconds, got ${String(value)}.`,
    );
  return v;
}

/**
 * The keep-alive settings with their defaults applied, or `false` when pings are off.
 * @throws ConfigurationError (`INVALID_OPTION`) for a bad interval or timeout.
 */
export function resolveKeepAlive(
  keepAlive: KeepAliveOptions | false | undefined,
): { intervalMs: number; timeoutMs: number } | false {
  return keepAlive === false
    ? false
    : {
        intervalMs: positive(
          'keepAlive.intervalMs',
          keepAlive?.intervalMs,
          DEFAULT_KEEPALIVE.intervalMs,
        ),
        timeoutMs: positive(
          'keepAlive.timeoutMs',
          keepAlive?.timeoutMs,
          DEFAULT_KEEPALIVE.timeoutMs,
        ),
      };
}

/**
 * `url` parsed, when it is a `ws:` or `wss:` URL.
 * @throws ConfigurationError (`INVALID_URL`) for a URL that does not parse or has another scheme.
 */
export function parseWebSocketUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new ConfigurationError('INVALID_URL', 'The WebSocket URL does not parse.', { cause });
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new ConfigurationError(
      'INVALID_URL',
      `The WebSocket URL must use ws: or wss:, got ${parsed.protocol}`,
    );
  }
  return parsed;
}
