/**
 * What a session does when its connection changes state: on open it lets the reliability layer
 * restore what a reconnect lost (configuration, conversation, requests) ahead of anything queued,
 * then flushes the outbox; on a loss it ends what the connection carried (responses, streams,
 * the create logic) while requests wait for a reconnect; on close everything settles for good.
 * @module
 */
import type { AudioPath, ClientEvent, DialectCodec, Transport } from '@voxwire/protocol';
import type { ConnectionHooks, OpenState } from './connection-state.js';
import { VoxwireError } from './errors.js';
import type { TypedEmitter } from './emitter.js';
import type { SessionEvents } from './events.js';
import { copyJson } from './json-copy.js';
import type { SessionFeature } from './feature.js';
import type { Outbox, OutboxWriter } from './outbox.js';
import type { Reliability } from './reconnect/reliability.js';
import type { ReplyWatch } from './reconnect/reply-watch.js';
import type { PendingRequests } from './requests.js';
import type { ResponseCreator } from './responses/create.js';
import type { ResponseTracker } from './responses/tracker.js';
import { TrustedAppend } from './session-api.js';
import type { ServerEventRouter } from './session-dispatch.js';
import type { SessionErrors } from './session-errors.js';

// encode options for engine-built appends: the shape holds by construction and the audio is
// base64 the engine encoded, so the codec skips the schema run and the escape scan (shared
// object: nothing allocated per frame)
const TRUSTED = { validate: false, audioIsBase64: true } as const;

/**
 * The outbox's way to the socket of one connection (an object, not two closures over the open
 * state: it lives as long as the connection, in every session).
 */
class TransportWriter implements OutboxWriter {
  readonly #transport: Transport;
  readonly #codec: DialectCodec;
  readonly #reliability: Reliability;
  readonly #replies: ReplyWatch;
  readonly #emitter: TypedEmitter<SessionEvents>;

  constructor(
    transport: Transport,
    codec: DialectCodec,
    reliability: Reliability,
    replies: ReplyWatch,
    emitter: TypedEmitter<SessionEvents>,
  ) {
    this.#transport = transport;
    this.#codec = codec;
    this.#reliability = reliability;
    this.#replies = replies;
    this.#emitter = emitter;
  }

  write(event: ClientEvent): void {
    // appends the engine built are valid by construction: no schema run per audio frame
    this.#transport.send(
      this.#codec.encodeClientEvent(event, event instanceof TrustedAppend ? TRUSTED : undefined),
    );
    // the tap, once the socket took it (a copy: the engine keeps the event for a replay); one
    // lookup per write when nobody listens
    if (this.#emitter.listenerCount('client_event') > 0)
      this.#emitter.emit('client_event', copyJson(event));
    // the server now holds it, uncommitted (or the socket does, unsent): remembered for a
    // replay after a drop
    if (event.type === 'input_audio_buffer.append') {
      this.#reliability.wroteAudio(
        event,
        event instanceof TrustedAppend ? event.format : undefined,
        this.#transport.bufferedAmount ?? 0,
      );
      return;
    }
    // every other event is answered within a round trip, so a silence after it is a dead
    // network; but a WebRTC output clear, which the protocol does not say is answered when
    // nothing plays (and whose peer connection reports its own death)
    if (event.type !== 'output_audio_buffer.clear') this.#replies.wrote(this);
    // where the server's buffer will end when it acknowledges this (a round trip later)
    if (event.type === 'input_audio_buffer.commit')
      this.#reliability.wroteBoundary(event.event_id, 'commit');
    else if (event.type === 'input_audio_buffer.clear')
      this.#reliability.wroteBoundary(event.event_id, 'clear');
  }

  bufferedAmount(): number {
    return this.#transport.bufferedAmount ?? 0;
  }
}

/** What {@link SessionLifecycle} needs from the session. Parts built after the connection are read lazily. */
export interface SessionLifecycleDeps {
  readonly emit: <K extends keyof SessionEvents>(event: K, ...args: SessionEvents[K]) => void;
  /** The session's emitter, for the `client_event` tap of each write. */
  readonly emitter: TypedEmitter<SessionEvents>;
  readonly errors: SessionErrors;
  readonly outbox: Outbox;
  readonly requests: PendingRequests;
  readonly creator: ResponseCreator;
  readonly tracker: ResponseTracker;
  readonly reliability: Reliability;
  readonly replies: ReplyWatch;
  readonly router: ServerEventRouter;
  readonly features: readonly SessionFeature[];
  /** The session is over; the model forgets it. */
  readonly onClosed: () => void;
}

/** The connection hooks of one session. */
export class SessionLifecycle implements ConnectionHooks {
  /** The codec of the current (or last) connection. */
  codec: DialectCodec | undefined;
  /** Where the current (or last) connection's audio travels. */
  audioPath: AudioPath | undefined;
  readonly #deps: SessionLifecycleDeps;
  // the error `lost` already reported, so `closed` does not report it twice
  #reported: VoxwireError | undefined;

  constructor(deps: SessionLifecycleDeps) {
    this.#deps = deps;
  }

  connecting(attempt: number): void {
    // before the attempt's first frame (the last connection's transport is unwired by now)
    this.#deps.reliability.connecting();
    this.#deps.emit('connecting', { attempt });
  }

  open(state: OpenState, heldFrames: number): void {
    const d = this.#deps;
    this.codec = state.codec;
    this.audioPath = state.audioPath;
    // the frames received while starting are no answer to what this connection writes now
    d.replies.opened(heldFrames);
    // a reconnect restores (configuration, conversation, lost requests) before anything queued
    const restore = d.reliability.opened(state);
    const { transport, codec } = state;
    d.outbox.open(
      new TransportWriter(transport, codec, d.reliability, d.replies, d.emitter),
      restore.prelude,
    );
    d.requests.resume();
    // after the restore and whatever was queued: a response the old connection swallowed
    d.creator.reopened(state.persistentSession && state.reconnected, state.persistentSession);
    d.emit('connected', {
      attempt: state.attempt,
      dialect: state.dialect,
      description: state.description,
      audioPath: state.audioPath,
    });
    if (restore.event) d.emit('reconnected', restore.event);
    for (const f of d.features) d.errors.guard(f, 'onConnected', () => f.onConnected?.());
  }

  frame(frame: string | Uint8Array, codec: DialectCodec): void {
    this.#deps.replies.heard();
    this.#deps.router.frame(frame, codec);
  }

  transportError(error: VoxwireError): void {
    this.#deps.errors.report(error);
  }

  lost(code: number, reason: string, error: VoxwireError | undefined): void {
    const d = this.#deps;
    if (error) d.errors.report(error);
    this.#reported = error;
    this.#endConnection(error ?? new VoxwireError('SESSION_CLOSED', 'the session was closed'));
    d.emit('disconnected', { code, reason, error });
    for (const f of d.features)
      d.errors.guard(f, 'onDisconnected', () => f.onDisconnected?.(error));
  }

  reconnecting(attempt: number, delayMs: number, cause: VoxwireError): void {
    this.#deps.reliability.reconnecting(cause);
    this.#deps.emit('reconnecting', { attempt, delayMs, cause });
  }

  closed(error: VoxwireError | undefined): void {
    const d = this.#deps;
    // a connect that failed (or a supervisor that gave up) never reached `lost`: report it here
    const settle = error ?? new VoxwireError('SESSION_CLOSED', 'the session was closed');
    if (error && error !== this.#reported) d.errors.report(error);
    this.#endConnection(settle, true);
    d.creator.closed(settle);
    d.reliability.closed();
    d.requests.rejectAll(settle);
    d.outbox.drain();
    // features first: running tools' signals abort before `closed`, as documented, so an app
    // cleaning up on `closed` finds its tools already told to stop
    for (const f of d.features) d.errors.guard(f, 'onClosed', () => f.onClosed?.());
    d.emit('closed', { error });
    d.onClosed();
  }

  /**
   * Ends what the lost connection carried; requests wait for a reconnect (or for `closed`:
   * `closing`, no restore follows).
   */
  #endConnection(error: VoxwireError, closing = false): void {
    const d = this.#deps;
    d.outbox.pause();
    d.replies.stop();
    // forgotten first: a response_done listener calling interrupt() must not queue a clear
    // for the next connection's server, which plays nothing of it
    const cut = d.router.connectionEnded();
    d.creator.reset();
    d.reliability.lost(closing);
    const sideBand = d.reliability.keepsSession;
    d.tracker.abortAll(
      error.code === 'SESSION_CLOSED' ? 'session_closed' : 'connection_lost',
      error,
      // the call's session goes on with them: the next side-band may hear the rest
      !closing && sideBand,
    );
    // the remote track it played on is gone: an app following output_audio_started (a
    // speaking indicator, a microphone muted while the model talks) hears the cut, as after
    // a barge-in, instead of waiting for a stopped that no server will send. A side-band's
    // call plays on: the reason tells an app waiting for the caller to hear it out (a hang-up)
    // not to take this for the end of the audio
    if (cut !== undefined)
      d.emit('output_audio_cleared', {
        responseId: cut,
        reason: sideBand ? 'side_band_ended' : 'connection_ended',
      });
  }
}
