/**
 * Input transcripts that arrive before their item (transcription runs asynchronously and its
 * events are not ordered with the item events), kept in a bounded map until the item arrives.
 * @module
 */

interface Early {
  /** content index → transcript so far */
  readonly parts: Map<number, { text: string; final: boolean }>;
}

/** A bounded, insertion-ordered store of early transcripts. */
export class PendingTranscripts {
  // allocated by the first early transcript: most sessions never see one
  #byItem: Map<string, Early> | undefined;
  readonly #max: number;

  /** @param max - how many items to remember; the oldest is dropped beyond it */
  constructor(max: number) {
    this.#max = Math.max(0, max);
  }

  /** Adds a delta (appended) or a completed transcript (replaces the deltas). */
  add(itemId: string, contentIndex: number, text: string, final: boolean): void {
    if (this.#max === 0) return;
    const byItem = (this.#byItem ??= new Map());
    let early = byItem.get(itemId);
    if (!early) {
      early = { parts: new Map() };
      byItem.set(itemId, early);
      if (byItem.size > this.#max) {
        const oldest = byItem.keys().next().value as string;
        byItem.delete(oldest);
      }
    }
    const part = early.parts.get(contentIndex);
    if (final) early.parts.set(contentIndex, { text, final: true });
    else if (!part) early.parts.set(contentIndex, { text, final: false });
    else if (!part.final) part.text += text;
  }

  /** Removes and returns the transcripts of `itemId` as (content index, text) pairs. */
  take(itemId: string): [number, string][] | undefined {
    const byItem = this.#byItem;
    const early = byItem?.get(itemId);
    if (!byItem || !early) return undefined;
    byItem.delete(itemId);
    return [...early.parts].map(([index, part]) => [index, part.text]);
  }

  /** Forgets `itemId`. */
  drop(itemId: string): void {
    this.#byItem?.delete(itemId);
  }

  /** Forgets everything. */
  clear(): void {
    this.#byItem?.clear();
  }

  /** How many items have early transcripts. */
  get size(): number {
    return this.#byItem?.size ?? 0;
  }
}
