/**
 * The cancels `session.interrupt()` sends (`interrupt.ts`), kept apart from the creator's own
 * request bookkeeping. A barge-in's cancel is often too late — server VAD's `interruptResponse`
 * cancelled first, or the answer had just ended — and the `response_cancel_not_active` it then
 * draws is expected, not an error; a response is cancelled by one interruption only; and a
 * response asked for but not started yet (the app's create, a tool follow-up) is cancelled the
 * moment it starts. The audio of a response cancelled here that is still on its way is not handed
 * over to be played.
 * @module
 */
import type { ClientEvent } from '@voxwire/protocol';
import { answers, requestTag, type ResponseCreateEvent } from './awaited.js';
import type { RealtimeResponse } from './tree.js';

/** The quiet cancels kept (most are never refused, so never taken back out). */
const QUIET_CANCELS_KEPT = 16;

/** What the cancels need from the session. */
export interface InterruptCancelsHost {
  /** Sends a client event. */
  send(event: ClientEvent): void;
  /** A fresh client event id. */
  eventId(): string;
  /**
   * The response of a create an interruption came too early for was just cancelled as it
   * started: over WebRTC its audio may already be in the server's buffer, playing.
   * @default undefined (nothing more)
   */
  startedCancelled?(responseId: string): void;
}

/** One session's interruption cancels; made by the first interruption that cancels. */
export class InterruptCancels {
  readonly #host: InterruptCancelsHost;
  // event id → response id of the quiet cancels sent, the newest QUIET_CANCELS_KEPT
  readonly #quiet = new Map<string, string>();
  // the responses cancelled, the newest QUIET_CANCELS_KEPT: their audio still on the way is not
  // handed over (kept apart from #quiet, which forgets a cancel once refused)
  readonly #cancelled = new Set<string>();
  // the creates asked for before an interruption and not started (tagged, or untagged when
  // nothing else can start a response): each cancelled when it starts. Every one asked for
  // before the barge-in is stale, not only the last written (two lost together at a drop, a
  // generate() waiting its turn); each leaves on its start, refusal or give-up
  readonly #onStart: ResponseCreateEvent[] = [];

  constructor(host: InterruptCancelsHost) {
    this.#host = host;
  }

  /**
   * Sends `response.cancel` for `responseId`; `false` (nothing sent) when an earlier quiet
   * cancel was sent for it already.
   */
  cancel(responseId: string): boolean {
    if (!this.cancelUnreported(responseId)) return false;
    this.#cancelled.add(responseId);
    if (this.#cancelled.size > QUIET_CANCELS_KEPT)
      this.#cancelled.delete(this.#cancelled.values().next().value!);
    return true;
  }

  /**
   * Sends `response.cancel` for a response the engine stops for a reason of its own (a
   * `generate()` aborted, a stall): it may have just ended, and the `response_cancel_not_active`
   * it then draws is no error of the app's. No interruption: its audio is not held back.
   * `false` (nothing sent) when a quiet cancel was sent for it already.
   */
  cancelUnreported(responseId: string): boolean {
    for (const cancelled of this.#quiet.values()) if (cancelled === responseId) return false;
    const eventId = this.#host.eventId();
    this.#quiet.set(eventId, responseId);
    if (this.#quiet.size > QUIET_CANCELS_KEPT) this.#quiet.delete(this.#quiet.keys().next().value!);
    this.#host.send({ type: 'response.cancel', event_id: eventId, response_id: responseId });
    return true;
  }

  /**
   * The connection was lost: the responses cancelled were the old server's. A server that hands
   * out its ids again (a restarted one; the real API's are unique) would otherwise have its new
   * response of such an id silenced and shielded from the next barge-in. The quiet cancels'
   * event ids are kept (one still in the outbox goes out with the restore, and its
   * `response_cancel_not_active` is still expected), without their response ids. The create to
   * cancel when it starts is kept: a drop took it, it is sent again with its tag, and it is still
   * the one asked for before the barge-in.
   */
  connectionLost(): void {
    this.#cancelled.clear();
    for (const eventId of this.#quiet.keys()) this.#quiet.set(eventId, '');
  }

  /** Whether a cancel was sent for `responseId` (one of the newest few). */
  cancelled(responseId: string): boolean {
    return this.#cancelled.has(responseId);
  }

  /** Whether `eventId` is a quiet cancel (and forgets it): its refusal is not reported. */
  refused(eventId: string): boolean {
    return this.#quiet.delete(eventId);
  }

  /**
   * The response of `create` is cancelled the moment it starts: the one echoing its tag, or for
   * an untagged one (the caller knows no other can start first) the next one.
   */
  cancelWhenStarted(create: ResponseCreateEvent): void {
    if (!this.awaitsStart(create)) this.#onStart.push(create);
  }

  /**
   * Whether the response of `create` is to be cancelled when it starts: it is one of those, or
   * carries the tag of one (a create a drop took is written again as a new event, same tag).
   */
  awaitsStart(create: ResponseCreateEvent): boolean {
    const tag = requestTag(create.response?.metadata);
    return this.#onStart.some(
      (event) =>
        event === create || (tag !== undefined && requestTag(event.response?.metadata) === tag),
    );
  }

  /** A `response.created`: cancels it when it answers a create an interruption came too early for. */
  started(response: RealtimeResponse): void {
    const i = this.#onStart.findIndex((event) => answers(response, event));
    if (i < 0) return;
    this.#onStart.splice(i, 1);
    if (this.cancel(response.id)) this.#host.startedCancelled?.(response.id);
  }

  /**
   * `create` is written again (a drop took it: same tag, a new event id): it is the one to
   * cancel when it starts, so that its refusal or give-up, named by the new id, forgets it.
   */
  rewritten(create: ResponseCreateEvent): void {
    const tag = requestTag(create.response?.metadata);
    if (tag === undefined) return;
    const i = this.#onStart.findIndex((event) => requestTag(event.response?.metadata) === tag);
    if (i >= 0) this.#onStart[i] = create;
  }

  /** `create` will not be sent again: nothing to cancel when it starts (by identity or tag). */
  forgetCreate(create: ResponseCreateEvent): void {
    const tag = requestTag(create.response?.metadata);
    for (let i = this.#onStart.length - 1; i >= 0; i--) {
      const event = this.#onStart[i]!;
      if (event === create || (tag !== undefined && requestTag(event.response?.metadata) === tag))
        this.#onStart.splice(i, 1);
    }
  }

  /**
   * The create written as `eventId` will have no response (refused, or given up): nothing to
   * cancel when it starts.
   */
  forget(eventId: string | undefined): void {
    const i = this.#onStart.findIndex((event) => event.event_id === eventId);
    if (eventId !== undefined && i >= 0) this.#onStart.splice(i, 1);
  }
}
