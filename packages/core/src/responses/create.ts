/**
 * `response.create` with the seed's `on_duplicate` semantics (#1204), verbatim in behaviour:
 * 1. a create is pending (waiting for its `response.created`) and `cancel_new` → `false`;
 * 2. no active response, or it is done → send `response.create` now → `true`;
 * 3. a response is in progress: `cancel_new` → `false`; `cancel_existing` → send
 *    `response.cancel` first; `keep_both` → just wait;
 * 4. for `cancel_existing` and `keep_both`: wait for the active response to end, mark a create
 *    pending (cleared by the next `response.created`, or for a tagged create by the one echoing
 *    its tag; kept through an outage while the create is to be sent again), send
 *    `response.create` → `true`.
 *
 * `generate()` goes through the same steps with a tagged create and resolves with the response
 * itself (`generate.ts`, `awaited.ts`). Creates a drop took unanswered are sent again after the
 * restore, the conversation's one at a time (`resend-in-turn.ts`). A create's options are checked
 * and made its params in `create-request.ts`; steps 1–4 run in `create-in-turn.ts`; what
 * `session.interrupt()` does to the creates, in `barge-in.ts`.
 * @module
 */
import type { ClientEvent, Clock, Logger, ResponseCreateParams } from '@voxwire/protocol';
import { AwaitedResponses, requestTag, type ResponseCreateEvent } from './awaited.js';
import type {
  OnDuplicate,
  ResponseCreateOptions,
  ResponseGenerateOptions,
} from './create-options.js';
import { createRequest } from './create-request.js';
import { AskedConversations } from './asked-conversation.js';
import { BargeIn } from './barge-in.js';
import { OutOfBandBound } from './out-of-band-bound.js';
import { PendingCreate } from './pending-create.js';
import { PerResponseTools, type ResponseTools } from './per-response-tools.js';
import { createInTurn, type InTurnHost } from './create-in-turn.js';
import { BUSY, BusyCreates, type BusyCreatesHost } from './busy-creates.js';
import { resendLost, type ResendInTurn, type Turn } from './resend-in-turn.js';
import type { RealtimeResponse } from './tree.js';
import { generate } from './generate.js';
import { UnansweredCreates } from './unanswered-creates.js';
import { stillWanted, WaitingTurn } from './waiting-turn.js';

/** Host services the creator needs from the session. */
export interface CreatorHost {
  /** Sends a client event (queued if not open); throws when the session is closed. */
  send(event: ClientEvent): void;
  /** A fresh client event id. */
  eventId(): string;
  /** See `InterruptCancelsHost.startedCancelled`. @default undefined */
  startedCancelled?(responseId: string): void;
  /** The responses in progress, oldest first. */
  activeResponses(): readonly RealtimeResponse[];
  /** Whether `event` still waits in the outbox (not written to a socket yet). */
  queued(event: ClientEvent): boolean;
  /** Logs with the session id. */
  readonly logger: Logger;
  /** Fields for log lines. */
  logFields(): Record<string, unknown>;
  /** Time for the timeouts of `generate()` requests. */
  readonly clock: Clock;
  /** How long a written `generate()` request waits for its `response.created` (while connected). */
  readonly requestTimeoutMs: number;
}

/** The `response.create` / `response.cancel` logic. */
export class ResponseCreator {
  readonly #host: CreatorHost;
  // whether a conversation create waits for its response.created, and the creates waiting their
  // turn; made on the first create that must wait or be waited for (server VAD alone needs none)
  #gate: PendingCreate | undefined;
  // the creates written whose response.created has not arrived (for the conversation and out of
  // band), and those the connection took with it
  readonly #unanswered = new UnansweredCreates();
  // generate()'s requests; made on the first, so a session that never awaits one keeps nothing
  #awaited: AwaitedResponses | undefined;
  #connected = false;
  // the tools creates gave their responses alone, matched to the responses they start
  readonly #responseTools = new PerResponseTools();
  // the creates a server refused as busy, and what they asked for (made on a side-band's first
  // connect, on the first such refusal, or on the first create asking other than `keep_both`)
  #kept: BusyCreates | undefined;
  // the cancels of `session.interrupt()` and the creates asked for before it (made on the first)
  #bargeIn: BargeIn | undefined;
  // what each tagged create asked for, until its response starts (made on the first)
  #asked: AskedConversations | undefined;
  // gives up the out-of-band create no answer came for (made on the first out-of-band create)
  #outOfBandBound: OutOfBandBound | undefined;
  // the lost conversation creates sent again after a restore, one at a time
  #resend: ResendInTurn | undefined;
  // what a create waiting its turn looks at, and what it needs of this (made on first use)
  #turn: Turn | undefined;
  #inTurn: InTurnHost | undefined;
  // the conversation creates waiting their turn (made on the first that waits)
  #waitingTurn: WaitingTurn | undefined;

  /** Creates the logic over `host`. */
  constructor(host: CreatorHost) {
    this.#host = host;
  }

  /** The cancels of `session.interrupt()` and the creates asked for before it (made on first use). */
  bargeIn(): BargeIn {
    const host = this.#host;
    return (this.#bargeIn ??= new BargeIn({
      send: (event) => host.send(event),
      eventId: () => host.eventId(),
      startedCancelled: (responseId) => host.startedCancelled?.(responseId),
      unanswered: this.#unanswered,
      resend: () => this.#resend,
      waitedFor: (event) => {
        const tag = requestTag(event.response?.metadata);
        return tag !== undefined && this.#awaited?.has(tag) === true;
      },
      logger: host.logger,
      logFields: () => host.logFields(),
      sendPending: (response) => this.#sendPending(response),
      staleDropped: () => {
        // the lost creates dropped may have been all the outage held later creates back for
        const gate = this.#gate;
        if (
          gate?.pending === true &&
          !this.#connected &&
          this.#unanswered.conversation === undefined
        )
          if (this.#unanswered.lostConversation().length === 0) gate.clear();
        gate?.wake();
      },
    }));
  }

  #turnOf(): Turn {
    return (this.#turn ??= {
      active: () => this.#host.activeResponses(),
      pending: () => this.#gate?.pending === true,
      nextChange: () => this.#gateOf().nextChange(),
    });
  }

  #inTurnHost(): InTurnHost {
    const host = this.#host;
    return (this.#inTurn ??= {
      logger: host.logger,
      logFields: () => host.logFields(),
      activeResponses: () => host.activeResponses(),
      createPending: () => this.createPending,
      bargeIn: () => this.#bargeIn,
      turn: () => this.#turnOf(),
      sendPending: (params, onDuplicate) => this.#sendPending(params, false, onDuplicate),
      sendStale: (params) => this.bargeIn().sendStale(params),
      cancel: (responseId) => this.#cancel(responseId),
      interrupted: (responseId) => this.interrupted(responseId),
      waitTurn: (params, fresh) => (this.#waitingTurn ??= new WaitingTurn()).enter(params, fresh),
    });
  }

  #awaitedTable(): AwaitedResponses {
    const host = this.#host;
    return (this.#awaited ??= new AwaitedResponses(
      host.clock,
      host.requestTimeoutMs,
      (responseId) => {
        // an interruption cancelled it the moment it started (the same response.created): a
        // second cancel would draw response_cancel_not_active, reported as the app's error
        if (this.#bargeIn?.cancelled(responseId) === true) return;
        // the app stopped waiting: the response may have just ended, and the refusal that then
        // comes is no error of the app's
        this.bargeIn().cancelUnreported(responseId);
      },
      !this.#connected,
    ));
  }

  #gateOf(): PendingCreate {
    return (this.#gate ??= new PendingCreate(this.#host.clock, this.#host.requestTimeoutMs, () =>
      this.#noAnswer(),
    ));
  }

  /**
   * Whether a deferred create was sent and its `response.created` has not arrived yet, or creates
   * a drop took wait their turn to be sent again.
   */
  get createPending(): boolean {
    return this.#gate?.pending === true || this.#resend?.waiting === true;
  }

  /**
   * Whether a response asked for with `create()` or `generate()` (the app's, or the engine's
   * follow-up to function calls) has not started yet: waiting its turn, written or queued
   * and not answered, or lost with the connection and to be sent again. See
   * `RealtimeSession.responseRequested`.
   */
  get requested(): boolean {
    const unanswered = this.#unanswered;
    if (this.createPending || unanswered.outOfBand !== undefined || unanswered.anyLost) return true;
    return (
      this.#waitingTurn?.some((params, fresh) =>
        stillWanted(params, this.#awaited, this.#responseTools, fresh),
      ) === true
    );
  }

  /**
   * Called on every `response.created` (the seed resolves and clears its create future there).
   * A tagged create (generate()'s, or a create() with room for the tag) is answered only by
   * the `response.created` that echoes its tag: one server VAD started meanwhile is not its
   * response, so a later create still waits for it and a drop before it sends it again.
   */
  onResponseCreated(response: RealtimeResponse): void {
    // first: the cancels and listeners below may read it
    this.#asked?.started(response);
    this.#bargeIn?.started(response);
    const unanswered = this.#unanswered;
    this.#responseTools.started(response, unanswered.conversation, unanswered.outOfBand);
    this.#awaited?.created(response);
    if (unanswered.answeredBy(response)) this.#gate?.clear();
    if (unanswered.outOfBand === undefined) this.#outOfBandBound?.stop();
    this.#gate?.wake();
  }

  /**
   * The names of the functions the request that started `responseId` gave that response alone
   * (`response.tools`), and the settings a follow-up to its calls inherits, when it gave any;
   * for the last 32 such responses.
   */
  responseTools(responseId: string): ResponseTools | undefined {
    return this.#responseTools.of(responseId);
  }

  // the pending create's bound passed without an answer (the gate let it go already)
  #noAnswer(): void {
    this.#host.logger.warn(
      'response.create got no answer: later creates no longer wait for it',
      this.#host.logFields(),
    );
    // a tagged create no response.created echoed the tag of (a server that drops metadata)
    // is given up too: nothing is to be cancelled when it starts
    const given = this.#unanswered.giveUpTagged();
    if (given !== undefined) this.#bargeIn?.forget(given.event_id);
  }

  /**
   * The client event `eventId` was refused (the server's `error` named it, or it could not be
   * written): if it was the unanswered create, it is answered; a `generate()` request it carried
   * rejects with `error`. Returns whether such a request took the error.
   */
  refused(eventId: string, error: unknown): boolean {
    this.#answeredByRefusal(eventId);
    return this.#awaited?.refused(eventId, error) ?? false;
  }

  // a refused create is answered: not sent again after a drop, and the next may go
  #answeredByRefusal(eventId: string): void {
    const conversation = this.#unanswered.refused(eventId);
    this.#bargeIn?.forget(eventId);
    if (conversation) this.#gate?.release();
  }

  /**
   * Called when the connection is lost: a pending create will never see its `response.created`.
   * A create the old socket took without answering is remembered and sent again by
   * {@link reopened}; one still in the outbox goes out after the restore anyway.
   */
  reset(): void {
    this.#connected = false;
    this.#outOfBandBound?.stop();
    this.#kept?.connectionLost();
    // the responses interrupt() cancelled were this connection's (its create is kept: see there)
    this.#bargeIn?.connectionLost();
    const queued = (event: ClientEvent): boolean => this.#host.queued(event);
    // generate() requests written and not answered: each is asked again, in the order they
    // were written, so each gets the answer the next connection gives; and the last create
    // written, when untagged (the seed's one unanswered create), for the conversation and out
    // of band. A create for the conversation still in the outbox, or lost and sent again by
    // reopened(), is still to be answered: a create made during the outage keeps waiting for
    // its response.created (else both go out with the restore and the server refuses the
    // second, conversation_already_has_active_response)
    // (the gate's bound stops: it counts connected time only)
    // creates still waiting their turn to be sent again were written on no connection since
    const unsent = this.#resend?.stop() ?? [];
    this.#resend = undefined;
    const lost = [...(this.#awaited?.lost(queued) ?? []), ...unsent];
    let pending = this.#unanswered.lost(lost, queued);
    // a create held to be cancelled when it starts is not asked for again
    if (this.#bargeIn?.dropHeldLost() === true)
      pending =
        this.#unanswered.conversation !== undefined ||
        this.#unanswered.lostConversation().length > 0;
    if (pending) this.#gateOf().disconnected(true);
    else this.#gate?.disconnected(false);
    this.#gate?.wake();
  }

  /**
   * A connection is open and restored: a response the last one was asked for and never started
   * (its `response.create` was written, no `response.created` came back) is asked for again.
   * `keptSession`: the server kept the session (a side-band re-attached), which may have
   * started it: see {@link busyRefused}. `persistent`: the connection is a side-band
   * (`busy-creates.ts`).
   */
  reopened(keptSession = false, persistent = keptSession): void {
    this.#connected = true;
    if (persistent) this.#busyCreates().reopened(true);
    else this.#kept?.reopened(false);
    this.#awaited?.resumed();
    this.#resendLost(keptSession);
    // one the outbox held went out with the restore: its bound starts now
    if (this.#unanswered.outOfBand !== undefined) this.#outOfBandBound?.start();
    const gate = this.#gate;
    if (gate?.pending === true && this.#unanswered.conversation === undefined) {
      // what the outage held later creates back for was not sent after all (an aborted
      // generate() request): nothing is on its way to wait for
      gate.release();
    } else {
      // a create made while disconnected was written with the restore: its wait starts now
      gate?.reconnected();
    }
  }

  #resendLost(keptSession: boolean): void {
    const lost = this.#unanswered.takeLost();
    if (lost === undefined) return;
    this.#resend = resendLost(lost, {
      turn: this.#turnOf(),
      conversationUnanswered: () => this.#unanswered.conversation !== undefined,
      send: (event, pending) => {
        this.#host.logger.info('response.create lost with the connection: sent again', {
          ...this.#host.logFields(),
          eventId: event.event_id,
        });
        if (pending) this.#sendPending(event.response, keptSession);
        else this.#send(event.response, keptSession);
      },
      done: () => this.#gate?.wake(),
    });
  }

  /** The session closed for good: nothing is sent again; `generate()` requests reject with `error`. */
  closed(error: unknown): void {
    this.#resend?.stop();
    this.#resend = undefined;
    this.#kept?.closed();
    this.#unanswered.clear();
    this.#outOfBandBound?.stop();
    this.#asked?.clear();
    this.#gate?.clear();
    this.#connected = false;
    this.#awaited?.closed(error);
    // nothing more starts to be cancelled, nor streams to be silenced
    this.#bargeIn = undefined;
    this.#waitingTurn?.clear();
    this.#gate?.wake();
  }

  /**
   * Requests a response like {@link create} and resolves with it once the server started it
   * (its `response.created`). Rejects with the server's `ServerError` when it refuses the
   * request, `RESPONSE_IN_PROGRESS` when `cancel_new` declined it, `TIMEOUT` when no
   * `response.created` answered it within `requestTimeoutMs` of connected time, the signal's
   * reason on abort, `SESSION_CLOSED` (or the close's cause) when the session ends first, and
   * `INVALID_ARGUMENT` for bad options. With `slow` (the engine's own requests), no `TIMEOUT`:
   * `slow` is called after `requestTimeoutMs` and the request keeps waiting for its response.
   */
  generate(
    options: ResponseGenerateOptions = {},
    started?: (response: RealtimeResponse) => void,
    slow?: () => void,
  ): Promise<RealtimeResponse> {
    return generate(
      {
        eventId: () => this.#host.eventId(),
        table: () => this.#awaitedTable(),
        // the engine's own requests (`slow`) wait their turn as expected: not warned of
        create: (request) => this.#create(request, false, slow !== undefined),
        activeResponseId: () => this.#host.activeResponses().at(-1)?.id,
      },
      options,
      started,
      slow,
    );
  }

  /**
   * Requests a response. Every request is tagged in `response.metadata` (see
   * `PerResponseTools.tag`), so that it is matched to the response it starts and not to one
   * server VAD (or another request) starts meanwhile; one whose metadata already has the API's
   * 16 pairs goes untagged (a warning is logged) and is matched to the next `response.created`.
   * Resolves `true` once `response.create` was sent (or queued), `false` when `cancel_new`
   * refused it; rejects with `INVALID_ARGUMENT` for options or `response` that are no object, a
   * bad `onDuplicate`, metadata using the request tag's key (`voxwire_request`) or an
   * out-of-band request's metadata with no room for the tag, and with `SESSION_CLOSED` when the
   * session closed first.
   */
  create(options: ResponseCreateOptions = {}): Promise<boolean> {
    return this.#create(options, true);
  }

  // `tag`: whether it is given a tag of its own (`createRequest`); `own`: the engine's request
  async #create(options: ResponseCreateOptions, tag: boolean, own = false): Promise<boolean> {
    const { onDuplicate, params } = createRequest(options, tag, this.#responseTools, this.#host);
    // an out-of-band response (`conversation: 'none'`) runs beside the conversation's: the
    // one-active-response rule does not apply to it, so it waits for nothing
    if (params?.conversation === 'none') return this.#send(params);
    return createInTurn(this.#inTurnHost(), params, onDuplicate, own);
  }

  /** Sends `response.cancel` unconditionally (as the seed; the server answers an error if none is active). */
  cancel(): void {
    this.#cancel(undefined);
  }

  /**
   * Whether `session.interrupt()` cancelled `responseId` (directly, or the moment it started):
   * its audio still on the way is not to be played.
   */
  interrupted(responseId: string): boolean {
    return this.#bargeIn?.cancelled(responseId) ?? false;
  }

  /**
   * The server refused the create `eventId` as busy (`busy-creates.ts`): `'held'`, the
   * unanswered conversation create, written again at the next {@link responseEnded} (its
   * `cancel_existing` cancels the response in progress first, as it would have had that
   * response been known); `'answered'`, a side-band's create sent again after a re-attach,
   * answered by the response the session is giving unseen. Neither is reported. `undefined`
   * otherwise: any other refusal, and a `cancel_new` create, which declines as it would have.
   */
  busyRefused(eventId: string, code: string | null): 'answered' | 'held' | undefined {
    return (code === BUSY ? this.#busyCreates() : this.#kept)?.refused(eventId, code);
  }

  /** A response is done (any, one this side ignores included): a held create goes again. */
  responseEnded(): void {
    this.#kept?.responseEnded();
  }

  #busyCreates(): BusyCreates {
    return (this.#kept ??= new BusyCreates(this.#busyHost()));
  }

  // what the busy creates need of the creator
  #busyHost(): BusyCreatesHost {
    return {
      activeResponses: () => this.#host.activeResponses(),
      interrupted: (responseId) => this.interrupted(responseId),
      cancel: (responseId) => this.#cancel(responseId),
      unansweredConversation: () => this.#unanswered.conversation,
      answeredUnseen: (eventId) => {
        this.#answeredByRefusal(eventId);
        const answering = this.#host
          .activeResponses()
          .find((response) => requestTag(response.resource.metadata) === undefined);
        this.#awaited?.answeredUnseen(eventId, answering);
      },
      // no answer is on its way: the bound restarts when it goes again
      pauseWait: () => this.#gate?.disconnected(true),
      writeAgain: (held) => {
        this.#host.logger.info(
          'response.create sent again: the answer the session was giving is done',
          {
            ...this.#host.logFields(),
            eventId: held.event_id,
          },
        );
        const tag = held.response === undefined ? undefined : requestTag(held.response.metadata);
        if (tag !== undefined) this.#awaited?.sent(tag, held);
        this.#host.send(held);
        this.#gate?.mark(this.#connected);
      },
    };
  }

  /** Whether `eventId` is a quiet cancel (and forgets it): its refusal is not reported. */
  quietCancelRefused(eventId: string): boolean {
    return this.#bargeIn?.quietCancelRefused(eventId) ?? false;
  }

  #cancel(responseId: string | undefined): void {
    this.#host.send(
      responseId === undefined
        ? { type: 'response.cancel', event_id: this.#host.eventId() }
        : { type: 'response.cancel', event_id: this.#host.eventId(), response_id: responseId },
    );
  }

  #send(response: ResponseCreateParams | undefined, toKeptSession = false): boolean {
    const tag = response === undefined ? undefined : requestTag(response.metadata);
    // a generate() request aborted meanwhile is not sent
    if (!stillWanted(response, this.#awaited, this.#responseTools)) return false;
    const event: ResponseCreateEvent =
      response === undefined
        ? { type: 'response.create', event_id: this.#host.eventId() }
        : { type: 'response.create', event_id: this.#host.eventId(), response };
    // known before the write: a write that fails at once (a value the connection's dialect
    // cannot express, such as an MCP tool on a beta server) is refused by this event id, and the
    // request it carries must be found to reject
    this.#unanswered.writing(event);
    if (tag !== undefined) {
      this.#bargeIn?.rewritten(event);
      this.#awaited?.sent(tag, event);
      (this.#asked ??= new AskedConversations()).sending(tag, response?.conversation === 'none');
    }
    this.#responseTools.sending(event, tag);
    if (toKeptSession && event.event_id !== undefined) this.#kept?.resending(event.event_id);
    try {
      this.#host.send(event);
    } catch (error) {
      // not sent at all (the session is closing): nothing to wait for
      this.#unanswered.notWritten(event);
      throw error;
    }
    // its bound counts connected time: one written while disconnected starts on the restore
    if (response?.conversation === 'none' && this.#unanswered.outOfBand === event) {
      this.#outOfBandBound ??= new OutOfBandBound(
        this.#host.clock,
        this.#host.requestTimeoutMs,
        () => this.#unanswered.giveUpOutOfBand(),
      );
      if (this.#connected) this.#outOfBandBound.start();
    }
    return true;
  }

  /**
   * {@link #send}, then, unless the write was refused on the spot, the next create waits for its
   * `response.created`. Returns false when an aborted request was not sent.
   */
  #sendPending(
    response: ResponseCreateParams | undefined,
    toKeptSession = false,
    onDuplicate: OnDuplicate = 'keep_both',
  ): boolean {
    if (!this.#send(response, toKeptSession)) return false;
    // refused (cleared) during the write: no response is on its way to wait for
    const written = this.#unanswered.conversation;
    if (written === undefined) return true;
    this.#gateOf().mark(this.#connected);
    // what a busy refusal of it does (`busyRefused`): keep_both, unless it asked otherwise
    if (onDuplicate !== 'keep_both') this.#busyCreates().rule(written, onDuplicate);
    return true;
  }
}
