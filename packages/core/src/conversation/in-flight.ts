/**
 * The conversation a chat sync plans against: the mirror's, with the item creates and deletes
 * already sent but not yet answered applied on top, in the order they were sent (the server
 * applies them before anything sent after them, a sync's operations included). The mirror shows
 * such a change only once its echo is in: planned from the mirror alone, a sync made right after
 * `item.delete(x)` deletes x again, and one made right after `item.create(x)` creates x again,
 * each refused by the server, a `ChatSyncError` for a sync that got what it asked for.
 * @module
 */
import type { ChatItem } from './chat-context.js';
import { ROOT_ITEM_ID } from './mirror.js';

/** An item create or delete sent and not answered yet. */
export type InFlightItemChange =
  | {
      /** Discriminator. */
      readonly kind: 'create';
      /** The item as it was sent. */
      readonly item: ChatItem;
      /** Its `previous_item_id`: `undefined` appends, `null` or `"root"` is the start. */
      readonly previousItemId: string | null | undefined;
    }
  | {
      /** Discriminator. */
      readonly kind: 'delete';
      /** The item to delete. */
      readonly itemId: string;
    };

/**
 * `items` with `changes` applied in order, as the server will hold them once it has handled
 * them. A change the server would refuse (an unknown predecessor or item, a duplicate id) is
 * left out: it changes nothing there either.
 */
export function withInFlightChanges(
  items: readonly ChatItem[],
  changes: readonly InFlightItemChange[],
): ChatItem[] {
  const out = [...items];
  for (const change of changes) {
    if (change.kind === 'delete') {
      const at = out.findIndex((item) => item.id === change.itemId);
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    if (out.some((item) => item.id === change.item.id)) continue;
    const previous = change.previousItemId;
    if (previous === undefined) out.push(change.item);
    else if (previous === null || previous === ROOT_ITEM_ID) out.unshift(change.item);
    else {
      const at = out.findIndex((item) => item.id === previous);
      if (at >= 0) out.splice(at + 1, 0, change.item);
    }
  }
  return out;
}
