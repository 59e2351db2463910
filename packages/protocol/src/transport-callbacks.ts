/**
 * The callback half of a {@link Transport}, which every socket adapter needs the same way:
 * frames that arrive before `onmessage` is set are kept and delivered in order, a handler that
 * throws is reported to `onerror` instead of escaping into the socket's event dispatch, and
 * `onclose` fires exactly once. `@voxwire/node`'s `ws` transport and core's standard-WebSocket
 * transport extend it; each keeps only what its socket API needs.
 * @module
 */
import type { Transport } from './contracts.js';

/** One inbound frame. */
type Frame = string | Uint8Array;

/**
 * Base class of socket adapters: the `Transport` callbacks and the `close()` promise. A subclass
 * calls {@link TransportCallbacks.receive} for each frame, {@link TransportCallbacks.report} for
 * errors and {@link TransportCallbacks.finish} when the socket is gone.
 */
export abstract class TransportCallbacks implements Pick<
  Transport,
  'onmessage' | 'onclose' | 'onerror'
> {
  /** The connection ended (called once). */
  onclose: ((code: number, reason: string) => void) | undefined;
  /** A transport-level failure (a close reports the end). */
  onerror: ((error: Error) => void) | undefined;
  #onmessage: ((frame: Frame) => void) | undefined;
  // frames that came before a handler; a literal with no elements allocates no backing store
  #pending: Frame[] = [];
  #finished = false;
  #resolveClosed!: () => void;
  /** Resolves once `onclose` has fired: what `close()` returns. */
  protected readonly closed: Promise<void> = new Promise<void>(
    (resolve) => (this.#resolveClosed = resolve),
  );

  /** One inbound frame. */
  get onmessage(): ((frame: Frame) => void) | undefined {
    return this.#onmessage;
  }

  set onmessage(handler: ((frame: Frame) => void) | undefined) {
    this.#onmessage = handler;
    // frames that arrived before a handler existed are delivered now, in order (a handler that
    // replaces itself while they are delivered gets the rest)
    while (handler !== undefined && this.#onmessage === handler && this.#pending.length > 0)
      this.#deliver(handler, this.#pending.shift()!);
  }

  /** Hands one frame to `onmessage`, or keeps it until a handler is set. */
  protected receive(frame: Frame): void {
    const handler = this.#onmessage;
    if (handler === undefined) this.#pending.push(frame);
    else this.#deliver(handler, frame);
  }

  /** Reports `error` to `onerror`; an `onerror` that throws has nowhere left to report to. */
  protected report(error: Error): void {
    const handler = this.onerror;
    if (handler === undefined) return;
    try {
      handler(error);
    } catch {
      // swallowed: see above
    }
  }

  /** Ends the transport: resolves {@link closed} and calls `onclose`, the first time only. */
  protected finish(code: number, reason: string): void {
    if (this.#finished) return;
    this.#finished = true;
    const handler = this.onclose;
    this.#resolveClosed();
    if (handler === undefined) return;
    try {
      handler(code, reason);
    } catch (error) {
      this.report(asError(error));
    }
  }

  #deliver(handler: (frame: Frame) => void, frame: Frame): void {
    try {
      handler(frame);
    } catch (error) {
      this.report(asError(error));
    }
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
