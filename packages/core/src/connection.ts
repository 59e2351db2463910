/**
 * The transport lifecycle: asks the injected connector for a connection, starts its transport
 * within a connect timeout taken from the clock, and reports frames, closes and errors. State
 * is a discriminated union. Reconnection (issue 8) slots in at `#lost`: today a lost
 * connection ends in `closed`; the `reconnecting` state and the `attempt` counter already exist.
 * @module
 */
import type { Clock, Connector, Dialect, DialectCodec, Logger, TimerId, Transport } from '@voxwire/protocol';
import { CloseCode, FATAL_CLOSE_CODES, codecFor } from '@voxwire/protocol';
import { VoxwireError } from './errors.js';

/** Where the connection is. */
export type ConnectionState =
  | { readonly status: 'idle' }
  | { readonly status: 'connecting'; readonly attempt: number }
  | {
      readonly status: 'open';
      readonly attempt: number;
      readonly transport: Transport;
      readonly dialect: Dialect;
      readonly codec: DialectCodec;
      readonly description: string | undefined;
      readonly maxSessionDurationMs: number | undefined;
    }
  | { readonly status: 'reconnecting'; readonly attempt: number; readonly delayMs: number; readonly cause: VoxwireError }
  | { readonly status: 'closing' }
  | { readonly status: 'closed'; readonly error: VoxwireError | undefined };

/** What the connection tells its owner. */
export interface ConnectionHooks {
  /** A connect attempt starts. */
  connecting(attempt: number): void;
  /** The transport is open (state is `open`). */
  open(state: Extract<ConnectionState, { status: 'open' }>): void;
  /** One inbound frame. */
  frame(frame: string | Uint8Array, codec: DialectCodec): void;
  /** A transport error that does not (yet) mean close. */
  transportError(error: VoxwireError): void;
  /** The transport ended: `error` is set when nobody asked for it. */
  lost(code: number, reason: string, error: VoxwireError | undefined): void;
  /** The connection is over for good (state is `closed`). */
  closed(error: VoxwireError | undefined): void;
}

/** Options of {@link Connection}. */
export interface ConnectionOptions {
  /** Gives a fresh transport per attempt. */
  connector: Connector;
  /** Time for the connect timeout. */
  clock: Clock;
  /** Logs with the session id in `fields`. */
  logger: Logger;
  /** Fields added to every log line (the session id). */
  logFields: () => Record<string, unknown>;
  /** Connect timeout, ms. */
  connectTimeoutMs: number;
}

/** One session's connection. */
export class SessionConnection {
  #state: ConnectionState = { status: 'idle' };
  readonly #o: ConnectionOptions;
  readonly #hooks: ConnectionHooks;
  #abort: AbortController | undefined;
  #closeWaiters: (() => void)[] = [];
  // the transport being started, and frames it delivered before `open` (session.created
  // can arrive in the same tick as the upgrade); replayed right after the open hook
  #starting: Transport | undefined;
  #early: (string | Uint8Array)[] = [];

  /** @param hooks receives the lifecycle; it must not throw (the session wraps its listeners). */
  constructor(options: ConnectionOptions, hooks: ConnectionHooks) {
    this.#o = options;
    this.#hooks = hooks;
  }

  /** The current state. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** Starts the first connect. Never rejects: failures go to the hooks. */
  async connect(): Promise<void> {
    if (this.#state.status !== 'idle') return;
    await this.#attempt(0);
  }

  async #attempt(attempt: number): Promise<void> {
    this.#state = { status: 'connecting', attempt };
    this.#hooks.connecting(attempt);
    const abort = new AbortController();
    this.#abort = abort;
    const { clock, connectTimeoutMs } = this.#o;
    let timer: TimerId | undefined;
    let transport: Transport | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = clock.setTimeout(() => {
        // reject before aborting, so the race reports the timeout and not the abort
        reject(new VoxwireError('CONNECT_TIMEOUT', `connect did not complete within ${connectTimeoutMs} ms`, { data: { timeoutMs: connectTimeoutMs } }));
        abort.abort();
      }, connectTimeoutMs);
    });
    const aborted = new Promise<never>((_, reject) => {
      abort.signal.addEventListener('abort', () => reject(new VoxwireError('SESSION_CLOSED', 'the session was closed while connecting')), { once: true });
    });
    // both may settle after the race is decided; they must never surface as unhandled
    timeout.catch(() => undefined);
    aborted.catch(() => undefined);
    try {
      const connection = await Promise.race([this.#o.connector({ attempt, signal: abort.signal }), timeout, aborted]);
      transport = connection.transport;
      const codec = codecFor(connection.dialect);
      this.#starting = transport;
      this.#early = [];
      this.#wire(transport, codec);
      await Promise.race([transport.start(), timeout, aborted]);
      clock.clearTimeout(timer);
      if (abort.signal.aborted) throw new VoxwireError('SESSION_CLOSED', 'the session was closed while connecting');
      this.#state = {
        status: 'open',
        attempt,
        transport,
        dialect: connection.dialect,
        codec,
        description: connection.description,
        maxSessionDurationMs: connection.maxSessionDurationMs,
      };
      this.#starting = undefined;
      this.#o.logger.info('connected', { ...this.#o.logFields(), attempt, dialect: connection.dialect, endpoint: connection.description });
      this.#hooks.open(this.#state);
      const early = this.#early;
      this.#early = [];
      for (const frame of early) {
        if (this.#current() !== transport) break;
        this.#hooks.frame(frame, codec);
      }
    } catch (cause) {
      clock.clearTimeout(timer);
      this.#starting = undefined;
      this.#early = [];
      if (transport) this.#unwire(transport, true);
      if ((this.#state as ConnectionState).status === 'closing') {
        this.#finish(undefined);
        return;
      }
      const error =
        cause instanceof VoxwireError ? cause : new VoxwireError('CONNECT_FAILED', `connect failed: ${describe(cause)}`, { cause });
      this.#o.logger.error('connect failed', { ...this.#o.logFields(), attempt, code: error.code });
      this.#finish(error);
    }
  }

  #wire(transport: Transport, codec: DialectCodec): void {
    transport.onmessage = (frame) => {
      if (this.#starting === transport) this.#early.push(frame);
      // frames from a transport we already left behind are ignored
      else if (this.#current() === transport) this.#hooks.frame(frame, codec);
    };
    transport.onerror = (error) => {
      if (this.#current() !== transport) return;
      this.#hooks.transportError(new VoxwireError('SOCKET_ERROR', `transport error: ${describe(error)}`, { cause: error }));
    };
    transport.onclose = (code, reason) => this.#onClose(transport, code, reason);
  }

  #unwire(transport: Transport, close: boolean): void {
    transport.onmessage = undefined;
    transport.onerror = undefined;
    transport.onclose = undefined;
    if (close) transport.close(CloseCode.Normal, 'connect abandoned').catch(() => undefined);
  }

  #current(): Transport | undefined {
    return this.#state.status === 'open' ? this.#state.transport : undefined;
  }

  #onClose(transport: Transport, code: number, reason: string): void {
    const s = this.#state;
    if (s.status === 'closing') {
      this.#unwire(transport, false);
      this.#hooks.lost(code, reason, undefined);
      this.#finish(undefined);
      return;
    }
    if (s.status !== 'open' || s.transport !== transport) return;
    this.#unwire(transport, false);
    const fatal = FATAL_CLOSE_CODES.has(code);
    const error = new VoxwireError(
      code === CloseCode.AuthFailed ? 'AUTH_FAILED' : 'SOCKET_CLOSED',
      `the connection closed unexpectedly (${code}${reason ? ` ${reason}` : ''})`,
      { data: { code, reason, fatal } },
    );
    this.#o.logger.warn('connection lost', { ...this.#o.logFields(), code, reason });
    this.#hooks.lost(code, reason, error);
    this.#lost(error);
  }

  /** The reconnect seam (issue 8): decide between `reconnecting` and `closed`. Today: closed. */
  #lost(error: VoxwireError): void {
    this.#finish(error);
  }

  #finish(error: VoxwireError | undefined): void {
    if (this.#state.status === 'closed') return;
    this.#state = { status: 'closed', error };
    this.#abort = undefined;
    this.#hooks.closed(error);
    const waiters = this.#closeWaiters;
    this.#closeWaiters = [];
    for (const w of waiters) w();
  }

  /** Closes for good (code 1000); resolves once the transport reported its close. */
  close(): Promise<void> {
    const s = this.#state;
    if (s.status === 'closed') return Promise.resolve();
    const done = new Promise<void>((resolve) => this.#closeWaiters.push(resolve));
    if (s.status === 'closing') return done;
    if (s.status === 'open') {
      this.#state = { status: 'closing' };
      s.transport.close(CloseCode.Normal, 'client closed').catch((error: unknown) => {
        // a transport that cannot close cleanly still counts as closed for us
        this.#o.logger.warn('transport close failed', { ...this.#o.logFields(), error: describe(error) });
        this.#unwire(s.transport, false);
        this.#finish(undefined);
      });
      return done;
    }
    if (s.status === 'connecting') {
      this.#state = { status: 'closing' };
      this.#abort?.abort();
      return done;
    }
    // idle or reconnecting: nothing on the wire
    this.#finish(undefined);
    return done;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
