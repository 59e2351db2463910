/**
 * What the reliability controller (`reliability.ts`) needs from the session.
 * @module
 */
import type { AudioFrame, ClientEvent, Clock, IdGenerator, Logger } from '@voxwire/protocol';
import type { ConversationMirror } from '../conversation/mirror.js';
import type { SessionConnection } from '../connection.js';
import type { SessionError } from '../errors.js';
import type { AudioFormatName, RealtimeSessionOptions } from '../options.js';
import type { Outbox } from '../outbox.js';
import type { PlaybackTracker } from '../playback.js';
import type { PendingRequests } from '../requests.js';
import type { ResponseCreator } from '../responses/create.js';
import type { ResponseTracker } from '../responses/tracker.js';
import type { ResponseStalledEvent } from './reliability-events.js';

/** What the controller needs from the session. */
export interface ReliabilityHost {
  readonly clock: Clock;
  /** The current session options (turn detection and input format decide the audio replay). */
  options(): RealtimeSessionOptions;
  /**
   * The options the server last confirmed (`undefined` before its first echo): an update turning
   * automatic answers off is not in force before its echo.
   */
  confirmedOptions(): RealtimeSessionOptions | undefined;
  readonly logger: Logger;
  logFields(): Record<string, unknown>;
  readonly generateId: IdGenerator;
  readonly tracker: ResponseTracker;
  readonly creator: ResponseCreator;
  readonly requests: PendingRequests;
  readonly outbox: Outbox;
  readonly connection: SessionConnection;
  /** The conversation mirror, when the session keeps one. */
  mirror(): ConversationMirror | undefined;
  /** `session.playback`, once the app used it (what was heard of an answer a drop cut off). */
  readonly playback: PlaybackTracker | undefined;
  /** Encodes item audio in `format`. */
  encodeAudio(frame: AudioFrame, format: AudioFormatName): string;
  /**
   * The restore's full `session.update` (the configuration the old server confirmed, and the
   * tools), registered as a request.
   */
  restoreUpdate(): { event: ClientEvent; promise: Promise<unknown> };
  /**
   * The `event_id` of the last configuration update the session sent itself (its first, or the
   * last restore's), if any.
   */
  configUpdateId(): string | undefined;
  /** Sends through the outbox. */
  send(event: ClientEvent): void;
  /** Emits `response_stalled`. */
  stalled(event: ResponseStalledEvent): void;
  /** Emits on `error`. */
  error(error: SessionError): void;
}
