/**
 * Where the fake once answered differently from the real server (protocol.md): cancelling a
 * pending response, barge-in within one append, requests the WebSocket server refuses,
 * response.create values, max_output_tokens, unknown fields outside session.update.
 */
import { describe, expect, it } from 'vitest';
import { base64ToBytes } from '@voxwire/protocol';
import { silence, SimulatedClock, tone } from '../src/index.js';
import { connect, type TestClient } from './helpers.js';

function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

describe('cancelling a response whose script handler is still pending', () => {
  it('ends it with response.done cancelled at once, and the next response.create is accepted', async () => {
    const c = await connect();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    c.server.queueResponse(async (ctx) => {
      await gate;
      ctx.text('too late');
    });
    c.send({ type: 'response.create' });
    await c.flush();
    expect(c.types().at(-1)).toBe('response.created');

    c.send({ type: 'response.cancel' });
    await c.flush();
    expect(c.types().filter((t) => t === 'error')).toEqual([]);
    const done = c.events.filter((e) => e.type === 'response.done');
    expect(done.map((e) => e['response'])).toEqual([
      expect.objectContaining({
        status: 'cancelled',
        status_details: { type: 'cancelled', reason: 'client_cancelled' },
        output: [],
      }),
    ]);
    c.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    await c.flush();
    expect(c.types().filter((t) => t === 'error')).toEqual([]);

    // the handler returning later produces nothing for the response that already ended
    release();
    await c.flush();
    expect(c.events.filter((e) => e.type === 'response.done')).toHaveLength(2);
    expect(JSON.stringify(c.events)).not.toContain('too late');
  });
});

describe('barge-in: a second turn while the first answer is still in progress', () => {
  async function firstAnswerInProgress(): Promise<TestClient> {
    // real-time pacing on a clock never advanced: the first answer stays in progress
    const c = await connect({ pacing: { realtimeFactor: 1 } });
    c.appendAudio(concat(tone(600), silence(800)));
    await c.flush();
    expect(c.types().filter((t) => t === 'response.created')).toHaveLength(1);
    expect(c.types()).not.toContain('response.done');
    return c;
  }

  function expectInterruptedThenAnswered(c: TestClient): void {
    const types = c.types();
    expect(c.events.find((e) => e.type === 'response.done')?.['response']).toMatchObject({
      status: 'cancelled',
      status_details: { type: 'cancelled', reason: 'turn_detected' },
    });
    expect(types.filter((t) => t === 'response.created')).toHaveLength(2);
    // the new answer starts after the interrupted one is done, never inside it
    expect(types.lastIndexOf('response.created')).toBeGreaterThan(types.indexOf('response.done'));
  }

  it('streamed in 100 ms frames: the first answer is cancelled and the new turn is answered', async () => {
    const c = await firstAnswerInProgress();
    const turn = concat(tone(600), silence(800));
    for (let i = 0; i < turn.length; i += 2400) {
      c.appendAudio(turn.subarray(i, i + 2400));
      await c.flush();
    }
    expectInterruptedThenAnswered(c);
  });

  it('the same audio in one frame: the same outcome (timings are in audio time)', async () => {
    const c = await firstAnswerInProgress();
    c.appendAudio(concat(tone(600), silence(800)));
    await c.flush();
    expectInterruptedThenAnswered(c);
  });
});

describe('requests the real server refuses', () => {
  it('output_audio_buffer.clear over a WebSocket is refused as the real server refuses it, naming the request', async () => {
    const c = await connect();
    c.send({ type: 'output_audio_buffer.clear', event_id: 'o1' });
    await c.flush();
    expect(c.types()).not.toContain('output_audio_buffer.cleared');
    expect(c.events.find((e) => e.type === 'error')?.['error']).toMatchObject({
      code: 'invalid_value',
      param: 'type',
      event_id: 'o1',
    });
  });

  it('an unknown item_reference in response.create is refused naming the request', async () => {
    const c = await connect();
    c.send({
      type: 'response.create',
      event_id: 'evt_client_1',
      response: { input: [{ type: 'item_reference', id: 'item_nope' }] },
    });
    await c.flush();
    expect(c.events.find((e) => e.type === 'error')?.['error']).toMatchObject({
      event_id: 'evt_client_1',
    });
  });
});

describe('response.create values', () => {
  it('are held to what a session.update takes: an out-of-range max_output_tokens or text and audio together are refused, naming the request', async () => {
    const c = await connect();
    c.send({ type: 'response.create', event_id: 'r1', response: { max_output_tokens: 99999 } });
    c.send({
      type: 'response.create',
      event_id: 'r2',
      response: { output_modalities: ['text', 'audio'] },
    });
    await c.flush();
    expect(c.types()).not.toContain('response.created');
    expect(c.events.filter((e) => e.type === 'error').map((e) => e['error'])).toMatchObject([
      { param: 'response.max_output_tokens', event_id: 'r1' },
      { param: 'response.output_modalities', event_id: 'r2' },
    ]);
    // a valid one still starts
    c.send({ type: 'response.create', response: { max_output_tokens: 200 } });
    await c.flush();
    expect(c.types()).toContain('response.created');
  });
});

describe('max_output_tokens', () => {
  for (const modality of ['text', 'audio'] as const)
    it(`cuts a ${modality} answer where the limit is reached: incomplete, reason max_output_tokens`, async () => {
      const c = await connect();
      const full = 'This answer is certainly longer than a handful of tokens, by a long way.';
      c.server.queueResponse((ctx) => ctx.say(full));
      c.send({
        type: 'response.create',
        response: { max_output_tokens: 3, output_modalities: [modality] },
      });
      await c.flush();
      const done = c.events.find((e) => e.type === 'response.done')!['response'];
      expect(done).toMatchObject({
        status: 'incomplete',
        status_details: { type: 'incomplete', reason: 'max_output_tokens' },
        output: [expect.objectContaining({ status: 'incomplete' })],
      });
      const part = done.output[0].content[0];
      expect((part.text ?? part.transcript).length).toBeLessThan(full.length);
      expect(done.usage.output_tokens).toBeGreaterThanOrEqual(3);
    });
});

describe('unknown fields outside session.update', () => {
  it('response.bogus and item.content[0].bogus are unknown_parameter errors, and nothing is acted on', async () => {
    const c = await connect();
    c.sendRaw(JSON.stringify({ type: 'response.create', event_id: 'r1', response: { bogus: 1 } }));
    c.sendRaw(
      JSON.stringify({
        type: 'conversation.item.create',
        event_id: 'i1',
        item: {
          type: 'message',
          role: 'user',
          content: [{ type: 'input_text', text: 'a', bogus: 1 }],
        },
      }),
    );
    await c.flush();
    expect(c.types()).toEqual(['session.created', 'error', 'error']);
    expect(c.events.slice(1).map((e) => e['error'])).toMatchObject([
      { code: 'unknown_parameter', param: 'response.bogus', event_id: 'r1' },
      { code: 'unknown_parameter', param: 'item.content[0].bogus', event_id: 'i1' },
    ]);
    expect(c.server.conversation).toEqual([]);
  });
});

describe('truncating an answer whose audio is still streaming (barge-in: cancel and truncate sent together)', () => {
  async function speaking(): Promise<{ c: TestClient; clock: SimulatedClock; itemId: string }> {
    const clock = new SimulatedClock();
    const c = await connect({ clock, pacing: { realtimeFactor: 1 } });
    c.server.queueResponse((ctx) =>
      ctx.say('This is a fairly long answer that takes seconds to speak.'),
    );
    c.send({ type: 'response.create' });
    await c.flush();
    const itemId = c.events.find((e) => e.type === 'response.output_item.added')!['item'].id;
    return { c, clock, itemId };
  }

  it('after 500 ms of audio: the streamed audio is cut and the transcript dropped; the rest of the answer does not undo it', async () => {
    const { c, clock, itemId } = await speaking();
    await clock.advanceAsync(500);
    c.send({ type: 'response.cancel' });
    c.send({
      type: 'conversation.item.truncate',
      event_id: 't1',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: 300,
    });
    await c.flush();
    await clock.advanceAsync(10_000);
    expect(c.events.filter((e) => e.type === 'error')).toEqual([]);
    expect(c.events.find((e) => e.type === 'conversation.item.truncated')).toMatchObject({
      item_id: itemId,
      content_index: 0,
      audio_end_ms: 300,
    });
    expect(c.events.find((e) => e.type === 'response.done')!['response'].status).toBe('cancelled');
    // the server keeps what was heard: 300 ms of audio and no transcript
    c.send({ type: 'conversation.item.retrieve', item_id: itemId });
    await c.flush();
    const retrieved = c.events.find((e) => e.type === 'conversation.item.retrieved')!['item'];
    expect(retrieved.content[0].transcript).toBe('');
    expect(base64ToBytes(retrieved.content[0].audio).length).toBe(300 * 24 * 2);
  });
});
