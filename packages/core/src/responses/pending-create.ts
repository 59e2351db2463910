/**
 * The conversation's one-create-at-a-time gate (`create.ts`): whether a `response.create` for the
 * conversation was sent and its `response.created` has not arrived (a later create waits for it,
 * else the server refuses it, `conversation_already_has_active_response`), the bound after which
 * an unanswered one stops holding later creates back, and the creates waiting their turn.
 * @module
 */
import type { Clock, TimerId } from '@voxwire/protocol';

/** One session's pending-create gate; the creator makes it on first use. */
export class PendingCreate {
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #expired: () => void;
  #pending = false;
  // a create no answer ever came for (neither response.created nor an error naming it) must not
  // hold every later create back: after the timeout it stops counting
  #timer: TimerId | undefined;
  // creates waiting their turn, woken when a pending create is answered, refused or lost
  #waiting: (() => void)[] | undefined;

  /**
   * @param clock - time for the no-answer bound
   * @param timeoutMs - how long a written create waits for its answer (in connected time)
   * @param expired - called when that bound passed with the create still pending (after the
   *   gate let it go, before the waiting creates are woken)
   */
  constructor(clock: Clock, timeoutMs: number, expired: () => void) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#expired = expired;
  }

  /** Whether a create was sent and its `response.created` has not arrived yet. */
  get pending(): boolean {
    return this.#pending;
  }

  /**
   * A create was written: later creates wait for its answer. Its bound counts in connected time
   * only (as `generate()`'s timeouts): an outage is not the server being slow, and a create
   * released early by one goes out right behind the pending one.
   */
  mark(connected: boolean): void {
    this.#pending = true;
    if (connected) this.#arm();
  }

  /** The pending create was answered (or will never be): later creates go ahead. */
  clear(): void {
    this.#pending = false;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** {@link clear}, then {@link wake}: the waiting creates look again at once. */
  release(): void {
    this.clear();
    this.wake();
  }

  /**
   * The connection was lost: the bound stops (it counts connected time), and the gate holds
   * when `pending` (a create to be sent again, or still in the outbox, is still to be answered).
   */
  disconnected(pending: boolean): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = pending;
  }

  /** A connection is restored with the create still pending: its bound starts, unless running. */
  reconnected(): void {
    if (this.#pending && this.#timer === undefined) this.#arm();
  }

  /** Wakes every create waiting its turn (each looks again at what it waits for). */
  wake(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) for (const wake of waiting) wake();
  }

  /** Resolves at the next {@link wake}. */
  nextChange(): Promise<void> {
    return new Promise((resolve) => (this.#waiting ??= []).push(resolve));
  }

  #arm(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      if (!this.#pending) return;
      this.#pending = false;
      this.#expired();
      this.wake();
    }, this.#timeoutMs);
  }
}
