/**
 * An ordered list of chat items with O(1) insert-after, delete and lookup by id: a doubly linked
 * list plus a map, as the seed's `_RemoteConversationItems`. The conversation mirror
 * (`mirror.ts`) is one, fed by server events; this part knows only the order and the ids.
 * @module
 */
import type { ChatItem } from './chat-context.js';
import { ConversationError } from './errors.js';

/** The wire's name for "before the first item". */
export const ROOT_ITEM_ID = 'root';

interface Node {
  item: ChatItem;
  prev: Node | null;
  next: Node | null;
}

/**
 * Chat items in conversation order, by id. A subclass that keeps more per item overrides
 * {@link insertAfter}, {@link delete} and {@link clear}; {@link append} goes through
 * {@link insertAfter}.
 */
export class LinkedItems {
  readonly #nodes = new Map<string, Node>();
  #head: Node | null = null;
  #tail: Node | null = null;

  /** Number of items. */
  get size(): number {
    return this.#nodes.size;
  }

  /** Whether the list holds `id`. */
  has(id: string): boolean {
    return this.#nodes.has(id);
  }

  /** The item with `id` (the list's own object: do not mutate it), or `undefined`. */
  get(id: string): ChatItem | undefined {
    return this.#nodes.get(id)?.item;
  }

  /** Id of the item before `id`: `null` at the start, `undefined` when `id` is unknown. */
  previousId(id: string): string | null | undefined {
    const node = this.#nodes.get(id);
    if (!node) return undefined;
    return node.prev?.item.id ?? null;
  }

  /** Id of the last item, or `null` when empty. */
  get lastId(): string | null {
    return this.#tail?.item.id ?? null;
  }

  /** The item ids in conversation order. */
  ids(): string[] {
    const out: string[] = [];
    for (let node = this.#head; node; node = node.next) out.push(node.item.id);
    return out;
  }

  /** The items in conversation order (the list's own objects). */
  items(): ChatItem[] {
    const out: ChatItem[] = [];
    for (let node = this.#head; node; node = node.next) out.push(node.item);
    return out;
  }

  /**
   * Inserts `item` right after `previousId`. `null`, `undefined` and `"root"` mean the start.
   * @throws ConversationError `UNKNOWN_PREDECESSOR` or `DUPLICATE_ITEM`; the list is unchanged
   */
  insertAfter(previousId: string | null | undefined, item: ChatItem): void {
    if (this.#nodes.has(item.id)) {
      throw new ConversationError(
        'DUPLICATE_ITEM',
        `item "${item.id}" is already in the conversation`,
        { itemId: item.id },
      );
    }
    let prev: Node | null = null;
    if (previousId != null && previousId !== ROOT_ITEM_ID) {
      prev = this.#nodes.get(previousId) ?? null;
      if (!prev) {
        throw new ConversationError(
          'UNKNOWN_PREDECESSOR',
          `cannot insert "${item.id}" after unknown item "${previousId}"`,
          { itemId: item.id },
        );
      }
    }
    const next = prev ? prev.next : this.#head;
    const node: Node = { item, prev, next };
    if (prev) prev.next = node;
    else this.#head = node;
    if (next) next.prev = node;
    else this.#tail = node;
    this.#nodes.set(item.id, node);
  }

  /**
   * Appends `item` at the end (through {@link insertAfter}).
   * @throws ConversationError `DUPLICATE_ITEM`
   */
  append(item: ChatItem): void {
    this.insertAfter(this.lastId, item);
  }

  /**
   * Removes the item `id` and returns it.
   * @throws ConversationError `UNKNOWN_ITEM`
   */
  delete(id: string): ChatItem {
    const node = this.#nodes.get(id);
    if (!node)
      throw new ConversationError('UNKNOWN_ITEM', `cannot delete unknown item "${id}"`, {
        itemId: id,
      });
    if (node.prev) node.prev.next = node.next;
    else this.#head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.#tail = node.prev;
    this.#nodes.delete(id);
    return node.item;
  }

  /**
   * Replaces the item `id` with `update(current)` (same id required).
   * @throws ConversationError `UNKNOWN_ITEM`, or `INVALID_ITEM` when the update changes the id
   */
  update(id: string, update: (current: ChatItem) => ChatItem): ChatItem {
    const node = this.#nodes.get(id);
    if (!node)
      throw new ConversationError('UNKNOWN_ITEM', `cannot update unknown item "${id}"`, {
        itemId: id,
      });
    const next = update(node.item);
    if (next.id !== id)
      throw new ConversationError(
        'INVALID_ITEM',
        `an update may not change the id of "${id}" to "${next.id}"`,
        { itemId: id },
      );
    node.item = next;
    return next;
  }

  /** Removes every item. */
  clear(): void {
    this.#nodes.clear();
    this.#head = null;
    this.#tail = null;
  }
}
