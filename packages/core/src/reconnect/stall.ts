/**
 * Stall detection: while a response is in progress, every server event re-arms a timer; when
 * it fires, the response is declared stalled (the session tells the app, cancels and ends it).
 * A socket that answers no ping is the adapter's business (`KEEPALIVE_TIMEOUT` closes it, which
 * the supervisor treats as a drop); this catches a socket that is alive but a response that is not.
 * @module
 */
import type { Clock, TimerId } from '@voxwire/protocol';

/** The stall timer of one session. */
export class StallWatch {
  readonly #clock: Clock;
  readonly #timeoutMs: number | false;
  readonly #onStall: (idleMs: number) => void;
  #timer: TimerId | undefined;

  /** @param onStall called when a response was in progress and nothing arrived for `timeoutMs`. */
  constructor(clock: Clock, timeoutMs: number | false, onStall: (idleMs: number) => void) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#onStall = onStall;
  }

  /** Whether the timer is running. */
  get armed(): boolean {
    return this.#timer !== undefined;
  }

  /** Something arrived: re-arm while a response is in progress, disarm otherwise. */
  activity(responseInProgress: boolean): void {
    this.stop();
    const ms = this.#timeoutMs;
    if (!responseInProgress || ms === false) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#onStall(ms);
    }, ms);
  }

  /** Disarms (connection lost, session closed). */
  stop(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
