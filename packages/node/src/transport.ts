/**
 * A protocol `Transport` over the `ws` package: headers, subprotocols, a connect timeout,
 * keep-alive pings with dead-peer detection, typed close codes, and an `error` listener from the
 * first moment so that a failed connect can never become an uncaught exception. Options and
 * their validation live in `transport-options.ts`, a refused upgrade's reading in `handshake.ts`.
 * @module
 */
import {
  CloseCode,
  systemClock,
  TransportCallbacks,
  type Clock,
  type TimerId,
} from '@voxwire/protocol';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { errorForClose, errorForLostSocket } from './close-codes.js';
import { Redactor, secretsOf, secretsOfUrl, TransportError } from './errors.js';
import { connectErrorOf, readRefusal, sanitize } from './handshake.js';
import { decodeTextFrame, toBytes } from './text-frame.js';
import {
  parseWebSocketUrl,
  positive,
  resolveKeepAlive,
  type WebSocketTransport,
  type WebSocketTransportOptions,
} from './transport-options.js';

/**
 * How long a refused upgrade's body is read once its status and headers arrived, ms: the body
 * only adds the server's message to an error the status already decided. 1 s is ample for the
 * few hundred bytes of a refusal, and far inside any connect timeout.
 */
const REFUSAL_BODY_WAIT_MS = 1_000;

/**
 * Creates an unstarted transport. Nothing touches the network until `start()`.
 *
 * @throws ConfigurationError (`INVALID_URL`, `INVALID_OPTION`) for a URL that is not `ws:`/`wss:` or a bad timeout.
 */
export function createWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  return new NodeWebSocketTransport(options);
}

type State = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

/** What start() needs and nothing after it. */
interface StartOptions {
  readonly headers: Record<string, string>;
  readonly protocols: string[];
  readonly options: Omit<WebSocketTransportOptions, 'signal'>;
  readonly hasCredentials: boolean;
}

/** start()'s promise and the connect's abort listener, while it connects. */
interface Connecting {
  readonly resolve: () => void;
  readonly reject: (error: TransportError) => void;
  readonly onAbort: () => void;
}

class NodeWebSocketTransport extends TransportCallbacks implements WebSocketTransport {
  // Why strings and not the URL: a URL object with its parsed parts is ~300 bytes that every open
  // connection would keep for messages it rarely writes (the host is parsed again for those).
  readonly #href: string;
  readonly #connectTimeoutMs: number;
  readonly #keepAliveIntervalMs: number | false;
  readonly #keepAliveTimeoutMs: number;
  readonly #closeTimeoutMs: number;
  readonly #clock: Clock;
  // what a message must never show: credential headers and subprotocols, `secrets`, the URL's password
  readonly #secrets: readonly string[];
  // built on first use (a close reason, an error): most connections never need it
  #redactorCache: Redactor | undefined;
  // what only start() needs (headers, subprotocols, socket options): let go once it has run
  #startWith: StartOptions | undefined;
  // held only while connecting: once open, the connect attempt's controller can be collected
  #signal: AbortSignal | undefined;
  // start()'s promise and abort listener, held only while connecting (see #listen)
  #connecting: Connecting | undefined;

  #state: State = 'idle';
  #ws: WebSocket | undefined;
  #closeError: TransportError | undefined;
  #connectError: TransportError | undefined;
  #closedByUs = false;
  #endReason: string | undefined;
  #connectTimer: TimerId | undefined;
  #pingTimer: TimerId | undefined;
  #pongTimer: TimerId | undefined;
  #closeTimer: TimerId | undefined;
  // the TCP socket's error once open (ECONNRESET, ETIMEDOUT): ws reports it only as a 1006 close
  #lostWith: Error | undefined;

  constructor(options: WebSocketTransportOptions) {
    super();
    const url = parseWebSocketUrl(options.url);
    this.#href = url.href;
    const { signal, ...rest } = options;
    this.#signal = signal;
    const headers = { ...options.headers };
    const protocols = [...(options.protocols ?? [])];
    this.#connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs, 10_000);
    this.#closeTimeoutMs = positive('closeTimeoutMs', options.closeTimeoutMs, 5_000);
    const keepAlive = resolveKeepAlive(options.keepAlive);
    this.#keepAliveIntervalMs = keepAlive === false ? false : keepAlive.intervalMs;
    this.#keepAliveTimeoutMs = keepAlive === false ? 0 : keepAlive.timeoutMs;
    this.#clock = options.clock ?? systemClock;
    const credentials = secretsOf(headers, protocols);
    const hasCredentials = credentials.length > 0 || url.username !== '' || url.password !== '';
    // slice: filter's result keeps 16 spare slots, and a connection keeps this for its life
    // a query's key (an APIM gateway's `subscription-key=`, a SAS `sig=`) too: a refusal, a
    // redirect or a close reason may quote the request URL
    this.#secrets = [...credentials, ...(options.secrets ?? []), ...secretsOfUrl(url)]
      .filter((secret) => secret !== '')
      .slice();
    this.#startWith = { headers, protocols, options: rest, hasCredentials };
  }

  /** The URL's host, for messages (parsed again: messages are rare, connections many). */
  get #host(): string {
    return new URL(this.#href).host;
  }

  /** What redacts secrets from messages: the credential headers and subprotocols, `secrets`, the URL's password and credential-like query values. */
  get #redactor(): Redactor {
    return (this.#redactorCache ??= new Redactor().add(...this.#secrets));
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

    const { headers, protocols, options, hasCredentials } = this.#startWith!;
    this.#startWith = undefined;
    return new Promise<void>((resolve, reject) => {
      const Impl = options.WebSocket ?? WebSocket;
      let ws: WebSocket;
      try {
        ws = new Impl(this.#href, protocols, {
          headers,
          perMessageDeflate: options.perMessageDeflate ?? false,
          followRedirects: hasCredentials ? false : (options.followRedirects ?? false),
          ...(options.agent === undefined ? {} : { agent: options.agent }),
          ...(options.maxPayload === undefined ? {} : { maxPayload: options.maxPayload }),
        });
      } catch (cause) {
        // ws and Node throw synchronously for what no attempt can send: a header value with a
        // character HTTP cannot carry (a zero-width space pasted with a key), a bad subprotocol.
        // Fatal: a retry fails alike. Never let the message carry a secret.
        this.#state = 'closed';
        const error = new TransportError(
          'BAD_REQUEST',
          `Could not create the WebSocket request: ${this.#redact(cause)}. Check the key, headers and subprotocols for characters HTTP cannot carry; retrying unchanged cannot succeed.`,
        );
        this.#finish(CloseCode.Abnormal, error.message);
        reject(error);
        return;
      }
      this.#ws = ws;
      // 'error' first, before anything can fail: an unhandled 'error' event would crash the process
      this.#listen(ws);

      const onAbort = () => {
        this.#connectError ??= new TransportError('ABORTED', 'The connect was aborted.');
        ws.terminate();
      };
      this.#connecting = { resolve, reject, onAbort };
      this.#signal?.addEventListener('abort', onAbort, { once: true });

      // set once a refused upgrade's headers arrived: its error, from what its body said so far
      let refusal: (() => TransportError) | undefined;
      const startedAt = this.#clock.now();
      const expire = () => {
        // a refusal whose body stalls is still that refusal (a 401 stays fatal), not a timeout
        this.#connectError ??= refusal?.();
        this.#connectError ??= new TransportError(
          'CONNECT_TIMEOUT',
          `The WebSocket handshake with ${this.#host} did not complete within ${this.#connectTimeoutMs} ms.`,
          { timeoutMs: this.#connectTimeoutMs },
        );
        ws.terminate();
      };
      this.#connectTimer = this.#clock.setTimeout(expire, this.#connectTimeoutMs);

      const onRefusal = (_request: unknown, response: IncomingMessage) => {
        refusal = readRefusal(response, this.#redactor, (error) => {
          this.#connectError ??= error;
          ws.terminate();
        });
        // The status is known: a body that stalls is waited for briefly, not until the connect
        // timeout. The session's own connect deadline is as long and started earlier (before
        // the key lookup), so it fired first and the refusal became a retriable CONNECT_TIMEOUT
        // there: a 401 retried, a 503's Retry-After lost.
        const left = this.#connectTimeoutMs - (this.#clock.now() - startedAt);
        this.#clock.clearTimeout(this.#connectTimer);
        this.#connectTimer = this.#clock.setTimeout(
          expire,
          Math.max(0, Math.min(REFUSAL_BODY_WAIT_MS, left)),
        );
      };
      ws.on('unexpected-response', onRefusal);

      ws.once('open', () => {
        // Everything of the connect attempt goes now: the timer (a cleared timer still holds its
        // callback), the abort listener and signal, the refusal listener and start()'s resolvers.
        // They all live in this function's scope, which an open connection then no longer keeps.
        ws.off('unexpected-response', onRefusal);
        this.#endConnecting();
        if (this.#state !== 'connecting') return;
        this.#state = 'open';
        this.#schedulePing();
        resolve();
      });
    });
  }

  // The listeners the connection keeps for its whole life. Made here, apart from start(), so
  // that their scope holds `this` alone and not start()'s resolvers and connect-time closures.
  #listen(ws: WebSocket): void {
    ws.on('error', (error) => this.#onSocketError(error));
    ws.on('message', (data, isBinary) => this.#onData(data, isBinary));
    ws.on('pong', () => this.#onPong());
    ws.on('close', (code, reasonBuffer) => this.#onSocketClose(code, reasonBuffer));
    ws.once('upgrade', (response) => this.#watchTcp(response.socket));
  }

  /**
   * Once both close frames are exchanged, `ws` ends its side of the TCP connection and waits 30 s
   * of wall time for the server's end before it reports the close: a half-open connection held a
   * 1001 (reconnect at once) for half a minute. Cut after `closeTimeoutMs` on the clock, as our
   * own close is; the code and reason stay the frame's.
   */
  #watchTcp(socket: Socket): void {
    // ws handles the socket's error itself and reports a bare 1006: a reset, a network timeout
    // and a TCP close without a close frame read alike. Kept as the close's cause.
    socket.once('error', (error) => (this.#lostWith ??= error));
    socket.once('finish', () => {
      // our own close() armed this timer already; a close after the socket is gone needs none
      if (this.#closeTimer !== undefined || this.#state === 'closed') return;
      this.#closeTimer = this.#clock.setTimeout(() => this.#ws?.terminate(), this.#closeTimeoutMs);
    });
  }

  #endConnecting(): Connecting | undefined {
    const connecting = this.#connecting;
    this.#connecting = undefined;
    this.#clock.clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    if (connecting !== undefined) this.#signal?.removeEventListener('abort', connecting.onAbort);
    this.#signal = undefined;
    return connecting;
  }

  #onSocketClose(code: number, reasonBuffer: Buffer): void {
    // the timers are cleared by #finish, on both paths below
    const connecting = this.#endConnecting();
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
      connecting?.reject(error);
      this.#finish(
        code === CloseCode.NoStatus ? CloseCode.Abnormal : code,
        reason || error.message,
      );
      return;
    }
    const lostWith = this.#lostWith;
    this.#closeError ??=
      lostWith !== undefined && code === CloseCode.Abnormal && !this.#closedByUs
        ? errorForLostSocket(reason, sanitize(lostWith, this.#redactor))
        : errorForClose(code, reason, this.#closedByUs);
    if (this.#closeError !== undefined) this.report(this.#closeError);
    this.#finish(code, reason);
  }

  send(frame: string): void {
    const ws = this.#ws;
    if (this.#state !== 'open' || ws === undefined || ws.readyState !== WebSocket.OPEN) {
      // the socket can be closing (the server's close frame arrived, or close() was called on
      // it) before its 'close' event moves this transport's own state on: name what refused
      throw new TransportError(
        'NOT_CONNECTED',
        this.#state === 'open' && ws !== undefined
          ? `Cannot send: the WebSocket is ${ws.readyState === WebSocket.CLOSING ? 'closing (its closing handshake has started)' : 'closed'}.`
          : `Cannot send: the transport is ${this.#state}.`,
      );
    }
    // No completion callback: with one, Node's stream defers a callback per write to the next
    // tick (~2 µs per 20 ms frame upstream, a tenth of the whole send, PROFILE.md round 6). A
    // write that fails errors the socket, which ws turns into a 1006 close: it is reported there.
    ws.send(frame);
  }

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
        // CLOSING before we asked: the peer's close frame arrived (ws answered it) and only the
        // TCP close is pending. That close is the server's (3000, 4000, ...), not ours: its typed
        // error must survive a close() the app makes in this window, on the `error` before it say.
        this.#closedByUs = this.#ws?.readyState !== WebSocket.CLOSING;
        this.#clearTimers();
        // the peer has closeTimeoutMs to answer our close frame; after that the socket is cut
        this.#closeTimer = this.#clock.setTimeout(
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
    return this.closed;
  }

  #onData(data: WebSocket.RawData, isBinary: boolean): void {
    const bytes = toBytes(data);
    // binary frames become plain Uint8Array copies (never Buffers that may share a pooled slab)
    this.receive(isBinary ? new Uint8Array(bytes) : decodeTextFrame(bytes));
  }

  #onSocketError(error: Error): void {
    if (this.#state === 'connecting') {
      this.#connectError ??= connectErrorOf(error, this.#host, this.#redactor);
      return; // 'close' follows and rejects start()
    }
    this.report(
      new TransportError('SOCKET_CLOSED', `WebSocket error: ${this.#redact(error)}`, {
        cause: sanitize(error, this.#redactor),
      }),
    );
  }

  #schedulePing(): void {
    const intervalMs = this.#keepAliveIntervalMs;
    if (intervalMs === false || this.#state !== 'open') return;
    const timeoutMs = this.#keepAliveTimeoutMs;
    this.#pingTimer = this.#clock.setTimeout(() => {
      // once the peer's close frame arrived (CLOSING) ws reads nothing more, so no pong can come:
      // a ping then would end the connection as KEEPALIVE_TIMEOUT over the peer's own close
      // code and reason. ws's own close timer bounds that closing window.
      if (this.#state !== 'open' || this.#ws?.readyState !== WebSocket.OPEN) return;
      this.#pongTimer = this.#clock.setTimeout(() => {
        // a ping answered by a close frame instead of a pong: the close is already under way
        if (this.#ws?.readyState !== WebSocket.OPEN) return;
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
    this.#clock.clearTimeout(this.#pongTimer);
    this.#pongTimer = undefined;
    this.#clock.clearTimeout(this.#pingTimer);
    this.#schedulePing();
  }

  #clearTimers(): void {
    const clock = this.#clock;
    clock.clearTimeout(this.#connectTimer);
    clock.clearTimeout(this.#pingTimer);
    clock.clearTimeout(this.#pongTimer);
    clock.clearTimeout(this.#closeTimer);
    this.#connectTimer = this.#pingTimer = this.#pongTimer = this.#closeTimer = undefined;
  }

  #finish(code: number, reason: string): void {
    this.#clearTimers();
    this.finish(code, reason);
  }

  #redact(error: unknown): string {
    return this.#redactor.redact(error instanceof Error ? error.message : String(error));
  }
}
