/**
 * Conversation creates the server refuses as busy (`conversation_already_has_active_response`)
 * with a response this side did not know of when it wrote them.
 *
 * On any connection, the server's VAD (or its idle timeout) may start answering the user's turn
 * while a create is on its way: the engine saw no response in progress and wrote it (the
 * follow-up to a tool that finished just as the user spoke, say), and the server refuses it.
 * The create is what `keep_both` asks for: it is held, still unanswered so that later creates
 * wait behind it, and written again when a response is done (`responseEnded`), as it would have
 * waited had the response been known. A create that asked for `cancel_existing` cancels that
 * response first; one that asked for `cancel_new` declines, as it would have. So does any create
 * on a connection the server drops with its session when no response is known in progress: the
 * response that made the server busy was heard (its `response.created` came first), and one this
 * side no longer follows (ended here, a stall) might never say it is done.
 *
 * A side-band (`Connection.persistentSession`: the server keeps a call's session across sockets,
 * and goes on answering while none is attached) meets the same refusal for answers it does not
 * follow, and one more case:
 *
 * - a create sent again after a re-attach: the drop lost the start of the very response it asked
 *   for, which the side-band adopts as its rest arrives (`reconnect/lost-starts.ts`). It is
 *   settled as answered, and a `generate()` request it carried takes the response the session is
 *   giving;
 * - any other create (or one refused as busy before the drop, which the server never started):
 *   the session gives an answer begun before the attach and not heard yet, or one a drop ended
 *   here while the call went on with it. It is held as above.
 *
 * Neither refusal is reported on `error`. Made on a side-band's first connect, or on the first
 * busy refusal.
 * @module
 */
import { requestTag, type ResponseCreateEvent } from './awaited.js';
import type { OnDuplicate } from './create-options.js';
import type { RealtimeResponse } from './tree.js';

/** The server's code for a create refused because a response is in progress. */
export const BUSY = 'conversation_already_has_active_response';

/** What the creator lends the busy creates. */
export interface BusyCreatesHost {
  /** The conversation create written and not answered yet. */
  unansweredConversation(): ResponseCreateEvent | undefined;
  /** The create `eventId` is answered by its refusal, and a `generate()` request it carried
   * by the response the session is giving unseen. */
  answeredUnseen(eventId: string): void;
  /** No answer is on its way for the unanswered create: its wait's bound stops. */
  pauseWait(): void;
  /** Writes `held` again; its wait for an answer starts over. */
  writeAgain(held: ResponseCreateEvent): void;
  /** The responses in progress, oldest first. */
  activeResponses(): readonly RealtimeResponse[];
  /** Whether `session.interrupt()` cancelled `responseId` already. */
  interrupted(responseId: string): boolean;
  /** Sends `response.cancel` for `responseId`. */
  cancel(responseId: string): void;
}

/** See the module. */
export class BusyCreates {
  readonly #h: BusyCreatesHost;
  // creates sent again after a re-attach, by event id (a refusal names one of this connection)
  #resent: Set<string> | undefined;
  // the create refused as busy, until a response is done
  #held: ResponseCreateEvent | undefined;
  // the tag of the last create refused as busy: the server never started it, so a refusal of
  // it sent again after a drop is the same busy answer, not its own answer given unseen
  #busyTag: string | undefined;
  // whether the connection is a side-band (the server keeps the session across sockets)
  #persistent = false;
  // the onDuplicate of a conversation create that asked for other than `keep_both`
  #rules: WeakMap<ResponseCreateEvent, OnDuplicate> | undefined;

  constructor(host: BusyCreatesHost) {
    this.#h = host;
  }

  /** A connection is open; `persistent`: a side-band's. */
  reopened(persistent: boolean): void {
    this.#persistent = persistent;
  }

  /** The conversation create `written` asked for `onDuplicate`, which a busy refusal applies. */
  rule(written: ResponseCreateEvent, onDuplicate: OnDuplicate): void {
    if (onDuplicate !== 'keep_both') (this.#rules ??= new WeakMap()).set(written, onDuplicate);
  }

  /** The create `eventId` is sent again after a re-attach. */
  resending(eventId: string): void {
    (this.#resent ??= new Set()).add(eventId);
  }

  /** The connection was lost: a held create is the unanswered one, which the drop's resend takes. */
  connectionLost(): void {
    this.#resent = undefined;
    this.#held = undefined;
  }

  /** The session closed: nothing is sent again. */
  closed(): void {
    this.#resent = undefined;
    this.#held = undefined;
    this.#busyTag = undefined;
  }

  /**
   * The server refused the client event `eventId` with `code`. When it is one of these creates
   * refused as busy (see the module): `'answered'`, a create sent again after a re-attach, settled
   * as answered by the response the session is giving; `'held'`, the unanswered create, held
   * until {@link responseEnded} (a resend the server never started, refused as busy before the
   * drop, is held too; `cancel_existing` cancels the responses in progress first). `undefined`
   * for any other refusal, and for a create that declines (see the module).
   */
  refused(eventId: string, code: string | null): 'answered' | 'held' | undefined {
    const resent = this.#resent?.delete(eventId) === true;
    if (code !== BUSY) return undefined;
    const create = this.#h.unansweredConversation();
    const rule = create?.event_id === eventId ? this.#rules?.get(create) : undefined;
    if (rule === 'cancel_new' || (!this.#persistent && this.#h.activeResponses().length === 0))
      return undefined;
    const outcome = this.#busy(eventId, create, resent);
    if (outcome === 'held' && rule === 'cancel_existing')
      for (const response of this.#h.activeResponses())
        if (!this.#h.interrupted(response.id)) this.#h.cancel(response.id);
    return outcome;
  }

  // the busy refusal of `eventId` (`create`: the unanswered conversation create)
  #busy(
    eventId: string,
    create: ResponseCreateEvent | undefined,
    resent: boolean,
  ): 'answered' | 'held' | undefined {
    const wasBusy =
      this.#busyTag !== undefined &&
      create?.event_id === eventId &&
      tagOf(create) === this.#busyTag;
    if (resent && !wasBusy) {
      this.#h.answeredUnseen(eventId);
      return 'answered';
    }
    if (create === undefined || create.event_id !== eventId) return undefined;
    this.#held = create;
    this.#busyTag = tagOf(create);
    this.#h.pauseWait();
    return 'held';
  }

  /** A response is done (any, one this side ignores included): a held create goes again. */
  responseEnded(): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    // settled meanwhile (a generate() request aborted, the session closing): nothing to send
    if (this.#h.unansweredConversation() === held) this.#h.writeAgain(held);
  }
}

function tagOf(create: ResponseCreateEvent): string | undefined {
  return create.response === undefined ? undefined : requestTag(create.response.metadata);
}
