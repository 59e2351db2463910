/**
 * The text heard of the answers the server truncated after a barge-in, for the restore
 * (`reconnect.truncatedAnswers: 'heard'`, `heard-text.ts`). Taken when the truncation is
 * confirmed: by the time of a rollover (up to an hour later on a long call) the answer's
 * response is no longer retained, and its transcript would be unknown.
 * @module
 */
import type { ServerEvent } from '@voxwire/protocol';
import { heardTextOf } from '../conversation/heard-text.js';
import type { ResponseTracker } from '../responses/tracker.js';

/** What was heard of each truncated answer, until the next restore retells them all. */
export class TruncatedHeard {
  readonly #tracker: ResponseTracker;
  // `${itemId}/${contentIndex}` → the text heard (made on first use)
  #heard: Map<string, string> | undefined;

  /** @param tracker - the responses, whose transcripts and audio tell what was heard */
  constructor(tracker: ResponseTracker) {
    this.#tracker = tracker;
  }

  /** The server confirmed a truncation: takes the text heard while the response is known. */
  truncated(event: Extract<ServerEvent, { type: 'conversation.item.truncated' }>): void {
    const { item_id: itemId, content_index: contentIndex, audio_end_ms: audioEndMs } = event;
    const text = heardTextOf(this.#tracker.content(itemId, contentIndex), audioEndMs);
    if (text !== undefined) (this.#heard ??= new Map()).set(`${itemId}/${contentIndex}`, text);
  }

  /**
   * What was heard of a truncated answer: as taken when the truncation was confirmed, else from
   * its transcript and audio in the response tree (unknown once the response is not retained).
   */
  heardText(itemId: string, contentIndex: number, audioEndMs: number): string | undefined {
    return (
      this.#heard?.get(`${itemId}/${contentIndex}`) ??
      heardTextOf(this.#tracker.content(itemId, contentIndex), audioEndMs)
    );
  }

  /** A restore retold (or left out) every truncated answer: the fresh server holds none. */
  restored(): void {
    this.#heard = undefined;
  }
}
