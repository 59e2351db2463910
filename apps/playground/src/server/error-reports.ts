/**
 * The session's errors on their way to the page. Each is told once: core hands the same error to
 * `error`, `disconnected` and `closed`. And the error core reports just before a lost
 * connection's `disconnected` is told as that outage (the link message carries it as its cause)
 * rather than as an error of its own, so the page shows one toast per outage, not a
 * `SOCKET_CLOSED` beside the outage's own.
 * @module
 */
import type { SessionError } from '@voxwire/core';
import type { ServerMessage } from '../shared/page-messages.js';

/** Tells the page of errors, once each. */
export class ErrorReports {
  /** Errors already told (or told as an outage). */
  private readonly told = new WeakSet<object>();
  /** The latest error, not sent yet: a `disconnected` for it may follow in the same turn. */
  private held: { error: unknown } | undefined;

  /** @param send sends a message to the page (not through {@link flush}: that would recurse). */
  constructor(private readonly send: (message: ServerMessage) => void) {}

  /**
   * Tells the page of `error`, unless it was told already. Held until the next message to the
   * page or the end of the current turn of the event loop, whichever is first: core reports a
   * lost connection's error synchronously before its `disconnected`, which {@link claim}s it.
   */
  report(error: unknown): void {
    this.flush();
    if (typeof error === 'object' && error !== null) {
      if (this.told.has(error)) return;
      this.told.add(error);
    }
    const held = { error };
    this.held = held;
    queueMicrotask(() => {
      if (this.held === held) this.flush();
    });
  }

  /** Sends the held error now: called before any other message, so the page hears things in order. */
  flush(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    this.send(errorMessage(held.error));
  }

  /** `error` is the cause of the connection just lost: told with the link, never as an error. */
  claim(error: object): void {
    if (this.held?.error === error) this.held = undefined;
    this.told.add(error);
  }
}

/** The page message of a session error: a provider's refusal, or core's own. */
function errorMessage(error: unknown): ServerMessage {
  const e = error as Partial<SessionError> & { message?: string };
  const code =
    typeof e.code === 'string' ? e.code : e.name === 'ServerError' ? 'server_error' : 'ERROR';
  const source = e.name === 'ServerError' ? 'provider' : 'engine';
  return { type: 'error', source, code, message: e.message ?? String(error) };
}
