/**
 * The rollover's wait for an automatic answer (`reliability.ts`): between a turn's end that the
 * server answers by itself (server VAD's `create_response`, or the idle timeout) and that
 * answer's `response.created`, the session looks quiet, but a rollover then would close the
 * socket under the answer the caller waits for. The wait is bounded, so that a server that does
 * not answer (a response of its own still running, say) cannot hold the rollover off for good.
 * @module
 */
import type { Clock, TimerId } from '@voxwire/protocol';
import type { RolloverPlanner } from './rollover.js';

/**
 * How long after a turn's end a rollover waits for the server's automatic answer to start. The
 * answer normally starts within a second; the bound only keeps a server that never answers from
 * holding the rollover off (the same 10 s as the engine's request timeout).
 */
export const AUTO_ANSWER_WAIT_MS = 10_000;

/** One session's wait for automatic answers; made on the first turn end the server answers. */
export class AutoAnswerWait {
  readonly #clock: Clock;
  readonly #rollover: RolloverPlanner;
  // when (clock ms) a turn ended whose answer has not started yet
  #since: number | undefined;
  // armed only while a due rollover waits for that answer: no server event may come before the
  // bound passes (the server holds the answer back, the caller is silent), and the planner checks
  // only on events, so without it the wait would last until the server's expiry
  #timer: TimerId | undefined;

  /** @param rollover - the planner that asks {@link due}, checked again once the bound passed */
  constructor(clock: Clock, rollover: RolloverPlanner) {
    this.#clock = clock;
    this.#rollover = rollover;
  }

  /** A turn ended that the server answers by itself: its answer is awaited from now. */
  turnEnded(): void {
    this.#since = this.#clock.now();
  }

  /** Whether a turn ended whose automatic answer has not started (nor been given up on). */
  get awaiting(): boolean {
    return this.#since !== undefined;
  }

  /**
   * Whether an automatic answer is expected: a turn ended less than `AUTO_ANSWER_WAIT_MS` ago
   * and no response started since. Past the bound the check after each server event (or the
   * server's expiry, at the latest) rolls over.
   */
  due(): boolean {
    const since = this.#since;
    if (since === undefined) return false;
    const left = since + AUTO_ANSWER_WAIT_MS - this.#clock.now();
    if (left > 0) {
      // asked by the planner: check again once the bound passed, event or not
      if (this.#rollover.due && this.#timer === undefined)
        this.#timer = this.#clock.setTimeout(() => {
          this.#timer = undefined;
          this.#rollover.check();
        }, left);
      return true;
    }
    this.settled();
    return false;
  }

  /**
   * No automatic answer is awaited any more (it started, the turn was cleared, the bound passed,
   * the connection went away).
   */
  settled(): void {
    this.#since = undefined;
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
