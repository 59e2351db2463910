/**
 * `RealtimeSession`: the public face of a session. Its parts (connection, outbox, request
 * table, response tracker, create logic, emitter, features) are built around one shared context
 * in `session-host.ts`; the parts do the work: acknowledged requests in `session-requests.ts`,
 * the receive path in `session-dispatch.ts`, connection state changes (restore on open, settle
 * on loss and close) in `session-lifecycle.ts`, error surfacing in `session-errors.ts`.
 * @module
 */
import type { InterruptOptions, InterruptResult } from './interrupt.js';
import { PlaybackTracker } from './playback.js';
import { interruptSession } from './session-interrupt.js';
import type {
  AudioPath,
  Clock,
  ClientEvent,
  Connector,
  Dialect,
  IdGenerator,
  Logger,
} from '@voxwire/protocol';
import type { ChatContext, ChatItem } from './conversation/chat-context.js';
import type { ConversationMirror } from './conversation/mirror.js';
import { checkToolList, type ConversationOptions, type SessionTool } from './features/builtins.js';
import type { SetChatCtxOptions } from './features/conversation.js';
import type { ConnectionState } from './connection-state.js';
import { ServerError, VoxwireError, type SessionError } from './errors.js';
import type { Listener, Unsubscribe } from './emitter.js';
import type { SessionEvents } from './events.js';
import type { SessionFeatureFactory } from './feature.js';
import {
  copySessionOptions,
  mergeSessionOptions,
  type AudioRetention,
  type RealtimeSessionOptions,
  type SessionOptionsInput,
} from './options.js';
import type { ResolvedReliability } from './reconnect/options.js';
import type { SessionStats } from './reconnect/reliability-events.js';
import type { RealtimeResponse } from './responses/tree.js';
import {
  ConversationApiImpl,
  InputAudioBufferApiImpl,
  ResponseApiImpl,
  type ConversationApi,
  type InputAudioBufferApi,
  type ResponseApi,
} from './session-api.js';
import { SessionHost } from './session-host.js';
import { checkSubscription } from './subscription.js';
import { checkSessionToolChoice } from './tools/tool-choice.js';
import { ToolSetUpdates } from './tools/tool-set-updates.js';

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
  features?: readonly SessionFeatureFactory[] | undefined;
  /** Reconnection, backpressure, stream bounds, stall detection, dedupe. @default resolveReliability({}) */
  reliability?: ResolvedReliability | undefined;
  /** Called once the session is closed (the model forgets it). @default none */
  onClosed?: ((session: RealtimeSession) => void) | undefined;
  /** The conversation to start with (`model.session({ chatCtx })`). @default none */
  chatCtx?: ChatContext | readonly ChatItem[] | undefined;
}

// the initial sync of a session given no conversation to start with: nothing to wait for
const NOTHING_TO_SYNC: Promise<void> = Promise.resolve();

/** One realtime conversation with the server (the seed's `RealtimeSession`). */
export class RealtimeSession {
  // everything lives in one shared context the session's parts are built around (session-host.ts)
  readonly #host: SessionHost;
  // the tool sets sent, and the fall-back to the server's when it refuses one
  readonly #toolSets: ToolSetUpdates<SessionTool>;
  // the last interruption, settled either way: the next one's truncates and deletes go after it
  #interrupting: Promise<unknown> | undefined;

  /** The input audio buffer: `append(frame)`, `commit()`, `clear()`. */
  readonly inputAudioBuffer: InputAudioBufferApi;

  /** The conversation: item create, truncate, delete. Each resolves on the server's ack. */
  readonly conversation: ConversationApi;

  /** Responses: `create({ onDuplicate })` and `cancel()`. */
  readonly response: ResponseApi;

  /**
   * The sync of the conversation given to `model.session({ chatCtx })` (the seed's
   * `_init_sync_task`): started with the session, its creates go out right after the first
   * `session.update`. Resolves once the server holds it (at once when none was given); rejects
   * as `setChatCtx` does, and a failure is also reported on `error`, since nothing else may be
   * waiting for it. Await it before asking for an answer that must see that history.
   */
  readonly initialSync: Promise<void>;

  /** @internal use `RealtimeModel.session()` */
  constructor(init: SessionInit) {
    const host = (this.#host = new SessionHost(this, init));
    this.#toolSets = new ToolSetUpdates(host.builtins.functions);
    for (const make of init.features ?? []) host.features.push(make(this));
    this.inputAudioBuffer = new InputAudioBufferApiImpl(host);
    this.conversation = new ConversationApiImpl(host);
    this.response = new ResponseApiImpl(host);

    // as the seed: the first thing on the wire is the full session configuration; refused, the
    // server runs a session the app did not ask for, and this one closes with a typed error
    // (the router closes it as the refusal arrives, before any later frame is read)
    const initial = host.calls.sessionUpdateWithId();
    host.state.configUpdateId = initial.eventId;
    initial.promise.catch((error: unknown) => host.configUpdateFailed(error));
    this.initialSync = init.chatCtx === undefined ? NOTHING_TO_SYNC : this.setChatCtx(init.chatCtx);
    this.initialSync.catch((error: unknown) => {
      // after the end only function_calls_finished may be emitted (the sync failed with it)
      if (error instanceof VoxwireError && !host.closed()) host.violation(error);
    });
    // connect after the caller had a chance to subscribe
    void Promise.resolve().then(() => host.connection.connect());
  }

  /**
   * The session configuration: what was last asked for, replaced by the server's echo of the last
   * `session.update` in flight (an older echo does not undo a later update's values). A copy:
   * editing it changes nothing (use `sessionUpdate`).
   */
  get options(): RealtimeSessionOptions {
    return copySessionOptions(this.#host.state.options);
  }

  /**
   * Where the current (or last) connection's audio travels: `'events'` (a WebSocket: the app
   * appends the microphone and plays `response_audio`) or `'media'` (WebRTC: media tracks; the
   * server plays the answer, and `interrupt()` tells it to cut with `output_audio_buffer.clear`).
   * `undefined` before the first connect.
   */
  get audioPath(): AudioPath | undefined {
    return this.#host.lifecycle.audioPath;
  }

  /** The dialect of the current (or last) connection; `undefined` before the first connect. */
  get dialect(): Dialect | undefined {
    return this.#host.lifecycle.codec?.dialect;
  }

  /** The server's session id (`not-connected` before `session.created`). */
  get sessionId(): string {
    return this.#host.state.sessionId;
  }

  /**
   * Counters and retained-structure sizes: reconnects, rollovers, stalls, duplicate server events
   * dropped, input audio dropped (backpressure / while disconnected), stream chunks dropped, the
   * outbound queue, pending requests, responses, the mirror. Cheap: read it as often as you like.
   */
  get stats(): SessionStats {
    return { ...this.#host.outbox.stats, ...this.#host.reliability.stats() };
  }

  /** The connection state. */
  get connectionState(): ConnectionState {
    return this.#host.connection.state;
  }

  /** Responses in progress and the most recent finished ones (bounded by `maxRetainedResponses`). */
  get responses(): RealtimeResponse[] {
    return this.#host.tracker.all;
  }

  /** The response in progress, if any. */
  get activeResponse(): RealtimeResponse | undefined {
    return this.#host.tracker.active.at(-1);
  }

  /**
   * Whether a response asked for has not started yet: true from the moment `response.create()`
   * or `response.generate()` accepted the request (the engine's own follow-up to function-call
   * outputs too; out-of-band ones, `conversation: 'none'`, included: their audio is heard as
   * well) — while it waits its turn behind a response in progress (`keep_both`,
   * `cancel_existing`), is queued while reconnecting, or was written and awaits its
   * `response.created` — until the response it asked for started. A request `cancel_new`
   * declines, or that bad options refuse, is never counted. Use it to wait for an answer the
   * app asked for (say a goodbye before hanging up): {@link activeResponse} is `undefined`
   * until the server starts it.
   *
   * It turns `false` (re-check it there) on `response_created` (the response started; already
   * `false` when that event's listeners run, unless another request is still waiting), on
   * `error` (the server refused the request, or a plain `create()` could not be written; a
   * `generate()` request that could not be written rejects its promise instead), and on
   * `closed`. A request an interruption made stale while it waited its turn (a plain create, not
   * sent: `interrupt()`), one whose `generate()` was aborted or timed out, and one no answer came
   * for within `requestTimeoutMs` of connected time stop counting with no event of their own:
   * the caller's own promise or `interrupt()` tells the first two; a waiter should bound its
   * wait (the last is bounded by `requestTimeoutMs`).
   */
  get responseRequested(): boolean {
    return this.#host.creator.requested;
  }

  /**
   * What the app's speaker has played of the assistant's audio, for `interrupt()`: report it with
   * `playback.played(content, msOrFrame)` as the sink confirms playback, and `playback.stopped()`
   * when it has nothing left to play. Without reports the position is estimated from the clock.
   */
  get playback(): PlaybackTracker {
    const tracker = this.#host.tracker;
    return (this.#host.playback ??= new PlaybackTracker(
      this.#host.clock,
      () => tracker.forPlayback,
    ));
  }

  /**
   * The barge-in, when the user speaks over the assistant (call it from `input_speech_started`,
   * after clearing the speaker), presses push-to-talk or types: cancels the response whose answer
   * is being played (else the newest in progress not known to be out of band, and an
   * out-of-band one without audio only when no answer in the conversation is playing; with none in
   * progress, a tagged create's response, or an untagged one's when turn detection cannot start
   * responses, is cancelled the moment it starts), truncates the answer being played at what was
   * heard (`playback.position`, or `at`; 0 ms deletes it), waiting for its response to end first,
   * and deletes the audio answers of the cancelled response the player had not reached. Audio of
   * the cancelled response that arrives afterwards is no longer handed to `response_audio` or
   * `audioStream`. The position is taken when it is called; its truncates and deletes go after
   * those of an interruption still under way. Resolves with what it did; rejects with
   * `INVALID_ARGUMENT` for bad options, and with what a truncate or delete was refused with
   * (`SESSION_CLOSED`, …).
   */
  interrupt(options?: InterruptOptions): Promise<InterruptResult> {
    const host = this.#host;
    if (host.closed()) return Promise.reject(host.closedError());
    const result = interruptSession(
      host,
      () => this.playback,
      this.#interrupting ?? Promise.resolve(),
      options,
    );
    this.#interrupting = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Errors emitted while no `error` listener was attached (the most recent 32), so none is lost. */
  get unhandledErrors(): readonly SessionError[] {
    return this.#host.errors.unhandled;
  }

  /**
   * Subscribes to an event; returns the unsubscribe function.
   * @throws VoxwireError `INVALID_ARGUMENT` for a name that is no session event (naming the
   *   event it was likely meant to be) or a listener that is no function
   */
  on<K extends keyof SessionEvents>(event: K, listener: Listener<SessionEvents, K>): Unsubscribe {
    checkSubscription(event, listener);
    return this.#host.emitter.on(event, listener);
  }

  /** Subscribes for one emission; throws as {@link RealtimeSession.on} does. */
  once<K extends keyof SessionEvents>(event: K, listener: Listener<SessionEvents, K>): Unsubscribe {
    checkSubscription(event, listener);
    return this.#host.emitter.once(event, listener);
  }

  /** Unsubscribes a listener. */
  off<K extends keyof SessionEvents>(event: K, listener: Listener<SessionEvents, K>): void {
    this.#host.emitter.off(event, listener);
  }

  /**
   * Applies `partial` to the session options and sends the FULL session (in the connection's
   * dialect). Resolves with the options mapped from the server's `session.updated` echo;
   * rejects with `INVALID_ARGUMENT` (bad option), a `ToolError` (a bad tool set, or
   * `UNKNOWN_TOOL_CHOICE`: `toolChoice` forces a function the resulting tools lack; nothing is
   * sent), the server's `ServerError`, `TIMEOUT`, or a connection error.
   */
  sessionUpdate(
    partial: Omit<SessionOptionsInput, 'model'> & {
      /** The session's new tools, sent in the same `session.update`. @default the tools in force, unchanged */
      tools?: readonly SessionTool[] | undefined;
    } = {},
  ): Promise<RealtimeSessionOptions> {
    const host = this.#host;
    const toolSets = this.#toolSets;
    let merged: RealtimeSessionOptions;
    let toolsBefore: readonly SessionTool[] | undefined;
    try {
      // null, a number or a string would read as "no change" (or as options named 0, 1, …)
      if (typeof partial !== 'object' || partial === null || Array.isArray(partial))
        throw new VoxwireError('INVALID_ARGUMENT', 'sessionUpdate expects an object of options', {
          data: { argument: 'partial' },
        });
      const { tools, ...options } = partial;
      if (tools !== undefined) checkToolList(tools);
      // the connector's URL picks the model, for the whole session: a change would be dropped
      if ((options as SessionOptionsInput).model !== undefined)
        throw new VoxwireError(
          'INVALID_ARGUMENT',
          'model cannot change during a session: the connector picks it (it is part of the URL)',
          { data: { argument: 'model' } },
        );
      merged = mergeSessionOptions(host.state.options, options);
      // the choice against the tools the update leaves the session with (checked before the
      // tools are replaced: a refusal changes nothing)
      checkSessionToolChoice(
        merged.toolChoice,
        tools ?? toolSets.tools,
        host.featuresContributeUpdate(),
      );
      if (tools !== undefined) {
        toolsBefore = toolSets.tools;
        toolSets.replace(tools);
      }
      host.state.options = merged;
    } catch (error) {
      return Promise.reject(error);
    }
    const generation = toolSets.generation;
    const update = host.calls.sessionUpdate();
    if (toolsBefore !== undefined) toolSets.track(generation, update);
    return update.catch((error: unknown) => {
      // The server refused the update and kept its configuration. Every session.update carries
      // the whole configuration: keeping the refused value would have every later update (and
      // the restore after a reconnect) refused or applied behind the app's back. So the options
      // fall back to what the server last confirmed, unless something replaced them since.
      // The same for an update the connection's codec cannot write (a custom voice on a beta
      // server): nothing was sent, and every later update would fail the same way.
      if (error instanceof ServerError || isEncodeFailure(error)) {
        if (host.state.options === merged) host.state.options = host.state.confirmed ?? merged;
        if (toolsBefore !== undefined) toolSets.refused(generation, toolsBefore);
      }
      throw error;
    });
  }

  /** The tools the model may call. */
  get tools(): readonly SessionTool[] {
    return this.#host.builtins.functions.tools;
  }

  /**
   * Replaces the tools and, when what the server sees changed, sends `session.update` with them
   * (the seed never re-sent tools). Resolves on the server's echo; rejects with a `ToolError`
   * (`INVALID_TOOL`, `DUPLICATE_TOOL`, `SCHEMA_CONVERSION`, `UNKNOWN_TOOL_CHOICE` when the
   * session's `toolChoice` forces a tool the new set lacks; the old tools stay) or as `sessionUpdate`:
   * refused by the server (`ServerError`), the tools fall back to the ones it has.
   */
  async setTools(tools: readonly SessionTool[]): Promise<void> {
    checkToolList(tools);
    const toolSets = this.#toolSets;
    const before = toolSets.tools;
    // a forced choice of a tool this set drops would have the update refused whole: refused
    // here, with the old set kept (change both in one sessionUpdate({ tools, toolChoice }))
    checkSessionToolChoice(
      this.#host.state.options.toolChoice,
      tools,
      this.#host.featuresContributeUpdate(),
    );
    if (!toolSets.replace(tools)) {
      // nothing new for the server, but the update carrying these very tools may still be
      // unanswered: this call is told what the server makes of it, not success in advance
      const pending = toolSets.pending();
      if (pending !== undefined) await pending;
      return;
    }
    const generation = toolSets.generation;
    const update = this.#host.calls.sessionUpdate();
    toolSets.track(generation, update);
    try {
      await update;
    } catch (error) {
      // As for a refused sessionUpdate: the server kept its tools, and every later session.update
      // (the restore after a reconnect included) carries the whole set, so keeping the refused
      // one would have each of them refused too. Unless a newer set replaced it meanwhile.
      if (error instanceof ServerError || isEncodeFailure(error))
        toolSets.refused(generation, before);
      throw error;
    }
  }

  /** A deep copy of the server's conversation as the session's mirror knows it (the seed's `chat_ctx_copy`). */
  chatCtxCopy(): ChatContext {
    return this.#host.builtins.conversation.chatCtxCopy();
  }

  /**
   * Makes the server's conversation equal to `ctx` with the fewest deletes and creates (the
   * seed's `set_chat_ctx`, minimal by longest increasing subsequence). Resolves when the server
   * acknowledged every operation; rejects with a `ConversationError` (duplicate or missing ids,
   * unsendable content: nothing was sent) or a `ChatSyncError` listing each failed operation.
   * Calls run one after another.
   */
  setChatCtx(ctx: ChatContext | readonly ChatItem[], options?: SetChatCtxOptions): Promise<void> {
    return this.#host.builtins.conversation.setChatCtx(ctx, options);
  }

  /**
   * Closes the session: the socket closes with 1000, every pending promise settles
   * (`SESSION_CLOSED`), every stream ends. Idempotent.
   */
  async close(): Promise<void> {
    await this.#host.connection.close();
  }

  /** @internal for features: send a client event through the ordered outbox. */
  sendClientEvent(event: ClientEvent): void {
    this.#host.send(event);
  }

  /** @internal for features: emit a session event. */
  emitEvent<K extends keyof SessionEvents>(event: K, ...args: SessionEvents[K]): void {
    this.#host.emit(event, ...args);
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
    const host = this.#host;
    const conversation = host.builtins.conversation;
    return {
      clock: host.clock,
      logger: host.logger,
      generateId: host.generateId,
      conversation: { mirror: conversation.mirror, replay: (items) => conversation.replay(items) },
    };
  }
}

/** Whether `error` says the connection's codec could not write the request (nothing was sent). */
function isEncodeFailure(error: unknown): boolean {
  return error instanceof VoxwireError && error.code === 'ENCODE_FAILED';
}
