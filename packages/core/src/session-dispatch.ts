/**
 * The receive path of a session: a server frame is decoded (a violation becomes a typed
 * `PROTOCOL_VIOLATION` error, an unknown event goes to the `server_event` tap), a duplicate is
 * dropped, and a known event settles requests, updates the session state, feeds the response
 * tracker or the input events, then every feature and the reliability bookkeeping. This runs once
 * per frame (audio deltas included), so it allocates nothing it can avoid.
 * @module
 */
import type { Clock, DialectCodec, Logger, ServerEvent } from '@voxwire/protocol';
import type { SessionConnection } from './connection.js';
import type { TypedEmitter } from './emitter.js';
import { ServerError, VoxwireError } from './errors.js';
import type { SessionEvents } from './events.js';
import type { SessionFeature } from './feature.js';
import { dispatchInputEvent } from './input-events.js';
import { computeMetrics } from './metrics.js';
import { copySessionOptions, type RealtimeSessionOptions } from './options.js';
import type { Reliability } from './reconnect/reliability.js';
import type { ReplyWatch } from './reconnect/reply-watch.js';
import type { PendingRequests } from './requests.js';
import type { ResponseCreator } from './responses/create.js';
import type { ResponseTracker } from './responses/tracker.js';
import { copyJson } from './json-copy.js';
import type { RealtimeResponse } from './responses/tree.js';
import { fromSessionResource } from './session-config.js';
import type { SessionErrors } from './session-errors.js';
import { dispatchOutputAudioEvent, type ServerPlaying } from './output-audio-events.js';

/** The mutable state a session shares with its receive path. */
export interface SessionState extends ServerPlaying {
  /**
   * The session configuration: what was last asked for (a `sessionUpdate` applies at once), and
   * then what the `session.updated` echo of the last update in flight says.
   */
  options: RealtimeSessionOptions;
  /**
   * What the server last confirmed (its last `session.updated`); `undefined` before the first
   * echo. A refused update falls back to it, and output audio is decoded in its format.
   */
  confirmed?: RealtimeSessionOptions | undefined;
  /** The server's session id (`not-connected` before `session.created`). */
  sessionId: string;
  /**
   * The instructions the server's `session.created` reported: what `instructions: ''` ("keep
   * the server's default") sends once the session's own ones replaced them.
   */
  defaultInstructions?: string | undefined;
  /**
   * The `event_id` of the `session.update` that configures the current server: the session's
   * first, then each restore's. Refused, the session closes (`SESSION_CONFIG_REFUSED`).
   */
  configUpdateId?: string | undefined;
}

/** What {@link ServerEventRouter} needs from the session. */
export interface ServerEventRouterDeps {
  readonly state: SessionState;
  readonly emitter: TypedEmitter<SessionEvents>;
  readonly errors: SessionErrors;
  readonly requests: PendingRequests;
  readonly tracker: ResponseTracker;
  readonly creator: ResponseCreator;
  readonly reliability: Reliability;
  readonly connection: SessionConnection;
  /** Its liveness probe's refusal is the answer it asked for. */
  readonly replies: ReplyWatch;
  readonly features: readonly SessionFeature[];
  /**
   * The feature that keeps the conversation mirror, among `features`: it takes each event before
   * the session's listeners are called, so that a listener reading `chatCtxCopy()` (to keep an
   * app-side history on `response_output_done`, say) finds the event's item in it.
   */
  readonly mirrorFeature: SessionFeature | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  logFields(): Record<string, unknown>;
  /** The `session.update` that configures the server failed (refused: the session closes). */
  configUpdateFailed(error: unknown): void;
  /** A server error was reported: one no retry can fix ends the session (`fatal-server-error.ts`). */
  serverErrorReported(error: ServerError): void;
}

/** Routes decoded server events to the parts of a session. */
export class ServerEventRouter {
  // the deps are copied into fields: the per-frame path reads them without a second hop
  readonly #state: SessionState;
  readonly #emitter: TypedEmitter<SessionEvents>;
  readonly #errors: SessionErrors;
  readonly #requests: PendingRequests;
  readonly #tracker: ResponseTracker;
  readonly #reliability: Reliability;
  readonly #connection: SessionConnection;
  readonly #features: readonly SessionFeature[];
  readonly #mirrorFeature: SessionFeature | undefined;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #deps: ServerEventRouterDeps;
  // bound once, so dispatch allocates nothing per event
  readonly #emitBound = <K extends keyof SessionEvents>(name: K, ...args: SessionEvents[K]): void =>
    void this.#emitter.emit(name, ...args);

  constructor(deps: ServerEventRouterDeps) {
    this.#state = deps.state;
    this.#emitter = deps.emitter;
    this.#errors = deps.errors;
    this.#requests = deps.requests;
    this.#tracker = deps.tracker;
    this.#reliability = deps.reliability;
    this.#connection = deps.connection;
    this.#features = deps.features;
    this.#mirrorFeature = deps.mirrorFeature;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#deps = deps;
  }

  /** One frame from the transport, decoded with the connection's codec. */
  frame(frame: string | Uint8Array, codec: DialectCodec): void {
    const result = codec.decodeServerEvent(frame);
    if (result.kind === 'violation') {
      const v = result.violation;
      this.#errors.report(
        new VoxwireError('PROTOCOL_VIOLATION', `protocol violation: ${v.message}`, {
          data: { violation: v },
        }),
      );
      return;
    }
    if (result.kind === 'unknown') {
      this.#emitter.emit('server_event', { kind: 'unknown', type: result.type, raw: result.raw });
      return;
    }
    let event = result.event;
    // a frame delivered twice is applied once (no audio counted twice, no response done twice)
    if (this.#reliability.isDuplicate(event)) return;
    // kinds and values the API added after this version pass through as sent (such items become
    // `raw` chat items in the mirror; the session options keep what they knew); say so, since
    // nothing about them was checked
    if (result.unknownKinds !== undefined || result.unknownValues !== undefined)
      this.#logger.warn('server event carries item kinds or values this version does not know', {
        ...this.#deps.logFields(),
        eventType: event.type,
        ...(result.unknownKinds ? { kinds: result.unknownKinds } : {}),
        ...(result.unknownValues ? { values: result.unknownValues } : {}),
      });
    // the tap's wrapper object is built only when someone listens (this runs once per frame).
    // The tap gets a copy: the engine handles the event after it, and a tap that edits what it
    // logs (blanking audio or transcripts in place) must not change the audio, text or calls.
    // A delta's copy is one flat object, as cheap as the wrapper.
    if (this.#emitter.listenerCount('server_event') > 0)
      this.#emitter.emit('server_event', { kind: 'event', event: copyJson(event) });
    // the answer to a re-attach's probe: consumed, or handled as the answer the drop lost
    const probes = this.#reliability.probes;
    if (probes !== undefined) {
      const answered = probes.answer(event);
      if (answered === null) return;
      if (answered !== undefined) event = answered;
      // the rest of a response whose start the drop lost: its start is handled first
      const starts = probes.lostStarts(event);
      if (starts !== undefined) for (const start of starts) this.#route(start);
    }
    this.#route(event);
  }

  // `eventId` creates the output of a call this connection's restore left out (cut before its
  // arguments were complete): it answers nothing now, and is settled as such, not reported
  #leftOutOutput(eventId: string): boolean {
    const event = this.#requests.eventOf('item.create', eventId);
    const item = event?.type === 'conversation.item.create' ? event.item : undefined;
    if (item?.type !== 'function_call_output' || !this.#reliability.leftOutCall(item.call_id))
      return false;
    this.#requests.rejectEventId(
      eventId,
      new VoxwireError(
        'SOCKET_CLOSED',
        `the function call ${item.call_id} was left out of the restore (cut before its arguments were complete): its output is not sent`,
        { data: { reason: 'call_left_out', callId: item.call_id } },
      ),
    );
    this.#logger.debug('output of a call the restore left out: not sent', {
      ...this.#deps.logFields(),
      callId: item.call_id,
    });
    return true;
  }

  // `eventId` is the delete of an item this connection's restore left out: settled as done
  #leftOutDeleted(eventId: string): boolean {
    const itemId = this.#requests.keyOf('item.delete', eventId);
    if (itemId === undefined || !this.#reliability.leftOut(itemId)) return false;
    this.#requests.resolveEventId(eventId, undefined);
    this.#logger.debug('delete of an item the restore left out: done', {
      ...this.#deps.logFields(),
      itemId,
    });
    return true;
  }

  // the mirror, the session's own handling, the features, and reliability, in that order
  #route(event: ServerEvent): void {
    const type = event.type;
    const contentDelta =
      type === 'response.output_audio.delta' ||
      type === 'response.output_audio_transcript.delta' ||
      type === 'response.output_text.delta';
    // the mirror before the listeners the dispatch calls: on beta (no conversation.item.done) a
    // response_output_done listener otherwise read the answer without its content, and a
    // transcription listener the user's item without its transcript
    const mirror = this.#mirrorFeature;
    if (mirror !== undefined) this.#feed(mirror, event, contentDelta);
    this.#dispatch(event);
    for (const f of this.#features) if (f !== mirror) this.#feed(f, event, contentDelta);
    this.#reliability.observe(event);
  }

  #feed(f: SessionFeature, event: ServerEvent, contentDelta: boolean): void {
    if (!f.onServerEvent || (contentDelta && f.skipsContentDeltas === true)) return;
    // inline rather than through errors.guard: no closure per event and feature
    try {
      f.onServerEvent(event);
    } catch (cause) {
      this.#errors.featureFailed(f, 'onServerEvent', cause);
    }
  }

  /**
   * The connection ended: the next one's server plays nothing yet (a new peer connection).
   * Returns the response its server was playing, whose audio the end cut.
   */
  connectionEnded(): string | undefined {
    const playing = this.#state.serverPlayingResponseId;
    this.#state.serverPlayingResponseId = undefined;
    this.#state.clearSentFor = undefined;
    return playing;
  }

  /**
   * A response finished: a failed or incomplete one is logged and reported on `error` as
   * `RESPONSE_FAILED`, then `response_done` and its metrics.
   */
  responseDone(response: RealtimeResponse): void {
    const log = this.#logger;
    const status = response.status;
    const local = response.localError;
    // one the engine ended itself (a lost connection, a stall, the close) did not fail on the
    // server, and its cause was logged and reported already; on a side-band the call's session
    // even goes on with it
    if (status === 'failed' && local !== undefined)
      log.info('response ended here, by the engine', {
        ...this.#deps.logFields(),
        responseId: response.id,
        cause: (local as { code?: unknown }).code ?? local.message,
      });
    else if (status === 'failed')
      log.error('response generation failed', {
        ...this.#deps.logFields(),
        responseId: response.id,
        details: response.statusDetails,
      });
    else if (status === 'incomplete')
      log.warn('response incomplete', {
        ...this.#deps.logFields(),
        responseId: response.id,
        details: response.statusDetails,
      });
    // the server's own verdict (the seed's MultimodalLLMError): the answer was not given whole,
    // which an app that only listens to `error` must hear of. One the engine ended itself (lost
    // connection, stall, close) was already reported with its own cause.
    if ((status === 'failed' || status === 'incomplete') && local === undefined)
      this.#errors.report(
        new VoxwireError('RESPONSE_FAILED', responseFailedMessage(response), {
          data: { responseId: response.id, status, statusDetails: response.statusDetails },
        }),
      );
    // measured before the listeners run: the end is when the response ended, and a listener
    // editing the response it was handed (its usage, say) cannot change the figures
    const metrics = computeMetrics(response, this.#clock.now());
    this.#emitter.emit('response_done', response);
    this.#emitter.emit('metrics_collected', metrics);
  }

  #dispatch(event: ServerEvent): void {
    switch (event.type) {
      case 'session.created':
        if (event.session.id) this.#state.sessionId = event.session.id;
        if (event.session.type === 'realtime' && typeof event.session.instructions === 'string')
          this.#state.defaultInstructions = event.session.instructions;
        this.#logger.debug('session created', this.#deps.logFields());
        return;
      case 'session.updated': {
        if (event.session.type !== 'realtime') return;
        const state = this.#state;
        const confirmed = fromSessionResource(event.session, state.confirmed ?? state.options);
        state.confirmed = confirmed;
        // copies: an app editing what it was handed (to build its next update, say) must not
        // change the configuration a restore sends after a drop
        this.#requests.resolve('session.update', 'session', copySessionOptions(confirmed));
        // A later update still in flight was built on what the app asked since (a full session
        // each): taking this older echo as the options would make an update made now send the
        // old values back and undo it. Its own echo brings the options up to date.
        if (!this.#requests.has('session.update', 'session')) state.options = confirmed;
        if (this.#emitter.listenerCount('session_updated') > 0)
          this.#emitter.emit('session_updated', copySessionOptions(confirmed));
        return;
      }
      case 'error': {
        const error = new ServerError(event.error, event.event_id ?? null);
        // the cancel of an interruption the server's VAD beat: expected, nothing failed
        if (
          error.code === 'response_cancel_not_active' &&
          error.eventId !== null &&
          this.#deps.creator.quietCancelRefused(error.eventId)
        ) {
          this.#logger.debug('interrupt: no response left to cancel', this.#deps.logFields());
          return;
        }
        // a create refused as busy: held until the answer the server gives is done (one it
        // started while the create was on its way), or, on a side-band, answered unseen (a
        // resend whose start the drop lost)
        const kept = error.eventId
          ? this.#deps.creator.busyRefused(error.eventId, error.code)
          : undefined;
        if (kept !== undefined) {
          this.#logger.info(
            kept === 'answered'
              ? 'response.create sent again after a re-attach: the session is answering already'
              : 'response.create refused while the server gives an answer: sent again when it is done',
            { ...this.#deps.logFields(), eventId: error.eventId },
          );
          return;
        }
        // a delete the outage held, of an item the restore left out (an empty message, a call
        // cut mid-arguments): the fresh server never had it, so it is deleted
        if (
          error.code === 'item_not_found' &&
          error.eventId &&
          (this.#leftOutDeleted(error.eventId) || this.#leftOutOutput(error.eventId))
        )
          return;
        // the engine's own question (a side-band's item probe, a liveness probe): refused is
        // an answer
        if (
          error.eventId &&
          (this.#requests.rejectQuiet(error.eventId, error) ||
            this.#deps.replies.isProbe(error.eventId))
        ) {
          this.#logger.debug('a request of the engine refused', {
            ...this.#deps.logFields(),
            code: error.code,
            eventId: error.eventId,
          });
          return;
        }
        this.#logger.error('server error', {
          ...this.#deps.logFields(),
          type: error.type,
          code: error.code,
          eventId: error.eventId,
        });
        if (error.eventId) {
          this.#requests.rejectEventId(error.eventId, error);
          // a refused response.create is answered: a later drop must not send it again (and
          // a generate() request it carried rejects with the error)
          this.#deps.creator.refused(error.eventId, error);
        }
        this.#connection.noteServerError(error.code);
        this.#errors.report(error);
        this.#deps.serverErrorReported(error);
        // at once: no event of a server running another configuration may reach the app
        if (error.eventId !== null && error.eventId === this.#state.configUpdateId)
          this.#deps.configUpdateFailed(error);
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
      case 'conversation.item.retrieved':
        if (event.item.id) this.#requests.resolve('item.retrieve', event.item.id, event.item);
        return;
      case 'response.done':
        // whichever response it ends (one a drop ended here included): a create the session
        // refused while busy with it goes again
        this.#deps.creator.responseEnded();
        this.#tracker.handle(event);
        return;
      default:
        // response events first: they are the hot path (one per delta)
        if (
          !this.#tracker.handle(event) &&
          !dispatchInputEvent(event, this.#emitBound, this.#logger, this.#deps.logFields())
        )
          dispatchOutputAudioEvent(event, this.#state, this.#emitBound);
    }
  }
}

// "response resp_1 failed: server_error (boom)" / "response resp_1 incomplete: max_output_tokens"
function responseFailedMessage(response: RealtimeResponse): string {
  const d = response.statusDetails;
  const why =
    response.status === 'failed'
      ? [d?.error?.type, d?.error?.code ? `(${d.error.code})` : undefined]
          .filter((part) => part !== undefined)
          .join(' ')
      : (d?.reason ?? '');
  return `response ${response.id} ${response.status}${why ? `: ${why}` : ''}`;
}
