/**
 * The close bookkeeping of one connection, apart from its state machine (`connection.ts`): what
 * a close will be read with (the transport error just before it, a server error code, a planned
 * rollover), why the engine closed the session and who waits for the end, and the watch that
 * bounds a close the engine asked for on a transport that never reports it.
 * @module
 */
import type { Clock, TimerId, Transport } from '@voxwire/protocol';
import type { VoxwireError } from './errors.js';

/** What the next close of a connection will be read with, and the bound on a close asked for. */
export class CloseBook {
  readonly #clock: Clock;
  readonly #watchMs: number;
  // a transport error reported just before its close describes that close: fold it in
  #pending: { transport: Transport; error: Error } | undefined;
  #serverErrorCode: string | undefined;
  #planned: VoxwireError | undefined;
  // why close() was asked for, when the engine closes the session over an error
  #closeError: VoxwireError | undefined;
  #closeWaiters: (() => void)[] = [];
  // bounds a close the engine asked for (rollover, session close) on a transport that never
  // reports it: a third-party transport is trusted to call onclose, but not for ever
  #watch: TimerId | undefined;

  /** @param watchMs how long a close the engine asked for may take (`watch`). */
  constructor(clock: Clock, watchMs: number) {
    this.#clock = clock;
    this.#watchMs = watchMs;
  }

  /** The latest server `error` code on the current connection (`noteServerError`). */
  get serverErrorCode(): string | undefined {
    return this.#serverErrorCode;
  }

  /** Why the engine closed the session (`noteCloseError`), if over an error. */
  get closeError(): VoxwireError | undefined {
    return this.#closeError;
  }

  /** A new connect attempt: the previous connection's server error and rollover no longer apply. */
  nextAttempt(): void {
    this.#serverErrorCode = undefined;
    this.#planned = undefined;
  }

  /** Notes a server `error` code (`null`, an error without a code, keeps the previous one). */
  noteServerError(code: string | null): void {
    if (code) this.#serverErrorCode = code;
  }

  /** The close that follows is a planned rollover, ended with `error` (`ROLLOVER`). */
  plan(error: VoxwireError): void {
    this.#planned = error;
  }

  /** The planned rollover's error, once: the close that reads it is the planned one. */
  takePlanned(): VoxwireError | undefined {
    const planned = this.#planned;
    this.#planned = undefined;
    return planned;
  }

  /** Why the session is being closed; the first reason given wins. */
  noteCloseError(error: VoxwireError | undefined): void {
    this.#closeError ??= error;
  }

  /** Resolves once the connection is over ({@link CloseBook.ended}). */
  waitEnded(): Promise<void> {
    return new Promise<void>((resolve) => this.#closeWaiters.push(resolve));
  }

  /** The connection is over: resolves whoever waited for it, in order. */
  ended(): void {
    const waiters = this.#closeWaiters;
    this.#closeWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * Holds a transport error for the close it usually precedes: adapters report the typed reason
   * of a close just before `onclose`. After one microtask, an error no close claimed (and no later
   * error replaced) goes to `unclaimed`.
   */
  holdError(transport: Transport, error: Error, unclaimed: () => void): void {
    this.#pending = { transport, error };
    void Promise.resolve().then(() => {
      if (this.#pending?.error !== error) return;
      this.#pending = undefined;
      unclaimed();
    });
  }

  /** The error `transport` reported just before its close, taken (`undefined` when none). */
  claimError(transport: Transport): Error | undefined {
    const pending = this.#pending?.transport === transport ? this.#pending.error : undefined;
    if (pending) this.#pending = undefined;
    return pending;
  }

  /** Forgets a held error: its transport was dropped without a close to read it with. */
  dropError(): void {
    this.#pending = undefined;
  }

  /** Arms the bound on a close the engine asked for, replacing any armed one. */
  watch(onExpired: () => void): void {
    this.stopWatch();
    this.#watch = this.#clock.setTimeout(() => {
      this.#watch = undefined;
      onExpired();
    }, this.#watchMs);
  }

  /** Disarms the bound: the close came, or the connection is over. */
  stopWatch(): void {
    this.#clock.clearTimeout(this.#watch);
    this.#watch = undefined;
  }
}
