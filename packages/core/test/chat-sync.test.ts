/**
 * Chat-context sync against the in-memory fake server, GA and beta: inserts (at the start, in
 * the middle, at the end), deletes, reorders and a no-op, each with the fewest operations, and
 * after each the client's mirror equal to the fake server's own conversation.
 */
import { audioFrame } from '@voxwire/protocol';
import { describe, expect, it } from 'vitest';
import type { ChatItem } from '../src/conversation/chat-context.js';
import {
  assistantMessage,
  audioContent,
  chatContext,
  functionCall,
  functionCallOutput,
  systemMessage,
  userMessage,
} from '../src/conversation/chat-context.js';
import { conversationItemToChatItem } from '../src/conversation/items.js';
import type { RealtimeSession } from '../src/session.js';
import { DIALECTS, openSession, setup, type Setup } from './helpers.js';

/** The fake server's conversation in the chat model, to compare with the client's mirror. */
// an item as the server's echo tells it: audio parts without their samples
const withoutSamples = (item: ChatItem): ChatItem =>
  item.type !== 'message'
    ? item
    : {
        ...item,
        content: item.content.map((part) =>
          part.type === 'audio' ? { type: 'audio', transcript: part.transcript } : part,
        ),
      };

const serverCtx = (s: Setup): ChatItem[] =>
  s.server.conversation.map((item) => conversationItemToChatItem(item as never));
const ops = (s: Setup) =>
  s.server.clientEvents.filter(
    (e) => e['type'] === 'conversation.item.create' || e['type'] === 'conversation.item.delete',
  ).length;

async function sync(
  s: Setup,
  session: RealtimeSession,
  items: readonly ChatItem[],
): Promise<number> {
  const before = ops(s);
  await Promise.all([session.setChatCtx(chatContext(items)), s.settle()]);
  // the mirror equals the server's own conversation, and the server holds what was asked for
  expect(session.chatCtxCopy().items).toEqual(serverCtx(s));
  expect(s.server.conversation.map((i) => i['id'])).toEqual(items.map((i) => i.id));
  return ops(s) - before;
}

const sys = systemMessage('sys', 'Be brief.');
const u1 = userMessage('u1', 'Hello');
const a1 = assistantMessage('a1', 'Hi! How can I help?');
const u2 = userMessage('u2', [{ type: 'text', text: 'Weather?' }]);
const call = functionCall('fc1', 'call_1', 'get_weather', { city: 'Oslo' });
const out = functionCallOutput('fo1', 'call_1', '{"tempC":21}');

describe.each(DIALECTS)('chat-context sync (%s)', (dialect) => {
  it('inserts, deletes, reorders and no-ops with the fewest operations; the mirror always equals the server', async () => {
    const s = setup(dialect);
    const session = await openSession(s);

    expect(await sync(s, session, [sys, u1, a1, u2, call, out])).toBe(6); // from empty: 6 creates
    expect(await sync(s, session, [sys, u1, a1, u2, call, out])).toBe(0); // no-op
    expect(await sync(s, session, session.chatCtxCopy().items)).toBe(0); // its own copy: no-op too

    const first = userMessage('u0', 'at the very start');
    const mid = assistantMessage('a0', 'in the middle');
    expect(await sync(s, session, [first, sys, u1, mid, a1, u2, call, out])).toBe(2); // inserts at root and mid
    expect(
      s.server.clientEvents.some(
        (e) => e['type'] === 'conversation.item.create' && e['previous_item_id'] === 'root',
      ),
    ).toBe(true);

    expect(await sync(s, session, [sys, a1, call, out])).toBe(4); // deletes only

    // reorder: [sys a1 call out] → [a1 sys call out] moves one item: delete + re-create
    expect(await sync(s, session, [a1, sys, call, out])).toBe(2);
    // the seed's documented example: [a b c d] → [a d c b] costs 4 (delete c, d; add d, c)
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => userMessage(id, id)) as [
      ChatItem,
      ChatItem,
      ChatItem,
      ChatItem,
    ];
    expect(await sync(s, session, [a, b, c, d])).toBe(8); // 4 deletes + 4 creates
    expect(await sync(s, session, [a, d, c, b])).toBe(4);
    expect(await sync(s, session, [])).toBe(4);
    await session.close();
  });

  it('the mirror follows a spoken turn and the model response, and a copy is detached from it', async () => {
    const s = setup(dialect);
    s.server.queueResponse((ctx) => ctx.say('Nice to hear you.'));
    const session = await openSession(s);
    await Promise.all([
      session.conversation.item.create({ role: 'user', content: 'hi' }),
      s.settle(),
    ]);
    await Promise.all([session.response.create(), s.settle()]);
    await s.settle();
    const copy = session.chatCtxCopy();
    expect(copy.items).toEqual(serverCtx(s));
    expect(copy.items.at(-1)).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'audio', transcript: 'Nice to hear you.' }],
    });
    (copy.items as ChatItem[]).pop();
    expect(session.chatCtxCopy().items).toHaveLength(2);
    await session.close();
  });

  it('rejects with a ChatSyncError naming what the server refused, after the rest was applied', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const orphan = functionCallOutput('fo_x', 'call_missing', 'nobody asked');
    const result = session.setChatCtx([sys, orphan, u1]).catch((e: unknown) => e);
    await s.settle();
    const error = (await result) as {
      name: string;
      code: string;
      failures: { operation: { itemId: string } }[];
      succeeded: number;
    };
    expect(error).toMatchObject({ name: 'ChatSyncError', code: 'CHAT_SYNC_FAILED', succeeded: 1 });
    // u1 was anchored to the refused item, so the server refused it too
    expect(error.failures.map((f) => f.operation.itemId)).toEqual(['fo_x', 'u1']);
    expect(session.chatCtxCopy().items).toEqual(serverCtx(s));
    await session.close();
  });

  it('an item written without its type (the loose form) is a message: a second sync of the same context sends nothing', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const loose = { id: 'u_loose', role: 'user', content: [{ type: 'text', text: 'Hi' }] };
    expect(await sync(s, session, [loose as never])).toBe(1);
    expect(session.chatCtxCopy().items).toMatchObject([{ id: 'u_loose', type: 'message' }]);
    expect(await sync(s, session, [loose as never])).toBe(0);
    await session.close();
  });

  it('refuses a bad context before sending anything', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const before = s.server.clientEvents.length;
    await expect(session.setChatCtx([u1, u1])).rejects.toMatchObject({
      name: 'ConversationError',
      code: 'DUPLICATE_ITEM',
    });
    await expect(
      session.setChatCtx([u1, assistantMessage('aa', [audioContent(undefined, null)])]),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_CONTENT' });
    await expect(session.setChatCtx(null as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(s.server.clientEvents.length).toBe(before);
    await session.close();
  });

  it('the audio-mode hint appends a silent user audio item when only text is added', async () => {
    const s = setup(dialect, { audioModeHint: { durationMs: 500 } });
    const session = await openSession(s);
    await Promise.all([session.setChatCtx([sys, u1]), s.settle()]);
    const items = s.server.conversation;
    expect(items.map((i) => i['id']).slice(0, 2)).toEqual(['sys', 'u1']);
    expect(items).toHaveLength(3);
    expect(items[2]).toMatchObject({
      type: 'message',
      role: 'user',
      content: [{ type: 'input_audio' }],
    });
    const create = s.server.clientEvents
      .filter((e) => e['type'] === 'conversation.item.create')
      .at(-1) as { item: { content: { audio: string }[] } };
    // 500 ms of 24 kHz PCM16 silence = 24 000 bytes
    expect(atob(create.item.content[0]?.audio ?? '').length).toBe(24_000);
    // the mirror is the server's conversation, and keeps the hint's samples (the server's echo
    // carries none), so that a restore can send the hint again
    const mirror = session.chatCtxCopy().items;
    const hint = mirror[2];
    expect(hint?.type === 'message' && hint.content[0]).toMatchObject({
      type: 'audio',
      audio: { sampleRate: 24_000, data: new Int16Array(12_000) },
    });
    expect(mirror.map(withoutSamples)).toEqual(serverCtx(s));
    // per call it can be switched off
    await Promise.all([session.setChatCtx([sys, u1, a1], { audioModeHint: false }), s.settle()]);
    expect(s.server.conversation.map((i) => i['id'])).toEqual(['sys', 'u1', 'a1']);
    await session.close();
  });

  it.each([Number.NaN, -5, 0, 1e9, '500'])(
    'a per-call audio-mode hint of { durationMs: %s } is refused as the model option is: no empty silent item, no raw RangeError',
    async (durationMs) => {
      const s = setup(dialect);
      const session = await openSession(s);
      const before = s.server.clientEvents.length;
      await expect(
        session.setChatCtx([sys, u1], { audioModeHint: { durationMs: durationMs as number } }),
      ).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        data: { argument: 'audioModeHint' },
      });
      expect(s.server.clientEvents.length).toBe(before);
      await session.close();
    },
  );

  it('a hint shorter than one sample still carries one sample (it was sent as empty audio)', async () => {
    const s = setup(dialect, { audioModeHint: { durationMs: 0.01 } });
    const session = await openSession(s);
    await Promise.all([session.setChatCtx([sys, u1]), s.settle()]);
    const create = s.server.clientEvents
      .filter((e) => e['type'] === 'conversation.item.create')
      .at(-1) as { item: { content: { audio: string }[] } };
    // one 24 kHz PCM16 sample of silence
    expect(atob(create.item.content[0]?.audio ?? '').length).toBe(2);
    await session.close();
  });

  it('syncs run one after another, each from the conversation its predecessor left', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const first = session.setChatCtx([sys, u1]);
    const second = session.setChatCtx([u1, a1]);
    await Promise.all([first, second, s.settle()]);
    expect(s.server.conversation.map((i) => i['id'])).toEqual(['u1', 'a1']);
    expect(session.chatCtxCopy().items).toEqual(serverCtx(s));
    await session.close();
  });

  it('an item that appears while a sync waits its turn is kept: its ctx could not know of it', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const first = session.setChatCtx([sys, u1]);
    // the app trims to u1, and meanwhile a turn comes in (here the app's own item create)
    const second = session.setChatCtx([u1]);
    const turn = session.conversation.item.create(userMessage('u2', 'and another thing'));
    await Promise.all([first, second, turn, s.settle()]);
    expect(s.server.conversation.map((i) => i['id'])).toEqual(['u1', 'u2']);
    expect(session.chatCtxCopy().items).toEqual(serverCtx(s));
    await session.close();
  });

  it('an audio item moved by a sync keeps its samples: the deleted copy no longer counts against keepSentAudioMs', async () => {
    const s = setup(dialect, { keepSentAudioMs: 1000 });
    const session = await openSession(s);
    const speech = userMessage('ua', [audioContent(audioFrame(new Int16Array(600 * 24).fill(7)))]);
    await Promise.all([session.setChatCtx([u1, speech]), s.settle()]);
    // u1 stays, so the audio item is deleted and created again before it (its copy has the samples)
    const [text, audio] = session.chatCtxCopy().items;
    await Promise.all([session.setChatCtx([audio!, text!]), s.settle()]);
    const moved = session.chatCtxCopy().items;
    expect(moved.map((i) => i.id)).toEqual(['ua', 'u1']);
    const part = moved[0]?.type === 'message' ? moved[0].content[0] : undefined;
    expect(part?.type === 'audio' ? part.audio?.data.length : -1).toBe(600 * 24);
    await session.close();
  });

  it('services.conversation.replay re-creates the mirror on an empty server conversation', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    await Promise.all([session.setChatCtx([sys, u1, a1]), s.settle()]);
    const saved = session.services.conversation.mirror.items();
    await Promise.all([session.setChatCtx([]), s.settle()]);
    await Promise.all([session.services.conversation.replay(saved), s.settle()]);
    expect(s.server.conversation.map((i) => i['id'])).toEqual(['sys', 'u1', 'a1']);
    expect(session.chatCtxCopy().items).toEqual(serverCtx(s));
    await session.close();
  });
});

describe.each(DIALECTS)('chat-context sync of edited items (%s)', (dialect) => {
  it('an item edited under its id is deleted and created again in its place; an unchanged one is left alone', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    expect(await sync(s, session, [sys, userMessage('u1', 'My name is Ann'), call, out])).toBe(4);
    // redact the user's message, change the system prompt, correct the tool output
    const edited = [
      systemMessage('sys', 'Be very brief.'),
      userMessage('u1', 'My name is [redacted]'),
      call,
      functionCallOutput('fo1', 'call_1', '{"tempC":22}'),
    ];
    expect(await sync(s, session, edited)).toBe(6);
    expect(serverCtx(s)).toEqual(edited.map((item) => expect.objectContaining(item)));
    // the server's copy (statuses and all) compares equal to what it holds: nothing is sent
    expect(await sync(s, session, session.chatCtxCopy().items)).toBe(0);
    // by id only, as the seed did: an edit is not sent
    const before = ops(s);
    await Promise.all([
      session.setChatCtx(chatContext([sys, ...edited.slice(1)]), { isSame: () => true }),
      s.settle(),
    ]);
    expect(ops(s)).toBe(before);
    await session.close();
  });
});
