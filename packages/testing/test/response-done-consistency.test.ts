/**
 * What a response's done events report (audit F7, F14): an item truncated while streaming is
 * reported as kept (transcript gone, as `conversation.item.retrieved` shows it), and a
 * `max_output_tokens: n` response stops at n output tokens.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../src/index.js';
import { connect } from './helpers.js';

describe('an answer truncated while its audio streams, then cancelled', () => {
  it('conversation.item.done, response.output_item.done and response.done carry the item as stored', async () => {
    const clock = new SimulatedClock();
    const c = await connect({ clock, pacing: { realtimeFactor: 1 } });
    c.server.queueResponse((ctx) =>
      ctx.say('This is a fairly long answer that takes seconds to speak.'),
    );
    c.send({ type: 'response.create' });
    await c.flush();
    await clock.advanceAsync(500);
    const itemId = c.events.find((e) => e.type === 'response.output_item.added')!['item'].id;
    c.send({
      type: 'conversation.item.truncate',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: 300,
    });
    c.send({ type: 'response.cancel' });
    await c.flush();
    c.send({ type: 'conversation.item.retrieve', item_id: itemId });
    await c.flush();
    expect(c.types().filter((t) => t === 'error')).toEqual([]);
    const retrieved = c.events.find((e) => e.type === 'conversation.item.retrieved')!['item'];
    const { audio: _audio, ...retrievedPart } = retrieved.content[0];
    expect(retrievedPart).toEqual({ type: 'output_audio', transcript: '' });
    const itemDone = c.events.find(
      (e) => e.type === 'conversation.item.done' && e['item'].id === itemId,
    )!;
    const outputDone = c.events.find((e) => e.type === 'response.output_item.done')!;
    const responseDone = c.events.find((e) => e.type === 'response.done')!;
    for (const item of [itemDone['item'], outputDone['item'], responseDone['response'].output[0]])
      expect(item).toMatchObject({
        id: itemId,
        status: 'incomplete',
        content: [{ type: 'output_audio', transcript: '' }],
      });
  });
});

describe('max_output_tokens: n', () => {
  it.each([
    ['text', 3],
    ['text', 1],
    ['audio', 3],
  ] as const)(
    'a %s answer reports at most n = %i output tokens and stops there',
    async (modality, n) => {
      const c = await connect();
      c.server.queueResponse((ctx) => ctx.say('one two three four five six seven eight nine ten'));
      c.send({
        type: 'response.create',
        response: { max_output_tokens: n, output_modalities: [modality] },
      });
      await c.flush();
      const done = c.events.find((e) => e.type === 'response.done')!['response'];
      expect(done.status_details).toEqual({ type: 'incomplete', reason: 'max_output_tokens' });
      expect(done.usage.output_tokens).toBeLessThanOrEqual(n);
      if (modality === 'text') {
        const deltas = c.events.filter((e) => e.type === 'response.output_text.delta');
        const text = deltas.map((e) => e['delta']).join('');
        // 4 characters a token (the fake's documented rate): nothing beyond the limit went out
        expect(text.length).toBeLessThanOrEqual(n * 4);
        expect(done.output[0].content[0].text).toBe(text);
      }
    },
  );

  it('a function call stops at the limit too', async () => {
    const c = await connect();
    c.server.queueResponse((ctx) => ctx.callFunction('f', { long: 'x'.repeat(200) }));
    c.send({ type: 'response.create', response: { max_output_tokens: 5 } });
    await c.flush();
    const done = c.events.find((e) => e.type === 'response.done')!['response'];
    expect(done.status).toBe('incomplete');
    expect(done.usage.output_tokens).toBeLessThanOrEqual(5);
    expect(done.output[0]).toMatchObject({ type: 'function_call', status: 'incomplete' });
  });

  it('an answer that fits is complete', async () => {
    const c = await connect();
    c.server.queueResponse((ctx) => ctx.text('one two'));
    c.send({
      type: 'response.create',
      response: { max_output_tokens: 2, output_modalities: ['text'] },
    });
    await c.flush();
    const done = c.events.find((e) => e.type === 'response.done')!['response'];
    expect(done.status).toBe('completed');
    expect(done.usage.output_tokens).toBe(2);
  });
});
