/**
 * The transport lifecycle and the reconnect supervisor: asks the injected connector for a
 * connection, starts its transport within a connect timeout (`connect-attempt.ts`), reports
 * frames, closes and errors, and — when a connection is lost or a connect fails for a reason a
 * retry can cure — waits a jittered, capped backoff (`connection-retry.ts`) and connects again
 * with a fresh transport. Fatal reasons (close 3000/4000, HTTP 401/403, fatal server error
 * codes) stop at once. The state union and the hooks live in `connection-state.ts`.
 * @module
 */
import type { DialectCodec, Transport } from '@voxwire/protocol';
import { CloseCode, codecFor } from '@voxwire/protocol';
import { ConnectDeadline, FirstFrameDeadline, describe } from './connect-attempt.js';
import { CloseBook } from './connection-close.js';
import { StartingTransport, unwire } from './connection-start.js';
import {
  lossBeforeOpen,
  lossOfConnect,
  lossOfOpen,
  plannedRollover,
  serverSilent,
  transportFault,
  unresponsive,
  type CloseReport,
} from './connection-loss.js';
import {
  BACKOFF_RETRY,
  IMMEDIATE_RETRY,
  Outage,
  reconnectGaveUp,
  type RetryClass,
} from './connection-retry.js';
import {
  openState,
  type ConnectionHooks,
  type ConnectionOptions,
  type ConnectionState,
} from './connection-state.js';
import type { VoxwireError } from './errors.js';
import { DEFAULT_CLOSING_TIMEOUT_MS } from './outbox.js';

/** One session's connection. */
export class SessionConnection {
  #state: ConnectionState = { status: 'idle' };
  readonly #o: ConnectionOptions;
  readonly #hooks: ConnectionHooks;
  #abort: AbortController | undefined;
  // what the transport being started delivered before `open`
  readonly #starting = new StartingTransport();
  readonly #outage: Outage;
  // connects ever made (a reconnect needs a restore), and when the current one opened
  #opened = 0;
  #openedAt = 0;
  readonly #silence: FirstFrameDeadline;
  readonly #book: CloseBook;

  /** @param hooks receives the lifecycle; it must not throw (the session wraps its listeners). */
  constructor(options: ConnectionOptions, hooks: ConnectionHooks) {
    this.#o = options;
    this.#hooks = hooks;
    this.#book = new CloseBook(options.clock, DEFAULT_CLOSING_TIMEOUT_MS);
    this.#outage = new Outage(options.clock, options.reconnect, options.random);
    this.#silence = new FirstFrameDeadline(options.clock, options.connectTimeoutMs);
  }

  /** The current state. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** Successful connects so far (1 after the first, 2 after the first reconnect, …). */
  get connects(): number {
    return this.#opened;
  }

  /** Starts the first connect. Never rejects: failures go to the hooks. */
  async connect(): Promise<void> {
    if (this.#state.status !== 'idle') return;
    await this.#attempt(0);
  }

  /**
   * Notes a server `error` code on the current connection: a fatal one (`invalid_api_key`, …)
   * makes the close that follows final; `session_expired` makes the reconnect immediate.
   */
  noteServerError(code: string | null): void {
    this.#book.noteServerError(code);
  }

  /**
   * Replaces the open connection with a fresh one on purpose (session rollover): closes it with
   * 1000 and reconnects at once, through the same restore as any reconnect. No-op unless open.
   */
  rollover(): boolean {
    const s = this.#state;
    if (s.status !== 'open' || !this.#o.reconnect.enabled) return false;
    this.#book.plan(plannedRollover(s.maxSessionDurationMs));
    s.transport
      .close(CloseCode.Normal, 'session rollover')
      .catch(() => this.#onClose(s.transport, CloseCode.Normal, 'session rollover'));
    this.#watchClose(s.transport);
    return true;
  }

  /**
   * Gives up on the open transport without waiting for its close: it refused every write as
   * closing for the outbox's closing timeout, or a rollover's close did not complete in that
   * time, and it never reported the close (a third-party transport that never calls `onclose`).
   * A loss like any other (`error`, 1006), retried; a rollover it was closing for goes on at
   * once, without an error. No-op unless open.
   */
  abandon(error: VoxwireError): void {
    const s = this.#state;
    if (s.status !== 'open') return;
    const { transport } = s;
    const reason = 'transport unresponsive';
    unwire(transport);
    this.#silence.stop();
    this.#book.stopWatch();
    this.#book.dropError();
    transport.close(CloseCode.Normal, reason).catch(() => undefined);
    this.#outage.ended(this.#o.clock.now() - this.#openedAt);
    const planned = this.#book.takePlanned();
    this.#log('warn', 'transport unresponsive: dropping the connection', {
      planned: planned !== undefined,
    });
    this.#hooks.lost(CloseCode.Abnormal, reason, planned ? undefined : error);
    this.#retryOrFinish(planned ?? error, planned ? IMMEDIATE_RETRY : BACKOFF_RETRY);
  }

  async #attempt(attempt: number): Promise<void> {
    this.#state = { status: 'connecting', attempt };
    this.#book.nextAttempt();
    this.#hooks.connecting(attempt);
    // a `connecting` listener may have closed the session: nothing is on the wire yet
    const now = this.#state as ConnectionState;
    if (now.status !== 'connecting') {
      if (now.status === 'closing') this.#finish(undefined);
      return;
    }
    const deadline = new ConnectDeadline(this.#o.clock, this.#o.connectTimeoutMs);
    this.#abort = deadline.controller;
    let transport: Transport | undefined;
    try {
      const { signal } = deadline.controller;
      const connection = await deadline.race(this.#o.connector({ attempt, signal }));
      transport = connection.transport;
      const codec = codecFor(connection.dialect);
      this.#starting.begin(transport);
      this.#wire(transport, codec);
      await deadline.race(transport.start());
      deadline.started();
      const closedEarly = this.#starting.close;
      if (closedEarly) {
        deadline.release();
        if (connection.persistentSession === true && this.#opened > 0)
          if (this.#reattachRefused(transport, closedEarly)) return;
        this.#closedBeforeOpen(transport, codec, closedEarly);
        return;
      }
      this.#state = openState(attempt, connection, codec, this.#opened > 0);
      this.#opened++;
      this.#openedAt = this.#o.clock.now();
      // frames from now on go straight to the session, after these
      const earlyErrors = this.#starting.takeErrors();
      const early = this.#starting.end();
      this.#abort = undefined;
      // the listener would keep this whole attempt (timer, promises) alive for the connection's life
      deadline.release();
      this.#watchSilence(transport);
      this.#log('info', 'connected', {
        attempt,
        dialect: connection.dialect,
        endpoint: connection.description,
      });
      this.#hooks.open(this.#state, early.length);
      for (const frame of early) {
        if (this.#current() !== transport) break;
        this.#silence.stop();
        this.#hooks.frame(frame, codec);
      }
      // what it reported while starting, now that the session hears it (as if reported now)
      for (const error of earlyErrors) {
        if (this.#current() !== transport) break;
        transport.onerror?.(error);
      }
    } catch (cause) {
      deadline.disarm();
      this.#starting.end();
      // closed while connecting: finish (unless the transport's own close already did), never retry
      const status = (this.#state as ConnectionState).status;
      if (status === 'closing' && transport !== undefined) {
        this.#finishAfterClose(transport);
        return;
      }
      if (transport) {
        unwire(transport);
        transport.close(CloseCode.Normal, 'connect abandoned').catch(() => undefined);
      }
      if (status === 'closing' || status === 'closed') {
        this.#finish(undefined);
        return;
      }
      const { klass, error } = lossOfConnect(cause);
      this.#log(this.#retried(klass), 'connect failed', { attempt, code: error.code });
      this.#retryOrFinish(error, klass);
    }
  }

  #wire(transport: Transport, codec: DialectCodec): void {
    transport.onmessage = (frame) => {
      if (this.#starting.is(transport)) this.#starting.hold(frame);
      // frames from a transport we already left behind are ignored
      else if (this.#current() === transport) {
        this.#silence.stop();
        this.#hooks.frame(frame, codec);
      }
    };
    transport.onerror = (error) => {
      if (this.#starting.is(transport)) {
        this.#starting.holdError(error);
        return;
      }
      if (this.#current() !== transport) return;
      // the close that usually follows claims it; reported alone only when no close follows
      this.#book.holdError(transport, error, () => {
        if (this.#current() === transport) this.#hooks.transportError(transportFault(error));
      });
    };
    transport.onclose = (code, reason) => this.#onClose(transport, code, reason);
  }

  /**
   * `close()` came while `transport` was still connecting: the session ends once the transport
   * reported its close, as for an open one, so that `close()` does not resolve over a socket
   * (and its connect timer) still going away. Bounded like `#watchClose`: a transport that never
   * settles its close ends the session after `DEFAULT_CLOSING_TIMEOUT_MS` all the same.
   */
  #finishAfterClose(transport: Transport): void {
    unwire(transport);
    // the bound is the close watch's own timer, so that #finish clears it whichever way it ends
    this.#book.watch(() => this.#finish(undefined));
    const done = () => this.#finish(undefined);
    transport.close(CloseCode.Normal, 'connect abandoned').then(done, done);
  }

  /** Logs `message` with the session's fields (its id) before `fields`. */
  #log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void {
    this.#o.logger[level](message, { ...this.#o.logFields(), ...fields });
  }

  #current(): Transport | undefined {
    return this.#state.status === 'open' ? this.#state.transport : undefined;
  }

  /**
   * Drops `transport` if the server sends nothing on it within the connect timeout. Not
   * `abandon()`: a silent connection never counts as stable, so it never resets the retry count
   * (with `connectTimeoutMs` over 30 s, a server that never speaks would be retried for ever).
   */
  #watchSilence(transport: Transport): void {
    const ms = this.#silence.timeoutMs;
    this.#silence.arm(() => {
      if (this.#current() !== transport) return;
      this.#log('warn', 'no server event after connect; dropping the connection', {
        timeoutMs: ms,
      });
      const error = serverSilent(ms);
      unwire(transport);
      transport.close(CloseCode.Normal, 'no session.created').catch(() => undefined);
      this.#hooks.lost(CloseCode.Abnormal, 'no session.created', error);
      this.#retryOrFinish(error, BACKOFF_RETRY);
    });
  }

  #onClose(transport: Transport, code: number, reason: string): void {
    const s = this.#state;
    const starting = this.#starting.is(transport);
    if (!starting) this.#book.stopWatch();
    const pending = this.#book.claimError(transport);
    if (starting) {
      // not open yet: the attempt reads it once start() settles (#closedBeforeOpen); a close()
      // while connecting aborted the attempt, which finishes without a `disconnected`
      if (s.status === 'connecting') this.#starting.holdClose({ code, reason, cause: pending });
      return;
    }
    if (s.status === 'closing') {
      unwire(transport);
      this.#hooks.lost(code, reason, undefined);
      this.#finish(undefined);
      return;
    }
    if (s.status !== 'open' || s.transport !== transport) return;
    unwire(transport);
    this.#silence.stop();
    // a connection that stayed up a while was healthy: this loss starts a new outage
    this.#outage.ended(this.#o.clock.now() - this.#openedAt);
    const planned = this.#book.takePlanned();
    if (planned) {
      this.#log('info', 'session rollover');
      this.#hooks.lost(code, reason, undefined);
      this.#retryOrFinish(planned, IMMEDIATE_RETRY);
      return;
    }
    if (s.persistentSession && code === CloseCode.Normal) {
      // a side-band the server closes normally: the call it controls is over (hung up,
      // transferred, expired), and a re-attach could only be refused. Any other close is a drop.
      // (A transport may report the close it did not ask for as an error: the code says more.)
      this.#log('info', 'the call ended: the server closed its side-band', { code, reason });
      this.#hooks.lost(code, reason, undefined);
      this.#finish(undefined);
      return;
    }
    const { klass, error } = lossOfOpen(
      { code, reason, cause: pending },
      this.#book.serverErrorCode,
      {
        ageMs: this.#o.clock.now() - this.#openedAt,
        maxSessionDurationMs: s.maxSessionDurationMs,
      },
    );
    this.#log('warn', 'connection lost', { code, reason, fatal: klass.fatal });
    this.#hooks.lost(code, reason, error);
    this.#retryOrFinish(error, klass);
  }

  /**
   * A side-band's re-attach refused as a bad request (4000): its URL names nothing but the call,
   * which it attached to before, so the call is over (hung up, transferred or expired while the
   * socket was down). That is the call's end, as the normal close an attached side-band gets
   * (no error, no retry); the refusal's words are logged, not reported. Returns whether it was.
   */
  #reattachRefused(transport: Transport, close: CloseReport): boolean {
    if (close.code !== CloseCode.BadRequest) return false;
    this.#starting.end();
    this.#abort = undefined;
    unwire(transport);
    this.#log('info', 'the call ended while its side-band was down: the re-attach was refused', {
      code: close.code,
      reason: close.reason,
    });
    this.#finish(undefined);
    return true;
  }

  /**
   * The transport closed before the session could use it (a server shedding load right after
   * `session.created`, a key refused with 3000). Nothing is restored onto it: whatever the
   * restore wrote would be lost, and the requests it carried rejected. Its frames are read (an
   * `error` among them names the reason), then it counts as a failed connect: no `connected`,
   * so no `disconnected`, and the retry (or the end, for a fatal close) follows.
   */
  #closedBeforeOpen(transport: Transport, codec: DialectCodec, close: CloseReport): void {
    const early = this.#starting.end();
    this.#abort = undefined;
    unwire(transport);
    for (const frame of early) this.#hooks.frame(frame, codec);
    // a frame's listener closed the session meanwhile
    const now = this.#state as ConnectionState;
    if (now.status === 'closing') this.#finish(undefined);
    if (now.status !== 'connecting') return;
    const { klass, error } = lossBeforeOpen(close, this.#book.serverErrorCode);
    this.#log(this.#retried(klass), 'connect failed', { code: error.code, closeCode: close.code });
    this.#retryOrFinish(error, klass);
  }

  /**
   * The level a failed connect is logged at: `warn` when it is tried again (the outage's end,
   * out of attempts, is logged as the error: `reconnect gave up`), `error` when it ends the
   * session (fatal, or reconnect disabled).
   */
  #retried(klass: RetryClass): 'warn' | 'error' {
    return klass.fatal || !this.#o.reconnect.enabled ? 'error' : 'warn';
  }

  /** Schedules the next attempt, or ends the session (fatal, disabled, or out of attempts). */
  #retryOrFinish(error: VoxwireError, klass: RetryClass): void {
    // a listener of what the loss emitted (`error`, `disconnected`) closed the session: it ends
    // now. Its close() found the connection still `open` over a transport that had already
    // closed (and was unwired), so no `onclose` would ever finish it, and the retry would have
    // replaced its `closing` with `reconnecting`: the session reconnected and close() hung.
    const status = (this.#state as ConnectionState).status;
    if (status === 'closing' || status === 'closed') {
      this.#finish(undefined);
      return;
    }
    if (klass.fatal || !this.#o.reconnect.enabled) {
      this.#finish(error);
      return;
    }
    const { attempt, delayMs } = this.#outage.next(klass);
    if (delayMs === undefined) {
      this.#log('error', 'reconnect gave up', { attempts: attempt - 1, code: error.code });
      const tooLong =
        (klass.retryAfterMs ?? 0) > this.#o.reconnect.maxRetryAfterMs
          ? klass.retryAfterMs
          : undefined;
      this.#finish(reconnectGaveUp(error, attempt - 1, tooLong));
      return;
    }
    this.#state = { status: 'reconnecting', attempt, delayMs, cause: error };
    this.#log('warn', 'reconnecting', { attempt, delayMs, code: error.code });
    this.#hooks.reconnecting(attempt, delayMs, error);
    // a `reconnecting` listener closed the session: no attempt follows, and a backoff timer
    // armed now would outlive close() (up to 10 s on the clock, keeping a process alive)
    if ((this.#state as ConnectionState).status !== 'reconnecting') return;
    this.#outage.wait(delayMs, () => {
      if (this.#state.status === 'reconnecting') void this.#attempt(attempt);
    });
  }

  #finish(failure: VoxwireError | undefined): void {
    if (this.#state.status === 'closed') return;
    // a close the engine asked for over an error ends the session with that error
    const error = failure ?? this.#book.closeError;
    this.#outage.cancel();
    this.#silence.stop();
    this.#book.stopWatch();
    this.#state = { status: 'closed', error };
    this.#abort = undefined;
    this.#hooks.closed(error);
    this.#book.ended();
  }

  /**
   * Arms the bound on a close the engine asked `transport` for: a third-party transport is
   * trusted to call `onclose`, but not for ever.
   */
  #watchClose(transport: Transport): void {
    this.#book.watch(() => {
      const s = this.#state;
      const error = unresponsive(
        `its close did not complete within ${DEFAULT_CLOSING_TIMEOUT_MS} ms`,
      );
      // a rollover's close: drop the transport and go on with the fresh connection
      if (s.status === 'open' && s.transport === transport) this.abandon(error);
      else if (s.status === 'closing') {
        // session.close(): the session ends now, the transport is left to finish on its own
        this.#log('warn', 'transport close did not complete');
        unwire(transport);
        this.#hooks.lost(CloseCode.Abnormal, 'transport unresponsive', undefined);
        this.#finish(undefined);
      }
    });
  }

  /**
   * Closes for good (code 1000); resolves once the transport reported its close. `error`, when
   * given, is why (the session ends with it: `closed { error }`, pending promises reject with
   * it); a close already under way keeps its own reason.
   */
  close(error?: VoxwireError): Promise<void> {
    const s = this.#state;
    if (s.status === 'closed') return Promise.resolve();
    if (s.status !== 'closing') this.#book.noteCloseError(error);
    const done = this.#book.waitEnded();
    if (s.status === 'closing') return done;
    if (s.status === 'open') {
      this.#state = { status: 'closing' };
      this.#silence.stop();
      s.transport.close(CloseCode.Normal, 'client closed').catch((error: unknown) => {
        // a transport that cannot close cleanly still counts as closed for us
        this.#log('warn', 'transport close failed', { error: describe(error) });
        unwire(s.transport);
        this.#finish(undefined);
      });
      this.#watchClose(s.transport);
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
