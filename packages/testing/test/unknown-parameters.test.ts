/**
 * Unknown fields in client events other than session.update: the real server answers
 * `unknown_parameter` with the dotted path and does not act on the event (protocol.md §7.10).
 */
import { describe, expect, it } from 'vitest';
import { connect, type TestClient } from './helpers.js';

function errors(c: TestClient): Record<string, unknown>[] {
  return c.events.filter((e) => e.type === 'error').map((e) => e['error']);
}

describe('unknown fields in response.create', () => {
  for (const dialect of ['ga', 'beta'] as const)
    it(`${dialect}: response.bogus is refused naming the path and the request, and no response starts`, async () => {
      const c = await connect({ dialect });
      c.sendRaw(
        JSON.stringify({
          type: 'response.create',
          event_id: 'r1',
          response: { instructions: 'hi', bogus: 1 },
        }),
      );
      await c.flush();
      expect(c.types()).not.toContain('response.created');
      expect(errors(c)).toEqual([
        {
          type: 'invalid_request_error',
          code: 'unknown_parameter',
          message: "Unknown parameter: 'response.bogus'.",
          param: 'response.bogus',
          event_id: 'r1',
        },
      ]);
    });

  it('GA: a nested unknown field (response.audio.output.bogus) and a beta-only one are named', async () => {
    const c = await connect();
    c.sendRaw(
      JSON.stringify({
        type: 'response.create',
        event_id: 'r1',
        response: { audio: { output: { voice: 'marin', bogus: true } } },
      }),
    );
    // `modalities` is the beta spelling; GA knows only output_modalities
    c.sendRaw(
      JSON.stringify({
        type: 'response.create',
        event_id: 'r2',
        response: { modalities: ['text'] },
      }),
    );
    c.sendRaw(
      JSON.stringify({
        type: 'response.create',
        event_id: 'r3',
        response: {
          input: [
            {
              type: 'message',
              role: 'user',
              content: [{ type: 'input_text', text: 'x', bogus: 1 }],
            },
          ],
        },
      }),
    );
    await c.flush();
    expect(c.types()).not.toContain('response.created');
    expect(errors(c)).toMatchObject([
      { code: 'unknown_parameter', param: 'response.audio.output.bogus', event_id: 'r1' },
      { code: 'unknown_parameter', param: 'response.modalities', event_id: 'r2' },
      { code: 'unknown_parameter', param: 'response.input[0].content[0].bogus', event_id: 'r3' },
    ]);
  });

  it('known fields still start a response (metadata and tool parameters are free-form)', async () => {
    const c = await connect();
    c.sendRaw(
      JSON.stringify({
        type: 'response.create',
        response: {
          conversation: 'none',
          metadata: { anything: 'goes' },
          output_modalities: ['text'],
          tools: [{ type: 'function', name: 'f', parameters: { type: 'object', whatever: 1 } }],
          input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] }],
        },
      }),
    );
    await c.flush();
    expect(errors(c)).toEqual([]);
    expect(c.types()).toContain('response.done');
  });
});

describe('unknown fields in conversation.item.create', () => {
  for (const dialect of ['ga', 'beta'] as const)
    it(`${dialect}: item.bogus and item.content[0].bogus are refused and the item is not added`, async () => {
      const c = await connect({ dialect });
      c.sendRaw(
        JSON.stringify({
          type: 'conversation.item.create',
          event_id: 'i1',
          item: {
            type: 'message',
            role: 'user',
            bogus: 1,
            content: [{ type: 'input_text', text: 'a' }],
          },
        }),
      );
      c.sendRaw(
        JSON.stringify({
          type: 'conversation.item.create',
          event_id: 'i2',
          item: {
            type: 'message',
            role: 'user',
            content: [{ type: 'input_text', text: 'a', bogus: 1 }],
          },
        }),
      );
      await c.flush();
      expect(c.server.conversation).toEqual([]);
      expect(c.types()).not.toContain(
        dialect === 'ga' ? 'conversation.item.added' : 'conversation.item.created',
      );
      expect(errors(c)).toEqual([
        {
          type: 'invalid_request_error',
          code: 'unknown_parameter',
          message: "Unknown parameter: 'item.bogus'.",
          param: 'item.bogus',
          event_id: 'i1',
        },
        {
          type: 'invalid_request_error',
          code: 'unknown_parameter',
          message: "Unknown parameter: 'item.content[0].bogus'.",
          param: 'item.content[0].bogus',
          event_id: 'i2',
        },
      ]);
    });
});

describe('unknown top-level fields in the other client events', () => {
  it('are refused naming the field and the request, and the event is not acted on', async () => {
    const c = await connect({ pacing: { realtimeFactor: 1 } });
    c.send({
      type: 'conversation.item.create',
      item: {
        id: 'u1',
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'a' }],
      },
    });
    await c.flush();
    const before = c.events.length;
    const bad: [string, Record<string, unknown>][] = [
      ['conversation.item.retrieve', { item_id: 'u1' }],
      ['conversation.item.truncate', { item_id: 'u1', content_index: 0, audio_end_ms: 0 }],
      ['conversation.item.delete', { item_id: 'u1' }],
      ['input_audio_buffer.clear', {}],
      ['input_audio_buffer.commit', {}],
      ['input_audio_buffer.append', { audio: 'AAAA' }],
      ['response.cancel', {}],
      ['session.update', { session: { type: 'realtime' } }],
    ];
    for (const [i, [type, fields]] of bad.entries())
      c.sendRaw(JSON.stringify({ type, event_id: `e${i}`, ...fields, bogus: 1 }));
    await c.flush();
    const after = c.events.slice(before);
    expect(after.map((e) => e.type)).toEqual(bad.map(() => 'error'));
    expect(after.map((e) => e['error'])).toEqual(
      bad.map((_, i) => ({
        type: 'invalid_request_error',
        code: 'unknown_parameter',
        message: "Unknown parameter: 'bogus'.",
        param: 'bogus',
        event_id: `e${i}`,
      })),
    );
    // the delete was not acted on
    expect(c.server.conversation.map((i) => i['id'])).toEqual(['u1']);
  });
});
