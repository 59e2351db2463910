/**
 * The server's conversation: an ordered item list with insert-after and delete, plus the audio
 * of each audio item (kept apart because `conversation.item.done` and `response.done` omit it
 * while `conversation.item.retrieve` returns it).
 * @module
 */
import type { HeardAudio } from './connection.js';
import { clone, type JsonObject } from './wire.js';

/** One item as the fake stores it. */
export interface StoredItem {
  /** The GA-model item (no audio bytes inside). */
  item: JsonObject;
  /** PCM16 of the item's audio content part, when it has one. */
  audio?: Int16Array | undefined;
  /** Output sample rate of `audio`. */
  sampleRate?: number | undefined;
  /**
   * Set by `conversation.item.truncate`: the response still producing this item keeps the cut
   * audio and the dropped transcript instead of restoring what it generated.
   */
  truncated?: boolean | undefined;
  /**
   * What a committed audio turn "said" (scripted or `transcribe`d), kept with the item so a
   * connection that carries the conversation over (`conversation: 'persist'`) still hears it.
   */
  heard?: HeardAudio | undefined;
}

/** An ordered conversation. */
export class Conversation {
  #assistantSpoke = false;
  readonly #items: StoredItem[] = [];
  // each id's entry (the first in order, should ids repeat), so a lookup does not walk the
  // items: a response reads every audio item's length, which made each one O(n²) in a soak
  // that keeps its whole context
  readonly #byId = new Map<unknown, StoredItem>();
  // entries whose id an earlier entry already had (none unless a `generateId` repeats)
  #repeats = 0;

  /** The ids in order. */
  get ids(): string[] {
    return this.#items.map((s) => String(s.item['id']));
  }

  /** Number of items. */
  get size(): number {
    return this.#items.length;
  }

  /** The stored entry of `id`, if present. */
  get(id: string): StoredItem | undefined {
    return this.#byId.get(id);
  }

  /** Whether some item matches `predicate` (a read: nothing is copied). */
  some(predicate: (item: Readonly<JsonObject>) => boolean): boolean {
    return this.#items.some((s) => predicate(s.item));
  }

  /** The id of the item before `id` (`null` at the start). */
  previousOf(id: string): string | null {
    const i = this.#indexOf(id);
    return i > 0 ? String(this.#items[i - 1]?.item['id']) : null;
  }

  /** The id of the last item, or `null` when empty. */
  lastId(): string | null {
    const last = this.#items[this.#items.length - 1];
    return last ? String(last.item['id']) : null;
  }

  /**
   * Inserts after `previousItemId` (`undefined`: append; `'root'` or `null`: at the start).
   * Returns the id the item now follows, or `false` when `previousItemId` is unknown.
   */
  insert(
    entry: StoredItem,
    previousItemId?: string | null,
  ): { previousItemId: string | null } | false {
    if (previousItemId === undefined) {
      const prev = this.lastId();
      this.#items.push(entry);
      this.#index(entry);
      return { previousItemId: prev };
    }
    if (previousItemId === null || previousItemId === 'root') {
      this.#items.unshift(entry);
      this.#index(entry);
      return { previousItemId: null };
    }
    const i = this.#indexOf(previousItemId);
    if (i < 0) return false;
    this.#items.splice(i + 1, 0, entry);
    this.#index(entry);
    return { previousItemId };
  }

  /** Removes `id`; returns whether it existed. */
  delete(id: string): boolean {
    const i = this.#indexOf(id);
    if (i < 0) return false;
    this.#items.splice(i, 1);
    this.#byId.delete(id);
    // a repeated id (a `generateId` that repeats) now finds its next entry, as a walk would
    const next = this.#repeats > 0 ? this.#items.find((s) => s.item['id'] === id) : undefined;
    if (next) {
      this.#byId.set(id, next);
      this.#repeats--;
    }
    return true;
  }

  /** Removes every item (a released connection's: see `FakeConnection.release`). */
  clear(): void {
    this.#items.length = 0;
    this.#byId.clear();
    this.#repeats = 0;
  }

  /** Deep copies of the items, in order (no audio bytes). */
  snapshot(): JsonObject[] {
    return this.#items.map((s) => clone(s.item));
  }

  /**
   * Whether the model has produced audio in this conversation (voice changes are refused after
   * that, protocol.md §7.2): from its first audio delta, not only once the item is done.
   */
  hasAssistantAudio(): boolean {
    return (
      this.#assistantSpoke ||
      this.#items.some((s) => s.item['role'] === 'assistant' && s.audio !== undefined)
    );
  }

  /** A response in this conversation sent its first audio delta. */
  noteAssistantAudio(): void {
    this.#assistantSpoke = true;
  }

  // the position of `id`'s entry (a walk, but by identity: no id is read on the way)
  #indexOf(id: string): number {
    const entry = this.#byId.get(id);
    return entry ? this.#items.indexOf(entry) : -1;
  }

  // indexes a new entry; a repeated id keeps pointing at the entry that comes first
  #index(entry: StoredItem): void {
    const id = entry.item['id'];
    const known = this.#byId.get(id);
    if (known) this.#repeats++;
    if (!known || this.#items.indexOf(entry) < this.#items.indexOf(known))
      this.#byId.set(id, entry);
  }
}
