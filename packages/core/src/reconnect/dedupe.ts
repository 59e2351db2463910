/**
 * Duplicate suppression: a bounded, insertion-ordered window of recent server `event_id`s. A
 * frame delivered twice (a proxy retry, a buggy relay, a fault injector) is applied once: no
 * audio counted twice, no response reported done twice.
 * @module
 */

/** The most recent `capacity` ids; the oldest is forgotten first. */
export class RecentIds {
  // both allocated on the first id: a session that never receives one (or has suppression off)
  // keeps no hash table, which matters at thousands of sessions per process
  #ids: Set<string> | undefined;
  // the ids in arrival order; once full it is a ring whose slot `#next` holds the oldest id, so
  // forgetting one allocates nothing (a Set iterator per event would, on the hot path)
  #order: string[] | undefined;
  #next = 0;
  readonly #capacity: number;

  /** @param capacity how many ids are remembered (0 disables suppression). */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Ids remembered. */
  get size(): number {
    return this.#ids?.size ?? 0;
  }

  /** Whether `id` was seen recently; remembers it when not. */
  seen(id: string): boolean {
    if (this.#capacity === 0) return false;
    let ids = this.#ids;
    if (ids === undefined) ids = this.#ids = new Set();
    // one hash lookup instead of has + add: an id already present leaves the size unchanged
    const size = ids.size;
    ids.add(id);
    if (ids.size === size) return true;
    const order = (this.#order ??= []);
    if (order.length < this.#capacity) {
      order.push(id);
      return false;
    }
    ids.delete(order[this.#next] as string);
    order[this.#next] = id;
    this.#next = this.#next + 1 === this.#capacity ? 0 : this.#next + 1;
    return false;
  }
}
