/**
 * Where a session's errors go: to `error` listeners, or — with none attached — to the log and a
 * bounded list (`session.unhandledErrors`), so an error is surfaced, never swallowed, and never
 * thrown from the receive path. Also the guard around feature hooks, so a throwing feature is
 * reported instead of breaking the session.
 * @module
 */
import type { ClientEvent, Logger } from '@voxwire/protocol';
import type { TypedEmitter } from './emitter.js';
import { VoxwireError, type SessionError } from './errors.js';
import type { SessionEvents } from './events.js';
import type { SessionFeature } from './feature.js';

/** How many unhandled errors a session keeps (the most recent). */
const MAX_UNHANDLED = 32;

/** What {@link SessionErrors} needs from the session. */
export interface SessionErrorsDeps {
  /** The session's emitter (read lazily: the emitter reports listener failures here). */
  readonly emitter: TypedEmitter<SessionEvents>;
  readonly logger: Logger;
  readonly logFields: () => Record<string, unknown>;
}

/** The error surface of one session. */
export class SessionErrors {
  /** Errors emitted while no `error` listener was attached, oldest first. */
  readonly unhandled: SessionError[] = [];
  readonly #deps: SessionErrorsDeps;

  constructor(deps: SessionErrorsDeps) {
    this.#deps = deps;
  }

  /** Emits `error`, or records it as unhandled when nobody listens. */
  report(error: SessionError): void {
    if (!this.#deps.emitter.emit('error', error)) this.#unhandled(error);
  }

  /** A listener of `event` threw (an `error` listener's failure cannot go to `error` again). */
  listenerFailed(event: keyof SessionEvents, cause: unknown): void {
    const error = new VoxwireError('LISTENER_FAILED', `a listener of ${String(event)} threw`, {
      cause,
      data: { event },
    });
    if (event === 'error') this.#unhandled(error);
    else this.report(error);
  }

  /** Runs a feature hook, reporting a throw as `LISTENER_FAILED`. */
  guard(f: SessionFeature, hook: string, run: () => void): void {
    try {
      run();
    } catch (cause) {
      this.featureFailed(f, hook, cause);
    }
  }

  /** A feature hook threw. */
  featureFailed(f: SessionFeature, hook: string, cause: unknown): void {
    this.report(
      new VoxwireError('LISTENER_FAILED', `feature ${f.name}.${hook} threw`, {
        cause,
        data: { event: hook, feature: f.name },
      }),
    );
  }

  /**
   * The outbox could not write `event`: the request waiting on it (if any) is rejected, otherwise
   * the error is reported. `rejectEventId` says whether a request took it.
   */
  writeFailed(
    event: ClientEvent,
    cause: unknown,
    rejectEventId: (eventId: string, error: VoxwireError) => boolean,
  ): void {
    const encode =
      typeof cause === 'object' &&
      cause !== null &&
      (cause as { code?: unknown }).code === 'PROTOCOL_ENCODE';
    const error = new VoxwireError(
      encode ? 'ENCODE_FAILED' : 'SOCKET_ERROR',
      `could not send ${event.type}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
        data: { type: event.type },
      },
    );
    if (!(event.event_id && rejectEventId(event.event_id, error))) this.report(error);
  }

  #unhandled(error: SessionError): void {
    this.#deps.logger.error('unhandled session error (subscribe with session.on("error", …))', {
      ...this.#deps.logFields(),
      name: error.name,
      code: error.code,
      message: error.message,
    });
    this.unhandled.push(error);
    if (this.unhandled.length > MAX_UNHANDLED) this.unhandled.shift();
  }
}
