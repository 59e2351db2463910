/**
 * Duplicate suppression: a bounded, insertion-ordered window of recent server `event_id`s. A
 * frame delivered twice (a proxy retry, a buggy relay, a fault injector) is applied once: no
 * audio counted twice, no response reported done twice.
 * @module
 */

/**
 * The most recent `capacity` ids; the oldest is forgotten first.
 *
 * This runs once per server frame, so it allocates nothing per id. An id is kept as two
 * independent 32-bit hashes of its characters (FNV-1a and a Murmur-style mix: 64 bits, so two
 * different ids of one window are taken for the same with a probability near 2⁻⁵⁶ per frame)
 * in typed-array rings, indexed by a linear-probing table with backward-shift deletion. The
 * previous `Set<string>` + ring kept every id string alive until it left the window and
 * reallocated its hash table as ids came and went; both ended in old space and brought major
 * collections into the audio path (PROFILE.md round 4).
 */
export class RecentIds {
  readonly #capacity: number;
  // both grown with the window (8, 16, … up to `capacity` ids), so an idle session keeps a few
  // dozen bytes on the JS heap rather than a full window outside it
  // ring position i holds the id's two hashes at 2i and 2i + 1
  #hashes: Int32Array | undefined;
  // slot → 1 + ring position of the id hashed there; 0 is an empty slot
  #table: Uint16Array | Uint32Array | undefined;
  #mask = 0;
  // ring position the next id is written to (the oldest id once the ring is full)
  #next = 0;
  #count = 0;

  /** @param capacity how many ids are remembered (0 disables suppression). */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Ids remembered. */
  get size(): number {
    return this.#count;
  }

  /**
   * Forgets every id, and the arrays that held them (a new connection starts with a window of its
   * own, grown again as its ids come).
   */
  clear(): void {
    this.#hashes = undefined;
    this.#table = undefined;
    this.#mask = 0;
    this.#next = 0;
    this.#count = 0;
  }

  /** Whether `id` was seen recently; remembers it when not. */
  seen(id: string): boolean {
    const capacity = this.#capacity;
    if (capacity === 0) return false;
    let a = 0x811c9dc5 | 0;
    let b = 0x9747b28c | 0;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    b ^= id.length;
    let table = this.#table;
    let hashes = this.#hashes;
    if (table === undefined || hashes === undefined) {
      table = this.#resize(Math.min(capacity, 8));
      hashes = this.#hashes!;
    }
    let mask = this.#mask;
    let slot = a & mask;
    for (let entry = table[slot]!; entry !== 0; entry = table[slot]!) {
      const at = (entry - 1) * 2;
      if (hashes[at] === a && hashes[at + 1] === b) return true;
      slot = (slot + 1) & mask;
    }
    let position = this.#next;
    const length = hashes.length >> 1;
    if (this.#count === capacity) {
      // the window is full: ring position `position` holds the oldest id, which leaves it
      this.#remove(position);
      // the removal may have shifted entries: find the empty slot for `a` again
      slot = a & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
    } else {
      if (this.#count === length) {
        // the ring is full but the window is not: grow it (ids stay in arrival order)
        table = this.#resize(Math.min(capacity, length * 2));
        hashes = this.#hashes!;
        mask = this.#mask;
        slot = a & mask;
        while (table[slot] !== 0) slot = (slot + 1) & mask;
        position = this.#count;
      }
      this.#count++;
    }
    hashes[position * 2] = a;
    hashes[position * 2 + 1] = b;
    table[slot] = position + 1;
    const size = this.#count === capacity ? capacity : hashes.length >> 1;
    this.#next = position + 1 === size ? 0 : position + 1;
    return false;
  }

  // (re)allocates for `ids` ids and re-indexes the ones kept so far (only while the window is
  // not full yet, when positions 0 … count − 1 hold them in arrival order)
  #resize(ids: number): Uint16Array | Uint32Array {
    // a power of two at least twice the ids: probes stay short at load ≤ 0.5
    let size = 2;
    while (size < ids * 2) size *= 2;
    const mask = size - 1;
    // both views over one buffer: one allocation (and one ArrayBuffer object) per size, not two
    const wide = ids >= 0xffff;
    const buffer = new ArrayBuffer(ids * 8 + size * (wide ? 4 : 2));
    const hashes = new Int32Array(buffer, 0, ids * 2);
    const table = wide
      ? new Uint32Array(buffer, ids * 8, size)
      : new Uint16Array(buffer, ids * 8, size);
    const old = this.#hashes;
    for (let position = 0; position < this.#count; position++) {
      const a = old![position * 2]!;
      hashes[position * 2] = a;
      hashes[position * 2 + 1] = old![position * 2 + 1]!;
      let slot = a & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = position + 1;
    }
    this.#hashes = hashes;
    this.#table = table;
    this.#mask = mask;
    return table;
  }

  // removes ring position `position` from the table, shifting later entries of its probe run back
  // so that no lookup ever stops early at the hole (no tombstones, so the table never degrades)
  #remove(position: number): void {
    const table = this.#table!;
    const hashes = this.#hashes!;
    const mask = this.#mask;
    let hole = hashes[position * 2]! & mask;
    while (table[hole] !== position + 1) hole = (hole + 1) & mask;
    table[hole] = 0;
    for (let slot = (hole + 1) & mask; table[slot] !== 0; slot = (slot + 1) & mask) {
      const home = hashes[(table[slot]! - 1) * 2]! & mask;
      // move the entry into the hole unless its home lies cyclically in (hole, slot]
      if (((slot - home) & mask) >= ((slot - hole) & mask)) {
        table[hole] = table[slot]!;
        table[slot] = 0;
        hole = slot;
      }
    }
  }
}
