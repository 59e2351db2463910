import { pcm16ToBase64 } from '@voxwire/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Conversation, type StoredItem } from '../src/server/conversation.js';
import { tokensOf } from '../src/server/tokens.js';
import { connect } from './helpers.js';

// An item whose `id` counts its reads: a lookup that walks the conversation reads every id on
// its way, one through an index reads none.
function countedItem(id: string, reads: { n: number }): StoredItem {
  const item = { type: 'message', role: 'user', content: [] };
  Object.defineProperty(item, 'id', {
    enumerable: true,
    get: () => {
      reads.n++;
      return id;
    },
  });
  return { item };
}

describe('Conversation looks items up by id without walking them', () => {
  it('get, previousOf, insert-after and delete on 5,000 items read no other item id', () => {
    const reads = { n: 0 };
    const conv = new Conversation();
    for (let i = 0; i < 5_000; i++) conv.insert(countedItem(`item_${i}`, reads));
    reads.n = 0;
    expect(conv.get('item_4999')?.item['id']).toBe('item_4999');
    expect(conv.get('item_0')?.item['id']).toBe('item_0');
    expect(conv.get('missing')).toBeUndefined();
    expect(reads.n).toBe(2); // the two answers' own ids, read by the assertions
    reads.n = 0;
    expect(conv.previousOf('item_4999')).toBe('item_4998');
    expect(conv.insert(countedItem('late', reads), 'item_4998')).toEqual({
      previousItemId: 'item_4998',
    });
    expect(conv.delete('item_2500')).toBe(true);
    expect(conv.delete('item_2500')).toBe(false);
    // previousOf reads the previous item's id; the new entry's is read once to index it
    expect(reads.n).toBe(2);
    expect(conv.size).toBe(5_000);
    expect(conv.ids.slice(4997)).toEqual(['item_4998', 'late', 'item_4999']);
    expect(conv.previousOf('item_2501')).toBe('item_2499');
  });

  it('a repeated id finds its first entry, and the next one once that is deleted', () => {
    const conv = new Conversation();
    const entry = (id: string, text: string): StoredItem => ({ item: { id, text } });
    conv.insert(entry('a', 'first'));
    conv.insert(entry('b', 'middle'));
    conv.insert(entry('a', 'second'));
    expect(conv.get('a')?.item['text']).toBe('first');
    conv.insert(entry('a', 'zeroth'), 'root');
    expect(conv.get('a')?.item['text']).toBe('zeroth');
    expect(conv.delete('a')).toBe(true);
    expect(conv.get('a')?.item['text']).toBe('first');
    expect(conv.previousOf('b')).toBe('a');
    expect(conv.delete('a')).toBe(true);
    expect(conv.get('a')?.item['text']).toBe('second');
    expect(conv.delete('a')).toBe(true);
    expect(conv.get('a')).toBeUndefined();
    expect(conv.ids).toEqual(['b']);
  });
});

describe('a response over a long conversation', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers a conversation of 5,000 items with every audio item counted', async () => {
    const c = await connect();
    // 100 ms of audio each: one input audio token per item (TOKENS.inputAudioMsPerToken)
    const audio = pcm16ToBase64(new Int16Array(2_400));
    for (let i = 0; i < 2_500; i++) {
      c.send({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_audio', audio }] },
      });
      c.send({
        type: 'conversation.item.create',
        item: { type: 'function_call', call_id: `call_${i}`, name: 'f', arguments: '{}' },
      });
    }
    await c.flush();
    expect(c.server.conversation).toHaveLength(5_000);
    c.server.queueResponse((ctx) => {
      expect(ctx.input).toHaveLength(5_000);
      ctx.text('ok');
    });
    c.send({ type: 'response.create' });
    for (let i = 0; i < 20 && !c.types().includes('response.done'); i++) await c.flush();
    const done = c.events.find((e) => e.type === 'response.done')!;
    expect(done['response'].status).toBe('completed');
    const details = done['response'].usage.input_token_details;
    expect(details.audio_tokens).toBe(2_500);
    // '{}' is one text token per call, after the session's instructions
    const instructions = String(c.server.sessionConfig?.['instructions'] ?? '');
    expect(details.text_tokens).toBe(2_500 + tokensOf(instructions));
  });

  it('checks a function_call_output against the calls without copying the conversation', async () => {
    const c = await connect();
    for (let i = 0; i < 5_000; i++)
      c.send({
        type: 'conversation.item.create',
        item: { type: 'function_call', call_id: `call_${i}`, name: 'f', arguments: '{}' },
      });
    await c.flush();
    const clones = vi.spyOn(globalThis, 'structuredClone');
    c.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_0', output: 'fine' },
    });
    c.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_nope', output: 'lost' },
    });
    await c.flush();
    // the events' own copies (the item created, what the client is told), not one per item
    expect(clones.mock.calls.length).toBeLessThan(20);
    expect(c.server.conversation.at(-1)).toMatchObject({ call_id: 'call_0', output: 'fine' });
    expect(c.events.at(-1)).toMatchObject({ type: 'error', error: { param: 'item.call_id' } });
  });
});
