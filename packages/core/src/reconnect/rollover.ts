/**
 * Session rollover: the server ends every session at its maximum duration (OpenAI 60 min,
 * Azure 30 min) with `session_expired` and close 1001. `margin` before that, the planner waits
 * for a quiet moment (no response in progress, no user speech, nothing queued) and asks the
 * connection for a planned reconnect, so the restore happens between turns instead of
 * mid-sentence. If no quiet moment comes, the server's expiry triggers an ordinary reconnect.
 *
 * The limit is the provider's (the connector's `maxSessionDurationMs`), brought forward when the
 * session the server created says it expires sooner (`session.expires_at`): the documented caps
 * changed over time (15, 30, 60 minutes), and a cap that shrank again must not end calls mid-turn.
 * @module
 */
import type { Clock, TimerId } from '@voxwire/protocol';

/**
 * While a rollover is due and the session is busy, how often quietness is checked again without
 * a server event: the outbox draining, or a request settling by itself, makes a quiet moment no
 * server event announces.
 */
export const ROLLOVER_RECHECK_MS = 1_000;

/**
 * A server expiry further away than this is not read as one: the session's clock is then not on
 * the Unix epoch (a `SimulatedClock` at 0, a monotonic clock), and the provider's limit is used.
 */
export const MAX_SERVER_EXPIRY_MS = 24 * 60 * 60_000;

/**
 * A server expiry nearer than this, read when the session was just created, is not read as one
 * either: no provider has capped sessions this short (the shortest cap was 15 minutes), and a
 * client clock running ahead of the server's by nearly a session's length would otherwise have
 * every fresh connection roll over within a minute or two, for the whole call. A clock ahead by
 * less brings the rollover forward by its lead; this bounds how often rollovers can come (at
 * most every 5 minutes, half of this).
 */
export const MIN_SERVER_EXPIRY_MS = 10 * 60_000;

/** Plans the rollover of the open connection. */
export class RolloverPlanner {
  readonly #clock: Clock;
  readonly #marginMs: number | false;
  readonly #isQuiet: () => boolean;
  readonly #roll: () => void;
  #timer: TimerId | undefined;
  // when #timer fires, on the clock (undefined while none is armed)
  #dueAt: number | undefined;
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
    if (maxSessionDurationMs === undefined || !(maxSessionDurationMs > 0)) return;
    this.#planWithin(maxSessionDurationMs);
  }

  /**
   * The server said when its session expires (`session.expires_at`, in ms on the Unix epoch):
   * plans the rollover by it when that is sooner than the provider's limit. A time less than
   * {@link MIN_SERVER_EXPIRY_MS} or more than {@link MAX_SERVER_EXPIRY_MS} away says more about
   * the clocks than about the session and is ignored.
   */
  serverExpiry(expiresAtMs: number): void {
    if (this.#due || !Number.isFinite(expiresAtMs)) return;
    const remaining = expiresAtMs - this.#clock.now();
    if (!(remaining >= MIN_SERVER_EXPIRY_MS) || remaining > MAX_SERVER_EXPIRY_MS) return;
    this.#planWithin(remaining);
  }

  /** Rolls over now if due and quiet; while busy, looks again in {@link ROLLOVER_RECHECK_MS}. */
  check(): void {
    if (!this.#due) return;
    if (!this.#isQuiet()) {
      if (this.#timer === undefined)
        this.#timer = this.#clock.setTimeout(() => {
          this.#timer = undefined;
          this.check();
        }, ROLLOVER_RECHECK_MS);
      return;
    }
    this.stop();
    this.#roll();
  }

  /** Cancels (connection lost or closed). */
  stop(): void {
    this.#due = false;
    this.#dueAt = undefined;
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Arms the rollover for a session that ends `limitMs` from now, unless one is armed sooner. */
  #planWithin(limitMs: number): void {
    if (this.#marginMs === false) return;
    // a limit no longer than the margin would have every connection roll over at once, again and
    // again: then the rollover comes halfway through instead
    const at = this.#clock.now() + Math.max(limitMs / 2, limitMs - this.#marginMs);
    if (this.#dueAt !== undefined && this.#dueAt <= at) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#dueAt = at;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#due = true;
      this.check();
    }, at - this.#clock.now());
  }
}
