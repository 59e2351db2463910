/**
 * Conversation scenarios a voice agent hits, against the in-memory fake server on the simulated
 * clock: after each one the client's mirror equals the fake server's own conversation (ids,
 * types, roles, in order), as the fault suite checks.
 */
import { speechThenSilence } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import { functionCall, functionCallOutput, userMessage } from '../src/conversation/chat-context.js';
import type { SessionError } from '../src/errors.js';
import type { RealtimeSession } from '../src/session.js';
import { mirrorView, serverView } from './fault-helpers.js';
import { DIALECTS, openSession, setup, type Setup } from './helpers.js';

const expectMirrorEqualsServer = (s: Setup, session: RealtimeSession) =>
  expect(mirrorView(session)).toEqual(serverView(s));

describe.each(DIALECTS)('conversation scenarios (%s)', (dialect) => {
  it('an answer deleted while its response is still writing it stays deleted when the response finishes', async () => {
    const s = setup(dialect, { stallTimeoutMs: false }, { pacing: { textDeltaIntervalMs: 100 } });
    const session = await openSession(s, { modalities: ['text'] });
    await Promise.all([
      session.conversation.item.create({ id: 'u1', role: 'user', content: 'hi' }),
      s.settle(),
    ]);
    s.server.queueResponse((ctx) => ctx.text('one two three four five six'));
    void session.response.create();
    await s.clock.advanceAsync(150);
    const answer = session.chatCtxCopy().items[1];
    expect(answer).toMatchObject({ type: 'message', role: 'assistant', status: 'in_progress' });
    await Promise.all([session.conversation.item.delete({ itemId: answer!.id }), s.settle()]);
    expect(session.chatCtxCopy().items.map((i) => i.id)).toEqual(['u1']);

    // the response goes on writing the item, and its done events follow
    await s.clock.advanceAsync(2_000);
    expect(session.responses.at(-1)?.status).toBe('completed');
    expect(session.chatCtxCopy().items.map((i) => i.id)).toEqual(['u1']);
    expectMirrorEqualsServer(s, session);
    // expected, so not warned of: the done events of an item the app deleted
    expect(s.logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([]);
  });

  it('setChatCtx right after an item delete and create not yet acknowledged plans with them: nothing sent twice, nothing refused', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    await Promise.all([
      session.setChatCtx([userMessage('a', 'a'), userMessage('b', 'b')]),
      s.settle(),
    ]);
    // the app removes one item and adds another without awaiting, then syncs the history it keeps
    const deleted = session.conversation.item.delete({ itemId: 'a' });
    const created = session.conversation.item.create(userMessage('c', 'c'));
    const synced = session.setChatCtx([
      userMessage('b', 'b'),
      userMessage('c', 'c'),
      userMessage('d', 'd'),
    ]);
    // a request made after the call is neither waited for nor taken as the app's history
    const later = session.conversation.item.create(userMessage('e', 'e'));
    await Promise.all([deleted, created, synced, later, s.settle()]);
    const sent = s.server.clientEvents
      .filter(
        (e) => e['type'] === 'conversation.item.delete' || e['type'] === 'conversation.item.create',
      )
      .map(
        (e) =>
          `${String(e['type']).slice(18)} ${String(e['item_id'] ?? (e['item'] as { id: string }).id)}`,
      );
    expect(sent).toEqual(['create a', 'create b', 'delete a', 'create c', 'create e', 'create d']);
    expect(s.server.conversation.map((i) => i['id'])).toEqual(['b', 'c', 'd', 'e']);
    expectMirrorEqualsServer(s, session);
  });

  it.each([
    ['a text part without its text', { type: 'text' }],
    ['a text part whose text is not a string', { type: 'text', text: 42 }],
    ['an image part without its URL', { type: 'image' }],
    ['an image part with an empty URL', { type: 'image', imageUrl: '' }],
    [
      'an image part with a detail the API does not know',
      { type: 'image', imageUrl: 'data:image/png;base64,AA', detail: 'max' },
    ],
    ['an audio part whose transcript is not a string', { type: 'assistant-audio', transcript: 7 }],
  ])(
    'a sync with %s is refused before anything is sent (INVALID_ITEM), and so is the create',
    async (_, part) => {
      const s = setup(dialect);
      const session = await openSession(s, { modalities: ['text'] });
      await Promise.all([session.setChatCtx([userMessage('a', 'a')]), s.settle()]);
      const sent = s.server.clientEvents.length;
      const assistant = part.type === 'assistant-audio';
      const bad = {
        type: 'message',
        id: 'x',
        role: assistant ? 'assistant' : 'user',
        content: [assistant ? { ...part, type: 'audio' } : part],
      } as never;
      const synced = session.setChatCtx([bad]).catch((e: unknown) => e);
      const created = session.conversation.item.create(bad).catch((e: unknown) => e);
      await s.settle();
      expect(await synced).toMatchObject({ name: 'ConversationError', code: 'INVALID_ITEM' });
      expect(await created).toMatchObject({ code: 'INVALID_ARGUMENT' });
      // the sync deleted nothing: the item it would have replaced is still there
      expect(s.server.clientEvents.length).toBe(sent);
      expect(s.server.conversation.map((i) => i['id'])).toEqual(['a']);
      expectMirrorEqualsServer(s, session);
    },
  );

  it.each([
    ['a null entry', null],
    ['a message without content', { type: 'message', id: 'x', role: 'user' }],
    [
      'a message whose content is a string',
      { type: 'message', id: 'x', role: 'user', content: 'hi' },
    ],
    ['a message with a null part', { type: 'message', id: 'x', role: 'user', content: [null] }],
    ['a kept message without content', { type: 'message', id: 'a', role: 'user' }],
  ])('a sync with %s is a typed INVALID_ITEM before anything is sent', async (_, bad) => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    await Promise.all([session.setChatCtx([userMessage('a', 'a')]), s.settle()]);
    const sent = s.server.clientEvents.length;
    const synced = session
      .setChatCtx([userMessage('b', 'b'), bad] as never)
      .catch((e: unknown) => e);
    await s.settle();
    expect(await synced).toMatchObject({ name: 'ConversationError', code: 'INVALID_ITEM' });
    expect(s.server.clientEvents.length).toBe(sent);
    expectMirrorEqualsServer(s, session);
  });

  it('a reconnect leaves out a tool output whose call the app deleted: no refused create, no error, counted as skipped', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s, { modalities: ['text'] });
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    const reconnected: unknown[] = [];
    session.on('reconnected', (e) => reconnected.push(e));
    await Promise.all([
      session.setChatCtx([
        userMessage('u', 'weather?'),
        functionCall('fc1', 'call_1', 'get_weather', { city: 'Oslo' }),
        functionCallOutput('fo1', 'call_1', 'sunny'),
        functionCall('fc2', 'call_2', 'get_weather', { city: 'Rome' }),
        functionCallOutput('fo2', 'call_2', 'rainy'),
      ]),
      s.settle(),
    ]);
    // the server keeps an output whose call is deleted; a fresh one refuses to create it
    await Promise.all([session.conversation.item.delete({ itemId: 'fc1' }), s.settle()]);
    expectMirrorEqualsServer(s, session);

    s.server.close(1006, 'network');
    await s.clock.advanceAsync(5_000);
    expect(session.connectionState.status).toBe('open');
    expect(reconnected).toEqual([expect.objectContaining({ restoredItems: 3, skippedItems: 1 })]);
    expect(s.server.conversation.map((i) => i['id'])).toEqual(['u', 'fc2', 'fo2']);
    expectMirrorEqualsServer(s, session);
    // the drop itself is the only error
    expect(errors.map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
  });

  it('listeners read the mirror with their event applied: the answer on response_output_done, the transcript on its completion', async () => {
    const s = setup(
      dialect,
      { random: () => 0 },
      { transcribe: () => 'what time is it', transcriptionDelayMs: 3_000 },
    );
    const session = await openSession(s, {
      modalities: ['text'],
      inputAudioTranscription: { model: 'whisper-1' },
    });
    s.server.queueResponse((ctx) => ctx.text('it is noon'));
    const seen: unknown[] = [];
    const itemOf = (id: string) => session.chatCtxCopy().items.find((i) => i.id === id);
    session.on('response_output_done', (output) =>
      seen.push(['output_done', itemOf(output.itemId)]),
    );
    session.on('input_speech_transcription_completed', (e) =>
      seen.push(['transcribed', itemOf(e.itemId)]),
    );
    for (const frame of speechThenSilence(600, 900)) session.inputAudioBuffer.append(frame);
    await s.clock.advanceAsync(6_000);
    expect(seen).toEqual([
      [
        'output_done',
        expect.objectContaining({
          role: 'assistant',
          content: [{ type: 'text', text: 'it is noon' }],
        }),
      ],
      [
        'transcribed',
        expect.objectContaining({
          role: 'user',
          content: [expect.objectContaining({ type: 'audio', transcript: 'what time is it' })],
        }),
      ],
    ]);
    expectMirrorEqualsServer(s, session);
  });
});
