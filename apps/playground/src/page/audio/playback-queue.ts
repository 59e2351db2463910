/**
 * The playback queue that lives in the playback worklet: chunks of assistant audio tagged with
 * their item, rendered in order, with a per-item count of the samples actually handed to the
 * speaker. That count — not the amount received, not wall-clock time — is what the truncation
 * uses, so the model forgets exactly what the person did not hear.
 * @module
 */

/** How much of one item was received and played when playback stopped. */
export interface ItemPlayback {
  itemId: string;
  contentIndex: number;
  /** Samples rendered to the output. */
  playedSamples: number;
  /** Samples received for this item. */
  receivedSamples: number;
  /** True once told that no more audio will come for the item. */
  ended: boolean;
}

interface Chunk {
  itemId: string;
  samples: Float32Array;
  offset: number;
}

/** An in-order queue of audio chunks that counts played samples per item. */
export class PlaybackQueue {
  private readonly chunks: Chunk[] = [];
  /** Items in first-seen order; kept until stop/clear so the counts survive a drained queue. */
  private readonly items = new Map<string, ItemPlayback>();

  /** Adds samples (float, at the output rate) for `itemId`. */
  enqueue(itemId: string, samples: Float32Array, contentIndex = 0): void {
    if (samples.length === 0) return;
    this.chunks.push({ itemId, samples, offset: 0 });
    const item = this.items.get(itemId) ?? {
      itemId,
      contentIndex,
      playedSamples: 0,
      receivedSamples: 0,
      ended: false,
    };
    item.receivedSamples += samples.length;
    this.items.set(itemId, item);
  }

  /** Fills `out` from the queue (silence when empty); returns how many real samples were written. */
  render(out: Float32Array): number {
    let written = 0;
    while (written < out.length) {
      const chunk = this.chunks[0];
      if (!chunk) break;
      const n = Math.min(out.length - written, chunk.samples.length - chunk.offset);
      out.set(chunk.samples.subarray(chunk.offset, chunk.offset + n), written);
      chunk.offset += n;
      written += n;
      const item = this.items.get(chunk.itemId);
      if (item) item.playedSamples += n;
      if (chunk.offset >= chunk.samples.length) this.chunks.shift();
    }
    out.fill(0, written);
    return written;
  }

  /** True while samples are waiting to be played. */
  get playing(): boolean {
    return this.chunks.length > 0;
  }

  /** Samples waiting to be played. */
  get pendingSamples(): number {
    let n = 0;
    for (const c of this.chunks) n += c.samples.length - c.offset;
    return n;
  }

  /** Progress of every item seen since the last stop/clear. */
  snapshot(): ItemPlayback[] {
    return [...this.items.values()].map((i) => ({ ...i }));
  }

  /** No more audio will come for `itemId` (its response is done). */
  markEnded(itemId: string): void {
    const item = this.items.get(itemId);
    if (item) item.ended = true;
  }

  /**
   * Stops playback at once and forgets everything. Returns every item that may have been cut:
   * audio still queued, or more audio still to come (not ended) — an underrun is not the end.
   */
  stop(): ItemPlayback[] {
    const cut = [...this.items.values()]
      .filter((i) => !i.ended || i.playedSamples < i.receivedSamples)
      .map((i) => ({ ...i }));
    this.chunks.length = 0;
    this.items.clear();
    return cut;
  }

  /** Drops the counts of items that ended and played to the end; returns them. */
  forgetFinished(): ItemPlayback[] {
    const done: ItemPlayback[] = [];
    for (const [id, item] of this.items) {
      if (item.ended && item.playedSamples >= item.receivedSamples) {
        done.push({ ...item });
        this.items.delete(id);
      }
    }
    return done;
  }
}
