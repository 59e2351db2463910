/**
 * The one shared context of a session. It builds the session's parts and is handed to each of
 * them as their host: the tracker's sink, the creator's, lifecycle's, reliability's, the
 * router's and the built-in features' dependencies are all this object, read through its
 * fields and prototype methods.
 *
 * Why one object: a session used to give each part a bag of arrow functions (`send`, `emit`,
 * `logFields`, `outputFormat`, …), some 60 closures and their contexts per session. At a
 * thousand sessions in one process that is megabytes of small objects the garbage collector
 * keeps tracing (issue 9, PROFILE.md round 4). Methods on a prototype cost nothing per session.
 * Parts read a field when they need it, so construction order only matters for what a part's
 * constructor reads itself.
 * @module
 */
import type {
  AudioFrame,
  ClientEvent,
  ConversationItem,
  Clock,
  Connector,
  Dialect,
  IdGenerator,
  Logger,
  TimerId,
} from '@voxwire/protocol';
import type { ChatItem } from './conversation/chat-context.js';
import type { InFlightItemChange } from './conversation/in-flight.js';
import type { ConversationMirror } from './conversation/mirror.js';
import { SessionConnection } from './connection.js';
import { sessionClosed, unanswered, undrained, unresponsive } from './connection-loss.js';
import type { ResolvedReconnect } from './reconnect/policy.js';
import { ServerError, VoxwireError, type SessionError } from './errors.js';
import { TypedEmitter } from './emitter.js';
import type { SessionEvents } from './events.js';
import type { SessionFeature } from './feature.js';
import { createBuiltins, type Builtins } from './features/builtins.js';
import { itemAudioEncoder, type AudioModeHint } from './features/conversation.js';
import type { AudioFormatName, AudioRetention, RealtimeSessionOptions } from './options.js';
import { DEFAULT_CLOSING_TIMEOUT_MS, Outbox } from './outbox.js';
import { resolveReliability, seededRandom } from './reconnect/options.js';
import { Reliability } from './reconnect/reliability.js';
import { ReplyWatch } from './reconnect/reply-watch.js';
import type { ResponseStalledEvent } from './reconnect/reliability-events.js';
import { PendingRequests } from './requests.js';
import { ResponseCreator } from './responses/create.js';
import type { ResponseCreateRequest, ResponseGenerateOptions } from './responses/create-options.js';
import type { ResponseTools } from './responses/per-response-tools.js';
import type { ChunkStreamOptions } from './responses/stream.js';
import { ResponseTracker } from './responses/tracker.js';
import type { RealtimeContent, RealtimeOutput, RealtimeResponse } from './responses/tree.js';
import type { RealtimeSession, SessionInit } from './session.js';
import { ServerEventRouter, type SessionState } from './session-dispatch.js';
import type { PlaybackTracker } from './playback.js';
import { endAfterFatalError } from './fatal-server-error.js';
import { SessionErrors } from './session-errors.js';
import { SessionLifecycle } from './session-lifecycle.js';
import { SessionRequests } from './session-requests.js';
import { clearServerAudio } from './session-interrupt.js';

/** @internal the shared context of one `RealtimeSession` (not exported from the package). */
export class SessionHost {
  /** The public session (features receive it). */
  readonly session: RealtimeSession;
  // not the whole SessionInit: it would keep the options as first given (replaced on the first
  // `session.updated`) and the model's per-session closure alive for the session's life
  readonly #onClosed: ((session: RealtimeSession) => void) | undefined;
  // the grace a fatal server error leaves the server's own close (fatal-server-error.ts)
  #fatalGrace: TimerId | undefined;
  readonly state: SessionState;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly generateId: IdGenerator;
  // connection options (SessionConnection reads them from its host)
  readonly connector: Connector;
  readonly connectTimeoutMs: number;
  readonly reconnect: ResolvedReconnect;
  readonly random: () => number;
  /** How long acknowledged requests (and `generate()`'s `response.created`) may take. */
  readonly requestTimeoutMs: number;
  // tracker options (ResponseTracker reads them from its host)
  readonly audioRetention: AudioRetention;
  readonly maxRetained: number;
  readonly streams: ChunkStreamOptions;
  // built-in feature options
  readonly audioModeHint: AudioModeHint;

  readonly features: SessionFeature[];
  /** The conversation feature: the router feeds it each event before the listeners. */
  readonly mirrorFeature: SessionFeature;
  readonly errors: SessionErrors;
  readonly emitter: TypedEmitter<SessionEvents>;
  readonly requests: PendingRequests;
  readonly outbox: Outbox;
  /** Takes a connection whose server answers nothing for dead. */
  readonly replies: ReplyWatch;
  readonly calls: SessionRequests;
  readonly tracker: ResponseTracker;
  readonly creator: ResponseCreator;
  readonly lifecycle: SessionLifecycle;
  readonly connection: SessionConnection;
  readonly reliability: Reliability;
  readonly router: ServerEventRouter;
  readonly builtins: Builtins;
  /**
   * `session.playback`, made by its first read (or `interrupt()`): most sessions never need one.
   * Here, not on the session, because the restore after a drop reads what was heard.
   */
  playback: PlaybackTracker | undefined;

  constructor(session: RealtimeSession, init: SessionInit) {
    this.session = session;
    this.#onClosed = init.onClosed;
    this.state = { options: init.options, sessionId: 'not-connected' };
    this.clock = init.clock;
    this.logger = init.logger;
    this.generateId = init.generateId;
    const rel = init.reliability ?? resolveReliability({});
    this.connector = init.connector;
    this.connectTimeoutMs = init.connectTimeoutMs;
    this.reconnect = rel.reconnect;
    this.random = rel.random ?? seededRandom(init.clock.now());
    this.requestTimeoutMs = init.requestTimeoutMs;
    this.audioRetention = init.audioRetention;
    this.maxRetained = init.maxRetainedResponses;
    this.audioModeHint = init.audioModeHint ?? false;
    this.streams = {
      highWaterMark: rel.streamHighWaterMark,
      policy: rel.streamPolicy,
      onDrop: () => this.reliability.countStreamDrop(),
    };

    this.errors = new SessionErrors(this);
    this.emitter = new TypedEmitter<SessionEvents>((event, error) =>
      this.errors.listenerFailed(event, error),
    );
    this.requests = new PendingRequests(init.clock, init.requestTimeoutMs);
    this.outbox = new Outbox(
      (event, error) =>
        this.errors.writeFailed(
          event,
          error,
          (id, e) => this.requests.rejectEventId(id, e) || this.creator.refused(id, e),
        ),
      {
        clock: init.clock,
        maxQueuedBytes: rel.maxQueuedBytes,
        maxDisconnectedAudioBytes: rel.reconnect.maxBufferedAudioBytes,
        highWaterMark: rel.highWaterMark,
        audioPolicy: rel.audioPolicy,
        // a transport that refuses every write and never closes: drop it and reconnect
        onClosingTimeout: () =>
          this.connection.abandon(
            unresponsive(`it refused writes as closing for ${DEFAULT_CLOSING_TIMEOUT_MS} ms`),
          ),
        // a socket that sends nothing while audio waits: a network dead without a close
        drainTimeoutMs: rel.drainTimeoutMs,
        onDrainTimeout: () => this.connection.abandon(undrained(Number(rel.drainTimeoutMs))),
      },
    );
    // a request on a network that died without a close finds the death (see the module)
    this.replies = new ReplyWatch(
      init.clock,
      init.generateId,
      rel.replyTimeoutMs,
      this.outbox,
      () => this.connection.abandon(unanswered(Number(rel.replyTimeoutMs))),
    );
    this.calls = new SessionRequests(this);
    this.tracker = new ResponseTracker(this, this);
    this.creator = new ResponseCreator(this);
    this.lifecycle = new SessionLifecycle(this);
    this.connection = new SessionConnection(this, this.lifecycle);
    this.reliability = new Reliability(this, rel);
    this.builtins = createBuiltins(this, init);
    // a literal holds exactly its two features (an empty array grown by push reserves 16 slots)
    this.features = [this.builtins.conversation, this.builtins.functions];
    this.mirrorFeature = this.builtins.conversation;
    this.router = new ServerEventRouter(this);
  }

  /**
   * Whether a feature of the app's adds to every `session.update` (`contributeSessionUpdate`):
   * it may add tools (an MCP server, a wire function) the engine cannot see, so a forced tool
   * choice is not checked against the session's tools alone (see `tools/tool-choice.ts`).
   */
  featuresContributeUpdate(): boolean {
    return this.features.some(
      (f) => f !== this.builtins.functions && f.contributeSessionUpdate !== undefined,
    );
  }

  // ---- services every part uses

  /** A stale create's response, cancelled as it started: its audio is cleared over WebRTC. */
  startedCancelled(responseId: string): void {
    clearServerAudio(this, responseId);
  }

  /** Log fields of this session. */
  logFields(): Record<string, unknown> {
    return { sessionId: this.state.sessionId };
  }

  /** Sends a client event through the ordered outbox; throws `SESSION_CLOSED` once closed. */
  send(event: ClientEvent): void {
    this.assertOpenable();
    this.outbox.send(event);
  }

  /** Whether `event` still waits in the outbox (the response creator asks after a drop). */
  queued(event: ClientEvent): boolean {
    return this.outbox.holds(event);
  }

  /** Emits a session event. */
  emit<K extends keyof SessionEvents>(event: K, ...args: SessionEvents[K]): void {
    this.emitter.emit(event, ...args);
  }

  /** Surfaces an error (the `error` event, or the unhandled list). */
  error(error: SessionError): void {
    this.errors.report(error);
  }

  /**
   * The `session.update` that configures a server (the session's first, or a restore's) failed.
   * A server that refused it runs its own defaults
   * (another audio format, other turn detection, no tools…), not the session the app asked
   * for: the session closes with `SESSION_CONFIG_REFUSED` (the server's error as its cause)
   * rather than run on as if configured. Any other failure (no echo in time) is reported.
   */
  configUpdateFailed(error: unknown): void {
    if (this.closed()) return;
    if (error instanceof ServerError) {
      const refused = new VoxwireError(
        'SESSION_CONFIG_REFUSED',
        `the server refused the session configuration: ${error.message}`,
        { cause: error, data: { code: error.code, param: error.param } },
      );
      this.logger.error('session configuration refused: closing the session', {
        ...this.logFields(),
        code: error.code,
        param: error.param,
      });
      void this.connection.close(refused);
    } else if (error instanceof VoxwireError && error.code === 'ENCODE_FAILED') {
      // the connection's codec cannot write the configuration (a GA-only value on a beta
      // server): nothing was sent, so the server runs its defaults, as after a refusal
      this.logger.error('session configuration cannot be sent: closing the session', {
        ...this.logFields(),
        code: error.code,
      });
      void this.connection.close(error);
    } else if (error instanceof VoxwireError) {
      this.errors.report(error);
    }
  }

  /** Throws `SESSION_CLOSED` once the session is closing or closed. */
  assertOpenable(): void {
    if (this.closed()) throw this.closedError();
  }

  /** The `SESSION_CLOSED` of a call made once the session is over (`connection-loss.ts`). */
  closedError(): VoxwireError {
    return sessionClosed(this.connection.state);
  }

  /** Whether the session is closing or closed. */
  closed(): boolean {
    const s = this.connection.state.status;
    return s === 'closed' || s === 'closing';
  }

  /** The current session options. */
  options(): RealtimeSessionOptions {
    return this.state.options;
  }

  /** The options the server last confirmed; `undefined` before its first echo. */
  confirmedOptions(): RealtimeSessionOptions | undefined {
    return this.state.confirmed;
  }

  /** The server's default instructions, from its `session.created`. */
  defaultInstructions(): string | undefined {
    return this.state.defaultInstructions;
  }

  // ---- ResponseTracker: options and sink

  /**
   * The output audio format the server produces: the one it confirmed (a requested change takes
   * effect with its echo), or the one asked for before any echo.
   */
  outputFormat(): AudioFormatName {
    return (this.state.confirmed ?? this.state.options).outputAudioFormat;
  }

  /** The dialect of the current (or last) connection; `undefined` before the first connect. */
  dialect(): Dialect | undefined {
    return this.lifecycle.codec?.dialect;
  }

  created(response: RealtimeResponse): void {
    this.creator.onResponseCreated(response);
    this.emitter.emit('response_created', response);
  }

  outputAdded(output: RealtimeOutput): void {
    this.emitter.emit('response_output_added', output);
  }

  contentAdded(content: RealtimeContent): void {
    this.emitter.emit('response_content_added', content);
  }

  audio(frame: AudioFrame, content: RealtimeContent): void {
    this.emitter.emit('response_audio', frame, content);
  }

  silenced(responseId: string): boolean {
    return this.creator.interrupted(responseId);
  }

  text(delta: string, content: RealtimeContent): void {
    this.emitter.emit('response_text', delta, content);
  }

  contentDone(content: RealtimeContent): void {
    this.emitter.emit('response_content_done', content);
  }

  outputDone(output: RealtimeOutput): void {
    this.emitter.emit('response_output_done', output);
  }

  done(response: RealtimeResponse): void {
    this.router.responseDone(response);
  }

  violation(error: VoxwireError): void {
    this.errors.report(error);
  }

  // ---- ResponseCreator

  /** A fresh client event id. */
  eventId(): string {
    return this.generateId('event');
  }

  /** The responses in progress, oldest first. */
  activeResponses(): readonly RealtimeResponse[] {
    return this.tracker.active;
  }

  // ---- SessionLifecycle

  /** The session is closed for good: the model forgets it. */
  onClosed(): void {
    this.clock.clearTimeout(this.#fatalGrace);
    this.#fatalGrace = undefined;
    this.#onClosed?.(this.session);
  }

  /** A server error was reported: a fatal one ends the session (`fatal-server-error.ts`). */
  serverErrorReported(error: ServerError): void {
    this.#fatalGrace ??= endAfterFatalError(
      {
        clock: this.clock,
        closed: () => this.closed(),
        end: (fatal) => void this.connection.close(fatal),
      },
      error,
    );
  }

  // ---- Reliability

  /** Milliseconds of an output item's audio received, while its response is known. */
  receivedAudioMs(itemId: string, contentIndex: number): number | undefined {
    return this.tracker.receivedAudioMs(itemId, contentIndex);
  }

  /** An output content part, while its response is known. */
  content(itemId: string, contentIndex: number): RealtimeContent | undefined {
    return this.tracker.content(itemId, contentIndex);
  }

  /** Whether a connection was lost and the next one is not open yet (attempt 0 is the first connect). */
  betweenConnections(): boolean {
    const state = this.connection.state;
    return state.status === 'reconnecting' || (state.status === 'connecting' && state.attempt > 0);
  }

  /** The functions the request that started `responseId` gave that response alone, if any. */
  responseTools(responseId: string): ResponseTools | undefined {
    return this.creator.responseTools(responseId);
  }

  /** The session's `toolChoice` as last asked for. */
  toolChoice(): unknown {
    return this.state.options.toolChoice;
  }

  /**
   * Whether the mirror lacking `itemId` is expected: an output of `responseId` asked for out of
   * band (in no conversation), or an item a side-band knows it did not hear added.
   */
  unplacedItem(itemId: string, responseId: string | undefined): boolean {
    if (responseId !== undefined && this.tracker.get(responseId)?.outOfBand === true) return true;
    return this.reliability.probes?.unheard(itemId) === true;
  }

  /** Whether a restore left `itemId` out (it cannot be made again). */
  leftOutByRestore(itemId: string): boolean {
    return this.reliability.leftOut(itemId);
  }

  /** The conversation mirror (once the built-in features exist). */
  mirror(): ConversationMirror | undefined {
    return this.builtins?.conversation.mirror;
  }

  /** Encodes input audio for an item in `format`. */
  encodeAudio(frame: AudioFrame, format: AudioFormatName): string {
    return itemAudioEncoder(format)(frame);
  }

  /**
   * The restore's full `session.update` and the promise of its echo. It configures the fresh
   * server as the old one was (its last confirmed configuration): changes still unanswered are
   * re-sent after it as their own requests, so a refused one cannot leave the fresh server on
   * its defaults. Refused itself, the session closes (`SESSION_CONFIG_REFUSED`); unanswered
   * within `requestTimeoutMs`, its `TIMEOUT` is reported on `error`.
   */
  restoreUpdate(): { event: ClientEvent; promise: Promise<unknown> } {
    const { eventId, event, promise } = this.calls.sessionUpdateRequest(
      this.state.confirmed ?? this.state.options,
    );
    this.state.configUpdateId = eventId;
    // written first (the restore's prelude): its echo is the first to come back
    this.requests.promote(eventId);
    // as the first update's: refused, the session closes; unanswered, the app hears of it
    promise.catch((error: unknown) => this.configUpdateFailed(error));
    return { event, promise };
  }

  /** The `event_id` of the session's own last configuration update (its first, or a restore's). */
  configUpdateId(): string | undefined {
    return this.state.configUpdateId;
  }

  stalled(event: ResponseStalledEvent): void {
    this.emitter.emit('response_stalled', event);
  }

  // ---- built-in features

  createItem(item: ChatItem, previousItemId: string | null): Promise<ConversationItem> {
    return this.calls.itemCreate(item, previousItemId);
  }

  deleteItem(itemId: string): Promise<void> {
    return this.calls.itemDelete({ itemId });
  }

  inFlightItemChanges(): InFlightItemChange[] {
    return this.calls.inFlightItemChanges();
  }

  inputAudioFormat(): AudioFormatName {
    return this.state.options.inputAudioFormat;
  }

  /** The input format the server last confirmed, or the one asked for before any echo. */
  confirmedInputFormat(): AudioFormatName {
    return (this.state.confirmed ?? this.state.options).inputAudioFormat;
  }

  /**
   * A response after tool outputs (never dropped as a duplicate), with `request`'s per-response
   * settings; resolves with it. It is the model's answer to the tools' results, so a server slow
   * to start it is waited for (and logged), never given up on and cancelled: the session's end
   * settles it at the latest.
   */
  requestResponse(
    started?: (response: RealtimeResponse) => void,
    request?: ResponseCreateRequest,
  ): Promise<RealtimeResponse> {
    const options: ResponseGenerateOptions = { onDuplicate: 'keep_both' };
    if (request !== undefined) options.response = request;
    return this.creator.generate(options, started, () =>
      this.logger.warn(
        `the follow-up response to function calls has not started after ${this.requestTimeoutMs} ms: still waiting`,
        this.logFields(),
      ),
    );
  }
}
