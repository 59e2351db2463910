/**
 * `session.conversation.item.truncate()` on an answer a reconnect re-created: a fresh server
 * cannot take assistant audio, so the restore re-created the answer as its transcript, and the
 * server refuses to truncate text (protocol.md §7.7, `unsupported_content_type`), keeping the
 * whole answer, unheard part included. The text is cut to what was heard instead, as
 * `session.interrupt()` retells it: the answer is deleted and the text heard created in its
 * place, and the promise reports the new item.
 */
import { describe, expect, it } from 'vitest';
import type { RealtimeContent, RealtimeSession } from '../src/index.js';
import { answered, errors, sent, serverItems, SAID, truncateAt } from './interrupt-helpers.js';
import { DIALECTS, openSession, outcome, setup, type Setup } from './helpers.js';

/** An answer of {@link SAID}, then a drop and the restore that re-creates it as text. */
async function restoredAsText(s: Setup, session: RealtimeSession): Promise<RealtimeContent> {
  const content = await answered(s, session);
  s.server.close(1006, 'network');
  await s.settle();
  await s.clock.advanceAsync(5000);
  expect(session.connectionState.status).toBe('open');
  expect(serverItems(s)).toMatchObject([
    { id: content.itemId, role: 'assistant', content: [{ type: 'text', text: SAID }] },
  ]);
  return content;
}

/** The items as the server holds them and as the mirror does: id, role and content. */
const shape = (items: readonly { id: string; type: string }[]) =>
  items.map((i) => ({
    id: i.id,
    role: (i as { role?: string }).role,
    content: (i as never)['content'],
  }));

describe.each(DIALECTS)('item.truncate() of an answer restored as text (%s)', (dialect) => {
  it('cuts the text to what was heard in N ms: the answer is replaced by the text heard, no error', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const content = await restoredAsText(s, session);
    const seen = errors(session);
    const truncated = truncateAt(session, content.itemId, 1450);
    await s.settle();
    expect(sent(s, 'conversation.item.truncate')).toEqual([]);
    // 1450 of 2880 ms: about half of the 48 characters, back to the last whole word, as interrupt()
    const retoldItemId = truncated.value?.retoldItemId;
    expect(truncated).toEqual({ done: true, value: { retoldItemId: expect.any(String) } });
    expect(retoldItemId).not.toBe(content.itemId);
    expect(serverItems(s)).toMatchObject([
      {
        id: retoldItemId,
        role: 'assistant',
        content: [{ type: 'text', text: 'one two three four five...' }],
      },
    ]);
    expect(shape(session.chatCtxCopy().items)).toEqual(shape(serverItems(s)));
    expect(seen).toEqual([]);
    await session.close();
  });

  it('the new item keeps the place of the answer among the others', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const content = await answered(s, session);
    await session.conversation.item.create({
      type: 'message',
      id: 'item_after',
      role: 'user',
      content: [{ type: 'text', text: 'and then?' }],
    });
    s.server.close(1006, 'network');
    await s.settle();
    await s.clock.advanceAsync(5000);
    const seen = errors(session);
    const truncated = truncateAt(session, content.itemId, 1450);
    await s.settle();
    expect(serverItems(s).map((i) => i.id)).toEqual([truncated.value?.retoldItemId, 'item_after']);
    expect(shape(session.chatCtxCopy().items)).toEqual(shape(serverItems(s)));
    expect(seen).toEqual([]);
    await session.close();
  });

  it('the item before it deleted meanwhile: the new item goes after the nearest one still held, no error', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    for (const id of ['item_first', 'item_before'])
      await Promise.all([
        session.conversation.item.create({
          type: 'message',
          id,
          role: 'user',
          content: [{ type: 'text', text: id }],
        }),
        s.settle(),
      ]);
    const content = await answered(s, session);
    s.server.close(1006, 'network');
    await s.settle();
    await s.clock.advanceAsync(5000);
    const seen = errors(session);
    // the app trims the item before the answer, and cuts the answer before that delete is
    // answered: the retelling is created after the delete went through
    const deleted = session.conversation.item.delete({ itemId: 'item_before' });
    const truncated = truncateAt(session, content.itemId, 1450);
    await s.settle();
    await expect(deleted).resolves.toBeUndefined();
    expect(serverItems(s).map((i) => i.id)).toEqual(['item_first', truncated.value?.retoldItemId]);
    expect(shape(session.chatCtxCopy().items)).toEqual(shape(serverItems(s)));
    expect(seen).toEqual([]);
    await session.close();
  });

  it('not one whole word heard: the answer is deleted, no item replaces it', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const content = await restoredAsText(s, session);
    const seen = errors(session);
    const truncated = truncateAt(session, content.itemId, 60);
    await s.settle();
    expect(truncated).toEqual({ done: true, value: { retoldItemId: undefined } });
    expect(sent(s, 'conversation.item.truncate')).toEqual([]);
    expect(serverItems(s)).toEqual([]);
    expect(session.chatCtxCopy().items).toEqual([]);
    expect(seen).toEqual([]);
    await session.close();
  });

  it('during a later outage too: the retelling goes out after the next restore', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const content = await restoredAsText(s, session);
    s.server.close(1006, 'network');
    await s.settle();
    expect(session.connectionState.status).toBe('reconnecting');
    const seen = errors(session);
    const truncated = truncateAt(session, content.itemId, 1450);
    await s.clock.advanceAsync(5000);
    expect(session.connectionState.status).toBe('open');
    expect(sent(s, 'conversation.item.truncate')).toEqual([]);
    expect(serverItems(s)).toMatchObject([
      {
        id: truncated.value?.retoldItemId,
        content: [{ type: 'text', text: 'one two three four five...' }],
      },
    ]);
    expect(shape(session.chatCtxCopy().items)).toEqual(shape(serverItems(s)));
    expect(seen).toEqual([]);
    await session.close();
  });

  it('0 ms deletes it, as for audio', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const content = await restoredAsText(s, session);
    const seen = errors(session);
    const creates = sent(s, 'conversation.item.create').length;
    const truncated = truncateAt(session, content.itemId, 0);
    await s.settle();
    expect(truncated).toEqual({ done: true, value: undefined });
    expect(sent(s, 'conversation.item.delete').at(-1)).toMatchObject({ item_id: content.itemId });
    expect(sent(s, 'conversation.item.create')).toHaveLength(creates);
    expect(serverItems(s)).toEqual([]);
    expect(session.chatCtxCopy().items).toEqual([]);
    expect(seen).toEqual([]);
    await session.close();
  });

  it('an assistant text item the app created is no restored answer: the truncate goes out as asked', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    await session.conversation.item.create({
      type: 'message',
      id: 'item_app',
      role: 'assistant',
      content: [{ type: 'text', text: 'said by the app' }],
    });
    const truncated = outcome(
      session.conversation.item.truncate({ itemId: 'item_app', contentIndex: 0, audioEndMs: 500 }),
    );
    await s.settle();
    expect(sent(s, 'conversation.item.truncate')).toMatchObject([
      { item_id: 'item_app', content_index: 0, audio_end_ms: 500 },
    ]);
    expect(truncated.error).toMatchObject({ code: 'unsupported_content_type' });
    expect(serverItems(s)).toMatchObject([{ id: 'item_app' }]);
    await session.close();
  });
});
