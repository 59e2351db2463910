/**
 * Promises for client requests the server acknowledges (item create/truncate/delete/retrieve,
 * session update), correlated two ways: the ack by what it names (item id; FIFO for session updates),
 * a refusal by `error.event_id` = the request's client `event_id`. Each has a timeout from the
 * clock that runs only while connected (none runs before the first connect; a reconnect pauses
 * every timer), and the restore either re-sends a request or settles it (see
 * {@link PendingRequests.takeUnsent}). All settle when the session closes.
 * @module
 */
import type { ClientEvent, Clock, TimerId } from '@voxwire/protocol';
import { VoxwireError } from './errors.js';

/** What a request waits for. */
export type RequestKind =
  'item.create' | 'item.truncate' | 'item.delete' | 'item.retrieve' | 'session.update';

/** A request in flight, as the restore sees it. */
export interface PendingRequest {
  /** Its kind. */
  readonly kind: RequestKind;
  /** The client event id it was sent with. */
  readonly eventId: string;
  /** What its ack names (the item id, or `session`). */
  readonly key: string;
  /** The event itself (re-sent after a restore). */
  readonly event: ClientEvent | undefined;
  /** The engine's own request: a refusal rejects it and is not reported (`rejectQuiet`). */
  readonly quiet?: boolean | undefined;
  /** Settles it. */
  resolve(value: unknown): void;
  /** Settles it. */
  reject(error: unknown): void;
}

interface Pending extends PendingRequest {
  timer: TimerId | undefined;
}

// Shared by every table with nothing in flight, and never written to: a Map keeps the hash
// table of its largest size, and most of a session's life has no request in flight, so each
// table is made when a request is tracked and let go when the last one settles.
const NONE_IN_FLIGHT: ReadonlyMap<string, Pending> = new Map();

/** The table of requests in flight. */
export class PendingRequests {
  #byEventId = NONE_IN_FLIGHT as Map<string, Pending>;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  // no connection yet: a request made before the first connect waits for it like one made
  // during an outage (the session resumes on every open, the first included)
  #paused = true;

  /**
   * Starts paused, as before the first connect: timers run from the first {@link resume}.
   * @param timeoutMs how long an ack may take (while connected) before the promise rejects with `TIMEOUT`.
   */
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
   * The timer starts now (or when the connection is back); callers register before sending so
   * no ack can be missed.
   */
  track<T>(
    kind: RequestKind,
    eventId: string,
    key: string,
    event?: ClientEvent,
    quiet?: boolean,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const p: Pending = {
        kind,
        eventId,
        key,
        event,
        quiet,
        resolve: resolve as (v: unknown) => void,
        reject,
        timer: undefined,
      };
      this.#table().set(eventId, p);
      if (!this.#paused) this.#arm(p);
    });
  }

  /**
   * Moves the request `eventId` ahead of every other in flight. Acknowledgements that name no
   * event (a `session.update`'s echo) settle the oldest request of their key, in the order the
   * server answers, which is the order of the wire: the restore's update is written before
   * anything queued, though it was tracked after.
   */
  promote(eventId: string): void {
    const table = this.#byEventId;
    const p = table.get(eventId);
    if (p === undefined) return;
    const rest = [...table.values()].filter((other) => other !== p);
    table.clear();
    table.set(eventId, p);
    for (const other of rest) table.set(other.eventId, other);
  }

  #arm(p: Pending): void {
    this.#clock.clearTimeout(p.timer);
    p.timer = this.#clock.setTimeout(() => {
      this.#remove(p.eventId);
      p.reject(
        new VoxwireError(
          'TIMEOUT',
          `${p.kind} ${p.key} was not acknowledged within ${this.#timeoutMs} ms`,
          {
            data: { timeoutMs: this.#timeoutMs, operation: p.kind, key: p.key },
          },
        ),
      );
    }, this.#timeoutMs);
  }

  /** Whether a request of `kind` for `key` is in flight. */
  has(kind: RequestKind, key: string): boolean {
    for (const p of this.#byEventId.values()) if (p.kind === kind && p.key === key) return true;
    return false;
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

  /** What the request of `kind` sent as `eventId` is about (its ack's key), if one is in flight. */
  keyOf(kind: RequestKind, eventId: string): string | undefined {
    const p = this.#byEventId.get(eventId);
    return p?.kind === kind ? p.key : undefined;
  }

  /** The event of the request of `kind` sent as `eventId`, if one is in flight. */
  eventOf(kind: RequestKind, eventId: string): ClientEvent | undefined {
    const p = this.#byEventId.get(eventId);
    return p?.kind === kind ? p.event : undefined;
  }

  /** The events of the requests of `kind` in flight, in the order they were made. */
  eventsOf(kind: RequestKind): ClientEvent[] {
    const events: ClientEvent[] = [];
    for (const p of this.#byEventId.values())
      if (p.kind === kind && p.event !== undefined) events.push(p.event);
    return events;
  }

  /** Resolves the request sent as `eventId` with `value`; returns whether one matched. */
  resolveEventId(eventId: string, value: unknown): boolean {
    const p = this.#byEventId.get(eventId);
    if (!p) return false;
    this.#settle(p);
    p.resolve(value);
    return true;
  }

  /** Rejects the request sent as `eventId` (a server `error` naming it); returns whether one matched. */
  rejectEventId(eventId: string, error: unknown): boolean {
    const p = this.#byEventId.get(eventId);
    if (!p) return false;
    this.#settle(p);
    p.reject(error);
    return true;
  }

  /**
   * Rejects the engine's own request sent as `eventId` (`quiet`): its refusal is an answer the
   * engine reads, not an error to report. Returns whether one matched.
   */
  rejectQuiet(eventId: string, error: unknown): boolean {
    const p = this.#byEventId.get(eventId);
    if (p?.quiet !== true) return false;
    this.#settle(p);
    p.reject(error);
    return true;
  }

  /** Rejects every request in flight (session closed). */
  rejectAll(error: unknown): void {
    const all = [...this.#byEventId.values()];
    for (const p of all) {
      this.#settle(p);
      p.reject(error);
    }
  }

  /** Rejects every request of `kind` (a truncate cannot outlive its connection's audio). */
  rejectKind(kind: RequestKind, error: unknown): void {
    for (const p of [...this.#byEventId.values()]) {
      if (p.kind !== kind) continue;
      this.#settle(p);
      p.reject(error);
    }
  }

  /** The connection is gone: every timer stops (an outage is not the server being slow). */
  pause(): void {
    this.#paused = true;
    for (const p of this.#byEventId.values()) {
      this.#clock.clearTimeout(p.timer);
      p.timer = undefined;
    }
  }

  /** The connection is back: every timer starts afresh. */
  resume(): void {
    this.#paused = false;
    for (const p of this.#byEventId.values()) this.#arm(p);
  }

  /**
   * Removes and returns, in the order they were made, the requests whose event already left
   * (`stillQueued` says which ones did not): the old connection took them with it, so the
   * restore must re-send or settle each.
   */
  takeUnsent(stillQueued: (event: ClientEvent) => boolean): PendingRequest[] {
    const out: PendingRequest[] = [];
    for (const p of [...this.#byEventId.values()]) {
      if (p.event && stillQueued(p.event)) continue;
      this.#settle(p);
      out.push(p);
    }
    return out;
  }

  /** Puts back a request taken by {@link takeUnsent} that the restore re-sends. */
  put(request: PendingRequest): void {
    const p: Pending = { ...request, timer: undefined };
    this.#table().set(p.eventId, p);
    if (!this.#paused) this.#arm(p);
  }

  #settle(p: Pending): void {
    this.#clock.clearTimeout(p.timer);
    p.timer = undefined;
    this.#remove(p.eventId);
  }

  #table(): Map<string, Pending> {
    if (this.#byEventId === NONE_IN_FLIGHT) this.#byEventId = new Map();
    return this.#byEventId;
  }

  #remove(eventId: string): void {
    const table = this.#byEventId;
    if (table.delete(eventId) && table.size === 0)
      this.#byEventId = NONE_IN_FLIGHT as Map<string, Pending>;
  }
}
