/**
 * A protocol `Transport` over the `ws` package: headers, subprotocols, a connect timeout,
 * keep-alive pings with dead-peer detection, typed close codes, and an `error` listener from the
 * first moment so that a failed connect can never become an uncaught exception.
 * @module
 */
import type { Agent, IncomingMessage } from 'node:http';
import {
  type Clock,
  CloseCode,
  systemClock,
  type TimerId,
  type Transport,
} from '@voxwire/protocol';
import WebSocket from 'ws';
import {
  describeSocketError,
  errorForClose,
  errorForHttpStatus,
  parseRetryAfter,
} from './close-codes.js';
import { ConfigurationError, Redactor, secretsOf, TransportError } from './errors.js';

/** Keep-alive settings: how often to ping, how long to wait for the pong. */
export interface KeepAliveOptions {
  /**
   * Milliseconds between the last pong (or the open) and the next ping.
   * @default 15000
   */
  readonly intervalMs?: number;
  /**
   * Milliseconds to wait for a pong before the peer is declared dead and the socket terminated.
   * @default 10000
   */
  readonly timeoutMs?: number;
}

/** Options of {@link createWebSocketTransport}. */
export interface WebSocketTransportOptions {
  /** `ws:` or `wss:` URL to connect to. Never put credentials in it: use `headers`. */
  readonly url: string | URL;
  /**
   * Handshake headers. `Authorization`, `api-key` and similar values are treated as secrets:
   * they are redacted from every error message.
   * @default {}
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * WebSocket subprotocols to offer.
   * @default []
   */
  readonly protocols?: readonly string[];
  /**
   * Milliseconds the whole handshake (TCP, TLS, HTTP upgrade) may take before `start()` rejects
   * with `CONNECT_TIMEOUT`.
   * @default 10000
   */
  readonly connectTimeoutMs?: number;
  /**
   * Client pings to detect a dead peer, or `false` to send none (server pings are answered
   * either way, which `ws` does by itself).
   * @default { intervalMs: 15000, timeoutMs: 10000 }
   */
  readonly keepAlive?: KeepAliveOptions | false;
  /**
   * Milliseconds `close()` waits for the peer's close frame before terminating the socket.
   * @default 5000
   */
  readonly closeTimeoutMs?: number;
  /**
   * An `http.Agent` (an HTTPS proxy agent, say) for the handshake request.
   * @default undefined (Node's global agent)
   */
  readonly agent?: Agent;
  /**
   * Follow HTTP redirects during the handshake. Ignored (never followed) when credential headers
   * or subprotocols are attached, so a redirect cannot carry a key to another host.
   * @default false
   */
  readonly followRedirects?: boolean;
  /**
   * Negotiate `permessage-deflate` compression (the Realtime API offers it).
   * @default true
   */
  readonly perMessageDeflate?: boolean;
  /**
   * Largest inbound message in bytes before the socket is closed with 1009.
   * @default 104857600 (100 MiB, ws's default)
   */
  readonly maxPayload?: number;
  /**
   * The `ws` WebSocket class, for injection in tests or to use a patched build.
   * @default the `ws` package's `WebSocket`
   */
  readonly WebSocket?: typeof WebSocket;
  /**
   * Time source for the connect, keep-alive and close timers.
   * @default systemClock
   */
  readonly clock?: Clock;
  /**
   * Aborts the connect: `start()` rejects with `ABORTED` and the socket is terminated.
   * @default undefined
   */
  readonly signal?: AbortSignal;
  /**
   * More secrets to redact from error messages (besides credential headers and subprotocols).
   * @default []
   */
  readonly secrets?: readonly string[];
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
/** How much of a refused upgrade's body goes into the error message. */
const MAX_BODY_CHARS = 300;

/**
 * Creates an unstarted transport. Nothing touches the network until `start()`.
 *
 * @throws ConfigurationError (`INVALID_URL`, `INVALID_OPTION`) for a URL that is not `ws:`/`wss:` or a bad timeout.
 */
export function createWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  return new NodeWebSocketTransport(options);
}

type State = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0)
    throw new ConfigurationError(
      'INVALID_OPTION',
      `${name} must be a positive number of milliseconds, got ${String(value)}.`,
    );
  return v;
}

class NodeWebSocketTransport implements WebSocketTransport {
  onclose: ((code: number, reason: string) => void) | undefined;
  onerror: ((error: Error) => void) | undefined;
  #onmessage: ((frame: string | Uint8Array) => void) | undefined;

  readonly #url: URL;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #protocols: readonly string[];
  readonly #connectTimeoutMs: number;
  readonly #keepAlive: { intervalMs: number; timeoutMs: number } | false;
  readonly #closeTimeoutMs: number;
  readonly #clock: Clock;
  readonly #redactor = new Redactor();
  readonly #options: Omit<WebSocketTransportOptions, 'signal'>;
  // held only while connecting: once open, the connect attempt's controller can be collected
  #signal: AbortSignal | undefined;
  readonly #hasCredentials: boolean;

  #state: State = 'idle';
  #ws: WebSocket | undefined;
  #pending: (string | Uint8Array)[] = [];
  #closeError: TransportError | undefined;
  #connectError: TransportError | undefined;
  #closedByUs = false;
  #endReason: string | undefined;
  #timers: {
    connect?: TimerId | undefined;
    ping?: TimerId | undefined;
    pong?: TimerId | undefined;
    close?: TimerId | undefined;
  } = {};
  #closed: Promise<void>;
  #resolveClosed!: () => void;

  constructor(options: WebSocketTransportOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch (cause) {
      throw new ConfigurationError('INVALID_URL', 'The WebSocket URL does not parse.', { cause });
    }
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
      throw new ConfigurationError(
        'INVALID_URL',
        `The WebSocket URL must use ws: or wss:, got ${url.protocol}`,
      );
    }
    this.#url = url;
    const { signal, ...rest } = options;
    this.#options = rest;
    this.#signal = signal;
    this.#headers = { ...options.headers };
    this.#protocols = [...(options.protocols ?? [])];
    this.#connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs, 10_000);
    this.#closeTimeoutMs = positive('closeTimeoutMs', options.closeTimeoutMs, 5_000);
    this.#keepAlive =
      options.keepAlive === false
        ? false
        : {
            intervalMs: positive(
              'keepAlive.intervalMs',
              options.keepAlive?.intervalMs,
              DEFAULT_KEEPALIVE.intervalMs,
            ),
            timeoutMs: positive(
              'keepAlive.timeoutMs',
              options.keepAlive?.timeoutMs,
              DEFAULT_KEEPALIVE.timeoutMs,
            ),
          };
    this.#clock = options.clock ?? systemClock;
    const secrets = secretsOf(this.#headers, this.#protocols);
    this.#hasCredentials = secrets.length > 0 || url.username !== '' || url.password !== '';
    this.#redactor.add(...secrets, ...(options.secrets ?? []), url.password || undefined);
    this.#closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  get onmessage(): ((frame: string | Uint8Array) => void) | undefined {
    return this.#onmessage;
  }

  set onmessage(handler: ((frame: string | Uint8Array) => void) | undefined) {
    this.#onmessage = handler;
    // frames that arrived before a handler existed are delivered now, in order
    while (handler !== undefined && this.#onmessage === handler && this.#pending.length > 0) {
      this.#deliver(handler, this.#pending.shift()!);
    }
  }

  get bufferedAmount(): number {
    return this.#ws?.bufferedAmount ?? 0;
  }

  get closeError(): TransportError | undefined {
    return this.#closeError;
  }

  get protocol(): string | undefined {
    return this.#ws?.protocol || undefined;
  }

  get raw(): WebSocket | undefined {
    return this.#ws;
  }

  start(): Promise<void> {
    if (this.#state !== 'idle') {
      return Promise.reject(
        new TransportError(
          'NOT_CONNECTED',
          `start() was already called (transport is ${this.#state}).`,
        ),
      );
    }
    this.#state = 'connecting';
    // read through the field in the handlers below: a captured local would keep the signal alive
    if (this.#signal?.aborted) {
      this.#state = 'closed';
      this.#finish(CloseCode.Abnormal, 'connect aborted');
      return Promise.reject(
        new TransportError('ABORTED', 'The connect was aborted before it started.'),
      );
    }

    return new Promise<void>((resolve, reject) => {
      const Impl = this.#options.WebSocket ?? WebSocket;
      let ws: WebSocket;
      try {
        ws = new Impl(this.#url, [...this.#protocols], {
          headers: { ...this.#headers },
          perMessageDeflate: this.#options.perMessageDeflate ?? true,
          followRedirects: this.#hasCredentials ? false : (this.#options.followRedirects ?? false),
          ...(this.#options.agent === undefined ? {} : { agent: this.#options.agent }),
          ...(this.#options.maxPayload === undefined
            ? {}
            : { maxPayload: this.#options.maxPayload }),
        });
      } catch (cause) {
        // ws throws synchronously for bad subprotocols or URLs; never let the message carry a secret
        this.#state = 'closed';
        const error = new TransportError(
          'CONNECT_FAILED',
          `Could not create the WebSocket: ${this.#redact(cause)}`,
          { cause: undefined },
        );
        this.#finish(CloseCode.Abnormal, error.message);
        reject(error);
        return;
      }
      this.#ws = ws;
      // 'error' first, before anything can fail: an unhandled 'error' event would crash the process
      ws.on('error', (error) => this.#onSocketError(error));

      const onAbort = () => {
        this.#connectError ??= new TransportError('ABORTED', 'The connect was aborted.');
        ws.terminate();
      };
      this.#signal?.addEventListener('abort', onAbort, { once: true });

      this.#timers.connect = this.#clock.setTimeout(() => {
        this.#connectError ??= new TransportError(
          'CONNECT_TIMEOUT',
          `The WebSocket handshake with ${this.#url.host} did not complete within ${this.#connectTimeoutMs} ms.`,
        );
        ws.terminate();
      }, this.#connectTimeoutMs);

      ws.on('unexpected-response', (request, response) => this.#onRefused(ws, request, response));

      ws.on('open', () => {
        this.#clock.clearTimeout(this.#timers.connect);
        // a cleared timer still holds its callback: let both go for the life of the connection
        this.#timers.connect = undefined;
        this.#signal?.removeEventListener('abort', onAbort);
        this.#signal = undefined;
        if (this.#state !== 'connecting') return;
        this.#state = 'open';
        this.#schedulePing();
        resolve();
      });

      ws.on('message', (data, isBinary) => this.#onData(data, isBinary));
      ws.on('pong', () => this.#onPong());

      ws.on('close', (code, reasonBuffer) => {
        this.#clearTimers();
        this.#signal?.removeEventListener('abort', onAbort);
        const wasConnecting = this.#state === 'connecting';
        const reason = this.#redactor.redact(this.#endReason ?? reasonBuffer.toString('utf8'));
        this.#state = 'closed';
        if (wasConnecting) {
          const error =
            this.#connectError ??
            new TransportError(
              'CONNECT_FAILED',
              `The WebSocket closed before the handshake completed (close ${code}).`,
              { closeCode: code },
            );
          this.#closeError = error;
          reject(error);
          this.#finish(
            code === CloseCode.NoStatus ? CloseCode.Abnormal : code,
            reason || error.message,
          );
          return;
        }
        this.#closeError ??= errorForClose(code, reason, this.#closedByUs);
        if (this.#closeError !== undefined) this.#report(this.#closeError);
        this.#finish(code, reason);
      });
    });
  }

  send(frame: string): void {
    const ws = this.#ws;
    if (this.#state !== 'open' || ws === undefined || ws.readyState !== WebSocket.OPEN) {
      throw new TransportError('NOT_CONNECTED', `Cannot send: the transport is ${this.#state}.`);
    }
    // one callback for every frame: a closure per send would be garbage on the hot upstream path
    ws.send(frame, this.#onSent);
  }

  /** `ws.send`'s completion callback, bound once per transport; reports a failed write. */
  readonly #onSent = (error?: Error | null): void => {
    if (error)
      this.#report(
        new TransportError('SOCKET_CLOSED', `A frame could not be sent: ${this.#redact(error)}`),
      );
  };

  close(code: number = CloseCode.Normal, reason = ''): Promise<void> {
    switch (this.#state) {
      case 'idle':
        this.#state = 'closed';
        this.#finish(code, reason);
        break;
      case 'connecting':
        this.#closedByUs = true;
        this.#connectError ??= new TransportError(
          'ABORTED',
          'The transport was closed while connecting.',
        );
        this.#ws?.terminate();
        break;
      case 'open': {
        this.#state = 'closing';
        this.#closedByUs = true;
        this.#clearTimers();
        // the peer has closeTimeoutMs to answer our close frame; after that the socket is cut
        this.#timers.close = this.#clock.setTimeout(
          () => this.#ws?.terminate(),
          this.#closeTimeoutMs,
        );
        try {
          this.#ws?.close(code, reason);
        } catch {
          // an invalid code or an over-long reason: still make sure the socket goes away
          this.#ws?.terminate();
        }
        break;
      }
      default:
        break;
    }
    return this.#closed;
  }

  #deliver(handler: (frame: string | Uint8Array) => void, frame: string | Uint8Array): void {
    try {
      handler(frame);
    } catch (error) {
      // a throwing handler must not escape into ws's emitter, where it would be an uncaught exception
      this.#report(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #onData(data: WebSocket.RawData, isBinary: boolean): void {
    const bytes = toBytes(data);
    // binary frames become plain Uint8Array copies (never Buffers that may share a pooled slab)
    const frame: string | Uint8Array = isBinary ? new Uint8Array(bytes) : bytes.toString('utf8');
    const handler = this.#onmessage;
    if (handler === undefined) this.#pending.push(frame);
    else this.#deliver(handler, frame);
  }

  #onSocketError(error: Error): void {
    if (this.#state === 'connecting') {
      this.#connectError ??= new TransportError(
        'CONNECT_FAILED',
        `Could not connect to ${this.#url.host}: ${describeSocketError(error)}.`,
        { cause: sanitize(error, this.#redactor) },
      );
      return; // 'close' follows and rejects start()
    }
    this.#report(
      new TransportError('SOCKET_CLOSED', `WebSocket error: ${this.#redact(error)}`, {
        cause: sanitize(error, this.#redactor),
      }),
    );
  }

  #onRefused(ws: WebSocket, _request: unknown, response: IncomingMessage): void {
    const status = response.statusCode ?? 0;
    const retryAfter = parseRetryAfter(header(response, 'retry-after'), this.#clock.now());
    const location = header(response, 'location');
    let body = '';
    const done = () => {
      const snippet = this.#redactor.redact(extractMessage(body)).slice(0, MAX_BODY_CHARS);
      const detail = location ? `redirect to ${this.#redactor.redact(location)}` : snippet;
      this.#connectError ??= errorForHttpStatus(status, detail, retryAfter);
      ws.terminate();
    };
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      if (body.length < 4 * MAX_BODY_CHARS) body += chunk;
    });
    response.once('end', done);
    response.once('error', done);
    response.once('aborted', done);
  }

  #schedulePing(): void {
    if (this.#keepAlive === false || this.#state !== 'open') return;
    const { intervalMs, timeoutMs } = this.#keepAlive;
    this.#timers.ping = this.#clock.setTimeout(() => {
      if (this.#state !== 'open') return;
      this.#timers.pong = this.#clock.setTimeout(() => {
        this.#endReason = `keep-alive timeout: no pong within ${timeoutMs} ms`;
        this.#closeError = new TransportError(
          'KEEPALIVE_TIMEOUT',
          `The peer did not answer a ping within ${timeoutMs} ms; the connection was terminated.`,
          {
            closeCode: CloseCode.Abnormal,
            closeReason: this.#endReason,
          },
        );
        this.#ws?.terminate();
      }, timeoutMs);
      try {
        this.#ws?.ping();
      } catch {
        // the socket is already closing; its 'close' event does the rest
      }
    }, intervalMs);
  }

  #onPong(): void {
    this.#clock.clearTimeout(this.#timers.pong);
    this.#timers.pong = undefined;
    this.#clock.clearTimeout(this.#timers.ping);
    this.#schedulePing();
  }

  #clearTimers(): void {
    for (const id of Object.values(this.#timers)) this.#clock.clearTimeout(id);
    this.#timers = {};
  }

  #report(error: Error): void {
    const handler = this.onerror;
    if (handler === undefined) return;
    try {
      handler(error);
    } catch {
      // an error handler that throws has nowhere left to report to
    }
  }

  #finish(code: number, reason: string): void {
    this.#clearTimers();
    const handler = this.onclose;
    this.#resolveClosed();
    if (handler === undefined) return;
    try {
      handler(code, reason);
    } catch (error) {
      this.#report(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #redact(error: unknown): string {
    return this.#redactor.redact(error instanceof Error ? error.message : String(error));
  }
}

function toBytes(data: WebSocket.RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return data;
}

function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A refused upgrade's body is often `{"error":{"message":…}}`; prefer that message. */
function extractMessage(body: string): string {
  const text = body.trim();
  if (text === '') return '';
  try {
    const parsed = JSON.parse(text) as {
      error?: { message?: unknown } | string;
      message?: unknown;
    };
    const message =
      typeof parsed.error === 'object' ? parsed.error?.message : (parsed.error ?? parsed.message);
    if (typeof message === 'string') return message;
  } catch {
    // not JSON: use the text as it is
  }
  return text.replace(/\s+/g, ' ');
}

/** A copy of a socket error whose message is redacted, keeping its `code`. */
function sanitize(error: Error, redactor: Redactor): Error {
  const copy = new Error(redactor.redact(error.message));
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) Object.assign(copy, { code });
  return copy;
}
