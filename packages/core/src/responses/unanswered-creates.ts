/**
 * The `response.create`s a response is still owed for (`create.ts`): the last one written for the
 * default conversation and the last out-of-band one (`conversation: 'none'`) whose
 * `response.created` has not arrived, and the ones a dropped connection took with it, to be
 * written again once the next connection is restored. The two slots are kept apart: an
 * out-of-band create written while the conversation's waits must not take that one's place (the
 * create a drop sends again, the answer later creates wait for).
 * @module
 */
import type { ClientEvent } from '@voxwire/protocol';
import { answers, requestTag, type ResponseCreateEvent } from './awaited.js';
import type { RealtimeResponse } from './tree.js';

/** One session's unanswered and lost creates. */
export class UnansweredCreates {
  #conversation: ResponseCreateEvent | undefined;
  #outOfBand: ResponseCreateEvent | undefined;
  // the ones the connection took with it: sent again once the next connection is restored
  #lost: ResponseCreateEvent[] | undefined;

  /** The last create for the default conversation written and not answered. */
  get conversation(): ResponseCreateEvent | undefined {
    return this.#conversation;
  }

  /** The last out-of-band create written and not answered. */
  get outOfBand(): ResponseCreateEvent | undefined {
    return this.#outOfBand;
  }

  /**
   * `event` is about to be written: it is the unanswered create of its kind. Known before the
   * write, as a write that fails at once is refused by this event id.
   */
  writing(event: ResponseCreateEvent): void {
    if (event.response?.conversation === 'none') this.#outOfBand = event;
    else this.#conversation = event;
  }

  /** The write of `event` threw (the session is closing): it was not sent, nothing to wait for. */
  notWritten(event: ResponseCreateEvent): void {
    if (this.#conversation === event) this.#conversation = undefined;
    if (this.#outOfBand === event) this.#outOfBand = undefined;
  }

  /**
   * `response` started: the creates it answers (see `answers`) are answered. Returns whether the
   * conversation's was.
   */
  answeredBy(response: RealtimeResponse): boolean {
    const conversation = answers(response, this.#conversation);
    if (conversation) this.#conversation = undefined;
    if (answers(response, this.#outOfBand)) this.#outOfBand = undefined;
    return conversation;
  }

  /**
   * The conversation's create whose response an interruption may cancel the moment it starts:
   * a tagged one, told by its tag from the response server VAD starts for the user's turn; an
   * untagged one only when `untagged` (the server starts no response by itself, so the next
   * untagged `response.created` is its), and not while an untagged out-of-band create is
   * unanswered too (its response may come first). Out-of-band creates are tagged unless their
   * metadata is no object, which the server refuses. The creates a drop took are not looked at
   * here (`stale-creates.ts` deals with them: they are not written yet).
   */
  cancellable(untagged: boolean): ResponseCreateEvent | undefined {
    const create = this.#conversation;
    if (create === undefined || requestTag(create.response?.metadata) !== undefined) return create;
    const untaggedOutOfBand = [this.#outOfBand, ...(this.#lost ?? [])].some(
      (event) =>
        event?.response?.conversation === 'none' &&
        requestTag(event.response.metadata) === undefined,
    );
    return untagged && !untaggedOutOfBand ? create : undefined;
  }

  /**
   * No answer came within the bound for the out-of-band create: it is given up (a drop does not
   * send it again: nobody waits for it any more, and its response may have started untold).
   */
  giveUpOutOfBand(): void {
    this.#outOfBand = undefined;
  }

  /** The client event `eventId` was refused. Returns whether it was the conversation's create. */
  refused(eventId: string): boolean {
    if (this.#outOfBand?.event_id === eventId) this.#outOfBand = undefined;
    if (this.#conversation?.event_id !== eventId) return false;
    this.#conversation = undefined;
    return true;
  }

  /**
   * No answer came within the bound: the conversation's create is given up when tagged (a server
   * that drops metadata never echoes the tag; its response may well have started, and sending it
   * again after a later drop would start a second one). Returns the create given up.
   */
  giveUpTagged(): ResponseCreateEvent | undefined {
    const given = this.#conversation;
    if (requestTag(given?.response?.metadata) === undefined) return undefined;
    this.#conversation = undefined;
    return given;
  }

  /**
   * The connection was lost. `requests` are the `generate()` requests it took unanswered, in the
   * order they were written; with them, each unanswered create it took (not `queued`, still in
   * the outbox) is to be sent again. Returns whether a create for the conversation is still to be
   * answered: one still queued, or one to be sent again.
   */
  lost(requests: ResponseCreateEvent[], queued: (event: ClientEvent) => boolean): boolean {
    const lost = requests;
    for (const unanswered of [this.#conversation, this.#outOfBand]) {
      if (unanswered === undefined || queued(unanswered)) continue;
      if (!lost.includes(unanswered)) lost.push(unanswered);
      if (unanswered === this.#conversation) this.#conversation = undefined;
      else this.#outOfBand = undefined;
    }
    if (lost.length > 0) (this.#lost ??= []).push(...lost);
    return (
      this.#conversation !== undefined ||
      this.#lost?.some((event) => event.response?.conversation !== 'none') === true
    );
  }

  /** Whether creates were lost with the connection, to be sent again after the restore. */
  get anyLost(): boolean {
    return this.#lost !== undefined && this.#lost.length > 0;
  }

  /** The conversation's creates lost with the connection, to be sent again after the restore. */
  lostConversation(): ResponseCreateEvent[] {
    return this.#lost?.filter((event) => event.response?.conversation !== 'none') ?? [];
  }

  /** Forgets the lost creates `drop` picks: they are not sent again (`interrupt()`). */
  dropLost(drop: (event: ResponseCreateEvent) => boolean): void {
    this.#lost = this.#lost?.filter((event) => !drop(event));
  }

  /** The creates lost with the connection, now to be sent again (forgotten here). */
  takeLost(): ResponseCreateEvent[] | undefined {
    const lost = this.#lost;
    this.#lost = undefined;
    return lost;
  }

  /** The session closed for good: nothing is answered or sent again any more. */
  clear(): void {
    this.#lost = this.#conversation = this.#outOfBand = undefined;
  }
}
