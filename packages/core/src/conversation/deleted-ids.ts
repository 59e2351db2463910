/**
 * The ids the server deleted, for the mirror: a `conversation.item.done` the server still sends
 * for an answer deleted while its response was writing it must not bring the item back, and a
 * late transcript of a deleted turn must not be held for an item that is not coming.
 * @module
 */

/** How many server-deleted ids the mirror remembers. */
export const DELETED_IDS_KEPT = 256;

/** The ids the server deleted most recently (insertion-ordered; the oldest is let go beyond `max`). */
export class DeletedIds {
  readonly #ids = new Set<string>();
  constructor(readonly max: number) {}
  add(id: string): void {
    this.#ids.delete(id);
    this.#ids.add(id);
    if (this.#ids.size > this.max) this.#ids.delete(this.#ids.keys().next().value as string);
  }
  has(id: string): boolean {
    return this.#ids.has(id);
  }
  delete(id: string): void {
    this.#ids.delete(id);
  }
  clear(): void {
    this.#ids.clear();
  }
}
