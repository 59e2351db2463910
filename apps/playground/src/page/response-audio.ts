/**
 * What only the page knows about the answers it plays: which assistant items each response sent
 * it audio for (its speaker is told an item is complete when the response is done), which
 * responses are still running, and which audio an interruption cut (late chunks of it are
 * dropped, never played). The truncation itself is core's (`session.interrupt()`, run by the
 * server). Pure bookkeeping, so it is unit-tested without a browser.
 * @module
 */

/** Responses in progress, their audio items, and what an interruption cut. */
export class ResponseAudio {
  private readonly itemsOfResponse = new Map<string, Set<string>>();
  private readonly cutItems = new Set<string>();
  private readonly cutResponses = new Set<string>();

  /** `response_created`: the response runs until its `response_done`. */
  created(responseId: string): void {
    if (!this.itemsOfResponse.has(responseId)) this.itemsOfResponse.set(responseId, new Set());
  }

  /**
   * An audio chunk of `itemId` arrived for `responseId`: true when it is to be played, false when
   * an interruption cut its item or its response.
   */
  audio(responseId: string, itemId: string): boolean {
    this.itemsOfResponse.get(responseId)?.add(itemId);
    return !this.cutItems.has(itemId) && !this.cutResponses.has(responseId);
  }

  /** `response_done`: returns its audio items (to tell the speaker they are complete) and forgets it. */
  done(responseId: string): string[] {
    const items = [...(this.itemsOfResponse.get(responseId) ?? [])];
    this.itemsOfResponse.delete(responseId);
    this.cutResponses.delete(responseId);
    return items;
  }

  /** The speaker cut `itemId`: audio still coming for it was not heard and is not played. */
  cutItem(itemId: string): void {
    this.cutItems.add(itemId);
  }

  /**
   * A turn made by hand cancels the response in progress (the newest still running, the one
   * core's `interrupt()` cancels): none of its audio still to come is played (core deletes its
   * unheard answers). Returns its id, or `undefined` when none runs.
   */
  cutNewestResponse(): string | undefined {
    const newest = [...this.itemsOfResponse.keys()].at(-1);
    if (newest !== undefined) this.cutResponses.add(newest);
    return newest;
  }

  /** Forgets everything (the session ended). */
  clear(): void {
    this.itemsOfResponse.clear();
    this.cutItems.clear();
    this.cutResponses.clear();
  }
}
