/**
 * `response.create` with the seed's `on_duplicate` semantics (#1204), verbatim in behaviour:
 * 1. a create is pending (waiting for its `response.created`) and `cancel_new` → `false`;
 * 2. no active response, or it is done → send `response.create` now → `true`;
 * 3. a response is in progress: `cancel_new` → `false`; `cancel_existing` → send
 *    `response.cancel` first; `keep_both` → just wait;
 * 4. for `cancel_existing` and `keep_both`: wait for the active response to end, mark a create
 *    pending (cleared by the next `response.created`), send `response.create` → `true`.
 * @module
 */
import type { ClientEvent, Logger, ResponseCreateParams } from '@voxwire/protocol';
import { VoxwireError } from '../errors.js';
import type { RealtimeResponse } from './tree.js';

/** What to do when a response is already in progress. */
export type OnDuplicate = 'cancel_existing' | 'cancel_new' | 'keep_both';

/** Options of `session.response.create`. */
export interface ResponseCreateOptions {
  /** What to do when a response is already in progress. @default 'keep_both' */
  onDuplicate?: OnDuplicate;
  /** Per-response overrides sent as `response.create.response` (GA shape). @default undefined (bare create, as the seed) */
  response?: ResponseCreateParams;
}

const ON_DUPLICATE = new Set<string>(['cancel_existing', 'cancel_new', 'keep_both']);

/** Host services the creator needs from the session. */
export interface CreatorHost {
  /** Sends a client event (queued if not open); throws when the session is closed. */
  send(event: ClientEvent): void;
  /** A fresh client event id. */
  eventId(): string;
  /** The active response, if any. */
  active(): RealtimeResponse | undefined;
  /** Whether `event` still waits in the outbox (not written to a socket yet). */
  queued(event: ClientEvent): boolean;
  /** Logs with the session id. */
  readonly logger: Logger;
  /** Fields for log lines. */
  logFields(): Record<string, unknown>;
}

/** The `response.create` / `response.cancel` logic. */
export class ResponseCreator {
  readonly #host: CreatorHost;
  #pendingCreate = false;
  // the last response.create written to a socket whose response.created has not arrived
  #unanswered: (ClientEvent & { type: 'response.create' }) | undefined;
  // one the connection took with it: sent again once the next connection is restored
  #lost: (ClientEvent & { type: 'response.create' }) | undefined;

  /** Creates the logic over `host`. */
  constructor(host: CreatorHost) {
    this.#host = host;
  }

  /** Whether a deferred create was sent and its `response.created` has not arrived yet. */
  get createPending(): boolean {
    return this.#pendingCreate;
  }

  /** Called on every `response.created` (the seed resolves and clears its create future there). */
  onResponseCreated(): void {
    this.#pendingCreate = false;
    this.#unanswered = undefined;
  }

  /** The server refused the client event `eventId` (its `error` named it): if it was the unanswered create, it is answered. */
  refused(eventId: string): void {
    if (this.#unanswered?.event_id === eventId) this.#unanswered = undefined;
  }

  /**
   * Called when the connection is lost: a pending create will never see its `response.created`.
   * A create the old socket took without answering is remembered and sent again by
   * {@link reopened}; one still in the outbox goes out after the restore anyway.
   */
  reset(): void {
    this.#pendingCreate = false;
    const unanswered = this.#unanswered;
    if (unanswered !== undefined && !this.#host.queued(unanswered)) {
      this.#lost = unanswered;
      this.#unanswered = undefined;
    }
  }

  /**
   * A connection is open and restored: a response the last one was asked for and never started
   * (its `response.create` was written, no `response.created` came back) is asked for again.
   */
  reopened(): void {
    const lost = this.#lost;
    if (lost === undefined) return;
    this.#lost = undefined;
    this.#host.logger.info('response.create lost with the connection: sent again', {
      ...this.#host.logFields(),
      eventId: lost.event_id,
    });
    this.#send(lost.response);
  }

  /** The session closed for good: nothing is sent again. */
  closed(): void {
    this.#lost = this.#unanswered = undefined;
    this.#pendingCreate = false;
  }

  /**
   * Requests a response. Resolves `true` once `response.create` was sent (or queued), `false`
   * when `cancel_new` refused it; rejects with `INVALID_ARGUMENT` for a bad `onDuplicate` and
   * with `SESSION_CLOSED` when the session closed first.
   */
  async create(options: ResponseCreateOptions = {}): Promise<boolean> {
    const onDuplicate = options.onDuplicate ?? 'keep_both';
    if (!ON_DUPLICATE.has(onDuplicate)) {
      throw new VoxwireError(
        'INVALID_ARGUMENT',
        `invalid onDuplicate ${JSON.stringify(onDuplicate)}: expected 'cancel_existing', 'cancel_new' or 'keep_both'`,
        {
          data: { argument: 'onDuplicate' },
        },
      );
    }
    const { logger } = this.#host;
    if (this.#pendingCreate && onDuplicate === 'cancel_new') {
      logger.warn('response.create already pending, cancelling new one', this.#host.logFields());
      return false;
    }
    const active = this.#host.active();
    if (!active || active.isDone) {
      this.#send(options.response);
      return true;
    }
    if (onDuplicate === 'cancel_new') {
      logger.warn('response already in progress, cancelling new one', {
        ...this.#host.logFields(),
        responseId: active.id,
      });
      return false;
    }
    if (onDuplicate === 'cancel_existing') {
      this.cancel();
      logger.warn('response already in progress, cancelling existing one', {
        ...this.#host.logFields(),
        responseId: active.id,
      });
    } else {
      logger.warn('waiting for in-progress response to be done before creating a new one', {
        ...this.#host.logFields(),
        responseId: active.id,
      });
    }
    await active.done;
    this.#pendingCreate = true;
    this.#send(options.response);
    return true;
  }

  /** Sends `response.cancel` unconditionally (as the seed; the server answers an error if none is active). */
  cancel(): void {
    this.#host.send({ type: 'response.cancel', event_id: this.#host.eventId() });
  }

  #send(response: ResponseCreateParams | undefined): void {
    const event: ClientEvent & { type: 'response.create' } =
      response === undefined
        ? { type: 'response.create', event_id: this.#host.eventId() }
        : { type: 'response.create', event_id: this.#host.eventId(), response };
    this.#host.send(event);
    this.#unanswered = event;
  }
}
