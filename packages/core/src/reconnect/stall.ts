/**
 * Stall detection: while a response is in progress, every server event re-arms a timer; when
 * it fires, the response is declared stalled (the session tells the app, cancels and ends it).
 * A socket that answers no ping is the adapter's business (`KEEPALIVE_TIMEOUT` closes it, which
 * the supervisor treats as a drop); this catches a socket that is alive but a response that is not.
 * @module
 */
import type { Clock, TimerId } from '@voxwire/protocol';

/**
 * The stall timer of one session. Hot path: `activity` runs once per server event, so it never
 * touches a timer while one is armed; it only notes the time. When the timer fires early (there
 * was activity since it was armed) it re-arms for the rest, so a stall is still reported exactly
 * `timeoutMs` after the last event, as if the timer had been re-armed on every event.
 */
export class StallWatch {
  readonly #clock: Clock;
  readonly #timeoutMs: number | false;
  readonly #onStall: (idleMs: number) => void;
  #timer: TimerId | undefined;
  // clock time of the latest activity while a response was in progress
  #last = 0;
  // bound once: arming allocates no closure
  readonly #fire = (): void => {
    this.#timer = undefined;
    const ms = this.#timeoutMs as number;
    const idle = this.#clock.now() - this.#last;
    if (idle < ms) {
      this.#timer = this.#clock.setTimeout(this.#fire, ms - idle);
      return;
    }
    this.#onStall(ms);
  };

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

  /** Something arrived: (re-)start the idle period while a response is in progress, disarm otherwise. */
  activity(responseInProgress: boolean): void {
    const ms = this.#timeoutMs;
    if (!responseInProgress || ms === false) {
      this.stop();
      return;
    }
    this.#last = this.#clock.now();
    this.#timer ??= this.#clock.setTimeout(this.#fire, ms);
  }

  /** Disarms (connection lost, session closed). */
  stop(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
