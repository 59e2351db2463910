/**
 * The follow-up response the function-calling feature owes the model once its calls were
 * answered: asked for, then tracked from its `response.created` to its `response.done`, so that a
 * drop while it is in progress asks for it again after the reconnect (nothing else would).
 * @module
 */
import type { Logger } from '@voxwire/protocol';
import type { ResponseCreateRequest } from '../responses/create-options.js';
import type { RealtimeResponse } from '../responses/tree.js';

/** What the follow-up tracking needs from its session (the function-calling host itself). */
export interface FollowUpHost {
  /**
   * `response.generate({ onDuplicate: 'keep_both' })`: the response this request started
   * (matched by its tag), not merely the next one to start; `started` is told it at once.
   * `request` holds the per-response settings the follow-up inherits.
   */
  requestResponse(
    started?: (response: RealtimeResponse) => void,
    request?: ResponseCreateRequest,
  ): Promise<RealtimeResponse>;
  /** Whether the session is closing or closed (no more requests). */
  closed(): boolean;
  /** Logging (read when used: the host's logger is its own to change). */
  readonly logger: Logger;
  /** Fields every log line carries. */
  logFields(): Record<string, unknown>;
}

/** Reports a failed request (logs it; emits local failures on `error`). */
export type FollowUpReport = (error: unknown, what: string) => void;

/** The follow-up response of one session's function calls. */
export class FollowUpResponse {
  // the feature's own host, not an adapter object: one object per session fewer, and an object
  // literal with an accessor is kept in dictionary mode (~450 bytes per session, PROFILE.md round 11)
  readonly #host: FollowUpHost;
  readonly #report: FollowUpReport;
  // asked for until its response.created, then in progress (its id) until its response.done
  #id: string | undefined;
  // the request it was made with: the per-response settings it inherited from the response that
  // called (its own tools, instructions, modalities …), kept for asking again after a drop
  #request: ResponseCreateRequest | undefined;
  // a drop cut it while in progress: it is owed again once connected, with the same request
  #cut = false;

  /**
   * @param host - the session's requests and logging
   * @param report - reports a request that failed
   */
  constructor(host: FollowUpHost, report: FollowUpReport) {
    this.#host = host;
    this.#report = report;
  }

  /**
   * Requests the follow-up response, with `request`'s per-response settings when the response
   * that called had its own; a failure is reported, never thrown.
   */
  async request(request?: ResponseCreateRequest): Promise<void> {
    try {
      // the response this request started (an out-of-band one, or the VAD's, may start first),
      // known at once: a drop right after its response.created must find it in progress
      await this.#host.requestResponse((response) => {
        this.#id = response.id;
        this.#request = request;
      }, request);
    } catch (error) {
      this.#report(error, 'could not request the follow-up response');
    }
  }

  /** A response ended (`response.done`): if it was the follow-up, no drop can cut it any more. */
  done(responseId: string): void {
    if (this.#id !== responseId) return;
    this.#id = undefined;
    this.#request = undefined;
  }

  /** The connection is up again: asks again for a follow-up the drop cut. */
  onConnected(): void {
    // the model's answer to its calls' outputs was cut by the drop: nothing else would ask for it
    // (a follow-up whose response.create was lost unanswered is sent again by the creator)
    if (!this.#cut || this.#host.closed()) return;
    this.#cut = false;
    const request = this.#request;
    this.#request = undefined;
    this.#host.logger.info('the follow-up response to function calls was cut: requested again', {
      ...this.#host.logFields(),
    });
    void this.request(request);
  }

  /**
   * The connection dropped: a follow-up in progress will never finish, so it is owed again. On a
   * session the server keeps (`keptSession`: a side-band to a call) it goes on there, and asked
   * for again it would be refused as already answering, or answered twice.
   */
  onDisconnected(keptSession = false): void {
    if (this.#id === undefined) return;
    this.#id = undefined;
    this.#cut = !keptSession;
    if (keptSession) this.#request = undefined;
  }

  /** The session closed: nothing is owed any more. */
  onClosed(): void {
    this.#id = undefined;
    this.#request = undefined;
    this.#cut = false;
  }
}
