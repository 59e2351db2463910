/**
 * A small typed event emitter: one event map gives names and payload types; `on` returns the
 * unsubscribe function. A listener that throws never stops the others (unlike most dispatch
 * loops in the peers); its error is handed to `onListenerError`, and so is the rejection of an
 * async listener's promise (left alone, it would be an unhandled rejection, which ends a Node
 * process by default).
 * @module
 */

/** A map from event name to the tuple of listener arguments. */
export type EventMap<M> = { [K in keyof M]: unknown[] };

// returns `unknown`, not `void`: an async listener is welcome (lint rules that refuse a promise
// where `void` is expected do not flag it); a returned promise is watched for its rejection
/** A listener of event `K` in map `M`. It may be async: a rejection is reported as a throw is. */
export type Listener<M extends EventMap<M>, K extends keyof M> = (...args: M[K]) => unknown;

/** Removes the listener it was returned for. Calling it twice is harmless. */
export type Unsubscribe = () => void;

// A registered function; a `once` wrapper carries the app's listener, so `off` finds it by either.
type Registered = ((...args: never[]) => void) & { readonly listener?: unknown };

/** Typed emitter. `emit` is for the engine; apps use `on`, `once` and `off`. */
export class TypedEmitter<M extends EventMap<M>> {
  // arrays, copied on write, so an unsubscribe during emit cannot skip a neighbour
  readonly #listeners = new Map<keyof M, ReadonlyArray<Registered>>();
  readonly #onListenerError: (event: keyof M, error: unknown) => void;

  /** @param onListenerError receives what a listener threw, with the event's name. */
  constructor(onListenerError: (event: keyof M, error: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  /** Subscribes `listener` to `event`; returns the unsubscribe function. */
  on<K extends keyof M>(event: K, listener: Listener<M, K>): Unsubscribe {
    const added = listener as unknown as Registered;
    const list = this.#listeners.get(event);
    // a literal and concat allocate exactly what they hold; a spread reserves 16 more slots,
    // which a session with a listener on each of a few events kept for its whole life
    this.#listeners.set(event, list === undefined ? [added] : list.concat(added));
    return () => this.off(event, listener);
  }

  /** Subscribes for the next emission only; `off(event, listener)` removes it as well. */
  once<K extends keyof M>(event: K, listener: Listener<M, K>): Unsubscribe {
    // returns what the listener returned, so that an async listener's promise is watched too
    const wrapper = (...args: M[K]): unknown => {
      off();
      return (listener as (...a: M[K]) => unknown)(...args);
    };
    // tagged with the app's function (set once per `once`, read only by `off`: emit pays nothing)
    (wrapper as { listener?: unknown }).listener = listener;
    const off = this.on(event, wrapper as Listener<M, K>);
    return off;
  }

  /** Removes one registration of `listener` (the most recent one), made by `on` or `once`. */
  off<K extends keyof M>(event: K, listener: Listener<M, K>): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    const fn: unknown = listener;
    let i = list.length - 1;
    while (i >= 0 && list[i] !== fn && list[i]!.listener !== fn) i--;
    if (i < 0) return;
    const next = list.slice(0, i).concat(list.slice(i + 1));
    if (next.length === 0) this.#listeners.delete(event);
    else this.#listeners.set(event, next);
  }

  /** How many listeners `event` has. */
  listenerCount(event: keyof M): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** Calls every listener of `event` in order; returns whether there was any. */
  emit<K extends keyof M>(event: K, ...args: M[K]): boolean {
    const list = this.#listeners.get(event);
    if (!list) return false;
    for (const listener of list) {
      try {
        const result = (listener as unknown as (...a: M[K]) => unknown)(...args);
        // an async listener throws later, as a rejection: report it as a throw is reported
        if (typeof result === 'object' && result !== null && 'then' in result)
          this.#watch(event, result as PromiseLike<unknown>);
      } catch (error) {
        this.#onListenerError(event, error);
      }
    }
    return true;
  }

  #watch(event: keyof M, result: PromiseLike<unknown>): void {
    if (typeof result.then !== 'function') return;
    result.then(undefined, (error: unknown) => this.#onListenerError(event, error));
  }

  /** Drops every listener (used when a session is disposed). */
  clear(): void {
    this.#listeners.clear();
  }
}
