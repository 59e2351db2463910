/**
 * `session.conversation.item.truncate()` during an outage: queued, it would go out after the
 * restore to a fresh server that holds the answer as text, which refuses it (protocol.md §7.7:
 * `unsupported_content_type`) and keeps the whole text, unheard part included. The cut is made
 * in the mirror instead, as `session.interrupt()` does, and the restore sends the text heard.
 */
import { describe, expect, it } from 'vitest';
import { answered, errors, sent, serverItems, truncateAt } from './interrupt-helpers.js';
import { DIALECTS, openSession, setup } from './helpers.js';

describe.each(DIALECTS)('item.truncate() during an outage (%s)', (dialect) => {
  it('cuts the answer in the mirror and resolves; the restore sends the text heard, no truncate', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const seen = errors(session);
    const content = await answered(s, session);
    s.server.close(1006, 'network');
    await s.settle();
    expect(session.connectionState.status).toBe('reconnecting');
    const truncated = truncateAt(session, content.itemId, 1440);
    await s.clock.advanceAsync(5000);
    expect(session.connectionState.status).toBe('open');
    expect(truncated).toEqual({ done: true, value: undefined });
    expect(sent(s, 'conversation.item.truncate')).toEqual([]);
    expect(serverItems(s)).toMatchObject([
      { id: content.itemId, content: [{ type: 'text', text: 'one two three four five...' }] },
    ]);
    expect(session.chatCtxCopy().items).toMatchObject([
      { id: content.itemId, content: [{ type: 'text', text: 'one two three four five...' }] },
    ]);
    expect(seen.map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    await session.close();
  });

  it('0 ms deletes it, as on an open connection: the delete goes out after the restore', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const seen = errors(session);
    const content = await answered(s, session);
    s.server.close(1006, 'network');
    await s.settle();
    const truncated = truncateAt(session, content.itemId, 0);
    await s.clock.advanceAsync(5000);
    expect(truncated).toEqual({ done: true, value: undefined });
    expect(sent(s, 'conversation.item.delete')).toHaveLength(1);
    expect(serverItems(s)).toEqual([]);
    expect(session.chatCtxCopy().items).toEqual([]);
    expect(seen.map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    await session.close();
  });

  it('an item the mirror does not hold as audio is sent as asked, and the server answers it', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    s.server.close(1006, 'network');
    await s.settle();
    const truncated = truncateAt(session, 'item_unknown', 500);
    await s.clock.advanceAsync(5000);
    expect(sent(s, 'conversation.item.truncate')).toHaveLength(1);
    expect(truncated.error).toMatchObject({ code: 'item_not_found' });
    await session.close();
  });
});
