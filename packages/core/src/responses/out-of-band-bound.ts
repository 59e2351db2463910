/**
 * The no-answer bound of the out-of-band create (`conversation: 'none'`) written last
 * (`create.ts`). It holds no later create back (an out-of-band response runs beside the
 * conversation's), but while unanswered it is the create a drop sends again: one whose
 * `response.created` never came (a server that drops metadata, an event lost on the way) would
 * be asked for again after a drop minutes later, a label nobody waits for any more (or one a
 * `generate()` that rejected with `TIMEOUT` asked for). After `requestTimeoutMs` of connected
 * time it is given up, as a tagged conversation create is by `PendingCreate`'s bound.
 * @module
 */
import type { Clock, TimerId } from '@voxwire/protocol';

/** One session's out-of-band no-answer bound; the creator makes it on the first out-of-band create. */
export class OutOfBandBound {
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #expired: () => void;
  #timer: TimerId | undefined;

  /**
   * @param clock - time for the bound
   * @param timeoutMs - how long a written out-of-band create waits for its answer (connected time)
   * @param expired - called when the bound passed (the caller gives up its unanswered create)
   */
  constructor(clock: Clock, timeoutMs: number, expired: () => void) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#expired = expired;
  }

  /** An out-of-band create was written (or, on a restore, is still unanswered): its bound starts again. */
  start(): void {
    this.stop();
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#expired();
    }, this.#timeoutMs);
  }

  /** It was answered, or the connection was lost (the bound counts connected time only). */
  stop(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
