/**
 * Chat-context sync from what an app really hands `setChatCtx`: a `chatCtxCopy()` taken a while
 * ago (before a transcript completed, while an answer was being written, before a truncate), and
 * items the session's item create would refuse. Against the in-memory fake, GA and beta.
 */
import { describe, expect, it } from 'vitest';
import { functionCall, userMessage } from '../src/conversation/chat-context.js';
import { DIALECTS, openSession, setup, type Setup } from './helpers.js';

const itemOps = (s: Setup) =>
  s.server.clientEvents.filter(
    (e) => e['type'] === 'conversation.item.create' || e['type'] === 'conversation.item.delete',
  );

describe.each(DIALECTS)('chat-context sync of stale copies (%s)', (dialect) => {
  it('an item the item create would refuse fails the sync before anything is sent', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    await Promise.all([
      session.setChatCtx([userMessage('u1', 'one'), userMessage('u2', 'two')]),
      s.settle(),
    ]);
    const before = itemOps(s).length;
    // a call with no name: conversation.item.create refuses it (INVALID_ARGUMENT)
    const nameless = functionCall('fc', 'call_1', '', {});
    const result = session
      .setChatCtx([userMessage('u1', 'one'), nameless])
      .catch((e: unknown) => e);
    await s.settle();
    expect(await result).toMatchObject({
      name: 'ConversationError',
      code: 'INVALID_ITEM',
      itemId: 'fc',
    });
    // nothing went out: u2 is still there
    expect(itemOps(s).length).toBe(before);
    expect(s.server.conversation.map((i) => i['id'])).toEqual(['u1', 'u2']);
    await session.close();
  });
});
