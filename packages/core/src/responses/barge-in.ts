/**
 * What `session.interrupt()` (`interrupt.ts`) needs of the creator, kept apart from its request
 * bookkeeping (`create.ts`): the quiet cancels (`interrupt-cancels.ts`), the creates asked for
 * before the barge-in (`stale-creates.ts`), and how many barge-ins came (a create waiting its
 * turn since before one is stale). Made by the first interruption, so a session never
 * interrupted keeps nothing for it.
 * @module
 */
import type { Logger, ResponseCreateParams } from '@voxwire/protocol';
import type { ResponseCreateEvent } from './awaited.js';
import { InterruptCancels, type InterruptCancelsHost } from './interrupt-cancels.js';
import type { ResendInTurn } from './resend-in-turn.js';
import { cancelStale, forConversation, freshOwed, type StaleCreatesHost } from './stale-creates.js';
import type { RealtimeResponse } from './tree.js';
import type { UnansweredCreates } from './unanswered-creates.js';

/** What the barge-in bookkeeping needs from the creator. */
export interface BargeInHost extends InterruptCancelsHost {
  /** The creates written and not answered, and those a drop took. */
  readonly unanswered: UnansweredCreates;
  /** The lost creates waiting their turn to be sent again after a restore (the live queue). */
  resend(): ResendInTurn | undefined;
  /** Whether a `generate()` request waits for the response of `event` (it resolves with it). */
  waitedFor(event: ResponseCreateEvent): boolean;
  /** Logs with the session id. */
  readonly logger: Logger;
  /** Fields for log lines. */
  logFields(): Record<string, unknown>;
  /**
   * Writes a conversation create later ones wait for; `false` when an aborted request was not
   * sent.
   */
  sendPending(response: ResponseCreateParams | undefined): boolean;
  /** Creates were dropped: what later creates wait for may be gone (they look again). */
  staleDropped(): void;
}

/** One session's barge-in bookkeeping; the creator makes it on the first interruption. */
export class BargeIn implements StaleCreatesHost {
  readonly #host: BargeInHost;
  #cancels: InterruptCancels | undefined;
  #count = 0;

  constructor(host: BargeInHost) {
    this.#host = host;
  }

  /** How many interruptions dealt with the creates so far. */
  get count(): number {
    return this.#count;
  }

  /** @inheritdoc */
  get unanswered(): UnansweredCreates {
    return this.#host.unanswered;
  }

  /** @inheritdoc */
  get logger(): Logger {
    return this.#host.logger;
  }

  /** @inheritdoc */
  logFields(): Record<string, unknown> {
    return this.#host.logFields();
  }

  /** @inheritdoc */
  resend(): ResendInTurn | undefined {
    return this.#host.resend();
  }

  /** @inheritdoc */
  waitedFor(event: ResponseCreateEvent): boolean {
    return this.#host.waitedFor(event);
  }

  /** The interruption cancels (made on first use). */
  cancels(): InterruptCancels {
    return (this.#cancels ??= new InterruptCancels(this.#host));
  }

  /**
   * Sends `response.cancel` for `responseId` and expects that it may be too late: the
   * `response_cancel_not_active` it then draws is not reported (see {@link quietCancelRefused}).
   * Returns `false`, sending nothing, when an earlier quiet cancel was sent for it already.
   */
  cancelQuietly(responseId: string): boolean {
    return this.cancels().cancel(responseId);
  }

  /** {@link InterruptCancels.cancelUnreported}: a quiet cancel that is no interruption. */
  cancelUnreported(responseId: string): boolean {
    return this.cancels().cancelUnreported(responseId);
  }

  /**
   * `session.interrupt()`: every conversation create asked for before the barge-in and not
   * started (the app's, a tool follow-up: about to speak over the user's new turn) is not sent,
   * or has its response cancelled the moment it starts (`stale-creates.ts`). Returns whether
   * there was one.
   * @param untagged whether an untagged create's response may be cancelled on start: the server
   * starts none by itself
   */
  interrupt(untagged: boolean): boolean {
    this.#count++;
    const any = cancelStale(this, untagged);
    this.#host.staleDropped();
    return any;
  }

  /**
   * A create asked for before an interruption, its turn come: a plain create is not sent (`true`,
   * as one whose response is cancelled on start); a `generate()` request is, its response
   * cancelled on start (it resolves with that response). `false` when an aborted request was
   * not sent.
   */
  sendStale(response: ResponseCreateParams | undefined): boolean {
    const host = this.#host;
    if (response === undefined || !host.waitedFor({ type: 'response.create', response })) {
      host.logger.info('response.create asked for before the interruption: not sent', {
        ...host.logFields(),
      });
      return true;
    }
    if (!host.sendPending(response)) return false;
    const written = host.unanswered.conversation;
    if (written !== undefined) this.cancels().cancelWhenStarted(written);
    return true;
  }

  /** Whether a conversation create owed an answer is not stale (`cancel_new` declines then). */
  freshOwed(): boolean {
    return freshOwed(this, this.#cancels);
  }

  /** Whether an interruption cancelled `responseId` (directly, or the moment it started). */
  cancelled(responseId: string): boolean {
    return this.#cancels?.cancelled(responseId) ?? false;
  }

  /** A `response.created`: cancelled when it answers a create an interruption came too early for. */
  started(response: RealtimeResponse): void {
    this.#cancels?.started(response);
  }

  /** The create `eventId` was refused or given up: nothing is cancelled when it starts. */
  forget(eventId: string | undefined): void {
    this.#cancels?.forget(eventId);
  }

  /** A create a drop took is written again as `create` (`InterruptCancels.rewritten`). */
  rewritten(create: ResponseCreateEvent): void {
    this.#cancels?.rewritten(create);
  }

  /**
   * The connection was lost and took the conversation's creates unanswered: one an interruption
   * holds to cancel when it starts, and no `generate()` waits for, is not sent again (its answer
   * would only be cancelled, and the user's next create would wait for it). Returns whether any
   * was dropped.
   */
  dropHeldLost(): boolean {
    const cancels = this.#cancels;
    if (cancels === undefined) return false;
    let dropped = false;
    this.#host.unanswered.dropLost((event) => {
      if (!forConversation(event) || this.#host.waitedFor(event)) return false;
      if (!cancels.awaitsStart(event)) return false;
      cancels.forgetCreate(event);
      dropped = true;
      return true;
    });
    return dropped;
  }

  /** The connection was lost (`InterruptCancels.connectionLost`). */
  connectionLost(): void {
    this.#cancels?.connectionLost();
  }

  /** Whether `eventId` is a quiet cancel (and forgets it): its refusal is not reported. */
  quietCancelRefused(eventId: string): boolean {
    return this.#cancels?.refused(eventId) ?? false;
  }
}
