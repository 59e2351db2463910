/**
 * The conversation's creates a dropped connection took unanswered, sent again after the restore
 * one at a time (`create.ts`): the first goes out at once, and each next one only once no
 * response is in progress and the one before it was answered (or given up), as a `keep_both`
 * create waits. Sent back to back, the server would refuse the second,
 * `conversation_already_has_active_response`. Two can be lost together only when the no-answer
 * bound let a later create go out behind an unanswered one (an engine follow-up); the app's
 * creates made meanwhile wait until these are all sent, so the order they were written in holds.
 * @module
 */
import type { ResponseCreateEvent } from './awaited.js';
import type { RealtimeResponse } from './tree.js';

/** What a create waiting its turn looks at. */
export interface Turn {
  /** The responses in progress, oldest first. */
  active(): readonly RealtimeResponse[];
  /** Whether a conversation create was written and not answered yet. */
  pending(): boolean;
  /** Resolves when the pending create is answered, refused, given up or lost. */
  nextChange(): Promise<void>;
}

/**
 * Waits until no response is in progress (out-of-band ones included: a response does not always
 * say which it is) and no conversation create is unanswered, then runs `go` at once, in the same
 * tick (two waiters woken by one response's end must not both find the turn free: the first's
 * create is pending before the second looks). Resolves with what `go` returns, or `undefined`
 * once `stop()` says so. `each` sees the responses in progress at every look (`cancel_existing`).
 */
export async function awaitTurn<T>(
  turn: Turn,
  go: () => T,
  each?: (active: readonly RealtimeResponse[]) => void,
  stop?: () => boolean,
): Promise<T | undefined> {
  let active: readonly RealtimeResponse[];
  while ((active = turn.active()).length > 0 || turn.pending()) {
    if (stop?.() === true) return undefined;
    each?.(active);
    await Promise.race([turn.nextChange(), ...active.map((r) => r.done)]);
  }
  return stop?.() === true ? undefined : go();
}

/** What sending the lost creates again needs from the creator. */
export interface ResendHost {
  /** What a create waiting its turn looks at. */
  readonly turn: Turn;
  /** Whether a conversation create is written and unanswered (one the outbox held, say). */
  conversationUnanswered(): boolean;
  /** Writes `event`'s request again; `pending`: later creates wait for its answer. */
  send(event: ResponseCreateEvent, pending: boolean): void;
  /** The last of them was sent: the app's creates made meanwhile look again. */
  done(): void;
}

/**
 * Sends `lost` (in the order they were written) again after a restore: an out-of-band one at
 * once (it never holds the default conversation), the first for the conversation at once unless
 * one the outbox held went out with the restore, and each next only in its turn. Returns what
 * still waits its turn, if anything does.
 */
export function resendLost(
  lost: readonly ResponseCreateEvent[],
  host: ResendHost,
): ResendInTurn | undefined {
  const inTurn: ResponseCreateEvent[] = [];
  for (const event of lost) {
    if (event.response?.conversation === 'none') host.send(event, false);
    else if (inTurn.length === 0 && !host.conversationUnanswered()) host.send(event, true);
    else inTurn.push(event);
  }
  if (inTurn.length === 0) return undefined;
  return new ResendInTurn(inTurn, host.turn, (event) => host.send(event, true), host.done);
}

/** The lost conversation creates still to be sent again after the first; made per restore. */
export class ResendInTurn {
  readonly #queue: ResponseCreateEvent[];
  #stopped = false;

  /**
   * Sends `events` in turn with `send` (which returns once the create is written or found
   * aborted), then calls `done`.
   */
  constructor(
    events: ResponseCreateEvent[],
    turn: Turn,
    send: (event: ResponseCreateEvent) => void,
    done: () => void,
  ) {
    this.#queue = events;
    void this.#run(turn, send, done);
  }

  /** Whether creates are still to be sent (the app's creates wait for them). */
  get waiting(): boolean {
    return !this.#stopped && this.#queue.length > 0;
  }

  /** The creates still to be sent, in order. */
  get queued(): readonly ResponseCreateEvent[] {
    return this.#queue;
  }

  /**
   * Takes the creates `drop` picks out of the queue (`interrupt()`: asked for before the
   * barge-in, they are not sent at all).
   */
  drop(drop: (event: ResponseCreateEvent) => boolean): void {
    for (let i = this.#queue.length - 1; i >= 0; i--)
      if (drop(this.#queue[i]!)) this.#queue.splice(i, 1);
  }

  /**
   * Stops (the connection dropped again, or the session closed): returns the creates not sent
   * yet, in order, so a drop can have them sent again after the next restore.
   */
  stop(): ResponseCreateEvent[] {
    this.#stopped = true;
    return this.#queue.splice(0);
  }

  async #run(
    turn: Turn,
    send: (event: ResponseCreateEvent) => void,
    done: () => void,
  ): Promise<void> {
    const stopped = (): boolean => this.#stopped;
    const next = (): boolean => {
      // an interruption dropped the rest while this waited its turn
      if (this.#queue.length === 0) return true;
      try {
        send(this.#queue.shift()!);
        return true;
      } catch {
        // the session is closing (the write threw): its close settles the requests left
        this.#stopped = true;
        return false;
      }
    };
    while (this.#queue.length > 0)
      if ((await awaitTurn(turn, next, undefined, stopped)) !== true) return;
    done();
  }
}
