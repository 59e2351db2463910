/**
 * The extension seam of the session: features (the conversation mirror, the tool runner of
 * issue 5, reconnection bookkeeping of issue 8) see every server event and the lifecycle
 * without `session.ts` knowing them.
 * @module
 */
import type { ServerEvent, SessionUpdateParams } from '@voxwire/protocol';
import type { SessionError } from './errors.js';
import type { RealtimeSession } from './session.js';

/** A pluggable part of a session. Every hook is optional; a hook that throws is reported on `error`. */
export interface SessionFeature {
  /** A name for logs and errors. */
  readonly name: string;
  /** Every decoded server event, after the engine's own handling. */
  onServerEvent?(event: ServerEvent): void;
  /**
   * `true` when `onServerEvent` has nothing to do with the response content deltas
   * (`response.output_audio.delta`, `response.output_audio_transcript.delta`,
   * `response.output_text.delta`): the router then skips this feature for them, and they are
   * most of the frames a session receives. @default false (every event is delivered)
   */
  readonly skipsContentDeltas?: boolean;
  /** The transport is open (after the queued events were flushed). */
  onConnected?(): void;
  /** The transport ended; `error` is set when it was not asked for. Pending work must settle. */
  onDisconnected?(error: SessionError | undefined): void;
  /** The session is over for good. */
  onClosed?(): void;
  /**
   * Adds to every outgoing `session.update` (the tool runner puts `tools` here). `context.restore`
   * is `true` for the restore's update after a reconnect, which configures the fresh server as
   * the old one was: a feature should then contribute what the server last confirmed, since the
   * changes still unanswered at the drop are re-sent after it as their own updates.
   */
  contributeSessionUpdate?(
    session: SessionUpdateParams,
    context: SessionUpdateContext,
  ): SessionUpdateParams;
}

/** What a `session.update` is for, as {@link SessionFeature.contributeSessionUpdate} is told. */
export interface SessionUpdateContext {
  /** Whether it is the restore's update after a reconnect (the last confirmed configuration). */
  readonly restore: boolean;
}

/** Builds a feature for a session (called once, from the session's constructor). */
export type SessionFeatureFactory = (session: RealtimeSession) => SessionFeature;
