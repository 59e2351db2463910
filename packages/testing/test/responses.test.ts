import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../src/index.js';
import { connect } from './helpers.js';

const user = (text: string) => ({
  type: 'conversation.item.create',
  item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
});

describe('responses (GA order of protocol.md §7.4)', () => {
  it('text: exact event order, usage consistent with what was sent, rate_limits after done', async () => {
    const c = await connect();
    c.server.queueResponse((ctx) => ctx.text('Two words'));
    c.send(user('abcdefgh'));
    c.send({ type: 'response.create' });
    await c.flush();
    expect(c.types().slice(1)).toEqual([
      'conversation.item.added',
      'conversation.item.done',
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'conversation.item.done',
      'response.output_item.done',
      'response.done',
      'rate_limits.updated',
    ]);
    const created = c.events.find((e) => e.type === 'response.created')!['response'];
    expect(created).toMatchObject({
      status: 'in_progress',
      output: [],
      usage: null,
      status_details: null,
    });
    const done = c.events.find((e) => e.type === 'response.done')!['response'];
    expect(done.status).toBe('completed');
    expect(done.output[0].content[0]).toMatchObject({ type: 'output_text', text: 'Two words' });
    const instructions = String(c.server.sessionConfig!['instructions']);
    // input: instructions + "abcdefgh" (2 tokens); output: "Two words" (3 tokens)
    expect(done.usage.input_token_details.text_tokens).toBe(Math.ceil(instructions.length / 4) + 2);
    expect(done.usage.output_tokens).toBe(3);
    expect(done.usage.total_tokens).toBe(done.usage.input_tokens + done.usage.output_tokens);
    const rl = c.events.at(-1)!['rate_limits'];
    expect(rl).toEqual([
      {
        name: 'tokens',
        limit: 40000,
        remaining: 40000 - done.usage.total_tokens,
        reset_seconds: expect.any(Number),
      },
    ]);
  });

  it('audio: transcript and audio deltas interleave; the audio is real PCM16 of the right length', async () => {
    const c = await connect();
    c.server.queueResponse((ctx) => ctx.say('Hi there'));
    c.send({ type: 'response.create' });
    await c.flush();
    const types = c.types();
    expect(types.indexOf('response.content_part.added')).toBeLessThan(
      types.indexOf('response.output_audio_transcript.delta'),
    );
    expect(types.slice(-8)).toEqual([
      'response.output_audio.delta',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'conversation.item.done',
      'response.output_item.done',
      'response.done',
      'rate_limits.updated',
    ]);
    const pcm = c.events
      .filter((e) => e.type === 'response.output_audio.delta')
      .map((e) => Buffer.from(e['delta'], 'base64'));
    const bytes = pcm.reduce((n, b) => n + b.length, 0);
    expect(bytes).toBe(8 * 60 * 24 * 2); // 8 chars × 60 ms × 24 samples/ms × 2 bytes
    expect(pcm.some((b) => b.some((x) => x !== 0))).toBe(true);
    const transcript = c.events
      .filter((e) => e.type === 'response.output_audio_transcript.delta')
      .map((e) => e['delta'])
      .join('');
    expect(transcript).toBe('Hi there');
    expect(c.events.find((e) => e.type === 'response.content_part.added')!['part']).toEqual({
      type: 'audio',
      transcript: '',
    });
    const item = c.events.find((e) => e.type === 'response.output_item.done')!['item'];
    expect(item.content).toEqual([{ type: 'output_audio', transcript: 'Hi there' }]);
  });

  it('beta: renamed events, conversation.item.created, requests + tokens rate limits', async () => {
    const c = await connect({ dialect: 'beta' });
    c.server.queueResponse((ctx) => ctx.say('Hey'));
    c.send({ type: 'response.create' });
    await c.flush();
    const wire = c.frames.map((f) => JSON.parse(f as string).type as string);
    expect(wire).toContain('response.audio.delta');
    expect(wire).toContain('response.audio_transcript.done');
    expect(wire).toContain('conversation.item.created');
    expect(wire).not.toContain('conversation.item.added');
    expect(wire).not.toContain('conversation.item.done');
    const rl = JSON.parse(c.frames.at(-1) as string);
    expect(rl.rate_limits.map((r: { name: string }) => r.name)).toEqual(['requests', 'tokens']);
  });

  it('the demo agent answers words and calls a matching tool', async () => {
    const c = await connect();
    c.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        tools: [
          {
            type: 'function',
            name: 'get_weather',
            description: 'weather',
            parameters: { type: 'object' },
          },
        ],
      },
    });
    c.send(user('What is the weather in Oslo?'));
    c.send({ type: 'response.create' });
    await c.flush();
    expect(c.events.find((e) => e.type === 'response.function_call_arguments.done')).toMatchObject({
      name: 'get_weather',
      arguments: '{"location":"Oslo"}',
    });
    c.send(user('Good morning'));
    c.send({ type: 'response.create' });
    await c.flush();
    const transcript = c.events
      .filter((e) => e.type === 'response.output_audio_transcript.done')
      .at(-1)!['transcript'];
    expect(transcript).toBe('You said: Good morning');
  });
});

describe.each(['ga', 'beta'] as const)('responses in both dialects (%s)', (dialect) => {
  it('function call: argument deltas then done with name, then the output round trip', async () => {
    const c = await connect({ dialect });
    c.server.queueResponse((ctx) =>
      ctx.callFunction('get_weather', { location: 'Paris' }, { callId: 'call_1' }),
    );
    c.send({ type: 'response.create' });
    await c.flush();
    const args = c.events
      .filter((e) => e.type === 'response.function_call_arguments.delta')
      .map((e) => e['delta'])
      .join('');
    expect(args).toBe('{"location":"Paris"}');
    expect(c.events.find((e) => e.type === 'response.function_call_arguments.done')).toMatchObject({
      call_id: 'call_1',
      arguments: args,
    });
    // beta's arguments.done has no name on the wire; the item carries it in both dialects
    if (dialect === 'ga')
      expect(
        c.events.find((e) => e.type === 'response.function_call_arguments.done')!['name'],
      ).toBe('get_weather');
    expect(c.events.find((e) => e.type === 'response.output_item.done')!['item']).toMatchObject({
      type: 'function_call',
      name: 'get_weather',
      call_id: 'call_1',
    });
    c.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_1', output: '{"temp":21}' },
    });
    c.send({ type: 'response.create' });
    await c.flush();
    const last = c.events.filter((e) => e.type === 'response.done').at(-1)!['response'];
    expect(last.output[0].content[0].transcript).toContain('temp 21');
  });

  it('a second response.create while one is active → conversation_already_has_active_response; out-of-band runs in parallel', async () => {
    const clock = new SimulatedClock();
    const c = await connect({ dialect, clock, pacing: { firstOutputDelayMs: 100 } });
    c.send({ type: 'response.create' });
    await c.flush();
    const id = c.events.find((e) => e.type === 'response.created')!['response'].id;
    c.send({ type: 'response.create', event_id: 'second' });
    c.send({
      type: 'response.create',
      response: {
        conversation: 'none',
        metadata: { topic: 'x' },
        output_modalities: ['text'],
        input: [],
      },
    });
    await c.flush();
    const error = c.events.find((e) => e.type === 'error')!['error'];
    expect(error).toMatchObject({
      code: 'conversation_already_has_active_response',
      event_id: 'second',
      message: `Conversation already has an active response in progress: ${id}. Wait until the response is finished before creating a new one.`,
    });
    await clock.advanceAsync(100);
    await c.flush();
    const dones = c.events.filter((e) => e.type === 'response.done').map((e) => e['response']);
    expect(dones).toHaveLength(2);
    const oob = dones.find((r) => r.metadata?.topic === 'x');
    expect(oob.conversation_id).toBeUndefined();
    // out-of-band output never enters the conversation
    expect(c.server.conversation.filter((i) => i['role'] === 'assistant')).toHaveLength(1);
  });

  it('response.cancel → cancelled/client_cancelled with done events for the part in progress; cancel with none active → error', async () => {
    const clock = new SimulatedClock();
    const c = await connect({ dialect, clock, pacing: { realtimeFactor: 1 } });
    c.server.queueResponse((ctx) => ctx.say('A long answer that takes a while'));
    c.send({ type: 'response.create' });
    await clock.advanceAsync(250);
    c.send({ type: 'response.cancel' });
    await c.flush();
    const done = c.events.find((e) => e.type === 'response.done')!['response'];
    expect(done.status).toBe('cancelled');
    expect(done.status_details).toEqual({ type: 'cancelled', reason: 'client_cancelled' });
    expect(c.types()).toContain('response.output_audio.done');
    expect(c.types()).toContain('response.content_part.done');
    expect(done.output[0].status).toBe('incomplete');
    c.send({ type: 'response.cancel', event_id: 'late' });
    await c.flush();
    expect(c.events.find((e) => e.type === 'error')!['error']).toMatchObject({
      code: 'response_cancel_not_active',
      message: 'Cancellation failed: no active response found',
      event_id: 'late',
    });
  });

  it('ctx.fail and ctx.incomplete end the response with the right status', async () => {
    const c = await connect({ dialect });
    c.server.queueResponse(
      (ctx) => ctx.fail(),
      (ctx) => (ctx.text('cut'), ctx.incomplete('max_output_tokens')),
    );
    c.send({ type: 'response.create' });
    await c.flush();
    c.send({ type: 'response.create' });
    await c.flush();
    const dones = c.events.filter((e) => e.type === 'response.done').map((e) => e['response']);
    expect(dones[0]).toMatchObject({
      status: 'failed',
      status_details: { type: 'failed', error: { type: 'server_error' } },
    });
    expect(dones[1]).toMatchObject({
      status: 'incomplete',
      status_details: { type: 'incomplete', reason: 'max_output_tokens' },
    });
  });
});
