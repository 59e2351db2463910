/**
 * The minimal set of deletes and inserts that turns one ordered list of items into another,
 * keyed by id: the seed's `utils._compute_changes`, made truly minimal.
 *
 * With operations "delete an item" and "insert an item after a predecessor" (no move), an old
 * item can stay only if it is also in the new list, and the items that stay must keep their
 * relative order. The largest such set is the longest increasing subsequence (LIS) of the new
 * positions of the old items, so the minimum is `old + new − 2·LIS` operations, and this function
 * reaches it: everything outside the LIS is deleted (from old) or inserted (from new).
 *
 * The seed differs in one rule: it first deleted every old item before `new[0]` (and everything,
 * when `new[0]` was not in old), because its mirror could not insert at the start (`None` meant
 * append). Here a `null` predecessor means the start (`previous_item_id: "root"` on the wire), so
 * that rule is unnecessary: `[a b c d] → [d a b c]` costs 2 operations here, 6 in the seed.
 *
 * The seed's documented examples hold:
 * - `[a b c d] → [b c d e]`: delete a, add (d, e).
 * - `[a b c d] → [a d c b]`: delete c, d; add (a, d), (d, c). (Among equally long subsequences the
 *   one that ends earliest in the old list is kept, which reproduces the seed's choice.)
 * @module
 */
import { assertUniqueIds } from './chat-context.js';

/** One insert: put `item` right after the item with id `previousId` (`null`: at the start). */
export interface ChatInsert<T> {
  /** Id of the predecessor in the new list; `null` means the start of the conversation. */
  readonly previousId: string | null;
  /** The item to insert. */
  readonly item: T;
}

/** The result of {@link computeChatChanges}; apply the deletes first, then the inserts in order. */
export interface ChatChanges<T> {
  /** Old items to delete, in old order. */
  readonly toDelete: readonly T[];
  /** New items to insert, in new order; each predecessor exists by the time its insert runs. */
  readonly toAdd: readonly ChatInsert<T>[];
  /** Old items that stay where they are (the LIS), in order. */
  readonly kept: readonly T[];
}

/** Options of {@link computeChatChanges}. */
export interface ComputeChangesOptions<T> {
  /**
   * Whether the old and the new item with the same id are the same. When they are not, the old
   * one is deleted and the new one inserted in its place (the server has no "update item").
   * @default every pair with equal ids is the same (the seed's behaviour)
   */
  readonly isSame?: ((oldItem: T, newItem: T) => boolean) | undefined;
}

/**
 * Computes the minimal deletes and inserts that turn `oldItems` into `newItems` (see the module
 * documentation for the argument and the seed's examples).
 * @throws ConversationError `DUPLICATE_ITEM` / `INVALID_ITEM` when an id repeats within a list or is empty
 */
export function computeChatChanges<T extends { readonly id: string }>(
  oldItems: readonly T[],
  newItems: readonly T[],
  options: ComputeChangesOptions<T> = {},
): ChatChanges<T> {
  assertUniqueIds(oldItems);
  assertUniqueIds(newItems);
  const newIndex = new Map<string, number>();
  newItems.forEach((item, index) => newIndex.set(item.id, index));

  // new positions of the old items that survive into the new list, in old order
  const candidates: { oldIndex: number; newPos: number }[] = [];
  oldItems.forEach((item, oldIndex) => {
    const newPos = newIndex.get(item.id);
    if (newPos === undefined) return;
    if (options.isSame && !options.isSame(item, newItems[newPos] as T)) return;
    candidates.push({ oldIndex, newPos });
  });

  const keptOld = new Set<number>();
  for (const at of longestIncreasing(candidates.map((c) => c.newPos)))
    keptOld.add((candidates[at] as { oldIndex: number }).oldIndex);
  const keptIds = new Set<string>();
  for (const index of keptOld) keptIds.add((oldItems[index] as T).id);

  const toDelete = oldItems.filter((_, index) => !keptOld.has(index));
  const kept = oldItems.filter((_, index) => keptOld.has(index));
  const toAdd: ChatInsert<T>[] = [];
  newItems.forEach((item, index) => {
    if (keptIds.has(item.id)) return;
    toAdd.push({ previousId: index === 0 ? null : (newItems[index - 1] as T).id, item });
  });
  return { toDelete, toAdd, kept };
}

/**
 * Indexes (into `values`) of a longest strictly increasing subsequence, O(n log n). Among the
 * longest ones it returns the one whose last element comes first, then follows the predecessor
 * recorded at insertion time.
 */
export function longestIncreasing(values: readonly number[]): number[] {
  const tails: number[] = []; // tails[k]: index of the smallest tail of an increasing run of length k+1
  const parent: number[] = new Array<number>(values.length).fill(-1);
  const length: number[] = new Array<number>(values.length).fill(0);
  values.forEach((value, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((values[tails[mid] as number] as number) < value) lo = mid + 1;
      else hi = mid;
    }
    parent[i] = lo > 0 ? (tails[lo - 1] as number) : -1;
    tails[lo] = i;
    length[i] = lo + 1;
  });
  const best = tails.length;
  if (best === 0) return [];
  let at = length.indexOf(best);
  const out: number[] = [];
  while (at !== -1) {
    out.push(at);
    at = parent[at] as number;
  }
  return out.reverse();
}
