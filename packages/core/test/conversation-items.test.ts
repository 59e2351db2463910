import { audioFrame, base64ToPcm16, createCounterIdGenerator } from '@voxwire/protocol';
import { describe, expect, it } from 'vitest';
import {
  assistantMessage,
  audioContent,
  betaItemToChatItem,
  chatContext,
  chatItemText,
  chatItemToBetaItem,
  chatItemToConversationItem,
  toChatItem,
  conversationItemToChatItem,
  functionCall,
  functionCallOutput,
  systemMessage,
  userMessage,
} from '../src/conversation/index.js';

const frame = audioFrame(new Int16Array([1, -1, 300]));

describe('chat context helpers', () => {
  it('builds items by hand and refuses duplicate ids', () => {
    const ctx = chatContext([
      systemMessage('s', 'be brief'),
      userMessage('u', 'hi'),
      functionCall('f', 'c1', 'lookup', { q: 1 }),
      functionCallOutput('o', 'c1', '42'),
    ]);
    expect(ctx.items.map(chatItemText)).toEqual(['be brief', 'hi', 'lookup({"q":1})', '42']);
    expect(() => chatContext([userMessage('x', 'a'), userMessage('x', 'b')])).toThrowError(
      expect.objectContaining({ code: 'DUPLICATE_ITEM' }),
    );
  });
});

describe('GA converters', () => {
  it('maps user text and audio to input parts with base64 PCM16, and back', () => {
    const wire = chatItemToConversationItem(
      userMessage('u', [{ type: 'text', text: 'hello' }, audioContent(frame)]),
    );
    expect(wire).toMatchObject({
      type: 'message',
      id: 'u',
      role: 'user',
      content: [{ type: 'input_text', text: 'hello' }, { type: 'input_audio' }],
    });
    const audio = (wire as { content: { audio?: string }[] }).content[1]!.audio!;
    expect([...base64ToPcm16(audio)]).toEqual([1, -1, 300]);
    const back = conversationItemToChatItem(wire);
    expect(back).toMatchObject({
      type: 'message',
      id: 'u',
      role: 'user',
      content: [
        { type: 'text', text: 'hello' },
        { type: 'audio', transcript: null },
      ],
    });
  });

  it('sends assistant text as output_text and assistant audio as its transcript; refuses it without one', () => {
    expect(chatItemToConversationItem(assistantMessage('a', 'ok'))).toEqual({
      type: 'message',
      id: 'a',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'ok' }],
    });
    expect(
      chatItemToConversationItem(assistantMessage('a', audioContent(frame, 'spoken'))),
    ).toMatchObject({ content: [{ type: 'output_text', text: 'spoken' }] });
    expect(() =>
      chatItemToConversationItem(assistantMessage('a', audioContent(frame))),
    ).toThrowError(expect.objectContaining({ code: 'UNSUPPORTED_CONTENT', itemId: 'a' }));
    expect(() =>
      chatItemToConversationItem(
        systemMessage('s', 'x') && {
          type: 'message',
          id: 's',
          role: 'system',
          content: [{ type: 'image', imageUrl: 'data:' }],
        },
      ),
    ).toThrowError(/images/);
  });

  it('maps images, function calls and outputs', () => {
    expect(
      chatItemToConversationItem(
        userMessage('u', { type: 'image', imageUrl: 'data:image/png;base64,AA', detail: 'low' }),
      ),
    ).toMatchObject({
      content: [{ type: 'input_image', image_url: 'data:image/png;base64,AA', detail: 'low' }],
    });
    expect(chatItemToConversationItem(functionCall('f', 'c', 'n', '{}'))).toEqual({
      type: 'function_call',
      id: 'f',
      call_id: 'c',
      name: 'n',
      arguments: '{}',
    });
    expect(chatItemToConversationItem(functionCallOutput('o', 'c', 'r'))).toEqual({
      type: 'function_call_output',
      id: 'o',
      call_id: 'c',
      output: 'r',
    });
    expect(
      conversationItemToChatItem({
        type: 'function_call_output',
        id: 'o',
        call_id: 'c',
        output: 'r',
        status: 'completed',
      }),
    ).toEqual({ ...functionCallOutput('o', 'c', 'r'), status: 'completed' });
  });

  it('keeps unknown item types verbatim as raw items and refuses items without id', () => {
    const mcp = { type: 'mcp_call', id: 'm', server_label: 's', name: 'n', arguments: '{}' };
    const raw = conversationItemToChatItem(mcp as never);
    expect(raw).toEqual({ type: 'raw', id: 'm', item: mcp });
    expect(chatItemToConversationItem(raw)).toEqual(mcp);
    expect(() =>
      conversationItemToChatItem({ type: 'message', role: 'user', content: [] }),
    ).toThrowError(expect.objectContaining({ code: 'INVALID_ITEM' }));
  });
});

describe('beta converters', () => {
  it('uses the beta vocabulary (text, input_text) and reads it back', () => {
    expect(chatItemToBetaItem(assistantMessage('a', 'hi'))).toEqual({
      type: 'message',
      id: 'a',
      role: 'assistant',
      content: [{ type: 'text', text: 'hi' }],
    });
    expect(chatItemToBetaItem(userMessage('u', 'yo'))).toEqual({
      type: 'message',
      id: 'u',
      role: 'user',
      content: [{ type: 'input_text', text: 'yo' }],
    });
    expect(
      betaItemToChatItem({
        id: 'b',
        type: 'message',
        role: 'assistant',
        content: [{ type: 'audio', transcript: 'said' }],
      }),
    ).toEqual({
      type: 'message',
      id: 'b',
      role: 'assistant',
      content: [{ type: 'audio', transcript: 'said' }],
    });
    expect(chatItemToBetaItem(functionCall('f', 'c', 'n', '{}'))).toEqual({
      type: 'function_call',
      id: 'f',
      call_id: 'c',
      name: 'n',
      arguments: '{}',
    });
  });

  it('refuses images and raw items, which beta cannot carry', () => {
    expect(() =>
      chatItemToBetaItem(userMessage('u', { type: 'image', imageUrl: 'data:' })),
    ).toThrowError(expect.objectContaining({ code: 'UNSUPPORTED_CONTENT' }));
    expect(() =>
      chatItemToBetaItem({ type: 'raw', id: 'r', item: { type: 'mcp_call' } }),
    ).toThrowError(/no beta form/);
  });
});

describe('toChatItem (the input form of conversation.item.create)', () => {
  const ids = createCounterIdGenerator('g');
  it('fills in type and id, and takes strings, frames and parts as content', () => {
    expect(toChatItem({ role: 'user', content: 'hi' }, ids)).toEqual({
      type: 'message',
      id: 'item_0001_g',
      role: 'user',
      content: [{ type: 'text', text: 'hi' }],
    });
    expect(
      toChatItem(
        { id: 'u', role: 'user', content: ['look', frame, audioContent(frame, 'tx')] },
        ids,
      ),
    ).toEqual(
      userMessage('u', [
        { type: 'text', text: 'look' },
        { type: 'audio', audio: frame, transcript: null },
        audioContent(frame, 'tx'),
      ]),
    );
    expect(
      toChatItem({ type: 'function_call_output', callId: 'c', output: 'r' }, ids),
    ).toMatchObject({ type: 'function_call_output', callId: 'c', output: 'r' });
    expect(toChatItem(functionCall('f', 'c', 'n', '{}'), ids)).toEqual(
      functionCall('f', 'c', 'n', '{}'),
    );
  });

  it('refuses malformed input with INVALID_ARGUMENT naming the item', () => {
    const bad = [
      null,
      { role: 'tool', content: 'x' },
      { role: 'user', content: [] },
      { role: 'user', content: [42] },
      { type: 'function_call', callId: 'c', arguments: '{}' },
      { type: 'nope' },
      { id: '', role: 'user', content: 'x' },
    ];
    for (const input of bad) {
      expect(() => toChatItem(input as never, ids)).toThrowError(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument: 'item' } }),
      );
    }
  });
});
