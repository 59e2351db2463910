/**
 * Session rollover: the server ends every session at its maximum duration (OpenAI 60 min,
 * Azure 30 min) with `session_expired` and close 1001. `margin` before that, the planner waits
 * for a quiet moment (no response in progress, no user speech, nothing queued) and asks the
 * connection for a planned reconnect, so the restore happens between turns instead of
 * mid-sentence. If no quiet moment comes, the server's expiry triggers an ordinary reconnect.
 * @module
 */
import type { Clock, TimerId } from '@voxwire/protocol';

/** Plans the rollover of the open connection. */
export class RolloverPlanner {
  readonly #clock: Clock;
  readonly #marginMs: number | false;
  readonly #isQuiet: () => boolean;
  readonly #roll: () => void;
  #timer: TimerId | undefined;
  #due = false;

  /**
   * @param isQuiet whether now is a good moment (checked when due and after each server event).
   * @param roll replaces the connection.
   */
  constructor(clock: Clock, marginMs: number | false, isQuiet: () => boolean, roll: () => void) {
    this.#clock = clock;
    this.#marginMs = marginMs;
    this.#isQuiet = isQuiet;
    this.#roll = roll;
  }

  /** Whether the rollover time has come and a quiet moment is awaited. */
  get due(): boolean {
    return this.#due;
  }

  /** A connection opened with this maximum duration (`undefined`: the provider has none). */
  opened(maxSessionDurationMs: number | undefined): void {
    this.stop();
    if (
      this.#marginMs === false ||
      maxSessionDurationMs === undefined ||
      !(maxSessionDurationMs > 0)
    )
      return;
    // a limit no longer than the margin would have every connection roll over at once, again and
    // again: then the rollover comes halfway through instead
    const at = Math.max(maxSessionDurationMs / 2, maxSessionDurationMs - this.#marginMs);
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#due = true;
      this.check();
    }, at);
  }

  /** Rolls over now if due and quiet. */
  check(): void {
    if (!this.#due || !this.#isQuiet()) return;
    this.#due = false;
    this.#roll();
  }

  /** Cancels (connection lost or closed). */
  stop(): void {
    this.#due = false;
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
