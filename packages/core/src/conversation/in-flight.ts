/**
 * The conversation a chat sync plans against: the mirror's, with the item creates and deletes
 * already sent but not yet answered applied on top, in the order they were sent (the server
 * applies them before anything sent after them, a sync's operations included). The mirror shows
 * such a change only once its echo is in: planned from the mirror alone, a sync made right after
 * `item.delete(x)` deletes x again, and one made right after `item.create(x)` creates x again,
 * each refused by the server, a `ChatSyncError` for a sync that got what it asked for.
 *
 * What the app asks for is rebased on the same changes: it was built from `chatCtxCopy()`, the
 * mirror, which shows none of them yet. Planned as given, a copy taken while a tool's output was
 * on its way would delete the output (the model then waits for it), and one taken right after
 * `item.delete(x)` would create x again.
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

/**
 * `next` (what a sync asks for) rebased on the `changes` in flight, which `planned` (the
 * conversation with them applied, {@link withInFlightChanges}) holds: an item deleted in flight
 * that `next` still holds is left out (the copy it came from still showed it), and an item
 * created in flight, or `appeared` since the sync was asked for, that `next` does not hold is
 * kept, after the nearest item before it that `next` keeps (the copy could not show it). An app
 * that wants such an item gone deletes it.
 */
export function rebasedOnInFlight(
  next: readonly ChatItem[],
  planned: readonly ChatItem[],
  changes: readonly InFlightItemChange[],
  appeared: readonly string[] = [],
): ChatItem[] {
  const held = new Set(planned.map((item) => item.id));
  const deleted = new Set<string>();
  const created = new Set<string>(appeared);
  for (const change of changes)
    if (change.kind === 'delete') deleted.add(change.itemId);
    else created.add(change.item.id);
  const out = next.filter((item) => !(deleted.has(item.id) && !held.has(item.id)));
  const kept = new Set(out.map((item) => item.id));
  // where the last item kept from `planned` sits in `out` (-1: before all)
  let at = -1;
  for (const item of planned) {
    if (kept.has(item.id)) {
      at = out.findIndex((o) => o.id === item.id);
      continue;
    }
    if (!created.has(item.id)) continue;
    out.splice(at + 1, 0, item);
    kept.add(item.id);
    at++;
  }
  return out;
}

/**
 * The nearest id before `id` in `order` that `held` accepts (where an item placed after `id`
 * goes when `id` itself is gone): `null` when none is (the start), `undefined` when `order` does
 * not hold `id`.
 */
export function nearestBefore(
  order: readonly string[],
  id: string,
  held: (id: string) => boolean,
): string | null | undefined {
  let i = order.indexOf(id);
  if (i < 0) return undefined;
  while (--i >= 0) if (held(order[i]!)) return order[i]!;
  return null;
}
