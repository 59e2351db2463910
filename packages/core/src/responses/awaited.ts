/**
 * `session.response.generate()`: response requests a caller can await. Each `response.create`
 * carries a tag in `response.metadata`, which the server echoes in `response.created`, so the
 * promise resolves with exactly the response it asked for, even while server VAD starts others
 * (LiveKit 1.x correlates `generate_reply` the same way). A request is settled by whichever
 * comes first: its `response.created`, the server's `error` naming its `event_id`, its timeout
 * (counted only while connected, from the moment it is written), its abort signal, or the
 * session's end. The creator (`create.ts`) owns this table and sends the events.
 * @module
 */
import type { ClientEvent, Clock, TimerId } from '@voxwire/protocol';
import { VoxwireError } from '../errors.js';
import type { RealtimeResponse } from './tree.js';

/** The `response.metadata` key that carries a `generate()` request's tag. */
export const REQUEST_TAG_KEY = 'voxwire_request';

/** The API's limit on `metadata` pairs (the tag takes one). */
export const MAX_METADATA_PAIRS = 16;

/** How many abandoned tags are remembered, so that their responses are cancelled when they start. */
const ABANDONED_TAGS = 64;

/** A `response.create` as the creator sends it. */
export type ResponseCreateEvent = ClientEvent & { type: 'response.create' };

interface Waiter {
  readonly tag: string;
  /** The `response.create` that carries the tag, once written or queued. */
  event: ResponseCreateEvent | undefined;
  timer: TimerId | undefined;
  resolve(response: RealtimeResponse): void;
  reject(error: unknown): void;
  /** Told the response at once, in the `response.created` dispatch (the promise resolves later). */
  readonly started: ((response: RealtimeResponse) => void) | undefined;
  /** Set for a request that outwaits a slow server: told of the timeout instead of failing. */
  readonly slow: (() => void) | undefined;
  /** Removes the abort listener. */
  detach: (() => void) | undefined;
  /** Answered by the next untagged response (see `AwaitedResponses.answeredUnseen`). */
  untagged?: boolean;
}

/** The tag of a `response.create`'s params, when `generate()` put one there. */
export function requestTag(metadata: unknown): string | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const tag = (metadata as Record<string, unknown>)[REQUEST_TAG_KEY];
  return typeof tag === 'string' ? tag : undefined;
}

/**
 * Whether `response` answers the unanswered create `event`: a tagged one only its own, the one
 * echoing its tag; an untagged one any response that echoes no tag (the seed's "next
 * response.created"). A response echoing a tag answers another request (an out-of-band label
 * sent meanwhile): taken for the untagged create's, it would be cancelled by a barge-in in the
 * answer's place and let later creates go while the answer is still to start.
 */
export function answers(
  response: RealtimeResponse,
  event: ResponseCreateEvent | undefined,
): boolean {
  if (event === undefined) return false;
  const tag = requestTag(event.response?.metadata);
  return requestTag(response.resource.metadata) === tag;
}

/** The requests of `generate()` in flight, by tag. */
export class AwaitedResponses {
  readonly #byTag = new Map<string, Waiter>();
  // tags whose caller gave up after the create was written: their response is cancelled when it
  // starts. Allocated on the first abort: most sessions never abort one.
  #abandoned: Set<string> | undefined;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #cancel: (responseId: string) => void;
  // timers count connected time only
  #paused: boolean;

  /**
   * @param timeoutMs how long a written request may wait for its `response.created` (while connected).
   * @param cancel sends `response.cancel` for a response nobody waits for any more.
   * @param disconnected whether no connection is open now (timers wait for {@link resumed}).
   */
  constructor(
    clock: Clock,
    timeoutMs: number,
    cancel: (responseId: string) => void,
    disconnected: boolean,
  ) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#cancel = cancel;
    this.#paused = disconnected;
  }

  /** Whether `tag` is still awaited (an aborted request is not: its create must not be sent). */
  has(tag: string): boolean {
    return this.#byTag.has(tag);
  }

  /**
   * Registers the request `tag`. An abort of `signal` rejects it with the signal's reason (as
   * `fetch` does); when its create was already written, the response it starts is cancelled.
   * With `slow`, the timeout only calls it and the request keeps waiting (for the engine's own
   * requests, whose response is wanted however late it starts).
   */
  add(
    tag: string,
    signal: AbortSignal | undefined,
    started?: (response: RealtimeResponse) => void,
    slow?: () => void,
  ): Promise<RealtimeResponse> {
    return new Promise<RealtimeResponse>((resolve, reject) => {
      const waiter: Waiter = {
        tag,
        event: undefined,
        timer: undefined,
        resolve,
        reject,
        started,
        slow,
        detach: undefined,
      };
      this.#byTag.set(tag, waiter);
      if (signal !== undefined) {
        const onAbort = (): void => this.#abort(waiter, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        waiter.detach = () => signal.removeEventListener('abort', onAbort);
      }
    });
  }

  /** The create carrying `tag` was written or queued (again, after a reconnect): its timer starts. */
  sent(tag: string, event: ResponseCreateEvent): void {
    const waiter = this.#byTag.get(tag);
    if (waiter === undefined) return;
    waiter.event = event;
    if (!this.#paused) this.#arm(waiter);
  }

  /** A response started: the request it answers (by its metadata tag) resolves with it. */
  created(response: RealtimeResponse): void {
    const tag = requestTag(response.resource.metadata);
    if (tag === undefined) {
      for (const waiter of this.#byTag.values())
        if (waiter.untagged === true) return this.#answer(waiter, response);
      return;
    }
    const waiter = this.#byTag.get(tag);
    if (waiter !== undefined) this.#answer(waiter, response);
    else if (this.#abandoned?.delete(tag)) {
      this.#cancel(response.id);
    }
  }

  /**
   * The client event `eventId` was refused: the request it carried rejects with `error`. Returns
   * whether one did. (An abandoned request that is refused never starts a response.)
   */
  refused(eventId: string, error: unknown): boolean {
    for (const waiter of this.#byTag.values()) {
      if (waiter.event?.event_id !== eventId) continue;
      this.#settle(waiter);
      waiter.reject(error);
      return true;
    }
    return false;
  }

  /**
   * The create `eventId`, sent again to a session the server kept (a side-band's re-attach), was
   * refused because that session is answering already: with a response whose start the drop lost,
   * adopted without a tag (`reconnect/lost-starts.ts`). The request it carried resolves with
   * `answering` (the untagged response in progress) when there is one, else with the next
   * untagged response to start (its timer still runs). Returns whether one was waiting.
   */
  answeredUnseen(eventId: string, answering: RealtimeResponse | undefined): boolean {
    for (const waiter of this.#byTag.values()) {
      if (waiter.event?.event_id !== eventId) continue;
      if (answering !== undefined) this.#answer(waiter, answering);
      else waiter.untagged = true;
      return true;
    }
    return false;
  }

  #answer(waiter: Waiter, response: RealtimeResponse): void {
    this.#settle(waiter);
    waiter.started?.(response);
    waiter.resolve(response);
  }

  /** Rejects the request `tag` (its create was refused locally, e.g. by `cancel_new`). */
  reject(tag: string, error: unknown): void {
    const waiter = this.#byTag.get(tag);
    if (waiter === undefined) return;
    this.#settle(waiter);
    waiter.reject(error);
  }

  /**
   * The connection dropped: timers stop (an outage is not the server being slow). Returns the
   * creates that left on the old connection unanswered, in the order they were written: they
   * must be written again.
   */
  lost(stillQueued: (event: ClientEvent) => boolean): ResponseCreateEvent[] {
    this.#paused = true;
    // the table is in request order, which is the order the creates were written: a request
    // waiting for the active response (keep_both) holds back every later one
    const lost: ResponseCreateEvent[] = [];
    for (const waiter of this.#byTag.values()) {
      this.#clock.clearTimeout(waiter.timer);
      waiter.timer = undefined;
      // sent again: the next connection's answer decides
      waiter.untagged = false;
      if (waiter.event !== undefined && !stillQueued(waiter.event)) {
        lost.push(waiter.event);
        waiter.event = undefined;
      }
    }
    return lost;
  }

  /** The connection is back: every written request's timer starts afresh. */
  resumed(): void {
    this.#paused = false;
    for (const waiter of this.#byTag.values()) if (waiter.event !== undefined) this.#arm(waiter);
  }

  /** The session closed: every request rejects with `error`. */
  closed(error: unknown): void {
    const all = [...this.#byTag.values()];
    for (const waiter of all) {
      this.#settle(waiter);
      waiter.reject(error);
    }
    this.#abandoned = undefined;
  }

  #abort(waiter: Waiter, reason: unknown): void {
    if (this.#byTag.get(waiter.tag) !== waiter) return;
    this.#settle(waiter);
    if (waiter.event !== undefined) {
      const abandoned = (this.#abandoned ??= new Set());
      if (abandoned.size === ABANDONED_TAGS) abandoned.delete(abandoned.values().next().value!);
      abandoned.add(waiter.tag);
    }
    waiter.reject(reason);
  }

  #arm(waiter: Waiter): void {
    this.#clock.clearTimeout(waiter.timer);
    waiter.timer = this.#clock.setTimeout(() => {
      if (this.#byTag.get(waiter.tag) !== waiter) return;
      waiter.timer = undefined;
      if (waiter.slow !== undefined) return waiter.slow();
      // it may still start: cancel it then, as nobody waits for it
      this.#abort(
        waiter,
        new VoxwireError(
          'TIMEOUT',
          `no response.created answered response request ${waiter.tag} within ${this.#timeoutMs} ms`,
          { data: { timeoutMs: this.#timeoutMs, operation: 'response.create', key: waiter.tag } },
        ),
      );
    }, this.#timeoutMs);
  }

  #settle(waiter: Waiter): void {
    this.#clock.clearTimeout(waiter.timer);
    waiter.timer = undefined;
    waiter.detach?.();
    waiter.detach = undefined;
    this.#byTag.delete(waiter.tag);
  }
}
