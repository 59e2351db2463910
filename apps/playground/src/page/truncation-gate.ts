/**
 * Holds a cut item's truncation until its response is over. The item is still being generated
 * while its response runs: a truncate that reaches the server before the cancellation has taken
 * effect races the generator (the embedded fake refuses it, "Only model output audio messages
 * can be truncated"). Once `response.done` is in, the item and its audio are final, and the
 * truncate is exact. Pure bookkeeping, so it is unit-tested without a browser.
 * @module
 */

/** One truncation to send: the item, its content part and the milliseconds heard. */
export interface TruncateRequest {
  itemId: string;
  contentIndex: number;
  audioEndMs: number;
}

/** Tracks which response each assistant audio item belongs to and which responses still run. */
export class TruncationGate {
  private readonly responseOfItem = new Map<string, string>();
  private readonly active = new Set<string>();
  private readonly held = new Map<string, TruncateRequest[]>();
  private waiting: (() => void)[] = [];

  /** @param send Sends a truncation to the server (called at once, or when the response ends). */
  constructor(private readonly send: (request: TruncateRequest) => void) {}

  /** True while any response is running (a manual turn then cancels it first). */
  get anyActive(): boolean {
    return this.active.size > 0;
  }

  /** `response_created`. */
  responseCreated(responseId: string): void {
    this.active.add(responseId);
  }

  /** An audio chunk of `itemId` arrived for `responseId`. */
  audio(responseId: string, itemId: string): void {
    this.responseOfItem.set(itemId, responseId);
  }

  /** Items of `responseId` (to tell the speaker they are complete). */
  itemsOf(responseId: string): string[] {
    return [...this.responseOfItem].flatMap(([item, r]) => (r === responseId ? [item] : []));
  }

  /** Truncates now when the item's response is over, else when it ends. */
  truncate(request: TruncateRequest): void {
    const responseId = this.responseOfItem.get(request.itemId);
    if (responseId === undefined || !this.active.has(responseId)) {
      this.send(request);
      return;
    }
    const list = this.held.get(responseId) ?? [];
    list.push(request);
    this.held.set(responseId, list);
  }

  /**
   * Runs `next` once every held truncation has been sent: now when none is held. A turn that
   * follows an interruption (typed text, a committed turn) asks for the next answer, so it must
   * reach the server after the truncations, or the model answers with the unheard audio still
   * in its context.
   */
  afterHeld(next: () => void): void {
    if (this.held.size === 0) next();
    else this.waiting.push(next);
  }

  /** `response_done`: sends the truncations held for it and forgets its items. */
  responseDone(responseId: string): void {
    this.active.delete(responseId);
    for (const item of this.itemsOf(responseId)) this.responseOfItem.delete(item);
    const list = this.held.get(responseId) ?? [];
    this.held.delete(responseId);
    for (const request of list) this.send(request);
    if (this.held.size > 0 || this.waiting.length === 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const next of waiting) next();
  }

  /** Forgets everything (the session ended: nothing is left to truncate, no turn to send). */
  clear(): void {
    this.responseOfItem.clear();
    this.active.clear();
    this.held.clear();
    this.waiting = [];
  }
}
