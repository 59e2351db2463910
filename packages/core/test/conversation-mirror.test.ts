import { audioFrame, pcm16ToBase64, type ServerEvent } from '@voxwire/protocol';
import { describe, expect, it } from 'vitest';
import { ConversationError, ConversationMirror, userMessage } from '../src/conversation/index.js';

/** Hand-written events leave out `event_id` and other fields the mirror does not read. */
const applyTo = (mirror: ConversationMirror, event: object) =>
  mirror.applyServerEvent(event as ServerEvent);
const userText = (id: string, text = id) => ({
  type: 'message' as const,
  id,
  role: 'user' as const,
  content: [{ type: 'input_text', text }],
});
const userAudio = (id: string, transcript: string | null = null) => ({
  type: 'message' as const,
  id,
  role: 'user' as const,
  status: 'completed' as const,
  content: [{ type: 'input_audio', transcript }],
});

describe('ConversationMirror list operations', () => {
  it('inserts at the start for null, undefined and "root" predecessors (the seed appended)', () => {
    const mirror = new ConversationMirror();
    mirror.insertAfter(null, userMessage('c', 'c'));
    mirror.insertAfter(undefined, userMessage('b', 'b'));
    mirror.insertAfter('root', userMessage('a', 'a'));
    expect(mirror.ids()).toEqual(['a', 'b', 'c']);
    mirror.insertAfter('a', userMessage('a2', 'x'));
    mirror.append(userMessage('z', 'z'));
    expect(mirror.ids()).toEqual(['a', 'a2', 'b', 'c', 'z']);
    expect(mirror.previousId('a')).toBeNull();
    expect(mirror.previousId('b')).toBe('a2');
    expect(mirror.previousId('nope')).toBeUndefined();
    expect(mirror.lastId).toBe('z');
  });

  it('refuses an unknown predecessor and a duplicate id with typed errors, leaving the list unchanged', () => {
    const mirror = new ConversationMirror();
    mirror.append(userMessage('a', 'a'));
    expect(() => mirror.insertAfter('ghost', userMessage('b', 'b'))).toThrowError(
      expect.objectContaining({ code: 'UNKNOWN_PREDECESSOR', itemId: 'b' }),
    );
    expect(() => mirror.append(userMessage('a', 'again'))).toThrowError(
      expect.objectContaining({ code: 'DUPLICATE_ITEM' }),
    );
    expect(() => mirror.delete('ghost')).toThrow(ConversationError);
    expect(() => mirror.update('a', (item) => ({ ...item, id: 'other' }))).toThrowError(
      expect.objectContaining({ code: 'INVALID_ITEM' }),
    );
    expect(mirror.ids()).toEqual(['a']);
  });

  it('deletes head, middle and tail and keeps the links right', () => {
    const mirror = new ConversationMirror();
    for (const id of ['a', 'b', 'c', 'd']) mirror.append(userMessage(id, id));
    mirror.delete('a');
    mirror.delete('c');
    mirror.delete('d');
    expect(mirror.ids()).toEqual(['b']);
    mirror.append(userMessage('e', 'e'));
    mirror.insertAfter(null, userMessage('f', 'f'));
    expect(mirror.ids()).toEqual(['f', 'b', 'e']);
    expect(mirror.size).toBe(3);
    mirror.clear();
    expect(mirror.ids()).toEqual([]);
  });

  it('toChatContext is a deep copy in list order', () => {
    const mirror = new ConversationMirror();
    mirror.append(
      userMessage('a', [
        { type: 'audio', audio: audioFrame(new Int16Array([1, 2])), transcript: 'hi' },
      ]),
    );
    const copy = mirror.toChatContext();
    const part = (copy.items[0] as unknown as { content: { audio: { data: Int16Array } }[] })
      .content[0]!;
    part.audio.data[0] = 99;
    const original = mirror.get('a') as unknown as { content: { audio: { data: Int16Array } }[] };
    expect(original.content[0]!.audio.data[0]).toBe(1);
  });
});

describe('ConversationMirror.applyServerEvent', () => {
  it('follows GA added/done with previous_item_id; absent and null mean the start', () => {
    const mirror = new ConversationMirror();
    expect(applyTo(mirror, { type: 'conversation.item.added', item: userText('b') })).toEqual({
      kind: 'inserted',
      itemId: 'b',
    });
    applyTo(mirror, {
      type: 'conversation.item.added',
      item: userText('a'),
      previous_item_id: null,
    });
    applyTo(mirror, {
      type: 'conversation.item.added',
      item: userText('c'),
      previous_item_id: 'b',
    });
    expect(
      applyTo(mirror, {
        type: 'conversation.item.done',
        item: userText('c', 'final'),
        previous_item_id: 'b',
      }),
    ).toEqual({ kind: 'updated', itemId: 'c' });
    expect(mirror.ids()).toEqual(['a', 'b', 'c']);
    expect(mirror.get('c')).toMatchObject({ content: [{ type: 'text', text: 'final' }] });
  });

  it('treats beta created as added+done, and accepts done without added', () => {
    const mirror = new ConversationMirror();
    applyTo(mirror, {
      type: 'conversation.item.created',
      item: userText('a'),
      previous_item_id: null,
    });
    applyTo(mirror, { type: 'conversation.item.done', item: userText('b'), previous_item_id: 'a' });
    expect(mirror.ids()).toEqual(['a', 'b']);
  });

  it('appends an item anchored to an unknown predecessor and reports the anomaly', () => {
    const mirror = new ConversationMirror();
    applyTo(mirror, { type: 'conversation.item.added', item: userText('a') });
    const change = applyTo(mirror, {
      type: 'conversation.item.added',
      item: userText('b'),
      previous_item_id: 'deleted-just-now',
    });
    expect(change).toMatchObject({
      kind: 'inserted',
      itemId: 'b',
      anomaly: { code: 'UNKNOWN_PREDECESSOR' },
    });
    expect(mirror.ids()).toEqual(['a', 'b']);
  });

  it('reports items without an id and unknown deletes without throwing', () => {
    const mirror = new ConversationMirror();
    expect(
      applyTo(mirror, {
        type: 'conversation.item.added',
        item: { type: 'message', role: 'user', content: [] },
      }),
    ).toMatchObject({
      kind: 'ignored',
      anomaly: { code: 'INVALID_ITEM' },
    });
    expect(applyTo(mirror, { type: 'conversation.item.deleted', item_id: 'x' })).toMatchObject({
      anomaly: { code: 'UNKNOWN_ITEM' },
    });
    expect(
      applyTo(mirror, { type: 'response.output_item.done', item: userText('zz') }),
    ).toMatchObject({ anomaly: { code: 'UNKNOWN_ITEM' } });
    expect(applyTo(mirror, { type: 'session.updated' })).toEqual({ kind: 'ignored' });
  });

  it('deletes on conversation.item.deleted', () => {
    const mirror = new ConversationMirror();
    applyTo(mirror, { type: 'conversation.item.added', item: userText('a') });
    expect(applyTo(mirror, { type: 'conversation.item.deleted', item_id: 'a' })).toEqual({
      kind: 'deleted',
      itemId: 'a',
    });
    expect(mirror.size).toBe(0);
  });

  it('a done after the delete of its item does not bring it back; a new add of the id does', () => {
    const mirror = new ConversationMirror();
    applyTo(mirror, { type: 'conversation.item.added', item: userText('a') });
    applyTo(mirror, {
      type: 'conversation.item.added',
      previous_item_id: 'a',
      item: userText('b'),
    });
    applyTo(mirror, { type: 'conversation.item.deleted', item_id: 'b' });
    // the server finishing an item it deleted mid-response (`previous_item_id` cannot place it)
    expect(
      applyTo(mirror, {
        type: 'conversation.item.done',
        previous_item_id: null,
        item: userText('b'),
      }),
    ).toEqual({ kind: 'ignored', itemId: 'b' });
    expect(mirror.ids()).toEqual(['a']);
    // an edit: the same id deleted, then created again in place
    applyTo(mirror, { type: 'conversation.item.deleted', item_id: 'a' });
    applyTo(mirror, {
      type: 'conversation.item.added',
      previous_item_id: null,
      item: userText('a', 'A'),
    });
    applyTo(mirror, {
      type: 'conversation.item.done',
      previous_item_id: null,
      item: userText('a', 'A'),
    });
    expect(mirror.items()).toEqual([userMessage('a', 'A')]);
    // beta has no done: its created alone puts the id back
    applyTo(mirror, { type: 'conversation.item.deleted', item_id: 'a' });
    applyTo(mirror, {
      type: 'conversation.item.created',
      previous_item_id: null,
      item: userText('a'),
    });
    expect(mirror.ids()).toEqual(['a']);
  });

  it('fills user transcripts from deltas and completion arriving after the item, and keeps them through a later done', () => {
    const mirror = new ConversationMirror();
    applyTo(mirror, { type: 'conversation.item.added', item: userAudio('u') });
    applyTo(mirror, {
      type: 'conversation.item.input_audio_transcription.delta',
      item_id: 'u',
      content_index: 0,
      delta: 'hel',
    });
    applyTo(mirror, {
      type: 'conversation.item.input_audio_transcription.delta',
      item_id: 'u',
      content_index: 0,
      delta: 'lo',
    });
    expect(mirror.get('u')).toMatchObject({ content: [{ type: 'audio', transcript: 'hello' }] });
    applyTo(mirror, {
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: 'u',
      content_index: 0,
      transcript: 'Hello.',
    });
    applyTo(mirror, { type: 'conversation.item.done', item: userAudio('u', null) });
    expect(mirror.get('u')).toMatchObject({ content: [{ type: 'audio', transcript: 'Hello.' }] });
  });

  it('keeps transcripts that arrive before their item until it arrives', () => {
    const mirror = new ConversationMirror();
    expect(
      applyTo(mirror, {
        type: 'conversation.item.input_audio_transcription.delta',
        item_id: 'u',
        delta: 'early ',
      }),
    ).toEqual({ kind: 'buffered', itemId: 'u' });
    applyTo(mirror, {
      type: 'conversation.item.input_audio_transcription.delta',
      item_id: 'u',
      delta: 'bird',
    });
    applyTo(mirror, { type: 'conversation.item.added', item: userAudio('u') });
    expect(mirror.get('u')).toMatchObject({ content: [{ transcript: 'early bird' }] });

    applyTo(mirror, {
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: 'v',
      content_index: 0,
      transcript: 'done first',
    });
    applyTo(mirror, {
      type: 'conversation.item.added',
      item: userAudio('v'),
      previous_item_id: 'u',
    });
    expect(mirror.get('v')).toMatchObject({ content: [{ transcript: 'done first' }] });
  });

  it('does not hold the late transcript of an item the server deleted: it cannot push out a real early one', () => {
    const mirror = new ConversationMirror({ maxPendingTranscripts: 1 });
    applyTo(mirror, { type: 'conversation.item.added', item: userAudio('gone') });
    applyTo(mirror, { type: 'conversation.item.deleted', item_id: 'gone' });
    applyTo(mirror, {
      type: 'conversation.item.input_audio_transcription.delta',
      item_id: 'early',
      delta: 'kept',
    });
    expect(
      applyTo(mirror, {
        type: 'conversation.item.input_audio_transcription.completed',
        item_id: 'gone',
        content_index: 0,
        transcript: 'late',
      }),
    ).toEqual({ kind: 'ignored', itemId: 'gone' });
    applyTo(mirror, { type: 'conversation.item.added', item: userAudio('early') });
    expect(mirror.get('early')).toMatchObject({ content: [{ transcript: 'kept' }] });
  });

  it('bounds early transcripts of items that never arrive', () => {
    const mirror = new ConversationMirror({ maxPendingTranscripts: 2 });
    for (const id of ['x', 'y', 'z'])
      applyTo(mirror, {
        type: 'conversation.item.input_audio_transcription.delta',
        item_id: id,
        delta: id,
      });
    applyTo(mirror, { type: 'conversation.item.added', item: userAudio('x') });
    applyTo(mirror, {
      type: 'conversation.item.added',
      item: userAudio('z'),
      previous_item_id: 'x',
    });
    expect(mirror.get('x')).toMatchObject({ content: [{ transcript: null }] });
    expect(mirror.get('z')).toMatchObject({ content: [{ transcript: 'z' }] });
  });

  it('takes audio from retrieved, keeps it through done, and truncation cuts it and drops the transcript', () => {
    const mirror = new ConversationMirror();
    const assistant = (audio?: string) => ({
      type: 'message' as const,
      id: 'as',
      role: 'assistant' as const,
      content: [{ type: 'output_audio', transcript: 'long answer', ...(audio ? { audio } : {}) }],
    });
    applyTo(mirror, { type: 'conversation.item.added', item: assistant() });
    applyTo(mirror, {
      type: 'conversation.item.retrieved',
      item: assistant(pcm16ToBase64(new Int16Array(48_000))),
    });
    applyTo(mirror, { type: 'conversation.item.done', item: assistant() });
    expect(mirror.get('as')).toMatchObject({
      content: [{ type: 'audio', audio: { sampleRate: 24_000 }, transcript: 'long answer' }],
    });
    applyTo(mirror, {
      type: 'conversation.item.truncated',
      item_id: 'as',
      content_index: 0,
      audio_end_ms: 500,
    });
    const part = (
      mirror.get('as') as unknown as {
        content: { audio: { data: Int16Array }; transcript: string | null }[];
      }
    ).content[0]!;
    expect(part.audio.data.length).toBe(12_000);
    expect(part.transcript).toBeNull();
    expect(
      applyTo(mirror, {
        type: 'conversation.item.truncated',
        item_id: 'nope',
        content_index: 0,
        audio_end_ms: 1,
      }),
    ).toMatchObject({ anomaly: { code: 'UNKNOWN_ITEM' } });
  });

  it('updates function call arguments from response.output_item.done and keeps MCP items as raw items in place', () => {
    const mirror = new ConversationMirror();
    applyTo(mirror, {
      type: 'conversation.item.added',
      item: {
        type: 'function_call',
        id: 'fc',
        call_id: 'call_1',
        name: 'f',
        arguments: '',
        status: 'in_progress',
      },
    });
    applyTo(mirror, {
      type: 'response.output_item.done',
      item: {
        type: 'function_call',
        id: 'fc',
        call_id: 'call_1',
        name: 'f',
        arguments: '{"x":1}',
        status: 'completed',
      },
    });
    expect(mirror.get('fc')).toEqual({
      type: 'function_call',
      id: 'fc',
      callId: 'call_1',
      name: 'f',
      arguments: '{"x":1}',
      status: 'completed',
    });
    applyTo(mirror, {
      type: 'conversation.item.added',
      item: { type: 'mcp_list_tools', id: 'mcp', server_label: 's', tools: [] },
      previous_item_id: 'fc',
    });
    expect(mirror.get('mcp')).toEqual({
      type: 'raw',
      id: 'mcp',
      item: { type: 'mcp_list_tools', id: 'mcp', server_label: 's', tools: [] },
    });
    expect(mirror.ids()).toEqual(['fc', 'mcp']);
  });
});

describe('ConversationMirror: audio this client sent', () => {
  // a user message with `ms` of 24 kHz audio, as the app built it
  const sentAudio = (id: string, ms: number) => ({
    type: 'message' as const,
    id,
    role: 'user' as const,
    content: [
      {
        type: 'audio' as const,
        transcript: null,
        audio: audioFrame(new Int16Array(ms * 24).fill(7)),
      },
    ],
  });
  const echo = (mirror: ConversationMirror, id: string) =>
    applyTo(mirror, {
      type: 'conversation.item.added',
      item: userAudio(id),
      previous_item_id: null,
    });
  const samples = (mirror: ConversationMirror, id: string) => {
    const item = mirror.get(id);
    const part = item?.type === 'message' ? item.content[0] : undefined;
    return part?.type === 'audio' ? (part.audio?.data.length ?? 0) : -1;
  };

  it('stores the echo of a sent audio item with the samples sent, up to the budget, oldest let go first', () => {
    const mirror = new ConversationMirror({ maxSentAudioMs: 1000 });
    mirror.expectSent(sentAudio('a', 600));
    expect(mirror.awaitingEcho).toBe(1);
    echo(mirror, 'a');
    expect(mirror.awaitingEcho).toBe(0);
    expect(samples(mirror, 'a')).toBe(600 * 24);
    mirror.expectSent(sentAudio('b', 300));
    echo(mirror, 'b');
    expect([samples(mirror, 'a'), samples(mirror, 'b')]).toEqual([600 * 24, 300 * 24]);
    // 600 + 300 + 500 > 1000: a lets go of its samples; its transcript (none) is what is left
    mirror.expectSent(sentAudio('c', 500));
    echo(mirror, 'c');
    expect([samples(mirror, 'a'), samples(mirror, 'b'), samples(mirror, 'c')]).toEqual([
      0,
      300 * 24,
      500 * 24,
    ]);
    // longer than the whole budget: it keeps none, and the others go too
    mirror.expectSent(sentAudio('d', 1500));
    echo(mirror, 'd');
    expect(['a', 'b', 'c', 'd'].map((id) => samples(mirror, id))).toEqual([0, 0, 0, 0]);
  });

  it('remembers only items with samples, and forgets a create that was refused', () => {
    const mirror = new ConversationMirror();
    mirror.expectSent(userMessage('t', 'text only'));
    expect(mirror.awaitingEcho).toBe(0);
    mirror.expectSent(sentAudio('x', 100));
    mirror.forgetSent('x');
    expect(mirror.awaitingEcho).toBe(0);
    echo(mirror, 'x');
    expect(samples(mirror, 'x')).toBe(0);
  });

  it('a deleted item no longer counts against the budget of the items still in the mirror', () => {
    const mirror = new ConversationMirror({ maxSentAudioMs: 1000 });
    mirror.expectSent(sentAudio('a', 600));
    echo(mirror, 'a');
    mirror.expectSent(sentAudio('b', 300));
    echo(mirror, 'b');
    applyTo(mirror, { type: 'conversation.item.deleted', item_id: 'b' });
    // 600 + 200 ms of sent audio are left: within the budget, so a keeps its samples
    mirror.expectSent(sentAudio('c', 200));
    echo(mirror, 'c');
    expect([samples(mirror, 'a'), samples(mirror, 'c')]).toEqual([600 * 24, 200 * 24]);
  });

  it('an item cleared and re-created under its id (a replay) is counted once', () => {
    const mirror = new ConversationMirror({ maxSentAudioMs: 1000 });
    mirror.expectSent(sentAudio('a', 600));
    echo(mirror, 'a');
    // what ConversationFeature.replay does: clear, then create every item again (expectSent)
    const item = mirror.get('a')!;
    mirror.clear();
    mirror.expectSent(item);
    echo(mirror, 'a');
    expect(samples(mirror, 'a')).toBe(600 * 24);
    // the entry of the first a is gone: b fits beside the new one, and the budget still holds
    mirror.expectSent(sentAudio('b', 400));
    echo(mirror, 'b');
    expect([samples(mirror, 'a'), samples(mirror, 'b')]).toEqual([600 * 24, 400 * 24]);
    mirror.expectSent(sentAudio('c', 100));
    echo(mirror, 'c');
    expect(['a', 'b', 'c'].map((id) => samples(mirror, id))).toEqual([0, 400 * 24, 100 * 24]);
  });
});
