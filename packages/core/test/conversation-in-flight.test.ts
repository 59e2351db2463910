import { describe, expect, it } from 'vitest';
import { userMessage } from '../src/conversation/chat-context.js';
import {
  nearestBefore,
  rebasedOnInFlight,
  withInFlightChanges,
  type InFlightItemChange,
} from '../src/conversation/in-flight.js';

const ids = (items: readonly { id: string }[]) => items.map((i) => i.id);

describe('withInFlightChanges', () => {
  it('applies creates (append, start, after an item) and deletes in the order sent', () => {
    const items = [userMessage('a', 'a'), userMessage('b', 'b')];
    const out = withInFlightChanges(items, [
      { kind: 'create', item: userMessage('z', 'z'), previousItemId: undefined },
      { kind: 'create', item: userMessage('r', 'r'), previousItemId: 'root' },
      { kind: 'create', item: userMessage('s', 's'), previousItemId: null },
      { kind: 'delete', itemId: 'a' },
      { kind: 'create', item: userMessage('m', 'm'), previousItemId: 'b' },
    ]);
    expect(ids(out)).toEqual(['s', 'r', 'b', 'm', 'z']);
    expect(ids(items)).toEqual(['a', 'b']); // the mirror's list is not changed
  });

  it('leaves out what the server would refuse: an unknown item or predecessor, a duplicate id', () => {
    const items = [userMessage('a', 'a')];
    const out = withInFlightChanges(items, [
      { kind: 'delete', itemId: 'nope' },
      { kind: 'create', item: userMessage('x', 'x'), previousItemId: 'nope' },
      { kind: 'create', item: userMessage('a', 'again'), previousItemId: undefined },
    ]);
    expect(out).toEqual([userMessage('a', 'a')]);
  });
});

describe('rebasedOnInFlight', () => {
  const m = (id: string) => userMessage(id, id);
  const rebase = (mirror: string[], next: string[], changes: InFlightItemChange[]) =>
    ids(rebasedOnInFlight(next.map(m), withInFlightChanges(mirror.map(m), changes), changes));

  it('keeps what was created in flight where it will be, after the nearest item kept before it', () => {
    const changes: InFlightItemChange[] = [
      { kind: 'create', item: m('x'), previousItemId: 'b' },
      { kind: 'create', item: m('r'), previousItemId: null },
      { kind: 'create', item: m('z'), previousItemId: undefined },
    ];
    // the app dropped b (the copy showed a b c): x follows a, the nearest item kept before it
    expect(rebase(['a', 'b', 'c'], ['a', 'c'], changes)).toEqual(['r', 'a', 'x', 'c', 'z']);
    // the app already holds it: left where the app put it
    expect(rebase(['a', 'b'], ['x', 'a', 'b'], changes.slice(0, 1))).toEqual(['x', 'a', 'b']);
  });

  it('leaves out what was deleted in flight, unless it was created again after', () => {
    expect(rebase(['a', 'b'], ['a', 'b'], [{ kind: 'delete', itemId: 'a' }])).toEqual(['b']);
    expect(
      rebase(
        ['a', 'b'],
        ['a', 'b'],
        [
          { kind: 'delete', itemId: 'a' },
          { kind: 'create', item: m('a'), previousItemId: 'b' },
        ],
      ),
    ).toEqual(['a', 'b']);
  });
});

describe('nearestBefore', () => {
  it('the nearest id before the one named that is held; null at the start; undefined when absent', () => {
    const order = ['a', 'b', 'c', 'd'];
    const gone = new Set(['b', 'c']);
    expect(nearestBefore(order, 'd', (id) => !gone.has(id))).toBe('a');
    expect(nearestBefore(order, 'c', (id) => !gone.has(id))).toBe('a');
    expect(nearestBefore(order, 'a', () => true)).toBeNull();
    expect(nearestBefore(order, 'b', (id) => id !== 'a')).toBeNull();
    expect(nearestBefore(order, 'x', () => true)).toBeUndefined();
  });
});
