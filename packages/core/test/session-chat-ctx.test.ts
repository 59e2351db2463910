/**
 * `model.session({ chatCtx })`, the seed's `session(chat_ctx=…)`: the session starts with that
 * conversation, synced right after the first `session.update` (the seed's `_init_sync_task`),
 * and `session.initialSync` says when the server holds it. Deterministic: the in-memory fake.
 */
import { describe, expect, it } from 'vitest';
import {
  assistantMessage,
  chatContext,
  systemMessage,
  userMessage,
} from '../src/conversation/chat-context.js';
import type { SessionError } from '../src/errors.js';
import { DIALECTS, setup } from './helpers.js';

const history = () =>
  chatContext([
    systemMessage('c_sys', 'The caller is Ada.'),
    userMessage('c_u1', 'My order is 42.'),
    assistantMessage('c_a1', 'Noted: order 42.'),
  ]);

describe.each(DIALECTS)('model.session({ chatCtx }) (%s)', (dialect) => {
  it('starts with that conversation: its creates follow the first session.update, before any answer', async () => {
    const s = setup(dialect, { modalities: ['text'] });
    s.server.queueResponse((ctx) => ctx.text('Order 42 ships tomorrow.'));
    const session = s.model.session({ chatCtx: history() });
    await Promise.all([session.initialSync, s.settle()]);
    expect(s.server.conversation.map((i) => i['id'])).toEqual(['c_sys', 'c_u1', 'c_a1']);
    expect(session.chatCtxCopy().items.map((i) => i.id)).toEqual(['c_sys', 'c_u1', 'c_a1']);
    const types = s.server.clientEvents.map((e) => e['type']);
    expect(types.slice(0, 4)).toEqual([
      'session.update',
      'conversation.item.create',
      'conversation.item.create',
      'conversation.item.create',
    ]);
    // an answer asked for after it sees that history
    const [answer] = await Promise.all([session.response.generate(), s.settle()]);
    await Promise.all([answer.done, s.settle()]);
    expect(s.server.conversation.map((i) => i['id']).slice(0, 3)).toEqual([
      'c_sys',
      'c_u1',
      'c_a1',
    ]);
    await session.close();
  });

  it('a plain list of items will do, and without one initialSync resolves at once', async () => {
    const s = setup(dialect, { modalities: ['text'] });
    const listed = s.model.session({ chatCtx: history().items });
    await Promise.all([listed.initialSync, s.settle()]);
    expect(s.server.conversation).toHaveLength(3);
    await listed.close();
    const plain = s.model.session();
    await expect(plain.initialSync).resolves.toBeUndefined();
    await plain.close();
  });

  it('a malformed chatCtx throws at the call; a bad item rejects initialSync and is reported on error', async () => {
    const s = setup(dialect, { modalities: ['text'] });
    expect(() => s.model.session({ chatCtx: 'hello' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument: 'chatCtx' } }),
    );
    expect(s.model.sessions).toHaveLength(0);
    const twice = userMessage('c_dup', 'twice');
    const session = s.model.session({ chatCtx: [twice, twice] });
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    const failure = await session.initialSync.catch((e: unknown) => e);
    await s.settle();
    expect(failure).toMatchObject({ name: 'ConversationError', code: 'DUPLICATE_ITEM' });
    expect(errors).toEqual([failure]);
    // nothing of it was sent; the session goes on
    expect(s.server.conversation).toEqual([]);
    expect(session.connectionState.status).toBe('open');
    await session.close();
  });
});
