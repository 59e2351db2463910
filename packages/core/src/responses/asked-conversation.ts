/**
 * Which conversation a tagged `response.create` asked for, carried onto the response it starts
 * (`RealtimeResponse.outOfBand`). A response does not say on the wire whether it writes to the
 * default conversation (protocol.md leaves `conversation_id` of an out-of-band response
 * unverified), and its output tells only once it has some: an out-of-band text pass that has
 * written nothing yet looked like the conversation's answer to `interrupt()`, which cancelled it
 * instead of the answer the user talked over. A tagged create (generate()'s, or any create()
 * with room for the tag in its metadata) is matched to its `response.created` by the tag it
 * echoes, so what it asked for is known; an untagged create's response cannot be told apart from
 * one server VAD starts, and stays unknown.
 * @module
 */
import { requestTag } from './awaited.js';
import type { RealtimeResponse } from './tree.js';

/**
 * Tags remembered: a refused create's is never matched and is let go once this many newer ones
 * were sent.
 */
const ASKED_KEPT = 32;

/** The tagged creates sent and not matched to a response yet, with what each asked for. */
export class AskedConversations {
  // tag → whether the create asked for an out-of-band response (`conversation: 'none'`)
  readonly #byTag = new Map<string, boolean>();

  /** A create tagged `tag` is written; `outOfBand`: it asked for `conversation: 'none'`. */
  sending(tag: string, outOfBand: boolean): void {
    // a create sent again after a drop keeps its tag: it moves to the newest place
    this.#byTag.delete(tag);
    this.#byTag.set(tag, outOfBand);
    if (this.#byTag.size > ASKED_KEPT) this.#byTag.delete(this.#byTag.keys().next().value!);
  }

  /** A response started: when its tag is one of ours, it takes what its create asked for. */
  started(response: RealtimeResponse): void {
    if (this.#byTag.size === 0) return;
    const tag = requestTag(response.resource.metadata);
    if (tag === undefined) return;
    const outOfBand = this.#byTag.get(tag);
    if (outOfBand === undefined) return;
    this.#byTag.delete(tag);
    response.outOfBand = outOfBand;
  }

  /** The session closed: no create is answered any more. */
  clear(): void {
    this.#byTag.clear();
  }
}
