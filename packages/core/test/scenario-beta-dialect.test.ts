/**
 * An Azure-preview (beta dialect) user's session: what the app sees must be what it sees on GA,
 * except where the beta wire cannot say something — then the app is told at once, not left
 * waiting.
 */
import { describe, expect, it } from 'vitest';
import type { RealtimeResponse } from '../src/responses/tree.js';
import { openSession, outcome, setup } from './helpers.js';

describe('beta dialect: requests beta cannot express', () => {
  it('generate() with a GA-only value (an MCP tool) rejects with ENCODE_FAILED at once, and the next request is not held back', async () => {
    const s = setup('beta');
    s.server.onResponse((ctx) => ctx.say('Hello'));
    const session = await openSession(s, { turnDetection: null });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    const refused = outcome(
      session.response.generate({
        response: {
          tools: [{ type: 'mcp', server_label: 'docs', server_url: 'https://mcp.example' }],
        },
      }),
    );
    await s.settle();
    // the codec refused to write it: nothing went out, nothing will answer it
    expect(refused.done).toBe(true);
    expect(refused.error).toMatchObject({ code: 'ENCODE_FAILED' });
    // it was reported to the request, not as a stray session error as well
    expect(errors).toEqual([]);
    expect(s.server.clientEvents.filter((e) => e['type'] === 'response.create')).toEqual([]);

    // the engine does not believe a create is still on its way: the next one goes out now
    const next = outcome(session.response.generate());
    await s.settle();
    expect(s.server.clientEvents.filter((e) => e['type'] === 'response.create')).toHaveLength(1);
    await s.clock.advanceAsync(1000);
    expect(next.done).toBe(true);
    await (next.value as RealtimeResponse).done;
    expect((next.value as RealtimeResponse).text).toBe('Hello');
    await session.close();
  });
});

describe('beta dialect: chat content beta cannot carry', () => {
  const image = (id: string) => ({
    type: 'message' as const,
    id,
    role: 'user' as const,
    content: [{ type: 'image' as const, imageUrl: 'data:image/png;base64,iVBORw0KGgo=' }],
  });

  it('setChatCtx with an image is refused before anything is sent (UNSUPPORTED_CONTENT), the conversation untouched', async () => {
    const s = setup('beta');
    const session = await openSession(s, { turnDetection: null });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    const kept = await session.conversation.item.create({ role: 'user', content: 'keep me' });
    await session.conversation.item.create({ role: 'user', content: 'drop me' });
    const sentBefore = s.server.clientEvents.length;
    // drops the second item, adds an image and a text after it
    const sync = outcome(
      session.setChatCtx([
        session.chatCtxCopy().items[0]!,
        image('img_1'),
        { type: 'message', id: 'msg_after', role: 'user', content: [{ type: 'text', text: 'hi' }] },
      ]),
    );
    await s.settle();
    expect(sync.done).toBe(true);
    expect(sync.error).toMatchObject({ name: 'ConversationError', code: 'UNSUPPORTED_CONTENT' });
    // as on GA for content the API cannot take: nothing went out, nothing changed
    expect(s.server.clientEvents.length).toBe(sentBefore);
    expect(s.server.conversation.map((i) => i['id'])).toHaveLength(2);
    expect(session.chatCtxCopy().items).toHaveLength(2);
    expect(session.chatCtxCopy().items[0]!.id).toBe(kept.id);
    expect(errors).toEqual([]);
    await session.close();
  });

  it('conversation.item.create with an image rejects with UNSUPPORTED_CONTENT, as its docs say', async () => {
    const s = setup('beta');
    const session = await openSession(s, { turnDetection: null });
    const created = outcome(session.conversation.item.create(image('img_2')));
    await s.settle();
    expect(created.error).toMatchObject({ name: 'ConversationError', code: 'UNSUPPORTED_CONTENT' });
    expect(s.server.clientEvents.filter((e) => e['type'] === 'conversation.item.create')).toEqual(
      [],
    );
    await session.close();
  });
});
