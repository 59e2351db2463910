/**
 * A set of ids that remembers only the most recent ones: the mirror's ids the server deleted,
 * and the items a reconnect's restore left out. Both are asked about by events and requests that
 * come soon after an id was added; an unbounded set would grow for as long as a session lives
 * (a phone line open all day).
 * @module
 */

/** How many server-deleted ids the mirror remembers. */
export const DELETED_IDS_KEPT = 256;

/**
 * How many ids of items (and of function calls) the restores left out are remembered. A restore
 * with input transcription off can leave out hundreds of turns at once, so this holds several
 * whole restores; a request about an older one is long settled.
 */
export const LEFT_OUT_KEPT = 4096;

/**
 * The ids added most recently, at most `max` (insertion-ordered: beyond `max` the oldest is let
 * go). Adding an id again makes it the newest.
 */
export class BoundedIds {
  readonly #ids = new Set<string>();
  /** Remembers at most `max` ids. */
  constructor(readonly max: number) {}
  /** Remembers `id` as the newest. */
  add(id: string): void {
    this.#ids.delete(id);
    this.#ids.add(id);
    if (this.#ids.size > this.max) this.#ids.delete(this.#ids.keys().next().value as string);
  }
  /** Remembers each of `ids`, in order. */
  addAll(ids: Iterable<string>): void {
    for (const id of ids) this.add(id);
  }
  /** Whether `id` is remembered. */
  has(id: string): boolean {
    return this.#ids.has(id);
  }
  /** Forgets `id`. */
  delete(id: string): void {
    this.#ids.delete(id);
  }
  /** Forgets every id. */
  clear(): void {
    this.#ids.clear();
  }
  /** How many ids are remembered. */
  get size(): number {
    return this.#ids.size;
  }
}
