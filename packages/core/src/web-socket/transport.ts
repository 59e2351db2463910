/**
 * A {@link Transport} over a standard (WHATWG) `WebSocket`: the one browsers, Deno, Bun,
 * Cloudflare Workers and Node 22+ have as a global, and that `ws` also implements. The
 * constructor is injected, so `core` stays free of globals: pass `WebSocket` where it exists.
 * Browsers cannot set handshake headers: authentication rides on the subprotocols
 * (`openai-insecure-api-key.<ephemeral key>`, see `openaiWebSocketConnector`).
 * @module
 */
import type { Clock, TimerId, Transport } from '@voxwire/protocol';
import { CloseCode, systemClock, TransportCallbacks } from '@voxwire/protocol';
import { checkCloseTimeout, describeUrl } from '../connector-options.js';
import { VoxwireError } from '../errors.js';
import { redact, secretsOfRequest } from './redact.js';

/** The events of a standard `WebSocket` the transport reads. */
export interface StandardWebSocketEvent {
  /** `message`: the frame (a string for text; `ArrayBuffer` for binary with `binaryType = 'arraybuffer'`). */
  readonly data?: unknown;
  /** `close`: the close code (1005 when none was sent, 1006 when the connection dropped). */
  readonly code?: number;
  /** `close`: the close reason. */
  readonly reason?: string;
}

/**
 * The part of a standard `WebSocket` the transport uses. The global `WebSocket` of browsers,
 * Deno, Bun and Node 22+, and `ws`'s `WebSocket`, all have it.
 */
export interface StandardWebSocket {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Bytes queued by `send` and not yet written to the network. */
  readonly bufferedAmount: number;
  /** The subprotocol the server selected. */
  readonly protocol: string;
  /** How binary frames arrive; the transport sets `'arraybuffer'`. */
  binaryType: string;
  /** Sends a text frame. */
  send(data: string): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /**
   * Subscribes to `open`, `message`, `error` and `close`. The listener takes `unknown` so that
   * every implementation's own event types fit; the transport reads them as
   * {@link StandardWebSocketEvent}.
   */
  addEventListener(type: string, listener: (event: unknown) => void): void;
}

/** A standard `WebSocket` constructor (`globalThis.WebSocket`, or `ws`'s). */
export type StandardWebSocketConstructor = new (
  url: string,
  protocols?: string[],
) => StandardWebSocket;

/** Options of {@link StandardWebSocketTransport}. */
export interface StandardWebSocketTransportOptions {
  /** The `WebSocket` constructor to use: `WebSocket` in a browser. */
  readonly WebSocket: StandardWebSocketConstructor;
  /** The `ws:`/`wss:` URL. */
  readonly url: string;
  /** Subprotocols offered in the handshake. @default [] */
  readonly protocols?: readonly string[] | undefined;
  /**
   * Milliseconds `close()` waits for the socket's own `close` event before the transport reports
   * itself closed (1006). A browser waits for the server's close frame, which on a dead network
   * can take a minute or more; the socket is left to finish on its own.
   * @default 5000 (as `@voxwire/node`'s transport)
   */
  readonly closeTimeoutMs?: number | undefined;
  /**
   * Time source of the close timeout (pass the session's clock).
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

// the default of closeTimeoutMs: the ws transport's
const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

const OPEN = 1;

type State = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

/**
 * A transport over a standard `WebSocket`, created when `start()` is called. `onclose` fires
 * exactly once; frames that arrive before `onmessage` is set are kept and delivered in order.
 */
export class StandardWebSocketTransport extends TransportCallbacks implements Transport {
  readonly #options: StandardWebSocketTransportOptions;
  #socket: StandardWebSocket | undefined;
  #state: State = 'idle';
  // close() was called while connecting: start() rejects with ABORTED, not CONNECT_FAILED
  #abortedByClose = false;
  readonly #clock: Clock;
  readonly #closeTimeoutMs: number;
  #closeTimer: TimerId | undefined;
  // start()'s reject while connecting, for a close timeout that fires before the socket's close
  #rejectStart: ((error: VoxwireError) => void) | undefined;
  // what a server's close reason may quote and must not pass on (the URL's key, the key subprotocol)
  readonly #secrets: readonly string[];

  /**
   * Creates an unstarted transport: nothing touches the network until `start()`.
   * @throws VoxwireError `INVALID_ARGUMENT` for a `closeTimeoutMs` that is not a positive number.
   */
  constructor(options: StandardWebSocketTransportOptions) {
    super();
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    const closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    checkCloseTimeout(closeTimeoutMs);
    this.#closeTimeoutMs = closeTimeoutMs;
    this.#secrets = secretsOfRequest(options.url, options.protocols ?? []);
  }

  /** Bytes accepted by `send` and not yet on the network. */
  get bufferedAmount(): number {
    return this.#socket?.bufferedAmount ?? 0;
  }

  /** The socket, once `start()` made it. */
  get raw(): StandardWebSocket | undefined {
    return this.#socket;
  }

  /** The subprotocol the server chose (`realtime`), once open. */
  get protocol(): string | undefined {
    return this.#socket?.protocol || undefined;
  }

  start(): Promise<void> {
    if (this.#state !== 'idle')
      return Promise.reject(
        new VoxwireError(
          'NOT_CONNECTED',
          `start() was already called (transport is ${this.#state})`,
        ),
      );
    this.#state = 'connecting';
    return new Promise<void>((resolve, reject) => {
      let socket: StandardWebSocket;
      try {
        socket = new this.#options.WebSocket(this.#options.url, [
          ...(this.#options.protocols ?? []),
        ]);
      } catch (cause) {
        // a malformed URL or subprotocol: the message may quote it, and a subprotocol may hold a key
        this.#state = 'closed';
        // INVALID_ARGUMENT is fatal: what the constructor refused once it refuses every time
        const error = new VoxwireError(
          'INVALID_ARGUMENT',
          `could not create the WebSocket: ${cause instanceof Error ? cause.name : 'error'} (a malformed URL or subprotocol?)`,
        );
        reject(error);
        this.finish(CloseCode.Abnormal, error.message);
        return;
      }
      this.#socket = socket;
      this.#rejectStart = reject;
      socket.binaryType = 'arraybuffer';
      socket.addEventListener('open', () => {
        // a socket that opens after close() was called on it stays closing
        if (this.#state !== 'connecting' || this.#abortedByClose) return;
        this.#state = 'open';
        this.#rejectStart = undefined;
        resolve();
      });
      socket.addEventListener('message', (event) =>
        this.#onData((event as StandardWebSocketEvent).data),
      );
      socket.addEventListener('error', () => {
        // while connecting the close that follows rejects start(); a browser says no more than this
        if (this.#state === 'connecting') return;
        this.report(new VoxwireError('SOCKET_ERROR', 'WebSocket error'));
      });
      socket.addEventListener('close', (closeEvent) => {
        const event = closeEvent as StandardWebSocketEvent;
        const code = event.code ?? CloseCode.Abnormal;
        const reason = redact(event.reason ?? '', this.#secrets);
        // after a close timeout the transport already reported its end: this late close is moot
        if (this.#state === 'closed') return;
        const wasConnecting = this.#state === 'connecting';
        this.#state = 'closed';
        this.#rejectStart = undefined;
        this.#clock.clearTimeout(this.#closeTimer);
        this.#closeTimer = undefined;
        if (wasConnecting)
          reject(
            this.#abortedByClose
              ? new VoxwireError('ABORTED', 'the transport was closed while connecting')
              : new VoxwireError(
                  'CONNECT_FAILED',
                  // a browser tells a page nothing of why (a 404, a refused key, no server):
                  // the URL is what the app can check
                  `the WebSocket to ${describeUrl(this.#options.url)} closed before the handshake completed (close ${code}; a browser does not say why: a wrong URL, a server down, a refused handshake)`,
                  { data: { closeCode: code } },
                ),
          );
        // "no status" on the wire is an abnormal end for the engine
        this.finish(
          code === CloseCode.NoStatus && wasConnecting ? CloseCode.Abnormal : code,
          reason,
        );
      });
    });
  }

  send(frame: string): void {
    const socket = this.#socket;
    if (this.#state !== 'open' || socket === undefined || socket.readyState !== OPEN)
      throw new VoxwireError('NOT_CONNECTED', `cannot send: the transport is ${this.#state}`);
    socket.send(frame);
  }

  close(code: number = CloseCode.Normal, reason = ''): Promise<void> {
    switch (this.#state) {
      case 'idle':
        this.#state = 'closed';
        this.finish(code, reason);
        break;
      case 'connecting':
      case 'open':
        if (this.#state === 'open') this.#state = 'closing';
        else this.#abortedByClose = true;
        try {
          this.#socket?.close(code, reason);
        } catch {
          // a code a browser refuses (only 1000 and 3000–4999 may be sent): close plainly
          this.#socket?.close();
        }
        // the socket's close event can be a minute away on a dead network: bound the wait
        this.#closeTimer ??= this.#clock.setTimeout(
          () => this.#onCloseTimeout(),
          this.#closeTimeoutMs,
        );
        break;
      default:
        break;
    }
    return this.closed;
  }

  // the socket never reported its close: end here, as an abnormal close (the frame exchange never
  // completed); the socket finishes on its own and its late close event is ignored
  #onCloseTimeout(): void {
    this.#closeTimer = undefined;
    if (this.#state === 'closed') return;
    const reject = this.#rejectStart;
    this.#rejectStart = undefined;
    this.#state = 'closed';
    reject?.(new VoxwireError('ABORTED', 'the transport was closed while connecting'));
    this.finish(
      CloseCode.Abnormal,
      `close timeout: no close frame within ${this.#closeTimeoutMs} ms`,
    );
  }

  #onData(data: unknown): void {
    // frames a socket still delivers after its close timeout: nobody listens, none is kept
    if (this.#state === 'closed') return;
    this.receive(typeof data === 'string' ? data : toBytes(data));
  }
}

// binary frames (the Realtime API sends none; the decoder flags them): a copy as bytes. A Blob
// (a runtime that ignores binaryType) cannot be read synchronously: it arrives empty, still binary.
/** A binary frame as a copy of its bytes (empty for a Blob); shared with the WebRTC transport. */
export function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return new Uint8Array(0);
}
