/**
 * Chat-context sync from what an app really hands `setChatCtx`: a `chatCtxCopy()` taken a while
 * ago (before a transcript completed, while an answer was being written, before a truncate), and
 * items the session's item create would refuse. Against the in-memory fake, GA and beta.
 */
import { audioFrame } from '@voxwire/protocol';
import { silence, speechThenSilence, synthesizeSpeech } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import type { ChatItem } from '../src/conversation/chat-context.js';
import { functionCall, systemMessage, userMessage } from '../src/conversation/chat-context.js';
import { conversationItemToChatItem } from '../src/conversation/items.js';
import { DIALECTS, gate, openSession, setup, type Setup, slowLookup } from './helpers.js';

function chunks(samples: Int16Array, size = 2400) {
  const out = [];
  for (let i = 0; i < samples.length; i += size)
    out.push(audioFrame(samples.subarray(i, i + size)));
  return out;
}

const serverCtx = (s: Setup): ChatItem[] =>
  s.server.conversation.map((item) => conversationItemToChatItem(item as never));
const sys = systemMessage('sys', 'Be brief.');
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

  it('a copy taken before a user transcript completed keeps the user turn (it cannot be sent again)', async () => {
    const s = setup(dialect);
    const session = await openSession(s, {
      turnDetection: { type: 'server_vad', createResponse: false },
    });
    s.server.scriptTranscription('hello voxwire');
    // transcription runs asynchronously, ~1.4 s after the commit (protocol.md §7.6)
    s.server.faults.delay('conversation.item.input_audio_transcription.delta', 1400);
    s.server.faults.delay('conversation.item.input_audio_transcription.completed', 1400);
    let copy: readonly ChatItem[] | undefined;
    session.on('input_speech_committed', () => {
      // the item follows its commit: copy once it is in the mirror
      queueMicrotask(() => void Promise.resolve().then(() => (copy = session.chatCtxCopy().items)));
    });
    for (const f of chunks(synthesizeSpeech('hello voxwire'))) session.inputAudioBuffer.append(f);
    for (const f of chunks(silence(1000))) session.inputAudioBuffer.append(f);
    await s.clock.advanceAsync(5000);
    expect(copy).toEqual([
      expect.objectContaining({ role: 'user', content: [{ type: 'audio', transcript: null }] }),
    ]);
    const userId = copy![0]!.id;
    expect(session.chatCtxCopy().items[0]).toMatchObject({
      content: [{ type: 'audio', transcript: 'hello voxwire' }],
    });
    const before = itemOps(s).length;
    await Promise.all([session.setChatCtx([sys, ...copy!]), s.settle()]);
    // only the system message is created: the user turn stays as it is, transcript and all
    expect(
      itemOps(s)
        .slice(before)
        .map((e) => e['type']),
    ).toEqual(['conversation.item.create']);
    expect(s.server.conversation.map((i) => i['id'])).toEqual(['sys', userId]);
    expect(session.chatCtxCopy().items).toEqual(serverCtx(s));
    await session.close();
  });

  it('a copy taken before a truncate does not bring the unheard transcript back', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    s.server.queueResponse((ctx) => ctx.say('A long answer the user stopped listening to.'));
    const [response] = await Promise.all([session.response.generate(), s.settle()]);
    await response.done;
    const copy = session.chatCtxCopy().items;
    const itemId = response.output[0]!.itemId;
    await Promise.all([
      session.conversation.item.truncate({ itemId, contentIndex: 0, audioEndMs: 300 }),
      s.settle(),
    ]);
    const before = itemOps(s).length;
    await Promise.all([session.setChatCtx([sys, ...copy]), s.settle()]);
    expect(
      itemOps(s)
        .slice(before)
        .map((e) => e['type']),
    ).toEqual(['conversation.item.create']);
    expect(s.server.conversation.map((i) => i['id'])).toEqual(['sys', itemId]);
    // the server dropped the transcript: no text the user did not hear is in the context
    expect(serverCtx(s)[1]).toMatchObject({ content: [{ type: 'audio', transcript: '' }] });
    await session.close();
  });

  it('a copy taken while an answer was being written keeps the answer', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    await Promise.all([
      session.conversation.item.create({ id: 'u1', role: 'user', content: 'hi' }),
      s.settle(),
    ]);
    s.server.queueResponse((ctx) => ctx.say('Hello there, how can I help?'));
    let copy: readonly ChatItem[] | undefined;
    // the first content part: the answer's item is in the mirror, still being written
    session.once('response_content_added', () => (copy = session.chatCtxCopy().items));
    const [response] = await Promise.all([session.response.generate(), s.settle()]);
    await response.done;
    const answerId = response.output[0]!.itemId;
    expect(copy?.[1]).toMatchObject({ id: answerId, content: [], status: 'in_progress' });
    const before = itemOps(s).length;
    const synced = session.setChatCtx([sys, ...copy!]);
    await s.settle();
    await expect(synced).resolves.toBeUndefined();
    expect(
      itemOps(s)
        .slice(before)
        .map((e) => e['type']),
    ).toEqual(['conversation.item.create']);
    expect(s.server.conversation.map((i) => i['id'])).toEqual(['sys', 'u1', answerId]);
    expect(serverCtx(s)[2]).toMatchObject({
      content: [{ type: 'audio', transcript: 'Hello there, how can I help?' }],
    });
    expect(session.chatCtxCopy().items).toEqual(serverCtx(s));
    await session.close();
  });

  it('a copy taken while a function call was being written keeps the call and its arguments', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    await Promise.all([
      session.conversation.item.create({ id: 'u1', role: 'user', content: 'weather?' }),
      s.settle(),
    ]);
    s.server.queueResponse((ctx) => ctx.callFunction('get_weather', { city: 'Oslo' }));
    let copy: readonly ChatItem[] | undefined;
    session.on('server_event', (tapped) => {
      if (tapped.kind !== 'event' || copy) return;
      const type = tapped.event.type;
      if (type !== 'conversation.item.added' && type !== 'conversation.item.created') return;
      if (tapped.event.item.type !== 'function_call') return;
      // the tap comes before the mirror applies the event
      queueMicrotask(() => (copy = session.chatCtxCopy().items));
    });
    const [response] = await Promise.all([session.response.generate(), s.settle()]);
    await response.done;
    const callId = response.output[0]!.itemId;
    expect(copy?.[1]).toMatchObject({ id: callId, arguments: '', status: 'in_progress' });
    const before = itemOps(s).length;
    const synced = session.setChatCtx([sys, ...copy!]);
    await s.settle();
    await expect(synced).resolves.toBeUndefined();
    expect(
      itemOps(s)
        .slice(before)
        .map((e) => e['type']),
    ).toEqual(['conversation.item.create']);
    expect(serverCtx(s)[2]).toMatchObject({ id: callId, arguments: '{"city":"Oslo"}' });
    await session.close();
  });

  it('an empty message already on the server is kept as the server has it, also when it moves', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    await Promise.all([
      session.setChatCtx([userMessage('u1', 'one'), userMessage('u2', 'two')]),
      s.settle(),
    ]);
    const before = itemOps(s).length;
    const hollow = { type: 'message', id: 'u1', role: 'user', content: [] } as const;
    // compared by the app's own rule, which sees an edit in the empty copy
    const synced = session.setChatCtx([userMessage('u2', 'two'), hollow], {
      isSame: (a, b) =>
        JSON.stringify(a.type === 'message' ? a.content : a) ===
        JSON.stringify(b.type === 'message' ? b.content : b),
    });
    await s.settle();
    await expect(synced).resolves.toBeUndefined();
    expect(itemOps(s).length - before).toBe(2);
    expect(serverCtx(s)).toEqual([
      expect.objectContaining({ id: 'u2' }),
      expect.objectContaining({ id: 'u1', content: [{ type: 'text', text: 'one' }] }),
    ]);
    await session.close();
  });
  it('a copy taken while item creates and deletes were on their way keeps them: nothing deleted or created again', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    await Promise.all([
      session.setChatCtx([sys, userMessage('u1', 'one'), userMessage('u2', 'two')]),
      s.settle(),
    ]);
    // the connection drops: what is asked now waits for the next one
    s.server.close(1006, 'network');
    await s.settle();
    expect(session.connectionState.status).toBe('reconnecting');
    const created = session.conversation.item.create(userMessage('u3', 'three'));
    const deleted = session.conversation.item.delete({ itemId: 'u1' });
    // the app trims its context from a copy that cannot show either change yet
    const copy = session.chatCtxCopy().items;
    expect(copy.map((i) => i.id)).toEqual(['sys', 'u1', 'u2']);
    const synced = session.setChatCtx(copy.filter((i) => i.id !== 'sys'));
    await s.clock.advanceAsync(2_000);
    await Promise.all([created, deleted, synced]);
    expect(serverCtx(s).map((i) => i.id)).toEqual(['u2', 'u3']);
    expect(session.chatCtxCopy().items.map((i) => i.id)).toEqual(['u2', 'u3']);
    await session.close();
  });

  it('a copy taken while a tool output was on its way keeps the output, and the model answers it', async () => {
    const done = gate();
    const lookup = slowLookup(done.promise);
    const s = setup(dialect, { random: () => 0, tools: [lookup] });
    const session = await openSession(s, { modalities: ['text'] });
    s.server.queueResponse((ctx) => ctx.callFunction('lookup', {}, { callId: 'c1' }));
    s.server.queueResponse((ctx) => ctx.text('The lookup found it.'));
    await Promise.all([
      session.conversation.item.create(userMessage('u1', 'look it up')),
      s.settle(),
    ]);
    await Promise.all([session.response.generate(), s.settle()]);
    s.server.close(1006, 'network');
    await s.settle();
    // the tool finishes during the outage: its output waits for the next connection
    done.open();
    await s.settle();
    // the app trims its context to the last two items, from a copy without the output
    const copy = session.chatCtxCopy().items;
    expect(copy.map((i) => i.type)).toEqual(['message', 'function_call']);
    const synced = session.setChatCtx(copy.slice(-2));
    await s.clock.advanceAsync(2_000);
    await synced;
    const conv = s.server.conversation;
    expect(conv.map((i) => i['type'])).toEqual([
      'message',
      'function_call',
      'function_call_output',
      'message',
    ]);
    expect(session.responses.at(-1)?.text).toBe('The lookup found it.');
    await session.close();
  });
  it('a delete the outage held, of an item the restore leaves out, resolves: the fresh server never had it', async () => {
    const s = setup(dialect, { random: () => 0, stallTimeoutMs: false });
    const session = await openSession(s);
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e.code));
    await Promise.all([
      session.conversation.item.create(userMessage('u1', 'say something')),
      s.settle(),
    ]);
    s.server.queueResponse((ctx) => ctx.say('Something.'));
    // the connection drops right after the answer's item came: nothing of it was heard, and
    // the restore leaves it out
    s.server.faults.closeAt('response.content_part.added');
    session.once('disconnected', () => s.server.faults.clear());
    void session.response.create();
    await s.settle();
    expect(session.connectionState.status).toBe('reconnecting');
    const answer = session.chatCtxCopy().items[1];
    expect(answer).toMatchObject({ role: 'assistant' });
    const deleted = session.conversation.item.delete({ itemId: answer!.id });
    const trimmed = session.setChatCtx(
      session.chatCtxCopy().items.filter((i) => i.id !== answer!.id),
    );
    await s.clock.advanceAsync(2_000);
    await expect(deleted).resolves.toBeUndefined();
    await expect(trimmed).resolves.toBeUndefined();
    expect(errors).toEqual(['SOCKET_CLOSED']);
    expect(serverCtx(s).map((i) => i.id)).toEqual(['u1']);
    expect(session.chatCtxCopy().items.map((i) => i.id)).toEqual(['u1']);
    await session.close();
  });
  it('a copy taken before a restore re-created items as their text keeps them: a user turn, a cut answer', async () => {
    const s = setup(dialect, { random: () => 0 }, { transcribe: () => 'Say something.' });
    const session = await openSession(s, {
      turnDetection: { type: 'server_vad', silenceDurationMs: 200 },
    });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e.code));
    s.server.queueResponse((ctx) => ctx.say('one two three four five six seven'));
    for (const f of speechThenSilence(400, 300)) {
      session.inputAudioBuffer.append(f);
      await s.clock.advanceAsync(100);
    }
    await s.clock.advanceAsync(3_000);
    const answer = session.responses.at(-1)!.output[0]!.content[0]!;
    // the user barged in after a second and a half of the answer: cut there (its transcript goes)
    await Promise.all([
      session.interrupt({ at: { itemId: answer.itemId, contentIndex: 0, playedMs: 1_500 } }),
      s.settle(),
    ]);
    const copy = session.chatCtxCopy().items;
    expect(copy.map((i) => (i.type === 'message' ? i.content[0]?.type : i.type))).toEqual([
      'audio',
      'audio',
    ]);
    // a drop: the restore re-creates both as text (the turn's words, the answer's heard part)
    s.server.close(1006, 'network');
    await s.clock.advanceAsync(2_000);
    const restored = s.server.conversation.map((i) => i['id']);
    const sent = itemOps(s).length;
    await Promise.all([session.setChatCtx(copy), s.settle()]);
    expect(itemOps(s).length).toBe(sent);
    expect(s.server.conversation.map((i) => i['id'])).toEqual(restored);
    expect(errors).toEqual(['SOCKET_CLOSED']);
    await session.close();
  });
});
