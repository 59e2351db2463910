/**
 * Promises for client requests the server acknowledges (item create/truncate/delete, session
 * update), correlated two ways: the ack by what it names (item id; FIFO for session updates),
 * a refusal by `error.event_id` = the request's client `event_id`. Each has a timeout from the
 * clock, and all settle when the connection is lost or the session closes.
 * @module
 */
import type { Clock, TimerId } from '@voxwire/protocol';
import { VoxwireError } from './errors.js';

/** What a request waits for. */
export type RequestKind = 'item.create' | 'item.truncate' | 'item.delete' | 'session.update';

interface Pending {
  readonly kind: RequestKind;
  readonly eventId: string;
  readonly key: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  timer: TimerId | undefined;
}

/** The table of requests in flight. */
export class PendingRequests {
  readonly #byEventId = new Map<string, Pending>();
  readonly #clock: Clock;
  readonly #timeoutMs: number;

  /** @param timeoutMs how long an ack may take before the promise rejects with `TIMEOUT`. */
  constructor(clock: Clock, timeoutMs: number) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
  }

  /** Requests in flight. */
  get size(): number {
    return this.#byEventId.size;
  }

  /**
   * Registers a request sent with client event id `eventId`, acked by an event naming `key`.
   * The timer starts now; callers register before sending so no ack can be missed.
   */
  track<T>(kind: RequestKind, eventId: string, key: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const p: Pending = { kind, eventId, key, resolve: resolve as (v: unknown) => void, reject, timer: undefined };
      p.timer = this.#clock.setTimeout(() => {
        this.#byEventId.delete(eventId);
        reject(
          new VoxwireError('TIMEOUT', `${kind} ${key} was not acknowledged within ${this.#timeoutMs} ms`, {
            data: { timeoutMs: this.#timeoutMs, operation: kind, key },
          }),
        );
      }, this.#timeoutMs);
      this.#byEventId.set(eventId, p);
    });
  }

  /** Resolves the oldest request of `kind` for `key`; returns whether one matched. */
  resolve(kind: RequestKind, key: string, value: unknown): boolean {
    for (const p of this.#byEventId.values()) {
      if (p.kind === kind && p.key === key) {
        this.#settle(p);
        p.resolve(value);
        return true;
      }
    }
    return false;
  }

  /** Rejects the request sent as `eventId` (a server `error` naming it); returns whether one matched. */
  rejectEventId(eventId: string, error: unknown): boolean {
    const p = this.#byEventId.get(eventId);
    if (!p) return false;
    this.#settle(p);
    p.reject(error);
    return true;
  }

  /** Rejects every request in flight (connection lost, session closed). */
  rejectAll(error: unknown): void {
    const all = [...this.#byEventId.values()];
    for (const p of all) {
      this.#settle(p);
      p.reject(error);
    }
  }

  #settle(p: Pending): void {
    this.#clock.clearTimeout(p.timer);
    this.#byEventId.delete(p.eventId);
  }
}
