/**
 * `RealtimeSession`: composition of the connection, the outbox, the request table, the
 * response tracker, the create logic, the emitter and the features. It wires; the parts do:
 * acknowledged requests in `session-requests.ts`, the receive path in `session-dispatch.ts`,
 * connection state changes (restore on open, settle on loss and close) in `session-lifecycle.ts`,
 * error surfacing in `session-errors.ts`.
 * @module
 */
import type {
  Clock,
  ClientEvent,
  Connector,
  Dialect,
  IdGenerator,
  Logger,
} from '@voxwire/protocol';
import type { ChatContext, ChatItem } from './conversation/chat-context.js';
import type { ConversationMirror } from './conversation/mirror.js';
import {
  createBuiltins,
  type Builtins,
  type ConversationOptions,
  type SessionTool,
} from './features/builtins.js';
import { itemAudioEncoder, type SetChatCtxOptions } from './features/conversation.js';
import type { ConnectionState } from './connection-state.js';
import { SessionConnection } from './connection.js';
import { VoxwireError, type SessionError } from './errors.js';
import { TypedEmitter, type Listener, type Unsubscribe } from './emitter.js';
import type { SessionEvents } from './events.js';
import type { SessionFeature, SessionFeatureFactory } from './feature.js';
import {
  mergeSessionOptions,
  type AudioRetention,
  type RealtimeSessionOptions,
  type SessionOptionsInput,
} from './options.js';
import { Outbox } from './outbox.js';
import { resolveReliability, seededRandom, type ResolvedReliability } from './reconnect/options.js';
import { Reliability, type SessionStats } from './reconnect/reliability.js';
import { PendingRequests } from './requests.js';
import { ResponseCreator } from './responses/create.js';
import { ResponseTracker } from './responses/tracker.js';
import type { RealtimeResponse } from './responses/tree.js';
import {
  appendEvent,
  type ConversationApi,
  type InputAudioBufferApi,
  type ResponseApi,
} from './session-api.js';
import { ServerEventRouter, type SessionState } from './session-dispatch.js';
import { SessionErrors } from './session-errors.js';
import { SessionLifecycle } from './session-lifecycle.js';
import { SessionRequests } from './session-requests.js';

/** Everything a session needs, resolved by `RealtimeModel`. */
export interface SessionInit extends ConversationOptions {
  /** The session configuration (already merged and validated). */
  options: RealtimeSessionOptions;
  /** Gives a fresh transport per (re)connect. */
  connector: Connector;
  /** Time. */
  clock: Clock;
  /** Logging. */
  logger: Logger;
  /** Ids for client events and items. */
  generateId: IdGenerator;
  /** Ack timeout of item and session requests, ms. */
  requestTimeoutMs: number;
  /** Connect timeout, ms. */
  connectTimeoutMs: number;
  /** Output audio kept on contents. */
  audioRetention: AudioRetention;
  /** Finished responses kept. */
  maxRetainedResponses: number;
  /** Features to install. @default [] */
  features?: readonly SessionFeatureFactory[];
  /** Reconnection, backpressure, stream bounds, stall detection, dedupe. @default resolveReliability({}) */
  reliability?: ResolvedReliability;
  /** Called once the session is closed (the model forgets it). */
  onClosed?: (session: RealtimeSession) => void;
}

/** One realtime conversation with the server (the seed's `RealtimeSession`). */
export class RealtimeSession {
  readonly #init: SessionInit;
  readonly #state: SessionState;
  readonly #emitter: TypedEmitter<SessionEvents>;
  readonly #errors: SessionErrors;
  readonly #connection: SessionConnection;
  readonly #outbox: Outbox;
  readonly #requests: PendingRequests;
  readonly #calls: SessionRequests;
  readonly #tracker: ResponseTracker;
  readonly #creator: ResponseCreator;
  readonly #router: ServerEventRouter;
  readonly #features: SessionFeature[] = [];
  readonly #builtins: Builtins;
  readonly #reliability: Reliability;
  readonly #lifecycle: SessionLifecycle;

  /** The input audio buffer: `append(frame)`, `commit()`, `clear()`. */
  readonly inputAudioBuffer: InputAudioBufferApi;

  /** The conversation: item create, truncate, delete. Each resolves on the server's ack. */
  readonly conversation: ConversationApi;

  /** Responses: `create({ onDuplicate })` and `cancel()`. */
  readonly response: ResponseApi;

  /** @internal use `RealtimeModel.session()` */
  constructor(init: SessionInit) {
    this.#init = init;
    this.#state = { options: init.options, sessionId: 'not-connected' };
    const logFields = () => this.#logFields();
    this.#errors = new SessionErrors({
      emitter: () => this.#emitter,
      logger: init.logger,
      logFields,
    });
    this.#emitter = new TypedEmitter<SessionEvents>((event, error) =>
      this.#errors.listenerFailed(event, error),
    );
    this.#requests = new PendingRequests(init.clock, init.requestTimeoutMs);
    const rel = init.reliability ?? resolveReliability({});
    this.#outbox = new Outbox(
      (event, error) =>
        this.#errors.writeFailed(event, error, (id, e) => this.#requests.rejectEventId(id, e)),
      {
        clock: init.clock,
        maxQueuedBytes: rel.maxQueuedBytes,
        maxDisconnectedAudioBytes: rel.reconnect.maxBufferedAudioBytes,
        highWaterMark: rel.highWaterMark,
        audioPolicy: rel.audioPolicy,
      },
    );
    this.#calls = new SessionRequests({
      requests: this.#requests,
      generateId: init.generateId,
      options: () => this.#state.options,
      features: this.#features,
      assertOpenable: () => this.#assertOpenable(),
      send: (event) => this.#send(event),
    });
    this.#tracker = new ResponseTracker(
      {
        clock: init.clock,
        audioRetention: init.audioRetention,
        maxRetained: init.maxRetainedResponses,
        outputFormat: () => this.#state.options.outputAudioFormat,
        streams: {
          highWaterMark: rel.streamHighWaterMark,
          policy: rel.streamPolicy,
          onDrop: () => this.#reliability.countStreamDrop(),
        },
      },
      {
        created: (r) => {
          this.#creator.onResponseCreated();
          this.#emit('response_created', r);
        },
        outputAdded: (o) => this.#emit('response_output_added', o),
        contentAdded: (c) => this.#emit('response_content_added', c),
        audio: (frame, c) => this.#emitter.emit('response_audio', frame, c),
        text: (delta, c) => this.#emitter.emit('response_text', delta, c),
        contentDone: (c) => this.#emit('response_content_done', c),
        outputDone: (o) => this.#emit('response_output_done', o),
        done: (r) => this.#router.responseDone(r),
        violation: (e) => this.#error(e),
      },
    );
    this.#creator = new ResponseCreator({
      send: (event) => this.#send(event),
      eventId: () => init.generateId('event'),
      active: () => this.#tracker.active.at(-1),
      logger: init.logger,
      logFields,
    });
    this.#lifecycle = new SessionLifecycle({
      emit: (event, ...args) => this.#emit(event, ...args),
      errors: this.#errors,
      outbox: this.#outbox,
      requests: this.#requests,
      creator: this.#creator,
      tracker: this.#tracker,
      reliability: () => this.#reliability,
      router: () => this.#router,
      features: this.#features,
      onClosed: () => init.onClosed?.(this),
    });
    this.#connection = new SessionConnection(
      {
        connector: init.connector,
        clock: init.clock,
        logger: init.logger,
        logFields,
        connectTimeoutMs: init.connectTimeoutMs,
        reconnect: rel.reconnect,
        random: rel.random ?? seededRandom(init.clock.now()),
      },
      this.#lifecycle,
    );
    this.#reliability = new Reliability(
      {
        clock: init.clock,
        logger: init.logger,
        logFields,
        generateId: init.generateId,
        tracker: this.#tracker,
        creator: this.#creator,
        requests: this.#requests,
        outbox: this.#outbox,
        connection: this.#connection,
        mirror: () => this.#builtins?.conversation.mirror,
        encodeAudio: (frame) => itemAudioEncoder(this.#state.options.inputAudioFormat)(frame),
        sessionUpdate: () => this.#calls.sessionUpdateRequest(),
        send: (event) => this.#send(event),
        stalled: (event) => this.#emit('response_stalled', event),
        error: (error) => this.#error(error),
      },
      rel,
    );
    this.#router = new ServerEventRouter({
      state: this.#state,
      emitter: this.#emitter,
      errors: this.#errors,
      requests: this.#requests,
      tracker: this.#tracker,
      reliability: this.#reliability,
      connection: this.#connection,
      features: this.#features,
      clock: init.clock,
      logger: init.logger,
      logFields,
    });
    this.#builtins = createBuiltins(
      {
        session: this,
        generateId: init.generateId,
        logger: init.logger,
        logFields,
        createItem: (item, previousItemId) => this.#calls.itemCreate(item, previousItemId),
        deleteItem: (itemId) => this.#calls.itemDelete({ itemId }),
        inputAudioFormat: () => this.#state.options.inputAudioFormat,
        emit: (event, ...args) => this.#emit(event, ...args),
        error: (error) => this.#error(error),
        closed: () =>
          this.#connection.state.status === 'closed' || this.#connection.state.status === 'closing',
      },
      init,
    );
    this.#features.push(this.#builtins.conversation, this.#builtins.functions);
    for (const make of init.features ?? []) this.#features.push(make(this));

    this.inputAudioBuffer = {
      append: (frame) =>
        this.#send(
          appendEvent(frame, this.#state.options.inputAudioFormat, init.generateId('event')),
        ),
      commit: () =>
        this.#send({ type: 'input_audio_buffer.commit', event_id: init.generateId('event') }),
      clear: () =>
        this.#send({ type: 'input_audio_buffer.clear', event_id: init.generateId('event') }),
    };
    this.conversation = {
      item: {
        create: (message, previousItemId) => this.#calls.itemCreate(message, previousItemId),
        truncate: (args) => this.#calls.itemTruncate(args),
        delete: (args) => this.#calls.itemDelete(args),
      },
    };
    this.response = {
      create: (options) => this.#creator.create(options),
      cancel: () => this.#creator.cancel(),
    };

    // as the seed: the first thing on the wire is the full session configuration
    this.#calls.sessionUpdate().catch(() => undefined);
    // connect after the caller had a chance to subscribe
    void Promise.resolve().then(() => this.#connection.connect());
  }

  /** The session configuration: what was asked for, updated from each `session.updated` echo. */
  get options(): RealtimeSessionOptions {
    return this.#state.options;
  }

  /** The dialect of the current (or last) connection; `undefined` before the first connect. */
  get dialect(): Dialect | undefined {
    return this.#lifecycle.codec?.dialect;
  }

  /** The server's session id (`not-connected` before `session.created`). */
  get sessionId(): string {
    return this.#state.sessionId;
  }

  /**
   * Counters and retained-structure sizes: reconnects, rollovers, stalls, duplicate server events
   * dropped, input audio dropped (backpressure / while disconnected), stream chunks dropped, the
   * outbound queue, pending requests, responses, the mirror. Cheap: read it as often as you like.
   */
  get stats(): SessionStats {
    return { ...this.#outbox.stats, ...this.#reliability.stats() };
  }

  /** The connection state. */
  get connectionState(): ConnectionState {
    return this.#connection.state;
  }

  /** Responses in progress and the most recent finished ones (bounded by `maxRetainedResponses`). */
  get responses(): RealtimeResponse[] {
    return this.#tracker.all;
  }

  /** The response in progress, if any. */
  get activeResponse(): RealtimeResponse | undefined {
    return this.#tracker.active.at(-1);
  }

  /** Errors emitted while no `error` listener was attached (the most recent 32), so none is lost. */
  get unhandledErrors(): readonly SessionError[] {
    return this.#errors.unhandled;
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof SessionEvents>(event: K, listener: Listener<SessionEvents, K>): Unsubscribe {
    return this.#emitter.on(event, listener);
  }

  /** Subscribes for one emission. */
  once<K extends keyof SessionEvents>(event: K, listener: Listener<SessionEvents, K>): Unsubscribe {
    return this.#emitter.once(event, listener);
  }

  /** Unsubscribes a listener. */
  off<K extends keyof SessionEvents>(event: K, listener: Listener<SessionEvents, K>): void {
    this.#emitter.off(event, listener);
  }

  /**
   * Applies `partial` to the session options and sends the FULL session (in the connection's
   * dialect). Resolves with the options mapped from the server's `session.updated` echo;
   * rejects with `INVALID_ARGUMENT` (bad option), the server's `ServerError`, `TIMEOUT`, or a
   * connection error.
   */
  sessionUpdate(
    partial: SessionOptionsInput & { tools?: readonly SessionTool[] | undefined } = {},
  ): Promise<RealtimeSessionOptions> {
    try {
      const { tools, ...options } = partial ?? {};
      const merged = mergeSessionOptions(this.#state.options, options);
      if (tools !== undefined) this.#builtins.functions.setTools(tools);
      this.#state.options = merged;
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#calls.sessionUpdate();
  }

  /** The tools the model may call. */
  get tools(): readonly SessionTool[] {
    return this.#builtins.functions.tools;
  }

  /**
   * Replaces the tools and, when what the server sees changed, sends `session.update` with them
   * (the seed never re-sent tools). Resolves on the server's echo; rejects with a `ToolError`
   * (`INVALID_TOOL`, `DUPLICATE_TOOL`, `SCHEMA_CONVERSION`; the old tools stay) or as `sessionUpdate`.
   */
  async setTools(tools: readonly SessionTool[]): Promise<void> {
    if (this.#builtins.functions.setTools(tools)) await this.#calls.sessionUpdate();
  }

  /** A deep copy of the server's conversation as the session's mirror knows it (the seed's `chat_ctx_copy`). */
  chatCtxCopy(): ChatContext {
    return this.#builtins.conversation.chatCtxCopy();
  }

  /**
   * Makes the server's conversation equal to `ctx` with the fewest deletes and creates (the
   * seed's `set_chat_ctx`, minimal by longest increasing subsequence). Resolves when the server
   * acknowledged every operation; rejects with a `ConversationError` (duplicate or missing ids,
   * unsendable content: nothing was sent) or a `ChatSyncError` listing each failed operation.
   * Calls run one after another.
   */
  setChatCtx(ctx: ChatContext | readonly ChatItem[], options?: SetChatCtxOptions): Promise<void> {
    return this.#builtins.conversation.setChatCtx(ctx, options);
  }

  /**
   * Closes the session: the socket closes with 1000, every pending promise settles
   * (`SESSION_CLOSED`), every stream ends. Idempotent.
   */
  async close(): Promise<void> {
    await this.#connection.close();
  }

  /** @internal for features: send a client event through the ordered outbox. */
  sendClientEvent(event: ClientEvent): void {
    this.#send(event);
  }

  /** @internal for features: emit a session event. */
  emitEvent<K extends keyof SessionEvents>(event: K, ...args: SessionEvents[K]): void {
    this.#emit(event, ...args);
  }

  /**
   * @internal for features: the injected services, and the conversation (the mirror, and
   * `replay(items)` to re-create items on a fresh server conversation after a reconnect).
   */
  get services(): {
    clock: Clock;
    logger: Logger;
    generateId: IdGenerator;
    conversation: {
      mirror: ConversationMirror;
      replay(items?: readonly ChatItem[]): Promise<void>;
    };
  } {
    const conversation = this.#builtins.conversation;
    return {
      clock: this.#init.clock,
      logger: this.#init.logger,
      generateId: this.#init.generateId,
      conversation: { mirror: conversation.mirror, replay: (items) => conversation.replay(items) },
    };
  }

  #assertOpenable(): void {
    const s = this.#connection.state.status;
    if (s === 'closed' || s === 'closing')
      throw new VoxwireError('SESSION_CLOSED', 'the session is closed');
  }

  #send(event: ClientEvent): void {
    this.#assertOpenable();
    this.#outbox.send(event);
  }

  #emit<K extends keyof SessionEvents>(event: K, ...args: SessionEvents[K]): void {
    this.#emitter.emit(event, ...args);
  }

  #error(error: SessionError): void {
    this.#errors.report(error);
  }

  #logFields(): Record<string, unknown> {
    return { sessionId: this.#state.sessionId };
  }
}
