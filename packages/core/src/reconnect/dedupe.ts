/**
 * Duplicate suppression: a bounded, insertion-ordered window of recent server `event_id`s. A
 * frame delivered twice (a proxy retry, a buggy relay, a fault injector) is applied once: no
 * audio counted twice, no response reported done twice.
 * @module
 */

/** The most recent `capacity` ids; the oldest is forgotten first. */
export class RecentIds {
  readonly #ids = new Set<string>();
  readonly #capacity: number;

  /** @param capacity how many ids are remembered (0 disables suppression). */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Ids remembered. */
  get size(): number {
    return this.#ids.size;
  }

  /** Whether `id` was seen recently; remembers it when not. */
  seen(id: string): boolean {
    if (this.#capacity === 0) return false;
    if (this.#ids.has(id)) return true;
    this.#ids.add(id);
    // a Set iterates in insertion order, so its first value is the oldest id
    if (this.#ids.size > this.#capacity) this.#ids.delete(this.#ids.values().next().value as string);
    return false;
  }
}
