/**
 * `RealtimeSession`: composition of the connection, the outbox, the request table, the
 * response tracker, the create logic, the emitter and the features. It routes; the parts do.
 * @module
 */
import type { AudioFrame, Clock, ClientEvent, Connector, ConversationItem, Dialect, DialectCodec, IdGenerator, Logger, ServerEvent } from '@voxwire/protocol';
import type { ChatContext, ChatItem } from './conversation/chat-context.js';
import { toChatItem, type ChatItemInput } from './conversation/input.js';
import { chatItemToConversationItem } from './conversation/items.js';
import { ROOT_ITEM_ID, type ConversationMirror } from './conversation/mirror.js';
import { createBuiltins, type Builtins, type ConversationOptions, type SessionTool } from './features/builtins.js';
import { itemAudioEncoder, type SetChatCtxOptions } from './features/conversation.js';
import { SessionConnection, type ConnectionState } from './connection.js';
import { ServerError, VoxwireError, type SessionError } from './errors.js';
import { TypedEmitter, type Listener, type Unsubscribe } from './emitter.js';
import type { SessionEvents } from './events.js';
import type { SessionFeature, SessionFeatureFactory } from './feature.js';
import { dispatchInputEvent } from './input-events.js';
import { computeMetrics } from './metrics.js';
import { mergeSessionOptions, type AudioRetention, type RealtimeSessionOptions, type SessionOptionsInput } from './options.js';
import { Outbox } from './outbox.js';
import { resolveReliability, seededRandom, type ResolvedReliability } from './reconnect/options.js';
import { Reliability, type SessionStats } from './reconnect/reliability.js';
import { PendingRequests } from './requests.js';
import { ResponseCreator, type ResponseCreateOptions } from './responses/create.js';
import { ResponseTracker } from './responses/tracker.js';
import type { RealtimeResponse } from './responses/tree.js';
import { TrustedAppend, appendEvent, checkItemId, checkTruncate, type DeleteArgs, type TruncateArgs } from './session-api.js';
import { fromSessionResource, toSessionUpdate } from './session-config.js';

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

const MAX_UNHANDLED = 32;
// encode options for engine-built appends: the shape holds by construction and the audio is
// base64 the engine encoded, so the codec skips the schema run and the escape scan (shared
// object: nothing allocated per frame)
const TRUSTED = { validate: false, audioIsBase64: true } as const;

/** One realtime conversation with the server (the seed's `RealtimeSession`). */
export class RealtimeSession {
  readonly #init: SessionInit;
  readonly #emitter: TypedEmitter<SessionEvents>;
  readonly #connection: SessionConnection;
  readonly #outbox: Outbox;
  readonly #requests: PendingRequests;
  readonly #tracker: ResponseTracker;
  readonly #creator: ResponseCreator;
  readonly #features: SessionFeature[] = [];
  readonly #builtins: Builtins;
  readonly #reliability: Reliability;
  // the error `lost` already reported, so `closed` does not report it twice
  #reported: VoxwireError | undefined;
  readonly #unhandled: SessionError[] = [];
  #options: RealtimeSessionOptions;
  #sessionId = 'not-connected';
  #codec: DialectCodec | undefined;
  // bound once, so dispatch allocates nothing per event
  readonly #emitBound = <K extends keyof SessionEvents>(name: K, ...args: SessionEvents[K]): void => this.#emit(name, ...args);

  /** The input audio buffer: `append(frame)`, `commit()`, `clear()`. */
  readonly inputAudioBuffer: {
    /** Sends PCM16 mono audio at the session's input rate. Throws `INVALID_ARGUMENT` / `SESSION_CLOSED`. */
    append(frame: AudioFrame): void;
    /** Commits the buffer into a user item (needed when turn detection is off). */
    commit(): void;
    /** Drops the buffered audio. */
    clear(): void;
  };

  /** The conversation: item create, truncate, delete. Each resolves on the server's ack. */
  readonly conversation: {
    readonly item: {
      /**
       * Adds `item` after `previousItemId` (`undefined`: at the end; `null`: at the start); resolves
       * with the server's item. Rejects with `INVALID_ARGUMENT` (malformed item) or
       * `UNSUPPORTED_CONTENT` (content the API cannot take) before sending anything.
       */
      create(item: ChatItemInput, previousItemId?: string | null): Promise<ConversationItem>;
      /** Truncates assistant audio at `audioEndMs`; at 0 ms the item is deleted instead. */
      truncate(args: TruncateArgs): Promise<void>;
      /** Deletes an item. */
      delete(args: DeleteArgs): Promise<void>;
    };
  };

  /** Responses: `create({ onDuplicate })` and `cancel()`. */
  readonly response: {
    /** Requests a response with the seed's `onDuplicate` semantics. */
    create(options?: ResponseCreateOptions): Promise<boolean>;
    /** Cancels the response in progress (sent unconditionally, as the seed). */
    cancel(): void;
  };

  /** @internal use `RealtimeModel.session()` */
  constructor(init: SessionInit) {
    this.#init = init;
    this.#options = init.options;
    this.#emitter = new TypedEmitter<SessionEvents>((event, error) => this.#listenerFailed(event, error));
    this.#requests = new PendingRequests(init.clock, init.requestTimeoutMs);
    const rel = init.reliability ?? resolveReliability({});
    this.#outbox = new Outbox((event, error) => this.#writeFailed(event, error), {
      clock: init.clock,
      maxQueuedBytes: rel.maxQueuedBytes,
      maxDisconnectedAudioBytes: rel.reconnect.maxBufferedAudioBytes,
      highWaterMark: rel.highWaterMark,
      audioPolicy: rel.audioPolicy,
    });
    this.#tracker = new ResponseTracker(
      {
        clock: init.clock,
        audioRetention: init.audioRetention,
        maxRetained: init.maxRetainedResponses,
        outputFormat: () => this.#options.outputAudioFormat,
        streams: { highWaterMark: rel.streamHighWaterMark, policy: rel.streamPolicy, onDrop: () => this.#reliability.countStreamDrop() },
      },
      {
        created: (r) => {
          this.#creator.onResponseCreated();
          this.#emit('response_created', r);
        },
        outputAdded: (o) => this.#emit('response_output_added', o),
        contentAdded: (c) => this.#emit('response_content_added', c),
        contentDone: (c) => this.#emit('response_content_done', c),
        outputDone: (o) => this.#emit('response_output_done', o),
        done: (r) => this.#responseDone(r),
        violation: (e) => this.#error(e),
      },
    );
    this.#creator = new ResponseCreator({
      send: (event) => this.#send(event),
      eventId: () => init.generateId('event'),
      active: () => this.#tracker.active.at(-1),
      logger: init.logger,
      logFields: () => this.#logFields(),
    });
    this.#connection = new SessionConnection(
      {
        connector: init.connector,
        clock: init.clock,
        logger: init.logger,
        logFields: () => this.#logFields(),
        connectTimeoutMs: init.connectTimeoutMs,
        reconnect: rel.reconnect,
        random: rel.random ?? seededRandom(init.clock.now()),
      },
      {
        connecting: (attempt) => this.#emit('connecting', { attempt }),
        open: (state) => {
          this.#codec = state.codec;
          // a reconnect restores (configuration, conversation, lost requests) before anything queued
          const restore = this.#reliability.opened(state);
          const { transport, codec } = state;
          this.#outbox.open(
            {
              // appends the engine built are valid by construction: no schema run per audio frame
              write: (event) => transport.send(codec.encodeClientEvent(event, event instanceof TrustedAppend ? TRUSTED : undefined)),
              bufferedAmount: () => transport.bufferedAmount ?? 0,
            },
            restore.prelude,
          );
          this.#requests.resume();
          this.#emit('connected', { attempt: state.attempt, dialect: state.dialect, description: state.description });
          if (restore.event) this.#emit('reconnected', restore.event);
          for (const f of this.#features) this.#feature(f, 'onConnected', () => f.onConnected?.());
        },
        frame: (frame, codec) => this.#frame(frame, codec),
        transportError: (error) => this.#error(error),
        lost: (code, reason, error) => {
          if (error) this.#error(error);
          this.#reported = error;
          this.#lost(error ?? new VoxwireError('SESSION_CLOSED', 'the session was closed'));
          this.#emit('disconnected', { code, reason, error });
          for (const f of this.#features) this.#feature(f, 'onDisconnected', () => f.onDisconnected?.(error));
        },
        reconnecting: (attempt, delayMs, cause) => {
          this.#reliability.reconnecting(cause);
          this.#emit('reconnecting', { attempt, delayMs, cause });
        },
        closed: (error) => this.#closed(error),
      },
    );
    this.#reliability = new Reliability(
      {
        clock: init.clock,
        logger: init.logger,
        logFields: () => this.#logFields(),
        generateId: init.generateId,
        tracker: this.#tracker,
        creator: this.#creator,
        requests: this.#requests,
        outbox: this.#outbox,
        connection: this.#connection,
        mirror: () => this.#builtins?.conversation.mirror,
        encodeAudio: (frame) => itemAudioEncoder(this.#options.inputAudioFormat)(frame),
        sessionUpdate: () => this.#sessionUpdateRequest(),
        send: (event) => this.#send(event),
        stalled: (event) => this.#emit('response_stalled', event),
        error: (error) => this.#error(error),
      },
      rel,
    );
    this.#builtins = createBuiltins(
      {
        session: this,
        generateId: init.generateId,
        logger: init.logger,
        logFields: () => this.#logFields(),
        createItem: (item, previousItemId) => this.#itemCreate(item, previousItemId),
        deleteItem: (itemId) => this.#itemDelete({ itemId }),
        inputAudioFormat: () => this.#options.inputAudioFormat,
        emit: (event, ...args) => this.#emit(event, ...args),
        error: (error) => this.#error(error),
        closed: () => this.#connection.state.status === 'closed' || this.#connection.state.status === 'closing',
      },
      init,
    );
    this.#features.push(this.#builtins.conversation, this.#builtins.functions);
    for (const make of init.features ?? []) this.#features.push(make(this));

    this.inputAudioBuffer = {
      append: (frame) => this.#send(appendEvent(frame, this.#options.inputAudioFormat, init.generateId('event'))),
      commit: () => this.#send({ type: 'input_audio_buffer.commit', event_id: init.generateId('event') }),
      clear: () => this.#send({ type: 'input_audio_buffer.clear', event_id: init.generateId('event') }),
    };
    this.conversation = {
      item: {
        create: (message, previousItemId) => this.#itemCreate(message, previousItemId),
        truncate: (args) => this.#itemTruncate(args),
        delete: (args) => this.#itemDelete(args),
      },
    };
    this.response = {
      create: (options) => this.#creator.create(options),
      cancel: () => this.#creator.cancel(),
    };

    // as the seed: the first thing on the wire is the full session configuration
    this.#sessionUpdate().catch(() => undefined);
    // connect after the caller had a chance to subscribe
    void Promise.resolve().then(() => this.#connection.connect());
  }

  /** The session configuration: what was asked for, updated from each `session.updated` echo. */
  get options(): RealtimeSessionOptions {
    return this.#options;
  }

  /** The dialect of the current (or last) connection; `undefined` before the first connect. */
  get dialect(): Dialect | undefined {
    return this.#codec?.dialect;
  }

  /** The server's session id (`not-connected` before `session.created`). */
  get sessionId(): string {
    return this.#sessionId;
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
    return this.#unhandled;
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
  sessionUpdate(partial: SessionOptionsInput & { tools?: readonly SessionTool[] | undefined } = {}): Promise<RealtimeSessionOptions> {
    try {
      const { tools, ...options } = partial ?? {};
      const merged = mergeSessionOptions(this.#options, options);
      if (tools !== undefined) this.#builtins.functions.setTools(tools);
      this.#options = merged;
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#sessionUpdate();
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
    if (this.#builtins.functions.setTools(tools)) await this.#sessionUpdate();
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
    conversation: { mirror: ConversationMirror; replay(items?: readonly ChatItem[]): Promise<void> };
  } {
    const conversation = this.#builtins.conversation;
    return {
      clock: this.#init.clock,
      logger: this.#init.logger,
      generateId: this.#init.generateId,
      conversation: { mirror: conversation.mirror, replay: (items) => conversation.replay(items) },
    };
  }

  #sessionUpdate(): Promise<RealtimeSessionOptions> {
    return this.#request('session.update', ...this.#sessionUpdateEvent());
  }

  #sessionUpdateEvent(): [eventId: string, key: string, event: ClientEvent] {
    let session = toSessionUpdate(this.#options);
    for (const f of this.#features) {
      if (f.contributeSessionUpdate) session = f.contributeSessionUpdate(session);
    }
    const eventId = this.#init.generateId('event');
    return [eventId, 'session', { type: 'session.update', event_id: eventId, session }];
  }

  /** The restore's full `session.update`, tracked but not sent (the restore prelude carries it). */
  #sessionUpdateRequest(): { event: ClientEvent; promise: Promise<unknown> } {
    const [eventId, key, event] = this.#sessionUpdateEvent();
    return { event, promise: this.#requests.track('session.update', eventId, key, event) };
  }

  #itemCreate(input: ChatItemInput, previousItemId?: string | null): Promise<ConversationItem> {
    try {
      const chat = toChatItem(input, this.#init.generateId);
      const item = chatItemToConversationItem(chat, { encodeAudio: itemAudioEncoder(this.#options.inputAudioFormat) });
      const eventId = this.#init.generateId('event');
      const event: ClientEvent = { type: 'conversation.item.create', event_id: eventId, item };
      // the wire's start is "root"; an absent previous_item_id appends
      if (previousItemId !== undefined) event.previous_item_id = previousItemId === null ? ROOT_ITEM_ID : checkItemId(previousItemId, 'previousItemId');
      return this.#request('item.create', eventId, chat.id, event);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #itemTruncate(args: TruncateArgs): Promise<void> {
    const audioEndMs = checkTruncate(args);
    // the server refuses a 0 ms truncate ("Only model output audio messages can be truncated"); nothing was heard, so delete
    if (audioEndMs === 0) return this.#itemDelete({ itemId: args.itemId });
    const eventId = this.#init.generateId('event');
    await this.#request('item.truncate', eventId, args.itemId, {
      type: 'conversation.item.truncate',
      event_id: eventId,
      item_id: args.itemId,
      content_index: args.contentIndex,
      audio_end_ms: audioEndMs,
    });
  }

  async #itemDelete(args: DeleteArgs): Promise<void> {
    const itemId = checkItemId(args?.itemId);
    const eventId = this.#init.generateId('event');
    await this.#request('item.delete', eventId, itemId, { type: 'conversation.item.delete', event_id: eventId, item_id: itemId });
  }

  #request<T>(kind: 'item.create' | 'item.truncate' | 'item.delete' | 'session.update', eventId: string, key: string, event: ClientEvent): Promise<T> {
    try {
      this.#assertOpenable();
    } catch (error) {
      return Promise.reject(error);
    }
    const promise = this.#requests.track<T>(kind, eventId, key, event);
    this.#send(event);
    return promise;
  }

  #assertOpenable(): void {
    const s = this.#connection.state.status;
    if (s === 'closed' || s === 'closing') throw new VoxwireError('SESSION_CLOSED', 'the session is closed');
  }

  #send(event: ClientEvent): void {
    this.#assertOpenable();
    this.#outbox.send(event);
  }

  #frame(frame: string | Uint8Array, codec: DialectCodec): void {
    const result = codec.decodeServerEvent(frame);
    if (result.kind === 'violation') {
      const v = result.violation;
      this.#error(new VoxwireError('PROTOCOL_VIOLATION', `protocol violation: ${v.message}`, { data: { violation: v } }));
      return;
    }
    if (result.kind === 'unknown') {
      this.#emit('server_event', { kind: 'unknown', type: result.type, raw: result.raw });
      return;
    }
    const event = result.event;
    // a frame delivered twice is applied once (no audio counted twice, no response done twice)
    if (this.#reliability.isDuplicate(event)) return;
    // the tap's wrapper object is built only when someone listens (this runs once per frame)
    if (this.#emitter.listenerCount('server_event') > 0) this.#emit('server_event', { kind: 'event', event });
    this.#dispatch(event);
    for (const f of this.#features) {
      if (!f.onServerEvent) continue;
      // inline rather than through #feature: no closure per event and feature
      try {
        f.onServerEvent(event);
      } catch (cause) {
        this.#featureFailed(f, 'onServerEvent', cause);
      }
    }
    this.#reliability.observe(event);
  }

  #dispatch(event: ServerEvent): void {
    switch (event.type) {
      case 'session.created':
        if (event.session.id) this.#sessionId = event.session.id;
        this.#init.logger.debug('session created', this.#logFields());
        return;
      case 'session.updated': {
        if (event.session.type !== 'realtime') return;
        this.#options = fromSessionResource(event.session, this.#options);
        this.#requests.resolve('session.update', 'session', this.#options);
        this.#emit('session_updated', this.#options);
        return;
      }
      case 'error': {
        const error = new ServerError(event.error, event.event_id ?? null);
        this.#init.logger.error('server error', { ...this.#logFields(), type: error.type, code: error.code, eventId: error.eventId });
        if (error.eventId) this.#requests.rejectEventId(error.eventId, error);
        this.#connection.noteServerError(error.code);
        this.#error(error);
        return;
      }
      case 'conversation.item.added':
      case 'conversation.item.created':
        if (event.item.id) this.#requests.resolve('item.create', event.item.id, event.item);
        return;
      case 'conversation.item.deleted':
        this.#requests.resolve('item.delete', event.item_id, undefined);
        return;
      case 'conversation.item.truncated':
        this.#requests.resolve('item.truncate', event.item_id, undefined);
        return;
      default:
        // response events first: they are the hot path (one per delta)
        if (!this.#tracker.handle(event)) dispatchInputEvent(event, this.#emitBound, this.#init.logger, this.#logFields());
    }
  }

  #responseDone(response: RealtimeResponse): void {
    const log = this.#init.logger;
    if (response.status === 'failed') log.error('response generation failed', { ...this.#logFields(), responseId: response.id, details: response.statusDetails });
    else if (response.status === 'incomplete') log.warn('response incomplete', { ...this.#logFields(), responseId: response.id, details: response.statusDetails });
    this.#emit('response_done', response);
    this.#emit('metrics_collected', computeMetrics(response, this.#init.clock.now()));
  }

  /** Ends what the lost connection carried; requests wait for a reconnect (or for `closed`). */
  #lost(error: VoxwireError): void {
    this.#outbox.pause();
    this.#creator.reset();
    this.#reliability.lost();
    this.#tracker.abortAll(error.code === 'SESSION_CLOSED' ? 'session_closed' : 'connection_lost', error);
  }

  #closed(error: VoxwireError | undefined): void {
    // a connect that failed (or a supervisor that gave up) never reached `lost`: report it here
    const settle = error ?? new VoxwireError('SESSION_CLOSED', 'the session was closed');
    if (error && error !== this.#reported) this.#error(error);
    this.#lost(settle);
    this.#reliability.closed();
    this.#requests.rejectAll(settle);
    this.#outbox.drain();
    this.#emit('closed', { error });
    for (const f of this.#features) this.#feature(f, 'onClosed', () => f.onClosed?.());
    this.#init.onClosed?.(this);
  }

  #writeFailed(event: ClientEvent, cause: unknown): void {
    const encode = typeof cause === 'object' && cause !== null && (cause as { code?: unknown }).code === 'PROTOCOL_ENCODE';
    const error = new VoxwireError(encode ? 'ENCODE_FAILED' : 'SOCKET_ERROR', `could not send ${event.type}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
      data: { type: event.type },
    });
    if (!(event.event_id && this.#requests.rejectEventId(event.event_id, error))) this.#error(error);
  }

  #feature(f: SessionFeature, hook: string, run: () => void): void {
    try {
      run();
    } catch (cause) {
      this.#featureFailed(f, hook, cause);
    }
  }

  #featureFailed(f: SessionFeature, hook: string, cause: unknown): void {
    this.#error(new VoxwireError('LISTENER_FAILED', `feature ${f.name}.${hook} threw`, { cause, data: { event: hook, feature: f.name } }));
  }

  #emit<K extends keyof SessionEvents>(event: K, ...args: SessionEvents[K]): void {
    this.#emitter.emit(event, ...args);
  }

  #error(error: SessionError): void {
    if (!this.#emitter.emit('error', error)) this.#unhandledError(error);
  }

  #unhandledError(error: SessionError): void {
    // surfaced, never swallowed, and never thrown from the receive path
    this.#init.logger.error('unhandled session error (subscribe with session.on("error", …))', {
      ...this.#logFields(),
      name: error.name,
      code: error.code,
      message: error.message,
    });
    this.#unhandled.push(error);
    if (this.#unhandled.length > MAX_UNHANDLED) this.#unhandled.shift();
  }

  #listenerFailed(event: keyof SessionEvents, cause: unknown): void {
    const error = new VoxwireError('LISTENER_FAILED', `a listener of ${String(event)} threw`, { cause, data: { event } });
    if (event === 'error') this.#unhandledError(error);
    else this.#error(error);
  }

  #logFields(): Record<string, unknown> {
    return { sessionId: this.#sessionId };
  }
}
