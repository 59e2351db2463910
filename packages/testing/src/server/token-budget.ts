/**
 * The token budget `rate_limits.updated` reports (protocol.md §4.10): a bucket of `limit` tokens
 * that refills at `limit` per minute on the injected clock, so `reset_seconds` (the time until it
 * is full again) is a promise the fake keeps: an agent that waits that long finds it whole.
 * @module
 */
import type { Clock } from '@voxwire/protocol';

/** One minute: the window the budget refills over. */
const WINDOW_MS = 60_000;

/** What {@link TokenBudget.spend} reports. */
export interface TokenBudgetState {
  readonly limit: number;
  readonly remaining: number;
  readonly resetSeconds: number;
}

/** A refilling token budget shared by every connection of one fake server (one API key). */
export class TokenBudget {
  // tokens below full, as of #at (never more than the whole limit: a bucket empties, no further)
  #deficit = 0;
  #at = 0;

  constructor(
    private readonly limit: number,
    private readonly clock: Clock,
  ) {}

  /** Spends the tokens of a finished response, after the refill since the last spend. */
  spend(tokens: number): TokenBudgetState {
    const now = this.clock.now();
    const refilled = ((now - this.#at) * this.limit) / WINDOW_MS;
    this.#deficit = Math.min(this.limit, Math.max(0, this.#deficit - refilled) + tokens);
    this.#at = now;
    return {
      limit: this.limit,
      remaining: Math.max(0, Math.round(this.limit - this.#deficit)),
      resetSeconds: Math.round((this.#deficit / this.limit) * WINDOW_MS) / 1000,
    };
  }
}
