import { describe, expect, it } from 'vitest';
import { userMessage } from '../src/conversation/chat-context.js';
import { withInFlightChanges } from '../src/conversation/in-flight.js';

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
