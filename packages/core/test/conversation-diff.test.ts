import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ConversationError,
  computeChatChanges,
  longestIncreasing,
} from '../src/conversation/index.js';

const items = (ids: string) =>
  ids
    .split('')
    .filter((c) => c !== ' ')
    .map((id) => ({ id }));
const ids = (list: readonly { id: string }[]) => list.map((i) => i.id).join('');

function apply(
  old: readonly { id: string }[],
  changes: ReturnType<typeof computeChatChanges<{ id: string }>>,
): string[] {
  const list = old.map((i) => i.id);
  for (const item of changes.toDelete) list.splice(list.indexOf(item.id), 1);
  for (const { previousId, item } of changes.toAdd) {
    if (previousId === null) list.unshift(item.id);
    else {
      const at = list.indexOf(previousId);
      if (at < 0) throw new Error(`predecessor ${previousId} missing`);
      list.splice(at + 1, 0, item.id);
    }
  }
  return list;
}

/** Longest common subsequence by DP: an independent bound for the minimal operation count. */
function lcs(a: readonly string[], b: readonly string[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      dp[i]![j] =
        a[i - 1] === b[j - 1] ? dp[i - 1]![j - 1]! + 1 : Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!);
  return dp[a.length]![b.length]!;
}

describe('computeChatChanges', () => {
  it("reproduces the seed's first documented example: [a b c d] → [b c d e]", () => {
    const changes = computeChatChanges(items('abcd'), items('bcde'));
    expect(ids(changes.toDelete)).toBe('a');
    expect(changes.toAdd.map((a) => [a.previousId, a.item.id])).toEqual([['d', 'e']]);
  });

  it("reproduces the seed's second documented example: [a b c d] → [a d c b]", () => {
    const changes = computeChatChanges(items('abcd'), items('adcb'));
    expect(ids(changes.toDelete)).toBe('cd');
    expect(changes.toAdd.map((a) => [a.previousId, a.item.id])).toEqual([
      ['a', 'd'],
      ['d', 'c'],
    ]);
    expect(ids(changes.kept)).toBe('ab');
  });

  it('inserts at the start with a null predecessor instead of rebuilding (the seed deleted everything)', () => {
    const changes = computeChatChanges(items('ab'), items('xab'));
    expect(changes.toDelete).toEqual([]);
    expect(changes.toAdd).toEqual([{ previousId: null, item: { id: 'x' } }]);
    const rotate = computeChatChanges(items('abcd'), items('dabc'));
    expect(ids(rotate.toDelete)).toBe('d');
    expect(rotate.toAdd.map((a) => [a.previousId, a.item.id])).toEqual([[null, 'd']]);
  });

  it('deletes everything for an empty new list and adds everything to an empty old list', () => {
    expect(ids(computeChatChanges(items('abc'), []).toDelete)).toBe('abc');
    expect(computeChatChanges([], items('ab')).toAdd.map((a) => [a.previousId, a.item.id])).toEqual(
      [
        [null, 'a'],
        ['a', 'b'],
      ],
    );
  });

  it('is a no-op for equal lists', () => {
    const changes = computeChatChanges(items('abc'), items('abc'));
    expect(changes.toDelete).toEqual([]);
    expect(changes.toAdd).toEqual([]);
  });

  it('replaces items whose content changed when isSame says so', () => {
    const old = [
      { id: 'a', v: 1 },
      { id: 'b', v: 1 },
    ];
    const next = [
      { id: 'a', v: 1 },
      { id: 'b', v: 2 },
    ];
    const changes = computeChatChanges(old, next, { isSame: (x, y) => x.v === y.v });
    expect(changes.toDelete).toEqual([{ id: 'b', v: 1 }]);
    expect(changes.toAdd).toEqual([{ previousId: 'a', item: { id: 'b', v: 2 } }]);
  });

  it('refuses duplicate and empty ids with a typed error', () => {
    expect(() => computeChatChanges(items('aa'), items('a'))).toThrow(ConversationError);
    try {
      computeChatChanges(items('a'), items('bb'));
    } catch (error) {
      expect((error as ConversationError).code).toBe('DUPLICATE_ITEM');
      expect((error as ConversationError).itemId).toBe('b');
    }
    expect(() => computeChatChanges([{ id: '' }], [])).toThrow(/no id/);
  });

  it('longestIncreasing finds a longest strictly increasing run', () => {
    expect(longestIncreasing([])).toEqual([]);
    expect(longestIncreasing([3, 1, 2])).toEqual([1, 2]);
    expect(longestIncreasing([0, 3, 2, 1])).toEqual([0, 1]);
    expect(longestIncreasing([5, 4, 3])).toHaveLength(1);
  });

  it('property: applying the changes yields the new list, with exactly old + new − 2·LCS operations', () => {
    const idList = fc.uniqueArray(fc.constantFrom(...'abcdefghijkl'.split('')), { maxLength: 10 });
    fc.assert(
      fc.property(idList, idList, (oldIds, newIds) => {
        const old = oldIds.map((id) => ({ id }));
        const next = newIds.map((id) => ({ id }));
        const changes = computeChatChanges(old, next);
        expect(apply(old, changes)).toEqual(newIds);
        // no delete+insert can be saved: every kept item is common, in order, and LCS is the most that can stay
        const minimum = oldIds.length + newIds.length - 2 * lcs(oldIds, newIds);
        expect(changes.toDelete.length + changes.toAdd.length).toBe(minimum);
      }),
      { numRuns: 500, seed: 20260918 },
    );
  });
});
